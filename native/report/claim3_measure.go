package report

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// ClosedFormRatio is the 1-SAM up-weighting of a linear logistic model:
// the logit-scale weight at the perturbed weights over the one at w,
// sigmoid(rho*||x|| - m)/sigmoid(-m) = (1+e^m)/(1+e^(m-rho*||x||)), for
// margin m = y*w.x and a = rho*||x|| (computed in log space, no overflow).
func ClosedFormRatio(m, a float64) float64 {
	return math.Exp(softplus(m) - softplus(m-a))
}

// softplus is log(1+e^x), without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// MarginLimit bounds the margins used to compare the measured ratio with
// the closed form: beyond it the residual sigmoid(f)-t of a fitted example
// loses relative precision to cancellation in float64.
const MarginLimit = 15.0

// exampleRatio is one training example at one snapshot.
type exampleRatio struct {
	// Margin is y*w.x, A is rho*||x|| (x with a 1 appended when the model has a bias).
	Margin, A, Measured, Closed float64
	Flipped                     bool
}

// linearRun is what claim 3 measures on one (rho, seed) 1-SAM run.
type linearRun struct {
	rho  float64
	seed uint64
	// Steps, Ratio: mean clean over mean flipped effective gradient norm.
	Steps, Ratio []float64
	// Examples at the snapshot step.
	Examples []exampleRatio
	SnapStep int
}

// linearJobs returns claim 3's 1-SAM runs on c, one per rho (outer) and
// seed, and what each measures: every time the trainer records (every
// c.Train.Every() steps and at the end), the mean norm of the per-example
// gradients the update actually uses, grad l_i(w+e_i), over clean and over
// flipped examples, and at step snap (a recorded step) the per-example
// logit-scale weight ratio ||r_i(w+e_i)||/||r_i(w)|| against its closed form.
func linearJobs(c *experiment.Config, rhos []float64, snap int) ([]experiment.Job, []*linearRun) {
	var jobs []experiment.Job
	var runs []*linearRun
	for _, rho := range rhos {
		cc := c.Clone()
		cc.MethodRho = map[string]float64{"1sam": rho}
		for s := range c.Seeds {
			lr := &linearRun{rho: rho, seed: c.FirstSeed + uint64(s), SnapStep: snap}
			runs = append(runs, lr)
			jobs = append(jobs, experiment.Job{Config: cc, Method: "1sam", Seed: lr.seed, Observe: lr.observe})
		}
	}
	return jobs, runs
}

// observe returns the recorder that measures lr on a run (an
// experiment.Job's Observe).
func (lr *linearRun) observe(s *experiment.Setup, tr *train.Trainer) train.Recorder {
	if s.Net.Out != 1 || len(s.Net.Hidden) != 0 {
		return train.RecorderFunc(func(train.Metrics) error {
			return fmt.Errorf("claim 3 needs a linear binary model, got %s", s.Net)
		})
	}
	b := train.NewToy(s.Net, s.Train)
	ws := s.Net.NewWorkspace()
	n := s.Train.N()
	e, gp := b.NewExamples(), b.NewVec()
	gn, pn, cs, r0, r1, all := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]int, n)
	for i := range all {
		all[i] = i
	}
	return train.RecorderFunc(func(m train.Metrics) error {
		b.ExampleGrads(e, gn, r0, tr.W, all) // ||grad l_i(w)||, r_i(w)
		optim.AscentScales(cs, gn, lr.rho)   // e_i = c_i grad l_i(w)
		b.GradAt(gp, tr.W, e, cs)            // at w + e_i
		b.Contributions(pn)                  // ||grad l_i(w + e_i)||
		var sc, sf float64
		var nc, nf int
		for i := range n {
			if s.Train.Flipped[i] {
				sf, nf = sf+pn[i], nf+1
			} else {
				sc, nc = sc+pn[i], nc+1
			}
		}
		lr.Steps = append(lr.Steps, float64(m.Step))
		lr.Ratio = append(lr.Ratio, (sc/float64(nc))/(sf/float64(nf)))
		if m.Step != lr.SnapStep {
			return nil
		}
		b.ResidualsAt(r1, tr.W, e, cs) // r_i(w + e_i)
		for i := range n {
			x := s.Train.Row(i)
			xx := floats.Dot(x, x)
			if s.Net.Bias {
				xx++ // the bias's input
			}
			xn := math.Sqrt(xx)
			mg := float64(2*s.Train.Y[i]-1) * s.Net.Forward(ws, tr.W, x)[0]
			// The ascent step has length exactly rho (optim.AscentScale),
			// so the logit moves by rho*||x||.
			lr.Examples = append(lr.Examples, exampleRatio{Margin: mg, A: lr.rho * xn, Measured: math.Abs(r1[i]) / math.Abs(r0[i]),
				Closed: ClosedFormRatio(mg, lr.rho*xn), Flipped: s.Train.Flipped[i]})
		}
		return nil
	})
}

// DecayThreshold is the clean/flipped gradient-norm ratio below which claim 3
// counts the ratio as decayed.
const DecayThreshold = 0.8

// decayStep returns the first step whose ratio is below thr, or the last
// step if none is.
func decayStep(steps, ratio []float64, thr float64) float64 {
	for i, r := range ratio {
		if r < thr {
			return steps[i]
		}
	}
	return steps[len(steps)-1]
}

// rhoNorms returns the sorted rho*||x_i|| of a run's snapshot.
func rhoNorms(lr *linearRun) []float64 {
	var out []float64
	for _, e := range lr.Examples {
		out = append(out, e.A)
	}
	sort.Float64s(out)
	return out
}
