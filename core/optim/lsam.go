package optim

// LSAM is logit-only SAM: the logit-scale term is taken at the per-example
// perturbed weights, the Jacobian at the clean ones:
// g = mean_i J_i(w)^T r_i(w+e_i).
type LSAM[V any] struct {
	Rho float64

	init   bool
	gi, wp V
	gp     V
	r      []float64
}

// Name returns "lsam".
func (*LSAM[V]) Name() string { return "lsam" }

// Direction sets g to the mean of clean Jacobians times perturbed residuals.
func (m *LSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	if !m.init {
		m.gi, m.wp, m.gp, m.init = b.NewVec(), b.NewVec(), b.NewVec(), true
		m.r = make([]float64, b.Outputs())
	}
	b.Scale(g, 0)
	inv := 1 / float64(len(batch))
	loss := 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(m.gi, w, i)
		b.Copy(m.wp, w)
		b.Axpy(m.wp, m.Rho/(b.Norm(m.gi)+Eps), m.gi)
		b.Residual(m.r, m.wp, i)
		b.VJP(m.gp, w, i, m.r)
		b.Axpy(g, inv, m.gp)
	}
	return loss * inv
}
