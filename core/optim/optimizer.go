package optim

// Optimizer is one training step as a value: a Method, which turns the
// weights and a batch into an update direction, composed with the base
// Update (heavy-ball momentum, weight decay), as optax chains a SAM
// transform with SGD. The toy trainer, the LibTorch runner and the demo all
// step through it. An Optimizer serves one Backend.
type Optimizer[V, E any] struct {
	Method Method[V, E]
	Update Update[V]

	init bool
	g    V
}

// NewOptimizer returns the optimizer of the method called name with
// hyperparameters h and base update u (whose Validate must pass).
func NewOptimizer[V, E any](name string, h Hyper, u Update[V]) (*Optimizer[V, E], error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	m, err := New[V, E](name, h)
	if err != nil {
		return nil, err
	}
	return &Optimizer[V, E]{Method: m, Update: u}, nil
}

// Name returns the method's name.
func (o *Optimizer[V, E]) Name() string { return o.Method.Name() }

// Step sets the method's direction at w for batch and applies the update
// to w in place. It returns the mean loss at w (before the step).
func (o *Optimizer[V, E]) Step(b Backend[V, E], w V, batch []int) float64 {
	if !o.init {
		o.g, o.init = b.NewVec(), true
	}
	loss := o.Method.Direction(b, o.g, w, batch)
	o.Update.Apply(b, w, o.g)
	return loss
}

// Direction returns the scratch vector holding the last direction (after
// the update's weight decay was added), nil before the first step.
func (o *Optimizer[V, E]) Direction() (V, bool) { return o.g, o.init }
