package sim

import (
	"fmt"
	"image/color"
	"math"

	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/palette"
)

// ClassColors are the class colours of core/palette (Okabe-Ito blue, orange, bluish green,
// reddish purple), distinguishable under the common colour-vision deficiencies.
var ClassColors = palette.Classes()

// ClassColor returns class c's colour.
func ClassColor(c int) color.RGBA { return ClassColors[c%len(ClassColors)] }

// Heat is a panel's heat map: the predicted class probabilities on a G x G
// grid of cell centres over a View, as RGBA pixels (row 0 at the top), and
// per-class logit margins for drawing the decision boundary.
type Heat struct {
	// G is the grid size.
	G int
	// Pix holds G*G RGBA pixels, row-major, row 0 at the top of the view.
	Pix []byte
	// Margin[k] holds, per grid cell, z_k - max_{j != k} z_j (the logit
	// itself for a binary model, so Margin has one field then): class k's
	// region is where it is positive, the boundary where it is zero.
	Margin [][]float64
	// Version is the panel version the heat map was rendered at.
	Version uint64

	b *model.Batch
	p []float64
}

// NewHeat returns a heat map of g x g cells for net.
func NewHeat(g int, net *model.Net) (*Heat, error) {
	if g < 2 || g > 1024 {
		return nil, fmt.Errorf("heat map: grid %d outside [2, 1024]", g)
	}
	if net.In < 2 {
		return nil, fmt.Errorf("heat map: model input is %d-D, want at least 2-D", net.In)
	}
	fields := net.Out
	if fields == 2 {
		fields = 1
	}
	h := &Heat{G: g, Pix: make([]byte, 4*g*g), b: net.NewBatch(g * g), p: make([]float64, max(net.Out, 2))}
	for range fields {
		h.Margin = append(h.Margin, make([]float64, g*g))
	}
	return h, nil
}

// Render evaluates net at weights w on every cell centre of view and fills
// Pix and Margin. The view lies in the plane of the first two inputs; any
// further inputs (noisyplane's noise dimensions) are 0. It allocates
// nothing.
func (h *Heat) Render(net *model.Net, w []float64, v View) {
	g, k := h.G, net.In
	x := net.SetRows(h.b, g*g)
	clear(x)
	for j := range g {
		for i := range g {
			c := j*g + i
			x[k*c], x[k*c+1] = v.FromUnit((float64(i)+0.5)/float64(g), (float64(j)+0.5)/float64(g))
		}
	}
	net.ForwardBatch(h.b, w, nil, nil) // one batched pass over the grid
	for j := range g {
		for i := range g {
			c := j*g + i
			z := net.Logits(h.b, c)
			probs(h.p, z)
			if len(z) == 1 {
				h.Margin[0][c] = z[0]
			} else if len(z) == 2 {
				h.Margin[0][c] = z[1] - z[0]
			} else {
				for k := range z {
					m := math.Inf(-1)
					for q, zq := range z {
						if q != k {
							m = max(m, zq)
						}
					}
					h.Margin[k][c] = z[k] - m
				}
			}
			r, gg, b := tint(h.p)
			h.Pix[4*c], h.Pix[4*c+1], h.Pix[4*c+2], h.Pix[4*c+3] = r, gg, b, 0xff
		}
	}
}

// probs sets p to the class probabilities of logits z (two for a binary
// model with one logit).
func probs(p, z []float64) {
	if len(z) == 1 {
		p[1] = model.Sigmoid(z[0])
		p[0] = 1 - p[1]
		return
	}
	m := z[0]
	for _, v := range z {
		m = max(m, v)
	}
	s := 0.0
	for k, v := range z {
		p[k] = math.Exp(v - m)
		s += p[k]
	}
	for k := range z {
		p[k] /= s
	}
}

// tint returns the background colour for class probabilities p: the
// probability-weighted class colour, paler where the model is unsure.
func tint(p []float64) (r, g, b uint8) {
	var cr, cg, cb, pm float64
	for k, pk := range p {
		c := ClassColor(k)
		cr += pk * float64(c.R)
		cg += pk * float64(c.G)
		cb += pk * float64(c.B)
		pm = max(pm, pk)
	}
	k := float64(len(p))
	conf := (pm - 1/k) / (1 - 1/k) // 0 on the boundary, 1 when certain
	a := 0.14 + 0.5*conf
	const bg = 250.0
	mix := func(c float64) uint8 { return uint8(math.Round(bg*(1-a) + c*a)) }
	return mix(cr), mix(cg), mix(cb)
}

// Segment is a line segment in unit coordinates of the view ([0,1]^2, v
// downwards).
type Segment struct{ U0, V0, U1, V1 float32 }

// Boundary appends to dst the decision boundary of the heat map: the zero
// contours of its margin fields by marching squares over the cell centres,
// in unit coordinates of the view.
func (h *Heat) Boundary(dst []Segment) []Segment {
	for _, f := range h.Margin {
		dst = contour(dst, f, h.G)
	}
	return dst
}

// contour appends the zero level set of field f (g x g samples at cell
// centres) as segments.
func contour(dst []Segment, f []float64, g int) []Segment {
	cell := 1 / float32(g)
	at := func(i, j int) float64 { return f[j*g+i] }
	// point on the edge between grid samples a=(i0,j0) and b=(i1,j1)
	edge := func(i0, j0, i1, j1 int) (float32, float32) {
		a, b := at(i0, j0), at(i1, j1)
		t := float32(0.5)
		if a != b {
			t = float32(a / (a - b))
		}
		u := (float32(i0) + t*float32(i1-i0) + 0.5) * cell
		v := (float32(j0) + t*float32(j1-j0) + 0.5) * cell
		return u, v
	}
	for j := 0; j+1 < g; j++ {
		for i := 0; i+1 < g; i++ {
			// corners: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
			c := 0
			if at(i, j) > 0 {
				c |= 1
			}
			if at(i+1, j) > 0 {
				c |= 2
			}
			if at(i+1, j+1) > 0 {
				c |= 4
			}
			if at(i, j+1) > 0 {
				c |= 8
			}
			if c == 0 || c == 15 {
				continue
			}
			// edges: top (0-1), right (1-2), bottom (3-2), left (0-3)
			pt := func(e int) (float32, float32) {
				switch e {
				case 0:
					return edge(i, j, i+1, j)
				case 1:
					return edge(i+1, j, i+1, j+1)
				case 2:
					return edge(i, j+1, i+1, j+1)
				}
				return edge(i, j, i, j+1)
			}
			seg := func(e0, e1 int) {
				u0, v0 := pt(e0)
				u1, v1 := pt(e1)
				dst = append(dst, Segment{u0, v0, u1, v1})
			}
			switch c {
			case 1, 14:
				seg(3, 0)
			case 2, 13:
				seg(0, 1)
			case 3, 12:
				seg(3, 1)
			case 4, 11:
				seg(1, 2)
			case 6, 9:
				seg(0, 2)
			case 7, 8:
				seg(3, 2)
			case 5, 10:
				centre := at(i, j) + at(i+1, j) + at(i+1, j+1) + at(i, j+1)
				if (centre > 0) == (c == 5) {
					seg(3, 2)
					seg(0, 1)
				} else {
					seg(3, 0)
					seg(1, 2)
				}
			}
		}
	}
	return dst
}
