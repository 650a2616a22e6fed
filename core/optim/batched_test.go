package optim_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// looped is the example-at-a-time reference for the per-example methods:
// for each example, its own gradient, ascent point and contribution, from
// model.Net's single-example Forward and Backward.
func looped(b *train.Toy, name string, rho float64, w []float64, batch []int) []float64 {
	n := b.Net
	ws := n.NewWorkspace()
	r := make([]float64, n.Out)
	grad := func(dst, w []float64, i int, dz []float64) {
		clear(dst)
		z := n.Forward(ws, w, b.Data.Row(i))
		if dz == nil {
			model.Residual(r, z, b.Data.Y[i])
			dz = r
		}
		n.Backward(ws, w, dst, dz, nil, 1)
	}
	residual := func(dst, w []float64, i int) {
		model.Residual(dst, n.Forward(ws, w, b.Data.Row(i)), b.Data.Y[i])
	}
	g := make([]float64, len(w))
	gi, wp, gp := make([]float64, len(w)), make([]float64, len(w)), make([]float64, len(w))
	ri := make([]float64, n.Out)
	for _, i := range batch {
		grad(gi, w, i, nil)
		// gonum's scaled 2-norm: a well-fit example's tiny gradient keeps
		// its norm (its squares would underflow).
		c := optim.AscentScale(rho, floats.Norm(gi, 2))
		for j := range wp {
			wp[j] = w[j] + c*gi[j]
		}
		switch name {
		case "1sam":
			grad(gp, wp, i, nil)
		case "lsam":
			residual(ri, wp, i)
			grad(gp, w, i, ri)
		case "jsam":
			residual(ri, w, i)
			grad(gp, wp, i, ri)
		}
		for j := range g {
			g[j] += gp[j] / float64(len(batch))
		}
	}
	return g
}

// chunked is the toy backend with a small chunk, to run the multi-chunk
// path of the per-example methods.
type chunked struct {
	*train.Toy
	size int
}

func (c chunked) Chunk() int { return c.size }

func relDiff(a, b []float64) float64 {
	d, n := 0.0, 0.0
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		n += b[i] * b[i]
	}
	if n == 0 { // a zero reference (dead ReLUs): compare absolutely
		return math.Sqrt(d)
	}
	return math.Sqrt(d / n)
}

// The batched per-example methods equal the example-at-a-time reference to
// 1e-12 relative, for every model kind, in one chunk and in several.
func TestBatchedEqualsLooped(t *testing.T) {
	cases := []struct {
		name string
		net  *model.Net
		k    int
	}{
		{"logistic", model.Linear(4, 1, true), 2},
		{"softmax", model.Linear(3, 4, true), 4},
		{"two-layer linear", model.TwoLayerLinear(6, 5, 1), 2},
		{"mlp relu", model.MLP(2, []int{16, 8}, 1, model.ReLU), 2},
		{"mlp tanh softmax", model.MLP(3, []int{7, 6}, 3, model.Tanh), 3},
		{"mlp relu 3 hidden no bias", model.New(4, []int{6, 5, 4}, 2, model.ReLU, false), 2},
		{"wide mlp relu (tiled products)", model.MLP(2, []int{260}, 1, model.ReLU), 2},
		{"many examples (tiled rows)", model.MLP(3, []int{12}, 3, model.Tanh), -3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, k := 23, tc.k
			if k < 0 { // a batch of 230 examples: more rows than one product tile
				n, k = 230, -k
			}
			b, w := fixture(t, tc.net, n, k, 41)
			for _, m := range []string{"1sam", "lsam", "jsam"} {
				for _, rho := range []float64{0.05, 0.7} {
					for _, batch := range [][]int{all(n), {5}, {22, 3, 9, 14, 0, 7, 11}} {
						want := looped(b, m, rho, w, batch)
						for _, chunk := range []int{0, 1, 3, 5} {
							mt, err := optim.New[[]float64, *train.Examples](m, optim.Hyper{Rho: rho})
							if err != nil {
								t.Fatal(err)
							}
							g := b.NewVec()
							if chunk == 0 {
								mt.Direction(b, g, w, batch)
							} else {
								mt.Direction(chunked{b, chunk}, g, w, batch)
							}
							if d := relDiff(g, want); d > 1e-12 || math.IsNaN(d) {
								t.Errorf("%s rho %g batch %d chunk %d: relative difference %.3g", m, rho, len(batch), chunk, d)
							}
						}
					}
				}
			}
		})
	}
}

// Well-fit examples, whose residuals are far below 1e-140 (their gradients'
// squares underflow), still take an ascent step of length rho: the batched
// methods equal the reference one example at a time, and each step moves
// the example's loss (with a step shortened to nothing, it would not).
func TestBatchedWellFitExamples(t *testing.T) {
	net := model.MLP(3, []int{8, 6}, 1, model.Tanh)
	b, w := fixture(t, net, 40, 2, 5)
	// Scale the output layer so that the logits reach several hundred:
	// examples on the right side are fit to residuals of e^-300 and less.
	last := net.LastWeights(w)
	for j := range last {
		last[j] *= 3000
	}
	r := make([]float64, 1)
	ws := net.NewWorkspace()
	var fit []int
	for i := range 40 {
		model.Residual(r, net.Forward(ws, w, b.Data.Row(i)), b.Data.Y[i])
		if math.Abs(r[0]) < 1e-140 && r[0] != 0 {
			fit = append(fit, i)
		}
	}
	if len(fit) < 3 {
		t.Fatalf("only %d examples with residuals below 1e-140: the fixture no longer makes well-fit examples", len(fit))
	}
	for _, m := range []string{"1sam", "lsam", "jsam"} {
		for _, i := range fit {
			want := looped(b, m, 0.5, w, []int{i})
			mt, err := optim.New[[]float64, *train.Examples](m, optim.Hyper{Rho: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			g := b.NewVec()
			mt.Direction(b, g, w, []int{i})
			if d := relDiff(g, want); d > 1e-12 || math.IsNaN(d) {
				t.Errorf("%s example %d: relative difference %.3g to the reference", m, i, d)
			}
			if m == "jsam" {
				continue // J-SAM keeps the clean residual: its scale does not move
			}
			// The ascent raises the loss: the perturbed direction's size
			// differs from the clean gradient's by far more than rounding.
			sgd := looped(b, "1sam", 0, w, []int{i})
			if rd := relDiff(g, sgd); rd < 1e-3 {
				t.Errorf("%s example %d: the direction is within %.2g of the clean gradient: the ascent step vanished", m, i, rd)
			}
		}
	}
}

// AscentScale is rho/norm, with no epsilon: only a zero or non-finite norm,
// or one so small that the scale overflows, gets no step.
func TestAscentScale(t *testing.T) {
	for _, tc := range []struct {
		rho, norm, want float64
	}{
		{0.5, 2, 0.25},
		{1, 1e-12, 1e12},
		{1, 0x1p-900, 0x1p900},
		{0.1, 0, 0},
		{1, 5e-324, 0}, // 1/5e-324 overflows
		{1, math.NaN(), 0},
		{0, 3, 0},
	} {
		if got := optim.AscentScale(tc.rho, tc.norm); got != tc.want {
			t.Errorf("AscentScale(%g, %g) = %g, want %g", tc.rho, tc.norm, got, tc.want)
		}
	}
}
