// Package app is the samlab demo as an Ebiten game: two to four panels,
// side by side, train one method each on the same data and initial weights
// and show the predicted class probability as a heat map with the decision
// boundary; a curves area plots test, clean-train and flipped-train accuracy
// per method with the early-stopping point marked; the controls are drawn
// in the canvas. The same code runs in the browser (GOOS=js, started by
// wasm/web) and in a native window (cmd/samlab-desktop). Nothing here
// imports syscall/js: Ebiten is the only bridge to the browser, and the URL
// query arrives as program arguments.
package app

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/samlab/samlab/wasm/sim"
)

// The logical screen size; Ebiten scales it to the window or canvas.
const (
	ScreenW = 1280
	ScreenH = 800
)

// Game is the demo's ebiten.Game. State changes only in Update; Draw only
// draws.
type Game struct {
	opt   Options
	log   io.Writer
	lab   *sim.Lab
	faces *faces

	playing   bool
	frame     int
	views     []*panelView
	rr        int // round-robin cursor of the heat-map refresh
	points    *ebiten.Image
	pointsOK  bool
	pointsGen int
	ui        *ui
	uiKey     int
	notice    string
	noticeAt  int
	argErr    error
	lastQ     string

	stepOnce     int // single steps asked for since the last Update
	ffDone       bool
	wantScale    float64 // from LayoutF, applied by syncScale
	lastFF       time.Time
	layoutLogged int // panel count of the last layout log line
	firstLogged  bool
	labGen       int // changes with every new lab or reset (layer keys)
	bgLayer      layer
	sideLayer    layer
	curvesLayer  layer
	vs           []ebiten.Vertex // scratch for paths
	is           []uint16

	perf     perfWindow
	shotDone bool
	shotErr  error
	started  time.Time
}

// panelView is the drawing state of one panel: its heat map (pixels and
// boundary) and the offscreen image they are uploaded to.
type panelView struct {
	heat      *sim.Heat
	img       *ebiten.Image
	segs      []sim.Segment
	upload    bool
	plane     *ebiten.Image // heat map + boundary + points, composed
	compose   bool
	pointsGen int  // the points layer generation composed into plane
	reported  bool // divergence logged
}

// New returns the game for o.
func New(o Options) (*Game, error) {
	fs, err := loadFaces()
	if err != nil {
		return nil, fmt.Errorf("new game: %w", err)
	}
	lab, err := sim.New(o.Params)
	if err != nil {
		return nil, fmt.Errorf("new game: %w", err)
	}
	g := &Game{opt: o, log: o.Log, lab: lab, faces: fs, playing: !o.Params.Paused, argErr: o.ArgErr, started: time.Now(),
		ffDone: o.Params.Steps == 0}
	if g.log == nil {
		g.log = os.Stdout
	}
	if g.opt.LogEvery == 0 {
		g.opt.LogEvery = 60
	}
	if err := g.resetViews(); err != nil {
		return nil, err
	}
	if o.ArgErr != nil {
		g.logf("warning %v", o.ArgErr)
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
	return g.shotErr
}

// logf writes one log line prefixed "samlab: ".
func (g *Game) logf(format string, a ...any) {
	fmt.Fprintf(g.log, "samlab: "+format+"\n", a...)
}

// Layout returns the screen size for an integer outside size (LayoutF is
// the one Ebiten uses).
func (g *Game) Layout(outsideW, outsideH int) (int, int) {
	w, h := g.LayoutF(float64(outsideW), float64(outsideH))
	return int(w), int(h)
}

// LayoutF sizes the screen to the window or canvas at the display's
// resolution: the 1280 x 800 layout scaled by the device pixel ratio and
// the fit of the window, in steps of 1/4 (from 1/2 to 4).
func (g *Game) LayoutF(outsideW, outsideH float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor() * min(outsideW/ScreenW, outsideH/ScreenH)
	if !(s > 0) {
		s = 1
	}
	s = max(0.5, min(4, math.Round(s*4)/4))
	g.wantScale = s
	return ScreenW * s, ScreenH * s
}

// syncScale applies a new scale from LayoutF: the fonts are rasterised
// again and every cached image is dropped.
func (g *Game) syncScale() {
	if g.wantScale == 0 || g.wantScale == uiScale {
		return
	}
	uiScale = g.wantScale
	if fs, err := loadFaces(); err == nil {
		g.faces = fs
	}
	g.bgLayer, g.sideLayer, g.curvesLayer = layer{}, layer{}, layer{}
	g.points, g.pointsOK = nil, false
	for _, v := range g.views {
		v.plane = nil
	}
	g.ui = nil
	g.logf("scale %.2f screen=%.0fx%.0f", uiScale, ScreenW*uiScale, ScreenH*uiScale)
}

// Update handles input, trains and refreshes the heat maps; the frame timer
// measures the training and heat-map work of every frame.
func (g *Game) Update() error {
	if g.shotDone || (g.opt.Frames > 0 && g.frame >= g.opt.Frames && g.opt.Screenshot == "") {
		return ebiten.Termination
	}
	g.syncScale()
	if g.frame == 0 {
		g.logf("ready query=%s panels=%s", g.lab.P.Query(), strings.Join(g.labels(), ","))
	}
	g.handleInput()
	if g.frame == 0 || g.layoutLogged != len(g.lab.Panels) {
		g.logLayout()
	}
	if g.lab.P.Steps > g.lab.Steps() && !g.ffDone {
		g.fastForward()
		g.frame++
		return nil
	}

	t0 := time.Now()
	steps := 0
	if g.playing {
		steps = g.lab.P.Speed
	}
	if g.stepOnce > 0 {
		steps += g.stepOnce
		g.stepOnce = 0
	}
	if steps > 0 {
		g.lab.Step(steps)
		g.logDivergence()
	}
	t1 := time.Now()
	heats := g.refreshHeat()
	t2 := time.Now()
	g.perf.add(t1.Sub(t0), t2.Sub(t1), steps, heats)
	if g.opt.LogEvery > 0 && (g.frame+1)%g.opt.LogEvery == 0 {
		g.logPerf()
	}
	if q := g.lab.P.Query(); q != g.lastQ {
		if g.lastQ != "" {
			g.logf("state query=%s", q)
		}
		g.lastQ = q
	}
	g.frame++
	return nil
}

// logLayout logs where the controls and planes are, in logical pixels
// (the canvas maps them 1:1 at 1280x800), so a browser test can click them.
func (g *Game) logLayout() {
	var b strings.Builder
	for _, w := range g.ui.widgets {
		fmt.Fprintf(&b, " %s=%.0f,%.0f,%.0f,%.0f", w.id, w.r.X, w.r.Y, w.r.W, w.r.H)
	}
	for i := range g.lab.Panels {
		r := g.planeRect(i)
		fmt.Fprintf(&b, " plane%d=%.0f,%.0f,%.0f,%.0f", i, r.X, r.Y, r.W, r.H)
	}
	g.logf("layout screen=%dx%d%s", ScreenW, ScreenH, b.String())
	g.layoutLogged = len(g.lab.Panels)
}

// fastForward trains towards Params.Steps for part of each frame: 30 ms,
// or half the last frame's interval when frames are slow (a software
// renderer), up to 500 ms, so the page stays responsive and slow frames
// do not stretch the fast-forward. The frame timer leaves these frames out.
func (g *Game) fastForward() {
	now := time.Now()
	budget := 30 * time.Millisecond
	if !g.lastFF.IsZero() {
		budget = min(500*time.Millisecond, max(budget, now.Sub(g.lastFF)/2))
	}
	g.lastFF = now
	deadline := now.Add(budget)
	for g.lab.Steps() < g.lab.P.Steps && time.Now().Before(deadline) {
		g.lab.Step(1)
	}
	g.logDivergence()
	for i := range g.views {
		g.views[i].segs = nil // refresh every heat map
	}
	g.refreshHeat()
	if g.lab.Steps() >= g.lab.P.Steps || g.anyDiverged() {
		g.ffDone = true
		g.logf("event fast-forward-done step=%d", g.lab.Steps())
	}
}

func (g *Game) anyDiverged() bool {
	for _, p := range g.lab.Panels {
		if p.Err != nil {
			return true
		}
	}
	return false
}

// refreshHeat re-renders stale heat maps and returns how many it did: all
// of them on the first frame or while paused, else at most one per frame
// (round robin), so a frame's work stays bounded however many panels run.
func (g *Game) refreshHeat() int {
	n := 0
	all := g.frame == 0 || !g.playing || !g.ffDone
	for range len(g.views) {
		i := g.rr % len(g.views)
		g.rr++
		v, p := g.views[i], g.lab.Panels[i]
		if v.heat.Version == p.Version && v.segs != nil {
			continue
		}
		v.heat.Render(g.lab.Setup.Net, p.T.W, g.lab.View)
		v.heat.Version = p.Version
		v.segs = v.heat.Boundary(v.segs[:0])
		v.upload = true
		n++
		if !all {
			break
		}
	}
	return n
}

func (g *Game) logDivergence() {
	for i, p := range g.lab.Panels {
		if v := g.views[i]; p.Err != nil && !v.reported {
			v.reported = true
			g.logf("warning %v", p.Err)
		}
	}
}

func (g *Game) labels() []string {
	var s []string
	for _, p := range g.lab.Panels {
		s = append(s, p.Label)
	}
	return s
}

// planeSize returns the side of each panel's plane for n panels.
func planeSize(n int) float64 {
	return min(400, float64(int((mainW-float64(n-1)*panelGap)/float64(n))))
}

// gridSize returns the heat-map grid for a plane of side s: about 14
// screen pixels a cell, scaled up with linear filtering (the boundary is
// interpolated between cells, so it stays smooth).
func gridSize(s float64) int {
	return max(20, min(30, int(s/14)))
}

// resetViews makes the panel views for the current lab.
func (g *Game) resetViews() error {
	s := planeSize(len(g.lab.Panels))
	gs := gridSize(s)
	g.views = g.views[:0]
	for range g.lab.Panels {
		h, err := sim.NewHeat(gs, g.lab.Setup.Net)
		if err != nil {
			return fmt.Errorf("panel view: %w", err)
		}
		h.Version = ^uint64(0)
		g.views = append(g.views, &panelView{heat: h, img: ebiten.NewImage(gs, gs)})
	}
	g.pointsOK = false
	g.rr = 0
	g.labGen++
	return nil
}

// apply switches to parameters q (rebuilding the lab), reporting errors as
// a notice.
func (g *Game) apply(q sim.Params, what string) {
	q.Steps = 0 // a new experiment starts at step 0
	g.ffDone = true
	if err := q.Validate(); err != nil {
		g.note(err.Error())
		return
	}
	lab, err := g.lab.With(q)
	if err != nil {
		g.note(err.Error())
		return
	}
	g.lab = lab
	if err := g.resetViews(); err != nil {
		g.note(err.Error())
	}
	g.logf("event %s query=%s", what, q.Query())
}

// note shows a message for a few seconds and logs it.
func (g *Game) note(s string) {
	g.notice, g.noticeAt = s, g.frame
	g.logf("notice %s", s)
}

// perfWindow accumulates the frame timer between two log lines.
type perfWindow struct {
	work        []float64 // ms per frame: training + heat maps
	train, heat float64
	steps       int
	heats       int
	frames      int
	all         []float64 // every frame's work since start (for the summary)
}

func (w *perfWindow) add(train, heat time.Duration, steps, heats int) {
	tr, ht := train.Seconds()*1e3, heat.Seconds()*1e3
	w.work = append(w.work, tr+ht)
	w.train += tr
	w.heat += ht
	w.steps += steps
	w.heats += heats
	w.frames++
}

func (g *Game) logPerf() {
	w := &g.perf
	if w.frames == 0 {
		return
	}
	s := slices.Clone(w.work)
	slices.Sort(s)
	mean := 0.0
	for _, x := range s {
		mean += x
	}
	mean /= float64(len(s))
	p95 := s[min(len(s)-1, int(0.95*float64(len(s))))]
	g.logf("perf frame=%d step=%d playing=%t speed=%d panels=%d grid=%d work_ms_mean=%.2f work_ms_p95=%.2f work_ms_max=%.2f train_ms_mean=%.2f heat_ms_mean=%.2f heat_renders=%d fps=%.1f",
		g.frame+1, g.lab.Steps(), g.playing, g.lab.P.Speed, len(g.lab.Panels), g.views[0].heat.G, mean, p95, s[len(s)-1],
		w.train/float64(w.frames), w.heat/float64(w.frames), w.heats, ebiten.ActualFPS())
	*w = perfWindow{work: w.work[:0]}
}

// Draw draws the frame; with Options.Screenshot it also saves the frame.
func (g *Game) Draw(screen *ebiten.Image) {
	g.syncScale()
	g.draw(screen)
	if g.frame == 1 && !g.firstLogged {
		g.firstLogged = true
		g.logf("first-frame ms_since_start=%d", time.Since(g.started).Milliseconds())
	}
	last := g.opt.Frames
	if last == 0 {
		last = 60
	}
	if g.opt.Screenshot != "" && !g.shotDone && g.frame >= last {
		g.shotErr = saveScreenshot(screen, g.opt.Screenshot)
		g.shotDone = true
		if g.shotErr == nil {
			g.logf("screenshot %s frame=%d step=%d", g.opt.Screenshot, g.frame, g.lab.Steps())
		}
	}
}

// saveScreenshot writes the screen's pixels to a PNG file.
func saveScreenshot(screen *ebiten.Image, path string) error {
	b := screen.Bounds()
	img := image.NewRGBA(b)
	screen.ReadPixels(img.Pix)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("screenshot: encode: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}

var _ ebiten.Game = (*Game)(nil)

// cursor returns the mouse position in logical pixels.
func cursor() (x, y float64) {
	cx, cy := ebiten.CursorPosition()
	return float64(cx) / uiScale, float64(cy) / uiScale
}

// justClicked reports a left click or a touch that began this frame, with
// its position in logical pixels.
func justClicked() (x, y float64, ok bool) {
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		x, y := cursor()
		return x, y, true
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		tx, ty := ebiten.TouchPosition(id)
		return float64(tx) / uiScale, float64(ty) / uiScale, true
	}
	return 0, 0, false
}
