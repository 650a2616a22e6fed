package experiment

import (
	"context"
	"slices"
	"testing"

	"github.com/samlab/samlab/core/optim"
)

// Every preset runs every method of optim.Names, each method with a radius
// (optim.Traits.Rho) trains with one (a missing radius would silently train
// it as SGD) and the others with none; one step of each method runs.
func TestEveryMethod(t *testing.T) {
	for _, name := range Presets() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range optim.Names {
			if !slices.Contains(c.Methods, m) {
				t.Errorf("preset %s does not run %s", name, m)
			}
			if rho := c.RunConfig(m).Rho; (rho > 0) != optim.Of(m).Rho {
				t.Errorf("preset %s: %s trains with rho %g, but its Rho trait is %v", name, m, rho, optim.Of(m).Rho)
			}
		}
	}
	c, _ := Preset("demo")
	c.Seeds, c.Train.Steps, c.Train.RecordEvery = 1, 1, 1
	res, err := Run(context.Background(), c, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || len(r.History) == 0 {
			t.Errorf("%s: %v, %d records", r.Method, r.Err, len(r.History))
		}
	}
}
