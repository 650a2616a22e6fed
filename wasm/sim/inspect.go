package sim

import (
	"fmt"
	"math"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// Inspection is what the demo shows about one training point in one panel:
// the quantities the paper's argument turns on, at the panel's weights w
// and at the point's ascent point (w + e_i for the per-example methods,
// SAM's shared w + e, w itself for SGD and Reg-SGD).
type Inspection struct {
	// Point is the index in Lab.Train; X, Y its first two coordinates (its
	// position in the plane for 2-D data), Label the label it is trained
	// on, Flipped whether that label is a flipped one.
	Point   int
	X, Y    float64
	Label   int
	Flipped bool
	// Loss is l_i(w).
	Loss float64
	// Scale and ScaleAt are the logit-scale term ||r_i|| at w and at the
	// ascent point (for a binary model sigmoid(-y f) and its perturbed
	// value): SAM's perturbation raises it for low-loss points.
	Scale, ScaleAt float64
	// Jacobian and JacobianAt are ||J_i||_F, the norm of the logits'
	// Jacobian with respect to the weights, at w and at the ascent point.
	Jacobian, JacobianAt float64
	// Share is the point's share of the panel's last update (Panel.Shares).
	Share float64
	// Rho is the panel's radius (0: the ascent point is w).
	Rho float64
}

// Inspect measures training point i in panel pi (at most a few batch-of-one
// passes: meant for a click, not for every frame).
func (l *Lab) Inspect(pi, i int) (Inspection, error) {
	if pi < 0 || pi >= len(l.Panels) {
		return Inspection{}, fmt.Errorf("inspect: panel %d outside [0,%d)", pi, len(l.Panels))
	}
	if i < 0 || i >= l.Train.N() {
		return Inspection{}, fmt.Errorf("inspect: point %d outside [0,%d)", i, l.Train.N())
	}
	p := l.Panels[pi]
	d := l.Train
	in := Inspection{Point: i, X: d.Row(i)[0], Y: d.Row(i)[1], Label: d.Y[i], Flipped: d.Flipped[i], Share: p.Shares[i], Rho: p.Rho}
	b := train.NewToy(l.Setup.Net, d)
	k := b.Outputs()
	w := p.T.W
	e, norm, r := b.NewExamples(), make([]float64, 1), make([]float64, k)
	in.Loss = b.ExampleGrads(e, norm, r, w, []int{i})
	in.Scale = vnorm(r)
	in.Jacobian = jacobian(b, w, e, nil)
	switch {
	case optim.Of(p.Method).PerExample: // each example's own ascent point
		c := make([]float64, 1)
		optim.AscentScales(c, norm, p.Rho)
		b.ResidualsAt(r, w, e, c)
		in.ScaleAt = vnorm(r)
		in.JacobianAt = jacobian(b, w, e, c)
	case p.Method == "sam":
		wp := b.NewVec()
		g := b.NewVec()
		all := make([]int, d.N())
		for j := range all {
			all[j] = j
		}
		b.Grad(g, w, all, optim.Pass{})
		b.Copy(wp, w)
		b.Axpy(wp, optim.AscentScale(p.Rho, b.Norm(g)), g)
		b.ExampleGrads(e, norm, r, wp, []int{i})
		in.ScaleAt = vnorm(r)
		in.JacobianAt = jacobian(b, wp, e, nil)
	default:
		in.ScaleAt, in.JacobianAt = in.Scale, in.Jacobian
	}
	return in, nil
}

// jacobian returns ||J||_F of e's single example at w + c G (c nil: w):
// the norm of J^T u over the unit vectors u of the logits.
func jacobian(b *train.Toy, w []float64, e *train.Examples, c []float64) float64 {
	k := b.Outputs()
	u, g := make([]float64, k), b.NewVec()
	s := 0.0
	for j := range k {
		clear(u)
		u[j] = 1
		b.VJPAt(g, w, e, c, u)
		s += b.Norm(g) * b.Norm(g)
	}
	return math.Sqrt(s)
}

func vnorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// Nearest returns the training point nearest to (x, y) within radius in
// the plane of the first two coordinates, or -1.
func (l *Lab) Nearest(x, y, radius float64) int {
	best, bd, k := -1, radius*radius, l.Train.D
	for i := range l.Train.N() {
		dx, dy := l.Train.X[k*i]-x, l.Train.X[k*i+1]-y
		if d := dx*dx + dy*dy; d <= bd {
			best, bd = i, d
		}
	}
	return best
}
