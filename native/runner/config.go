// Package runner trains the LibTorch models of native/torchnet with the
// methods of core/optim: one run (Train, with checkpoints and resume), a
// grid of runs (sweep, locally or as a Slurm job array), the merge of their
// metrics (Collect) and the per-method speed benchmark (Speed). The config,
// grid and collect code is pure Go; training needs the `torch` build tag.
package runner

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/dataset"
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
	m, err := optim.Canonical(c.Method)
	if err != nil {
		return err
	}
	c.Method = m
	c.Dataset = strings.ToLower(c.Dataset)
	found := false
	for _, n := range dataset.Names {
		found = found || n == c.Dataset
	}
	if !found {
		return fmt.Errorf("unknown dataset %q (want one of %s)", c.Dataset, strings.Join(dataset.Names, ", "))
	}
	u := optim.Update[struct{}]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay}
	switch {
	case c.Noise < 0 || c.Noise > 1:
		return fmt.Errorf("noise must be in [0, 1] (got %g)", c.Noise)
	case c.Epochs <= 0:
		return fmt.Errorf("epochs must be > 0 (got %d)", c.Epochs)
	case c.Batch <= 0:
		return fmt.Errorf("batch must be > 0 (got %d)", c.Batch)
	case c.Rho < 0 || c.GammaAct < 0 || c.GammaLast < 0:
		return fmt.Errorf("rho, gamma_act and gamma_last must be >= 0")
	case c.Holdout < 0 || c.Holdout > 0 && c.TrainSubset <= 0:
		return fmt.Errorf("holdout must be >= 0 and needs train_subset > 0 (got holdout %d, train_subset %d)", c.Holdout, c.TrainSubset)
	case c.Chunk < 0:
		return fmt.Errorf("chunk must be >= 0, 0 meaning automatic (got %d)", c.Chunk)
	case c.TrainSubset < 0 || c.TestSubset < 0 || c.EvalTrain < 0:
		return fmt.Errorf("train_subset, test_subset and eval_train must be >= 0")
	case c.Out == "":
		return fmt.Errorf("out folder is empty")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	c.NoiseConvention = data.NoiseConvention
	return nil
}

// PerExample reports whether the method computes per-example perturbations
// (1-SAM, L-SAM, J-SAM): these cost one or two extra passes per example.
func (c *Config) PerExample() bool {
	return c.Method == "1sam" || c.Method == "lsam" || c.Method == "jsam"
}

// LoadConfig reads a YAML config on top of base; unknown keys are errors.
func LoadConfig(path string, base Config) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return base, fmt.Errorf("config: %w", err)
	}
	c := base
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
		return base, fmt.Errorf("config %s: %s", path, strings.ReplaceAll(err.Error(), "\n", "; "))
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
