package app

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// shareLayer is one panel's points in the gradient-share view (Params.
// Shares): every training point drawn with an area proportional to its
// share of the panel's last update (sim.ShareRadius), into an image the
// size of a plane that the view draws over the panel's plane. Each panel
// has its own, as each weighs the points its own way. It is a cache the
// view owns: rendered again when the data or the test toggle, the plane's
// size or the scale changed, and when the panel's weights changed (its
// Version), there at most one panel's per frame (updateShares).
type shareLayer struct {
	img   *ebiten.Image
	key   shareKey
	order []int // scratch: the points, largest share first
}

// shareKey is what a share layer shows.
type shareKey struct {
	gen, points, version uint64
	size, scale          float64
}

// staleness is how much a share layer is out of date.
type staleness int

const (
	fresh     staleness = iota
	stepped             // the panel stepped: the layer may wait a frame
	different           // other data, size or scale: render now
)

// stale reports how out of date the layer is for panel p of session s on
// planes of side size at scale sc.
func (sl *shareLayer) stale(s *session, p *sim.Panel, size, sc float64) staleness {
	key := shareKey{s.gen, s.points, p.Version, size, sc}
	if sl.img == nil || sl.img.Bounds().Dx() != int(size*sc) {
		return different
	}
	if key == sl.key {
		return fresh
	}
	old := sl.key
	old.version = key.version
	if old == key {
		return stepped
	}
	return different
}

// render renders panel p's points of session s for planes of side size
// (logical pixels); d is the shape batch to draw with.
func (sl *shareLayer) render(c canvas, s *session, p *sim.Panel, size float64, d *discs) {
	if px := int(size * c.s); sl.img == nil || sl.img.Bounds().Dx() != px {
		sl.img = ebiten.NewImage(px, px)
	}
	sl.img.Clear()
	sl.order = drawShares(c.on(sl.img), s.lab, p, size, d, sl.order)
	sl.key = shareKey{s.gen, s.points, p.Version, size, c.s}
}

// draw draws the layer over the plane at r.
func (sl *shareLayer) draw(c canvas, r rect) {
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(int(r.X*c.s)), float64(int(r.Y*c.s)))
	c.dst.DrawImage(sl.img, op)
}

// updateShares renders the share layers of session s's panels (planes
// of side size) that are out of date: at once those showing other data or
// another size, and of those whose panel only stepped, one per frame,
// round robin from *rr, so the frame's drawing stays bounded however many
// panels train (as the heat maps' refresh does).
func updateShares(c canvas, s *session, layers []shareLayer, size float64, d *discs, rr *int) {
	n := len(s.lab.Panels)
	budget := 1
	for k := range n {
		i := (*rr + k) % n
		sl, p := &layers[i], s.lab.Panels[i]
		switch sl.stale(s, p, size, c.s) {
		case different:
			sl.render(c, s, p, size, d)
		case stepped:
			if budget > 0 {
				budget--
				sl.render(c, s, p, size, d)
				*rr = i + 1
			}
		}
	}
}

// shareRadii returns the radii, in logical pixels, of the share view on a
// plane of side size: a point with the uniform share 1/N is drawn at base
// (the size of a point outside the share view), and the clamps.
func shareRadii(size float64) (base, lo, hi float64) {
	s := 1.0
	if size < 300 {
		s = 0.8
	}
	base = 3.4 * s
	return base, 1.2 * s, max(base, min(5*base, 0.045*size))
}

// drawShares draws panel p's training points (and the test points if shown)
// in the share view onto a plane of side size at the origin, the largest
// share first so that small points stay visible on top, and a caption
// with the flipped points' share; order is scratch, returned for reuse.
func drawShares(c canvas, l *sim.Lab, p *sim.Panel, size float64, d *discs, order []int) []int {
	px := func(v float64) float32 { return float32(v * c.s) }
	if l.P.Test {
		te := l.Setup.Test
		for i := range te.N() {
			u, v := l.View.ToUnit(te.X[te.D*i], te.X[te.D*i+1])
			d.disc(c.dst, px(u*size), px(v*size), px(2.2), withAlpha(palette.Class(te.Y[i]), 0.7))
		}
	}
	tr := l.Train
	n := tr.N()
	shares := p.Shares
	sum := 0.0
	for _, v := range shares {
		sum += v
	}
	order = order[:0]
	for i := range n {
		order = append(order, i)
	}
	if sum > 0 {
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case shares[a] > shares[b]:
				return -1
			case shares[a] < shares[b]:
				return 1
			}
			return 0
		})
	}
	base, lo, hi := shareRadii(size)
	dark, halo := palette.Flipped, withAlpha(rgb(0xffffff), 0.9)
	for _, i := range order {
		share := 1 / float64(n) // before the first step: every point at base
		if sum > 0 {
			share = shares[i]
		}
		r := sim.ShareRadius(share, n, base, lo, hi)
		u, v := l.View.ToUnit(tr.X[tr.D*i], tr.X[tr.D*i+1])
		x, y := px(u*size), px(v*size)
		if tr.Flipped[i] { // a dark ring in a white halo, as outside the share view
			d.disc(c.dst, x, y, px(r+3.2), halo)
			d.disc(c.dst, x, y, px(r+2.6), dark)
			d.disc(c.dst, x, y, px(r+0.9), color.White)
		} else {
			d.disc(c.dst, x, y, px(r+1), halo)
		}
		d.disc(c.dst, x, y, px(r), palette.Class(tr.Y[i]))
	}
	d.flush(c.dst)
	drawShareCaption(c, l, p, size)
	return order
}

// drawShareCaption writes, in the plane's top-left corner, what the areas
// mean and the flipped points' share of the update against their share of
// the points.
func drawShareCaption(c canvas, l *sim.Lab, p *sim.Panel, size float64) {
	lines := []string{"dot area = the point's share of this update"}
	if f := l.FlippedShareNow(p); !math.IsNaN(f) {
		format := "flipped points: %.0f%% of the update (%.0f%% of the points)"
		if size < 300 {
			lines[0], format = "dot area = share of this update", "flipped: %.0f%% of update, %.0f%% of points"
		}
		lines = append(lines, fmt.Sprintf(format, 100*f, 100*l.FlippedFraction()))
	}
	w := 0.0
	for _, s := range lines {
		w = max(w, c.textWidth(s, fontSmall))
	}
	w = min(w+12, size-8)
	// A plain rectangle: an antialiased shape would cost Ebiten an
	// offscreen buffer on every render.
	c.fillRect(rect{4, 4, w, 6 + 14*float64(len(lines))}, withAlpha(rgb(0xffffff), 0.85))
	for k, s := range lines {
		c.text(c.ellipsize(s, fontSmall, w-12), fontSmall, 10, 7+14*float64(k), colText)
	}
}
