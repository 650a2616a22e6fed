package data

import (
	"math"
	"strings"
	"testing"
)

func TestFlipLabelsExactFraction(t *testing.T) {
	cases := []struct {
		n, k int
		rate float64
	}{
		{100, 2, 0.3}, {101, 2, 0.3}, {1000, 10, 0.4}, {7, 3, 0}, {50, 2, 1}, {333, 5, 0.25},
	}
	for _, tc := range cases {
		y := make([]int, tc.n)
		for i := range y {
			y[i] = i % tc.k
		}
		got, mask, err := FlipLabels(y, tc.k, tc.rate, 42)
		if err != nil {
			t.Fatal(err)
		}
		want := int(math.Round(tc.rate * float64(tc.n)))
		flipped := 0
		for i := range y {
			if mask[i] {
				flipped++
				if got[i] == y[i] || got[i] < 0 || got[i] >= tc.k {
					t.Fatalf("n=%d: flipped label %d -> %d", tc.n, y[i], got[i])
				}
			} else if got[i] != y[i] {
				t.Fatalf("n=%d: unflipped label %d changed to %d", tc.n, y[i], got[i])
			}
		}
		if flipped != want {
			t.Errorf("n=%d rate=%g: %d flipped, want %d", tc.n, tc.rate, flipped, want)
		}
		again, mask2, _ := FlipLabels(y, tc.k, tc.rate, 42)
		for i := range y {
			if again[i] != got[i] || mask2[i] != mask[i] {
				t.Fatalf("not deterministic at %d", i)
			}
		}
	}
}

func TestFlipLabelsUniformTargets(t *testing.T) {
	const n, k = 30000, 4
	y := make([]int, n) // all class 0
	got, _, _ := FlipLabels(y, k, 0.9, 1)
	var counts [k]int
	for _, c := range got {
		counts[c]++
	}
	for c := 1; c < k; c++ { // each other class gets about 0.9*n/3 = 9000
		if math.Abs(float64(counts[c])-9000) > 400 {
			t.Errorf("class %d got %d flips, want about 9000", c, counts[c])
		}
	}
}

func TestFlipLabelsRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		k    int
	}{{-0.1, 2}, {1.5, 2}, {math.NaN(), 2}, {0.2, 1}} {
		if _, _, err := FlipLabels([]int{0, 1}, tc.k, tc.rate, 0); err == nil {
			t.Errorf("rate %g k %d accepted", tc.rate, tc.k)
		}
	}
}

func TestGaussAndHighDim(t *testing.T) {
	g := Gauss2D{Means: [][2]float64{{-2, 0}, {2, 0}}, Spread: 0.5, NTrain: 200, NTest: 100}
	tr, te, err := g.Make(3)
	if err != nil {
		t.Fatal(err)
	}
	if tr.N() != 200 || te.N() != 100 || tr.Validate() != nil {
		t.Fatalf("sizes %d %d", tr.N(), te.N())
	}
	// class means are where they were asked to be
	var sum [2]float64
	for i := 0; i < tr.N(); i++ {
		sum[tr.Y[i]] += tr.Row(i)[0]
	}
	if m0, m1 := sum[0]/100, sum[1]/100; math.Abs(m0+2) > 0.2 || math.Abs(m1-2) > 0.2 {
		t.Errorf("class means %g %g", m0, m1)
	}
	tr2, _, _ := g.Make(3)
	if tr2.X[17] != tr.X[17] {
		t.Error("not deterministic")
	}
	if err := tr.ApplyNoise(0.25, 9); err != nil || tr.NumFlipped() != 50 {
		t.Errorf("ApplyNoise: %v, %d flipped", err, tr.NumFlipped())
	}
	h := HighDim{D: 50, NTrain: 20, NTest: 10, MuNorm: 3, Sigma: 0.1}
	htr, _, err := h.Make(1)
	if err != nil || htr.D != 50 || len(htr.X) != 1000 {
		t.Fatalf("highdim: %v", err)
	}
	for i := 0; i < htr.N(); i++ {
		if s := htr.Row(i)[0] * float64(2*htr.Y[i]-1); s < 2 {
			t.Errorf("example %d: signed mean coordinate %g", i, s)
		}
	}
	// Mu is the class mean the data are drawn around: the mean of y*x
	// over many points is mu (within 4 standard errors per coordinate).
	hm := HighDim{D: 20, NTrain: 4000, NTest: 1, MuNorm: 1.5, Sigma: 1}
	mtr, _, err := hm.Make(2)
	if err != nil {
		t.Fatal(err)
	}
	mu := hm.Mu()
	if norm := math.Sqrt(dot(mu, mu)); len(mu) != hm.D || math.Abs(norm-hm.MuNorm) > 1e-15 {
		t.Fatalf("Mu %v: want length %d and norm %g", mu, hm.D, hm.MuNorm)
	}
	for j := range hm.D {
		m := 0.0
		for i := range mtr.N() {
			m += float64(2*mtr.Y[i]-1) * mtr.Row(i)[j]
		}
		if m /= float64(mtr.N()); math.Abs(m-mu[j]) > 4*hm.Sigma/math.Sqrt(float64(mtr.N())) {
			t.Errorf("coordinate %d: mean of y*x %g, mu %g", j, m, mu[j])
		}
	}
	bad := []interface{ Validate() error }{
		Gauss2D{Means: [][2]float64{{0, 0}}, Spread: 1, NTrain: 10, NTest: 1},
		Gauss2D{Means: [][2]float64{{0, 0}, {1, 1}}, Spread: 0, NTrain: 10, NTest: 1},
		HighDim{D: 1, NTrain: 10, NTest: 1, MuNorm: 1, Sigma: 1},
		HighDim{D: 10, NTrain: 10, NTest: 1, MuNorm: 1, Sigma: -1},
	}
	for i, b := range bad {
		if b.Validate() == nil {
			t.Errorf("bad config %d accepted", i)
		}
	}
	if b := Blobs(3, 1, 0.2, 30, 30); len(b.Means) != 3 || math.Abs(b.Means[1][0]+0.5) > 1e-12 {
		t.Errorf("Blobs means %v", b.Means)
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Plane keeps Gauss2D's plane and labels for the same seed and adds
// label-free noise coordinates of the asked spread.
func TestPlane(t *testing.T) {
	g := Gauss2D{Means: [][2]float64{{-1, 0}, {1, 0}}, Spread: 1, NTrain: 300, NTest: 50}
	p := Plane{Gauss2D: g, NoiseDims: 40, Sigma: 0.5}
	tr, te, err := p.Make(7)
	if err != nil {
		t.Fatal(err)
	}
	ftr, fte, _ := g.Make(7)
	for _, c := range []struct {
		name       string
		got, plane *Dataset
	}{{"train", tr, ftr}, {"test", te, fte}} {
		if c.got.D != 42 || c.got.N() != c.plane.N() || c.got.Validate() != nil {
			t.Fatalf("%s: D %d, n %d", c.name, c.got.D, c.got.N())
		}
		for i := range c.got.N() {
			r, f := c.got.Row(i), c.plane.Row(i)
			if r[0] != f[0] || r[1] != f[1] || c.got.Y[i] != c.plane.Y[i] || c.got.Clean[i] != c.plane.Clean[i] {
				t.Fatalf("%s example %d: plane %v label %d, Gauss2D %v label %d", c.name, i, r[:2], c.got.Y[i], f, c.plane.Y[i])
			}
		}
	}
	// the noise coordinates: mean 0, std Sigma, uncorrelated with the label
	var sum, sq, signed float64
	n := 0.0
	for i := range tr.N() {
		s := float64(2*tr.Y[i] - 1)
		for _, v := range tr.Row(i)[2:] {
			sum, sq, signed, n = sum+v, sq+v*v, signed+s*v, n+1
		}
	}
	if m, sd := sum/n, math.Sqrt(sq/n); math.Abs(m) > 0.02 || math.Abs(sd-0.5) > 0.02 || math.Abs(signed/n) > 0.02 {
		t.Errorf("noise coordinates: mean %.4f, std %.4f, label correlation %.4f", m, sd, signed/n)
	}
	if tr2, _, _ := p.Make(7); tr2.X[100] != tr.X[100] {
		t.Error("not deterministic")
	}
	bad := []struct {
		p    Plane
		want string
	}{
		{Plane{Gauss2D: g, NoiseDims: 0, Sigma: 1}, "noise_dims"},
		{Plane{Gauss2D: g, NoiseDims: 10, Sigma: 0}, "sigma"},
		{Plane{Gauss2D: g, NoiseDims: 10, Sigma: math.Inf(1)}, "sigma"},
		{Plane{Gauss2D: Gauss2D{Means: g.Means, Spread: -1, NTrain: 10, NTest: 1}, NoiseDims: 10, Sigma: 1}, "spread"},
		{Plane{Gauss2D: Gauss2D{Means: g.Means, Spread: 1, NTrain: 100_000, NTest: 100_000}, NoiseDims: 1000, Sigma: 1}, "values"},
	}
	for i, b := range bad {
		if err := b.p.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("bad plane %d: error %v, want one naming %q", i, err, b.want)
		}
	}
}
