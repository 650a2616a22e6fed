package app

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// update reads the input of this frame at scale sc and maps it to the
// session's actions: the pointer (kept for hover, and setting the cursor's
// shape), a click or touch on a widget or a plane, the keyboard shortcuts
// and a file dropped on the page or window. Afterwards the sidebar is laid
// out for the panel count.
func (c *controls) update(sc float64, s *session) {
	cx, cy := ebiten.CursorPosition()
	c.x, c.y = float64(cx)/sc, float64(cy)/sc
	shape := ebiten.CursorShapeDefault
	for _, w := range c.widgets {
		if c.hover(w) {
			shape = ebiten.CursorShapePointer
		}
	}
	n := len(s.lab.Panels)
	for i := range n {
		if planeRect(i, n).contains(c.x, c.y) {
			shape = ebiten.CursorShapeCrosshair
		}
	}
	ebiten.SetCursorShape(shape)

	if x, y, ok := c.justClicked(sc); ok {
		c.click(x, y, s)
	}
	key := inpututil.IsKeyJustPressed
	switch {
	case c.keyFocus(s): // Tab, and the keys of a focused control
	case key(ebiten.KeySpace):
		s.togglePlay()
	case key(ebiten.KeyS), key(ebiten.KeyArrowRight):
		s.step()
	case key(ebiten.KeyR):
		s.reset()
	case key(ebiten.KeyN):
		stepSeed(s, +1)
	case key(ebiten.KeyT):
		s.toggleTest()
	case key(ebiten.KeyG):
		s.toggleShares()
	case key(ebiten.KeyI):
		s.toggleInspecting()
	case key(ebiten.KeyEscape):
		s.closeInspector()
	case key(ebiten.KeyEqual), key(ebiten.KeyNumpadAdd), key(ebiten.KeyArrowUp):
		s.setSpeed(+1)
	case key(ebiten.KeyMinus), key(ebiten.KeyNumpadSubtract), key(ebiten.KeyArrowDown):
		s.setSpeed(-1)
	}
	if f, ok := s.drops.poll(); ok {
		f.apply(s)
	}
	c.layout(len(s.lab.Panels))
	c.placeTour(s)
}

// justClicked reports a left click or a touch that began this frame, with
// its position in logical pixels at scale sc.
func (c *controls) justClicked(sc float64) (x, y float64, ok bool) {
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		return c.x, c.y, true
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		tx, ty := ebiten.TouchPosition(id)
		return float64(tx) / sc, float64(ty) / sc, true
	}
	return 0, 0, false
}

// pickRadius is how near, in logical pixels, a click must be to a training
// point to inspect it.
const pickRadius = 12.0

// click dispatches a click at (x, y) to a widget or a plane. On a plane:
// with Alt or Control (or in inspect mode) it inspects the training point
// under the pointer, or closes the inspector if there is none; otherwise,
// with the inspector open, it closes it; otherwise it adds a point of
// class 0 there, with Shift of class 1, with Shift and Alt or Control of
// class 2 (where there are three).
func (c *controls) click(x, y float64, s *session) {
	for _, w := range c.widgets {
		if !w.r.contains(x, y) {
			continue
		}
		c.press(w, s, "click")
		return
	}
	n := len(s.lab.Panels)
	for i := range n {
		r := planeRect(i, n)
		if !r.contains(x, y) {
			continue
		}
		if s.lab.HighDim() {
			c.clickSpace(s, i, x, y)
			return
		}
		px, py := s.lab.View.FromUnit((x-r.X)/r.W, (y-r.Y)/r.H)
		shift := ebiten.IsKeyPressed(ebiten.KeyShift)
		mod := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyAlt)
		switch {
		case s.inspecting || (mod && !shift):
			if k := s.lab.Nearest(px, py, pickRadius/r.W*s.lab.View.Size); k >= 0 {
				s.inspect(k)
			} else {
				s.closeInspector()
			}
		case s.inspector.isOpen():
			s.closeInspector()
		default:
			cl := 0
			if shift {
				cl = 1
				if mod {
					cl = min(2, s.lab.Classes()-1)
				}
			}
			s.addPoint(px, py, cl)
		}
		return
	}
	s.closeInspector() // a click elsewhere (not on a control)
}

// clickSpace handles a click at (x, y) on panel i's views in the
// high-dimensional scene: with Alt or Control (or in inspect mode) it
// inspects the training point drawn nearest, in the margin view or the
// projection, or closes the inspector if there is none; otherwise, with
// the inspector open, it closes it; otherwise it says why no point is
// added (the data have 1000 dimensions, a click gives two).
func (c *controls) clickSpace(s *session, i int, x, y float64) {
	mod := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyAlt)
	switch {
	case s.inspecting || mod:
		if k := s.space.pick(s.lab, i, x, y, pickRadius); k >= 0 {
			s.inspect(k)
		} else {
			s.closeInspector()
		}
	case s.inspector.isOpen():
		s.closeInspector()
	default:
		s.note(fmt.Sprintf("No point is added on %s: its points have %d dimensions, a click gives 2. Alt+click a point to inspect it.", s.lab.P.Preset, s.lab.Train.D))
	}
}
