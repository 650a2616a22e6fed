package app

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// The projection of the high-dimensional scene: the points on the plane
// of the class-mean direction mu (to the right) and the weights' component
// orthogonal to it (upwards), sim.Projection. The weights lie in that
// plane, so the tint under a point is the model's predicted probability
// for it and the decision line separates the points exactly as the model
// does; the arrow is w's direction. The angle between w and mu alone sets
// the test accuracy (sim.ExpectedAccuracy): a model that memorises the
// flipped labels through the noise directions turns w up, away from mu.
// Training points are drawn in the colour of the label they are trained
// on, clean ones as discs with a white rim, flipped ones as triangles with
// a dark rim; in the share view, with an area proportional to their share
// of the update, as in the 2-D panels.

// projTint is a panel's projection tint uploaded at grid resolution: a
// cache the view owns.
type projTint struct {
	img   *ebiten.Image
	stamp uint64
}

// upload returns the tint t as an image, writing its pixels when they
// changed.
func (pt *projTint) upload(t *tint) *ebiten.Image {
	if pt.img == nil || pt.img.Bounds().Dx() != t.gw || pt.img.Bounds().Dy() != t.gh {
		pt.img = ebiten.NewImage(t.gw, t.gh)
		pt.stamp = 0
	}
	if pt.stamp != t.stamp {
		pt.img.WritePixels(t.pix)
		pt.stamp = t.stamp
	}
	return pt.img
}

// drawProjection draws panel i's projection of session s onto c, whose
// origin is the projection's top-left corner, of size w x h (the panel's
// projRect r), with its tint pt and shape batch d.
func drawProjection(c canvas, s *session, i int, r rect, pt *projTint, d *discs) {
	lab := s.lab
	p := lab.Panels[i]
	pr := &p.Views.Proj
	sp := &s.space
	w, h := r.W, r.H
	px := func(x float64) float32 { return float32(x * c.s) }
	// xy maps plane point (a, b) to the layer's logical coordinates.
	xy := func(a, b float64) (float64, float64) {
		x, y := sp.projXY(r, a, b)
		return x - r.X, y - r.Y
	}
	if t := &sp.tints[i]; t.stamp != 0 && finite(pr.W1) && finite(pr.W2) {
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		op.GeoM.Scale(w*c.s/float64(t.gw), h*c.s/float64(t.gh))
		c.dst.DrawImage(pt.upload(t), op)
	} else {
		c.fillRect(rect{0, 0, w, h}, rgb(0xf8fafc))
	}
	// The axes through the origin.
	ox, oy := xy(0, 0)
	c.fillRect(rect{0, oy, w, 1}, withAlpha(rgb(0x475569), 0.35))
	c.fillRect(rect{ox, 0, 1, h}, withAlpha(rgb(0x475569), 0.35))

	// The decision line W1 a + W2 b = 0, through the origin across the view.
	nw := math.Hypot(pr.W1, pr.W2)
	if nw > 0 && finite(nw) {
		da, db := -pr.W2/nw, pr.W1/nw // along the line
		t := 2 * (w + h) / sp.scale(r)
		x0, y0 := xy(-t*da, -t*db)
		x1, y1 := xy(t*da, t*db)
		d.chain(c.dst, []float32{px(x0), px(y0), px(x1), px(y1)}, px(1.2), 0, withAlpha(colBoundary, 0.85))
	}

	// Test points, then the training points (clean first, flipped on
	// top; in the share view the largest share first).
	if lab.P.Test {
		for k := range pr.TestB {
			x, y := xy(pr.TestA[k], pr.TestB[k])
			d.disc(c.dst, px(x), px(y), px(2), withAlpha(palette.Class(lab.Setup.Test.Y[k]), 0.7))
		}
	}
	tr := lab.Train
	n := tr.N()
	base, lo, hi := shareRadii(w)
	if w < 300 {
		base *= 0.85
	}
	order := s.space.order(lab, p)
	for _, k := range order {
		if k >= len(pr.B) || math.IsNaN(pr.B[k]) {
			continue
		}
		x, y := xy(pr.A[k], pr.B[k])
		rad := base
		if lab.P.Shares && p.Views.Stepped {
			rad = sim.ShareRadius(p.Shares[k], n, base, lo, hi)
		}
		drawProjPoint(d, c, px(x), px(y), px(rad), tr.Y[k], tr.Flipped[k])
	}
	if k := s.inspector.point; s.inspector.isOpen() && k < len(pr.B) {
		x, y := xy(pr.A[k], pr.B[k])
		d.disc(c.dst, px(x), px(y), px(11), colText)
		d.disc(c.dst, px(x), px(y), px(9), color.White)
		drawProjPoint(d, c, px(x), px(y), px(base), tr.Y[k], tr.Flipped[k])
	}
	d.flush(c.dst)

	// The angle with what it implies (the axes' caption is a layer of its
	// own: projAxesCaption).
	small := w < 300
	if nw > 0 && finite(nw) {
		deg := pr.Angle()
		acc := sim.ExpectedAccuracy(deg, lab.Config.Data.MuNorm, lab.Config.Data.Sigma)
		txt := fmt.Sprintf("w at %.1f° to μ: expected test accuracy Φ(|μ| cos θ / σ) = %.1f%%", deg, 100*acc)
		if small {
			txt = fmt.Sprintf("θ(w, μ) %.1f°: test acc %.1f%%", deg, 100*acc)
		}
		caption(c, 4, h-20, []string{txt}, w-8)

		// The weights' direction, over everything.
		l := 0.3 * min(w, h)
		ex, ey := ox+l*pr.W1/nw, oy-l*pr.W2/nw
		d.chain(c.dst, []float32{px(ox), px(oy), px(ex), px(ey)}, px(1.6), 0, rgb(0x111827))
		angle := math.Atan2(pr.W1, pr.W2) // clockwise from up, on the screen
		d.triangle(c.dst, px(ex), px(ey), px(6), angle, rgb(0x111827))
		d.flush(c.dst)
		c.text("w", fontBold, ex+5*pr.W2/nw+4, ey-5*pr.W1/nw-9, colText)
	}
}

// projAxesCaption returns the caption naming the projection's axes, for
// a projection w logical pixels wide.
func projAxesCaption(w float64) string {
	if w < 300 {
		return "→ μ   ↑ w's part orthogonal to μ"
	}
	return "→ μ, the class-mean direction;  ↑ w's part orthogonal to μ"
}

// drawProjAxesCaption writes text in the projection's top-left corner onto
// c (transparent), of width w.
func drawProjAxesCaption(c canvas, text string, w float64) {
	caption(c, 4, 4, []string{text}, w-8)
}

// drawProjPoint draws a training point of class k in the projection at
// (x, y) with radius r (screen pixels): clean, a disc with a white rim;
// flipped, a triangle with a dark rim in a white halo.
func drawProjPoint(d *discs, c canvas, x, y, r float32, k int, flipped bool) {
	col := palette.Class(k)
	if flipped {
		tr := 1.45 * r // about a disc's area: a triangle fills 0.41 of its circle
		d.triangle(c.dst, x, y, tr+float32(4.2*c.s), 0, withAlpha(rgb(0xffffff), 0.85))
		d.triangle(c.dst, x, y, tr+float32(2.6*c.s), 0, palette.Flipped)
		d.triangle(c.dst, x, y, tr, 0, col)
		return
	}
	d.disc(c.dst, x, y, r+float32(c.s), withAlpha(rgb(0xffffff), 0.9))
	d.disc(c.dst, x, y, r, col)
}

// caption writes lines at (x, y) on a translucent box at most w wide.
func caption(c canvas, x, y float64, lines []string, w float64) {
	tw := 0.0
	for _, l := range lines {
		tw = max(tw, c.textWidth(l, fontSmall))
	}
	tw = min(tw+10, w)
	c.fillRect(rect{x, y, tw, 3 + 14*float64(len(lines))}, withAlpha(rgb(0xffffff), 0.8))
	for k, l := range lines {
		c.text(c.ellipsize(l, fontSmall, tw-10), fontSmall, x+5, y+1+14*float64(k), colText)
	}
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
