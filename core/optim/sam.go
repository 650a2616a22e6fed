package optim

// SAM is batch sharpness-aware minimization (Foret et al.):
// e = rho*G/||G|| with G the mean batch gradient, g = mean_i grad l_i(w+e).
type SAM[V any] struct {
	Rho float64

	init bool
	wp   V // the ascent point w + e
}

// Name returns "sam".
func (*SAM[V]) Name() string { return "sam" }

// Direction sets g to the batch gradient at the ascent point.
func (m *SAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	if !m.init {
		m.wp, m.init = b.NewVec(), true
	}
	loss := b.Grad(g, w, batch, Pass{})
	if m.Rho == 0 {
		return loss
	}
	ascent(b, m.wp, w, g, m.Rho)
	b.Grad(g, m.wp, batch, Pass{Perturbed: true})
	return loss
}
