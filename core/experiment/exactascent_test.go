package experiment

import (
	"math"
	"testing"

	"github.com/samlab/samlab/core/train"
)

// TestHighdimOneSAMFollowsClosedForm runs the highdim preset's 1-SAM (and
// L-SAM, equal to it on a linear model) for the whole run and, beside it,
// the closed form of docs/science.md section 4.1,
//
//	w <- w + lr * mean_i sigmoid(rho*||x_i|| - m_i) y_i x_i,
//
// which has no epsilon anywhere: the ascent of a well-fit point keeps its
// full length rho however small its gradient is. The two trajectories must
// agree to 1e-9 (relative) at every step. An ascent scaled as
// rho/(||G_i|| + 1e-12) departs from the closed form once points are fit to
// gradient norms near 1e-12 (by step 40 on seed 0).
func TestHighdimOneSAMFollowsClosedForm(t *testing.T) {
	for _, method := range []string{"1sam", "lsam"} {
		for _, seed := range []uint64{0, 1} {
			c, err := Preset("highdim")
			if err != nil {
				t.Fatal(err)
			}
			if c.Model.Bias || c.Train.Momentum != 0 || c.Train.WeightDecay != 0 || c.Train.Batch != 0 {
				t.Fatalf("highdim preset changed shape (bias, momentum, weight decay or a mini-batch): the closed form below assumes none")
			}
			rho := c.MethodRho[method]
			s, err := c.Build(seed)
			if err != nil {
				t.Fatal(err)
			}
			cfg := c.Train
			cfg.Method, cfg.Hyper.Rho = method, rho
			tr, err := train.New(s.Net, s.Train, s.Test, s.W0, cfg, seed)
			if err != nil {
				t.Fatal(err)
			}
			d := s.Train
			n, dim := d.N(), d.D
			xn := make([]float64, n)
			for i := range n {
				x := d.Row(i)
				xn[i] = math.Sqrt(dot(x, x))
			}
			w := append([]float64(nil), s.W0...)
			g := make([]float64, dim)
			worst, worstStep := 0.0, 0
			minMargin := math.Inf(1)
			for step := 1; step <= cfg.Steps; step++ {
				clear(g)
				for i := range n {
					x := d.Row(i)
					y := float64(2*d.Y[i] - 1)
					m := y * dot(w, x)
					minMargin = min(minMargin, math.Abs(m))
					a := 1 / (1 + math.Exp(m-rho*xn[i])) // sigmoid(rho||x|| - m)
					for j, v := range x {
						g[j] += a * y * v
					}
				}
				for j := range w {
					w[j] += cfg.LR * g[j] / float64(n)
				}
				if err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				diff, wn := 0.0, 0.0
				for j := range w {
					diff += (w[j] - tr.W[j]) * (w[j] - tr.W[j])
					wn += w[j] * w[j]
				}
				if rel := math.Sqrt(diff / wn); rel > worst {
					worst, worstStep = rel, step
				}
			}
			if worst > 1e-9 {
				t.Errorf("%s seed %d: the run departs from the closed form by %.3g (relative) at step %d", method, seed, worst, worstStep)
			} else {
				t.Logf("%s seed %d: %d steps within %.2g of the closed form", method, seed, cfg.Steps, worst)
			}
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
