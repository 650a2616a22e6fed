//go:build torch

package torchnet

import (
	"math"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/samlab/samlab/core/optim"
)

// The example-at-a-time reference the batched per-example passes replace:
// one forward and backward of the ordinary network per example.

// exampleGrad sets dst to grad l_i(w) and returns l_i(w).
func exampleGrad(b *Backend, dst, w Vec, i int) float64 {
	x, y, _ := b.inputs([]int{i})
	l := leaves(w)
	f := &pass{n: b.Net, p: l, train: true}
	logits, _ := f.forward(x)
	loss := f.crossEntropy(logits, y)
	loss.MustBackward()
	v := scalarValue(loss)
	takeGrads(dst, l)
	f.release()
	return v
}

// residual sets r to r_i(w) = softmax(f(w, x_i)) - onehot(y_i).
func residual(b *Backend, r []float64, w Vec, i int) {
	x, _, _ := b.inputs([]int{i})
	f := &pass{n: b.Net, p: w, train: true}
	logits, _ := f.forward(x)
	b.residualsFrom(r, logits, b.yh[i:i+1])
	f.release()
}

// vjp sets dst = J_i(w)^T r: the gradient at w of <r, f(w, x_i)>.
func vjp(b *Backend, dst, w Vec, i int, r []float64) {
	x, _, _ := b.inputs([]int{i})
	l := leaves(w)
	f := &pass{n: b.Net, p: l, train: true}
	logits, _ := f.forward(x)
	rv := make([]float32, len(r))
	for c, v := range r {
		rv[c] = float32(v)
	}
	rt := f.keep(FromFloat32(rv, []int64{1, int64(len(r))}, b.Net.Device))
	prod := f.keep(logits.MustMul(rt, false))
	s := f.keep(prod.MustSum(gotch.Float, false))
	s.MustBackward()
	takeGrads(dst, l)
	f.release()
}

// looped returns the per-example method's direction computed one example
// at a time (float32 tensors, float64 accumulation on the host).
func looped(b *Backend, name string, rho float64, w Vec, batch []int) []float64 {
	gi, wp, gp := b.NewVec(), b.NewVec(), b.NewVec()
	defer gi.Drop()
	defer wp.Drop()
	defer gp.Drop()
	r := make([]float64, b.Outputs())
	var sum []float64
	for _, i := range batch {
		exampleGrad(b, gi, w, i)
		b.Copy(wp, w)
		b.Axpy(wp, optim.AscentScale(rho, b.Norm(gi)), gi)
		switch name {
		case "1sam":
			exampleGrad(b, gp, wp, i)
		case "lsam":
			residual(b, r, wp, i)
			vjp(b, gp, w, i, r)
		case "jsam":
			residual(b, r, w, i)
			vjp(b, gp, wp, i, r)
		}
		v := gp.Flatten()
		if sum == nil {
			sum = make([]float64, len(v))
		}
		for j, x := range v {
			sum[j] += float64(x) / float64(len(batch))
		}
	}
	return sum
}

func relDiff(got []float32, want []float64) float64 {
	d, n := 0.0, 0.0
	for i := range want {
		e := float64(got[i]) - want[i]
		d += e * e
		n += want[i] * want[i]
	}
	return math.Sqrt(d / n)
}

// TestBatchedEqualsLooped: the batched per-example passes (grouped
// convolutions, batched matrix products) give the example-at-a-time
// directions of 1-SAM, L-SAM and J-SAM to 1e-5 relative, for every model and
// norm, at chunk sizes that divide the batch and one that does not.
func TestBatchedEqualsLooped(t *testing.T) {
	cases := []struct {
		spec Spec
		n    int
	}{
		{Spec{Arch: "resnet18", Norm: "ln", Width: 0.0625, InC: 3, H: 8, W: 8, K: 4}, 5},
		// 16x16 so that the last stage's GroupNorm groups hold more than two
		// values (at 8x8 they hold two, and float32 rounding is amplified).
		{Spec{Arch: "resnet18", Norm: "gn", Width: 0.125, InC: 3, H: 16, W: 16, K: 4}, 4},
		{Spec{Arch: "cnn", Norm: "gn", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}, 5},
		{Spec{Arch: "cnn", Norm: "ln", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}, 6},
		{Spec{Arch: "cnn", Norm: "none", Width: 0.25, InC: 2, H: 8, W: 8, K: 3}, 6},
		// BatchNorm: each example normalised by its own statistics, as in
		// an example-at-a-time pass (per-example BatchNorm is ill-posed).
		{Spec{Arch: "cnn", Norm: "bn", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}, 5},
		{linearSpec, 7},
	}
	for _, tc := range cases {
		t.Run(tc.spec.Arch+"-"+tc.spec.Norm, func(t *testing.T) {
			b, w := newTest(t, tc.spec, tc.n, 23)
			defer b.Close()
			defer w.Drop()
			batch := b.Batch()
			for _, name := range []string{"1sam", "lsam", "jsam"} {
				want := looped(b, name, 0.1, w, batch)
				for _, chunk := range []int{1, 2, tc.n} {
					b.ChunkSize = chunk
					m, err := Method(name, optim.Hyper{Rho: 0.1})
					if err != nil {
						t.Fatal(err)
					}
					g := b.NewVec()
					m.Direction(b, g, w, batch)
					if d := relDiff(g.Flatten(), want); d > 1e-5 || math.IsNaN(d) {
						t.Errorf("%s chunk %d: batched differs from looped by %.3g relative", name, chunk, d)
					}
					g.Drop()
				}
			}
		})
	}
}
