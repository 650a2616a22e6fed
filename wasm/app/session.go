package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/wasm/sim"
)

// session is the experiment the demo runs and everything Update changes in
// it: the lab, the frame clock, play and pause, the single steps asked for,
// the fast-forward to Params.Steps, the inspected point and the notices.
// Its methods are the actions the controls, keys and dropped files
// trigger; each logs an "event" line.
type session struct {
	log     *logger
	lab     *sim.Lab
	frame   int  // frames updated so far
	playing bool // training every frame
	pending int  // single steps asked for since the last frame
	ff      fastForward
	gen     uint64 // changes with every new lab or reset
	points  uint64 // changes with what the points layer shows
	warned  []bool // per panel: its divergence was logged
	notices notices
	// inspecting is the inspect mode (the sidebar's Inspect toggle): a
	// click or tap on a plane inspects a point instead of adding one.
	inspecting bool
	inspector  inspector   // the inspected point (inspector.go)
	file       string      // the name of the user's points file in use ("": the preset's points)
	drops      dropReader  // files dropped on the page or window (drop.go)
	space      space       // the high-dimensional scene's views and windows (space.go)
	budget     frameBudget // the steps a frame that keep the frame budget (budget.go)
}

// fastForward is the progress of the fast-forward to Params.Steps.
type fastForward struct {
	done bool
	last time.Time // the start of the last fast-forward frame
}

// newSession starts the lab for o.
func newSession(o Options, log *logger) (*session, error) {
	lab, err := sim.New(o.Params)
	if err != nil {
		return nil, err
	}
	s := &session{log: log, lab: lab, playing: !o.Params.Paused, ff: fastForward{done: o.Params.Steps == 0},
		notices: notices{args: o.ArgErr}}
	s.renew()
	return s, nil
}

// renew marks a new lab or a reset: new heat maps, points and divergence
// warnings; the inspector stays open if the lab still holds its point.
func (s *session) renew() {
	s.gen++
	s.points++
	s.warned = make([]bool, len(s.lab.Panels))
	s.inspector.keep(s.lab)
}

// labels returns the panels' method labels.
func (s *session) labels() []string {
	var l []string
	for _, p := range s.lab.Panels {
		l = append(l, p.Label)
	}
	return l
}

// note shows a message for a few seconds and logs it.
func (s *session) note(msg string) {
	s.notices.text, s.notices.at = msg, s.frame
	s.log.logf("notice %s", msg)
}

// fastForwarding reports whether the panels are still short of
// Params.Steps.
func (s *session) fastForwarding() bool {
	return s.lab.P.Steps > s.lab.Steps() && !s.ff.done
}

// fastForward trains towards Params.Steps for part of a frame: 30 ms, or
// half the last frame's interval when frames are slow (a software
// renderer), up to 500 ms, so the page stays responsive and slow frames do
// not stretch the fast-forward.
func (s *session) fastForward() {
	now := time.Now()
	budget := 30 * time.Millisecond
	if !s.ff.last.IsZero() {
		budget = min(500*time.Millisecond, max(budget, now.Sub(s.ff.last)/2))
	}
	s.ff.last = now
	deadline := now.Add(budget)
	for s.lab.Steps() < s.lab.P.Steps && time.Now().Before(deadline) {
		s.lab.Step(1)
	}
	s.warnDivergence()
	if s.lab.Steps() >= s.lab.P.Steps || s.diverged() {
		s.ff.done = true
		s.log.logf("event fast-forward-done step=%d", s.lab.Steps())
	}
}

// train takes this frame's training steps and returns how many steps the
// panel that trained most took: while playing, the speed (or fewer steps,
// to keep the frame budget: frameBudget) in every panel, or in the
// high-dimensional scene in one panel, in turn (sim.Lab.StepTurn: a step
// of every panel there would not fit a frame, docs/web.md); and the
// single steps asked for, in every panel.
func (s *session) train() int {
	steps, t0 := 0, time.Now()
	if s.playing {
		n := s.budget.steps(s)
		if s.lab.HighDim() {
			if s.lab.StepTurn(n) >= 0 {
				steps = n
			}
		} else {
			s.pending += n
		}
	}
	if s.pending > 0 {
		s.lab.Step(s.pending)
		steps += s.pending
	}
	s.pending = 0
	if s.playing {
		s.budget.measured(time.Since(t0), steps)
	}
	if steps > 0 {
		s.warnDivergence()
	}
	return steps
}

// diverged reports whether a panel diverged.
func (s *session) diverged() bool {
	for _, p := range s.lab.Panels {
		if p.Err != nil {
			return true
		}
	}
	return false
}

// warnDivergence logs every panel that diverged since the last call.
func (s *session) warnDivergence() {
	for i, p := range s.lab.Panels {
		if p.Err != nil && !s.warned[i] {
			s.warned[i] = true
			s.log.logf("warning %v", p.Err)
		}
	}
}

// togglePlay plays or pauses. Pausing brings the panels trained in turn
// (the high-dimensional scene) to the same step.
func (s *session) togglePlay() {
	s.playing = !s.playing
	if !s.playing {
		s.lab.Level()
	}
	if s.playing {
		s.log.logf("event play step=%d", s.lab.Steps())
	} else {
		s.log.logf("event pause step=%d", s.lab.Steps())
	}
}

// step asks for one training step in the next frame.
func (s *session) step() {
	s.pending++
	s.log.logf("event step")
}

// reset puts every panel back at step 0.
func (s *session) reset() {
	if err := s.lab.Reset(); err != nil {
		s.note(err.Error())
		return
	}
	s.renew()
	s.log.logf("event reset")
}

// setSpeed doubles (d > 0) or halves (d < 0) the steps per frame.
func (s *session) setSpeed(d int) {
	v := sim.StepSpeed(s.lab.P.Speed, d)
	s.lab.P.Speed = v
	s.lab.Every = sim.CurveEvery(v)
	s.log.logf("event speed=%d", v)
}

// toggleTest shows or hides the test points.
func (s *session) toggleTest() {
	s.lab.P.Test = !s.lab.P.Test
	s.points++
	s.space.touch()
	s.log.logf("event test=%t", s.lab.P.Test)
}

// addPoint adds a training point of class c at plane point (x, y).
func (s *session) addPoint(x, y float64, c int) {
	if err := s.lab.AddPoint(x, y, c); err != nil {
		s.note(err.Error())
		return
	}
	s.points++
	s.inspector.keep(s.lab)
	s.log.logf("event add-point x=%.3f y=%.3f class=%d n=%d", x, y, c, s.lab.Train.N())
}

// toggleShares turns the gradient-share view on or off.
func (s *session) toggleShares() {
	s.lab.P.Shares = !s.lab.P.Shares
	s.points++
	s.space.touch()
	s.log.logf("event shares %s", onOff(s.lab.P.Shares))
}

// toggleInspecting turns the inspect mode on or off (for touch, where
// there is no Alt key).
func (s *session) toggleInspecting() {
	s.inspecting = !s.inspecting
	s.log.logf("event inspect-mode %s", onOff(s.inspecting))
}

// inspect opens the inspector on training point i and logs what it
// measured in every panel; a point that cannot be inspected is a notice.
func (s *session) inspect(i int) {
	if err := s.inspector.open(s.lab, i); err != nil {
		s.note(err.Error())
		return
	}
	for pi, in := range s.inspector.in {
		s.log.logf("event inspect panel=%d point=%d method=%s flipped=%t loss=%.4g scale=%.4g scale_at=%.4g jacobian=%.4g jacobian_at=%.4g share=%.4g step=%d",
			pi, i, s.lab.Panels[pi].Method, in.Flipped, in.Loss, in.Scale, in.ScaleAt, in.Jacobian, in.JacobianAt, in.Share, s.lab.Panels[pi].T.Steps())
	}
}

// closeInspector closes the inspector, if it is open.
func (s *session) closeInspector() {
	if !s.inspector.isOpen() {
		return
	}
	s.inspector.close()
	s.log.logf("event inspect-close")
}

// usePoints trains on a user's own points d, read from the file name: a
// new lab with the same methods and settings, from step 0. A lab that
// cannot be built leaves the experiment as it was, with a notice.
func (s *session) usePoints(name string, d *data.Dataset) {
	lab, err := s.lab.WithPoints(d)
	if err != nil {
		s.pointsError(fmt.Errorf("%s: %w", name, err))
		return
	}
	s.lab, s.file = lab, name
	s.ff.done = true
	s.renew()
	s.note(fmt.Sprintf("Training on your %d points from %s (%d classes, %d flipped labels)", d.N(), name, d.K, d.NumFlipped()))
	s.log.logf("event points file=%s n=%d classes=%d flipped=%d", name, d.N(), d.K, d.NumFlipped())
	if _, err := lab.P.ShareQuery(); err != nil {
		s.note(err.Error())
	}
}

// pointsError shows why a dropped file was not used; the experiment stays
// as it was.
func (s *session) pointsError(err error) {
	s.note(err.Error())
	s.log.logf("event points-error %v", err)
}

// onOff returns "on" or "off".
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// change applies what a control of wasm/sim returned: the new parameters
// q, or err, shown as a notice unless it is sim.ErrNoChange. Applying q
// rebuilds the lab (from step 0, ending any fast-forward); what names the
// control in the event line.
func (s *session) change(what string, q sim.Params, err error) {
	switch {
	case errors.Is(err, sim.ErrNoChange):
		return
	case err != nil:
		s.note(err.Error())
		return
	}
	s.ff.done = true
	if err := q.Validate(); err != nil {
		s.note(err.Error())
		return
	}
	lab, err := s.lab.With(q)
	if err != nil {
		s.note(err.Error())
		return
	}
	s.lab = lab
	if !lab.Custom {
		s.file = ""
	}
	s.renew()
	s.log.logf("event %s query=%s", what, lab.P.Query())
}
