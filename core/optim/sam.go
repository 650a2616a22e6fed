package optim

// SAM is batch sharpness-aware minimization (Foret et al.):
// e = rho*G/||G|| with G the mean batch gradient, g = mean_i grad l_i(w+e).
type SAM[V any] struct {
	Rho float64

	init bool
	wp   V // perturbed weights
}

// Name returns "sam".
func (*SAM[V]) Name() string { return "sam" }

// Direction sets g to the batch gradient at the ascent-perturbed weights.
func (m *SAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	if !m.init {
		m.wp, m.init = b.NewVec(), true
	}
	loss := b.Grad(g, w, batch, Pass{})
	if m.Rho == 0 {
		return loss
	}
	b.Copy(m.wp, w)
	b.Axpy(m.wp, m.Rho/(b.Norm(g)+Eps), g)
	b.Grad(g, m.wp, batch, Pass{Perturbed: true})
	return loss
}
