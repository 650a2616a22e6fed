package runner

import (
	"testing"

	"github.com/samlab/samlab/native/dataset"
)

// A run accepts every dataset under its name and every alias (fmnist
// included) and records the canonical name, so that a resume compares
// like with like.
func TestEveryDatasetName(t *testing.T) {
	for _, name := range dataset.Names {
		d, _ := dataset.Lookup(name)
		for _, n := range append([]string{d.Name, "  " + d.Name}, d.Aliases...) {
			c := Default()
			c.Dataset = n
			if err := c.Validate(); err != nil || c.Dataset != d.Name {
				t.Errorf("dataset %q: recorded as %q, %v", n, c.Dataset, err)
			}
		}
	}
	c := Default()
	c.Dataset = "svhn"
	if err := c.Validate(); err == nil {
		t.Error("unknown dataset accepted")
	}
}
