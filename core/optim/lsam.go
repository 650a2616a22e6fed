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
	s.ensure(b)
	b.Scale(g, 0)
	inv, loss := 1/float64(len(batch)), 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(s.gi, w, i)
		ascent(b, s.wp, w, s.gi, m.Rho)
		b.Residual(s.r, s.wp, i) // r_i(w + e_i)
		b.VJP(s.gp, w, i, s.r)   // J_i(w)^T r_i(w + e_i)
		b.Axpy(g, inv, s.gp)
	}
	return loss * inv
}
