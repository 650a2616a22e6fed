package palette_test

import (
	"image/color"
	"testing"

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
		{0, color.RGBA{0x25, 0x63, 0xeb, 0xff}},
		{1, color.RGBA{0xf5, 0x8a, 0x0b, 0xff}},
		{2, color.RGBA{0x16, 0xa3, 0x4a, 0xff}},
		{3, color.RGBA{0x93, 0x33, 0xea, 0xff}},
		{4, color.RGBA{0x25, 0x63, 0xeb, 0xff}},
		{palette.NumClasses + 1, color.RGBA{0xf5, 0x8a, 0x0b, 0xff}},
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
