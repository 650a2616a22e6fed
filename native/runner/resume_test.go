package runner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/dataset"
)

// CheckResume refuses every change that alters the data or the trajectory
// of the run being resumed, naming the key and both values, and allows the
// safe ones (more epochs, threads, device).
// A norm given by another of its names resumes: Validate records the
// canonical name, as config.yaml does.
func TestCheckResumeNormAlias(t *testing.T) {
	dir := t.TempDir()
	run := Default()
	run.Dataset, run.Model, run.Norm, run.Epochs, run.Out = "fashion-mnist", "cnn", "LayerNorm", 10, dir
	if err := run.Validate(); err != nil {
		t.Fatal(err)
	}
	if run.Norm != "ln" {
		t.Fatalf("norm %q after Validate, want ln", run.Norm)
	}
	if err := WriteConfig(filepath.Join(dir, ConfigFile), run); err != nil {
		t.Fatal(err)
	}
	again := run
	again.Norm = "layernorm"
	if err := again.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := CheckResume(again); err != nil {
		t.Errorf("resume with norm layernorm refused: %v", err)
	}
}

func TestCheckResume(t *testing.T) {
	dir := t.TempDir()
	run := Default()
	run.Dataset, run.Model, run.Norm, run.Epochs, run.Out = "fashion-mnist", "cnn", "ln", 10, dir
	if err := run.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := WriteConfig(filepath.Join(dir, ConfigFile), run); err != nil {
		t.Fatal(err)
	}
	if err := WriteMetrics(filepath.Join(dir, MetricsFile), make([]Row, 4)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		change func(c *Config)
		want   string // "" = allowed
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.Epochs = 20 }, ""},
		{func(c *Config) { c.Threads, c.Device = 1, "cpu" }, ""},
		{func(c *Config) { c.Seed = 4 }, "with seed 4: the run was started with seed 0"},
		{func(c *Config) { c.Noise = 0.4 }, "with noise 0.4: the run was started with noise 0.3"},
		{func(c *Config) { c.TrainSubset = 500 }, "with train_subset 500: the run was started with train_subset 0"},
		{func(c *Config) { c.Batch = 64 }, "with batch 64: the run was started with batch 128"},
		{func(c *Config) { c.DataDir = "/elsewhere" }, "with data_dir /elsewhere: the run was started with data_dir /"},
		{func(c *Config) { c.DataDir = dataset.DefaultDir("fashion-mnist") }, ""},
		{func(c *Config) { c.DataDir = dataset.DefaultDir("fashion-mnist") + "/" }, ""},
		{func(c *Config) { c.Rho = 0.05 }, "with rho 0.05: the run was started with rho 0.01"},
		{func(c *Config) { c.Chunk = 8 }, "with chunk 8: the run was started with chunk 0"},
		{func(c *Config) { c.Epochs = 3 }, "with epochs 3: metrics.csv already holds 4 epochs"},
	}
	for _, tc := range cases {
		c := run
		tc.change(&c)
		err := CheckResume(c)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("safe change refused: %v", err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	other := run
	other.Out = t.TempDir()
	if err := CheckResume(other); err == nil || !strings.Contains(err.Error(), "config.yaml is missing") {
		t.Errorf("resume without config.yaml: %v", err)
	}
}
