package runner

import (
	"testing"

	"github.com/samlab/samlab/core/optim"
)

// The runner accepts every method of optim.Names, by name and by label:
// a run validates to the canonical name, runs per-example passes exactly
// when the method's traits say so, and a sweep over two radii gives it two
// cells exactly when it has a radius.
func TestEveryMethod(t *testing.T) {
	for _, m := range optim.Names {
		tr := optim.Of(m)
		c := Default()
		c.Method = tr.Label
		if err := c.Validate(); err != nil || c.Method != m {
			t.Errorf("%s: method %q, %v", m, c.Method, err)
		}
		if c.PerExample() != tr.PerExample {
			t.Errorf("%s: PerExample %v, traits %+v", m, c.PerExample(), tr)
		}
		g := Grid{Base: Default(), Methods: []string{m}, Noises: []float64{0.3}, Rhos: []float64{0.01, 0.02}, Seeds: []uint64{0}}
		cells, err := g.Cells(t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if want := map[bool]int{true: 2, false: 1}[tr.Rho]; len(cells) != want {
			t.Errorf("%s: %d sweep cells over two radii, want %d", m, len(cells), want)
		}
	}
}
