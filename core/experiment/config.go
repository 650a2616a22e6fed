// Package experiment describes a whole toy experiment (data, model,
// training, methods, seeds) as one YAML-friendly Config, holds the named
// presets, builds the pieces for a seed and runs methods x seeds in
// parallel, summarising what the paper measures.
package experiment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// Data configures the dataset. Kind is gauss2d (two classes at Means),
// blobs (Classes classes on a circle of Radius), highdim (x = y*mu + noise)
// or plane (gauss2d's points in the first two coordinates, then NoiseDims
// coordinates of Gaussian noise of standard deviation Sigma; data.Plane).
type Data struct {
	Kind  string       `yaml:"kind" json:"kind"`
	Means [][2]float64 `yaml:"means,omitempty" json:"means,omitempty"`
	// MeanClasses assigns each mean to a class (gauss2d; default: mean c is class c).
	MeanClasses []int   `yaml:"mean_classes,omitempty" json:"mean_classes,omitempty"`
	Spread      float64 `yaml:"spread,omitempty" json:"spread,omitempty"`
	Classes     int     `yaml:"classes,omitempty" json:"classes,omitempty"`
	Radius      float64 `yaml:"radius,omitempty" json:"radius,omitempty"`
	D           int     `yaml:"d,omitempty" json:"d,omitempty"`
	MuNorm      float64 `yaml:"mu_norm,omitempty" json:"mu_norm,omitempty"`
	Sigma       float64 `yaml:"sigma,omitempty" json:"sigma,omitempty"`
	NoiseDims   int     `yaml:"noise_dims,omitempty" json:"noise_dims,omitempty"`
	NTrain      int     `yaml:"n_train" json:"n_train"`
	NTest       int     `yaml:"n_test" json:"n_test"`
	// Noise is the fraction of training labels flipped (data.NoiseConvention).
	Noise float64 `yaml:"noise" json:"noise"`
}

// Model configures the network. Kind is linear, twolayer (f = v^T W x) or mlp.
type Model struct {
	Kind       string  `yaml:"kind" json:"kind"`
	Hidden     []int   `yaml:"hidden,omitempty" json:"hidden,omitempty"`
	Activation string  `yaml:"activation,omitempty" json:"activation,omitempty"`
	Bias       bool    `yaml:"bias" json:"bias"`
	InitScale  float64 `yaml:"init_scale,omitempty" json:"init_scale,omitempty"`
}

// Config is a whole experiment. Train.Method is ignored: Methods lists the
// methods to run, each with Train's settings and its own Rho where MethodRho
// names one.
type Config struct {
	Name        string             `yaml:"name" json:"name"`
	Description string             `yaml:"description,omitempty" json:"description,omitempty"`
	Data        Data               `yaml:"data" json:"data"`
	Model       Model              `yaml:"model" json:"model"`
	Train       train.Config       `yaml:"train" json:"train"`
	Methods     []string           `yaml:"methods" json:"methods"`
	MethodRho   map[string]float64 `yaml:"method_rho,omitempty" json:"method_rho,omitempty"`
	Seeds       int                `yaml:"seeds" json:"seeds"`
	FirstSeed   uint64             `yaml:"first_seed" json:"first_seed"`
	// NoiseConvention is recorded in every resolved config.
	NoiseConvention string `yaml:"noise_convention,omitempty" json:"noise_convention,omitempty"`
}

// Validate reports every invalid value, one per line (errors.Join).
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch c.Data.Kind {
	case "gauss2d":
		if err := c.gauss().Validate(); err != nil {
			errs = append(errs, err)
		}
	case "blobs":
		if c.Data.Classes < 2 {
			add("data.classes must be >= 2 for blobs (got %d)", c.Data.Classes)
		} else if err := c.gauss().Validate(); err != nil {
			errs = append(errs, err)
		}
	case "highdim":
		if err := c.highdim().Validate(); err != nil {
			errs = append(errs, err)
		}
	case "plane":
		if err := c.plane().Validate(); err != nil {
			errs = append(errs, err)
		}
	default:
		add("data.kind must be gauss2d, blobs, highdim or plane (got %q)", c.Data.Kind)
	}
	if c.Data.Noise < 0 || c.Data.Noise > 0.5 || c.Data.Noise != c.Data.Noise {
		add("data.noise must be in [0, 0.5] (got %g)", c.Data.Noise)
	}
	switch c.Model.Kind {
	case "linear", "twolayer", "mlp":
	default:
		add("model.kind must be linear, twolayer or mlp (got %q)", c.Model.Kind)
	}
	if (c.Model.Kind == "twolayer" || c.Model.Kind == "mlp") && len(c.Model.Hidden) == 0 {
		add("model.hidden needs at least one width for %s", c.Model.Kind)
	}
	if c.Model.Kind == "twolayer" && len(c.Model.Hidden) != 1 {
		add("model.hidden must have exactly one width for twolayer (got %v)", c.Model.Hidden)
	}
	for _, h := range c.Model.Hidden {
		if h <= 0 || h > 4096 {
			add("model.hidden widths must be in [1, 4096] (got %d)", h)
		}
	}
	if _, err := model.ParseActivation(c.Model.Activation); err != nil {
		add("model.activation: %w", err)
	}
	if !(c.Model.InitScale >= 0) || math.IsInf(c.Model.InitScale, 0) {
		add("model.init_scale must be >= 0 and finite (got %g)", c.Model.InitScale)
	}
	tc := c.Train
	tc.Method = "sgd"
	if err := tc.Validate(); err != nil {
		for _, e := range leaves(err) {
			add("train: %w", e)
		}
	}
	if len(c.Methods) == 0 {
		add("methods: name at least one of %s", strings.Join(optim.Names, ", "))
	}
	seen := map[string]int{}
	for i, m := range c.Methods {
		n, err := optim.Canonical(m)
		if err != nil {
			add("methods[%d]: %w", i, err)
			continue
		}
		if j, dup := seen[n]; dup {
			add("methods[%d]: %q repeats methods[%d] (%q)", i, m, j, c.Methods[j])
		}
		seen[n] = i
	}
	for m, r := range c.MethodRho {
		if _, err := optim.Canonical(m); err != nil {
			add("method_rho: %w", err)
		}
		if !(r >= 0) || math.IsInf(r, 0) {
			add("method_rho[%s] must be >= 0 and finite (got %g)", m, r)
		}
	}
	if c.Seeds < 1 || c.Seeds > 1000 {
		add("seeds must be in [1, 1000] (got %d)", c.Seeds)
	}
	return errors.Join(errs...)
}

// leaves returns the errors joined in err (errors.Join, nested), each on
// its own, or err itself when it joins none.
func leaves(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, leaves(e)...)
	}
	return out
}

// Normalize canonicalises method names (after a successful Validate) and
// records the noise convention.
func (c *Config) Normalize() {
	for i, m := range c.Methods {
		if n, err := optim.Canonical(m); err == nil {
			c.Methods[i] = n
		}
	}
	rho := map[string]float64{}
	for m, r := range c.MethodRho {
		if n, err := optim.Canonical(m); err == nil {
			rho[n] = r
		}
	}
	if len(rho) > 0 {
		c.MethodRho = rho
	}
	c.NoiseConvention = data.NoiseConvention
}

// RunConfig returns the train.Config for one method.
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

func (c *Config) highdim() data.HighDim {
	return data.HighDim{D: c.Data.D, NTrain: c.Data.NTrain, NTest: c.Data.NTest, MuNorm: c.Data.MuNorm, Sigma: c.Data.Sigma}
}

// Mu returns the class mean mu of highdim data (class +1 around mu, class
// -1 around -mu: data.HighDim.Mu), nil for the other kinds.
func (c *Config) Mu() []float64 {
	if c.Data.Kind != "highdim" {
		return nil
	}
	return c.highdim().Mu()
}

func (c *Config) plane() data.Plane {
	return data.Plane{Gauss2D: c.gauss(), NoiseDims: c.Data.NoiseDims, Sigma: c.Data.Sigma}
}

// MakeData draws the training set (with label noise) and the clean test set
// for a seed.
func (c *Config) MakeData(seed uint64) (tr, te *data.Dataset, err error) {
	switch c.Data.Kind {
	case "highdim":
		tr, te, err = c.highdim().Make(seed)
	case "plane":
		tr, te, err = c.plane().Make(seed)
	default:
		tr, te, err = c.gauss().Make(seed)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := tr.ApplyNoise(c.Data.Noise, seed); err != nil {
		return nil, nil, err
	}
	return tr, te, nil
}

// MakeNet builds the network for k classes.
func (c *Config) MakeNet(dim, k int) (*model.Net, error) {
	out := k
	if k == 2 {
		out = 1
	}
	act, err := model.ParseActivation(c.Model.Activation)
	if err != nil {
		return nil, err
	}
	switch c.Model.Kind {
	case "linear":
		return model.Linear(dim, out, c.Model.Bias), nil
	case "twolayer":
		return model.New(dim, c.Model.Hidden, out, model.Identity, c.Model.Bias), nil
	case "mlp":
		return model.New(dim, c.Model.Hidden, out, act, c.Model.Bias), nil
	}
	return nil, fmt.Errorf("model.kind must be linear, twolayer or mlp (got %q)", c.Model.Kind)
}

// Setup is everything one seed's runs share: data, network, initial weights.
type Setup struct {
	Seed        uint64
	Net         *model.Net
	Train, Test *data.Dataset
	W0          []float64
}

// Build makes the Setup for a seed: the same data and initial weights for
// every method.
func (c *Config) Build(seed uint64) (*Setup, error) {
	tr, te, err := c.MakeData(seed)
	if err != nil {
		return nil, err
	}
	return c.BuildWith(seed, tr, te)
}

// BuildWith makes the Setup for a seed on given data (a user's own points):
// c's network for the data's dimension and classes, initialised from seed.
func (c *Config) BuildWith(seed uint64, tr, te *data.Dataset) (*Setup, error) {
	if err := tr.Validate(); err != nil {
		return nil, fmt.Errorf("train set: %w", err)
	}
	if err := te.Validate(); err != nil {
		return nil, fmt.Errorf("test set: %w", err)
	}
	net, err := c.MakeNet(tr.D, tr.K)
	if err != nil {
		return nil, err
	}
	scale := c.Model.InitScale
	if scale == 0 {
		scale = 1
	}
	w0 := make([]float64, net.NumParams())
	net.Init(w0, rand.New(rand.NewPCG(seed, 0x1417)), scale)
	return &Setup{Seed: seed, Net: net, Train: tr, Test: te, W0: w0}, nil
}

// Trainer returns a trainer for method on s.
func (c *Config) Trainer(s *Setup, method string) (*train.Trainer, error) {
	return train.New(s.Net, s.Train, s.Test, s.W0, c.RunConfig(method), s.Seed)
}

// Clone returns a deep copy.
func (c *Config) Clone() *Config {
	d := *c
	d.Data.Means = slices.Clone(c.Data.Means)
	d.Data.MeanClasses = slices.Clone(c.Data.MeanClasses)
	d.Model.Hidden = slices.Clone(c.Model.Hidden)
	d.Methods = slices.Clone(c.Methods)
	if c.MethodRho != nil {
		d.MethodRho = map[string]float64{}
		for k, v := range c.MethodRho {
			d.MethodRho[k] = v
		}
	}
	return &d
}
