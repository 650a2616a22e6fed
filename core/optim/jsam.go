package optim

// JSAM is Jacobian-only SAM: the logit-scale term is taken at the clean
// weights, the Jacobian at the per-example perturbed ones:
// g = mean_i J_i(w+e_i)^T r_i(w).
type JSAM[V any] struct {
	Rho float64

	init   bool
	gi, wp V
	gp     V
	r      []float64
}

// Name returns "jsam".
func (*JSAM[V]) Name() string { return "jsam" }

// Direction sets g to the mean of perturbed Jacobians times clean residuals.
func (m *JSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	if !m.init {
		m.gi, m.wp, m.gp, m.init = b.NewVec(), b.NewVec(), b.NewVec(), true
		m.r = make([]float64, b.Outputs())
	}
	b.Scale(g, 0)
	inv := 1 / float64(len(batch))
	loss := 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(m.gi, w, i)
		b.Residual(m.r, w, i)
		b.Copy(m.wp, w)
		b.Axpy(m.wp, m.Rho/(b.Norm(m.gi)+Eps), m.gi)
		b.VJP(m.gp, m.wp, i, m.r)
		b.Axpy(g, inv, m.gp)
	}
	return loss * inv
}
