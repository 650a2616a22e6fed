package train_test

import (
	"math"
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// TestRowsInPlace: reading a full batch's rows in place, with their squared
// norms cached (the fast path), trains exactly as copying them into the
// batch every pass (the simple path): the same weights, metrics and update
// shares, bit for bit, at every step of a run, for every method, on the
// paper's toy (linear, no bias), a two-layer net on it, the 2-D MLP with
// biases, and a minibatch run (rows copied either way).
func TestRowsInPlace(t *testing.T) {
	cases := []struct {
		preset string
		batch  int
		steps  int
	}{
		{"highdim", 0, 40},
		{"twolayer", 0, 40},
		{"demo", 0, 40},
		{"demo", 32, 20},
	}
	for _, c := range cases {
		for _, m := range optim.Names {
			mod := func(cfg *experiment.Config) {
				cfg.Train.Batch, cfg.Train.RecordEvery = c.batch, 3
				cfg.Data.NTest = min(cfg.Data.NTest, 300)
			}
			fast := presetTrainer(t, c.preset, m, mod)
			simple := presetTrainer(t, c.preset, m, mod)
			train.SetCopyRows(simple, true)
			var mf, ms []train.Metrics
			fast.Recorder = train.RecorderFunc(func(x train.Metrics) error { mf = append(mf, x); return nil })
			simple.Recorder = train.RecorderFunc(func(x train.Metrics) error { ms = append(ms, x); return nil })
			sf, ss := make([]float64, fast.Train.N()), make([]float64, simple.Train.N())
			for step := 1; step <= c.steps; step++ {
				errF, errS := fast.Step(), simple.Step()
				if (errF == nil) != (errS == nil) {
					t.Fatalf("%s %s batch %d step %d: errors %v and %v", c.preset, m, c.batch, step, errF, errS)
				}
				if i := firstDiff(fast.W, simple.W); i >= 0 {
					t.Fatalf("%s %s batch %d step %d: weight %d is %v in place, %v copied", c.preset, m, c.batch, step, i, fast.W[i], simple.W[i])
				}
				fast.Shares(sf)
				simple.Shares(ss)
				if i := firstDiff(sf, ss); i >= 0 {
					t.Fatalf("%s %s batch %d step %d: share %d is %v in place, %v copied", c.preset, m, c.batch, step, i, sf[i], ss[i])
				}
			}
			if len(mf) == 0 || len(mf) != len(ms) {
				t.Fatalf("%s %s: %d and %d recorded metrics", c.preset, m, len(mf), len(ms))
			}
			for k := range mf {
				if i := firstDiff(mf[k].Values(), ms[k].Values()); i >= 0 {
					t.Errorf("%s %s batch %d step %d: %s is %v in place, %v copied", c.preset, m, c.batch, mf[k].Step, train.Columns[i], mf[k].Values()[i], ms[k].Values()[i])
				}
			}
		}
	}
}

// firstDiff returns the first index where a and b differ in their bits
// (NaN equal to NaN), or -1.
func firstDiff(a, b []float64) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}
