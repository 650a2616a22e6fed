//go:build torch

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTorchConfigOverrides: flags set on the command line override the YAML
// config, which overrides the defaults.
func TestTorchConfigOverrides(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("method: sam\nepochs: 2\nrho: 0.05\nnoise: 0.2\n"), 0o644)
	f := newConfigFlags("train")
	if err := f.fs.Parse([]string{"-config", p, "-epochs", "3", "-model", "cnn"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != "sam" || c.Epochs != 3 || c.Rho != 0.05 || c.Noise != 0.2 || c.Model != "cnn" || c.Batch != 128 {
		t.Fatalf("resolved %+v", c)
	}
	f = newConfigFlags("train")
	f.fs.Parse([]string{"-config", filepath.Join(t.TempDir(), "missing.yaml")})
	if _, err := f.resolve(); err == nil {
		t.Fatal("missing config accepted")
	}
}
