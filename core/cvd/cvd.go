// Package cvd simulates the two common red-green colour-vision
// deficiencies, protanopia and deuteranopia, and measures how far apart two
// colours look: the check that samlab's palette (core/palette) stays
// readable to the about 1 in 12 men who have one of them.
//
// The simulation is Machado, Oliveira and Fernandes, "A Physiologically-based
// Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009:
// their matrices for severity 1.0 (dichromacy), applied to linear RGB (the
// sRGB transfer function removed first, restored after, results clipped to
// the gamut). The difference is CIEDE2000 (Sharma, Wu and Dalal 2005) in
// CIELAB under D65, from github.com/lucasb-eyer/go-colorful, on the usual
// scale where 1 is a just-noticeable difference and 100 is black to white.
package cvd

import (
	"fmt"
	"image/color"

	colorful "github.com/lucasb-eyer/go-colorful"
)

// Kind is a colour-vision deficiency.
type Kind int

// The deficiencies simulated; Normal leaves colours as they are.
const (
	Normal Kind = iota
	Protanopia
	Deuteranopia
)

// Kinds lists the kinds a palette is checked under, normal vision first.
var Kinds = []Kind{Normal, Protanopia, Deuteranopia}

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Normal:
		return "normal"
	case Protanopia:
		return "protanopia"
	case Deuteranopia:
		return "deuteranopia"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// machado holds Machado et al. (2009)'s matrices at severity 1.0, which map
// a linear RGB colour to its appearance to a dichromat.
var machado = map[Kind][3][3]float64{
	Protanopia: {
		{0.152286, 1.052583, -0.204868},
		{0.114503, 0.786281, 0.099216},
		{-0.003882, -0.048116, 1.051998},
	},
	Deuteranopia: {
		{0.367322, 0.860646, -0.227968},
		{0.280085, 0.672501, 0.047413},
		{-0.011820, 0.042940, 0.968881},
	},
}

// Simulate returns how c (opaque) looks under deficiency k.
func Simulate(c color.RGBA, k Kind) color.RGBA {
	m, ok := machado[k]
	if !ok {
		return c
	}
	r, g, b := colorful.Color{R: float64(c.R) / 255, G: float64(c.G) / 255, B: float64(c.B) / 255}.LinearRgb()
	in := [3]float64{r, g, b}
	var out [3]float64
	for i := range out {
		out[i] = min(1, max(0, m[i][0]*in[0]+m[i][1]*in[1]+m[i][2]*in[2]))
	}
	s := colorful.LinearRgb(out[0], out[1], out[2]).Clamped()
	r8, g8, b8 := s.RGB255()
	return color.RGBA{r8, g8, b8, c.A}
}

// DeltaE00 returns the CIEDE2000 difference of a and b (opaque sRGB).
func DeltaE00(a, b color.RGBA) float64 {
	return 100 * toColorful(a).DistanceCIEDE2000(toColorful(b))
}

// toColorful converts an opaque colour.
func toColorful(c color.RGBA) colorful.Color {
	return colorful.Color{R: float64(c.R) / 255, G: float64(c.G) / 255, B: float64(c.B) / 255}
}

// MinDeltaE is the least CIEDE2000 difference samlab asks of two colours
// that must be told apart, in normal vision and under both simulated
// deficiencies: several times a just-noticeable difference (the old
// palette's green 1-SAM and pink L-SAM were 2.2 apart under deuteranopia).
const MinDeltaE = 10

// Pair is two colours that must look different, named for messages.
type Pair struct {
	A, B         color.RGBA
	NameA, NameB string
}

// Closest returns the pair of ps that looks the least different under k,
// and that difference (CIEDE2000 of the simulated colours).
func Closest(ps []Pair, k Kind) (Pair, float64) {
	best, bd := Pair{}, -1.0
	for _, p := range ps {
		if d := DeltaE00(Simulate(p.A, k), Simulate(p.B, k)); bd < 0 || d < bd {
			best, bd = p, d
		}
	}
	return best, bd
}
