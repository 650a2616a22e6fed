package cvd

import (
	"image/color"
	"math"
	"testing"
)

// Machado's matrices keep white white and greys grey (each row sums to 1),
// and make the classic confusions: red and green, far apart in normal
// vision, come within a few units of each other under deuteranopia (and
// close under protanopia, where red also darkens), while blue and yellow
// stay far apart.
func TestSimulate(t *testing.T) {
	for _, k := range Kinds {
		for _, v := range []uint8{0, 64, 128, 200, 255} {
			g := color.RGBA{v, v, v, 0xff}
			s := Simulate(g, k)
			if d := math.Max(math.Abs(float64(s.R)-float64(v)), math.Max(math.Abs(float64(s.G)-float64(v)), math.Abs(float64(s.B)-float64(v)))); d > 1 {
				t.Errorf("%s: grey %d becomes %v", k, v, s)
			}
		}
	}
	red, green := color.RGBA{0xd0, 0x20, 0x20, 0xff}, color.RGBA{0x50, 0x90, 0x20, 0xff}
	blue, yellow := color.RGBA{0x20, 0x40, 0xd0, 0xff}, color.RGBA{0xe0, 0xd0, 0x20, 0xff}
	cases := []struct {
		k        Kind
		a, b     color.RGBA
		lo, hi   float64
		describe string
	}{
		{Normal, red, green, 40, 100, "red and green, normal"},
		{Deuteranopia, red, green, 0, 8, "red and green, deuteranopia"},
		{Protanopia, red, green, 0, 25, "red and green, protanopia"},
		{Deuteranopia, blue, yellow, 40, 100, "blue and yellow, deuteranopia"},
		{Protanopia, blue, yellow, 40, 100, "blue and yellow, protanopia"},
	}
	for _, c := range cases {
		d := DeltaE00(Simulate(c.a, c.k), Simulate(c.b, c.k))
		if d < c.lo || d > c.hi {
			t.Errorf("%s: CIEDE2000 %.1f, want in [%g, %g]", c.describe, d, c.lo, c.hi)
		}
	}
	// Pure red under each, Machado et al.'s figures: a dark olive (protan)
	// and an ochre (deutan).
	if s := Simulate(color.RGBA{0xff, 0, 0, 0xff}, Protanopia); s.R < 90 || s.R > 130 || s.G < 80 || s.G > 115 || s.B > 10 {
		t.Errorf("red under protanopia: %v", s)
	}
	if s := Simulate(color.RGBA{0xff, 0, 0, 0xff}, Deuteranopia); s.R < 145 || s.R > 180 || s.G < 125 || s.G > 160 || s.B > 10 {
		t.Errorf("red under deuteranopia: %v", s)
	}
}

// CIEDE2000: zero for equal colours, symmetric, 100 from black to white
// (the library's own tests hold it to Sharma, Wu and Dalal's table).
func TestDeltaE00(t *testing.T) {
	a, b := color.RGBA{0x12, 0x80, 0xc0, 0xff}, color.RGBA{0xc0, 0x60, 0x12, 0xff}
	if d := DeltaE00(a, a); d != 0 {
		t.Errorf("equal colours: %g", d)
	}
	if d1, d2 := DeltaE00(a, b), DeltaE00(b, a); math.Abs(d1-d2) > 1e-9 || d1 < 10 {
		t.Errorf("asymmetric or too small: %g %g", d1, d2)
	}
	if d := DeltaE00(color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}); math.Abs(d-100) > 0.01 {
		t.Errorf("black to white: %g, want 100", d)
	}
	if s := Deuteranopia.String() + Protanopia.String() + Normal.String(); s != "deuteranopiaprotanopianormal" {
		t.Errorf("names: %q", s)
	}
}
