package report

import (
	"context"
	"fmt"

	"github.com/samlab/samlab/core/experiment"
)

// allMethods are the methods of the main noisy experiment, in the paper's order.
var allMethods = []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"}

// mainRuns holds the configs and results of the experiments of claims 1,
// 2 and 5-8.
type mainRuns struct {
	noisy, clean       *experiment.Config
	noisyRes, cleanRes []experiment.Result
	grid               []*experiment.Config
	gridRes            [][]experiment.Result
	rho                []*experiment.Config
	rhoRes             [][]experiment.Result
	noise              []*experiment.Config
	noiseRes           [][]experiment.Result
	// The other settings of claim 1: the demo MLP and the high-dimensional
	// linear model.
	demoNoisy, demoClean       *experiment.Config
	demoNoisyRes, demoCleanRes []experiment.Result
	linNoisy, linClean         *experiment.Config
	linNoisyRes, linCleanRes   []experiment.Result
}

// toyClaims runs the toy experiments and builds claims 1-8.
func toyClaims(ctx context.Context, p *pool, plan Plan, out string) ([]*Claim, error) {
	mr, err := runMain(ctx, p, plan)
	if err != nil {
		return nil, err
	}
	builders := []func() (*Claim, error){
		func() (*Claim, error) { return claim1(mr, out) },
		func() (*Claim, error) { return claim2(mr, out) },
		func() (*Claim, error) { return claim3(ctx, p, plan, out) },
		func() (*Claim, error) { return claim4(ctx, p, plan, out) },
		func() (*Claim, error) { return claim5(mr, out) },
		func() (*Claim, error) { return claim6(mr, out) },
		func() (*Claim, error) { return claim7(mr, out) },
		func() (*Claim, error) { return claim8(mr, out) },
	}
	var claims []*Claim
	for _, b := range builders {
		c, err := b()
		if err != nil {
			return nil, err
		}
		claims = append(claims, c)
	}
	return claims, nil
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
	if mr.noisy, err = plan.mainConfig("main-noisy", noise, plan.Seeds, allMethods...); err != nil {
		return nil, err
	}
	if mr.clean, err = plan.mainConfig("main-clean", 0, plan.Seeds, "sgd", "sam", "1sam"); err != nil {
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
			mr.grid = append(mr.grid, c)
		}
	}
	for _, s := range plan.RhoScales {
		c, err := plan.mainConfig(fmt.Sprintf("rho-x%g", s), noise, plan.SweepSeeds, "sam", "1sam")
		if err != nil {
			return nil, err
		}
		c.MethodRho = map[string]float64{"sam": rhoOf(mr.noisy, "sam") * s, "1sam": rhoOf(mr.noisy, "1sam") * s}
		mr.rho = append(mr.rho, c)
	}
	for _, n := range plan.Noises {
		c, err := plan.mainConfig(fmt.Sprintf("noise-%g", n), n, plan.SweepSeeds, "sgd", "sam", "1sam")
		if err != nil {
			return nil, err
		}
		mr.noise = append(mr.noise, c)
	}
	if mr.demoNoisy, mr.demoClean, err = plan.pair(demoPreset, "demo", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	if mr.linNoisy, mr.linClean, err = plan.pair(linearPreset, "linear", "sgd", "sam", "1sam"); err != nil {
		return nil, err
	}
	all := append([]*experiment.Config{mr.noisy, mr.clean, mr.demoNoisy, mr.demoClean, mr.linNoisy, mr.linClean}, mr.grid...)
	all = append(all, mr.rho...)
	all = append(all, mr.noise...)
	res, err := p.configs(ctx, "nonlinear experiments (claims 1, 2, 5-8)", all...)
	if err != nil {
		return nil, err
	}
	mr.noisyRes, mr.cleanRes, mr.demoNoisyRes, mr.demoCleanRes, mr.linNoisyRes, mr.linCleanRes = res[0], res[1], res[2], res[3], res[4], res[5]
	k := 6
	mr.gridRes, k = res[k:k+len(mr.grid)], k+len(mr.grid)
	mr.rhoRes, k = res[k:k+len(mr.rho)], k+len(mr.rho)
	mr.noiseRes = res[k : k+len(mr.noise)]
	return mr, nil
}
