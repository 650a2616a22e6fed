package sim

import (
	"fmt"

	"github.com/samlab/samlab/core/optim"
)

// The frame budget (docs/web.md, "Bad links and heavy scenes"): while
// playing, the page takes at most FrameSteps steps a frame, so that the
// training of a frame stays within FrameBudgetMs, and it refuses a scene
// whose single step is estimated past MaxStepMs, which no lowering of the
// speed could make responsive.
const (
	// FrameBudgetMs is the training time a frame may take, in ms: 20
	// frames a second with the drawing.
	FrameBudgetMs = 40.0
	// MaxStepMs bounds the estimated time of one step (StepMs), in ms:
	// past it a frame of a single step leaves the page unresponsive.
	MaxStepMs = 250.0
	// nsPerUnit is the time of one cost unit (StepUnits) as wasm in a
	// browser, in ns: measured on the default page, whose step (400
	// points, MLP 2-32-32-1, SGD and 1-SAM: 1.9M units) takes 6.0 to 6.3
	// ms in Chromium (docs/web.md, Measured).
	nsPerUnit = 3.2
)

// Passes returns the cost of a step of method m in gradient passes over
// the batch: one, one more for a method with an ascent step (optim.Traits
// Rho), and one more for a method whose examples each get their own
// perturbation (PerExample): SGD and Reg-SGD 1, SAM 2, 1-SAM, L-SAM and
// J-SAM 3.
func Passes(m string) int {
	t := optim.Of(m)
	return 1 + b2i(t.Rho) + b2i(t.PerExample)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StepUnits returns the cost model of a frame's step of the lab p
// describes: points x parameters x gradient passes (Passes), summed over
// the panels, or in the high-dimensional scene, which steps one panel a
// frame (Lab.StepTurn), the largest panel's.
func (p Params) StepUnits() (float64, error) {
	cfg, err := p.Config()
	if err != nil {
		return 0, err
	}
	in := 2
	if cfg.Data.D > 0 {
		in = cfg.Data.D
	} else if cfg.Data.NoiseDims > 0 {
		in += cfg.Data.NoiseDims
	}
	out := 1
	if cfg.Data.Classes > 2 {
		out = cfg.Data.Classes
	}
	params, a := 0, in
	for _, h := range cfg.Model.Hidden {
		params += (a + 1) * h
		a = h
	}
	params += (a + 1) * out
	per := float64(cfg.Data.NTrain) * float64(params)
	total, top := 0.0, 0.0
	for _, m := range p.Methods {
		c := per * float64(Passes(m))
		total += c
		top = max(top, c)
	}
	if !InPlane(p.Preset) {
		return top, nil
	}
	return total, nil
}

// StepMs estimates the time of a frame's step of the lab p describes as
// wasm in a browser, in ms (StepUnits at nsPerUnit).
func (p Params) StepMs() (float64, error) {
	u, err := p.StepUnits()
	return u * nsPerUnit / 1e6, err
}

// checkCost refuses parameters whose step is estimated past MaxStepMs,
// naming the sizes that set it.
func (p Params) checkCost() error {
	ms, err := p.StepMs()
	if err != nil || ms <= MaxStepMs {
		return err
	}
	cfg, _ := p.Config()
	return fmt.Errorf("n=%d, width=%d, %d methods: a step would take about %.0f ms (at most %.0f keeps the page responsive): lower n, width or the methods",
		cfg.Data.NTrain, width(cfg), len(p.Methods), ms, MaxStepMs)
}

// width returns the widest hidden layer of cfg's model (0: linear).
func width(cfg *Config) int {
	w := 0
	for _, h := range cfg.Model.Hidden {
		w = max(w, h)
	}
	return w
}

// FrameSteps returns the steps to take in a frame while playing at speed
// (steps a frame), given the time of one step (stepMs, measured or
// StepMs) and the frame budget (budgetMs): the speed if it fits, else the
// largest power of two whose steps fit (a power of two, as the speed
// control's values, so that a noisy measure does not make it jitter), and
// at least one step.
func FrameSteps(speed int, stepMs, budgetMs float64) int {
	switch {
	case speed <= 1:
		return 1
	case !(stepMs > 0): // no measure (0, NaN): no reason to lower
		return speed
	case !(budgetMs > 0):
		return 1
	case float64(speed)*stepMs <= budgetMs:
		return speed
	}
	n := 1
	for 2*n < speed && float64(2*n)*stepMs <= budgetMs {
		n *= 2
	}
	return n
}
