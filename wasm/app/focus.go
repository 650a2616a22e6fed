package app

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/samlab/samlab/wasm/sim"
)

// focusKeys maps Ebiten's keys to the keyboard map's (wasm/sim's
// focus.go); Tab with Shift is Shift+Tab.
var focusKeys = []struct {
	e ebiten.Key
	k sim.Key
}{
	{ebiten.KeyTab, sim.KeyTab}, {ebiten.KeyEnter, sim.KeyEnter}, {ebiten.KeyNumpadEnter, sim.KeyEnter},
	{ebiten.KeySpace, sim.KeySpace}, {ebiten.KeyArrowLeft, sim.KeyLeft}, {ebiten.KeyArrowDown, sim.KeyDown},
	{ebiten.KeyArrowRight, sim.KeyRight}, {ebiten.KeyArrowUp, sim.KeyUp}, {ebiten.KeyEscape, sim.KeyEscape},
}

// keyFocus applies this frame's focus key, if any, to the sidebar's
// controls, and reports whether it took the key (then its shortcut does
// not apply): Tab and Shift+Tab move the focus, Enter and Space press the
// focused control as a click does, the arrows step a focused stepper,
// Escape drops the focus.
func (c *controls) keyFocus(s *session) bool {
	k, ok := sim.Key(0), false
	for _, m := range focusKeys {
		if inpututil.IsKeyJustPressed(m.e) {
			k, ok = m.k, true
			break
		}
	}
	if !ok {
		return false
	}
	if k == sim.KeyTab && ebiten.IsKeyPressed(ebiten.KeyShift) {
		k = sim.KeyShiftTab
	}
	a := c.focus.Key(k, len(c.widgets), func(i int) bool { return c.widgets[i].step != nil })
	switch a {
	case sim.None:
		return false
	case sim.Moved:
		if c.focus.At < 0 {
			s.log.logf("event focus none")
		} else {
			s.log.logf("event focus id=%s", c.widgets[c.focus.At].id)
		}
	case sim.Activate:
		c.press(c.widgets[c.focus.At], s, "key")
	case sim.StepDown, sim.StepUp:
		w, d := c.widgets[c.focus.At], -1
		if a == sim.StepUp {
			d = +1
		}
		if why := w.why(s); why != "" {
			s.log.logf("event key-step id=%s disabled", w.id)
			s.note(why)
			return true
		}
		s.log.logf("event key-step id=%s d=%d", w.id, d)
		w.step(s, d)
	}
	return true
}

// press does what widget w does when clicked, or tapped, or pressed from
// the keyboard (how, in the event line): a control that does not apply
// says why.
func (c *controls) press(w *widget, s *session, how string) {
	if why := w.why(s); why != "" {
		s.log.logf("event %s id=%s disabled", how, w.id)
		s.note(why)
		return
	}
	s.log.logf("event %s id=%s", how, w.id)
	w.onClick(s)
}

// focused reports whether w has the keyboard focus.
func (c *controls) focused(w *widget) bool {
	return c.focus.At >= 0 && c.focus.At < len(c.widgets) && c.widgets[c.focus.At] == w
}

// keepFocus puts the focus back on the control named id after the
// sidebar was laid out again ("" or a control gone: no focus).
func (c *controls) keepFocus(id string) {
	c.focus = sim.NoFocus
	for i, w := range c.widgets {
		if id != "" && w.id == id {
			c.focus.At = i
		}
	}
}
