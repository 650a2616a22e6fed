// Package train runs the toy experiments: a Backend over the gonum-free
// toy networks (model.Net, flat []float64 parameters) for the methods of core/optim, a
// Trainer that a UI can drive one step at a time and a batch runner can
// drive to the end, and the per-step metrics of the paper.
package train

import (
	"math"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"gonum.org/v1/gonum/floats"
)

// Toy implements optim.Backend[[]float64] for a model.Net on a dataset.
// It is not safe for concurrent use.
type Toy struct {
	Net  *model.Net
	Data *data.Dataset

	ws  *model.Workspace
	r   []float64
	dh  []float64
	inv []float64
}

var _ optim.Backend[[]float64] = (*Toy)(nil)

// NewToy returns the backend for net on the training set d.
func NewToy(net *model.Net, d *data.Dataset) *Toy {
	return &Toy{Net: net, Data: d, ws: net.NewWorkspace(), r: make([]float64, net.Out), dh: make([]float64, hiddenWidth(net))}
}

func hiddenWidth(n *model.Net) int {
	if len(n.Hidden) == 0 {
		return n.In
	}
	return n.Hidden[len(n.Hidden)-1]
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

func norm(v []float64) float64 { return math.Sqrt(floats.Dot(v, v)) }

// Outputs returns the number of logits.
func (t *Toy) Outputs() int { return t.Net.Out }

// Grad sets dst to the mean gradient over batch plus p's penalties.
func (t *Toy) Grad(dst, w []float64, batch []int, p optim.Pass) float64 {
	clear(dst)
	inv := 1 / float64(len(batch))
	loss := 0.0
	var dh []float64
	if p.GammaAct != 0 && len(t.Net.Hidden) > 0 {
		dh = t.dh
	}
	for _, i := range batch {
		z := t.Net.Forward(t.ws, w, t.Data.Row(i))
		loss += model.Residual(t.r, z, t.Data.Y[i])
		if dh != nil {
			h := t.Net.HiddenAct(t.ws)
			for j, v := range h {
				dh[j] = 2 * p.GammaAct * v
			}
		}
		t.Net.Backward(t.ws, w, dst, t.r, dh, inv)
	}
	if p.GammaLast != 0 {
		wl := t.Net.LastWeights(w)
		gl := t.Net.LastWeights(dst)
		for j, v := range wl {
			gl[j] += 2 * p.GammaLast * v
		}
	}
	return loss * inv
}

// ExampleGrad sets dst = grad l_i(w) and returns l_i(w).
func (t *Toy) ExampleGrad(dst, w []float64, i int) float64 {
	clear(dst)
	z := t.Net.Forward(t.ws, w, t.Data.Row(i))
	l := model.Residual(t.r, z, t.Data.Y[i])
	t.Net.Backward(t.ws, w, dst, t.r, nil, 1)
	return l
}

// Residual sets r = r_i(w).
func (t *Toy) Residual(r, w []float64, i int) {
	z := t.Net.Forward(t.ws, w, t.Data.Row(i))
	model.Residual(r, z, t.Data.Y[i])
}

// VJP sets dst = J_i(w)^T r.
func (t *Toy) VJP(dst, w []float64, i int, r []float64) {
	clear(dst)
	t.Net.Forward(t.ws, w, t.Data.Row(i))
	t.Net.Backward(t.ws, w, dst, r, nil, 1)
}
