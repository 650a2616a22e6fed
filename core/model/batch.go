package model

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/floats"
)

// Batch holds the activations and back-propagated errors of a batch of
// examples, one row per example: the matrix counterpart of Workspace for
// the batched passes, whose layers are matrix products over the batch.
//
// A batch pass may use per-example weights w + c_k G_k, where G_k is example
// k's gradient J_k^T dz_k held by another Batch g (after BackwardBatch on
// the same inputs). A dense layer's G_k is the outer product of the
// example's error and its input, delta_k a_k^T (plus delta_k for the bias),
// so the perturbed layer is the shared product plus a rank-one correction
// per example, and w + c_k G_k is never formed:
//
//	(W + c_k delta_k a_k^T) x = W x + c_k (a_k . x) delta_k
//	(W + c_k delta_k a_k^T)^T d = W^T d + c_k (delta_k . d) a_k
//
// Make a Batch with Net.NewBatch; it grows as needed and is reused without
// allocation. A Batch is not safe for concurrent use.
type Batch struct {
	rows, cap int
	// a[0] is the input (rows x In); a[l] the output of layer l, a[L] the
	// logits (an alias of pre[L]).
	a [][]float64
	// pre[l] is layer l's pre-activation, d[l] the loss gradient with
	// respect to it (rows x out_l).
	pre, d [][]float64
	// wt[l] is layer l's weight matrix transposed (in x out), so that the
	// forward product runs as rows of axpys that skip zero inputs (ReLU).
	wt [][]float64
	// in is the batch's own input storage (SetRows); a[0] is it, or
	// read-only rows of the caller's (UseRows), when ext is set.
	in  []float64
	ext bool
	// sq, if not nil, holds the squared norms of the input rows
	// (floats.Dot(x_k, x_k)), from UseRows: GradNorms and the perturbed
	// passes read them rather than recompute them.
	sq []float64
}

// NewBatch returns a Batch for n with room for rows examples.
func (n *Net) NewBatch(rows int) *Batch {
	L := len(n.layers)
	b := &Batch{a: make([][]float64, L+1), pre: make([][]float64, L+1), d: make([][]float64, L+1), wt: make([][]float64, L)}
	for l, ly := range n.layers {
		b.wt[l] = make([]float64, ly.In*ly.Out)
	}
	n.grow(b, rows)
	return b
}

func (n *Net) grow(b *Batch, rows int) {
	if rows <= b.cap && b.pre[len(n.layers)] != nil {
		return
	}
	b.cap = max(rows, 1)
	for l, ly := range n.layers {
		b.pre[l+1] = make([]float64, b.cap*ly.Out)
		b.d[l+1] = make([]float64, b.cap*ly.Out)
		if l+1 == len(n.layers) {
			b.a[l+1] = b.pre[l+1]
		} else {
			b.a[l+1] = make([]float64, b.cap*ly.Out)
		}
	}
}

// SetRows sets the number of examples to rows (growing the storage if it
// must) and returns the input matrix (rows x In, row-major) for the caller
// to fill.
func (n *Net) SetRows(b *Batch, rows int) []float64 {
	n.grow(b, rows)
	if len(b.in) < rows*n.In {
		b.in = make([]float64, b.cap*n.In)
	}
	b.rows, b.a[0], b.ext, b.sq = rows, b.in, false, nil
	return b.a[0][:rows*n.In]
}

// UseRows sets b's inputs to the rows of x (len(x)/In examples, row-major)
// without copying them: x must not change while b holds it (until the next
// SetRows or UseRows). sq, if not nil, holds the squared norms of x's rows,
// sq[k] = floats.Dot(x_k, x_k) exactly, which the passes then read instead
// of computing them again (a data set's rows: their norms never change).
func (n *Net) UseRows(b *Batch, x, sq []float64) {
	rows := len(x) / n.In
	n.grow(b, rows)
	b.rows, b.a[0], b.ext, b.sq = rows, x[:rows*n.In], true, nil
	if sq != nil {
		b.sq = sq[:rows]
	}
}

// Rows returns the number of examples in b.
func (b *Batch) Rows() int { return b.rows }

// CopyInputs sets b's inputs to src's (same network): the same read-only
// rows when src uses the caller's (UseRows), else a copy.
func (n *Net) CopyInputs(b, src *Batch) {
	if src.ext {
		n.UseRows(b, src.a[0][:src.rows*n.In], src.sq)
		return
	}
	copy(n.SetRows(b, src.rows), src.a[0][:src.rows*n.In])
}

// CopyForward sets b's inputs, activations and pre-activations to src's, as
// if b had run src's forward pass.
func (n *Net) CopyForward(b, src *Batch) {
	n.CopyInputs(b, src)
	for l, ly := range n.layers {
		m := src.rows * ly.Out
		copy(b.pre[l+1][:m], src.pre[l+1][:m])
		if l+1 < len(n.layers) {
			copy(b.a[l+1][:m], src.a[l+1][:m])
		}
	}
}

// Logits returns example k's logits from the last ForwardBatch (a view,
// length Out).
func (n *Net) Logits(b *Batch, k int) []float64 {
	return b.a[len(n.layers)][k*n.Out : (k+1)*n.Out]
}

// HiddenBatch returns the last hidden activations of the last ForwardBatch
// (rows x width of the last hidden layer; the inputs for a linear model).
func (n *Net) HiddenBatch(b *Batch) []float64 {
	L := len(n.layers)
	return b.a[L-1][:b.rows*n.layers[L-1].In]
}

// narrow is the output width below which a forward product runs as dot
// products rather than axpys.
const narrow = 8

// perturbed reports whether a pass uses per-example weights.
func perturbed(g *Batch, c []float64) bool { return g != nil && c != nil }

// ForwardBatch computes the logits of b's inputs at weights w, or, when g
// and c are not nil, at the per-example weights w + c_k G_k with G_k the
// gradient that g holds for example k (g has the same inputs as b).
func (n *Net) ForwardBatch(b *Batch, w []float64, g *Batch, c []float64) {
	rows, L := b.rows, len(n.layers)
	pert := perturbed(g, c)
	for l, ly := range n.layers {
		in := b.a[l][:rows*ly.In]
		pre := b.pre[l+1][:rows*ly.Out]
		W := w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		beta := 0.0
		if ly.BiasOffset >= 0 {
			bias := w[ly.BiasOffset : ly.BiasOffset+ly.Out]
			for k := range rows {
				copy(pre[k*ly.Out:(k+1)*ly.Out], bias)
			}
			beta = 1
		}
		if ly.Out < narrow {
			// Few outputs (a logistic or softmax head): dot products.
			gemm(blas.NoTrans, blas.Trans, rows, ly.Out, ly.In, 1, in, W, beta, pre)
		} else {
			// Rows of axpys over the transposed weights skip the zero
			// inputs that ReLU leaves.
			wt := b.wt[l]
			for o := range ly.Out {
				for j, v := range W[o*ly.In : (o+1)*ly.In] {
					wt[j*ly.Out+o] = v
				}
			}
			gemm(blas.NoTrans, blas.NoTrans, rows, ly.Out, ly.In, 1, in, wt, beta, pre)
		}
		if pert {
			ga, gd := g.a[l], g.d[l+1]
			for k := range rows {
				var v float64
				if l == 0 && b.sq != nil {
					v = b.sq[k] // g's inputs are b's: a_k . x_k = ||x_k||^2
				} else {
					v = floats.Dot(ga[k*ly.In:(k+1)*ly.In], in[k*ly.In:(k+1)*ly.In])
				}
				if ly.BiasOffset >= 0 {
					v++
				}
				if ck := c[k] * v; ck != 0 {
					floats.AddScaled(pre[k*ly.Out:(k+1)*ly.Out], ck, gd[k*ly.Out:(k+1)*ly.Out])
				}
			}
		}
		if l == L-1 {
			break
		}
		n.activate(b.a[l+1][:rows*ly.Out], pre)
	}
}

// BackwardBatch sets b's errors for the output gradients dz (rows x Out)
// at the weights of b's last ForwardBatch (pass the same w, g and c). If dh
// is not nil it is an extra gradient on the last hidden activations (rows x
// hidden width), back-propagated as well (ignored for a linear model). The
// weight gradient itself is added by AddGradBatch; GradNorms gives its
// per-example norms.
func (n *Net) BackwardBatch(b *Batch, w, dz, dh []float64, g *Batch, c []float64) {
	rows, L := b.rows, len(n.layers)
	pert := perturbed(g, c)
	copy(b.d[L][:rows*n.Out], dz[:rows*n.Out])
	for l := L - 1; l >= 1; l-- {
		ly := n.layers[l]
		d := b.d[l+1][:rows*ly.Out]
		db := b.d[l][:rows*ly.In]
		W := w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		beta := 0.0
		if l == L-1 && dh != nil {
			copy(db, dh[:rows*ly.In])
			beta = 1
		}
		gemm(blas.NoTrans, blas.NoTrans, rows, ly.In, ly.Out, 1, d, W, beta, db)
		if pert {
			ga, gd := g.a[l], g.d[l+1]
			for k := range rows {
				v := c[k] * floats.Dot(gd[k*ly.Out:(k+1)*ly.Out], d[k*ly.Out:(k+1)*ly.Out])
				if v != 0 {
					floats.AddScaled(db[k*ly.In:(k+1)*ly.In], v, ga[k*ly.In:(k+1)*ly.In])
				}
			}
		}
		switch n.Act {
		case ReLU:
			for j, v := range b.pre[l][:rows*ly.In] {
				if v <= 0 {
					db[j] = 0
				}
			}
		case Tanh:
			for j, v := range b.a[l][:rows*ly.In] {
				db[j] *= 1 - v*v
			}
		}
	}
}

// AddGradBatch adds scale times the summed gradient of b's examples,
// sum_k J_k^T dz_k, to dst (from the last BackwardBatch; at the weights of
// its pass, per-example ones included).
func (n *Net) AddGradBatch(dst []float64, b *Batch, scale float64) {
	rows := b.rows
	for l, ly := range n.layers {
		d := b.d[l+1][:rows*ly.Out]
		gemm(blas.Trans, blas.NoTrans, ly.Out, ly.In, rows, scale, d, b.a[l][:rows*ly.In], 1, dst[ly.WeightOffset:ly.WeightOffset+ly.In*ly.Out])
		if ly.BiasOffset >= 0 {
			gb := dst[ly.BiasOffset : ly.BiasOffset+ly.Out]
			for k := range rows {
				floats.AddScaled(gb, scale, d[k*ly.Out:(k+1)*ly.Out])
			}
		}
	}
}

// GradNorms sets dst[k] (length Rows) to the norm of example k's gradient
// J_k^T dz_k from the last BackwardBatch: each layer's part is the outer
// product delta a^T, of norm ||delta||*||a||, so the gradient is never
// formed. A gradient so small that its squares underflow (a well-fit
// example: entries below about 1e-150) still gets its norm, computed again
// with its errors scaled by their largest entry; only a zero gradient has
// norm 0.
func (n *Net) GradNorms(dst []float64, b *Batch) {
	dst = dst[:b.rows]
	clear(dst)
	for l, ly := range n.layers {
		d, a := b.d[l+1], b.a[l]
		for k := range dst {
			dk, ak := d[k*ly.Out:(k+1)*ly.Out], a[k*ly.In:(k+1)*ly.In]
			var aa float64
			if l == 0 && b.sq != nil {
				aa = b.sq[k]
			} else {
				aa = floats.Dot(ak, ak)
			}
			if ly.BiasOffset >= 0 {
				aa++
			}
			dst[k] += floats.Dot(dk, dk) * aa
		}
	}
	for k, v := range dst {
		if v > tinySquare && !math.IsInf(v, 0) {
			dst[k] = math.Sqrt(v)
			continue
		}
		dst[k] = n.gradNormScaled(b, k)
	}
}

// tinySquare is the squared norm below which GradNorms recomputes a norm
// with scaling: far above float64's smallest normal number (2.2e-308), so a
// sum of squares above it lost nothing to underflow.
const tinySquare = 1e-280

// gradNormScaled returns the norm of example k's gradient with every layer's
// error scaled by the largest error entry s over all layers:
// s * sqrt(sum_l ||delta_l/s||^2 (||a_l||^2 + [bias])).
func (n *Net) gradNormScaled(b *Batch, k int) float64 {
	s := 0.0
	for l, ly := range n.layers {
		for _, v := range b.d[l+1][k*ly.Out : (k+1)*ly.Out] {
			s = max(s, math.Abs(v))
		}
	}
	if s == 0 || math.IsInf(s, 0) || math.IsNaN(s) {
		return s
	}
	sum := 0.0
	for l, ly := range n.layers {
		aa := floats.Norm(b.a[l][k*ly.In:(k+1)*ly.In], 2)
		aa *= aa
		if ly.BiasOffset >= 0 {
			aa++
		}
		dd := 0.0
		for _, v := range b.d[l+1][k*ly.Out : (k+1)*ly.Out] {
			dd += (v / s) * (v / s)
		}
		sum += dd * aa
	}
	return s * math.Sqrt(sum)
}
