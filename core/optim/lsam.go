package optim

// LSAM is logit-only SAM: the logit-scale term is taken at the per-example
// ascent point, the Jacobian at the clean weights:
// g = mean_i J_i(w)^T r_i(w+e_i).
type LSAM[V any] struct {
	Rho float64

	s perExample[V]
}

// Name returns "lsam".
func (*LSAM[V]) Name() string { return "lsam" }

// Direction sets g to the mean of clean Jacobians times perturbed residuals.
func (m *LSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	s := &m.s
	return s.mean(b, g, w, batch, m.Rho, false, func(i int) {
		b.Residual(s.r, s.wp, i) // r_i(w + e_i)
		b.VJP(s.gp, w, i, s.r)   // J_i(w)^T r_i(w + e_i)
	})
}
