package app

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// update reads the input of this frame at scale sc and maps it to the
// session's actions: the pointer (kept for hover, and setting the cursor's
// shape), a click or touch on a widget or a plane, and the keyboard
// shortcuts. Afterwards the sidebar is laid out for the panel count.
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
	case key(ebiten.KeySpace):
		s.togglePlay()
	case key(ebiten.KeyS), key(ebiten.KeyArrowRight):
		s.step()
	case key(ebiten.KeyR):
		s.reset()
	case key(ebiten.KeyN), key(ebiten.KeyG):
		stepSeed(s, +1)
	case key(ebiten.KeyT):
		s.toggleTest()
	case key(ebiten.KeyEqual), key(ebiten.KeyNumpadAdd), key(ebiten.KeyArrowUp):
		s.setSpeed(+1)
	case key(ebiten.KeyMinus), key(ebiten.KeyNumpadSubtract), key(ebiten.KeyArrowDown):
		s.setSpeed(-1)
	}
	c.layout(len(s.lab.Panels))
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

// click dispatches a click at (x, y) to a widget or a plane: a click on a
// plane adds a point of class 0 there, with Shift of class 1, with Control
// or Alt of class 2 (where there are three).
func (c *controls) click(x, y float64, s *session) {
	for _, w := range c.widgets {
		if w.r.contains(x, y) {
			s.log.logf("event click id=%s", w.id)
			w.onClick(s)
			return
		}
	}
	n := len(s.lab.Panels)
	for i := range n {
		r := planeRect(i, n)
		if !r.contains(x, y) {
			continue
		}
		cl := 0
		if ebiten.IsKeyPressed(ebiten.KeyShift) {
			cl = 1
		}
		if ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyAlt) {
			cl = min(2, s.lab.Classes()-1)
		}
		px, py := s.lab.View.FromUnit((x-r.X)/r.W, (y-r.Y)/r.H)
		s.addPoint(px, py, cl)
		return
	}
}
