package optim

// perExample is what the per-example methods (1-SAM, L-SAM, J-SAM) share:
// the walk over the batch in the backend's chunks, the ascent scales, and
// scratch allocated once, on first use.
type perExample[V, E any] struct {
	e E
	// gp is a chunk's contribution when the batch takes several chunks.
	gp V
	// For the current chunk: c[k] = rho/||G_k|| (AscentScale), so that the
	// ascent step is e_k = c_k G_k, and r its residuals (len*K), first the
	// clean ones r_k(w). They are views into the buffers below.
	c, r []float64

	init             bool
	norm, cbuf, rbuf []float64
}

// mean sets g to the mean over batch of the per-example contribution that
// each writes (as the mean over the current chunk) into dst, after
// ExampleGrads has set s.e, s.c and s.r for that chunk. It returns the mean
// clean loss.
func (s *perExample[V, E]) mean(b Backend[V, E], g, w V, batch []int, rho float64, each func(dst V)) float64 {
	chunk := max(1, min(b.Chunk(), len(batch)))
	if !s.init {
		s.e, s.gp, s.init = b.NewExamples(), b.NewVec(), true
	}
	if len(s.norm) < chunk {
		s.norm, s.cbuf, s.rbuf = make([]float64, chunk), make([]float64, chunk), make([]float64, chunk*b.Outputs())
	}
	if chunk == len(batch) {
		loss := s.chunk(b, w, batch, rho)
		each(g)
		return loss
	}
	b.Scale(g, 0)
	loss := 0.0
	for lo := 0; lo < len(batch); lo += chunk {
		k := batch[lo:min(lo+chunk, len(batch))]
		frac := float64(len(k)) / float64(len(batch))
		loss += frac * s.chunk(b, w, k, rho)
		each(s.gp)
		b.Axpy(g, frac, s.gp)
	}
	return loss
}

// chunk evaluates the per-example gradients of the examples k and sets the
// ascent scales and clean residuals; it returns their mean loss.
func (s *perExample[V, E]) chunk(b Backend[V, E], w V, k []int, rho float64) float64 {
	n := len(k)
	s.c, s.r = s.cbuf[:n], s.rbuf[:n*b.Outputs()]
	loss := b.ExampleGrads(s.e, s.norm[:n], s.r, w, k)
	AscentScales(s.c, s.norm[:n], rho)
	return loss
}

// AscentScales sets c[k] = AscentScale(rho, norm[k]) = rho/norm[k], the
// scale of the per-example ascent step e_k = c_k G_k of gradient norm
// norm[k] (1-SAM, L-SAM and J-SAM; docs/science.md section 3): every step
// has length rho, a well-fit example's included; a zero gradient has none.
func AscentScales(c, norm []float64, rho float64) {
	for k, v := range norm {
		c[k] = AscentScale(rho, v)
	}
}
