// Package palette holds samlab's colours: one per method, so that a method
// looks the same in the demo's panels and curves and in the report's
// figures (the colour is a method trait, core/optim.Traits.Colour), and one
// per class of the toy data (the demo's points and heat maps). It imports
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

// NumClasses is the number of distinct class colours; Class cycles
// through them.
const NumClasses = 4

// Class returns class k's colour (k >= 0): blue, orange, green, purple,
// distinguishable under the common colour-vision deficiencies, repeating
// after NumClasses classes.
func Class(k int) color.RGBA {
	switch k % NumClasses {
	case 0:
		return rgb(0x2563eb) // blue
	case 1:
		return rgb(0xf58a0b) // orange
	case 2:
		return rgb(0x16a34a) // green
	}
	return rgb(0x9333ea) // purple
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
