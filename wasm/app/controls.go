package app

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// widget is a clickable control: a plain struct with a rectangle and a
// handler, as in Ebiten's examples. Its functions read and change the
// session; the rules of what a control does to the parameters are in
// wasm/sim's controls.go.
type widget struct {
	id      string
	r       rect
	text    func(s *session) string
	onClick func(s *session)
	active  func(s *session) bool // drawn as selected (nil: never)
	// disabled, if not nil, returns why the control does not apply to the
	// session's experiment ("": it does); a disabled control is drawn
	// greyed and a click on it shows the reason.
	disabled func(s *session) string
	primary  bool
	symbol   bool // a small +/- or </> button
	// step, if not nil, makes the widget half of a stepper: the arrow
	// keys step it (d = -1 or +1) while it has the keyboard focus.
	step func(s *session, d int)
}

// label is static or dynamic text of the sidebar.
type label struct {
	x, y float64
	w    float64 // > 0: centre the text in [x, x+w]
	text func(s *session) string
	font fontKind
	clr  color.Color
	chip func(s *session) color.Color // a colour square before the text (nil: none)
}

// controls are the sidebar's widgets, labels and section rules, laid out
// for a panel count (one method row per panel), and the pointer as Update
// last saw it (input.go reads the input; Draw shows hover from it).
type controls struct {
	panels  int
	widgets []*widget
	labels  []label
	rules   []float64 // y of section separators
	x, y    float64   // the pointer, in logical pixels
	hidden  bool      // the embedded page: no sidebar, no widgets (keys only)
	focus   sim.Focus // the keyboard focus over widgets (focus.go)
}

// fixed returns a text function of constant s.
func fixed(s string) func(*session) string { return func(*session) string { return s } }

// layout lays the sidebar out for n panels, unless it already is.
func (c *controls) layout(n int) {
	if (c.widgets != nil || c.hidden) && c.panels == n {
		return
	}
	if c.hidden {
		c.panels, c.widgets, c.labels, c.rules = n, nil, nil, nil
		return
	}
	focused := ""
	if c.focus.At >= 0 && c.focus.At < len(c.widgets) {
		focused = c.widgets[c.focus.At].id
	}
	defer c.keepFocus(focused)
	c.panels, c.widgets, c.labels, c.rules = n, nil, nil, nil
	x0, x1 := sideX+16, sideX+sideW-16
	y := sideTop + 14
	heading := func(s string) {
		if y > sideTop+20 {
			c.rules = append(c.rules, y-8)
		}
		c.labels = append(c.labels, label{x: x0, y: y, text: fixed(s), font: fontBold, clr: colText})
		y += 24
	}
	button := func(id string, x, w float64, text func(*session) string, on func(*session)) *widget {
		wd := &widget{id: id, r: rect{x, y, w, 28}, text: text, onClick: on}
		c.widgets = append(c.widgets, wd)
		return wd
	}
	// stepper: name on the left, [-] value [+] on the right; step gets
	// the direction, -1 or +1.
	stepper := func(id, name string, value func(*session) string, step func(s *session, d int), sym [2]string) {
		c.labels = append(c.labels, label{x: x0, y: y + 6, text: fixed(name), font: fontBody, clr: colMuted})
		bw, vw := 26.0, 100.0
		m := button(id+"-dec", x1-bw-vw-bw, bw, fixed(sym[0]), func(s *session) { step(s, -1) })
		m.symbol, m.step = true, step
		c.labels = append(c.labels, label{x: x1 - bw - vw, y: y + 6, w: vw, text: value, font: fontBody, clr: colText})
		p := button(id+"-inc", x1-bw, bw, fixed(sym[1]), func(s *session) { step(s, +1) })
		p.symbol, p.step = true, step
		y += 33
	}
	// stepTo is a stepper's step applying stepper f of wasm/sim.
	stepTo := func(what string, f func(sim.Params, *sim.Config, int) sim.Params) func(*session, int) {
		return func(s *session, d int) { s.change(what, f(s.lab.P, s.lab.Config, d), nil) }
	}
	pm := [2]string{"-", "+"}
	lr := [2]string{"<", ">"}

	heading("Training")
	bw := (x1 - x0 - 16) / 3
	play := button("play", x0, bw, func(s *session) string {
		if s.playing {
			return "Pause"
		}
		return "Play"
	}, (*session).togglePlay)
	play.primary = true
	button("step", x0+bw+8, bw, fixed("Step"), (*session).step)
	button("reset", x0+2*(bw+8), bw, fixed("Reset"), (*session).reset)
	y += 38
	stepper("speed", "Speed", func(s *session) string {
		steps := "1 step"
		if s.lab.P.Speed > 1 {
			steps = fmt.Sprintf("%d steps", s.lab.P.Speed)
		}
		if n := len(s.lab.Panels); s.lab.HighDim() && n > 1 { // the panels train in turn
			return fmt.Sprintf("%s/%d frames", steps, n)
		}
		return steps + "/frame"
	}, (*session).setSpeed, pm)

	heading("Methods (one panel each)")
	// Add and remove a panel: - and + on the heading's line.
	{
		bw := 26.0
		yy := y
		y -= 24 + 5
		rm := button("remove-panel", x1-2*bw-6, bw, fixed("-"), func(s *session) {
			q, err := sim.RemovePanel(s.lab.P)
			s.change("remove-panel", q, err)
		})
		rm.symbol = true
		ad := button("add-panel", x1-bw, bw, fixed("+"), func(s *session) {
			q, err := sim.AddPanel(s.lab.P)
			s.change("add-panel", q, err)
		})
		ad.symbol = true
		y = yy
	}
	for i := range n {
		c.labels = append(c.labels, label{x: x0, y: y + 6, text: fixed(fmt.Sprintf("Panel %d", i+1)), font: fontBody, clr: colMuted,
			chip: func(s *session) color.Color { return palette.Method(s.lab.P.Methods[i]) }})
		bw, vw := 26.0, 100.0
		cycle := func(d int) func(*session) {
			return func(s *session) { s.change("methods", sim.NextMethod(s.lab.P, i, d), nil) }
		}
		m := button(fmt.Sprintf("method%d-prev", i), x1-bw-vw-bw, bw, fixed("<"), cycle(-1))
		m.symbol = true
		m.step = func(s *session, d int) { cycle(d)(s) }
		c.labels = append(c.labels, label{x: x1 - bw - vw, y: y + 6, w: vw, text: func(s *session) string { return optim.Labels[s.lab.P.Methods[i]] }, font: fontBold, clr: colText})
		p := button(fmt.Sprintf("method%d-next", i), x1-bw, bw, fixed(">"), cycle(+1))
		p.symbol, p.step = true, m.step
		y += 33
	}
	hw := (x1 - x0 - 8) / 2
	y += 7

	heading("Data")
	stepper("preset", "Preset", func(s *session) string { return s.lab.P.Preset },
		func(s *session, d int) { s.change("preset", sim.NextPreset(s.lab.P, d), nil) }, lr)
	stepper("noise", "Flipped labels", func(s *session) string { return fmt.Sprintf("%.0f%%", 100*s.lab.Config.Data.Noise) },
		stepTo("noise", sim.StepNoise), pm)
	stepper("points", "Training points", func(s *session) string { return strconv.Itoa(s.lab.Config.Data.NTrain) },
		stepTo("points", sim.StepPoints), pm)
	stepper("seed", "Seed", func(s *session) string { return strconv.FormatUint(s.lab.P.Seed, 10) }, stepSeed, pm)
	button("regenerate", x0, hw, fixed("New data"), func(s *session) { stepSeed(s, +1) })
	t := button("test", x0+hw+8, hw, func(s *session) string {
		if s.lab.P.Test {
			return "Test points: on"
		}
		return "Test points: off"
	}, (*session).toggleTest)
	t.active = func(s *session) bool { return s.lab.P.Test }
	y += 32
	// The mechanism: whose gradient counts.
	sh := button("shares", x0, hw, func(s *session) string { return "Shares: " + onOff(s.lab.P.Shares) }, (*session).toggleShares)
	sh.active = func(s *session) bool { return s.lab.P.Shares }
	in := button("inspect", x0+hw+8, hw, func(s *session) string { return "Inspect: " + onOff(s.inspecting) }, (*session).toggleInspecting)
	in.active = func(s *session) bool { return s.inspecting }
	y += 38

	heading("Model and optimiser")
	c.labels = append(c.labels, label{x: x0, y: y + 6, text: fixed("Model"), font: fontBody, clr: colMuted})
	mw := 60.0
	model := func(kind string) func(*session) {
		return func(s *session) {
			q, err := sim.SetModel(s.lab.P, s.lab.Config, kind)
			s.change("model", q, err)
		}
	}
	lin := button("model-linear", x1-2*mw-6, mw, fixed("Linear"), model("linear"))
	lin.active = func(s *session) bool { return s.lab.Config.Model.Kind == "linear" }
	lin.disabled = fixedModel
	mlp := button("model-mlp", x1-mw, mw, fixed("MLP"), model("mlp"))
	mlp.active = func(s *session) bool { return s.lab.Config.Model.Kind == "mlp" }
	mlp.disabled = fixedModel
	y += 33
	stepper("width", "Hidden layers", func(s *session) string {
		if !sim.InPlane(s.lab.P.Preset) {
			return "none (fixed)"
		}
		if s.lab.Config.Model.Kind != "mlp" {
			return "-"
		}
		var parts []string
		for _, w := range s.lab.Config.Model.Hidden {
			parts = append(parts, strconv.Itoa(w))
		}
		return strings.Join(parts, "-")
	}, func(s *session, d int) {
		q, err := sim.StepWidth(s.lab.P, s.lab.Config, d)
		s.change("width", q, err)
	}, pm)
	for _, w := range c.widgets[len(c.widgets)-2:] { // the width stepper's - and +
		w.disabled = fixedModel
	}
	stepper("lr", "Learning rate", func(s *session) string { return strconv.FormatFloat(s.lab.Config.Train.LR, 'g', 3, 64) },
		stepTo("lr", sim.StepLR), pm)
	stepper("rho", "Radius rho", rhoText, stepTo("rho", sim.StepRho), pm)

	y += 4
	c.rules = append(c.rules, y-4)
	for k := range helpPlane {
		c.labels = append(c.labels, label{x: x0, y: y, text: func(s *session) string {
			if s.lab.HighDim() {
				return helpSpace[k]
			}
			return helpPlane[k]
		}, font: fontSmall, clr: colMuted})
		y += 14
	}
	c.widgets = append(c.widgets, tourWidgets()...) // on the header (tour.go)
}

// The help lines below the controls, for the 2-D presets and for the
// high-dimensional scene (as many lines each).
var (
	helpPlane = []string{
		"Click a plane: add a blue point; Shift+click: orange.",
		"Alt+click a point: inspect it (Esc closes).",
		"Drop a CSV of x,y,label[,flipped] to train on it.",
		"Keys: Space play, S step, R reset, N new data,",
		"T test, G shares, I inspect, +/- speed, Tab/Enter.",
	}
	helpSpace = []string{
		"Panels train in turn, one a frame (1000-D steps).",
		"Alt+click a point in either view: inspect it.",
		"Top: share of the update by margin; bottom: the",
		"plane of μ and w. Keys: Space play, S step, R reset,",
		"N new data, T test, G shares, +/- speed; Tab, Enter.",
	}
)

// fixedModel says why the model controls do not apply to the
// high-dimensional scene ("" where they do).
func fixedModel(s *session) string {
	if sim.InPlane(s.lab.P.Preset) {
		return ""
	}
	return fmt.Sprintf("The %s preset trains the paper's linear model, f(x) = w·x: model and width are fixed.", s.lab.P.Preset)
}

// stepSeed moves the seed by d (new data and initial weights).
func stepSeed(s *session, d int) {
	q, err := sim.StepSeed(s.lab.P, d)
	s.change("seed", q, err)
}

// rhoText shows rho: one value, or the preset's per-method values.
func rhoText(s *session) string {
	r := sim.Radii(s.lab.P, s.lab.Config)
	switch len(r) {
	case 0:
		return "(no SAM panel)"
	case 1:
		return strconv.FormatFloat(r[0], 'g', 3, 64)
	}
	return "per method"
}

// why returns why w does not apply to session s's experiment ("": it
// does).
func (w *widget) why(s *session) string {
	if w.disabled == nil {
		return ""
	}
	return w.disabled(s)
}

// hover reports whether the pointer is over w.
func (c *controls) hover(w *widget) bool { return w.r.contains(c.x, c.y) }
