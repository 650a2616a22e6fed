package sim

import (
	"fmt"
	"math"
	"slices"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// Sample is one point of a panel's curves: accuracies (fractions in [0,1])
// at a step, and CleanShare, the share of the step's update that came from
// clean examples (train.Metrics.CleanShare). Flipped is NaN when no
// training label is flipped, Clean when every one is (the page says "no
// flipped points", "no clean points").
type Sample struct {
	Step                 int
	Test, Clean, Flipped float64
	CleanShare           float64
}

// Panel trains one method. Its fields are read by the UI; change them only
// through Lab.
type Panel struct {
	// Method is the canonical method name, Label its display name.
	Method, Label string
	// Rho is the radius the method trains with (0 for SGD and Reg-SGD).
	Rho float64
	// T is the core trainer.
	T *train.Trainer
	// Curve holds a Sample every Lab.Every steps, starting at step 0.
	Curve []Sample
	// Best is the sample with the best test accuracy so far (the
	// early-stopping point); its Step is -1 before any sample.
	Best Sample
	// Err is set when training diverged; the panel then stops.
	Err error
	// Version changes whenever the weights change.
	Version uint64
	// Shares holds each training point's share of the panel's last update
	// (train.Trainer.Shares; all zero before the first step).
	Shares []float64
	// Views holds the high-dimensional scene's views of the panel
	// (Lab.UpdateViews); empty in a 2-D lab.
	Views Views

	// at holds the weights the last update was computed at (the initial
	// weights before the first step), atStep their step: the margins of
	// the margin view are taken there, where Shares were. Nil in a 2-D lab.
	at     []float64
	atStep int
}

// record appends the trainer's metrics to the panel's curve and moves the
// early-stopping point: the panel's train.Recorder.
func (p *Panel) record(m train.Metrics) error {
	s := Sample{Step: m.Step, Test: m.TestAcc, Clean: m.CleanAcc, Flipped: m.FlippedAcc, CleanShare: m.CleanShare}
	p.Curve = append(p.Curve, s)
	if m.BestStep == m.Step {
		p.Best = s
	}
	return nil
}

// Last returns the latest sample (Step -1 before any).
func (p *Panel) Last() Sample {
	if len(p.Curve) == 0 {
		return Sample{Step: -1}
	}
	return p.Curve[len(p.Curve)-1]
}

// Lab is a running demo: one Panel per method, every panel on the same data
// and the same initial weights. It is not safe for concurrent use.
type Lab struct {
	// P holds the parameters the lab was built from.
	P Params
	// Config is the resolved experiment config.
	Config *Config
	// Setup holds the data and initial weights shared by all panels.
	Setup *Setup
	// Train is the training set in use: Setup.Train plus the added points.
	Train *data.Dataset
	// Added counts the points added with AddPoint.
	Added int
	// Panels holds one panel per method of P.Methods.
	Panels []*Panel
	// View is the square window of the plane the panels show.
	View View
	// Custom is true when the training points are a user's own
	// (WithPoints) rather than the preset's.
	Custom bool
	// Every is the interval, in steps, of the curve samples (at least 1).
	// New and With set it from P.Speed (CurveEvery), so that a frame
	// samples each panel at most once; the app raises it with the speed.
	Every int
	// Space holds what the high-dimensional scene's views share (nil in a
	// 2-D lab, whose panels are planes: InPlane).
	Space *Space
}

// New builds a lab for p.
func New(p Params) (*Lab, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("new lab: %w", err)
	}
	cfg, err := p.Config()
	if err != nil {
		return nil, fmt.Errorf("new lab: %w", err)
	}
	s, custom, err := buildLinked(cfg, p)
	if err != nil {
		return nil, fmt.Errorf("new lab: build data and model: %w", err)
	}
	l := &Lab{P: p, Config: cfg, Setup: s, Train: s.Train, Every: CurveEvery(p.Speed), Custom: custom}
	if err := l.addLinked(); err != nil {
		return nil, fmt.Errorf("new lab: %w", err)
	}
	if InPlane(p.Preset) {
		if s.Train.D < 2 {
			return nil, fmt.Errorf("new lab: preset %s has no plane (%d-D data)", p.Preset, s.Train.D)
		}
		l.View = FitView(s.Train)
	} else if l.Space, err = NewSpace(cfg, s); err != nil {
		return nil, fmt.Errorf("new lab: %w", err)
	}
	if err := l.Reset(); err != nil {
		return nil, err
	}
	return l, nil
}

// With returns a lab for q. When q changes only the methods or the
// training values (lr, rho), the new lab keeps l's data, added points
// included, and initial weights; otherwise it starts from fresh data.
// Either way training restarts at step 0. A user's points (q.Pts) stay
// through any change but of the preset, noise, n or seed, which ask for the
// preset's data.
func (l *Lab) With(q Params) (*Lab, error) {
	if q.Preset != l.P.Preset || q.Noise != l.P.Noise || q.Points != l.P.Points || q.Seed != l.P.Seed {
		q.Pts = ""
	}
	a, b := l.P, q
	a.Methods, b.Methods = nil, nil
	a.LR, b.LR, a.Rho, b.Rho = 0, 0, 0, 0
	a.Speed, b.Speed, a.Test, b.Test, a.Paused, b.Paused = 0, 0, false, false, false, false
	a.Shares, b.Shares = false, false
	if a.Preset != b.Preset || a.Noise != b.Noise || a.Model != b.Model || a.Width != b.Width || a.Points != b.Points || a.Seed != b.Seed || a.Pts != b.Pts {
		return New(q)
	}
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	cfg, err := q.Config()
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	n := &Lab{P: q, Config: cfg, Setup: l.Setup, Train: l.Train, Added: l.Added, View: l.View, Every: CurveEvery(q.Speed), Custom: l.Custom,
		Space: l.Space}
	if err := n.Reset(); err != nil {
		return nil, err
	}
	return n, nil
}

// Reset puts every panel back at the initial weights and step 0, keeping
// the data (added points included).
func (l *Lab) Reset() error {
	l.Panels = l.Panels[:0]
	for _, m := range l.P.Methods {
		t, err := train.New(l.Setup.Net, l.Train, l.Setup.Test, l.Setup.W0, l.Config.RunConfig(m), l.Setup.Seed)
		if err != nil {
			return fmt.Errorf("reset %s: %w", m, err)
		}
		p := &Panel{Method: m, Label: optim.Labels[m], Rho: Rho(l.Config, m), T: t, Best: Sample{Step: -1},
			Shares: make([]float64, l.Train.N())}
		t.Recorder = train.RecorderFunc(p.record)
		t.SetRecordEvery(l.Every)
		if l.Space != nil {
			p.at = slices.Clone(t.W)
		}
		if err := t.Record(); err != nil { // step 0
			return fmt.Errorf("reset %s: %w", m, err)
		}
		l.Panels = append(l.Panels, p)
	}
	return nil
}

// Steps returns the step count of the panels (the largest, should one have
// stopped on divergence).
func (l *Lab) Steps() int {
	s := 0
	for _, p := range l.Panels {
		s = max(s, p.T.Steps())
	}
	return s
}

// Step takes n training steps in every panel that has not diverged,
// sampling the curves every Every steps.
func (l *Lab) Step(n int) {
	for _, p := range l.Panels {
		l.step(p, n)
	}
}

// StepTurn takes n training steps in one panel, the one with the fewest
// steps of those that have not diverged (the first of them), and returns
// its index (-1 when every panel diverged). Called every frame it trains
// the panels in turn, each within n steps of the others: the
// high-dimensional scene's frames, where one step of every panel would
// not fit a frame (docs/web.md).
func (l *Lab) StepTurn(n int) int {
	k := -1
	for i, p := range l.Panels {
		if p.Err == nil && (k < 0 || p.T.Steps() < l.Panels[k].T.Steps()) {
			k = i
		}
	}
	if k >= 0 {
		l.step(l.Panels[k], n)
	}
	return k
}

// Level steps every panel that has not diverged up to the step of the
// most advanced one (after StepTurn), and returns how many steps it took.
func (l *Lab) Level() int {
	top, took := l.Steps(), 0
	for _, p := range l.Panels {
		if d := top - p.T.Steps(); d > 0 && p.Err == nil {
			l.step(p, d)
			took += d
		}
	}
	return took
}

// step takes n training steps in panel p unless it diverged, sampling the
// curves every Every steps.
func (l *Lab) step(p *Panel, n int) {
	if p.Err != nil {
		return
	}
	p.T.SetRecordEvery(l.Every)
	for k := range n {
		if p.at != nil && k == n-1 {
			copy(p.at, p.T.W) // the weights the last update is computed at
			p.atStep = p.T.Steps()
		}
		if err := p.T.Step(); err != nil { // records the curves every l.Every steps
			p.Err = fmt.Errorf("%s: %w", p.Label, err)
			break
		}
	}
	p.T.Shares(p.Shares) // from the last step's own pass: no extra pass
	p.Version++
}

// AddPoint adds a clean training point at (x, y) of class c to every panel,
// keeping weights and steps. Where the data have coordinates beyond the
// plane (noisyplane's noise dimensions) the point has them at 0, where the
// heat maps are drawn.
func (l *Lab) AddPoint(x, y float64, c int) error {
	if l.Space != nil {
		return fmt.Errorf("add point: the %s data have %d dimensions; points are added on a 2-D preset", l.P.Preset, l.Train.D)
	}
	if c < 0 || c >= l.Train.K {
		return fmt.Errorf("add point: class %d outside [0,%d)", c, l.Train.K)
	}
	d := l.Train.Clone()
	row := make([]float64, d.D)
	row[0], row[1] = gridded(x), gridded(y)
	d.Append(row, c)
	for _, p := range l.Panels {
		if err := p.T.SetTrain(d); err != nil {
			return fmt.Errorf("add point: %w", err)
		}
		p.Shares = append(p.Shares, 0)
		p.Version++
	}
	l.Train = d
	l.Added++
	l.P.Pts = l.linkPoints()
	return nil
}

// Classes returns the number of classes.
func (l *Lab) Classes() int { return l.Train.K }

// View is a square window [X0, X0+Size] x [Y0, Y0+Size] of the plane.
type View struct{ X0, Y0, Size float64 }

// FitView returns a square window centred on the data's first two
// coordinates (the plane) holding nearly all of them (the 99th percentile
// of the distance to the centre, plus a margin).
func FitView(d *data.Dataset) View {
	n, k := d.N(), d.D
	var cx, cy float64
	for i := range n {
		cx += d.X[k*i]
		cy += d.X[k*i+1]
	}
	cx /= float64(n)
	cy /= float64(n)
	r := make([]float64, n)
	for i := range n {
		r[i] = max(math.Abs(d.X[k*i]-cx), math.Abs(d.X[k*i+1]-cy))
	}
	slices.Sort(r)
	h := r[min(n-1, int(0.99*float64(n)))] * 1.1
	h = max(math.Ceil(h*2)/2, 1)
	return View{X0: cx - h, Y0: cy - h, Size: 2 * h}
}

// ToUnit maps a plane point to [0,1]^2 with v at the top-left, u to the
// right and v downwards (screen convention).
func (v View) ToUnit(x, y float64) (u, w float64) {
	return (x - v.X0) / v.Size, 1 - (y-v.Y0)/v.Size
}

// FromUnit is the inverse of ToUnit.
func (v View) FromUnit(u, w float64) (x, y float64) {
	return v.X0 + u*v.Size, v.Y0 + (1-w)*v.Size
}
