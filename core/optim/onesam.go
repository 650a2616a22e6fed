package optim

// OneSAM is per-example SAM ("1-SAM"): each example gets its own ascent step
// e_i = rho*grad l_i(w)/||grad l_i(w)||, and g = mean_i grad l_i(w+e_i).
type OneSAM[V any] struct {
	Rho float64

	s perExample[V]
}

// Name returns "1sam".
func (*OneSAM[V]) Name() string { return "1sam" }

// Direction sets g to the mean of per-example perturbed gradients.
func (m *OneSAM[V]) Direction(b Backend[V], g, w V, batch []int) float64 {
	s := &m.s
	s.ensure(b)
	b.Scale(g, 0)
	inv, loss := 1/float64(len(batch)), 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(s.gi, w, i)
		ascent(b, s.wp, w, s.gi, m.Rho)
		b.ExampleGrad(s.gp, s.wp, i) // grad l_i(w + e_i)
		b.Axpy(g, inv, s.gp)
	}
	return loss * inv
}
