package sim

import (
	"math"
	"testing"
)

func TestShareRadius(t *testing.T) {
	const base, lo, hi = 4.0, 1.5, 16.0
	cases := []struct {
		name  string
		share float64
		n     int
		want  float64
	}{
		{"uniform share: base", 1.0 / 400, 400, base},
		{"four times uniform: twice base (four times the area)", 4.0 / 400, 400, 2 * base},
		{"a quarter of uniform: half base", 0.25 / 400, 400, base / 2},
		{"one point of one", 1, 1, base},
		{"tiny share: clamped up", 1e-9, 400, lo},
		{"zero (before the first step): lo", 0, 400, lo},
		{"negative: lo", -0.1, 400, lo},
		{"NaN: lo", math.NaN(), 400, lo},
		{"Inf: lo", math.Inf(1), 400, lo},
		{"all of the update on one of 400: clamped down", 1, 400, hi},
	}
	for _, c := range cases {
		if got := ShareRadius(c.share, c.n, base, lo, hi); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: ShareRadius(%g, %d) = %g, want %g", c.name, c.share, c.n, got, c.want)
		}
	}
	// Area is proportional to the share between the clamps.
	for _, s := range []float64{0.5, 1, 2, 3, 9} {
		r := ShareRadius(s/400, 400, base, lo, hi)
		if a := (r * r) / (base * base); math.Abs(a-s) > 1e-9 {
			t.Errorf("share %g x uniform: area %g x base's", s, a)
		}
	}
	for _, bad := range [][3]float64{{0, 0, 1}, {2, 1, 3}, {1, 3, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ShareRadius(base %g, lo %g, hi %g) did not panic", bad[1], bad[0], bad[2])
				}
			}()
			ShareRadius(0.1, 10, bad[1], bad[0], bad[2])
		}()
	}
}

func TestFlippedShare(t *testing.T) {
	cases := []struct {
		s    Sample
		want float64
	}{
		{Sample{CleanShare: 0.7, Flipped: 0.1}, 0.3},
		{Sample{CleanShare: 1, Flipped: 0}, 0},
		{Sample{CleanShare: 0, Flipped: 1}, 1},
		{Sample{CleanShare: 1 + 1e-15, Flipped: 0}, 0}, // rounding stays in [0,1]
		{Sample{CleanShare: 1, Flipped: math.NaN()}, math.NaN()},
	}
	for _, c := range cases {
		got := FlippedShare(c.s)
		ok := got == c.want || math.IsNaN(got) && math.IsNaN(c.want) || math.Abs(got-c.want) <= 1e-12
		if !ok {
			t.Errorf("FlippedShare(%+v) = %g, want %g", c.s, got, c.want)
		}
	}
}

// The fourth chart's data on the demo: its reference line is the flipped
// fraction; at step 0 the flipped share is the same for every method; the
// panel's current flipped share summed from Panel.Shares matches the curve
// sample taken at the same step.
func TestFlippedShareOnLab(t *testing.T) {
	p := Default()
	p.Points = 100
	l, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	if f := l.FlippedFraction(); f != 0.3 {
		t.Errorf("flipped fraction %g at 30%% noise", f)
	}
	if a, b := FlippedShare(l.Panels[0].Curve[0]), FlippedShare(l.Panels[1].Curve[0]); a != b || !(a > 0 && a < 1) {
		t.Errorf("step 0 flipped shares %g and %g", a, b)
	}
	if v := l.FlippedShareNow(l.Panels[0]); !math.IsNaN(v) {
		t.Errorf("flipped share before the first step: %g, want NaN", v)
	}
	l.Step(l.Every)
	for _, pn := range l.Panels {
		now, last := l.FlippedShareNow(pn), FlippedShare(pn.Last())
		if pn.Last().Step != l.Every || math.Abs(now-last) > 1e-9 {
			t.Errorf("%s: flipped share now %g, curve %g at step %d", pn.Label, now, last, pn.Last().Step)
		}
	}
	q := p
	q.Noise = 0
	l, err = New(q)
	if err != nil {
		t.Fatal(err)
	}
	l.Step(1)
	if !math.IsNaN(l.FlippedFraction()) || !math.IsNaN(FlippedShare(l.Panels[0].Last())) || !math.IsNaN(l.FlippedShareNow(l.Panels[0])) {
		t.Error("no flipped label: want NaN (no fourth-chart line)")
	}
}

// The share view is a way of looking: turning it on through With keeps the
// data and the initial weights, as the test-points toggle does.
func TestWithSharesKeepsData(t *testing.T) {
	l, err := New(Default())
	if err != nil {
		t.Fatal(err)
	}
	q := l.P
	q.Shares = true
	m, err := l.With(q)
	if err != nil {
		t.Fatal(err)
	}
	if m.Setup != l.Setup || m.Train != l.Train || !m.P.Shares {
		t.Error("With(shares=true) built new data")
	}
}

// BenchmarkInspect is what the app's inspector costs when it measures its
// point again while training (at most every 250 ms): one Inspect per panel
// of the default page (SGD, 1-SAM).
func BenchmarkInspect(b *testing.B) {
	l, err := New(Default())
	if err != nil {
		b.Fatal(err)
	}
	l.Step(50)
	b.ResetTimer()
	for i := range b.N {
		for k := range l.Panels {
			if _, err := l.Inspect(k, i%l.Train.N()); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkInspectSAM is one Inspect in a SAM panel: its shared ascent
// point needs a full-batch gradient.
func BenchmarkInspectSAM(b *testing.B) {
	p := Default()
	p.Methods = []string{"sam"}
	l, err := New(p)
	if err != nil {
		b.Fatal(err)
	}
	l.Step(50)
	b.ResetTimer()
	for i := range b.N {
		if _, err := l.Inspect(0, i%l.Train.N()); err != nil {
			b.Fatal(err)
		}
	}
}
