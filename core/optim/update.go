package optim

import (
	"errors"
	"fmt"
	"math"
)

// Update is the base step every method shares: heavy-ball momentum and
// L2 weight decay added to the gradient (torch.optim.SGD style):
// d = g + WeightDecay*w; buf = Momentum*buf + d; w = w - LR*buf.
// The zero value with LR set is plain gradient descent.
type Update[V any] struct {
	LR          float64 `yaml:"lr" json:"lr"`
	Momentum    float64 `yaml:"momentum" json:"momentum"`
	WeightDecay float64 `yaml:"weight_decay" json:"weight_decay"`

	init bool
	buf  V
}

// Validate reports every invalid learning rate, momentum or weight decay,
// naming each (errors.Join).
func (u *Update[V]) Validate() error {
	var errs []error
	if !(u.LR > 0) || math.IsInf(u.LR, 0) {
		errs = append(errs, fmt.Errorf("lr must be > 0 and finite (got %g)", u.LR))
	}
	if !(u.Momentum >= 0 && u.Momentum < 1) {
		errs = append(errs, fmt.Errorf("momentum must be in [0, 1) (got %g)", u.Momentum))
	}
	if !(u.WeightDecay >= 0) || math.IsInf(u.WeightDecay, 0) {
		errs = append(errs, fmt.Errorf("weight_decay must be >= 0 and finite (got %g)", u.WeightDecay))
	}
	return errors.Join(errs...)
}

// Apply updates w in place with direction g; g may be modified.
func (u *Update[V]) Apply(b Vectors[V], w, g V) {
	if u.WeightDecay != 0 {
		b.Axpy(g, u.WeightDecay, w)
	}
	if u.Momentum == 0 {
		b.Axpy(w, -u.LR, g)
		return
	}
	if !u.init {
		u.buf, u.init = b.NewVec(), true
	}
	b.Scale(u.buf, u.Momentum)
	b.Axpy(u.buf, 1, g)
	b.Axpy(w, -u.LR, u.buf)
}

// Buffer returns the momentum buffer and true, for checkpoints; before the
// first momentum step it returns the zero V and false.
func (u *Update[V]) Buffer() (V, bool) { return u.buf, u.init }

// SetBuffer restores a momentum buffer saved by Buffer.
func (u *Update[V]) SetBuffer(v V) { u.buf, u.init = v, true }
