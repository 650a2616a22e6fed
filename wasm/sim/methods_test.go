package sim

import (
	"slices"
	"testing"

	"github.com/samlab/samlab/core/optim"
)

// The demo accepts every method of optim.Names: by name and by label in
// the methods parameter, as a panel that trains with a radius exactly when
// the method has one (optim.Traits.Rho), steps and can be inspected; the
// add and next-method buttons reach it.
func TestEveryMethod(t *testing.T) {
	for _, m := range optim.Names {
		tr := optim.Of(m)
		p, err := Parse([]string{"-methods=sgd," + tr.Label})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if !slices.Equal(p.Methods, []string{"sgd", m}) {
			t.Fatalf("%s: methods %v", m, p.Methods)
		}
		l, err := New(p)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		pn := l.Panels[1]
		if pn.Method != m || pn.Label != tr.Label || (pn.Rho > 0) != tr.Rho || UsesRho(m) != tr.Rho {
			t.Errorf("%s: panel %s %q rho %g (UsesRho %v), traits %+v", m, pn.Method, pn.Label, pn.Rho, UsesRho(m), tr)
		}
		l.Step(3)
		if pn.Err != nil {
			t.Errorf("%s: %v", m, pn.Err)
		}
		if _, err := l.Inspect(1, 0); err != nil {
			t.Errorf("%s: inspect: %v", m, err)
		}
		if !slices.Contains(AddOrder, m) {
			t.Errorf("%s: AddPanel never adds it (AddOrder %v)", m, AddOrder)
		}
		q, seen := Default(), false
		for range optim.Names {
			q = NextMethod(q, 0, 1)
			seen = seen || q.Methods[0] == m
		}
		if !seen {
			t.Errorf("%s: the next-method button never reaches it", m)
		}
	}
}
