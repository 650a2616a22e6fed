//go:build torch

package torchnet

import (
	"math"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// Examples is the LibTorch backend's per-example batch value: the images
// and labels of one chunk of examples and each example's gradient G_k, in
// one of three forms per layer. A grouped-form convolution's and every
// normalisation's gradients are stacked in G, one tensor [n, ...shape] per
// parameter; a linear layer's per-example gradient is rank one,
// delta_k h_k^T (and delta_k for the bias), so lin keeps its factors
// instead: the layer's output error delta [n,out] and its input h [n,in]; a
// ghost-form convolution (Backend.Form, GhostCheaper) keeps its input and
// output error in ghost and never forms G_k.
//
// Every stored gradient is G_k/s_k, where s_k = max_j |r_kj| is the largest
// entry of the example's residual (the backward pass starts from r_k/s_k):
// a well-fit example's gradient may be far below float32's range when
// squared, but its direction is as defined as anyone's (issue 19.1,
// optim.AscentScale). The norm reported is s_k ||G_k/s_k||, in float64.
type Examples struct {
	n     int
	x, y  *ts.Tensor // the chunk's inputs [n,C,H,W] and labels [n]
	own   bool       // x and y are copies to drop
	yh    []int
	scale []float64 // s_k
	G     Vec
	lin   map[int]linGrad   // by the index of the layer's weight
	ghost map[int]ghostGrad // by the index of the layer's weight
	// merged marks the convolutions whose G_k the perturbed pass applies
	// in the merged form (Forms), by the index of the weight.
	merged map[int]bool
}

// linGrad is a linear layer's per-example gradients in factored form.
type linGrad struct{ delta, h *ts.Tensor }

func (e *Examples) drop() {
	if e.own && e.x != nil {
		e.x.MustDrop()
		e.y.MustDrop()
	}
	e.G.Drop()
	for _, l := range e.lin {
		l.delta.MustDrop()
		l.h.MustDrop()
	}
	for _, g := range e.ghost {
		g.delta.MustDrop()
		g.in.MustDrop()
	}
	e.x, e.y, e.G, e.lin, e.ghost, e.merged, e.own = nil, nil, nil, nil, nil, nil, false
}

// Per-example passes evaluate a whole chunk at once, as vmap batches them
// (JAX's and PyTorch's convolution batch rules), in two forms.
//
// eachOps (ExampleGrads) gives every example its own copy of the
// convolution and normalisation parameters, stacked [n, ...shape] as
// autograd leaves, so that one backward pass leaves each example's gradient
// in its slice of the leaves' gradients: a convolution with per-example
// kernels is one grouped convolution over the input viewed as [1, n*C, H, W]
// (kernels [n*out, in, k, k], groups = n); LayerNorm and GroupNorm with
// per-example affine parameters are one GroupNorm with n times the groups.
// A linear layer keeps its shared weights and adds a zero "probe" leaf to
// its output, whose gradient is the layer's per-example output error.
//
// atOps (GradAt, ResidualsAt, VJPAt) evaluates the per-example weights
// w + c_k G_k without forming them: every layer is linear in its weights, so
// it is the ordinary batch layer at w (shared parameters, whose gradient
// autograd sums over the examples) plus c_k times the layer at G_k (the
// grouped convolution or batched product above, with the constant G_k). The
// per-example weight gradients are then never computed, only the shared one.
// A merged-form convolution (Forms) is the exception: where the kernels are
// small against the work, it forms w + c_k G_k and runs one grouped
// convolution, whose per-example weight gradients autograd sums into the
// shared one.
//
// BatchNorm in per-example passes normalises each example by its own
// statistics (the batch-1 statistics an example-at-a-time pass sees):
// per-example BatchNorm is ill-posed, which is why the paper uses LayerNorm.

// grouped returns the grouped convolution of x [n,C,H,W] with per-example
// kernels k [n,out,in,kh,kw], as [n,out,H',W'].
func (f *pass) grouped(c convL, x, k *ts.Tensor) *ts.Tensor {
	xs, ks := x.MustSize(), k.MustSize()
	n := xs[0]
	xg := f.keep(x.MustReshape([]int64{1, n * xs[1], xs[2], xs[3]}, false))
	kg := f.keep(k.MustReshape([]int64{n * ks[1], ks[2], ks[3], ks[4]}, false))
	y := f.keep(ts.MustConv2d(xg, kg, ts.None, []int64{c.stride, c.stride}, []int64{c.pad, c.pad}, []int64{1, 1}, n))
	ys := y.MustSize()
	return f.keep(y.MustReshape([]int64{n, ks[1], ys[2], ys[3]}, false))
}

// normalise returns x [n,C,H,W] normalised without affine parameters, each
// example by its own statistics (LayerNorm / GroupNorm by construction,
// BatchNorm as instance statistics).
func (f *pass) normalise(l normL, x *ts.Tensor) *ts.Tensor {
	cudnn := f.n.Device.Name != "CPU"
	if l.kind != "bn" {
		return f.keep(ts.MustGroupNorm(x, l.groups, ts.None, ts.None, 1e-5, cudnn))
	}
	xs := x.MustSize()
	xg := f.keep(x.MustReshape([]int64{1, xs[0] * xs[1], xs[2], xs[3]}, false))
	y := f.keep(ts.MustBatchNorm(xg, ts.None, ts.None, ts.None, ts.None, true, 0.1, 1e-5, cudnn))
	return f.keep(y.MustReshape(xs, false))
}

// affine returns xh*scale + shift for per-example scale and shift [n,C].
func (f *pass) affine(xh, scale, shift *ts.Tensor) *ts.Tensor {
	ss := scale.MustSize()
	sh := []int64{ss[0], ss[1], 1, 1}
	sc := f.keep(scale.MustReshape(sh, false))
	sf := f.keep(shift.MustReshape(sh, false))
	return f.keep(sf.MustAddcmul(xh, sc, false))
}

// eachOps evaluates the plain layers at the shared parameters and adds a
// zero "probe" leaf to each convolution's and linear layer's output (in
// place): the backward pass leaves in each probe's gradient the layer's
// per-example output error delta, from which ExampleGrads forms each
// example's parameter gradient. A norm's affine parameters are replicated
// per example as leaves [n,C], whose gradients are the per-example ones.
type eachOps struct {
	f      *pass
	probes *[]probe // in forward order (the norms' sums must not depend on map order)
}

// probe is one layer's output error (the probe leaf, then its gradient) and
// its input (convolution, linear), or a norm's per-example affine leaves.
type probe struct {
	kind        byte // 'c' conv, 'n' norm, 'l' linear
	key         int  // the index of the layer's (first) parameter
	conv        convL
	norm        normL
	in          *ts.Tensor
	delta       *ts.Tensor
	gamma, beta *ts.Tensor
}

func (o eachOps) watch(key int, p probe, out *ts.Tensor) *ts.Tensor {
	f := o.f
	p.in = f.hold(p.in.MustDetach(false)) // a constant in the gradient formulas
	p.delta = f.hold(out.MustZerosLike(false))
	p.delta.MustRequiresGrad_(true)
	p.key = key
	*o.probes = append(*o.probes, p)
	out.MustAdd_(p.delta) // out is no saved input of any node yet
	return out
}

func (o eachOps) conv(c convL, x *ts.Tensor) *ts.Tensor {
	return o.watch(c.w, probe{kind: 'c', conv: c, in: x}, o.f.conv(c, x))
}

func (o eachOps) norm(l normL, x *ts.Tensor) *ts.Tensor {
	if !l.enabled {
		return x
	}
	f := o.f
	n := x.MustSize()[0]
	rep := func(i int) *ts.Tensor {
		p := f.keep(f.p[i].MustUnsqueeze(0, false))
		t := f.hold(p.MustRepeat([]int64{n, 1}, false))
		t.MustRequiresGrad_(true)
		return t
	}
	p := probe{kind: 'n', key: l.w, norm: l, gamma: rep(l.w), beta: rep(l.b)}
	*o.probes = append(*o.probes, p)
	return f.affine(f.normalise(l, x), p.gamma, p.beta)
}

func (o eachOps) linear(l [2]int, h *ts.Tensor) *ts.Tensor {
	return o.watch(l[0], probe{kind: 'l', in: h}, o.f.linear(l, h))
}

// atOps evaluates layers at the per-example weights w + c_k G_k: f.p holds
// w (shared), G the per-example gradients [n, ...], c the scales [n] (G nil:
// at w itself, BatchNorm still per example).
type atOps struct {
	f *pass
	G Vec
	e *Examples
	c *ts.Tensor
}

// cview returns the scales c viewed to broadcast against y [n, ...].
func (o atOps) cview(y *ts.Tensor) *ts.Tensor {
	shape := make([]int64, y.Dim())
	for i := range shape {
		shape[i] = 1
	}
	shape[0] = -1
	return o.f.keep(o.c.MustReshape(shape, false))
}

func (o atOps) conv(c convL, x *ts.Tensor) *ts.Tensor {
	f := o.f
	if o.G != nil && o.e.merged[c.w] { // one grouped convolution with w + c_k G_k
		w := f.keep(f.p[c.w].MustUnsqueeze(0, false))
		return f.grouped(c, x, f.keep(w.MustAddcmul(o.G[c.w], o.cview(o.G[c.w]), false)))
	}
	y := f.conv(c, x)
	if o.G == nil {
		return y
	}
	if g, ok := o.e.ghost[c.w]; ok {
		cv := f.keep(o.c.MustReshape([]int64{-1, 1, 1}, false))
		return f.keep(y.MustAdd(f.ghostTerm(c, x, g, cv, y), false))
	}
	d := f.grouped(c, x, o.G[c.w])
	return f.keep(y.MustAddcmul(d, o.cview(d), false))
}

// perExample returns p + c_k G_k ([n, ...]) for a small parameter p.
func (o atOps) perExample(i int) *ts.Tensor {
	f := o.f
	p := f.keep(f.p[i].MustUnsqueeze(0, false))
	if o.G == nil {
		n := o.c.MustSize()[0]
		rep := make([]int64, p.Dim())
		for j := range rep {
			rep[j] = 1
		}
		rep[0] = n
		return f.keep(p.MustRepeat(rep, false))
	}
	return f.keep(p.MustAddcmul(o.G[i], o.cview(o.G[i]), false))
}

func (o atOps) norm(l normL, x *ts.Tensor) *ts.Tensor {
	if !l.enabled {
		return x
	}
	if l.kind == "bn" {
		return o.f.affine(o.f.normalise(l, x), o.perExample(l.w), o.perExample(l.b))
	}
	y := o.f.norm(l, x)
	if o.G == nil {
		return y
	}
	// The affine map is linear in its parameters: the shared, fused norm at
	// w plus c_k (xh_k gamma'_k + beta'_k), G_k = (gamma'_k, beta'_k). The
	// normalised xh is recomputed for the second term and multiplied by
	// constants, so autograd saves no activation for it beyond the norm's
	// statistics (the per-example affine over xh saved xh for every norm).
	f := o.f
	scale := f.keep(o.G[l.w].MustMul(o.cview(o.G[l.w]), false))
	shift := f.keep(o.G[l.b].MustMul(o.cview(o.G[l.b]), false))
	return f.keep(y.MustAdd(f.affine(f.normalise(l, x), scale, shift), false))
}

// linear adds c_k G_k h'_k = c_k (h_k . h'_k + 1) delta_k to the shared
// layer's output (G_k = delta_k [h_k; 1]^T).
func (o atOps) linear(l [2]int, h *ts.Tensor) *ts.Tensor {
	f := o.f
	z := f.linear(l, h)
	if o.G == nil {
		return z
	}
	g := o.e.lin[l[0]]
	hh := f.keep(g.h.MustMul(h, false))
	s := f.keep(hh.MustSumDimIntlist([]int64{1}, true, gotch.Float, false))
	s = f.keep(s.MustAddScalar(f.scalar(1), false))
	sc := f.keep(s.MustMul(f.keep(o.c.MustUnsqueeze(1, false)), false))
	return f.keep(z.MustAddcmul(g.delta, sc, false))
}

// at returns the layer evaluator for w + c_k G_k over e's chunk (c nil: w).
// The stored gradients are G_k/s_k, so they are scaled by c_k s_k.
func (f *pass) at(e *Examples, c []float64) atOps {
	cf := make([]float32, e.n)
	for k := range cf {
		if c != nil {
			cf[k] = float32(c[k] * e.scale[k])
		}
	}
	o := atOps{f: f, c: f.keep(FromFloat32(cf, []int64{int64(e.n)}, f.n.Device))}
	if c != nil {
		o.G, o.e = e.G, e
	}
	return o
}

// chunkInputs sets e's inputs to the examples of chunk.
func (b *Backend) chunkInputs(e *Examples, chunk []int) {
	e.drop()
	e.x, e.y, e.own = b.inputs(chunk)
	e.n = len(chunk)
	e.yh = e.yh[:0]
	for _, i := range chunk {
		e.yh = append(e.yh, b.yh[i])
	}
}

// residualsFrom sets r (n*K) to softmax(logits) - onehot(y). The true
// class's entry is minus the sum of the others (p_y - 1 in float32 is 0 for
// a well-fit example, whose other probabilities are tiny but not zero).
func (b *Backend) residualsFrom(r []float64, logits *ts.Tensor, y []int) {
	k := b.Net.Spec.K
	pr := logits.MustSoftmax(1, gotch.Float, false)
	defer pr.MustDrop()
	probs := make([]float32, len(y)*k)
	ToFloat32(pr, probs)
	for i, c := range y {
		o := 0.0
		for j, p := range probs[i*k : (i+1)*k] {
			r[i*k+j] = float64(p)
			if j != c {
				o += float64(p)
			}
		}
		r[i*k+c] = -o
	}
}

// residualScales sets s[k] = max_j |r_kj| (1 where r_k is zero) and returns
// r_k/s_k as a [n,K] tensor on the device.
func (b *Backend) residualScales(s, r []float64) *ts.Tensor {
	k := b.Net.Spec.K
	rs := make([]float32, len(r))
	for i := range s {
		m := 0.0
		for _, v := range r[i*k : (i+1)*k] {
			m = max(m, math.Abs(v))
		}
		if !(m > 0) || math.IsInf(m, 0) {
			m = 1
		}
		s[i] = m
		for j, v := range r[i*k : (i+1)*k] {
			rs[i*k+j] = float32(v / m)
		}
	}
	return FromFloat32(rs, []int64{int64(len(s)), int64(k)}, b.Net.Device)
}

// sumCrossEntropy returns the summed cross-entropy of logits against y.
func (f *pass) sumCrossEntropy(logits, y *ts.Tensor) *ts.Tensor {
	lp := f.keep(logits.MustLogSoftmax(1, gotch.Float, false))
	return f.keep(lp.MustNllLoss(y, ts.None, ts.ReductionSum, -100, false))
}

// NewExamples returns an empty per-example batch value; Close (or
// DropExamples) frees its tensors.
func (b *Backend) NewExamples() *Examples {
	e := &Examples{}
	b.examples = append(b.examples, e)
	return e
}

// ExampleGrads computes every example's gradient of the chunk in one
// backward pass (eachOps), started from each example's residual divided by
// its largest entry (Examples), and each example's norm: from the stored
// gradient (grouped form, norms), its factors (linear layers) or the Grams
// of its factors (ghost form).
func (b *Backend) ExampleGrads(e *Examples, norm, r []float64, w Vec, chunk []int) float64 {
	b.chunkInputs(e, chunk)
	n := int64(e.n)
	f := &pass{n: b.Net, train: true, p: w}
	defer f.done()
	o := eachOps{f: f, probes: new([]probe)}
	logits, _ := f.walk(o, e.x)
	loss := f.sumCrossEntropy(logits, e.y)
	v := scalarValue(loss)
	b.residualsFrom(r, logits, e.yh)
	e.scale = append(e.scale[:0], make([]float64, n)...)
	rt := f.keep(b.residualScales(e.scale, r[:int(n)*b.Net.Spec.K]))
	prod := f.keep(logits.MustMul(rt, false))
	obj := f.keep(prod.MustSum(gotch.Float, false))
	obj.MustBackward() // the gradient of sum_k <r_k/s_k, f_k>: J_k^T r_k/s_k

	// sq collects per-example squared norms [n], one per parameter.
	var sq []*ts.Tensor
	sumRows := func(t *ts.Tensor) *ts.Tensor { // sum of squares over all but the example axis
		s := f.keep(t.MustSquare(false))
		if t.Dim() == 1 {
			return s
		}
		return f.keep(s.MustReshape([]int64{n, -1}, false).MustSumDimIntlist([]int64{1}, false, gotch.Float, true))
	}
	e.G, e.lin, e.ghost, e.merged = make(Vec, len(w)), map[int]linGrad{}, map[int]ghostGrad{}, map[int]bool{}
	for _, p := range *o.probes {
		key := p.key
		// Each layer's squares are all that outlives its iteration: its
		// temporaries (a squared G_k, the unfolded inputs and Grams of the
		// ghost norms) are freed before the next layer's are made.
		mark := f.scope()
		if p.kind == 'n' { // the leaves' gradients: dgamma_k, dbeta_k [n,C]
			l := p.norm
			e.G[l.w], e.G[l.b] = p.gamma.MustGrad(false), p.beta.MustGrad(false)
			s := f.keep(sumRows(e.G[l.w]).MustAdd(sumRows(e.G[l.b]), false))
			sq = append(sq, f.endScope(mark, s))
			continue
		}
		d := f.keep(p.delta.MustGrad(false))
		switch {
		case p.kind == 'c' && b.convForm(p.conv, d) == "ghost": // keep the factors; the norm from their Grams
			g := ghostGrad{in: p.in.MustShallowClone(), delta: d.MustDetach(false)}
			e.ghost[key] = g
			sq = append(sq, f.ghostSquares(p.conv, g))
		case p.kind == 'c': // dW_k = delta_k (*) x_k: unfolded input times output error
			c := p.conv
			ks := w[c.w].MustSize() // [out, in, kh, kw]
			cols := p.in.MustIm2col([]int64{ks[2], ks[3]}, []int64{1, 1}, []int64{c.pad, c.pad}, []int64{c.stride, c.stride}, false)
			colsT := cols.MustTranspose(1, 2, true) // [n, L, in*kh*kw], a view
			dl := d.MustReshape([]int64{n, ks[0], -1}, false)
			g := dl.MustBmm(colsT, false)
			colsT.MustDrop() // the unfolded input is 9x the activation: free it now
			dl.MustDrop()
			e.G[key] = g.MustReshape([]int64{n, ks[0], ks[1], ks[2], ks[3]}, true)
			e.merged[key] = b.convForm(c, d) == "merged"
			sq = append(sq, sumRows(e.G[key]))
		case p.kind == 'l': // rank one: delta_k [h_k; 1]^T, kept factored
			g := linGrad{delta: d.MustDetach(false), h: p.in.MustShallowClone()}
			e.lin[key] = g
			// ||delta_k [h_k; 1]^T||^2 = ||delta_k||^2 (||h_k||^2 + 1)
			hh := f.keep(sumRows(g.h).MustAddScalar(f.scalar(1), false))
			sq = append(sq, f.keep(sumRows(g.delta).MustMul(hh, false)))
		}
		sq[len(sq)-1] = f.endScope(mark, sq[len(sq)-1])
	}
	st := f.keep(ts.MustStack(sq, 0))
	tot := f.keep(st.MustSumDimIntlist([]int64{0}, false, gotch.Float, false))
	nf := make([]float32, n)
	ToFloat32(tot, nf)
	for k, x := range nf {
		norm[k] = e.scale[k] * math.Sqrt(max(0, float64(x)))
	}
	return v / float64(n)
}

// forwardAt returns the logits of e's chunk at f.p + c_k G_k (f.p: leaves
// for a gradient, the weights themselves for values only).
func (f *pass) forwardAt(e *Examples, c []float64) *ts.Tensor {
	logits, _ := f.walk(f.at(e, c), e.x)
	return logits
}

// GradAt sets dst = mean_k grad l_k(w + c_k G_k): one forward of the chunk
// at its per-example weights, built from one shared leaf so the backward
// pass sums the examples' gradients into it. The backward pass starts from
// the residuals r_k(w + c_k G_k) (residualsFrom: exact for a well-fit
// example, where autograd's p_y - 1 rounds to 0 in float32).
func (b *Backend) GradAt(dst, w Vec, e *Examples, c []float64) {
	l := leaves(w)
	f := &pass{n: b.Net, train: true, p: l}
	defer f.done()
	logits := f.forwardAt(e, c)
	r := make([]float64, e.n*b.Net.Spec.K)
	b.residualsFrom(r, logits, e.yh)
	f.backwardFrom(logits, r)
	takeGrads(dst, l)
	b.Scale(dst, 1/float64(e.n))
}

// backwardFrom runs the backward pass of sum_k <r_k, logits_k>.
func (f *pass) backwardFrom(logits *ts.Tensor, r []float64) {
	s := logits.MustSize()
	rv := make([]float32, s[0]*s[1])
	for j, v := range r[:len(rv)] {
		rv[j] = float32(v)
	}
	rt := f.keep(FromFloat32(rv, s, f.n.Device))
	prod := f.keep(logits.MustMul(rt, false))
	sum := f.keep(prod.MustSum(gotch.Float, false))
	sum.MustBackward()
}

// ResidualsAt sets r to r_k(w + c_k G_k) for e's chunk.
func (b *Backend) ResidualsAt(r []float64, w Vec, e *Examples, c []float64) {
	// w and G are plain tensors, so no graph is built (grad mode is per OS
	// thread: it is never switched here).
	f := &pass{n: b.Net, train: true, p: w}
	defer f.done()
	logits := f.forwardAt(e, c)
	b.residualsFrom(r, logits, e.yh)
}

// VJPAt sets dst = mean_k J_k(w + c_k G_k)^T r_k, the gradient of
// sum_k <r_k, f(w_k, x_k)>/n. At the clean weights (c == nil) it is the
// ordinary batch pass (BatchNorm still per example).
func (b *Backend) VJPAt(dst, w Vec, e *Examples, c, r []float64) {
	l := leaves(w)
	f := &pass{n: b.Net, train: true, p: l}
	defer f.done()
	logits := f.forwardAt(e, c)
	f.backwardFrom(logits, r)
	takeGrads(dst, l)
	b.Scale(dst, 1/float64(e.n))
}
