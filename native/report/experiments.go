package report

import (
	"context"
	"fmt"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
)

// runSet is one experiment config and its results, in experiment.Run's
// order (by method, then seed).
type runSet struct {
	cfg *experiment.Config
	res []experiment.Result
}

// mainRuns holds the shared nonlinear experiments of claims 1, 2 and 5-8,
// each a named set; runMain runs them together.
type mainRuns struct {
	// noisy is the main preset with every method at its noise rate, clean
	// the same without noise (SGD, SAM, 1-SAM).
	noisy, clean runSet
	// grid is Reg-SGD's gamma grid (claim 7); rho and noise the
	// sensitivity sweeps (claim 8).
	grid, rho, noise []runSet
	// The other settings of claim 1: the demo MLP and the high-dimensional
	// linear model, noisy and clean.
	demoNoisy, demoClean runSet
	linNoisy, linClean   runSet
}

// sets returns every set of mr, to run them together and hand each its
// results.
func (mr *mainRuns) sets() []*runSet {
	s := []*runSet{&mr.noisy, &mr.clean, &mr.demoNoisy, &mr.demoClean, &mr.linNoisy, &mr.linClean}
	for _, g := range [][]runSet{mr.grid, mr.rho, mr.noise} {
		for i := range g {
			s = append(s, &g[i])
		}
	}
	return s
}

// newMain makes the configs of claims 1, 2 and 5-8 for seeds first to
// first+seeds-1, without results.
func newMain(plan Plan, first, seeds int) (*mainRuns, error) {
	base, err := plan.preset(mainPreset, seeds)
	if err != nil {
		return nil, err
	}
	noise := base.Data.Noise
	if noise == 0 {
		noise = 0.3
	}
	mr := &mainRuns{}
	if mr.noisy.cfg, err = plan.mainConfig("main-noisy", noise, seeds, optim.Names...); err != nil {
		return nil, err
	}
	if mr.clean.cfg, err = plan.mainConfig("main-clean", 0, seeds, "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	for _, ga := range plan.Gammas {
		for _, gl := range plan.Gammas {
			if ga == 0 && gl == 0 {
				continue
			}
			c, err := plan.mainConfig(fmt.Sprintf("reg-ga%g-gl%g", ga, gl), noise, seeds, "regsgd")
			if err != nil {
				return nil, err
			}
			c.Train.GammaAct, c.Train.GammaLast = ga, gl
			mr.grid = append(mr.grid, runSet{cfg: c})
		}
	}
	for _, s := range plan.RhoScales {
		c, err := plan.mainConfig(fmt.Sprintf("rho-x%g", s), noise, seeds, "sam", "1sam")
		if err != nil {
			return nil, err
		}
		c.MethodRho = map[string]float64{"sam": rhoOf(mr.noisy.cfg, "sam") * s, "1sam": rhoOf(mr.noisy.cfg, "1sam") * s}
		mr.rho = append(mr.rho, runSet{cfg: c})
	}
	for _, n := range plan.Noises {
		c, err := plan.mainConfig(fmt.Sprintf("noise-%g", n), n, seeds, "sgd", "sam", "1sam")
		if err != nil {
			return nil, err
		}
		mr.noise = append(mr.noise, runSet{cfg: c})
	}
	if mr.demoNoisy.cfg, mr.demoClean.cfg, err = plan.pair(demoPreset, "demo", seeds, "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	if mr.linNoisy.cfg, mr.linClean.cfg, err = plan.pair(linearPreset, "linear", seeds, "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	for _, set := range mr.sets() {
		set.cfg.FirstSeed = uint64(first)
	}
	return mr, nil
}

// run runs every set of mr together and hands each its results.
func (mr *mainRuns) run(ctx context.Context, p *pool) error {
	sets := mr.sets()
	cfgs := make([]*experiment.Config, len(sets))
	for i, s := range sets {
		cfgs[i] = s.cfg
	}
	res, err := p.configs(ctx, fmt.Sprintf("nonlinear experiments (claims 1, 2, 5-8), seeds %d-%d", cfgs[0].FirstSeed, cfgs[0].FirstSeed+uint64(cfgs[0].Seeds)-1), cfgs...)
	if err != nil {
		return err
	}
	for i, s := range sets {
		s.res = res[i]
	}
	return nil
}

// extend appends the seeds of more (newMain's next seeds, run) to mr's
// sets, keeping each set's results by method, then seed.
func (mr *mainRuns) extend(more *mainRuns) {
	to, from := mr.sets(), more.sets()
	for i, s := range to {
		var res []experiment.Result
		for _, m := range s.cfg.Methods {
			res = append(append(res, byMethod(s.res, m)...), byMethod(from[i].res, m)...)
		}
		s.res = res
		s.cfg.Seeds += from[i].cfg.Seeds
	}
}

// first returns a copy of mr cut to its first n seeds: the same evidence
// whatever more seeds were run for another claim.
func (mr *mainRuns) first(n int) *mainRuns {
	cut := &mainRuns{grid: make([]runSet, len(mr.grid)), rho: make([]runSet, len(mr.rho)), noise: make([]runSet, len(mr.noise))}
	to, from := cut.sets(), mr.sets()
	for i, s := range from {
		cfg := s.cfg.Clone()
		cfg.Seeds = min(n, cfg.Seeds)
		var res []experiment.Result
		for _, m := range cfg.Methods {
			rs := byMethod(s.res, m)
			res = append(res, rs[:min(n, len(rs))]...)
		}
		*to[i] = runSet{cfg: cfg, res: res}
	}
	return cut
}

// configs returns the configs of sets.
func configs(sets []runSet) []*experiment.Config {
	var cs []*experiment.Config
	for _, s := range sets {
		cs = append(cs, s.cfg)
	}
	return cs
}
