package optim

// ascent sets dst = w + rho*g/(||g||+Eps), the ascent point of SAM and its
// per-example variants.
func ascent[V any](b Backend[V], dst, w, g V, rho float64) {
	b.Copy(dst, w)
	b.Axpy(dst, rho/(b.Norm(g)+Eps), g)
}

// perExample holds the scratch of the per-example methods (1-SAM, L-SAM,
// J-SAM): the clean example gradient gi, the ascent point wp, the
// perturbed quantity gp and a residual r. Allocated once, on first use.
type perExample[V any] struct {
	init       bool
	gi, wp, gp V
	r          []float64
}

func (s *perExample[V]) ensure(b Backend[V]) {
	if !s.init {
		s.gi, s.wp, s.gp, s.init = b.NewVec(), b.NewVec(), b.NewVec(), true
		s.r = make([]float64, b.Outputs())
	}
}
