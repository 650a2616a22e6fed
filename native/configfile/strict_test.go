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
		{"seeds: 2.5e0\n", "seeds: 2.5e0 is not a whole number"},
		{"seeds: .inf\n", "seeds: .inf is not a whole number"},
		{"seeds: 1e30\n", "seeds: 1e30 is not a whole number"},
		{"seed: 3\n", `line 1: unknown key "seed" (did you mean "seeds"?)`},
		{"name: a\ntrain:\n  stepz: 3\n", `line 3: unknown key "train.stepz" (did you mean "steps"?)`},
		{"train:\n  zzz: 3\n", `line 2: unknown key "train.zzz" (known here: lr, sizes, steps)`},
		{"name: [a]\n", `line 1: name: a list is not text`},
		{"train: 3\n", `line 1: train: "3" is not a mapping (key: value lines)`},
		{"seeds: many\n", `line 1: seeds: "many" is not a whole number (digits)`},
		{"train:\n  sizes: [3, 4.5]\n", "train.sizes[1]: 4.5 is not a whole number"},
		{"train:\n  stepz: 3\n", "stepz"},
		{"train: [\n", "config x.yaml"},
		{"name: a\ntrain:\n  lr: fast\n", `line 3: train.lr: "fast" is not a number`},
		{"seeds: [1]\n", "line 1: seeds: a list is not a whole number (digits)"},
	}
	for _, tc := range cases {
		var v strictOuter
		err := Decode([]byte(tc.yaml), "x.yaml", &v)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "!!") || strings.Contains(err.Error(), "float64") || strings.Contains(err.Error(), "struct") {
			t.Errorf("%q: error %v, want one line containing %q", tc.yaml, err, tc.want)
		}
	}
	var v strictOuter
	if err := Decode([]byte("name: a\ntrain:\n  steps: 20\n  lr: 0.5\n  sizes: [1, 2]\nseeds: 3\n"), "ok.yaml", &v); err != nil || v.Train.Steps != 20 || v.Train.LR != 0.5 || v.Seeds != 3 {
		t.Fatalf("valid config: %+v, %v", v, err)
	}
	// A whole number written with an exponent or a zero fraction is that number.
	for _, y := range []string{"seeds: 1e2\n", "seeds: 100.0\n", "seeds: 1.0e2\n"} {
		var v strictOuter
		if err := Decode([]byte(y), "e.yaml", &v); err != nil || v.Seeds != 100 {
			t.Errorf("%q: seeds %d, %v; want 100", y, v.Seeds, err)
		}
	}
}
