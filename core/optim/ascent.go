package optim

// ascent sets dst = w + rho*g/(||g||+Eps), the ascent point of SAM and its
// per-example variants.
func ascent[V any](b Backend[V], dst, w, g V, rho float64) {
	b.Copy(dst, w)
	b.Axpy(dst, rho/(b.Norm(g)+Eps), g)
}

// perExample is the loop the per-example methods (1-SAM, L-SAM, J-SAM)
// share, with its scratch vectors (allocated once, on first use).
type perExample[V any] struct {
	init bool
	// gi is the clean example gradient grad l_i(w), wp the ascent point
	// w + e_i, gp the example's contribution to the direction, r a residual.
	gi, wp, gp V
	r          []float64
}

// mean sets g to the mean over batch of the per-example contribution that
// each(i) writes into s.gp, after s.gi = grad l_i(w) and s.wp = w + e_i have
// been set; it returns the mean clean loss. With cleanResidual, s.r is set
// to r_i(w) right after the clean gradient, so a backend can reuse that
// forward pass (J-SAM).
func (s *perExample[V]) mean(b Backend[V], g, w V, batch []int, rho float64, cleanResidual bool, each func(i int)) float64 {
	if !s.init {
		s.gi, s.wp, s.gp, s.init = b.NewVec(), b.NewVec(), b.NewVec(), true
		s.r = make([]float64, b.Outputs())
	}
	b.Scale(g, 0)
	inv, loss := 1/float64(len(batch)), 0.0
	for _, i := range batch {
		loss += b.ExampleGrad(s.gi, w, i)
		if cleanResidual {
			b.Residual(s.r, w, i)
		}
		ascent(b, s.wp, w, s.gi, rho)
		each(i)
		b.Axpy(g, inv, s.gp)
	}
	return loss * inv
}
