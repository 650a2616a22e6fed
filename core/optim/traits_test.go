package optim_test

import (
	"image/color"
	"slices"
	"testing"

	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// counting is the toy backend counting the per-example passes a method asks
// for.
type counting struct {
	*train.Toy
	examples int
}

func (c *counting) ExampleGrads(e *train.Examples, norm, r []float64, w []float64, chunk []int) float64 {
	c.examples++
	return c.Toy.ExampleGrads(e, norm, r, w, chunk)
}

// Every row of the table is a method whose traits hold: its name is its
// canonical name and New's, its label names it, its colour is its own, and
// Rho, Gammas and PerExample say what it does (a method without the radius
// ignores it, one with it moves off SGD; likewise the penalties; a
// per-example method, and only one, asks for per-example passes).
func TestTraits(t *testing.T) {
	net := model.MLP(3, []int{8, 5}, 3, model.Tanh)
	toy, w := fixture(t, net, 9, 3, 13)
	batch := all(9)
	sgd := direction(t, toy, "sgd", optim.Hyper{}, w, batch)
	colours := map[color.RGBA]string{}
	if !slices.Equal(optim.Names, func() (ns []string) {
		for _, tr := range optim.All() {
			ns = append(ns, tr.Name)
		}
		return
	}()) {
		t.Fatalf("Names %v are not the table's names", optim.Names)
	}
	for i, tr := range optim.All() {
		t.Run(tr.Name, func(t *testing.T) {
			if got, ok := optim.Lookup(tr.Name); !ok || got != tr || optim.Of(tr.Name) != tr {
				t.Errorf("Lookup(%q) = %+v, %v", tr.Name, got, ok)
			}
			if optim.Rank(tr.Name) != i {
				t.Errorf("Rank = %d, want %d", optim.Rank(tr.Name), i)
			}
			if tr.Label == "" || optim.Labels[tr.Name] != tr.Label {
				t.Errorf("label %q, Labels says %q", tr.Label, optim.Labels[tr.Name])
			}
			for _, s := range []string{tr.Name, tr.Label} {
				if n, err := optim.Canonical(s); err != nil || n != tr.Name {
					t.Errorf("Canonical(%q) = %q, %v", s, n, err)
				}
			}
			if tr.Colour.A != 0xff || tr.Colour == (color.RGBA{A: 0xff}) {
				t.Errorf("colour %v: want an opaque colour of its own", tr.Colour)
			}
			if o, ok := colours[tr.Colour]; ok {
				t.Errorf("shares colour %v with %s", tr.Colour, o)
			}
			colours[tr.Colour] = tr.Name
			m, err := optim.New[[]float64, *train.Examples](tr.Name, optim.Hyper{})
			if err != nil || m.Name() != tr.Name {
				t.Fatalf("New(%q) = %v, %v", tr.Name, m, err)
			}

			rho := direction(t, toy, tr.Name, optim.Hyper{Rho: 0.3}, w, batch)
			if moved := relDiff(rho, sgd) > 1e-6; moved != tr.Rho {
				t.Errorf("Rho is %v, but radius 0.3 moves the direction off SGD's: %v", tr.Rho, moved)
			}
			if tr.Rho {
				near(t, "radius 0 vs SGD", direction(t, toy, tr.Name, optim.Hyper{}, w, batch), sgd, 1e-12)
			}
			gam := direction(t, toy, tr.Name, optim.Hyper{GammaAct: 0.1, GammaLast: 0.1}, w, batch)
			if moved := relDiff(gam, sgd) > 1e-6; moved != tr.Gammas {
				t.Errorf("Gammas is %v, but penalties 0.1 move the direction off SGD's: %v", tr.Gammas, moved)
			}

			c := &counting{Toy: toy}
			pm, _ := optim.New[[]float64, *train.Examples](tr.Name, optim.Hyper{Rho: 0.3})
			pm.Direction(c, c.NewVec(), w, batch)
			if per := c.examples > 0; per != tr.PerExample {
				t.Errorf("PerExample is %v, but the method asked for %d per-example passes", tr.PerExample, c.examples)
			}
		})
	}
	if _, ok := optim.Lookup("adam"); ok || optim.Of("adam") != (optim.Traits{}) || optim.Rank("adam") != len(optim.Names) {
		t.Error("an unknown name has traits or a rank")
	}
}
