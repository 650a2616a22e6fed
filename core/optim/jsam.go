package optim

// JSAM is Jacobian-only SAM: the logit-scale term is taken at the clean
// weights, the Jacobian at the per-example ascent point:
// g = mean_i J_i(w+e_i)^T r_i(w).
type JSAM[V, E any] struct {
	Rho float64

	s perExample[V, E]
}

// Name returns "jsam".
func (*JSAM[V, E]) Name() string { return "jsam" }

// Direction sets g to the mean of perturbed Jacobians times clean residuals.
func (m *JSAM[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	s := &m.s
	return s.mean(b, g, w, batch, m.Rho, func(dst V) {
		b.VJPAt(dst, w, s.e, s.c, s.r) // mean_i J_i(w + e_i)^T r_i(w), s.r = r_i(w)
	})
}
