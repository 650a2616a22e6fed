package optim

// JSAM is Jacobian-only SAM: the logit-scale term is taken at the clean
// weights, the Jacobian at the per-example ascent point:
// g = mean_i J_i(w+e_i)^T r_i(w).
type JSAM[V any] struct {
	Rho float64

	s perExample[V]
}

// Name returns "jsam".
func (*JSAM[V]) Name() string { return "jsam" }

// Direction sets g to the mean of perturbed Jacobians times clean residuals.
func (m *JSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	s := &m.s
	// s.r = r_i(w), set by mean (cleanResidual).
	return s.mean(b, g, w, batch, m.Rho, true, func(i int) {
		b.VJP(s.gp, s.wp, i, s.r) // J_i(w + e_i)^T r_i(w)
	})
}
