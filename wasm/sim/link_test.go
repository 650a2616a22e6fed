package sim

import (
	"encoding/base64"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/data"
)

// randomPoints returns n 2-D points of k classes, spread over [-s, s]^2,
// each label flipped with probability flip (binary labels only: with more
// classes the true class of a flipped label is unknown).
func randomPoints(seed uint64, n, k int, s, flip float64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	d := &data.Dataset{D: 2, K: k}
	for i := range n {
		y := i % k
		d.Append([]float64{s * (2*r.Float64() - 1), s * (2*r.Float64() - 1)}, y)
		if k == 2 && r.Float64() < flip {
			d.Flipped[i], d.Y[i] = true, 1-y
		}
	}
	return d
}

// samePoints reports the first difference between a and b: coordinates
// within tol, labels, true labels and flipped marks exactly.
func samePoints(t *testing.T, what string, a, b *data.Dataset, tol float64) {
	t.Helper()
	if a.N() != b.N() || a.K != b.K || a.D != b.D {
		t.Fatalf("%s: %d points of %d classes in %d-D, want %d of %d in %d-D", what, b.N(), b.K, b.D, a.N(), a.K, a.D)
	}
	for i := range a.N() {
		for j := range 2 {
			if d := math.Abs(a.Row(i)[j] - b.Row(i)[j]); !(d <= tol) {
				t.Fatalf("%s: point %d coordinate %d: %v, want %v (within %g)", what, i, j, b.Row(i)[j], a.Row(i)[j], tol)
			}
		}
		if a.Y[i] != b.Y[i] || a.Flipped[i] != b.Flipped[i] || a.Clean[i] != b.Clean[i] {
			t.Fatalf("%s: point %d: label %d flipped %t clean %d, want %d %t %d", what, i, b.Y[i], b.Flipped[i], b.Clean[i], a.Y[i], a.Flipped[i], a.Clean[i])
		}
	}
}

// EncodePoints then DecodePoints gives the same points: labels and flipped
// marks exactly, coordinates within half of PointsGrid, and exactly once
// they are on the grid (what a lab trains on).
func TestPointsRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		d    *data.Dataset
	}{
		{"two classes, flipped", randomPoints(1, 400, 2, 3, 0.3)},
		{"three classes", randomPoints(2, 90, 3, 1, 0)},
		{"four classes", randomPoints(3, 4, 4, 50, 0)},
		{"far and wide", randomPoints(4, 200, 2, maxCoord, 0.2)},
		{"tiny", randomPoints(5, 30, 2, 1e-3, 0.5)},
		{"the most points", randomPoints(6, MaxPoints, 2, 5, 0.25)},
	}
	for _, c := range cases {
		for i := range c.d.N() {
			if c.d.Flipped[i] {
				c.d.Clean[i] = 1 - c.d.Y[i]
			}
		}
		lp, err := DecodePoints(EncodePoints(c.d, 0, false))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if lp.Add {
			t.Errorf("%s: decoded as added points", c.name)
		}
		samePoints(t, c.name, c.d, lp.D, PointsGrid/2*(1+1e-9))
		g := gridPoints(c.d)
		lp, err = DecodePoints(EncodePoints(g, 0, false))
		if err != nil {
			t.Fatalf("%s on the grid: %v", c.name, err)
		}
		samePoints(t, c.name+" on the grid", g, lp.D, 0)
	}
	// Added points: only rows from.. are encoded.
	d := randomPoints(7, 50, 2, 2, 0)
	lp, err := DecodePoints(EncodePoints(d, 45, true))
	if err != nil || !lp.Add || lp.D.N() != 5 || lp.D.Y[0] != d.Y[45] {
		t.Fatalf("added points: %+v, %v", lp, err)
	}
}

// A lab on a user's file, and a preset with clicked points, reopen from
// their share link (Query, as the page's arguments) on exactly the same
// training points, and a change of method keeps them.
func TestPointsLinkReopensLab(t *testing.T) {
	base, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	file := randomPoints(8, 120, 2, 2, 0.2)
	for i := range file.N() {
		if file.Flipped[i] {
			file.Clean[i] = 1 - file.Y[i]
		}
	}
	own, err := base.WithPoints(file)
	if err != nil {
		t.Fatal(err)
	}
	samePoints(t, "file rounded to the grid", file, own.Train, PointsGrid/2*(1+1e-9))
	clicked, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	for i, xy := range [][2]float64{{0.123456789, -1.5}, {2.00004999, 0.3333333}, {-0.7, 0.7}} {
		if err := clicked.AddPoint(xy[0], xy[1], i%2); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		lab  *Lab
	}{{"file", own}, {"clicked", clicked}} {
		q := c.lab.P.Query()
		if !strings.Contains(q, "&pts=") {
			t.Fatalf("%s: query %q holds no points", c.name, q)
		}
		p, err := Parse(pageArgs(q))
		if err != nil {
			t.Fatalf("%s: Parse: %v", c.name, err)
		}
		again, err := New(p)
		if err != nil {
			t.Fatalf("%s: New: %v", c.name, err)
		}
		samePoints(t, c.name+" reopened", c.lab.Train, again.Train, 0)
		if again.Custom != c.lab.Custom || again.Added != c.lab.Added || again.P.Query() != q {
			t.Errorf("%s reopened: custom %t added %d query %q, want %t %d %q", c.name, again.Custom, again.Added, again.P.Query(), c.lab.Custom, c.lab.Added, q)
		}
		m, err := again.With(NextMethod(again.P, 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		samePoints(t, c.name+" after a method change", c.lab.Train, m.Train, 0)
		w, err := again.With(func() Params { q, _ := SetModel(again.P, again.Config, "linear"); return q }())
		if err != nil {
			t.Fatal(err)
		}
		samePoints(t, c.name+" after a model change", c.lab.Train, w.Train, 0)
		s, err := again.With(func() Params { q, _ := StepSeed(again.P, 1); return q }())
		if err != nil {
			t.Fatal(err)
		}
		if s.P.Pts != "" || s.Custom || s.Added != 0 {
			t.Errorf("%s: new data (seed) kept the user's points: pts %d chars, custom %t, added %d", c.name, len(s.P.Pts), s.Custom, s.Added)
		}
	}
}

// A malformed pts value is refused with one line naming the key and what
// is wrong, never a panic; so is one the preset cannot take.
func TestPointsMalformed(t *testing.T) {
	good := EncodePoints(randomPoints(9, 10, 2, 1, 0), 0, false)
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	enc := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	with := func(i int, v byte) string { b := append([]byte(nil), raw...); b[i] = v; return enc(b) }
	cases := []struct{ query, want string }{
		{"pts=!!!", "pts (3 characters): not base64url"},
		{"pts=AQA", "too short"},
		{"pts=" + with(0, 2), "version 2, this page reads version 1"},
		{"pts=" + with(1, 7), "mode 7"},
		{"pts=" + enc(append(raw[:2:2], 0xff, 0xff, 0xff)), "not a DEFLATE stream"},
		{"pts=" + enc(raw[:len(raw)-4]), "pts ("},
		{"pts=" + EncodePoints(randomPoints(10, 3, 2, 1, 0), 0, false), "3 points, want at least 4"},
		{"pts=" + EncodePoints(&data.Dataset{D: 2, K: 1, X: []float64{0, 0, 1, 1, 2, 2, 3, 3}, Y: []int{0, 0, 0, 0}, Clean: make([]int, 4), Flipped: make([]bool, 4)}, 0, false), "want at least two classes"},
		{"pts=" + strings.Repeat("A", 3*MaxQuery), "version 0"},
		{"preset=highdim&pts=" + good, "pts: points are 2-D"},
	}
	for _, c := range cases {
		_, err := Parse(pageArgs(c.query))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "pts") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.40q: error %v, want one line naming pts and containing %q", c.query, err, c.want)
		}
	}
	// Added points with a label the preset does not have.
	d := randomPoints(11, 4, 4, 1, 0)
	p := Default()
	p.Pts = EncodePoints(d, 0, true)
	if _, err := New(p); err == nil || !strings.Contains(err.Error(), "pts: point 2 has label 2") {
		t.Errorf("added points of class 2 on a 2-class preset: %v", err)
	}
}

// The share line holds the points while the query stays within MaxQuery,
// and beyond it says how many points, how long and the limit.
func TestShareQueryLimit(t *testing.T) {
	fits := 0
	for _, n := range []int{100, 400, 800, 1200, MaxPoints} {
		p := Default()
		p.Pts = EncodePoints(gridPoints(randomPoints(12, n, 2, 3, 0.2)), 0, false)
		q, err := p.ShareQuery()
		full := p.Query()
		switch {
		case len(full) <= MaxQuery:
			if err != nil || q != full {
				t.Errorf("%d points, %d characters: ShareQuery = %q, %v", n, len(full), q, err)
			}
			fits = n
		default:
			want := "too many points to share in a link: " + itoa(n) + " points make it " + itoa(len(full)) + " characters, the limit is 7600"
			if err == nil || !strings.HasPrefix(err.Error(), want) || q != "" {
				t.Errorf("%d points: ShareQuery error %v, want %q...", n, err, want)
			}
		}
	}
	if fits < 400 || fits == MaxPoints {
		t.Errorf("the largest set that fits a link has %d points: want 400 or more, and 2000 not to fit", fits)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
