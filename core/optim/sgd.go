package optim

// SGD is plain (stochastic) gradient descent: g = mean_i J_i(w)^T r_i(w).
type SGD[V, E any] struct{}

// Name returns "sgd".
func (*SGD[V, E]) Name() string { return "sgd" }

// Direction sets g to the mean gradient over batch.
func (*SGD[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	return b.Grad(g, w, batch, Pass{})
}
