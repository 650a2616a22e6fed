package app

import (
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// pointsLayer is the training and test points drawn once into an image
// the size of a plane, and composed into every plane. It is a cache the
// view owns: rendered again when the session's data or test toggle
// changed, or the plane's size or the scale.
type pointsLayer struct {
	img *ebiten.Image
	key pointsKey
	gen uint64 // counts renders: a plane composed from an older one is stale
}

// pointsKey is what the points layer shows.
type pointsKey struct {
	gen, points uint64 // the session's
	size, scale float64
}

// update renders the points of s for planes of side size (logical pixels)
// unless the layer already shows them.
func (p *pointsLayer) update(c canvas, s *session, size float64) {
	key := pointsKey{s.gen, s.points, size, c.s}
	if px := int(size * c.s); p.img == nil || p.img.Bounds().Dx() != px {
		p.img = ebiten.NewImage(px, px)
		p.key = pointsKey{}
	}
	if key == p.key {
		return
	}
	p.img.Clear()
	drawPoints(c.on(p.img), s.lab, size)
	p.key = key
	p.gen++ // from 1: a plane holding 0 holds no points
}

// drawPoints draws lab's points (the test points if shown, then the
// training points) onto a plane of side size at the origin.
func drawPoints(c canvas, l *sim.Lab, size float64) {
	scale := 1.0
	if size < 300 {
		scale = 0.8
	}
	if l.P.Test {
		te := l.Setup.Test
		for i := range te.N() {
			u, v := l.View.ToUnit(te.X[te.D*i], te.X[te.D*i+1])
			c.circle(u*size, v*size, 2.2*scale, withAlpha(palette.Class(te.Y[i]), 0.7))
		}
	}
	tr := l.Train
	base := tr.N() - l.Added
	// Clean points first, flipped ones on top so their rings show.
	for pass := range 2 {
		for i := range tr.N() {
			if tr.Flipped[i] != (pass == 1) {
				continue
			}
			u, v := l.View.ToUnit(tr.X[tr.D*i], tr.X[tr.D*i+1])
			drawPoint(c, u*size, v*size, tr.Y[i], tr.Flipped[i], i >= base, scale)
		}
	}
}

// drawPoint draws a training point of class k at (x, y) (flipped: ringed;
// added: square), scaled by s.
func drawPoint(c canvas, x, y float64, k int, flipped, added bool, s float64) {
	col := palette.Class(k)
	if added {
		c.fillRect(rect{x - 4.5*s, y - 4.5*s, 9 * s, 9 * s}, color.White)
		c.fillRect(rect{x - 3.5*s, y - 3.5*s, 7 * s, 7 * s}, col)
		return
	}
	if flipped {
		c.circle(x, y, 6.8*s, withAlpha(rgb(0xffffff), 0.85))
		c.ring(x, y, 5.6*s, float32(1.8*s), palette.Flipped)
		c.circle(x, y, 3.4*s, col)
		return
	}
	c.circle(x, y, 4.4*s, color.White)
	c.circle(x, y, 3.4*s, col)
}
