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

// runMain makes the configs of claims 1, 2 and 5-8 and runs them together.
func runMain(ctx context.Context, p *pool, plan Plan) (*mainRuns, error) {
	base, err := plan.preset(mainPreset, plan.Seeds)
	if err != nil {
		return nil, err
	}
	noise := base.Data.Noise
	if noise == 0 {
		noise = 0.3
	}
	mr := &mainRuns{}
	if mr.noisy.cfg, err = plan.mainConfig("main-noisy", noise, plan.Seeds, optim.Names...); err != nil {
		return nil, err
	}
	if mr.clean.cfg, err = plan.mainConfig("main-clean", 0, plan.Seeds, "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	for _, ga := range plan.Gammas {
		for _, gl := range plan.Gammas {
			if ga == 0 && gl == 0 {
				continue
			}
			c, err := plan.mainConfig(fmt.Sprintf("reg-ga%g-gl%g", ga, gl), noise, plan.Seeds, "regsgd")
			if err != nil {
				return nil, err
			}
			c.Train.GammaAct, c.Train.GammaLast = ga, gl
			mr.grid = append(mr.grid, runSet{cfg: c})
		}
	}
	for _, s := range plan.RhoScales {
		c, err := plan.mainConfig(fmt.Sprintf("rho-x%g", s), noise, plan.SweepSeeds, "sam", "1sam")
		if err != nil {
			return nil, err
		}
		c.MethodRho = map[string]float64{"sam": rhoOf(mr.noisy.cfg, "sam") * s, "1sam": rhoOf(mr.noisy.cfg, "1sam") * s}
		mr.rho = append(mr.rho, runSet{cfg: c})
	}
	for _, n := range plan.Noises {
		c, err := plan.mainConfig(fmt.Sprintf("noise-%g", n), n, plan.SweepSeeds, "sgd", "sam", "1sam")
		if err != nil {
			return nil, err
		}
		mr.noise = append(mr.noise, runSet{cfg: c})
	}
	if mr.demoNoisy.cfg, mr.demoClean.cfg, err = plan.pair(demoPreset, "demo", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	if mr.linNoisy.cfg, mr.linClean.cfg, err = plan.pair(linearPreset, "linear", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	sets := mr.sets()
	cfgs := make([]*experiment.Config, len(sets))
	for i, s := range sets {
		cfgs[i] = s.cfg
	}
	res, err := p.configs(ctx, "nonlinear experiments (claims 1, 2, 5-8)", cfgs...)
	if err != nil {
		return nil, err
	}
	for i, s := range sets {
		s.res = res[i]
	}
	return mr, nil
}

// configs returns the configs of sets.
func configs(sets []runSet) []*experiment.Config {
	var cs []*experiment.Config
	for _, s := range sets {
		cs = append(cs, s.cfg)
	}
	return cs
}
