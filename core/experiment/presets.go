package experiment

import (
	"fmt"
	"sort"
	"strings"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// presets are the named experiments; docs/toy.md ("Presets and what they
// show") reports what each shows.
var presets = map[string]Config{
	"demo": {
		Name:        "demo",
		Description: "the browser demo: two 2-D Gaussian classes, 30% flipped labels, MLP 2-32-32-1 ReLU, full batch",
		Data:        Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 400, NTest: 2000, Noise: 0.3},
		Model:       Model{Kind: "mlp", Hidden: []int{32, 32}, Activation: "relu", Bias: true},
		Train:       train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(0.1, 0.02),
		Seeds:       10,
	},
	"linear2d": {
		Name:        "linear2d",
		Description: "logistic regression on two 2-D Gaussian classes, 30% flipped labels: the logit-scale effect alone",
		Data:        Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 100, NTest: 2000, Noise: 0.3},
		Model:       Model{Kind: "linear", Bias: true},
		Train:       train.Config{LR: 0.5, Steps: 500, RecordEvery: 5, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(0.5, 0.5),
		Seeds:       10,
	},
	"highdim": {
		Name:        "highdim",
		Description: "high-dimensional linear toy x = y*mu + noise (d 1000, n 500, ||mu|| 2), random init, full-batch GD: memorisation through noise directions",
		Data:        Data{Kind: "highdim", D: 1000, MuNorm: 2, Sigma: 1, NTrain: 500, NTest: 1000, Noise: 0.3},
		Model:       Model{Kind: "linear", Bias: false, InitScale: 1},
		Train:       train.Config{LR: 0.1, Steps: 200, RecordEvery: 2, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(1, 1),
		Seeds:       10,
	},
	"noisyplane": {
		Name:        "noisyplane",
		Description: "two 2-D Gaussian classes (200 points, 30% flipped) among 100 noise dimensions (std 0.6), logistic regression: SGD memorises through the noise dimensions, 1-SAM (rho 16) keeps the fitted points' weight; the demo draws the plane",
		Data: Data{Kind: "plane", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NoiseDims: 100, Sigma: 0.6,
			NTrain: 200, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "linear", Bias: true},
		Train:     train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:   optim.Names,
		MethodRho: rhos(16, 16),
		Seeds:     10,
	},
	"wide2d": {
		Name:        "wide2d",
		Description: "two 2-D Gaussian classes, 100 points, 30% flipped, one wide hidden layer (2-256-1 ReLU) that memorises quickly",
		Data:        Data{Kind: "gauss2d", Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 100, NTest: 2000, Noise: 0.3},
		Model:       Model{Kind: "mlp", Hidden: []int{256}, Activation: "relu", Bias: true},
		Train:       train.Config{LR: 0.1, Steps: 1000, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(0.1, 0.05),
		Seeds:       10,
	},
	"xor": {
		Name:        "xor",
		Description: "XOR of four 2-D Gaussians (two per class), 200 points, 30% flipped, MLP 2-64-64-1 ReLU",
		Data: Data{Kind: "gauss2d", Means: [][2]float64{{-1, -1}, {1, 1}, {-1, 1}, {1, -1}}, MeanClasses: []int{0, 0, 1, 1},
			Spread: 0.5, NTrain: 200, NTest: 2000, Noise: 0.3},
		Model:     Model{Kind: "mlp", Hidden: []int{64, 64}, Activation: "relu", Bias: true},
		Train:     train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:   optim.Names,
		MethodRho: rhos(0.1, 0.05),
		Seeds:     10,
	},
	"twolayer": {
		Name:        "twolayer",
		Description: "two-layer linear net f = v^T W x (width 16) on the high-dimensional toy (d 400, n 200, ||mu|| 2): J-SAM as SGD with l2 penalties",
		Data:        Data{Kind: "highdim", D: 400, MuNorm: 2, Sigma: 1, NTrain: 200, NTest: 1000, Noise: 0.3},
		Model:       Model{Kind: "twolayer", Hidden: []int{16}, Bias: false},
		Train:       train.Config{LR: 0.05, Steps: 300, RecordEvery: 3, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(0.05, 0.05),
		Seeds:       10,
	},
	"blobs3": {
		Name:        "blobs3",
		Description: "three 2-D Gaussian blobs, 30% of labels moved to another class, MLP 2-32-32-3 ReLU",
		Data:        Data{Kind: "blobs", Classes: 3, Radius: 1.5, Spread: 1, NTrain: 300, NTest: 2000, Noise: 0.3},
		Model:       Model{Kind: "mlp", Hidden: []int{32, 32}, Activation: "relu", Bias: true},
		Train:       train.Config{LR: 0.2, Steps: 1000, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:     optim.Names,
		MethodRho:   rhos(0.1, 0.02),
		Seeds:       10,
	},
}

// rhos gives every method with a radius (optim.Traits.Rho) its radius in a
// preset: batch for those that perturb the batch (SAM), perExample for the
// per-example ones (1-SAM, L-SAM and J-SAM share the per-example ascent
// step, so they share its radius).
func rhos(batch, perExample float64) map[string]float64 {
	m := map[string]float64{}
	for _, t := range optim.All() {
		switch {
		case t.Rho && t.PerExample:
			m[t.Name] = perExample
		case t.Rho:
			m[t.Name] = batch
		}
	}
	return m
}

// Presets returns the preset names, sorted.
func Presets() []string {
	var s []string
	for k := range presets {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// Preset returns a copy of the named preset.
func Preset(name string) (*Config, error) {
	p, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("unknown preset %q (want one of %s)", name, strings.Join(Presets(), ", "))
	}
	return p.Clone(), nil
}
