//go:build samlab_usam

package optim

import "image/color"

// USAM is unnormalised SAM (Andriushchenko and Flammarion, 2022): the
// ascent step is rho*G itself, not scaled to length rho, and
// g = mean_i grad l_i(w + rho*G) with G the mean batch gradient.
//
// It is the worked example of README "Extending samlab": a seventh method
// is this file and its row below. It is built only with the tag
// samlab_usam (`make test-extend`), under which every consumer's
// TestEveryMethod must accept it.
type USAM[V, E any] struct {
	Rho float64

	init bool
	wp   V // the ascent point w + rho*G
}

// Name returns "usam".
func (*USAM[V, E]) Name() string { return "usam" }

// Direction sets g to the batch gradient at w + rho*G.
func (m *USAM[V, E]) Direction(b Backend[V, E], g, w V, batch []int) float64 {
	if !m.init {
		m.wp, m.init = b.NewVec(), true
	}
	loss := b.Grad(g, w, batch, Pass{})
	b.Copy(m.wp, w)
	b.Axpy(m.wp, m.Rho, g)
	b.Grad(g, m.wp, batch, Pass{Perturbed: true})
	return loss
}

// exampleMethods returns USAM's row of the table.
func exampleMethods[V, E any]() []row[V, E] {
	return []row[V, E]{
		{Traits{Name: "usam", Label: "USAM", Rho: true, Colour: color.RGBA{0xe6, 0x9f, 0x00, 0xff}}, // Okabe-Ito orange
			func(h Hyper) Method[V, E] { return &USAM[V, E]{Rho: h.Rho} }},
	}
}
