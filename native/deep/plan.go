// Package deep is the paper's deep experiment on real data (docs/science.md
// section 5): a small hyperparameter search on a held-out part of the
// training set, then the grid of all six methods over label-noise rates and
// seeds with the chosen values, trained by the native CLI's `train` command
// (the LibTorch build). The package itself is pure Go: it plans the runs,
// launches them through native/runner and chooses from their metrics.
package deep

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/runner"
)

// Candidate is one setting of the search: the method and its radius or
// Reg-SGD coefficients.
type Candidate struct {
	Method    string  `json:"method"`
	Rho       float64 `json:"rho,omitempty"`
	GammaAct  float64 `json:"gamma_act,omitempty"`
	GammaLast float64 `json:"gamma_last,omitempty"`
}

// Name returns a short folder name, e.g. "1sam-rho0.01".
func (c Candidate) Name() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if optim.Of(c.Method).Gammas {
		return fmt.Sprintf("%s-ga%s-gl%s", c.Method, f(c.GammaAct), f(c.GammaLast))
	}
	return fmt.Sprintf("%s-rho%s", c.Method, f(c.Rho))
}

// Plan is the whole deep experiment.
type Plan struct {
	// Base is every run's config; method, noise, seed, rho and gammas are
	// set per run.
	Base runner.Config `json:"base"`
	// Methods, Noises and Seeds span the grid.
	Methods []string  `json:"methods"`
	Noises  []float64 `json:"noises"`
	Seeds   []uint64  `json:"seeds"`
	// Search lists the candidates tried on the held-out split (Holdout
	// training images after the training subset, true labels), at
	// SearchNoise, seed SearchSeed, for SearchEpochs epochs. SAM takes its
	// own radius; 1-SAM's radius is used by L-SAM and J-SAM too (the three
	// share the per-example ascent step); Reg-SGD takes its coefficients.
	// Only the candidates of the plan's methods are trained.
	Search       []Candidate `json:"search"`
	Holdout      int         `json:"holdout"`
	SearchNoise  float64     `json:"search_noise"`
	SearchSeed   uint64      `json:"search_seed"`
	SearchEpochs int         `json:"search_epochs"`
	// Paper adds the paper's arm: the same methods, noises and seeds with
	// the paper's settings untuned (PaperCells), under root/paper.
	Paper bool `json:"paper"`
}

// The paper's own settings (Baek et al., CIFAR10, with momentum 0.9): the
// paper's arm trains with these, untuned.
const (
	PaperLR          = 0.01
	PaperWeightDecay = 5e-4
	PaperRho         = 0.01
	PaperBatch       = 128
	PaperGamma       = 1e-3
)

// DefaultPlan is the grid `samlab report --deep-run DATASET` trains: the
// small CNN (width 0.5, LayerNorm for every method, as the paper uses for
// the per-example ones) on 10,000 training images, evaluated on 5,000 test
// images, 60 epochs at batch 64, lr 0.02 with momentum 0.9 and no weight
// decay (so that SGD memorises the flipped labels within the run), at 0%,
// 40%, 60% and 80% symmetric noise, seeds 0-2, after a search on 2,000
// held-out training images at 60% noise; plus the paper's arm
// (PaperCells) over the same methods, noises and seeds. Resize changes its
// size.
func DefaultPlan(dataset string) Plan {
	b := runner.Default()
	b.Dataset, b.Model, b.Norm, b.Width = dataset, "cnn", "ln", 0.5
	b.Epochs, b.Batch, b.LR, b.Momentum, b.WeightDecay, b.Augment = 60, 64, 0.02, 0.9, 0, false
	b.TrainSubset, b.TestSubset, b.EvalTrain, b.Threads, b.Device = 10000, 5000, 0, 2, "cpu"
	var search []Candidate
	for _, r := range []float64{0.02, 0.05, 0.1} {
		search = append(search, Candidate{Method: "sam", Rho: r})
	}
	for _, r := range []float64{0.005, 0.01, 0.02} {
		search = append(search, Candidate{Method: "1sam", Rho: r})
	}
	for _, ga := range []float64{1e-4, 1e-3, 1e-2} {
		for _, gl := range []float64{1e-4, 1e-3, 1e-2} {
			search = append(search, Candidate{Method: "regsgd", GammaAct: ga, GammaLast: gl})
		}
	}
	return Plan{Base: b, Methods: optim.Names, Noises: []float64{0, 0.4, 0.6, 0.8}, Seeds: []uint64{0, 1, 2},
		Search: search, Holdout: 2000, SearchNoise: 0.6, SearchSeed: 100, SearchEpochs: 20, Paper: true}
}

// QuickPlan is DefaultPlan shrunk to a smoke test (a minute): 200 training
// images, 2 epochs, one seed, 0% and 40% noise, two candidates each for SAM
// and 1-SAM, one for Reg-SGD, no paper arm.
func QuickPlan(dataset string) Plan {
	p := DefaultPlan(dataset)
	p.Base.TrainSubset, p.Base.TestSubset, p.Base.Epochs, p.Base.Batch, p.Base.Width = 200, 300, 2, 32, 0.25
	p.Noises, p.Seeds, p.Holdout, p.SearchNoise, p.SearchEpochs, p.Paper = []float64{0, 0.4}, []uint64{0}, 200, 0.4, 2, false
	p.Search = []Candidate{{Method: "sam", Rho: 0.02}, {Method: "sam", Rho: 0.05}, {Method: "1sam", Rho: 0.005},
		{Method: "1sam", Rho: 0.01}, {Method: "regsgd", GammaAct: 1e-3, GammaLast: 1e-3}}
	return p
}

// Size is what `samlab report --deep-run` may change in a plan; a zero
// field (0, nil) keeps the plan's value.
type Size struct {
	Train, Epochs, SearchEpochs, Seeds int
	Noises                             []float64
	Methods                            []string
	// Paper, when not nil, turns the paper's arm on or off.
	Paper *bool
}

// Resize returns p with s applied: the training subset, epochs, search
// epochs, seeds 0..Seeds-1, noise rates and methods (canonical names). The
// values are checked by Validate.
func (p Plan) Resize(s Size) (Plan, error) {
	if s.Train > 0 {
		p.Base.TrainSubset = s.Train
	}
	if s.Epochs > 0 {
		p.Base.Epochs = s.Epochs
	}
	if s.SearchEpochs > 0 {
		p.SearchEpochs = s.SearchEpochs
	}
	if s.Seeds > 0 {
		p.Seeds = nil
		for i := 0; i < s.Seeds; i++ {
			p.Seeds = append(p.Seeds, uint64(i))
		}
	}
	if s.Noises != nil {
		p.Noises = append([]float64(nil), s.Noises...)
	}
	if s.Methods != nil {
		p.Methods = nil
		for _, m := range s.Methods {
			c, err := optim.Canonical(m)
			if err != nil {
				return p, fmt.Errorf("deep plan: methods: %w", err)
			}
			p.Methods = append(p.Methods, c)
		}
	}
	if s.Paper != nil {
		p.Paper = *s.Paper
	}
	return p, nil
}

// Validate reports a plan that cannot run, naming the value.
func (p Plan) Validate() error {
	switch {
	case len(p.Methods) == 0 || len(p.Noises) == 0 || len(p.Seeds) == 0:
		return fmt.Errorf("deep plan: methods, noises and seeds must not be empty")
	case p.Holdout <= 0 || p.Base.TrainSubset <= 0:
		return fmt.Errorf("deep plan: the search needs holdout > 0 and train_subset > 0 (got %d, %d)", p.Holdout, p.Base.TrainSubset)
	case p.SearchEpochs <= 0:
		return fmt.Errorf("deep plan: search_epochs must be > 0 (got %d)", p.SearchEpochs)
	}
	for _, c := range p.Search {
		if familyOf(c.Method) == noHyper {
			return fmt.Errorf("deep plan: search candidate %s: want a method with a radius or penalties (%s, %s or %s)", c.Name(), batchRho, perExampleRho, penalties)
		}
	}
	searched := map[family]bool{}
	for _, c := range p.Search {
		searched[familyOf(c.Method)] = true
	}
	seen := map[string]bool{}
	for _, m := range p.Methods {
		if seen[m] {
			return fmt.Errorf("deep plan: method %s listed twice", m)
		}
		seen[m] = true
		if f := familyOf(m); f != noHyper && !searched[f] {
			return fmt.Errorf("deep plan: method %s: the search has no candidate for %s", m, f)
		}
	}
	noise := map[float64]bool{}
	for _, n := range p.Noises {
		if noise[n] {
			return fmt.Errorf("deep plan: noise %g listed twice", n)
		}
		noise[n] = true
		b := p.Base
		b.Noise, b.Out = n, "check"
		if err := b.Validate(); err != nil {
			return fmt.Errorf("deep plan: noise %g: %w", n, err)
		}
	}
	b := p.Base
	b.Out = "check"
	return b.Validate()
}

// searched returns the search candidates of the plan's methods' families.
func (p Plan) searched() []Candidate {
	fams := map[family]bool{}
	for _, m := range p.Methods {
		fams[familyOf(m)] = true
	}
	var cs []Candidate
	for _, c := range p.Search {
		if fams[familyOf(c.Method)] {
			cs = append(cs, c)
		}
	}
	return cs
}

// SearchCells returns the search's runs under root/search: the candidates
// of the plan's methods.
func (p Plan) SearchCells(root string) []runner.Config {
	var cells []runner.Config
	for _, c := range p.searched() {
		r := p.Base
		r.Method, r.Rho, r.GammaAct, r.GammaLast = c.Method, c.Rho, c.GammaAct, c.GammaLast
		r.Noise, r.Seed, r.Epochs, r.Holdout, r.TestSubset = p.SearchNoise, p.SearchSeed, p.SearchEpochs, p.Holdout, 0
		r.Out = filepath.Join(root, "search", c.Name())
		cells = append(cells, r)
	}
	return cells
}

// GridCells returns the grid's runs under root/grid with the chosen
// hyperparameters.
func (p Plan) GridCells(root string, ch Choice) []runner.Config {
	return p.cells(p.Base, filepath.Join(root, "grid"), ch.For)
}

// PaperCells returns the paper's arm under root/paper (nil when the plan
// has none): the grid's methods, noises and seeds with the paper's
// settings untuned, lr PaperLR, weight decay PaperWeightDecay, batch
// PaperBatch, rho PaperRho for every method with a radius, and Reg-SGD's
// coefficients PaperGamma.
func (p Plan) PaperCells(root string) []runner.Config {
	if !p.Paper {
		return nil
	}
	b := p.Base
	b.LR, b.WeightDecay, b.Batch = PaperLR, PaperWeightDecay, PaperBatch
	paper := Choice{SAMRho: PaperRho, PerExampleRho: PaperRho, GammaAct: PaperGamma, GammaLast: PaperGamma}
	return p.cells(b, filepath.Join(root, "paper"), paper.For)
}

// cells returns one run of base per seed, noise and method (in that order)
// under dir, with the hyperparameters hyper gives each method.
func (p Plan) cells(base runner.Config, dir string, hyper func(string) (float64, float64, float64)) []runner.Config {
	var cells []runner.Config
	for _, s := range p.Seeds { // seed outermost: a cut run has whole seeds to pair
		for _, n := range p.Noises {
			for _, m := range p.Methods {
				r := base
				r.Method, r.Noise, r.Seed = m, n, s
				r.Rho, r.GammaAct, r.GammaLast = hyper(m)
				r.Out = filepath.Join(dir, runner.CellName(r))
				cells = append(cells, r)
			}
		}
	}
	return cells
}
