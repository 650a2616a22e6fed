package deep

import (
	"testing"

	"github.com/samlab/samlab/core/optim"
)

// The deep experiment trains every method of optim.Names: the default grid
// has its cells, the search has a candidate for its hyperparameters, and a
// chosen radius or penalty reaches it exactly when its traits say it
// trains with one.
func TestEveryMethod(t *testing.T) {
	p := DefaultPlan("fashion-mnist")
	ch := Choice{SAMRho: 0.05, PerExampleRho: 0.01, GammaAct: 1e-3, GammaLast: 1e-2}
	cells := map[string]int{}
	for _, c := range p.GridCells(t.TempDir(), ch) {
		cells[c.Method]++
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Method, err)
		}
	}
	searched := map[family]bool{}
	for _, c := range p.Search {
		searched[familyOf(c.Method)] = true
	}
	for _, m := range optim.Names {
		tr := optim.Of(m)
		if cells[m] != len(p.Noises)*len(p.Seeds) {
			t.Errorf("%s: %d grid cells", m, cells[m])
		}
		if f := familyOf(m); f != noHyper && !searched[f] {
			t.Errorf("%s: the search has no candidate for %s", m, f)
		}
		rho, ga, gl := ch.For(m)
		if (rho > 0) != tr.Rho || (ga > 0 && gl > 0) != tr.Gammas {
			t.Errorf("%s: trains with rho %g, gammas %g %g; traits %+v", m, rho, ga, gl, tr)
		}
	}
}
