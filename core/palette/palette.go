// Package palette holds samlab's colours: one per method, so that a method
// looks the same in the demo's panels and curves and in the report's
// figures (the colour is a method trait, core/optim.Traits.Colour), and one
// per class of the toy data (the demo's points and heat maps), and the
// flipped points' mark, all from the Okabe-Ito palette. It imports
// only image/color and core/optim, so it builds for js/wasm and natively and
// pulls neither Ebiten nor cgo into its users.
package palette

import (
	"image/color"

	"github.com/samlab/samlab/core/optim"
)

// Other is the colour of a method name this package does not know: a
// neutral grey.
var Other = color.RGBA{0x7f, 0x7f, 0x7f, 0xff}

// Method returns the colour of the method with canonical name m (one of
// core/optim.Names: its Traits.Colour), or Other for any other name.
func Method(m string) color.RGBA {
	if t, ok := optim.Lookup(m); ok {
		return t.Colour
	}
	return Other
}

// The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2002;
// also Wong, Nature Methods 8:441, 2011): eight colours chosen to stay
// apart under the common colour-vision deficiencies. The classes, the
// flipped points' mark and the methods (core/optim.Traits.Colour) take
// theirs from it; TestColourVision checks every pair that must be told
// apart under simulated protanopia and deuteranopia (core/cvd).
var (
	Black         = rgb(0x000000)
	Orange        = rgb(0xe69f00)
	SkyBlue       = rgb(0x56b4e9)
	BluishGreen   = rgb(0x009e73)
	Yellow        = rgb(0xf0e442)
	Blue          = rgb(0x0072b2)
	Vermillion    = rgb(0xd55e00)
	ReddishPurple = rgb(0xcc79a7)
)

// OkabeIto lists the eight colours in the order of their paper.
var OkabeIto = []color.RGBA{Black, Orange, SkyBlue, BluishGreen, Yellow, Blue, Vermillion, ReddishPurple}

// Flipped is the colour of the mark that sets a flipped point apart: a
// ring (the planes) or a triangle's rim (the projection), in black. The
// shape tells the points apart too, not the colour alone.
var Flipped = Black

// NumClasses is the number of distinct class colours; Class cycles
// through them.
const NumClasses = 4

// Class returns class k's colour (k >= 0): Okabe-Ito blue, orange, bluish
// green, reddish purple, repeating after NumClasses classes.
func Class(k int) color.RGBA {
	switch k % NumClasses {
	case 0:
		return Blue
	case 1:
		return Orange
	case 2:
		return BluishGreen
	}
	return ReddishPurple
}

// Classes returns a new slice of the NumClasses class colours, in class
// order.
func Classes() []color.RGBA {
	out := make([]color.RGBA, NumClasses)
	for k := range out {
		out[k] = Class(k)
	}
	return out
}

// rgb returns the opaque colour 0xRRGGBB.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}
