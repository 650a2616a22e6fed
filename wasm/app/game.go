// Package app is the samlab demo as an Ebiten game: two to four panels,
// side by side, train one method each on the same data and initial weights
// and show the predicted class probability as a heat map with the decision
// boundary (on the highdim preset, 1000-D: each point's margin against its
// share of the update, and a projection on the plane of the class mean and
// the weights); a curves area plots test, clean-train and flipped-train accuracy
// per method with the early-stopping point marked, and the flipped points'
// share of each method's update; the controls are drawn in the canvas. The
// mechanism is shown two more ways: the share view draws every training
// point with an area proportional to its share of its panel's update, and
// the inspector shows, for one point, the terms of that share (loss, logit
// scale and Jacobian norm at w and at the ascent point). The same code runs
// in the browser (GOOS=js, started by wasm/web) and in a native window
// (cmd/samlab-desktop). Nothing here imports syscall/js: Ebiten is the only
// bridge to the browser (dropped files included), and the URL query
// arrives as program arguments.
//
// The files are named for what they hold. Update's side: session.go (the
// lab and the actions on it), inspector.go (the inspected point and its
// measurements), drop.go (a points file dropped on the page or window),
// heatmaps.go (the heat maps, rendered in Update), space.go (the
// high-dimensional scene's views, refreshed in Update, and their
// windows), controls.go, focus.go and input.go (the sidebar's controls,
// the keyboard focus over them, and the input mapped to actions),
// scale.go, log.go and timer.go (the frame timer). Draw's side: view.go,
// with its caches in layer.go, plane.go, points.go and shares.go (the
// share view's points, drawn as sprites by discs.go), margins.go and
// projection.go (the high-dimensional scene's views) and the pictures in
// panel.go, curves.go, sidebar.go, background.go, notice.go and
// inspector.go's box, drawn on a canvas (canvas.go, text.go) in colors.go's
// and core/palette's colours; capture.go saves what Draw made. layout.go
// places everything. What a control does to the parameters is wasm/sim's
// (its controls.go).
package app

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/wasm/sim"
)

// Game is the demo's ebiten.Game: a coordinator of parts that each own
// their state. State changes only in Update; Draw only draws (into the
// view's caches, and the capture records what it drew).
type Game struct {
	log      *logger     // log lines (log.go)
	scale    *scale      // screen pixels per logical pixel (scale.go)
	session  *session    // the lab and what the controls change (session.go)
	heat     *heatMaps   // the panels' heat maps (heatmaps.go)
	controls *controls   // the sidebar and the input (sidebar.go, input.go)
	view     *view       // Draw's caches (view.go)
	timer    *frameTimer // the frame timer (timer.go)
	capture  *capture    // the first-frame line and the screenshot (capture.go)
}

var _ ebiten.Game = (*Game)(nil)

// New returns the game for o.
func New(o Options) (*Game, error) {
	v, err := newView()
	if err != nil {
		return nil, fmt.Errorf("new game: %w", err)
	}
	log := &logger{w: o.Log}
	if log.w == nil {
		log.w = os.Stdout
	}
	s, err := newSession(o, log)
	if err != nil {
		return nil, fmt.Errorf("new game: %w", err)
	}
	g := &Game{log: log, scale: &scale{cur: 1}, session: s, heat: &heatMaps{}, controls: &controls{}, view: v,
		timer:   &frameTimer{every: o.LogEvery},
		capture: &capture{started: time.Now(), frames: o.Frames, path: o.Screenshot}}
	if g.timer.every == 0 {
		g.timer.every = 60
	}
	if err := g.heat.sync(s); err != nil {
		return nil, err
	}
	g.controls.hidden, g.controls.focus = o.Params.Embed, sim.NoFocus
	setEmbed(o.Params.Embed)
	g.controls.layout(len(s.lab.Panels))
	if o.ArgErr != nil {
		for _, l := range strings.Split(o.ArgErr.Error(), "\n") {
			log.logf("warning %s", l)
		}
	}
	return g, nil
}

// Run opens the window (or canvas) and runs the game until it ends.
func Run(o Options) error {
	g, err := New(o)
	if err != nil {
		return err
	}
	ebiten.SetWindowSize(ScreenW, ScreenH)
	ebiten.SetWindowTitle("samlab: SGD vs SAM under label noise")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// One Update per frame: "steps per frame" means what it says, and a
	// slow frame does not trigger catch-up updates.
	ebiten.SetTPS(ebiten.SyncWithFPS)
	ebiten.SetScreenClearedEveryFrame(true)
	if err := ebiten.RunGame(g); err != nil {
		return fmt.Errorf("run game: %w", err)
	}
	return g.capture.err
}

// Layout returns the screen size for an integer outside size (LayoutF is
// the one Ebiten uses).
func (g *Game) Layout(outsideW, outsideH int) (int, int) {
	w, h := g.LayoutF(float64(outsideW), float64(outsideH))
	return int(w), int(h)
}

// LayoutF sizes the screen to the window or canvas at the display's
// resolution: the 1280 x 800 layout scaled by the device pixel ratio and
// the fit of the window, in steps of 1/4 (from 1/2 to 4). The next Update
// applies the scale.
func (g *Game) LayoutF(outsideW, outsideH float64) (float64, float64) {
	return g.scale.layout(outsideW, outsideH)
}

// Update applies a new scale, handles input (dropped files included),
// trains, refreshes the heat maps and the inspector; the frame timer
// measures the training, heat-map and inspector work of every frame but
// the fast-forward's.
func (g *Game) Update() error {
	s := g.session
	if g.capture.over(s.frame) {
		return ebiten.Termination
	}
	if g.scale.apply() {
		g.log.logf("scale %.2f screen=%.0fx%.0f", g.scale.cur, ScreenW*g.scale.cur, ScreenH*g.scale.cur)
	}
	if s.frame == 0 {
		g.log.logf("ready query=%s panels=%s", s.lab.P.Query(), strings.Join(s.labels(), ","))
	}
	g.controls.update(g.scale.cur, s)
	if err := g.heat.sync(s); err != nil {
		s.note(err.Error())
	}
	if s.frame == 0 || g.log.layoutPanels != len(s.lab.Panels) || g.log.layoutSpace != s.lab.HighDim() {
		g.log.layout(g.controls.widgets, len(s.lab.Panels), s.lab.HighDim())
	}
	if s.fastForwarding() {
		s.fastForward()
		g.heat.refresh(s.lab, true)
		s.space.refresh(s)
		s.frame++
		return nil
	}

	t0 := time.Now()
	steps := s.train()
	t1 := time.Now()
	heats := g.heat.refresh(s.lab, s.frame == 0 || !s.playing || !s.ff.done) + s.space.refresh(s)
	t2 := time.Now()
	if _, err := s.inspector.refresh(s.lab, t2); err != nil {
		s.note(err.Error())
	}
	t3 := time.Now()
	g.timer.add(t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), steps, heats)
	if g.timer.due(s.frame) {
		g.timer.flush(g.log, s.frame, s, g.heat.grid())
	}
	g.log.stateQuery(s.lab.P.Query())
	s.frame++
	return nil
}

// Draw draws the frame; with Options.Screenshot it also saves the frame.
// The frame timer records how long the drawing took (not the saving): a
// measurement, like the capture, not a change of the demo's state.
func (g *Game) Draw(screen *ebiten.Image) {
	t0 := time.Now()
	g.view.draw(screen, g.scale.cur, g.session, g.heat, g.controls)
	g.timer.drawn(time.Since(t0))
	g.capture.drawn(screen, g.session.frame, g.session.lab.Steps(), g.log)
}
