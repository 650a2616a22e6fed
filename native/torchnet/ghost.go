//go:build torch

package torchnet

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Forms lists the accepted values of Backend.Form: how the per-example
// passes treat a convolution (docs/science.md section 3).
//
//   - "grouped": each example's gradient G_k = delta_k^T A_k is formed
//     (a batched product with the unfolded input A_k) and the perturbed pass
//     adds c_k times the grouped convolution of the input with G_k to the
//     shared convolution with w;
//   - "merged": G_k as in grouped, but the perturbed pass is one grouped
//     convolution with the per-example kernels w + c_k G_k (formed), so it
//     costs what the shared convolution costs, forward and backward;
//   - "ghost": nothing per example is formed: the layer keeps A_k's input
//     and delta_k, the norm is ||G_k||^2 = <A_k A_k^T, delta_k delta_k^T>
//     and the perturbed pass adds c_k (A'_k A_k^T) delta_k, the cross-Gram
//     of the perturbed and the clean unfolded inputs;
//   - "auto" (or ""): per layer (ConvForm).
var Forms = []string{"auto", "ghost", "grouped", "merged"}

// CheckForm reports an unknown form.
func CheckForm(form string) error {
	switch form {
	case "", "auto", "ghost", "grouped", "merged":
		return nil
	}
	return fmt.Errorf("unknown form %q (want auto, ghost, grouped or merged)", form)
}

// GhostCheaper reports whether the ghost form of a convolution with t
// output positions, d = C_in*kh*kw values per unfolded patch and c output
// channels needs fewer multiply-adds per example than the grouped form:
// the perturbed pass's cross-Gram and its product, t^2 (d + c), against
// forming and applying G_k, 2 t d c. (The norms follow the same rule:
// t^2 (d + c) for the Grams against t d c for G_k.) For the CIFAR ResNet18
// it picks layer3 and layer4 (t = 64, 16) and leaves the stem, layer1 and
// layer2 grouped; the CNN's two convolutions stay grouped.
func GhostCheaper(t, d, c int64) bool { return t*(d+c) < 2*d*c }

// MergedMinPositions is the fewest output positions at which the merged
// form beats the grouped one. Merging saves 2 t d c multiply-adds an
// example (the shared convolution's forward and one input gradient) and
// costs moving the d c per-example kernel values a few times (forming
// w + c_k G_k, summing the per-example weight gradients), so it wins where
// t is large. Measured (2 threads, batch 128, forward and backward of one
// layer): t = 1024 (64 channels, 32x32) 0.26 s merged against 0.43 s
// grouped; t = 256 (128 channels, 16x16) 0.29 against 0.28 s.
const MergedMinPositions = 512

// ConvForm returns the form ("ghost", "merged" or "grouped") of a
// convolution with t output positions, d values per unfolded patch and c
// output channels under form (Forms): the named form, or for "auto" the
// ghost form where it needs fewer multiply-adds (GhostCheaper), else the
// merged form where t is at least MergedMinPositions, else grouped. For
// the CIFAR ResNet18: the stem and layer1 merged, layer2 grouped, layer3
// and layer4 ghost.
func ConvForm(form string, t, d, c int64) string {
	switch form {
	case "ghost", "grouped", "merged":
		return form
	}
	switch {
	case GhostCheaper(t, d, c):
		return "ghost"
	case t >= MergedMinPositions:
		return "merged"
	}
	return "grouped"
}

// ghostGrad is a ghost-form convolution's per-example gradient, kept as
// its factors: the layer's input at w [n,C_in,H,W] (unfolded when used) and
// its output error delta [n,C_out,H',W'] (scaled like every stored
// gradient, see Examples.scale).
type ghostGrad struct{ in, delta *ts.Tensor }

// convForm returns the form of convolution c, whose output is y, under
// the backend's Form (ConvForm).
func (b *Backend) convForm(c convL, y *ts.Tensor) string {
	k := b.Net.params[c.w].shape // [out, in, kh, kw]
	ys := y.MustSize()
	return ConvForm(b.Form, ys[2]*ys[3], k[1]*k[2]*k[3], k[0])
}

// unfold returns the unfolded input of convolution c, [n, D, T] (im2col).
func (f *pass) unfold(c convL, x *ts.Tensor) *ts.Tensor {
	k := f.n.params[c.w].shape
	return f.keep(x.MustIm2col([]int64{k[2], k[3]}, []int64{1, 1}, []int64{c.pad, c.pad}, []int64{c.stride, c.stride}, false))
}

// ghostSquares returns ||G_k||^2 = <A_k A_k^T, delta_k delta_k^T> for every
// example of g: [n].
func (f *pass) ghostSquares(c convL, g ghostGrad) *ts.Tensor {
	a := f.unfold(c, g.in) // [n, D, T]
	n := a.MustSize()[0]
	at := f.keep(a.MustTranspose(1, 2, false))
	aa := f.keep(at.MustBmm(a, false))                                                // [n, T, T]
	d := f.keep(g.delta.MustReshape([]int64{n, f.n.params[c.w].shape[0], -1}, false)) // [n, C, T]
	dt := f.keep(d.MustTranspose(1, 2, false))
	dd := f.keep(dt.MustBmm(d, false)) // [n, T, T]
	p := f.keep(aa.MustMul(dd, false))
	return f.keep(p.MustSumDimIntlist([]int64{1, 2}, false, gotch.Float, false))
}

// ghostTerm returns c_k (A'_k A_k^T) delta_k for the chunk, shaped like the
// layer's output y [n, C, H', W']: x is the layer's input at the perturbed
// weights (A'_k unfolded from it), g the clean factors, cv the scales viewed
// [n,1,1]. As delta_k^T A_k = G_k, this is the convolution of x with c_k G_k.
func (f *pass) ghostTerm(c convL, x *ts.Tensor, g ghostGrad, cv *ts.Tensor, y *ts.Tensor) *ts.Tensor {
	ap := f.unfold(c, x) // [n, D, T']
	a := f.unfold(c, g.in)
	n := a.MustSize()[0]
	at := f.keep(a.MustTranspose(1, 2, false))
	m := f.keep(at.MustBmm(ap, false)) // [n, T, T'] = A_k A'_k^T
	d := f.keep(g.delta.MustReshape([]int64{n, f.n.params[c.w].shape[0], -1}, false))
	dc := f.keep(d.MustMul(cv, false))
	out := f.keep(dc.MustBmm(m, false)) // [n, C, T'] = c_k delta_k^T A_k A'_k^T
	return f.keep(out.MustReshape(y.MustSize(), false))
}
