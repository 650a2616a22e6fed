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
	Search       []Candidate `json:"search"`
	Holdout      int         `json:"holdout"`
	SearchNoise  float64     `json:"search_noise"`
	SearchSeed   uint64      `json:"search_seed"`
	SearchEpochs int         `json:"search_epochs"`
}

// DefaultPlan is the grid `samlab report --deep-run DATASET` trains: the
// small CNN (width 0.5, LayerNorm for every method, as the paper uses for
// the per-example ones) on 2,000 training images, evaluated on 5,000 test
// images, 40 epochs at batch 64, lr 0.02 with momentum 0.9 and no weight
// decay (so that SGD memorises the flipped labels within the run), at 0%
// and 40% noise, seeds 0-2: 36 runs, about an hour on two cores, after a
// search of 15 runs on 2,000 held-out training images.
func DefaultPlan(dataset string) Plan {
	b := runner.Default()
	b.Dataset, b.Model, b.Norm, b.Width = dataset, "cnn", "ln", 0.5
	b.Epochs, b.Batch, b.LR, b.Momentum, b.WeightDecay, b.Augment = 40, 64, 0.02, 0.9, 0, false
	b.TrainSubset, b.TestSubset, b.EvalTrain, b.Threads, b.Device = 2000, 5000, 0, 2, "cpu"
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
	return Plan{Base: b, Methods: optim.Names, Noises: []float64{0, 0.4}, Seeds: []uint64{0, 1, 2},
		Search: search, Holdout: 2000, SearchNoise: 0.4, SearchSeed: 100, SearchEpochs: 20}
}

// QuickPlan is DefaultPlan shrunk to a smoke test (a minute): 200 training
// images, 2 epochs, one seed, two candidates each for SAM and 1-SAM, one
// for Reg-SGD.
func QuickPlan(dataset string) Plan {
	p := DefaultPlan(dataset)
	p.Base.TrainSubset, p.Base.TestSubset, p.Base.Epochs, p.Base.Batch, p.Base.Width = 200, 300, 2, 32, 0.25
	p.Seeds, p.Holdout, p.SearchEpochs = []uint64{0}, 200, 2
	p.Search = []Candidate{{Method: "sam", Rho: 0.02}, {Method: "sam", Rho: 0.05}, {Method: "1sam", Rho: 0.005},
		{Method: "1sam", Rho: 0.01}, {Method: "regsgd", GammaAct: 1e-3, GammaLast: 1e-3}}
	return p
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
	b := p.Base
	b.Out = "check"
	return b.Validate()
}

// SearchCells returns the search's runs under root/search.
func (p Plan) SearchCells(root string) []runner.Config {
	var cells []runner.Config
	for _, c := range p.Search {
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
	var cells []runner.Config
	for _, m := range p.Methods {
		for _, n := range p.Noises {
			for _, s := range p.Seeds {
				r := p.Base
				r.Method, r.Noise, r.Seed = m, n, s
				r.Rho, r.GammaAct, r.GammaLast = ch.For(m)
				r.Out = filepath.Join(root, "grid", runner.CellName(r))
				cells = append(cells, r)
			}
		}
	}
	return cells
}
