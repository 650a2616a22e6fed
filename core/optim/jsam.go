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
	s.ensure(b)
	b.Scale(g, 0)
	inv, loss := 1/float64(len(batch)), 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(s.gi, w, i)
		b.Residual(s.r, w, i) // r_i(w)
		ascent(b, s.wp, w, s.gi, m.Rho)
		b.VJP(s.gp, s.wp, i, s.r) // J_i(w + e_i)^T r_i(w)
		b.Axpy(g, inv, s.gp)
	}
	return loss * inv
}
