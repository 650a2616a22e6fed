package optim_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// fixture returns a backend on random data with random weights.
func fixture(t *testing.T, net *model.Net, n, k int, seed uint64) (*train.Toy, []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &data.Dataset{D: net.In, K: k}
	for i := 0; i < n; i++ {
		x := make([]float64, net.In)
		for j := range x {
			x[j] = rng.NormFloat64() + 0.5
		}
		d.Append(x, rng.IntN(k))
	}
	w := make([]float64, net.NumParams())
	net.Init(w, rng, 1)
	return train.NewToy(net, d), w
}

func all(n int) []int {
	b := make([]int, n)
	for i := range b {
		b[i] = i
	}
	return b
}

func direction(t *testing.T, b *train.Toy, name string, h optim.Hyper, w []float64, batch []int) []float64 {
	t.Helper()
	m, err := optim.New[[]float64, *train.Examples](name, h)
	if err != nil {
		t.Fatal(err)
	}
	g := b.NewVec()
	m.Direction(b, g, w, batch)
	return g
}

// fdGrad returns the central finite-difference gradient of f at w.
func fdGrad(f func([]float64) float64, w []float64) []float64 {
	const h = 1e-6
	g := make([]float64, len(w))
	for j := range w {
		old := w[j]
		w[j] = old + h
		lp := f(w)
		w[j] = old - h
		lm := f(w)
		w[j] = old
		g[j] = (lp - lm) / (2 * h)
	}
	return g
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*(1+math.Abs(want[i])) {
			t.Fatalf("%s: component %d = %.12g, want %.12g", what, i, got[i], want[i])
		}
	}
}

// Identity 4.1: for f = w.x, 1-SAM is SGD with per-example weight
// sigmoid(rho*||x_i|| - m_i) in place of sigmoid(-m_i).
func TestLinearOneSAMWeightFormula(t *testing.T) {
	for _, rho := range []float64{0.01, 0.3, 2} {
		net := model.Linear(4, 1, false)
		b, w := fixture(t, net, 12, 2, 3)
		got := direction(t, b, "1sam", optim.Hyper{Rho: rho}, w, all(12))
		want := make([]float64, len(w))
		for i := 0; i < 12; i++ {
			x := b.Data.Row(i)
			y := float64(2*b.Data.Y[i] - 1)
			m, nx := 0.0, 0.0
			for j := range x {
				m += y * w[j] * x[j]
				nx += x[j] * x[j]
			}
			weight := model.Sigmoid(rho*math.Sqrt(nx) - m)
			for j := range x {
				want[j] += -y * weight * x[j] / 12
			}
		}
		near(t, "1-SAM vs closed form", got, want, 1e-10)
	}
}

// The up-weighting ratio (1+e^m)/(1+e^(m-rho||x||)) is >= 1 and grows with the margin.
func TestUpweightingRatioGrowsWithMargin(t *testing.T) {
	ratio := func(m, rn float64) float64 { return model.Sigmoid(rn-m) / model.Sigmoid(-m) }
	prev := 0.0
	for m := -5.0; m <= 5; m += 0.5 {
		r := ratio(m, 0.7)
		closed := (1 + math.Exp(m)) / (1 + math.Exp(m-0.7))
		if math.Abs(r-closed) > 1e-12*closed || r < 1 || r < prev {
			t.Fatalf("m=%g: ratio %g (closed form %g, previous %g)", m, r, closed, prev)
		}
		prev = r
	}
}

// For a linear model L-SAM == 1-SAM and J-SAM == SGD (binary and softmax).
func TestLinearLSAMandJSAM(t *testing.T) {
	for _, k := range []int{2, 3} {
		out := k
		if k == 2 {
			out = 1
		}
		net := model.Linear(5, out, true)
		b, w := fixture(t, net, 10, k, 11)
		h := optim.Hyper{Rho: 0.4}
		near(t, "L-SAM vs 1-SAM", direction(t, b, "lsam", h, w, all(10)), direction(t, b, "1sam", h, w, all(10)), 1e-10)
		near(t, "J-SAM vs SGD", direction(t, b, "jsam", h, w, all(10)), direction(t, b, "sgd", h, w, all(10)), 1e-10)
	}
}

// Identity 4.2: for f = v^T W x, J-SAM's per-example step is the gradient of
// l_i + lambda_i*(0.5*||x_i||^2*||v||^2 + 0.5*||W x_i||^2),
// lambda_i = rho*sigmoid(-y_i f_i)/||grad f_i||, lambda_i held constant.
func TestTwoLayerJSAMIsRegularizedGradient(t *testing.T) {
	const d, width, rho = 6, 4, 0.3
	net := model.TwoLayerLinear(d, width, 1)
	b, w := fixture(t, net, 1, 2, 5)
	for i := 0; i < 8; i++ {
		b2, _ := fixture(t, net, 8, 2, uint64(20+i))
		b.Data = b2.Data
		got := direction(t, b, "jsam", optim.Hyper{Rho: rho}, w, []int{i})
		W, _, _, _ := net.LayerWeights(w, 0)
		v := net.LastWeights(w)
		x := b.Data.Row(i)
		y := float64(2*b.Data.Y[i] - 1)
		a := make([]float64, width) // W x
		for o := 0; o < width; o++ {
			for j := 0; j < d; j++ {
				a[o] += W[o*d+j] * x[j]
			}
		}
		f, nx, ngf := 0.0, 0.0, 0.0
		for o := range a {
			f += v[o] * a[o]
			ngf += a[o] * a[o] // d f / d v = W x
		}
		for j := range x {
			nx += x[j] * x[j]
		}
		vv := 0.0
		for _, vo := range v {
			vv += vo * vo
		}
		ngf += vv * nx // d f / d W = v x^T
		scale := model.Sigmoid(-y * f)
		lambda := rho * scale / math.Sqrt(ngf)
		// gradient of l_i: -y*sigmoid(-y f)*grad f; of the penalty: lambda*(||x||^2 v, (W x) x^T).
		want := make([]float64, len(w))
		for o := 0; o < width; o++ {
			for j := 0; j < d; j++ {
				want[o*d+j] = -y*scale*v[o]*x[j] + lambda*a[o]*x[j]
			}
			want[width*d+o] = -y*scale*a[o] + lambda*nx*v[o]
		}
		near(t, "J-SAM vs regularized gradient", got, want, 1e-9)
	}
}

// Identity 4.3: rho = 0 turns every SAM variant into SGD; with one example
// 1-SAM equals SAM.
func TestRhoZeroAndBatchOne(t *testing.T) {
	net := model.MLP(3, []int{8, 5}, 3, model.Tanh)
	b, w := fixture(t, net, 9, 3, 13)
	sgd := direction(t, b, "sgd", optim.Hyper{}, w, all(9))
	for _, m := range []string{"sam", "1sam", "lsam", "jsam", "regsgd"} {
		near(t, m+" at rho 0 vs SGD", direction(t, b, m, optim.Hyper{}, w, all(9)), sgd, 1e-12)
	}
	for i := 0; i < 9; i++ {
		near(t, "1-SAM vs SAM, batch 1", direction(t, b, "1sam", optim.Hyper{Rho: 0.2}, w, []int{i}),
			direction(t, b, "sam", optim.Hyper{Rho: 0.2}, w, []int{i}), 1e-12)
	}
}

// SAM equals a hand computation: ascend to w + rho*G/||G||, take the batch
// gradient there (finite differences of the mean loss).
func TestSAMByHand(t *testing.T) {
	net := model.MLP(2, []int{5}, 1, model.Tanh)
	b, w := fixture(t, net, 6, 2, 17)
	const rho = 0.25
	meanLoss := func(w []float64) float64 {
		ws := net.NewWorkspace()
		r := make([]float64, 1)
		s := 0.0
		for i := 0; i < 6; i++ {
			s += model.Residual(r, net.Forward(ws, w, b.Data.Row(i)), b.Data.Y[i])
		}
		return s / 6
	}
	G := fdGrad(meanLoss, w)
	n := 0.0
	for _, v := range G {
		n += v * v
	}
	wp := append([]float64(nil), w...)
	for j := range wp {
		wp[j] += rho * G[j] / math.Sqrt(n)
	}
	near(t, "SAM vs hand computation", direction(t, b, "sam", optim.Hyper{Rho: rho}, w, all(6)), fdGrad(meanLoss, wp), 1e-6)
}

// Reg-SGD is the gradient of the penalized loss (finite differences).
func TestRegSGDIsPenalizedGradient(t *testing.T) {
	net := model.MLP(3, []int{6, 4}, 1, model.Tanh)
	b, w := fixture(t, net, 7, 2, 19)
	const ga, gl = 0.05, 0.2
	penalized := func(w []float64) float64 {
		ws := net.NewWorkspace()
		r := make([]float64, 1)
		s := 0.0
		for i := 0; i < 7; i++ {
			s += model.Residual(r, net.Forward(ws, w, b.Data.Row(i)), b.Data.Y[i])
			for _, h := range net.HiddenAct(ws) {
				s += ga * h * h
			}
		}
		s /= 7
		for _, v := range net.LastWeights(w) {
			s += gl * v * v
		}
		return s
	}
	near(t, "Reg-SGD vs finite differences", direction(t, b, "regsgd", optim.Hyper{GammaAct: ga, GammaLast: gl}, w, all(7)), fdGrad(penalized, w), 1e-6)
}

func TestNewRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		h    optim.Hyper
	}{
		{"adam", optim.Hyper{}},
		{"sam", optim.Hyper{Rho: -1}},
		{"regsgd", optim.Hyper{GammaAct: -0.1}},
	}
	for _, tc := range cases {
		if _, err := optim.New[[]float64, *train.Examples](tc.name, tc.h); err == nil {
			t.Errorf("New(%q, %+v) accepted", tc.name, tc.h)
		}
	}
	for in, want := range map[string]string{"1-SAM": "1sam", "J_SAM": "jsam", "Reg-SGD": "regsgd", " sgd ": "sgd"} {
		if got, err := optim.Canonical(in); err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v", in, got, err)
		}
	}
}

func TestUpdateMomentumAndWeightDecay(t *testing.T) {
	b, _ := fixture(t, model.Linear(2, 1, true), 1, 2, 1)
	u := optim.Update[[]float64]{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}
	w := []float64{1, 2, 3}
	// step 1: d = g + wd*w = (1.01, 2.02, 3.03); buf = d; w -= 0.1*buf
	u.Apply(b, w, []float64{1, 2, 3})
	near(t, "step 1", w, []float64{1 - 0.101, 2 - 0.202, 3 - 0.303}, 1e-12)
	// step 2 with g = 0: d = wd*w; buf = 0.9*buf + d
	w1 := append([]float64(nil), w...)
	u.Apply(b, w, []float64{0, 0, 0})
	for j := range w {
		buf := 0.9*[]float64{1.01, 2.02, 3.03}[j] + 0.01*w1[j]
		if math.Abs(w[j]-(w1[j]-0.1*buf)) > 1e-12 {
			t.Fatalf("step 2 component %d: %g", j, w[j])
		}
	}
	for _, bad := range []optim.Update[[]float64]{{LR: 0}, {LR: 1, Momentum: 1}, {LR: 1, WeightDecay: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
