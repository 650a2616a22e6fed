// Package runner trains the LibTorch models of native/torchnet with the
// methods of core/optim: one run (Train, with checkpoints and resume), a
// grid of runs (sweep, locally or as a Slurm job array), the merge of their
// metrics (Collect) and the per-method speed benchmark (Speed). The config,
// grid and collect code is pure Go; training needs the `torch` build tag.
package runner

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/configfile"
	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/torchnet"
)

// Config is one training run. The zero value is not valid; Default gives
// the paper's CIFAR10 setting (docs/science.md section 5).
type Config struct {
	Method  string `yaml:"method"`
	Dataset string `yaml:"dataset"`
	// DataDir is the dataset folder (empty: dataset.DefaultDir).
	DataDir string  `yaml:"data_dir"`
	Model   string  `yaml:"model"`
	Norm    string  `yaml:"norm"`
	Width   float64 `yaml:"width"`
	// Noise is the fraction of training labels flipped (data.FlipLabels).
	Noise           float64 `yaml:"noise"`
	NoiseConvention string  `yaml:"noise_convention"`
	Epochs          int     `yaml:"epochs"`
	Batch           int     `yaml:"batch"`
	LR              float64 `yaml:"lr"`
	Momentum        float64 `yaml:"momentum"`
	WeightDecay     float64 `yaml:"weight_decay"`
	Rho             float64 `yaml:"rho"`
	GammaAct        float64 `yaml:"gamma_act"`
	GammaLast       float64 `yaml:"gamma_last"`
	Seed            uint64  `yaml:"seed"`
	// Augment turns on random crop (padding 4 for 32x32 images, 2 below)
	// and horizontal flip (CIFAR10 only; never for digits or clothes
	// datasets unless set explicitly with augment_flip).
	Augment bool `yaml:"augment"`
	// TrainSubset and TestSubset keep only the first N examples (0: all).
	TrainSubset int `yaml:"train_subset"`
	TestSubset  int `yaml:"test_subset"`
	// Holdout, when > 0, replaces the test set by the Holdout training
	// images after the training subset (true labels): a validation set for
	// hyperparameter searches. It needs train_subset > 0.
	Holdout int `yaml:"holdout,omitempty"`
	// EvalTrain is how many training examples (the first N) are used for
	// train, clean and flipped accuracy each epoch (0: all).
	EvalTrain int `yaml:"eval_train"`
	// Chunk is how many examples a per-example pass (1-SAM, L-SAM, J-SAM)
	// takes at once (0: chosen from the available memory). It bounds memory
	// and does not change the method: every example keeps its own
	// perturbation.
	Chunk   int    `yaml:"chunk"`
	Device  string `yaml:"device"`
	Threads int    `yaml:"threads"`
	Out     string `yaml:"out"`
}

// Default returns the paper's deep setting: ResNet18 (BatchNorm), CIFAR10,
// 30% noise, batch 128, lr 0.01, momentum 0.9, weight decay 5e-4, rho 0.01,
// 200 epochs, crop+flip.
func Default() Config {
	return Config{
		Method: "sgd", Dataset: "cifar10", Model: "resnet18", Norm: "bn", Width: 1,
		Noise: 0.3, Epochs: 200, Batch: 128, LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4,
		Rho: 0.01, GammaAct: 1e-3, GammaLast: 1e-3, Seed: 0, Augment: true,
		Device: "auto", Out: "runs/run",
	}
}

// Validate normalises names and reports the first invalid setting.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if m, err := optim.Canonical(c.Method); err != nil {
		errs = append(errs, err)
	} else {
		c.Method = m
	}
	if d, err := dataset.Lookup(c.Dataset); err != nil {
		errs = append(errs, err)
	} else {
		c.Dataset = d.Name // canonical, as config.yaml records it (a resume compares them)
	}
	c.Model, c.Norm = strings.ToLower(strings.TrimSpace(c.Model)), strings.ToLower(strings.TrimSpace(c.Norm))
	if !slices.Contains(torchnet.Archs, c.Model) {
		add("unknown model %q (want one of %s)", c.Model, strings.Join(torchnet.Archs, ", "))
	}
	if n := (torchnet.Spec{Norm: c.Norm}).NormName(); n == "" {
		add("unknown norm %q (want one of %s)", c.Norm, strings.Join(torchnet.Norms, ", "))
	} else {
		c.Norm = n // canonical, as config.yaml records it (a resume compares them)
	}
	if !(c.Width > 0 && c.Width <= 16) {
		add("width must be in (0, 16] (got %g)", c.Width)
	}
	if !(c.Noise >= 0 && c.Noise <= 1) {
		add("noise must be in [0, 1] (got %g)", c.Noise)
	}
	if c.Epochs <= 0 || c.Epochs > MaxEpochs {
		add("epochs must be in [1, %d] (got %d)", MaxEpochs, c.Epochs)
	}
	if c.Batch <= 0 || c.Batch > MaxBatch {
		add("batch must be in [1, %d] (got %d)", MaxBatch, c.Batch)
	}
	u := optim.Update[struct{}]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay}
	if err := u.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := (optim.Hyper{Rho: c.Rho, GammaAct: c.GammaAct, GammaLast: c.GammaLast}).Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Holdout < 0 || c.Holdout > 0 && c.TrainSubset <= 0 {
		add("holdout must be >= 0 and needs train_subset > 0 (got holdout %d, train_subset %d)", c.Holdout, c.TrainSubset)
	}
	if c.Chunk < 0 {
		add("chunk must be >= 0, 0 meaning automatic (got %d)", c.Chunk)
	}
	for _, v := range []struct {
		name string
		n    int
	}{{"train_subset", c.TrainSubset}, {"test_subset", c.TestSubset}, {"eval_train", c.EvalTrain}, {"threads", c.Threads}} {
		if v.n < 0 {
			add("%s must be >= 0 (got %d)", v.name, v.n)
		}
	}
	if err := checkDevice(c.Device); err != nil {
		errs = append(errs, err)
	}
	if c.Out == "" {
		add("out folder is empty")
	}
	c.NoiseConvention = data.NoiseConvention
	return errors.Join(errs...)
}

// Bounds of Config values beyond which a run could not be meant.
const (
	MaxEpochs = 100_000
	MaxBatch  = 65_536
)

// checkDevice reports a device name other than auto, cpu, cuda or cuda:N.
func checkDevice(d string) error {
	s := strings.ToLower(strings.TrimSpace(d))
	if s == "" || s == "auto" || s == "cpu" || s == "cuda" {
		return nil
	}
	if n, ok := strings.CutPrefix(s, "cuda:"); ok {
		if _, err := strconv.ParseUint(n, 10, 8); err == nil {
			return nil
		}
	}
	return fmt.Errorf("unknown device %q (want auto, cpu, cuda or cuda:N)", d)
}

// PerExample reports whether the method computes per-example perturbations
// (optim.Traits.PerExample: 1-SAM, L-SAM, J-SAM): these cost one or two
// extra passes per example.
func (c *Config) PerExample() bool { return optim.Of(c.Method).PerExample }

// LoadConfig reads a YAML config on top of base; unknown keys are errors.
func LoadConfig(path string, base Config) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return base, fmt.Errorf("config: %w", err)
	}
	c := base
	if err := configfile.Decode(b, path, &c); err != nil {
		return base, err
	}
	return c, nil
}

// WriteConfig writes c as YAML to path.
func WriteConfig(path string, c Config) error {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
