package optim

// OneSAM is per-example SAM ("1-SAM"): each example gets its own ascent step
// e_i = rho*grad l_i(w)/||grad l_i(w)||, and g = mean_i grad l_i(w+e_i).
type OneSAM[V any] struct {
	Rho float64

	init       bool
	gi, wp, gp V
}

// Name returns "1sam".
func (*OneSAM[V]) Name() string { return "1sam" }

// Direction sets g to the mean of per-example perturbed gradients.
func (m *OneSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	if !m.init {
		m.gi, m.wp, m.gp, m.init = b.NewVec(), b.NewVec(), b.NewVec(), true
	}
	b.Scale(g, 0)
	inv := 1 / float64(len(batch))
	loss := 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(m.gi, w, i)
		b.Copy(m.wp, w)
		b.Axpy(m.wp, m.Rho/(b.Norm(m.gi)+Eps), m.gi)
		b.ExampleGrad(m.gp, m.wp, i)
		b.Axpy(g, inv, m.gp)
	}
	return loss * inv
}
