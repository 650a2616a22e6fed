package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/samlab/samlab/core/optim"
)

// The rules of the demo's controls: what each button and key does to the
// parameters. Every function here returns new Params and leaves its
// argument as it is (Methods is copied); the new Params have Steps 0, as a
// changed experiment starts at step 0. A direction d is -1 (the - or <
// button) or +1 (the + or > button). The app only maps clicks and keys to
// these functions and rebuilds its lab from the result.

// ErrNoChange is returned by a control that leaves the experiment as it is
// and has nothing to tell the user (the seed is already 1, the model is
// already of that kind).
var ErrNoChange = errors.New("no change")

// The ladders the steppers climb: sorted values, one rung per click.
var (
	// PointLadder holds the training set sizes of the points stepper.
	PointLadder = []float64{20, 50, 100, 150, 200, 300, 400, 600, 800, 1000, 1500, 2000}
	// WidthLadder holds the MLP hidden widths of the width stepper.
	WidthLadder = []float64{2, 4, 8, 16, 32, 64, 128}
	// LRLadder holds the learning rates of the learning-rate stepper.
	LRLadder = []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2}
	// RhoLadder holds the SAM radii of the rho stepper (0: every SAM
	// variant trains as SGD).
	RhoLadder = []float64{0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 4, 8, 16}
)

// AddOrder is the order in which AddPanel adds methods: the first one not
// yet shown. It holds every name of optim.Names: the paper's methods in the
// demo's order, then any other method in the order of optim.Names.
var AddOrder = func() []string {
	o := []string{"sam", "jsam", "lsam", "regsgd", "1sam", "sgd"}
	for _, m := range optim.Names {
		if !slices.Contains(o, m) {
			o = append(o, m)
		}
	}
	return o
}()

const (
	// NoiseStep is the change in the fraction of flipped labels per click.
	NoiseStep = 0.05
	// ComparePanels is the fewest panels RemovePanel leaves: the demo is a
	// comparison (a query may still ask for MinPanels).
	ComparePanels = 2
	// MLPWidth is the hidden width SetModel gives an MLP when the
	// parameters name none.
	MLPWidth = 16
	// MinCurveEvery is the smallest curve-sample interval CurveEvery gives.
	MinCurveEvery = 5
)

// Next returns the rung after (d > 0) or before (d < 0) cur on ladder
// (sorted, not empty), or the ladder's nearest end when there is none; cur
// need not be on the ladder. Rungs within a relative 1e-9 of cur count as
// cur.
func Next(ladder []float64, cur float64, d int) float64 {
	if d > 0 {
		for _, v := range ladder {
			if v > cur*(1+1e-9)+1e-12 {
				return v
			}
		}
		return ladder[len(ladder)-1]
	}
	for i := len(ladder) - 1; i >= 0; i-- {
		if ladder[i] < cur*(1-1e-9)-1e-12 {
			return ladder[i]
		}
	}
	return ladder[0]
}

// edit returns a copy of p to change: Methods copied, Steps 0, outside
// the tour (a changed experiment is no longer the tour's scene).
func edit(p Params) Params {
	p.Methods = slices.Clone(p.Methods)
	p.Steps = 0
	p.Tour = 0
	return p
}

// NextMethod returns p with panel i's method replaced by the one d places
// after it in optim.Names, wrapping around. It panics if i is not a panel
// of p.
func NextMethod(p Params, i, d int) Params {
	q := edit(p)
	n := len(optim.Names)
	k := slices.Index(optim.Names, q.Methods[i])
	q.Methods[i] = optim.Names[((k+d)%n+n)%n]
	return q
}

// AddPanel returns p with one more panel, training the first method of
// AddOrder that no panel shows; an error with MaxPanels panels.
func AddPanel(p Params) (Params, error) {
	q := edit(p)
	if len(q.Methods) >= MaxPanels {
		return p, fmt.Errorf("at most %d panels", MaxPanels)
	}
	for _, m := range AddOrder {
		if !slices.Contains(q.Methods, m) {
			q.Methods = append(q.Methods, m)
			break
		}
	}
	return q, nil
}

// RemovePanel returns p without its last panel; an error with
// ComparePanels panels or fewer.
func RemovePanel(p Params) (Params, error) {
	q := edit(p)
	if len(q.Methods) <= ComparePanels {
		return p, errors.New("keep at least two panels to compare")
	}
	q.Methods = q.Methods[:len(q.Methods)-1]
	return q, nil
}

// NextPreset returns the starting parameters (PresetParams) of the preset
// d places after p's in Presets, wrapping around, with p's methods, seed,
// speed and test-point toggle.
func NextPreset(p Params, d int) Params {
	n := len(Presets)
	k := slices.Index(Presets, p.Preset)
	q := PresetParams(Presets[((k+d)%n+n)%n])
	q.Methods, q.Seed, q.Speed, q.Test = slices.Clone(p.Methods), p.Seed, p.Speed, p.Test
	return q
}

// StepNoise returns p with the fraction of flipped labels moved by d
// NoiseSteps from cfg's (p's resolved config), clamped to [0, MaxNoise] and
// rounded to a percent.
func StepNoise(p Params, cfg *Config, d int) Params {
	q := edit(p)
	q.Noise = math.Round(max(0, min(MaxNoise, cfg.Data.Noise+float64(d)*NoiseStep))*100) / 100
	return q
}

// StepPoints returns p with cfg's training set size moved one rung of
// PointLadder in direction d.
func StepPoints(p Params, cfg *Config, d int) Params {
	q := edit(p)
	q.Points = int(Next(PointLadder, float64(cfg.Data.NTrain), d))
	return q
}

// StepSeed returns p with the seed moved by d; ErrNoChange for a step
// below seed 1.
func StepSeed(p Params, d int) (Params, error) {
	if d < 0 && p.Seed <= 1 {
		return p, ErrNoChange
	}
	q := edit(p)
	q.Seed = uint64(int64(q.Seed) + int64(d))
	return q, nil
}

// SetModel returns p with model kind ("linear" or "mlp"), an MLP of
// MLPWidth when p names no width; ErrNoChange when cfg's model is already of
// that kind.
func SetModel(p Params, cfg *Config, kind string) (Params, error) {
	if cfg.Model.Kind == kind {
		return p, ErrNoChange
	}
	q := edit(p)
	q.Model = kind
	if kind == "mlp" && q.Width == 0 {
		q.Width = MLPWidth
	}
	return q, nil
}

// StepWidth returns p with cfg's hidden width moved one rung of
// WidthLadder in direction d; an error when cfg's model is not an MLP.
func StepWidth(p Params, cfg *Config, d int) (Params, error) {
	if cfg.Model.Kind != "mlp" {
		return p, errors.New("width applies to the MLP: choose MLP first")
	}
	q := edit(p)
	q.Width = int(Next(WidthLadder, float64(cfg.Model.Hidden[0]), d))
	return q, nil
}

// StepLR returns p with cfg's learning rate moved one rung of LRLadder in
// direction d.
func StepLR(p Params, cfg *Config, d int) Params {
	q := edit(p)
	q.LR = Next(LRLadder, cfg.Train.LR, d)
	return q
}

// StepRho returns p with one radius for every SAM variant, one rung of
// RhoLadder in direction d from p's radius, or, where p keeps the preset's
// per-method radii, from the largest of Radii(p, cfg) (0 without a SAM
// panel).
func StepRho(p Params, cfg *Config, d int) Params {
	q := edit(p)
	cur := q.Rho
	if cur < 0 {
		cur = 0
		if r := Radii(p, cfg); len(r) > 0 {
			cur = max(cur, r[len(r)-1])
		}
	}
	q.Rho = Next(RhoLadder, cur, d)
	return q
}

// Radii returns the distinct radii the panels of p train with under cfg,
// sorted, leaving out the methods without one (UsesRho); empty when no
// panel trains a SAM variant.
func Radii(p Params, cfg *Config) []float64 {
	var r []float64
	for _, m := range p.Methods {
		if UsesRho(m) {
			r = append(r, Rho(cfg, m))
		}
	}
	slices.Sort(r)
	return slices.Compact(r)
}

// StepSpeed returns the steps per frame after speed: doubled (d > 0) or
// halved (d < 0), clamped to [1, MaxSpeed].
func StepSpeed(speed, d int) int {
	if d > 0 {
		speed *= 2
	} else {
		speed /= 2
	}
	return max(1, min(MaxSpeed, speed))
}

// CurveEvery returns the curve-sample interval (Lab.Every) for a speed in
// steps per frame: at least MinCurveEvery, and at least the speed, so a
// frame samples each panel at most once.
func CurveEvery(speed int) int {
	return max(MinCurveEvery, speed)
}
