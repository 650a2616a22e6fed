package configfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/experiment"
)

func TestParseConfig(t *testing.T) {
	cases := []struct {
		name, yaml, wantErr string
		check               func(*experiment.Config) bool
	}{
		{"preset override", "preset: demo\ndata:\n  noise: 0.1\nmethods: [sgd, 1-SAM]\n", "", func(c *experiment.Config) bool {
			return c.Data.Noise == 0.1 && c.Model.Hidden[0] == 32 && len(c.Methods) == 2
		}},
		{"unknown key", "preset: demo\ntrain:\n  learning_rate: 0.1\n", "learning_rate", nil},
		{"unknown preset", "preset: huge\n", "unknown preset", nil},
		{"bad yaml", "data: [\n", "config", nil},
		{"full config", "name: x\ndata: {kind: gauss2d, means: [[-1,0],[1,0]], spread: 1, n_train: 20, n_test: 20, noise: 0.2}\nmodel: {kind: linear, bias: true}\ntrain: {lr: 0.1, steps: 5, rho: 0.1}\nmethods: [sam]\nseeds: 2\n", "", func(c *experiment.Config) bool {
			return c.Validate() == nil && c.Train.Rho == 0.1
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), "test.yaml")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(c) {
				t.Fatalf("err %v, config %+v", err, c)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	c, _ := experiment.Preset("blobs3")
	c.Normalize()
	b, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	d.Normalize()
	b2, _ := Marshal(d)
	if string(b) != string(b2) {
		t.Errorf("round trip differs:\n%s\n---\n%s", b, b2)
	}
}
