package configfile

import (
	"strings"
	"testing"
)

type strictInner struct {
	Steps int     `yaml:"steps"`
	LR    float64 `yaml:"lr"`
	Sizes []int   `yaml:"sizes"`
}

type strictOuter struct {
	Name  string      `yaml:"name"`
	Train strictInner `yaml:"train"`
	Seeds int         `yaml:"seeds"`
}

// Decode refuses what the YAML decoder lets through: an empty document
// (which it reports as "EOF"), a fraction for an integer (which it
// truncates), unknown keys.
func TestDecodeIsStrict(t *testing.T) {
	cases := []struct {
		yaml, want string
	}{
		{"", "is empty"},
		{"# only a comment\n", "is empty"},
		{"train:\n  steps: 20.5\n", "train.steps: 20.5 is not a whole number"},
		{"seeds: 2.0e0\n", "seeds: 2.0e0 is not a whole number"},
		{"train:\n  sizes: [3, 4.5]\n", "train.sizes[1]: 4.5 is not a whole number"},
		{"train:\n  stepz: 3\n", "stepz"},
		{"train: [\n", "config x.yaml"},
		{"name: a\ntrain:\n  lr: fast\n", "line 3: train.lr: cannot unmarshal !!str `fast` into float64"},
		{"seeds: [1]\n", "line 1: seeds: cannot unmarshal"},
	}
	for _, tc := range cases {
		var v strictOuter
		err := Decode([]byte(tc.yaml), "x.yaml", &v)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line containing %q", tc.yaml, err, tc.want)
		}
	}
	var v strictOuter
	if err := Decode([]byte("name: a\ntrain:\n  steps: 20\n  lr: 0.5\n  sizes: [1, 2]\nseeds: 3\n"), "ok.yaml", &v); err != nil || v.Train.Steps != 20 || v.Train.LR != 0.5 || v.Seeds != 3 {
		t.Fatalf("valid config: %+v, %v", v, err)
	}
}
