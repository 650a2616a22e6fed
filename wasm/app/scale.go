package app

import (
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// scale is the number of screen pixels per logical pixel: the device
// pixel ratio times the fit of the window to the 1280 x 800 layout, so the
// frame is drawn at the display's own resolution (crisp text on HiDPI
// screens and in large windows). Ebiten's LayoutF proposes a scale; Update
// applies it, and passes it to the input and the view.
type scale struct {
	want float64 // from the last LayoutF (0 before the first)
	cur  float64 // applied: what Update and Draw use
}

// layout returns the screen size for an outside size (LayoutF): the layout
// scaled by the display's scale factor and the fit of the window, in steps
// of 1/4 (from 1/2 to 4), and proposes that scale.
func (s *scale) layout(outsideW, outsideH float64) (float64, float64) {
	f := ebiten.Monitor().DeviceScaleFactor() * min(outsideW/ScreenW, outsideH/ScreenH)
	if !(f > 0) {
		f = 1
	}
	f = max(0.5, min(4, math.Round(f*4)/4))
	s.want = f
	return ScreenW * f, ScreenH * f
}

// apply makes the proposed scale the current one and reports whether it
// changed.
func (s *scale) apply() bool {
	if s.want == 0 || s.want == s.cur {
		return false
	}
	s.cur = s.want
	return true
}
