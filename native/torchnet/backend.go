//go:build torch

package torchnet

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/samlab/samlab/core/optim"
)

// Backend runs core/optim's methods on a Net: it implements
// optim.Backend[Vec, *Examples]. Examples are positions 0..B-1 in the current batch,
// set by SetBatch. A Backend is used from one goroutine at a time.
type Backend struct {
	Net *Net
	// UpdateStats makes unperturbed batch passes (Grad with
	// Pass.Perturbed false) update BatchNorm running statistics. The
	// training loop sets it; per-example passes never update them.
	UpdateStats bool

	x, y *ts.Tensor // current batch on the device: [B,C,H,W] float32, [B] int64
	yh   []int
	xs   []*ts.Tensor // per-example views of x and y, made on demand
	ys   []*ts.Tensor

	// ChunkSize is the most examples a per-example pass takes at once
	// (0: chosen from the memory at hand, see AutoChunk).
	ChunkSize int
	// Form is how per-example passes treat convolutions: "auto" or ""
	// (per layer, GhostCheaper), "ghost" or "grouped" (every layer; see
	// Forms). It changes the cost, not the result.
	Form     string
	auto     int
	examples []*Examples // handed out by NewExamples, freed by DropExamples
}

var _ optim.Backend[Vec, *Examples] = (*Backend)(nil)

// Method returns the method called name for the LibTorch backend.
func Method(name string, h optim.Hyper) (optim.Method[Vec, *Examples], error) {
	return optim.New[Vec, *Examples](name, h)
}

// NewBackend returns a backend for n with no batch set.
func NewBackend(n *Net) *Backend { return &Backend{Net: n, UpdateStats: true} }

// SetBatch uploads a batch: images x (B*C*H*W normalised float32, NCHW) and
// labels y (length B, in [0,K)).
func (b *Backend) SetBatch(x []float32, y []int) {
	s := b.Net.Spec
	if len(y) == 0 || len(x) != len(y)*s.InC*s.H*s.W {
		panic(fmt.Sprintf("torchnet: SetBatch with %d values for %d labels of %dx%dx%d", len(x), len(y), s.InC, s.H, s.W))
	}
	b.dropBatch()
	b.x = FromFloat32(x, []int64{int64(len(y)), int64(s.InC), int64(s.H), int64(s.W)}, b.Net.Device)
	b.y = FromInt64(y, b.Net.Device)
	b.yh = append(b.yh[:0], y...)
	b.xs = make([]*ts.Tensor, len(y))
	b.ys = make([]*ts.Tensor, len(y))
}

// BatchLen returns the size of the current batch.
func (b *Backend) BatchLen() int { return len(b.yh) }

// Batch returns 0..BatchLen()-1, the example indices of the whole batch.
func (b *Backend) Batch() []int {
	idx := make([]int, len(b.yh))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func (b *Backend) dropBatch() {
	for _, t := range append(b.xs, b.ys...) {
		if t != nil {
			t.MustDrop()
		}
	}
	if b.x != nil {
		b.x.MustDrop()
		b.y.MustDrop()
	}
	b.x, b.y, b.xs, b.ys = nil, nil, nil, nil
}

// Close frees the batch tensors and the per-example values.
func (b *Backend) Close() {
	b.dropBatch()
	b.DropExamples()
}

// DropExamples frees the tensors of every per-example value NewExamples
// handed out (a chunk's inputs and per-example gradients, about chunk x
// parameters), which a method keeps between steps. The values stay usable:
// the next ExampleGrads refills them.
func (b *Backend) DropExamples() {
	for _, e := range b.examples {
		e.drop()
	}
}

// inputs returns the images and labels of the examples in batch; own reports
// whether the caller must drop them.
func (b *Backend) inputs(batch []int) (x, y *ts.Tensor, own bool) {
	if len(batch) == 1 {
		i := batch[0]
		if b.xs[i] == nil {
			b.xs[i] = b.x.MustNarrow(0, int64(i), 1, false)
			b.ys[i] = b.y.MustNarrow(0, int64(i), 1, false)
		}
		return b.xs[i], b.ys[i], false
	}
	run := true // batch is lo, lo+1, ..., lo+len-1
	for k, i := range batch {
		if i != batch[0]+k {
			run = false
			break
		}
	}
	if run && len(batch) == len(b.yh) {
		return b.x, b.y, false
	}
	if run {
		lo, n := int64(batch[0]), int64(len(batch))
		return b.x.MustNarrow(0, lo, n, false), b.y.MustNarrow(0, lo, n, false), true
	}
	idx := FromInt64(batch, b.Net.Device)
	defer idx.MustDrop()
	return b.x.MustIndexSelect(0, idx, false), b.y.MustIndexSelect(0, idx, false), true
}

// leaves returns autograd leaves that share storage with w.
func leaves(w Vec) []*ts.Tensor {
	l := make([]*ts.Tensor, len(w))
	for i, t := range w {
		l[i] = t.MustDetach(false)
		l[i].MustRequiresGrad_(true)
	}
	return l
}

// takeGrads moves the gradients of the leaves into dst and drops the leaves.
func takeGrads(dst Vec, l []*ts.Tensor) {
	for i, t := range l {
		g := t.MustGrad(false)
		if !g.MustDefined() {
			g.MustDrop()
			g = t.MustZerosLike(false)
		}
		dst[i].MustDrop()
		dst[i] = g
		t.MustDrop()
	}
}

// NewVec returns a zero vector shaped like the parameters.
func (b *Backend) NewVec() Vec { return b.Net.Zeros() }

// Copy sets dst = src.
func (b *Backend) Copy(dst, src Vec) {
	for i := range dst {
		dst[i].Copy_(src[i])
	}
}

// Axpy sets dst = dst + a*x.
func (b *Backend) Axpy(dst Vec, a float64, x Vec) {
	s := ts.MustOfSlice([]float32{float32(a)})
	if b.Net.Device.Name != "CPU" {
		s = toDevice(s, b.Net.Device)
	}
	for i := range dst {
		dst[i].MustAddcmul_(x[i], s)
	}
	s.MustDrop()
}

// Scale sets v = a*v.
func (b *Backend) Scale(v Vec, a float64) {
	if a == 0 {
		for _, t := range v {
			t.MustZero_()
		}
		return
	}
	s := ts.FloatScalar(a)
	for _, t := range v {
		t.MustMulScalar_(s)
	}
	s.MustDrop()
}

// Norm returns the Euclidean norm of v over all parameters.
func (b *Backend) Norm(v Vec) float64 {
	norms := make([]*ts.Tensor, len(v))
	for i, t := range v {
		norms[i] = t.MustNorm(false)
	}
	st := ts.MustStack(norms, 0)
	tot := st.MustNorm(false)
	r := scalarValue(tot)
	for _, t := range norms {
		t.MustDrop()
	}
	st.MustDrop()
	tot.MustDrop()
	return r
}

// Outputs returns K, the number of classes.
func (b *Backend) Outputs() int { return b.Net.Spec.K }

// crossEntropy returns the mean cross-entropy and keeps its intermediates in f.
func (f *pass) crossEntropy(logits, y *ts.Tensor) *ts.Tensor {
	lp := f.keep(logits.MustLogSoftmax(1, gotch.Float, false))
	return f.keep(lp.MustNllLoss(y, ts.None, ts.ReductionMean, -100, false))
}

// Grad sets dst to the gradient at w of the mean cross-entropy over batch,
// plus p.GammaAct*mean_i ||h_i||^2 + p.GammaLast*||W_last||^2, and returns the
// mean cross-entropy. BatchNorm uses batch statistics and updates its running
// statistics only when b.UpdateStats is set and the pass is not perturbed.
func (b *Backend) Grad(dst, w Vec, batch []int, p optim.Pass) float64 {
	x, y, own := b.inputs(batch)
	l := leaves(w)
	f := &pass{n: b.Net, p: l, train: true, update: b.UpdateStats && !p.Perturbed && len(batch) > 1}
	logits, hidden := f.forward(x)
	loss := f.crossEntropy(logits, y)
	total := loss
	if p.GammaAct > 0 {
		sq := f.keep(hidden.MustSquare(false))
		s := f.keep(sq.MustSum(gotch.Float, false))
		pen := f.keep(s.MustMulScalar(f.scalar(p.GammaAct/float64(len(batch))), false))
		total = f.keep(total.MustAdd(pen, false))
	}
	if p.GammaLast > 0 {
		sq := f.keep(l[b.Net.lastW].MustSquare(false))
		s := f.keep(sq.MustSum(gotch.Float, false))
		pen := f.keep(s.MustMulScalar(f.scalar(p.GammaLast), false))
		total = f.keep(total.MustAdd(pen, false))
	}
	total.MustBackward()
	v := scalarValue(loss)
	takeGrads(dst, l)
	f.release()
	f.dropScalars()
	if own {
		x.MustDrop()
		y.MustDrop()
	}
	return v
}

// UpdateRunningStats runs the batch forward at w only to update BatchNorm
// running statistics (a no-op without BatchNorm). The per-example methods
// never update them in their passes, so the training loop calls this once
// per batch for them.
func (b *Backend) UpdateRunningStats(w Vec) {
	if b.Net.Spec.Norm != "bn" {
		return
	}
	f := &pass{n: b.Net, p: w, train: true, update: true}
	f.forward(b.x)
	f.release()
}

// Predict returns the predicted class of each image in x (n images, NCHW
// normalised) with BatchNorm in evaluation mode (running statistics).
func (b *Backend) Predict(w Vec, x []float32, n int) []int {
	s := b.Net.Spec
	xt := FromFloat32(x, []int64{int64(n), int64(s.InC), int64(s.H), int64(s.W)}, b.Net.Device)
	f := &pass{n: b.Net, p: w, train: false}
	logits, _ := f.forward(xt)
	am := logits.MustArgmax([]int64{1}, false, false)
	if am.MustDevice().Name != "CPU" {
		c := am.MustTo(gotch.CPU, false)
		am.MustDrop()
		am = c
	}
	vals := am.Int64Values()
	am.MustDrop()
	f.release()
	xt.MustDrop()
	out := make([]int, n)
	for i, v := range vals {
		out[i] = int(v)
	}
	return out
}
