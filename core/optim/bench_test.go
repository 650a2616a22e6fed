package optim_test

import (
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// demoState returns the demo preset's toy backend and its weights after 300
// SGD steps (a typical point of a run), and the full batch.
func demoState(b *testing.B) (*train.Toy, []float64, []int) {
	b.Helper()
	c, err := experiment.Preset("demo")
	if err != nil {
		b.Fatal(err)
	}
	s, err := c.Build(1)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := c.Trainer(s, "sgd")
	if err != nil {
		b.Fatal(err)
	}
	for range 300 {
		if err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	return train.NewToy(tr.Net, tr.Train), tr.W, all(tr.Train.N())
}

// BenchmarkDirection times one update direction on the demo preset (MLP
// 2-32-32-1, 400 points, full batch) at fixed weights: every method on the
// batched path, and the per-example methods on the example-at-a-time
// reference they replace ("looped").
func BenchmarkDirection(b *testing.B) {
	toy, w, batch := demoState(b)
	h := optim.Hyper{Rho: 0.02, GammaAct: 0.01, GammaLast: 0.01}
	for _, name := range optim.Names {
		b.Run(name, func(b *testing.B) {
			m, err := optim.New[[]float64, *train.Examples](name, h)
			if err != nil {
				b.Fatal(err)
			}
			g := toy.NewVec()
			m.Direction(toy, g, w, batch)
			b.ReportAllocs()
			for b.Loop() {
				m.Direction(toy, g, w, batch)
			}
		})
	}
	for _, name := range []string{"1sam", "lsam", "jsam"} {
		b.Run("looped-"+name, func(b *testing.B) {
			for b.Loop() {
				looped(toy, name, h.Rho, w, batch)
			}
		})
	}
}
