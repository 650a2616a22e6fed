package app

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/samlab/samlab/wasm/sim"
)

// plane is one panel's plane as Draw last composed it: the heat map
// uploaded at grid resolution, then heat map, boundary and points composed
// offscreen at screen resolution (the antialiased boundary then costs a
// plane-sized pass when something changed, not a screen-sized one every
// frame). It is a cache the view owns.
type plane struct {
	heat   *ebiten.Image // G x G: the heat map's pixels
	stamp  uint64        // the heat-map render heat holds (0: none)
	img    *ebiten.Image // the composed plane
	points uint64        // the points layer render img holds (0: none)
}

// draw draws heat map m at r, with the points layer p (nil: no points; the
// share view draws its own over the plane), composing again what changed.
func (pl *plane) draw(c canvas, r rect, m *heatMap, p *pointsLayer) {
	gen := uint64(0) // no points
	if p != nil {
		gen = p.gen
	}
	compose := false
	if ps := int(r.W * c.s); pl.img == nil || pl.img.Bounds().Dx() != ps {
		pl.img = ebiten.NewImage(ps, ps)
		compose = true
	}
	if g := m.heat.G; pl.heat == nil || pl.heat.Bounds().Dx() != g {
		pl.heat = ebiten.NewImage(g, g)
		pl.stamp = 0
		compose = true
	}
	if pl.stamp != m.stamp {
		pl.heat.WritePixels(m.heat.Pix)
		pl.stamp = m.stamp
		compose = true
	}
	if compose || pl.points != gen {
		pl.img.Clear()
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		gs := float64(m.heat.G)
		op.GeoM.Scale(r.W*c.s/gs, r.H*c.s/gs)
		pl.img.DrawImage(pl.heat, op)
		drawBoundary(c.on(pl.img), m.segs, rect{0, 0, r.W, r.H})
		if p != nil {
			pl.img.DrawImage(p.img, nil)
		}
		pl.points = gen
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(int(r.X*c.s)), float64(int(r.Y*c.s)))
	c.dst.DrawImage(pl.img, op)
}

// drawBoundary strokes the decision boundary segments over plane r.
func drawBoundary(c canvas, segs []sim.Segment, r rect) {
	if len(segs) == 0 {
		return
	}
	var path vector.Path
	x0, y0, w, h := float32(r.X), float32(r.Y), float32(r.W), float32(r.H)
	for _, s := range segs {
		path.MoveTo(x0+s.U0*w, y0+s.V0*h)
		path.LineTo(x0+s.U1*w, y0+s.V1*h)
	}
	c.path(&path, withAlpha(colBoundary, 0.85), 2.2)
}
