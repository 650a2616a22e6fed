package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lossAt returns the cross-entropy of example (x, y) at w, plus
// gammaAct*||h||^2 when gammaAct != 0.
func lossAt(n *Net, w, x []float64, y int, gammaAct float64) float64 {
	ws := n.NewWorkspace()
	z := n.Forward(ws, w, x)
	r := make([]float64, n.Out)
	l := Residual(r, z, y)
	if gammaAct != 0 {
		for _, v := range n.HiddenAct(ws) {
			l += gammaAct * v * v
		}
	}
	return l
}

func TestBackwardMatchesFiniteDifferences(t *testing.T) {
	cases := []struct {
		name     string
		net      *Net
		gammaAct float64
	}{
		{"logistic", Linear(3, 1, true), 0},
		{"softmax", Linear(3, 4, true), 0},
		{"two-layer linear", TwoLayerLinear(5, 4, 1), 0},
		{"two-layer linear act penalty", TwoLayerLinear(5, 4, 1), 0.3},
		{"mlp relu", MLP(2, []int{7, 6}, 1, ReLU), 0},
		{"mlp tanh softmax", MLP(3, []int{5, 4}, 3, Tanh), 0},
		{"mlp tanh act penalty", MLP(3, []int{5, 4}, 3, Tanh), 0.2},
		{"mlp relu 3 hidden", MLP(4, []int{6, 5, 4}, 2, ReLU), 0.1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			n := tc.net
			w := make([]float64, n.NumParams())
			n.Init(w, rng, 1)
			for i := range w { // non-zero biases too
				w[i] += 0.1 * rng.NormFloat64()
			}
			for trial := 0; trial < 3; trial++ {
				x := make([]float64, n.In)
				for i := range x {
					x[i] = rng.NormFloat64()
				}
				k := max(n.Out, 2)
				y := rng.IntN(k)
				ws := n.NewWorkspace()
				z := n.Forward(ws, w, x)
				r := make([]float64, n.Out)
				Residual(r, z, y)
				var dh []float64
				if tc.gammaAct != 0 && len(n.Hidden) > 0 {
					for _, v := range n.HiddenAct(ws) {
						dh = append(dh, 2*tc.gammaAct*v)
					}
				}
				g := make([]float64, n.NumParams())
				n.Backward(ws, w, g, r, dh, 1)
				gn := 0.0
				for _, v := range g {
					gn += v * v
				}
				if dh == nil {
					if got := n.GradNorm(ws, w, r); math.Abs(got-math.Sqrt(gn)) > 1e-10*(1+got) {
						t.Fatalf("GradNorm %g, want %g", got, math.Sqrt(gn))
					}
				}
				const h = 1e-6
				for j := range w {
					old := w[j]
					w[j] = old + h
					lp := lossAt(n, w, x, y, tc.gammaAct)
					w[j] = old - h
					lm := lossAt(n, w, x, y, tc.gammaAct)
					w[j] = old
					fd := (lp - lm) / (2 * h)
					if math.Abs(fd-g[j]) > 1e-6*(1+math.Abs(fd)) {
						t.Fatalf("param %d: backprop %.9g, finite difference %.9g", j, g[j], fd)
					}
				}
			}
		})
	}
}

func TestResidualIsLossGradientWrtLogits(t *testing.T) {
	for _, z := range [][]float64{{0.3}, {-40}, {40}, {1, -2, 0.5}, {300, 0, -300}} {
		for y := 0; y < max(len(z), 2); y++ {
			r := make([]float64, len(z))
			l := Residual(r, z, y)
			if math.IsNaN(l) || math.IsInf(l, 0) {
				t.Fatalf("z=%v y=%d: loss %v", z, y, l)
			}
			for k := range z {
				const h = 1e-6
				zp := append([]float64(nil), z...)
				zm := append([]float64(nil), z...)
				zp[k] += h
				zm[k] -= h
				fd := (Residual(make([]float64, len(z)), zp, y) - Residual(make([]float64, len(z)), zm, y)) / (2 * h)
				if math.Abs(fd-r[k]) > 1e-5 {
					t.Errorf("z=%v y=%d k=%d: r=%g, fd=%g", z, y, k, r[k], fd)
				}
			}
		}
	}
}

func TestShapes(t *testing.T) {
	cases := []struct {
		net    *Net
		params int
		str    string
	}{
		{Linear(2, 1, true), 3, "linear 2-1 identity bias=true"},
		{TwoLayerLinear(10, 4, 1), 44, "deep-linear 10-4-1 identity bias=false"},
		{MLP(2, []int{32, 32}, 1, ReLU), 2*32 + 32 + 32*32 + 32 + 32 + 1, "mlp 2-32-32-1 relu bias=true"},
	}
	for _, tc := range cases {
		if tc.net.NumParams() != tc.params || tc.net.String() != tc.str {
			t.Errorf("%s: %d params, want %d (%s)", tc.net, tc.net.NumParams(), tc.params, tc.str)
		}
	}
	n := MLP(2, []int{3}, 1, ReLU)
	w := make([]float64, n.NumParams())
	for i := range w {
		w[i] = float64(i)
	}
	// layer 0: W 3x2 at 0..5, b at 6..8; layer 1: W 1x3 at 9..11, b at 12.
	if last := n.LastWeights(w); len(last) != 3 || last[0] != 9 || last[2] != 11 {
		t.Errorf("LastWeights = %v, want [9 10 11]", last)
	}
}

func TestParseActivation(t *testing.T) {
	for s, want := range map[string]Activation{"relu": ReLU, "TANH": Tanh, "linear": Identity, "": ReLU} {
		if a, err := ParseActivation(s); err != nil || a != want {
			t.Errorf("ParseActivation(%q) = %v, %v", s, a, err)
		}
	}
	if _, err := ParseActivation("gelu"); err == nil {
		t.Error("gelu accepted")
	}
}

func TestBinaryResidualKeepsPrecision(t *testing.T) {
	r := make([]float64, 1)
	// A margin of 40: the residual is about -e^-40, not 0.
	if l := Residual(r, []float64{40}, 1); r[0] >= 0 || math.Abs(r[0]+math.Exp(-40))/math.Exp(-40) > 1e-12 || l <= 0 {
		t.Errorf("r = %g, loss %g", r[0], l)
	}
	if Residual(r, []float64{-40}, 0); r[0] <= 0 || math.Abs(r[0]-math.Exp(-40))/math.Exp(-40) > 1e-12 {
		t.Errorf("r = %g", r[0])
	}
}

// A well-fit softmax example keeps its residual: r_y = -sum_{j != y} p_j,
// not p_y - 1, which rounds to 0 once the loss is below 1e-16.
func TestResidualWellFitSoftmax(t *testing.T) {
	for _, tc := range []struct {
		z []float64
		y int
	}{
		{[]float64{50, 0, 0}, 0},
		{[]float64{-3, 700, 1}, 1},
		{[]float64{0, 0, 40, 39}, 2},
	} {
		r := make([]float64, len(tc.z))
		Residual(r, tc.z, tc.y)
		others := 0.0
		for j, v := range r {
			if j != tc.y {
				others += v
			}
		}
		if r[tc.y] == 0 || math.Abs(r[tc.y]+others) > 1e-15*others {
			t.Errorf("z %v y %d: r_y = %g, want -%g (the sum of the other probabilities)", tc.z, tc.y, r[tc.y], others)
		}
	}
}
