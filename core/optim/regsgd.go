package optim

// RegSGD is SGD on the explicitly regularized loss
// l_i + GammaAct*||h_i||^2 + GammaLast*||W_last||_F^2, h_i the last hidden
// activations: the penalties that J-SAM induces implicitly (docs/science.md section 4.2).
type RegSGD[V, E any] struct {
	GammaAct, GammaLast float64
}

// Name returns "regsgd".
func (*RegSGD[V, E]) Name() string { return "regsgd" }

// Direction sets g to the gradient of the penalized mean loss.
func (m *RegSGD[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	return b.Grad(g, w, batch, Pass{GammaAct: m.GammaAct, GammaLast: m.GammaLast})
}
