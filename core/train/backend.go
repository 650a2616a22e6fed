// Package train trains the toy networks: Toy, the core/optim Backend over
// core/model's networks (model.Net, flat []float64 parameters, products
// through gonum), a Trainer that a UI can drive one step at a time and a
// batch runner (core/experiment) to the end, with a Recorder observing it,
// the per-step metrics of the paper and the per-example update shares.
package train

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
)

// Toy implements optim.Backend[[]float64, *Examples] for a model.Net on a
// dataset: every pass is a batched one (model.Batch), matrix products over
// the examples. It is not safe for concurrent use.
type Toy struct {
	Net  *model.Net
	Data *data.Dataset

	bt    *model.Batch
	r, dh []float64
	// last is the batch of the last gradient pass, for Contributions.
	last *model.Batch
	// norms caches the squared norms of Data's rows (rowNorms).
	norms rowNorms
	// copyRows makes every pass copy its examples into the batch, the
	// simple path that reading them in place replaces (for the test that
	// the two agree).
	copyRows bool
}

// rowNorms holds the squared norms of a dataset's rows, floats.Dot(x_i,
// x_i), for the passes that would compute them every step (model.UseRows):
// computed once per dataset, recomputed when the dataset is another.
type rowNorms struct {
	d  *data.Dataset
	x0 *float64 // &d.X[0] when computed
	n  int      // d.N() when computed
	sq []float64
}

// of returns the squared norms of d's rows.
func (r *rowNorms) of(d *data.Dataset) []float64 {
	if r.d == d && r.n == d.N() && len(d.X) > 0 && r.x0 == &d.X[0] {
		return r.sq
	}
	r.d, r.n, r.sq = d, d.N(), grow(r.sq, d.N())[:d.N()]
	r.x0 = nil
	if len(d.X) > 0 {
		r.x0 = &d.X[0]
	}
	for i := range r.sq {
		x := d.Row(i)
		r.sq[i] = floats.Dot(x, x)
	}
	return r.sq
}

// contiguous returns lo when batch is the run of examples lo, lo+1, ...
// (a full batch in order), and -1 otherwise.
func contiguous(batch []int) int {
	if len(batch) == 0 {
		return -1
	}
	lo := batch[0]
	for k, i := range batch {
		if i != lo+k {
			return -1
		}
	}
	return lo
}

var _ optim.Backend[[]float64, *Examples] = (*Toy)(nil)

// Examples is the toy backend's per-example batch value: the clean pass of
// a chunk (its activations and errors hold every example's gradient in
// factored form) and the scratch of the perturbed passes.
type Examples struct {
	chunk       []int
	clean, pert *model.Batch
	r           []float64
}

// NewToy returns the backend for net on the training set d.
func NewToy(net *model.Net, d *data.Dataset) *Toy {
	return &Toy{Net: net, Data: d, bt: net.NewBatch(0)}
}

// NewVec returns a zero parameter vector.
func (t *Toy) NewVec() []float64 { return make([]float64, t.Net.NumParams()) }

// Copy sets dst = src.
func (t *Toy) Copy(dst, src []float64) { copy(dst, src) }

// Axpy sets dst += a*x.
func (t *Toy) Axpy(dst []float64, a float64, x []float64) { floats.AddScaled(dst, a, x) }

// Scale sets v *= a (a == 0 clears v, NaNs included).
func (t *Toy) Scale(v []float64, a float64) {
	if a == 0 {
		clear(v)
		return
	}
	for i := range v {
		v[i] *= a
	}
}

// Norm returns ||v||_2.
func (t *Toy) Norm(v []float64) float64 { return norm(v) }

// norm returns ||v||_2, computed again with scaling (gonum's floats.Norm)
// when the sum of squares underflows or overflows, so that only a zero
// vector has norm 0 (optim.AscentScale).
func norm(v []float64) float64 {
	if s := floats.Dot(v, v); s > 1e-280 && !math.IsInf(s, 0) {
		return math.Sqrt(s)
	}
	return floats.Norm(v, 2)
}

// Outputs returns the number of logits.
func (t *Toy) Outputs() int { return t.Net.Out }

// load sets b's inputs to the examples of batch: the dataset's rows in
// place, with their cached squared norms, when batch is a run of them (a
// full batch), else a copy.
func (t *Toy) load(b *model.Batch, batch []int) {
	d := t.Data.D
	if lo := contiguous(batch); lo >= 0 && !t.copyRows {
		hi := lo + len(batch)
		t.Net.UseRows(b, t.Data.X[lo*d:hi*d], t.norms.of(t.Data)[lo:hi])
		return
	}
	x := t.Net.SetRows(b, len(batch))
	for k, i := range batch {
		copy(x[k*d:(k+1)*d], t.Data.Row(i))
	}
}

// residuals sets r (len(batch)*Out) to the residuals of b's logits against
// the labels of batch and returns the summed loss.
func (t *Toy) residuals(r []float64, b *model.Batch, batch []int) float64 {
	k, loss := t.Net.Out, 0.0
	for j, i := range batch {
		loss += model.Residual(r[j*k:(j+1)*k], t.Net.Logits(b, j), t.Data.Y[i])
	}
	return loss
}

// Grad sets dst to the mean gradient over batch plus p's penalties.
func (t *Toy) Grad(dst, w []float64, batch []int, p optim.Pass) float64 {
	n := t.Net
	t.load(t.bt, batch)
	n.ForwardBatch(t.bt, w, nil, nil)
	t.r = grow(t.r, len(batch)*n.Out)
	loss := t.residuals(t.r, t.bt, batch)
	var dh []float64
	if p.GammaAct != 0 && len(n.Hidden) > 0 {
		h := n.HiddenBatch(t.bt)
		t.dh = grow(t.dh, len(h))
		dh = t.dh[:len(h)]
		for j, v := range h {
			dh[j] = 2 * p.GammaAct * v
		}
	}
	n.BackwardBatch(t.bt, w, t.r, dh, nil, nil)
	inv := 1 / float64(len(batch))
	t.meanGrad(dst, t.bt, inv)
	if p.GammaLast != 0 {
		wl := n.LastWeights(w)
		gl := n.LastWeights(dst)
		for j, v := range wl {
			gl[j] += 2 * p.GammaLast * v
		}
	}
	return loss * inv
}

// meanGrad sets dst to scale times the summed gradient of b's examples (b's
// last backward pass) and keeps b as the last pass, for Contributions.
func (t *Toy) meanGrad(dst []float64, b *model.Batch, scale float64) {
	t.last = b
	clear(dst)
	t.Net.AddGradBatch(dst, b, scale)
}

// grow returns v with length at least n (reallocated only when too short).
func grow(v []float64, n int) []float64 {
	if len(v) < n {
		return make([]float64, n)
	}
	return v
}

// Chunk returns the largest int: the toy takes any batch in one chunk.
func (t *Toy) Chunk() int { return math.MaxInt }

// NewExamples returns an empty per-example batch value.
func (t *Toy) NewExamples() *Examples {
	return &Examples{clean: t.Net.NewBatch(0), pert: t.Net.NewBatch(0)}
}

// ExampleGrads runs the clean pass of chunk at w, keeping each example's
// gradient in factored form in e, and sets the gradient norms and residuals.
func (t *Toy) ExampleGrads(e *Examples, norm, r, w []float64, chunk []int) float64 {
	n := t.Net
	e.chunk = chunk
	t.load(e.clean, chunk)
	n.ForwardBatch(e.clean, w, nil, nil)
	loss := t.residuals(r, e.clean, chunk)
	n.BackwardBatch(e.clean, w, r, nil, nil, nil)
	n.GradNorms(norm, e.clean)
	t.last = e.clean
	return loss / float64(len(chunk))
}

// forwardAt runs e's chunk forward at w + c_k G_k into e.pert.
func (t *Toy) forwardAt(w []float64, e *Examples, c []float64) {
	t.Net.CopyInputs(e.pert, e.clean)
	t.Net.ForwardBatch(e.pert, w, e.clean, c)
}

// GradAt sets dst = mean_k grad l_k(w + c_k G_k).
func (t *Toy) GradAt(dst, w []float64, e *Examples, c []float64) {
	n := t.Net
	t.forwardAt(w, e, c)
	e.r = grow(e.r, len(e.chunk)*n.Out)
	t.residuals(e.r, e.pert, e.chunk)
	n.BackwardBatch(e.pert, w, e.r, nil, e.clean, c)
	t.meanGrad(dst, e.pert, 1/float64(len(e.chunk)))
}

// ResidualsAt sets r to r_k(w + c_k G_k).
func (t *Toy) ResidualsAt(r, w []float64, e *Examples, c []float64) {
	t.forwardAt(w, e, c)
	t.residuals(r, e.pert, e.chunk)
}

// VJPAt sets dst = mean_k J_k(w + c_k G_k)^T r_k (c nil: at w, reusing the
// clean forward pass).
func (t *Toy) VJPAt(dst, w []float64, e *Examples, c, r []float64) {
	n := t.Net
	if c == nil {
		n.CopyForward(e.pert, e.clean)
	} else {
		t.forwardAt(w, e, c)
	}
	n.BackwardBatch(e.pert, w, r, nil, e.clean, c)
	t.meanGrad(dst, e.pert, 1/float64(len(e.chunk)))
}

// Contributions sets dst[k] (one per example of the last gradient pass:
// Grad, ExampleGrads, GradAt or VJPAt) to the norm of example k's
// contribution to that pass's gradient, e.g. ||grad l_k(w + e_k)|| after
// GradAt: the weight each example has in the direction a method takes. It
// reads the pass's stored errors and activations (no extra pass) and
// returns the number of values set.
func (t *Toy) Contributions(dst []float64) int {
	if t.last == nil {
		return 0
	}
	t.Net.GradNorms(dst, t.last)
	return t.last.Rows()
}
