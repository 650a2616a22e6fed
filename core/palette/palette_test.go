package palette_test

import (
	"fmt"
	"image/color"
	"testing"

	"github.com/samlab/samlab/core/cvd"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/palette"
)

// Every method of optim.Names has its own opaque colour, none of them
// Other.
func TestMethodColoursDistinct(t *testing.T) {
	seen := map[color.RGBA]string{}
	for _, m := range optim.Names {
		c := palette.Method(m)
		if c == palette.Other {
			t.Errorf("%s: no colour of its own", m)
		}
		if c.A != 0xff {
			t.Errorf("%s: colour %v is not opaque", m, c)
		}
		if o, ok := seen[c]; ok {
			t.Errorf("%s and %s share colour %v", m, o, c)
		}
		seen[c] = m
	}
	for _, m := range []string{"", "adam", "SGD", "1-sam"} {
		if c := palette.Method(m); c != palette.Other {
			t.Errorf("Method(%q) = %v, want Other for a non-canonical name", m, c)
		}
	}
}

func TestClassColours(t *testing.T) {
	cases := []struct {
		k    int
		want color.RGBA
	}{
		{0, palette.Blue},
		{1, palette.Orange},
		{2, palette.BluishGreen},
		{3, palette.ReddishPurple},
		{4, palette.Blue},
		{palette.NumClasses + 1, palette.Orange},
	}
	for _, c := range cases {
		if got := palette.Class(c.k); got != c.want {
			t.Errorf("Class(%d) = %v, want %v", c.k, got, c.want)
		}
	}
	cs := palette.Classes()
	if len(cs) != palette.NumClasses {
		t.Fatalf("Classes() has %d colours, want %d", len(cs), palette.NumClasses)
	}
	cs[0] = color.RGBA{}
	if palette.Class(0) == cs[0] || palette.Classes()[0] == cs[0] {
		t.Error("Classes() shares its slice")
	}
}

// pairs returns the pairs of colours that must be told apart: every two
// classes, each class and the flipped mark drawn on it, and every two
// methods (any two can share the page).
func pairs() []cvd.Pair {
	var ps []cvd.Pair
	for a := range palette.NumClasses {
		for b := a + 1; b < palette.NumClasses; b++ {
			ps = append(ps, cvd.Pair{A: palette.Class(a), B: palette.Class(b), NameA: fmt.Sprintf("class %d", a), NameB: fmt.Sprintf("class %d", b)})
		}
		ps = append(ps, cvd.Pair{A: palette.Class(a), B: palette.Flipped, NameA: fmt.Sprintf("class %d", a), NameB: "flipped mark"})
	}
	for i, a := range optim.Names {
		for _, b := range optim.Names[i+1:] {
			ps = append(ps, cvd.Pair{A: palette.Method(a), B: palette.Method(b), NameA: a, NameB: b})
		}
	}
	return ps
}

// Every pair that must be told apart stays cvd.MinDeltaE apart in normal
// vision and under both simulated deficiencies; the classes, the flipped
// mark and the methods take Okabe-Ito's colours (regsgd its black lifted
// off the zero value, which core/optim reserves for "no colour").
func TestColourVision(t *testing.T) {
	ps := pairs()
	for _, k := range cvd.Kinds {
		for _, p := range ps {
			if d := cvd.DeltaE00(cvd.Simulate(p.A, k), cvd.Simulate(p.B, k)); d < cvd.MinDeltaE {
				t.Errorf("%s: %s %v and %s %v are %.1f apart (CIEDE2000), want >= %d", k, p.NameA, p.A, p.NameB, p.B, d, cvd.MinDeltaE)
			}
		}
		p, d := cvd.Closest(ps, k)
		t.Logf("%s: closest pair %s and %s, CIEDE2000 %.1f", k, p.NameA, p.NameB, d)
	}
	okabe := map[color.RGBA]bool{}
	for _, c := range palette.OkabeIto {
		okabe[c] = true
	}
	okabe[color.RGBA{0x1a, 0x1a, 0x1a, 0xff}] = true // regsgd's black
	for k := range palette.NumClasses {
		if !okabe[palette.Class(k)] {
			t.Errorf("class %d colour %v is not Okabe-Ito's", k, palette.Class(k))
		}
	}
	for _, m := range optim.Names {
		if !okabe[palette.Method(m)] {
			t.Errorf("%s colour %v is not Okabe-Ito's", m, palette.Method(m))
		}
	}
	// The check can fail: the old palette's 1-SAM green and L-SAM pink.
	old := cvd.Pair{A: color.RGBA{0x05, 0x96, 0x69, 0xff}, B: color.RGBA{0xdb, 0x27, 0x77, 0xff}}
	if d := cvd.DeltaE00(cvd.Simulate(old.A, cvd.Deuteranopia), cvd.Simulate(old.B, cvd.Deuteranopia)); d >= cvd.MinDeltaE {
		t.Errorf("the old green and pink are %.1f apart under deuteranopia: the check cannot fail", d)
	}
}
