package optim

// OneSAM is per-example SAM ("1-SAM"): each example gets its own ascent step
// e_i = rho*grad l_i(w)/||grad l_i(w)||, and g = mean_i grad l_i(w+e_i).
type OneSAM[V, E any] struct {
	Rho float64

	s perExample[V, E]
}

// Name returns "1sam".
func (*OneSAM[V, E]) Name() string { return "1sam" }

// Direction sets g to the mean of per-example perturbed gradients.
func (m *OneSAM[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	s := &m.s
	return s.mean(b, g, w, batch, m.Rho, func(dst V) {
		b.GradAt(dst, w, s.e, s.c) // mean_i grad l_i(w + e_i)
	})
}
