package optim

// SAM is batch sharpness-aware minimization (Foret et al.):
// e = rho*G/||G|| with G the mean batch gradient, g = mean_i grad l_i(w+e).
type SAM[V, E any] struct {
	Rho float64

	init bool
	wp   V // the ascent point w + e
}

// Name returns "sam".
func (*SAM[V, E]) Name() string { return "sam" }

// Direction sets g to the batch gradient at the ascent point.
func (m *SAM[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
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

// ascent sets dst = w + rho*g/||g|| (w when g is zero), SAM's ascent point.
func ascent[V any](b Vectors[V], dst, w, g V, rho float64) {
	b.Copy(dst, w)
	b.Axpy(dst, AscentScale(rho, b.Norm(g)), g)
}
