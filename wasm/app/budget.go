package app

import (
	"fmt"
	"time"

	"github.com/samlab/samlab/wasm/sim"
)

// frameBudget keeps a frame's training within sim.FrameBudgetMs while
// playing: it lowers the steps a frame (sim.FrameSteps) from the time of a
// step, measured (a running mean) or, for a new lab before any measure,
// estimated from its sizes (sim.Params.StepMs), and says so on the page.
type frameBudget struct {
	stepMs float64 // ms a step: the running mean of the measures, or the estimate
	gen    uint64  // the session's lab generation stepMs belongs to
	cur    int     // the steps a frame last taken
	told   int     // the lowered steps a frame last announced (0: none)
}

// raiseMargin is how much faster than the budget needs a step must be
// measured before the steps a frame go up again, so that a measure near
// the edge does not make them jitter (and the notice repeat).
const raiseMargin = 1.25

// steps returns the steps to take this frame while playing s's lab, and
// notes on the page when that is below the speed.
func (b *frameBudget) steps(s *session) int {
	speed := s.lab.P.Speed
	if b.gen != s.gen {
		b.gen, b.cur = s.gen, 0
		b.stepMs, _ = s.lab.P.StepMs()
	}
	n := sim.FrameSteps(speed, b.stepMs, sim.FrameBudgetMs)
	if n > b.cur && b.cur > 0 && b.cur < speed {
		n = max(b.cur, sim.FrameSteps(speed, raiseMargin*b.stepMs, sim.FrameBudgetMs))
	}
	b.cur = n
	switch {
	case n >= speed:
		b.told = 0
	case n != b.told:
		b.told = n
		s.note(fmt.Sprintf("speed lowered to %d steps/frame (of %d) to keep the page responsive", n, speed))
	}
	return n
}

// measured records that steps steps took d.
func (b *frameBudget) measured(d time.Duration, steps int) {
	if steps <= 0 {
		return
	}
	ms := d.Seconds() * 1e3 / float64(steps)
	if b.stepMs > 0 {
		ms = 0.8*b.stepMs + 0.2*ms
	}
	b.stepMs = ms
}
