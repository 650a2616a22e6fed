package app

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"golang.org/x/image/font"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/wasm/sim"
)

// Screen layout, in logical pixels.
const (
	headerH  = 52.0
	mainX    = 14.0
	mainW    = 962.0
	panelGap = 14.0
	panelTop = headerH + 8
	panelHdr = 30.0
	panelFtr = 30.0
	sideX    = 990.0
	sideW    = 276.0
	sideTop  = headerH + 8
	footerH  = 30.0
)

// The palette.
var (
	colBG       = rgb(0xeef1f5)
	colCard     = rgb(0xffffff)
	colBorder   = rgb(0xd5dbe3)
	colText     = rgb(0x111827)
	colMuted    = rgb(0x6b7280)
	colFaint    = rgb(0xe5e7eb)
	colAccent   = rgb(0x2563eb)
	colBtn      = rgb(0xf3f4f6)
	colBtnHover = rgb(0xe2e8f0)
	colBtnLine  = rgb(0xcbd5e1)
	colWarn     = rgb(0xb91c1c)
	colHeader   = rgb(0x0f172a)
	colBoundary = rgb(0x111827)
)

// MethodColors are the curve colours of the methods.
var MethodColors = map[string]color.RGBA{
	"sgd": rgb(0xdc2626), "sam": rgb(0x7c3aed), "1sam": rgb(0x059669),
	"lsam": rgb(0xdb2777), "jsam": rgb(0x0891b2), "regsgd": rgb(0x57534e),
}

// widget is a clickable control: a plain struct with a rectangle and a
// handler, as in Ebiten's examples.
type widget struct {
	id      string
	r       rect
	text    func() string
	onClick func(shift bool)
	active  func() bool // drawn as selected
	primary bool
	symbol  bool // a small +/- or </> button
}

// label is static or dynamic text of the sidebar.
type label struct {
	x, y  float64
	w     float64 // > 0: centre the text in [x, x+w]
	text  func() string
	face  font.Face
	clr   color.Color
	chip  color.Color // a colour square before the text
	chipF func() color.Color
}

// ui holds the sidebar's widgets and labels for one panel count.
type ui struct {
	widgets []*widget
	labels  []label
	rules   []float64 // y of section separators
}

func fixed(s string) func() string { return func() string { return s } }

// buildUI lays out the sidebar for the current number of panels.
func (g *Game) buildUI() *ui {
	u := &ui{}
	fs := g.faces
	x0, x1 := sideX+16, sideX+sideW-16
	y := sideTop + 14
	heading := func(s string) {
		if y > sideTop+20 {
			u.rules = append(u.rules, y-8)
		}
		u.labels = append(u.labels, label{x: x0, y: y, text: fixed(s), face: fs.bold, clr: colText})
		y += 24
	}
	button := func(id string, x, w float64, text func() string, on func(bool)) *widget {
		wd := &widget{id: id, r: rect{x, y, w, 28}, text: text, onClick: on}
		u.widgets = append(u.widgets, wd)
		return wd
	}
	// stepper: name on the left, [-] value [+] on the right.
	stepper := func(id, name string, value func() string, dec, inc func(), sym [2]string) {
		u.labels = append(u.labels, label{x: x0, y: y + 6, text: fixed(name), face: fs.body, clr: colMuted})
		bw, vw := 26.0, 100.0
		m := button(id+"-dec", x1-bw-vw-bw, bw, fixed(sym[0]), func(bool) { dec() })
		m.symbol = true
		u.labels = append(u.labels, label{x: x1 - bw - vw, y: y + 6, w: vw, text: value, face: fs.body, clr: colText})
		p := button(id+"-inc", x1-bw, bw, fixed(sym[1]), func(bool) { inc() })
		p.symbol = true
		y += 33
	}
	pm := [2]string{"-", "+"}
	lr := [2]string{"<", ">"}

	heading("Training")
	bw := (x1 - x0 - 16) / 3
	play := button("play", x0, bw, func() string {
		if g.playing {
			return "Pause"
		}
		return "Play"
	}, func(bool) { g.togglePlay() })
	play.primary = true
	button("step", x0+bw+8, bw, fixed("Step"), func(bool) { g.stepOnce++; g.logf("event step") })
	button("reset", x0+2*(bw+8), bw, fixed("Reset"), func(bool) { g.reset() })
	y += 38
	stepper("speed", "Speed", func() string {
		if g.lab.P.Speed == 1 {
			return "1 step/frame"
		}
		return fmt.Sprintf("%d steps/frame", g.lab.P.Speed)
	}, func() { g.setSpeed(g.lab.P.Speed / 2) }, func() { g.setSpeed(g.lab.P.Speed * 2) }, pm)

	heading("Methods (one panel each)")
	for i := range g.lab.P.Methods {
		u.labels = append(u.labels, label{x: x0, y: y + 6, text: fixed(fmt.Sprintf("Panel %d", i+1)), face: fs.body, clr: colMuted,
			chipF: func() color.Color { return MethodColors[g.lab.P.Methods[i]] }})
		bw, vw := 26.0, 100.0
		m := button(fmt.Sprintf("method%d-prev", i), x1-bw-vw-bw, bw, fixed("<"), func(bool) { g.cycleMethod(i, -1) })
		m.symbol = true
		u.labels = append(u.labels, label{x: x1 - bw - vw, y: y + 6, w: vw, text: func() string { return optim.Labels[g.lab.P.Methods[i]] }, face: fs.bold, clr: colText})
		p := button(fmt.Sprintf("method%d-next", i), x1-bw, bw, fixed(">"), func(bool) { g.cycleMethod(i, +1) })
		p.symbol = true
		y += 33
	}
	hw := (x1 - x0 - 8) / 2
	button("add-panel", x0, hw, fixed("Add panel"), func(bool) { g.addPanel() })
	button("remove-panel", x0+hw+8, hw, fixed("Remove panel"), func(bool) { g.removePanel() })
	y += 40

	heading("Data")
	stepper("preset", "Preset", func() string { return g.lab.P.Preset }, func() { g.cyclePreset(-1) }, func() { g.cyclePreset(+1) }, lr)
	stepper("noise", "Flipped labels", func() string { return fmt.Sprintf("%.0f%%", 100*g.lab.Config.Data.Noise) },
		func() { g.setNoise(-0.05) }, func() { g.setNoise(+0.05) }, pm)
	stepper("points", "Training points", func() string { return strconv.Itoa(g.lab.Config.Data.NTrain) },
		func() { g.setPoints(-1) }, func() { g.setPoints(+1) }, pm)
	stepper("seed", "Seed", func() string { return strconv.FormatUint(g.lab.P.Seed, 10) },
		func() { g.setSeed(-1) }, func() { g.setSeed(+1) }, pm)
	button("regenerate", x0, hw, fixed("New data"), func(bool) { g.setSeed(+1) })
	t := button("test", x0+hw+8, hw, func() string {
		if g.lab.P.Test {
			return "Test points: on"
		}
		return "Test points: off"
	}, func(bool) { g.toggleTest() })
	t.active = func() bool { return g.lab.P.Test }
	y += 40

	heading("Model and optimiser")
	u.labels = append(u.labels, label{x: x0, y: y + 6, text: fixed("Model"), face: fs.body, clr: colMuted})
	mw := 60.0
	lin := button("model-linear", x1-2*mw-6, mw, fixed("Linear"), func(bool) { g.setModel("linear") })
	lin.active = func() bool { return g.lab.Config.Model.Kind == "linear" }
	mlp := button("model-mlp", x1-mw, mw, fixed("MLP"), func(bool) { g.setModel("mlp") })
	mlp.active = func() bool { return g.lab.Config.Model.Kind == "mlp" }
	y += 33
	stepper("width", "Hidden layers", func() string {
		if g.lab.Config.Model.Kind != "mlp" {
			return "-"
		}
		var parts []string
		for _, w := range g.lab.Config.Model.Hidden {
			parts = append(parts, strconv.Itoa(w))
		}
		return strings.Join(parts, "-")
	}, func() { g.setWidth(-1) }, func() { g.setWidth(+1) }, pm)
	stepper("lr", "Learning rate", func() string { return strconv.FormatFloat(g.lab.Config.Train.LR, 'g', 3, 64) },
		func() { g.setLR(-1) }, func() { g.setLR(+1) }, pm)
	stepper("rho", "Radius rho", g.rhoText, func() { g.setRho(-1) }, func() { g.setRho(+1) }, pm)

	y += 6
	u.rules = append(u.rules, y-4)
	for _, s := range []string{
		"Click a plane: add a blue point; Shift+click: orange.",
		"Keys: Space play/pause, S step, R reset,",
		"N new data, T test points, +/- speed.",
	} {
		u.labels = append(u.labels, label{x: x0, y: y, text: fixed(s), face: fs.small, clr: colMuted})
		y += 15
	}
	return u
}

// rhoText shows rho: one value, or the preset's per-method values.
func (g *Game) rhoText() string {
	var vals []float64
	for _, m := range g.lab.P.Methods {
		if sim.UsesRho(m) {
			vals = append(vals, sim.Rho(g.lab.Config, m))
		}
	}
	if len(vals) == 0 {
		return "(no SAM panel)"
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	if len(vals) == 1 {
		return strconv.FormatFloat(vals[0], 'g', 3, 64)
	}
	return "per method"
}

// handleInput applies clicks, touches and keys.
func (g *Game) handleInput() {
	if g.ui == nil || g.uiKey != len(g.lab.Panels) {
		g.ui, g.uiKey = g.buildUI(), len(g.lab.Panels)
	}
	cx, cy := cursor()
	shape := ebiten.CursorShapeDefault
	for _, w := range g.ui.widgets {
		if w.r.contains(cx, cy) {
			shape = ebiten.CursorShapePointer
		}
	}
	for i := range g.lab.Panels {
		if g.planeRect(i).contains(cx, cy) {
			shape = ebiten.CursorShapeCrosshair
		}
	}
	ebiten.SetCursorShape(shape)

	shift := ebiten.IsKeyPressed(ebiten.KeyShift)
	if x, y, ok := justClicked(); ok {
		g.click(x, y, shift)
	}
	key := inpututil.IsKeyJustPressed
	switch {
	case key(ebiten.KeySpace):
		g.togglePlay()
	case key(ebiten.KeyS), key(ebiten.KeyArrowRight):
		g.stepOnce++
		g.logf("event step")
	case key(ebiten.KeyR):
		g.reset()
	case key(ebiten.KeyN), key(ebiten.KeyG):
		g.setSeed(+1)
	case key(ebiten.KeyT):
		g.toggleTest()
	case key(ebiten.KeyEqual), key(ebiten.KeyNumpadAdd), key(ebiten.KeyArrowUp):
		g.setSpeed(g.lab.P.Speed * 2)
	case key(ebiten.KeyMinus), key(ebiten.KeyNumpadSubtract), key(ebiten.KeyArrowDown):
		g.setSpeed(g.lab.P.Speed / 2)
	}
}

// click dispatches a click at (x, y) to a widget or a plane.
func (g *Game) click(x, y float64, shift bool) {
	for _, w := range g.ui.widgets {
		if w.r.contains(x, y) {
			g.logf("event click id=%s", w.id)
			w.onClick(shift)
			return
		}
	}
	for i := range g.lab.Panels {
		r := g.planeRect(i)
		if !r.contains(x, y) {
			continue
		}
		c := 0
		if shift {
			c = 1
		}
		if ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyAlt) {
			c = min(2, g.lab.Classes()-1)
		}
		px, py := g.lab.View.FromUnit((x-r.X)/r.W, (y-r.Y)/r.H)
		if err := g.lab.AddPoint(px, py, c); err != nil {
			g.note(err.Error())
			return
		}
		g.pointsOK = false
		g.logf("event add-point x=%.3f y=%.3f class=%d n=%d", px, py, c, g.lab.Train.N())
		return
	}
}

func (g *Game) togglePlay() {
	g.playing = !g.playing
	if g.playing {
		g.logf("event play step=%d", g.lab.Steps())
	} else {
		g.logf("event pause step=%d", g.lab.Steps())
	}
}

func (g *Game) reset() {
	if err := g.lab.Reset(); err != nil {
		g.note(err.Error())
		return
	}
	_ = g.resetViews()
	g.logf("event reset")
}

func (g *Game) setSpeed(s int) {
	s = max(1, min(sim.MaxSpeed, s))
	g.lab.P.Speed = s
	g.lab.Every = max(5, s)
	g.logf("event speed=%d", s)
}

func (g *Game) toggleTest() {
	g.lab.P.Test = !g.lab.P.Test
	g.pointsOK = false
	g.logf("event test=%t", g.lab.P.Test)
}

// params returns a copy of the current parameters safe to modify.
func (g *Game) params() sim.Params {
	q := g.lab.P
	q.Methods = slices.Clone(q.Methods)
	return q
}

func (g *Game) cycleMethod(i, d int) {
	q := g.params()
	k := slices.Index(optim.Names, q.Methods[i])
	q.Methods[i] = optim.Names[(k+d+len(optim.Names))%len(optim.Names)]
	g.apply(q, "methods")
}

func (g *Game) addPanel() {
	q := g.params()
	if len(q.Methods) >= sim.MaxPanels {
		g.note(fmt.Sprintf("at most %d panels", sim.MaxPanels))
		return
	}
	for _, m := range []string{"sam", "jsam", "lsam", "regsgd", "1sam", "sgd"} {
		if !slices.Contains(q.Methods, m) {
			q.Methods = append(q.Methods, m)
			break
		}
	}
	g.apply(q, "add-panel")
}

func (g *Game) removePanel() {
	q := g.params()
	if len(q.Methods) <= 2 {
		g.note("keep at least two panels to compare")
		return
	}
	q.Methods = q.Methods[:len(q.Methods)-1]
	g.apply(q, "remove-panel")
}

func (g *Game) cyclePreset(d int) {
	k := slices.Index(sim.Presets, g.lab.P.Preset)
	q := sim.PresetParams(sim.Presets[(k+d+len(sim.Presets))%len(sim.Presets)])
	q.Methods, q.Seed, q.Speed, q.Test = slices.Clone(g.lab.P.Methods), g.lab.P.Seed, g.lab.P.Speed, g.lab.P.Test
	g.apply(q, "preset")
}

func (g *Game) setNoise(d float64) {
	q := g.params()
	q.Noise = math.Round(max(0, min(sim.MaxNoise, g.lab.Config.Data.Noise+d))*100) / 100
	g.apply(q, "noise")
}

// next returns the value after (d > 0) or before (d < 0) cur in the sorted
// ladder, or cur's nearest end.
func next(ladder []float64, cur float64, d int) float64 {
	if d > 0 {
		for _, v := range ladder {
			if v > cur*(1+1e-9)+1e-12 {
				return v
			}
		}
		return ladder[len(ladder)-1]
	}
	for i := len(ladder) - 1; i >= 0; i-- {
		if ladder[i] < cur*(1-1e-9)-1e-12 {
			return ladder[i]
		}
	}
	return ladder[0]
}

var (
	pointLadder = []float64{20, 50, 100, 150, 200, 300, 400, 600, 800, 1000, 1500, 2000}
	widthLadder = []float64{2, 4, 8, 16, 32, 64, 128}
	lrLadder    = []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2}
	rhoLadder   = []float64{0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}
)

func (g *Game) setPoints(d int) {
	q := g.params()
	q.Points = int(next(pointLadder, float64(g.lab.Config.Data.NTrain), d))
	g.apply(q, "points")
}

func (g *Game) setSeed(d int) {
	q := g.params()
	if d < 0 && q.Seed <= 1 {
		return
	}
	q.Seed = uint64(int64(q.Seed) + int64(d))
	g.apply(q, "seed")
}

func (g *Game) setModel(kind string) {
	q := g.params()
	if g.lab.Config.Model.Kind == kind {
		return
	}
	q.Model = kind
	if kind == "mlp" && q.Width == 0 {
		q.Width = 16
	}
	g.apply(q, "model")
}

func (g *Game) setWidth(d int) {
	if g.lab.Config.Model.Kind != "mlp" {
		g.note("width applies to the MLP: choose MLP first")
		return
	}
	q := g.params()
	q.Width = int(next(widthLadder, float64(g.lab.Config.Model.Hidden[0]), d))
	g.apply(q, "width")
}

func (g *Game) setLR(d int) {
	q := g.params()
	q.LR = next(lrLadder, g.lab.Config.Train.LR, d)
	g.apply(q, "lr")
}

func (g *Game) setRho(d int) {
	q := g.params()
	cur := q.Rho
	if cur < 0 {
		cur = 0
		for _, m := range q.Methods {
			if sim.UsesRho(m) {
				cur = max(cur, sim.Rho(g.lab.Config, m))
			}
		}
	}
	q.Rho = next(rhoLadder, cur, d)
	g.apply(q, "rho")
}

// planeRect returns panel i's plane on the screen.
func (g *Game) planeRect(i int) rect {
	n := len(g.lab.Panels)
	s := planeSize(n)
	total := float64(n)*s + float64(n-1)*panelGap
	x := mainX + (mainW-total)/2 + float64(i)*(s+panelGap)
	return rect{x, panelTop + panelHdr, s, s}
}
