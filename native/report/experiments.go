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

// held returns how many seeds of s have results (0, 1, ... in order).
func (s *runSet) held() int {
	if len(s.cfg.Methods) == 0 {
		return 0
	}
	return len(byMethod(s.res, s.cfg.Methods[0]))
}

// next returns the config of s's seeds held() to n-1 (counted from its
// config's FirstSeed), or nil when s holds n seeds already.
func (s *runSet) next(n int) *experiment.Config {
	have := s.held()
	if have >= n {
		return nil
	}
	c := s.cfg.Clone()
	c.FirstSeed, c.Seeds = s.cfg.FirstSeed+uint64(have), n-have
	return c
}

// add appends res, the results of s.next's config, keeping s's results
// by method, then seed.
func (s *runSet) add(res []experiment.Result) {
	var all []experiment.Result
	for _, m := range s.cfg.Methods {
		all = append(append(all, byMethod(s.res, m)...), byMethod(res, m)...)
	}
	s.res = all
	s.cfg.Seeds = s.held()
}

// first returns s cut to its first n seeds (fewer if it holds fewer).
func (s *runSet) first(n int) runSet {
	cfg := s.cfg.Clone()
	cfg.Seeds = min(n, s.held())
	var res []experiment.Result
	for _, m := range cfg.Methods {
		res = append(res, byMethod(s.res, m)[:cfg.Seeds]...)
	}
	return runSet{cfg: cfg, res: res}
}

// mainRuns holds the shared nonlinear experiments of claims 1, 2 and 5-8,
// each a named set; evidence.main runs the seeds a claim asks of the sets
// it uses.
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
	// rule judges the claims built on these runs (Plan.Rule).
	rule Rule
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

// newMain makes the configs of claims 1, 2 and 5-8, without results (the
// seeds are set as each set grows).
func newMain(plan Plan) (*mainRuns, error) {
	seeds := plan.Seeds
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
	return mr, nil
}

// grow runs, together, the seeds up to n-1 that sets do not hold yet and
// adds them (runSet.next, add).
func grow(ctx context.Context, p *pool, sets []*runSet, n int) error {
	var cfgs []*experiment.Config
	var to []*runSet
	for _, s := range sets {
		if c := s.next(n); c != nil {
			cfgs, to = append(cfgs, c), append(to, s)
		}
	}
	if len(cfgs) == 0 {
		return nil
	}
	res, err := p.configs(ctx, fmt.Sprintf("nonlinear experiments (claims 1, 2, 5-8), %d sets to %d seeds", len(cfgs), n), cfgs...)
	if err != nil {
		return err
	}
	for i, s := range to {
		s.add(res[i])
	}
	return nil
}

// first returns a copy of mr cut to its first n seeds (runSet.first): the
// same evidence whatever more seeds were run for another claim.
func (mr *mainRuns) first(n int) *mainRuns {
	cut := &mainRuns{grid: make([]runSet, len(mr.grid)), rho: make([]runSet, len(mr.rho)), noise: make([]runSet, len(mr.noise))}
	to := cut.sets()
	for i, s := range mr.sets() {
		*to[i] = s.first(n)
	}
	return cut
}

// setsOf returns pointers to the sets of ss.
func setsOf(ss []runSet) []*runSet {
	out := make([]*runSet, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

// configs returns the configs of sets.
func configs(sets []runSet) []*experiment.Config {
	var cs []*experiment.Config
	for _, s := range sets {
		cs = append(cs, s.cfg)
	}
	return cs
}
