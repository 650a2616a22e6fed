package app

import "image/color"

// The UI's own colours: the page, cards, text and controls. The method
// and class colours come from core/palette.
var (
	colBG       = rgb(0xeef1f5)
	colCard     = rgb(0xffffff)
	colBorder   = rgb(0xd5dbe3)
	colText     = rgb(0x111827)
	colMuted    = rgb(0x6b7280)
	colFaint    = rgb(0xe5e7eb)
	colAccent   = rgb(0x2563eb)
	colBtn      = rgb(0xf3f4f6)
	colBtnHover = rgb(0xe2e8f0)
	colBtnLine  = rgb(0xcbd5e1)
	colWarn     = rgb(0xb91c1c)
	colHeader   = rgb(0x0f172a)
	colBoundary = rgb(0x111827)
	colFocus    = rgb(0xe69f00) // the keyboard focus ring: Okabe-Ito orange, apart from the blue accent
)

// rgb returns the opaque colour 0xRRGGBB.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

// withAlpha returns c with alpha a in [0,1] (premultiplied).
func withAlpha(c color.RGBA, a float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * a), uint8(float64(c.G) * a), uint8(float64(c.B) * a), uint8(255 * a)}
}
