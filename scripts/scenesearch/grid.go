package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// spec is a family of scenes that differ only in 1-SAM's rho.
type spec struct {
	kind        string  // gauss2d or plane
	sep, spread float64 // class means at (-sep, 0) and (sep, 0)
	k           int     // plane: noise dimensions
	sigma       float64 // plane: their standard deviation
	n           int
	noise       float64
	hidden      []int // nil: linear
	lr          float64
	steps       int
	rho         []float64
}

// demoSpec is the demo preset's scene.
var demoSpec = spec{kind: "gauss2d", sep: 1, spread: 1, n: 400, noise: 0.3, hidden: []int{32, 32}, lr: 0.2, steps: 1000, rho: []float64{0.02, 0.05, 0.1, 0.2}}

// with returns a copy of s changed by f.
func (s spec) with(f func(*spec)) spec {
	s.hidden = slices.Clone(s.hidden)
	s.rho = slices.Clone(s.rho)
	f(&s)
	return s
}

// scenes returns one scene per rho.
func (s spec) scenes() []scene {
	var out []scene
	for _, r := range s.rho {
		out = append(out, scene{label: s.label(r), cfg: s.config(r)})
	}
	return out
}

func (s spec) label(rho float64) string {
	var b strings.Builder
	if s.kind == "plane" {
		fmt.Fprintf(&b, "plane k%d σ%g ", s.k, s.sigma)
	}
	fmt.Fprintf(&b, "sep %g sd %g n%d p%g ", s.sep, s.spread, s.n, s.noise)
	if s.hidden == nil {
		b.WriteString("linear")
	} else {
		b.WriteString("mlp")
		for i, h := range s.hidden {
			if i > 0 {
				b.WriteByte('-')
			}
			fmt.Fprint(&b, h)
		}
	}
	fmt.Fprintf(&b, " lr%g %d steps ρ%g", s.lr, s.steps, rho)
	return b.String()
}

// config is the experiment: SGD and 1-SAM (rho) on the scene.
func (s spec) config(rho float64) *experiment.Config {
	d := experiment.Data{Kind: s.kind, Means: [][2]float64{{-s.sep, 0}, {s.sep, 0}}, Spread: s.spread, NTrain: s.n, NTest: 2000, Noise: s.noise}
	if s.kind == "plane" {
		d.NoiseDims, d.Sigma = s.k, s.sigma
	}
	m := experiment.Model{Kind: "linear", Bias: true}
	if s.hidden != nil {
		m = experiment.Model{Kind: "mlp", Hidden: slices.Clone(s.hidden), Activation: "relu", Bias: true}
	}
	return &experiment.Config{
		Name:      s.label(rho),
		Data:      d,
		Model:     m,
		Train:     train.Config{LR: s.lr, Steps: s.steps, RecordEvery: 10, Hyper: optim.Hyper{GammaAct: 0.01, GammaLast: 0.01}},
		Methods:   []string{"sgd", "1sam"},
		MethodRho: map[string]float64{"1sam": rho},
		Seeds:     10,
	}
}

func collect(specs ...spec) []scene {
	var out []scene
	for _, s := range specs {
		out = append(out, s.scenes()...)
	}
	return out
}

// coarse is the first grid: the demo's scene changed one knob at a time,
// and the plane with a linear model and with one hidden layer.
func coarse() []scene {
	d := demoSpec
	specs := []spec{d}
	for _, f := range []func(*spec){
		func(s *spec) { s.noise = 0.2 },
		func(s *spec) { s.noise = 0.45 },
		func(s *spec) { s.n = 100 },
		func(s *spec) { s.n = 200 },
		func(s *spec) { s.n = 800 },
		func(s *spec) { s.hidden = []int{16} },
		func(s *spec) { s.hidden = []int{64} },
		func(s *spec) { s.hidden = []int{256} },
		func(s *spec) { s.hidden = []int{16, 16} },
		func(s *spec) { s.hidden = []int{64, 64} },
		func(s *spec) { s.lr = 0.05 },
		func(s *spec) { s.lr = 0.5 },
		func(s *spec) { s.sep = 0.5 },
		func(s *spec) { s.sep = 2 },
		func(s *spec) { s.sep, s.spread = 3, 3 },
		func(s *spec) { s.sep, s.spread = 0.5, 0.5 },
		func(s *spec) { s.n, s.hidden, s.lr, s.rho = 100, nil, 0.5, []float64{0.5, 1, 2, 4} },
	} {
		specs = append(specs, d.with(f))
	}
	lin := spec{kind: "plane", sep: 1, spread: 1, noise: 0.3, lr: 0.2, steps: 1000, rho: []float64{0.25, 0.5, 1, 2}}
	for _, n := range []int{100, 200} {
		for _, k := range []int{100, 200, 400} {
			for _, sigma := range []float64{0.1, 0.2, 0.4} {
				specs = append(specs, lin.with(func(s *spec) { s.n, s.k, s.sigma = n, k, sigma }))
			}
		}
	}
	mlp := spec{kind: "plane", sep: 1, spread: 1, n: 200, noise: 0.3, hidden: []int{32}, lr: 0.2, steps: 1000, rho: []float64{0.02, 0.05, 0.1, 0.2}}
	for _, k := range []int{20, 50, 100} {
		for _, sigma := range []float64{0.2, 0.5} {
			specs = append(specs, mlp.with(func(s *spec) { s.k, s.sigma = k, sigma }))
		}
	}
	return collect(specs...)
}

// refine is the second grid, around the best rows of the first
// (docs/web.md): the plane with one hidden layer at larger rho (its flipped
// share fell by 6 points at rho 0.2 without 1-SAM's collapse), the linear
// plane around its largest gains, and the demo's MLP on fewer points near
// rho 0.1 (the only 2-D scene the first grid found eligible).
func refine() []scene {
	var specs []spec
	mlp := spec{kind: "plane", sep: 1, spread: 1, noise: 0.3, lr: 0.2, steps: 1000, rho: []float64{0.2, 0.3, 0.5}}
	for _, h := range []int{16, 32} {
		for _, k := range []int{20, 50} {
			for _, sigma := range []float64{0.2, 0.3} {
				for _, n := range []int{100, 200} {
					specs = append(specs, mlp.with(func(s *spec) { s.hidden, s.k, s.sigma, s.n = []int{h}, k, sigma, n }))
				}
			}
		}
	}
	lin := spec{kind: "plane", sep: 1, spread: 1, noise: 0.3, lr: 0.2, steps: 1000, rho: []float64{1, 2, 4}}
	for _, sigma := range []float64{0.3, 0.4, 0.6} {
		for _, k := range []int{100, 200, 400} {
			for _, n := range []int{100, 200} {
				specs = append(specs, lin.with(func(s *spec) { s.sigma, s.k, s.n = sigma, k, n }))
			}
		}
	}
	for _, k := range []int{100, 200, 400} {
		for _, n := range []int{100, 200} {
			specs = append(specs, lin.with(func(s *spec) { s.sigma, s.k, s.n, s.lr, s.rho = 0.4, k, n, 0.5, []float64{1, 2} }))
		}
	}
	for _, n := range []int{100, 200} {
		for _, h := range [][]int{{32, 32}, {16, 16}} {
			for _, lr := range []float64{0.1, 0.2} {
				specs = append(specs, demoSpec.with(func(s *spec) { s.n, s.hidden, s.lr, s.rho = n, h, lr, []float64{0.07, 0.1, 0.13} }))
			}
		}
	}
	return collect(specs...)
}

// edge is the third grid: the linear plane past the edge of the second,
// where its best rows were (sigma 0.6, rho 4).
func edge() []scene {
	var specs []spec
	lin := spec{kind: "plane", sep: 1, spread: 1, noise: 0.3, lr: 0.2, steps: 1000, rho: []float64{4, 8, 16}}
	for _, sigma := range []float64{0.6, 0.8, 1.0} {
		for _, k := range []int{50, 100} {
			for _, n := range []int{200, 400} {
				specs = append(specs, lin.with(func(s *spec) { s.sigma, s.k, s.n = sigma, k, n }))
			}
		}
	}
	return collect(specs...)
}

// confirm is the demo preset beside the chosen one (noisyplane), as
// presets.
func confirm() []scene {
	var out []scene
	for _, name := range []string{"demo", "noisyplane"} {
		c, err := experiment.Preset(name)
		if err != nil {
			panic(err)
		}
		c.Methods = []string{"sgd", "1sam"}
		out = append(out, scene{label: fmt.Sprintf("preset %s ρ%g", name, c.RunConfig("1sam").Rho), cfg: c})
	}
	return out
}
