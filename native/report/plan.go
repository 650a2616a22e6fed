package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/samlab/samlab/core/experiment"
)

// Plan sizes the experiments of a report. The settings themselves come from
// the experiment presets (read when the report runs); the plan only says
// how many seeds, how many steps and which sweep values.
type Plan struct {
	// Seeds is the fewest seeds a toy claim is judged on; while an
	// interval of its tests straddles a margin its seeds double, up to
	// MaxSeeds (Looks, adaptSeeds).
	Seeds, MaxSeeds int
	// FirstSeed is the first toy seed (0 in the committed report): a
	// report from another FirstSeed is a replication on seeds the first
	// never saw.
	FirstSeed uint64
	// StepsScale multiplies every preset's step count (1: as the preset says).
	StepsScale float64
	// RhoScales multiply each SAM variant's preset rho in the rho sweep.
	RhoScales []float64
	// Noises are the label-noise rates of the noise sweep.
	Noises []float64
	// Gammas are the values of gamma_act and of gamma_last in the Reg-SGD grid.
	Gammas []float64
	// LinearRhoScales multiply the highdim preset's 1-SAM rho in claim 3.
	LinearRhoScales []float64
}

// DefaultPlan is the full report (minutes on two cores): MinSeeds seeds,
// doubled while undecided up to MaxSeeds.
func DefaultPlan() Plan {
	return Plan{
		Seeds: MinSeeds, MaxSeeds: MaxSeeds, StepsScale: 1,
		RhoScales:       []float64{0.25, 0.5, 1, 2, 4},
		Noises:          []float64{0, 0.1, 0.2, 0.3, 0.4},
		Gammas:          []float64{0, 1e-3, 1e-2, 1e-1},
		LinearRhoScales: []float64{0, 0.5, 1, 2},
	}
}

// QuickPlan is a smoke-test report: two seeds (no more), a fraction of the
// steps, short sweeps. Its numbers are too noisy to judge the claims.
func QuickPlan() Plan {
	return Plan{
		Seeds: 2, MaxSeeds: 2, StepsScale: 0.12,
		RhoScales:       []float64{0.5, 1, 2},
		Noises:          []float64{0, 0.3},
		Gammas:          []float64{0, 1e-2},
		LinearRhoScales: []float64{0, 1, 2},
	}
}

// Validate reports an unusable plan.
func (p Plan) Validate() error {
	switch {
	case p.Seeds < 1:
		return fmt.Errorf("plan: seeds must be >= 1 (got %d)", p.Seeds)
	case p.MaxSeeds < p.Seeds:
		return fmt.Errorf("plan: max seeds must be >= seeds (got %d < %d)", p.MaxSeeds, p.Seeds)
	case !(p.StepsScale > 0):
		return fmt.Errorf("plan: steps scale must be > 0 (got %g)", p.StepsScale)
	case len(p.RhoScales) < 2 || len(p.Noises) < 2 || len(p.Gammas) < 2 || len(p.LinearRhoScales) < 2:
		return fmt.Errorf("plan: every sweep needs at least two values")
	}
	return nil
}

// Looks returns the seed counts a toy claim may be judged at: Seeds,
// doubled while below MaxSeeds, the last one cut to MaxSeeds (10, 20, 40,
// 80, 160 in the default plan).
func (p Plan) Looks() []int {
	looks := []int{p.Seeds}
	for n := p.Seeds; n < p.MaxSeeds; {
		n = min(2*n, p.MaxSeeds)
		looks = append(looks, n)
	}
	return looks
}

// Rule returns the rule a toy claim is judged by: each look's intervals
// at level 1-(1-Level)/k for k looks (Bonferroni), so that a claim decided
// at whichever look comes first keeps a joint coverage of at least Level.
// With one look it is Level itself.
func (p Plan) Rule() Rule {
	return Rule{Level: 1 - (1-Level)/float64(len(p.Looks()))}
}

// describeLooks states the plan's seed schedule and levels for the
// report's prose, e.g. "toy claims start at 10 seeds and double them
// while an interval of theirs is open, up to 160 (looks at 10, 20, 40, 80
// and 160 seeds), and are judged at 99% so that their 5 looks keep at
// least 95% joint coverage (Bonferroni); a deep claim is looked at once,
// at 95%".
func (p Plan) describeLooks() string {
	looks := p.Looks()
	return fmt.Sprintf("toy claims start at %d seeds and double them while an interval of theirs is open, up to %d (looks at %s seeds), and are judged at %s so that their %d looks keep at least %s joint coverage (Bonferroni); a deep claim is looked at once, at %s",
		p.Seeds, p.MaxSeeds, seedList(looks), p.Rule().percent(), len(looks), fixed.percent(), fixed.percent())
}

// preset loads a preset and applies the plan's seeds and step scale.
func (p Plan) preset(name string, seeds int) (*experiment.Config, error) {
	c, err := experiment.Preset(name)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	c.Seeds, c.FirstSeed = seeds, p.FirstSeed
	if p.StepsScale != 1 {
		steps := int(math.Round(float64(c.Train.Steps) * p.StepsScale))
		c.Train.Steps = max(steps, 5*c.Train.Every())
	}
	return c, nil
}

// Experiment names: the presets each claim is measured on.
const (
	mainPreset   = "wide2d"   // nonlinear MLP that memorises: claims 1, 2, 5, 6, 7, 8
	demoPreset   = "demo"     // the browser demo's MLP: a second setting of claim 1
	linearPreset = "highdim"  // linear, d > n: claims 1 and 3
	exactPreset  = "linear2d" // linear logistic: claim 4
)

// mainConfig is the nonlinear experiment at a noise rate with methods.
func (p Plan) mainConfig(name string, noise float64, seeds int, methods ...string) (*experiment.Config, error) {
	c, err := p.preset(mainPreset, seeds)
	if err != nil {
		return nil, err
	}
	c.Name = name
	c.Data.Noise = noise
	c.Methods = methods
	return c, nil
}

// pair returns a preset's config at its noise rate (0.3 if it has none)
// and a clean copy, for methods, with seeds seeds.
func (p Plan) pair(preset, name string, seeds int, methods ...string) (noisy, clean *experiment.Config, err error) {
	if noisy, err = p.preset(preset, seeds); err != nil {
		return nil, nil, err
	}
	noisy.Name, noisy.Methods = name+"-noisy", methods
	if noisy.Data.Noise == 0 {
		noisy.Data.Noise = 0.3
	}
	clean = noisy.Clone()
	clean.Name, clean.Data.Noise = name+"-clean", 0
	return noisy, clean, nil
}

// rhoOf is method m's rho in c.
func rhoOf(c *experiment.Config, m string) float64 { return c.RunConfig(m).Rho }

// seedList writes seed counts as "10, 20, 40 and 80".
func seedList(ns []int) string {
	var b strings.Builder
	for i, n := range ns {
		switch {
		case i == 0:
		case i == len(ns)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		fmt.Fprint(&b, n)
	}
	return b.String()
}
