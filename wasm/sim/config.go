package sim

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// Config is a resolved 2-D experiment: the part of core/experiment's Config
// the demo uses, with the same field names and the same Build.
//
// Why a mirror and not core/experiment itself: that package also holds the
// batch runner and YAML loading, which pull gonum's mat/lapack/blas and a
// YAML parser into any binary that imports it, about 3 MB of wasm. The
// presets table below is checked against experiment.Preset, and Build
// against experiment's Build, by TestPresetsMatchCore (a native test), so
// the two cannot drift apart silently.
type Config struct {
	Data      Data
	Model     Model
	Train     train.Config
	MethodRho map[string]float64
}

// Data mirrors experiment.Data for the 2-D kinds (gauss2d, blobs).
type Data struct {
	Kind        string
	Means       [][2]float64
	MeanClasses []int
	Spread      float64
	Classes     int
	Radius      float64
	NTrain      int
	NTest       int
	Noise       float64
}

// Model mirrors experiment.Model for linear models and MLPs.
type Model struct {
	Kind       string
	Hidden     []int
	Activation string
	Bias       bool
	InitScale  float64
}

// Setup is what every panel of a lab shares: data, network, initial weights.
type Setup struct {
	Seed        uint64
	Net         *model.Net
	Train, Test *data.Dataset
	W0          []float64
}

var hyper = optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}

// presets mirrors core/experiment's 2-D presets (see Config).
var presets = map[string]Config{
	"demo": {
		Data:      Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 400, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "mlp", Hidden: []int{32, 32}, Activation: "relu", Bias: true},
		Train:     train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: hyper},
		MethodRho: map[string]float64{"sam": 0.1, "1sam": 0.02, "lsam": 0.02, "jsam": 0.02},
	},
	"linear2d": {
		Data:      Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 100, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "linear", Bias: true},
		Train:     train.Config{LR: 0.5, Steps: 500, RecordEvery: 5, Hyper: hyper},
		MethodRho: map[string]float64{"sam": 0.5, "1sam": 0.5, "lsam": 0.5, "jsam": 0.5},
	},
	"wide2d": {
		Data:      Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 100, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "mlp", Hidden: []int{256}, Activation: "relu", Bias: true},
		Train:     train.Config{LR: 0.1, Steps: 1000, RecordEvery: 10, Hyper: hyper},
		MethodRho: map[string]float64{"sam": 0.1, "1sam": 0.05, "lsam": 0.05, "jsam": 0.05},
	},
	"xor": {
		Data: Data{Kind: "gauss2d", Means: [][2]float64{{-1, -1}, {1, 1}, {-1, 1}, {1, -1}}, MeanClasses: []int{0, 0, 1, 1},
			Spread: 0.5, NTrain: 200, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "mlp", Hidden: []int{64, 64}, Activation: "relu", Bias: true},
		Train:     train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: hyper},
		MethodRho: map[string]float64{"sam": 0.1, "1sam": 0.05, "lsam": 0.05, "jsam": 0.05},
	},
	"blobs3": {
		Data:      Data{Kind: "blobs", Classes: 3, Radius: 1.5, Spread: 1, NTrain: 300, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "mlp", Hidden: []int{32, 32}, Activation: "relu", Bias: true},
		Train:     train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: hyper},
		MethodRho: map[string]float64{"sam": 0.1, "1sam": 0.02, "lsam": 0.02, "jsam": 0.02},
	},
}

// Preset returns a copy of the named 2-D preset.
func Preset(name string) (*Config, error) {
	p, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("unknown demo preset %q (want one of %v)", name, Presets)
	}
	return p.Clone(), nil
}

// Clone returns a deep copy.
func (c *Config) Clone() *Config {
	d := *c
	d.Data.Means = slices.Clone(c.Data.Means)
	d.Data.MeanClasses = slices.Clone(c.Data.MeanClasses)
	d.Model.Hidden = slices.Clone(c.Model.Hidden)
	d.MethodRho = maps.Clone(c.MethodRho)
	return &d
}

// RunConfig returns the train.Config for one method (its own rho if
// MethodRho names one), as experiment.Config.RunConfig does.
func (c *Config) RunConfig(method string) train.Config {
	tc := c.Train
	tc.Method = method
	if r, ok := c.MethodRho[method]; ok {
		tc.Rho = r
	}
	return tc
}

func (c *Config) gauss() data.Gauss2D {
	if c.Data.Kind == "blobs" {
		return data.Blobs(c.Data.Classes, c.Data.Radius, c.Data.Spread, c.Data.NTrain, c.Data.NTest)
	}
	return data.Gauss2D{Means: c.Data.Means, MeanClasses: c.Data.MeanClasses, Spread: c.Data.Spread, NTrain: c.Data.NTrain, NTest: c.Data.NTest}
}

// Validate reports the first invalid value.
func (c *Config) Validate() error {
	switch c.Data.Kind {
	case "gauss2d", "blobs":
	default:
		return fmt.Errorf("data kind must be gauss2d or blobs (got %q)", c.Data.Kind)
	}
	if err := c.gauss().Validate(); err != nil {
		return err
	}
	if !(c.Data.Noise >= 0 && c.Data.Noise <= MaxNoise) {
		return fmt.Errorf("noise must be in [0, %g] (got %g)", MaxNoise, c.Data.Noise)
	}
	switch c.Model.Kind {
	case "linear":
	case "mlp":
		if len(c.Model.Hidden) == 0 {
			return fmt.Errorf("an MLP needs at least one hidden layer")
		}
	default:
		return fmt.Errorf("model must be linear or mlp (got %q)", c.Model.Kind)
	}
	if _, err := model.ParseActivation(c.Model.Activation); err != nil {
		return err
	}
	tc := c.Train
	tc.Method = "sgd"
	if err := tc.Validate(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// Build draws the data (with label noise) and the initial weights for a
// seed exactly as experiment.Config.Build does.
func (c *Config) Build(seed uint64) (*Setup, error) {
	tr, te, err := c.gauss().Make(seed)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := tr.ApplyNoise(c.Data.Noise, seed); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	out := tr.K
	if out == 2 {
		out = 1
	}
	var net *model.Net
	switch c.Model.Kind {
	case "linear":
		net = model.Linear(tr.D, out, c.Model.Bias)
	default:
		act, err := model.ParseActivation(c.Model.Activation)
		if err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
		net = model.New(tr.D, c.Model.Hidden, out, act, c.Model.Bias)
	}
	scale := c.Model.InitScale
	if scale == 0 {
		scale = 1
	}
	w0 := make([]float64, net.NumParams())
	net.Init(w0, rand.New(rand.NewPCG(seed, 0x1417)), scale)
	return &Setup{Seed: seed, Net: net, Train: tr, Test: te, W0: w0}, nil
}
