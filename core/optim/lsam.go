package optim

// LSAM is logit-only SAM: the logit-scale term is taken at the per-example
// ascent point, the Jacobian at the clean weights:
// g = mean_i J_i(w)^T r_i(w+e_i).
type LSAM[V, E any] struct {
	Rho float64

	s perExample[V, E]
}

// Name returns "lsam".
func (*LSAM[V, E]) Name() string { return "lsam" }

// Direction sets g to the mean of clean Jacobians times perturbed residuals.
func (m *LSAM[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	s := &m.s
	return s.mean(b, g, w, batch, m.Rho, func(dst V) {
		b.ResidualsAt(s.r, w, s.e, s.c) // r_i(w + e_i)
		b.VJPAt(dst, w, s.e, nil, s.r)  // mean_i J_i(w)^T r_i(w + e_i)
	})
}
