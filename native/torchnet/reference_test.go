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

// lossGrad sets dst to grad l_i(w) by autograd of the cross-entropy and
// returns l_i(w).
func lossGrad(b *Backend, dst, w Vec, i int) float64 {
	x, y, _ := b.inputs([]int{i})
	l := leaves(w)
	f := &pass{n: b.Net, p: l, train: true}
	logits, _ := f.forward(x)
	loss := f.crossEntropy(logits, y)
	loss.MustBackward()
	v := scalarValue(loss)
	takeGrads(dst, l)
	f.done()
	return v
}

// exampleGrad sets dst to grad l_i(w) = J_i(w)^T r_i(w), the VJP of the
// example's residual (whose true-class entry is summed from the others, as
// in the backend, so that a well-fit example keeps its direction).
func exampleGrad(b *Backend, dst, w Vec, i int) {
	r := make([]float64, b.Outputs())
	residual(b, r, w, i)
	vjp(b, dst, w, i, r)
}

// ascentStep sets wp = w + rho g/||g||, the norm taken after dividing g by
// its largest entry (so a gradient whose squares underflow float32 keeps
// its direction; a zero gradient gets no step).
func ascentStep(b *Backend, wp, w, g Vec, rho float64) {
	m := maxAbs(g.Flatten())
	b.Copy(wp, w)
	if m == 0 {
		return
	}
	gs := b.NewVec()
	defer gs.Drop()
	b.Copy(gs, g)
	b.Scale(gs, 1/m)
	b.Axpy(wp, optim.AscentScale(rho, b.Norm(gs)), gs)
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
		ascentStep(b, wp, w, gi, rho)
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

// TestBatchedEqualsLooped: the batched per-example passes give the
// example-at-a-time directions of 1-SAM, L-SAM and J-SAM to 1e-5 relative,
// for every model and norm, in every form (ghost: cross-Grams; grouped:
// grouped convolutions; auto: per layer), at chunk sizes that divide the
// batch and one that does not. The ResNets hold convolutions with stride 1
// and 2, padding 1 (3x3) and 0 (1x1 shortcuts).
func TestBatchedEqualsLooped(t *testing.T) {
	cases := []struct {
		spec Spec
		n    int
	}{
		{Spec{Arch: "resnet18", Norm: "ln", Width: 0.0625, InC: 3, H: 8, W: 8, K: 4}, 5},
		// 16x16 so that the last stage's GroupNorm groups hold more than two
		// values (at 8x8 they hold two, and float32 rounding is amplified).
		{Spec{Arch: "resnet18", Norm: "gn", Width: 0.125, InC: 3, H: 16, W: 16, K: 4}, 4},
		{Spec{Arch: "resnet18", Norm: "none", Width: 0.0625, InC: 3, H: 8, W: 8, K: 4}, 3},
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
				for _, form := range Forms {
					b.Form = form
					for _, chunk := range []int{1, 2, tc.n} {
						b.ChunkSize = chunk
						m, err := Method(name, optim.Hyper{Rho: 0.1})
						if err != nil {
							t.Fatal(err)
						}
						g := b.NewVec()
						m.Direction(b, g, w, batch)
						if d := relDiff(g.Flatten(), want); d > 1e-5 || math.IsNaN(d) {
							t.Errorf("%s form %s chunk %d: batched differs from looped by %.3g relative", name, form, chunk, d)
						}
						g.Drop()
					}
				}
			}
		})
	}
}

// TestExampleNorms: the per-example norms ExampleGrads reports, from ghost
// Grams, grouped gradients or linear factors, equal the norms of the
// example-at-a-time gradients to 1e-5 relative, and the ghost and grouped
// forms agree.
func TestExampleNorms(t *testing.T) {
	for _, s := range []Spec{
		{Arch: "resnet18", Norm: "ln", Width: 0.0625, InC: 3, H: 8, W: 8, K: 4},
		{Arch: "cnn", Norm: "gn", Width: 0.25, InC: 1, H: 8, W: 8, K: 3},
		{Arch: "cnn", Norm: "none", Width: 0.25, InC: 2, H: 8, W: 8, K: 3},
	} {
		t.Run(s.Arch+"-"+s.Norm, func(t *testing.T) {
			const n = 5
			b, w := newTest(t, s, n, 31)
			defer b.Close()
			defer w.Drop()
			gi := b.NewVec()
			defer gi.Drop()
			want := make([]float64, n)
			for i := range want {
				exampleGrad(b, gi, w, i)
				want[i] = b.Norm(gi)
			}
			got := map[string][]float64{}
			for _, form := range []string{"ghost", "grouped"} {
				b.Form = form
				e := b.NewExamples()
				norm, r := make([]float64, n), make([]float64, n*s.K)
				b.ExampleGrads(e, norm, r, w, b.Batch())
				got[form] = norm
				for i := range want {
					if d := math.Abs(norm[i]-want[i]) / want[i]; d > 1e-5 || math.IsNaN(d) {
						t.Errorf("form %s example %d: norm %.7g, one at a time %.7g (%.2g relative)", form, i, norm[i], want[i], d)
					}
				}
			}
			for i := range want {
				if d := math.Abs(got["ghost"][i]-got["grouped"][i]) / want[i]; d > 1e-5 {
					t.Errorf("example %d: ghost norm %.7g, grouped %.7g", i, got["ghost"][i], got["grouped"][i])
				}
			}
		})
	}
}

// TestTinyGradients: examples fitted so well that their gradients' squares
// underflow float32 (entries about 1e-26) keep their ascent direction: the
// norms come out positive and right in float64, and 1-SAM's batched
// direction equals the scale-invariant one-at-a-time one, far from the
// clean gradient (the step did not vanish).
func TestTinyGradients(t *testing.T) {
	s := linearSpec
	const n = 4
	b, w := newTest(t, s, n, 41)
	defer b.Close()
	defer w.Drop()
	// x_i has ones on the pixels j = y_i mod K (and 0.1 elsewhere, varying
	// with i), W_c the same pattern for class c, no bias: margins alike.
	d := s.InC * s.H * s.W
	x, y := make([]float32, n*d), make([]int, n)
	wf := make([]float32, s.K*d)
	for i := range y {
		y[i] = i % s.K
		for j := 0; j < d; j++ {
			x[i*d+j] = 0.1 * float32(i+1) / n
			if j%s.K == y[i] {
				x[i*d+j] = 1
			}
		}
	}
	for c := 0; c < s.K; c++ {
		for j := c; j < d; j += s.K {
			wf[c*d+j] = 1
		}
	}
	b.SetBatch(x, y)
	lin := FromFloat32(wf, []int64{int64(s.K), int64(d)}, b.Net.Device)
	w[b.Net.fc[0]].Copy_(lin)
	w[b.Net.fc[1]].MustZero_()
	lin.MustDrop()
	// Grow the weights until every example is fitted to 1-p_y < 1e-20
	// (its gradient's squares then underflow float32), but not to 0.
	r := make([]float64, s.K)
	fit := func() (lo, hi float64) {
		lo, hi = 1, 0
		for i := 0; i < n; i++ {
			residual(b, r, w, i)
			lo, hi = math.Min(lo, -r[y[i]]), math.Max(hi, -r[y[i]])
		}
		return lo, hi
	}
	for k := 0; ; k++ {
		lo, hi := fit()
		if hi < 1e-20 {
			if !(lo > 0) {
				t.Fatalf("an example is fitted to 1-p_y = 0")
			}
			break
		}
		if k == 100 {
			t.Fatalf("could not fit the examples (1-p_y up to %.3g)", hi)
		}
		b.Scale(w, 1.1)
	}
	gi := b.NewVec()
	defer gi.Drop()
	e := b.NewExamples()
	norm, rr := make([]float64, n), make([]float64, n*s.K)
	b.ExampleGrads(e, norm, rr, w, b.Batch())
	for i := range norm {
		exampleGrad(b, gi, w, i)
		var want float64
		for _, v := range gi.Flatten() {
			want += float64(v) * float64(v)
		}
		want = math.Sqrt(want)
		if d := math.Abs(norm[i]-want) / want; !(d < 1e-5) {
			t.Errorf("example %d: norm %.4g, want %.4g", i, norm[i], want)
		}
	}
	const rho = 2
	want := looped(b, "1sam", rho, w, b.Batch())
	clean := looped(b, "1sam", 0, w, b.Batch())
	m, err := Method("1sam", optim.Hyper{Rho: rho})
	if err != nil {
		t.Fatal(err)
	}
	g := b.NewVec()
	defer g.Drop()
	m.Direction(b, g, w, b.Batch())
	got := g.Flatten()
	if d := relDiff(got, want); !(d < 1e-4) {
		t.Errorf("1-SAM on tiny gradients: batched differs from looped by %.3g relative", d)
	}
	cf := make([]float32, len(clean))
	for i, v := range clean {
		cf[i] = float32(v)
	}
	if d := relDiff(cf, want); !(d > 0.5) {
		t.Errorf("1-SAM direction within %.3g of the clean gradient: the ascent step vanished", d)
	}
}
