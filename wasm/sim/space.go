package sim

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// The high-dimensional scene (highdim: a linear model f(x) = w.x without
// bias on data x = y*mu + noise in 1000 dimensions). There is no plane of
// inputs to draw a heat map on, so each panel shows what the paper's
// argument is about (docs/web.md, "The paper's toy"):
//   - the margin view: every training point at its margin y_i w.x_i and
//     its share of the update, against the closed-form per-example weight
//     of the panel's method (margins.go);
//   - the projection: the points on the plane of the class-mean direction
//     and the weights' component orthogonal to it, with the decision line
//     (projection.go).

// Space is what the high-dimensional scene's views share, fixed for a
// lab's data: the first axis of the projection, the points' coordinates
// along it and the points' norms.
type Space struct {
	// U1 is the unit class-mean direction mu/||mu||, known from the data
	// generator (experiment.Config.Mu), not estimated: with 30% flipped
	// labels the mean of y*x over the training set is mostly noise.
	U1 []float64
	// A and TestA hold the training and test points' coordinates along
	// U1, x.U1.
	A, TestA []float64
	// Norms holds the training points' norms ||x_i||, NormMean their mean:
	// 1-SAM's ascent term is c_i = rho*||x_i|| (docs/science.md, section
	// 4.1).
	Norms    []float64
	NormMean float64
}

// NewSpace returns the space of a high-dimensional experiment cfg on its
// data s.
func NewSpace(cfg *Config, s *Setup) (*Space, error) {
	mu := cfg.Mu()
	if mu == nil {
		return nil, fmt.Errorf("preset %s: data kind %s has no class-mean direction", cfg.Name, cfg.Data.Kind)
	}
	if cfg.Model.Kind != "linear" || cfg.Model.Bias || s.Net.Out != 1 {
		return nil, errors.New("the high-dimensional views need a binary linear model without bias")
	}
	n := floats.Norm(mu, 2)
	if !(n > 0) {
		return nil, errors.New("the class mean is zero")
	}
	u1 := make([]float64, len(mu))
	floats.ScaleTo(u1, 1/n, mu)
	sp := &Space{U1: u1, A: along(s.Train.X, s.Train.D, u1), TestA: along(s.Test.X, s.Test.D, u1)}
	sp.Norms = make([]float64, s.Train.N())
	for i := range sp.Norms {
		sp.Norms[i] = floats.Norm(s.Train.Row(i), 2)
	}
	sp.NormMean = floats.Sum(sp.Norms) / float64(len(sp.Norms))
	return sp, nil
}

// along returns the coordinates along unit vector u of the rows of x (d
// values each).
func along(x []float64, d int, u []float64) []float64 {
	out := make([]float64, len(x)/d)
	for i := range out {
		out[i] = floats.Dot(x[i*d:(i+1)*d], u)
	}
	return out
}

// Views is what the high-dimensional scene draws of one panel, computed
// by Lab.UpdateViews from the panel's weights.
type Views struct {
	// Version is the panel Version the views were computed at; Valid
	// whether they were computed at all.
	Version uint64
	Valid   bool
	// Stepped is false before the panel's first step: there is no update
	// yet, so Margins are at the initial weights and Panel.Shares are zero.
	Stepped bool
	// Margins holds each training point's margin y_i w.x_i (y_i = +-1) at
	// the weights the panel's last update was computed at: the margins
	// that gave the points their shares of that update (Panel.Shares).
	Margins []float64
	// Proj is the projection at the panel's current weights.
	Proj Projection

	xw      []float64 // X w at the weights of step xwStep
	xwStep  int
	scratch []float64
}

// HighDim reports whether l is a high-dimensional scene (Space set):
// its panels show the margin view and the projection, not planes.
func (l *Lab) HighDim() bool { return l.Space != nil }

// UpdateViews brings panel i's views up to date with its weights, the
// test points' projection included when test is set, and reports whether
// it computed anything. It does nothing in a 2-D lab. The cost is one or
// two products of the training inputs with a weight vector (one when the
// panel took a single step since the last update: the last product is the
// margins' then), and one of the test inputs when test is set.
func (l *Lab) UpdateViews(i int, test bool) bool {
	sp := l.Space
	if sp == nil || i < 0 || i >= len(l.Panels) {
		return false
	}
	p := l.Panels[i]
	v := &p.Views
	fresh := v.Valid && v.Version == p.Version
	if fresh && test == (v.Proj.TestB != nil) {
		return false
	}
	if !fresh {
		l.updateViews(p)
	}
	if test {
		te := l.Setup.Test
		v.Proj.TestA = sp.TestA
		v.Proj.TestB = v.Proj.project(v.Proj.TestB, te.X, te.D)
	} else {
		v.Proj.TestA, v.Proj.TestB = nil, nil
	}
	return true
}

// updateViews computes panel p's margins and training points' projection.
func (l *Lab) updateViews(p *Panel) {
	v := &p.Views
	d := l.Train
	n := d.N()
	if len(v.Margins) != n {
		v.Margins, v.xw, v.scratch = make([]float64, n), make([]float64, n), make([]float64, n)
		v.xwStep = -1
	}
	// The margins at the weights of the last update (step atStep): the
	// last product, when it was taken there.
	xa := v.xw
	if v.xwStep != p.atStep {
		mul(v.scratch, d.X, d.D, p.at)
		xa = v.scratch
	}
	for k := range n {
		v.Margins[k] = float64(2*d.Y[k]-1) * xa[k]
	}
	// The projection at the current weights.
	if step := p.T.Steps(); v.xwStep != step {
		mul(v.xw, d.X, d.D, p.T.W)
		v.xwStep = step
	}
	v.Proj.set(l.Space, p.T.W, v.xw, d.X, d.D)
	v.Stepped = p.T.Steps() > 0
	v.Version, v.Valid = p.Version, true
}

// mul sets dst[i] to the dot product of row i of x (d values a row) with
// w.
func mul(dst, x []float64, d int, w []float64) {
	for i := range dst {
		dst[i] = floats.Dot(x[i*d:(i+1)*d], w)
	}
}
