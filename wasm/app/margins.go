package app

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// The margin view of the high-dimensional scene: every training point at
// its margin y*f(x) (x axis) and its share of the panel's last update, in
// multiples of the uniform share 1/N on a log scale (y axis), clean points
// as grey discs and flipped ones as dark triangles, over the closed-form
// per-example weight curves (sim.Weight, scaled as the shares are:
// sim.Lab.WeightCurve): the panel's own method's, solid, and for
// comparison the other side's, dashed (SGD's sigma(-m) in a 1-SAM or
// L-SAM panel, 1-SAM's sigma(c - m) in the others'). A point of the mean
// norm sits on its method's curve; the others within the spread of the
// norms (a few percent on highdim).

// Colours of the margin view's points: clean and flipped differ in shape
// and in lightness.
var (
	colClean   = rgb(0x64748b)   // slate
	colFlipped = palette.Flipped // black
)

// viewLayer is one of a panel's high-dimensional views, drawn into an image
// the size of its rectangle and re-rendered only when what it shows
// changed (its key). It is a cache the view owns.
type viewLayer struct {
	img *ebiten.Image
	key viewKey
}

// viewKey is what a view layer shows: the space's stamp of its panel, the
// session's points generation (the share view, test points), the
// inspected point, the axes (for the margin view's axes layer), a text
// (for the legend and caption layers), and the size and scale.
type viewKey struct {
	stamp, points uint64
	inspected     int
	axes          marginAxes
	text          string
	w, h, scale   float64
}

// draw renders the layer with render (in coordinates relative to r) if
// key changed, then draws it at r.
func (vl *viewLayer) draw(c canvas, r rect, key viewKey, render func(canvas)) {
	w, h := int(math.Ceil(r.W*c.s)), int(math.Ceil(r.H*c.s))
	if vl.img == nil || vl.img.Bounds().Dx() != w || vl.img.Bounds().Dy() != h {
		vl.img = ebiten.NewImage(w, h)
		vl.key = viewKey{}
	}
	if key != vl.key {
		vl.img.Clear()
		render(c.on(vl.img))
		vl.key = key
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(float64(int(r.X*c.s)), float64(int(r.Y*c.s)))
	c.dst.DrawImage(vl.img, op)
}

// otherCurve returns the method whose weight curve a panel of method m
// shows for comparison: SGD's beside the SAM variants whose weight is
// 1-SAM's, 1-SAM's beside the others.
func otherCurve(m string) string {
	if m == "1sam" || m == "lsam" {
		return "sgd"
	}
	return "1sam"
}

// drawMarginAxes draws what of panel i's margin view of session s
// changes only with its axes onto c, whose origin is the view's top-left
// corner, of size w x h: the background, the title, the grid and the
// labels (drawMargins draws the rest over it).
func drawMarginAxes(c canvas, s *session, i int, w, h float64) {
	ax := s.space.axes[i]
	c.fillRect(rect{0, 0, w, h}, colCard)
	plot := marginPlot(rect{0, 0, w, h})
	c.fillRect(plot, rgb(0xf8fafc))
	if w < 300 { // four panels: the points' legend as the title
		drawPointsLegend(c, plot.X, 1, []string{"clean", "flipped"})
	} else {
		c.text("Share of the update (x uniform) by margin y·f(x)", fontSmall, plot.X, 1, colText)
	}
	// Decades of the share axis, the uniform share (1) darker.
	t := math.Log10(ax.top)
	for k := 0; k <= shareDecades; k++ {
		u := math.Pow(10, t-float64(k))
		y := ax.y(plot, u)
		clr := colFaint
		if math.Abs(u-1) < 1e-9 {
			clr = rgb(0xcbd5e1)
		}
		c.fillRect(rect{plot.X, y, plot.W, 1}, clr)
		lab := fmt.Sprintf("%g", u)
		c.text(lab, fontSmall, plot.X-4-c.textWidth(lab, fontSmall), y-7, colMuted)
	}
	// Margin ticks; the boundary m = 0 darker.
	step := niceCeil((ax.hi - ax.lo) / 7)
	for m := math.Ceil(ax.lo/step) * step; m <= ax.hi+1e-9; m += step {
		m := math.Round(m/step) * step
		x, _ := ax.xy(plot, m, 1)
		clr := colFaint
		if m == 0 {
			m, clr = 0, rgb(0x94a3b8) // +0, not -0
		}
		c.fillRect(rect{x, plot.Y, 1, plot.H}, clr)
		lab := fmt.Sprintf("%g", m)
		c.text(lab, fontSmall, x-c.textWidth(lab, fontSmall)/2, plot.Y+plot.H+1, colMuted)
	}
	c.strokeRect(plot, 1, colBorder)
}

// drawMargins draws what of panel i's margin view of session s changes
// with every step onto c (transparent), whose origin is the view's
// top-left corner, of size w x h, with shape batch d: the flipped points'
// share of the update, the curves and the points (the legend is drawn
// over them: drawMarginLegend).
func drawMargins(c canvas, s *session, i int, w, h float64, d *discs) {
	lab := s.lab
	p := lab.Panels[i]
	v := &p.Views
	ax := s.space.axes[i]
	plot := marginPlot(rect{0, 0, w, h})
	px := func(x float64) float32 { return float32(x * c.s) }
	small := w < 300
	if f := lab.FlippedShareNow(p); !math.IsNaN(f) && v.Stepped {
		format := "flipped: %.0f%% of it"
		if small {
			format = "flipped %.0f%%"
		}
		txt := fmt.Sprintf(format, 100*f)
		c.text(txt, fontSmall, plot.X+plot.W-c.textWidth(txt, fontSmall), 1, colMuted)
	}

	// The weight curves: the other side's dashed, the panel's own solid,
	// with c marked where the own curve drops.
	own, ownOK := lab.WeightCurve(v, p.Method, p.Rho)
	ref, refOK := lab.WeightCurve(v, otherCurve(p.Method), sim.Rho(lab.Config, otherCurve(p.Method)))
	// A curve is cut where it leaves the share axis (points are drawn on
	// its edges instead).
	t0, t1 := ax.top/math.Pow(10, shareDecades), ax.top
	curve := func(cv sim.Curve, r, dash float32, clr color.Color) {
		var xy []float32
		for k := 0.0; k <= plot.W; k += 1.5 {
			m := ax.lo + (ax.hi-ax.lo)*k/plot.W
			u := cv.At(m)
			x, y := ax.xy(plot, m, u)
			if u < t0 || u > t1 {
				x = math.NaN()
			}
			xy = append(xy, px(x), px(y))
		}
		d.chain(c.dst, xy, px(float64(r)), px(float64(dash)), clr)
	}
	if refOK {
		curve(ref, 0.9, 4, withAlpha(rgb(0x6b7280), 0.85))
	}
	mc := palette.Method(p.Method)
	if ownOK {
		if own.C > 0 && own.C <= ax.hi {
			x, _ := ax.xy(plot, own.C, 1)
			var xy []float32
			xy = append(xy, px(x), px(plot.Y), px(x), px(plot.Y+plot.H))
			d.chain(c.dst, xy, px(0.6), px(3), withAlpha(mc, 0.7))
		}
		curve(own, 1.3, 0, mc)
	}

	// The points: clean first, flipped on top; faded before the first
	// update (there is no share yet: they sit at the uniform share).
	alpha := 0.85
	if !v.Stepped {
		alpha = 0.35
	}
	tr := lab.Train
	halo := withAlpha(rgb(0xffffff), 0.8*alpha)
	for pass := range 2 {
		for k, m := range v.Margins {
			if tr.Flipped[k] != (pass == 1) || math.IsNaN(m) {
				continue
			}
			x, y := ax.xy(plot, m, shareTimesN(p, k))
			if tr.Flipped[k] {
				d.triangle(c.dst, px(x), px(y), px(4.8), 0, halo)
				d.triangle(c.dst, px(x), px(y), px(3.6), 0, withAlpha(colFlipped, alpha))
			} else {
				d.disc(c.dst, px(x), px(y), px(3.1), halo)
				d.disc(c.dst, px(x), px(y), px(2.3), withAlpha(colClean, alpha))
			}
		}
	}
	if k := s.inspector.point; s.inspector.isOpen() && k < len(v.Margins) {
		x, y := ax.xy(plot, v.Margins[k], shareTimesN(p, k))
		d.disc(c.dst, px(x), px(y), px(8), colText)
		d.disc(c.dst, px(x), px(y), px(6), color.White)
		if tr.Flipped[k] {
			d.triangle(c.dst, px(x), px(y), px(3.6), 0, colFlipped)
		} else {
			d.disc(c.dst, px(x), px(y), px(2.3), colClean)
		}
	}
	d.flush(c.dst)

	if !v.Stepped {
		c.textCentered("before the first update: the points at their margins", fontSmall, plot.X, plot.Y+2, plot.W, 16, colMuted)
	}
}

// marginLegend returns the lines of panel p's margin view's legend in
// lab: the points' shapes (but with four panels, small, where the title
// shows them), the panel's own curve and the other side's.
func marginLegend(lab *sim.Lab, p *sim.Panel, small bool) []legendLine {
	v := &p.Views
	own, ownOK := lab.WeightCurve(v, p.Method, p.Rho)
	ref, refOK := lab.WeightCurve(v, otherCurve(p.Method), sim.Rho(lab.Config, otherCurve(p.Method)))
	var lines []legendLine
	if !small {
		lines = append(lines, legendLine{text: "● clean ▲ flipped label", points: true})
	}
	switch {
	case ownOK:
		lines = append(lines, legendLine{text: curveText(p.Method, own, small), clr: palette.Method(p.Method)})
	case small:
		lines = append(lines, legendLine{text: "SAM: no curve in m", clr: colMuted})
	default:
		lines = append(lines, legendLine{text: "SAM: no curve in m alone (its e moves each margin by y e·x)", clr: colMuted})
	}
	if refOK {
		lines = append(lines, legendLine{text: curveText(ref.Method, ref, small), clr: rgb(0x6b7280), dashed: true})
	}
	return lines
}

// legendText returns the text of legend lines, as a cache key.
func legendText(lines []legendLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('|')
	}
	return b.String()
}

// drawMarginLegend draws legend lines onto c (transparent), whose origin is
// the margin view's top-left corner, of size w x h: bottom left inside the
// plot, where no point falls (a point at a negative margin has a large
// weight under every method). It changes only with the lab, so it is a
// layer of its own, over the points.
func drawMarginLegend(c canvas, lines []legendLine, w, h float64) {
	drawLegend(c, marginPlot(rect{0, 0, w, h}), lines)
}

// curveText names a weight curve for the legend.
func curveText(m string, cv sim.Curve, small bool) string {
	name := optim.Labels[m]
	if cv.C > 0 {
		if small {
			return fmt.Sprintf("%s σ(c−m) c≈%.3g", name, cv.C)
		}
		return fmt.Sprintf("%s: σ(c−m), c = ρ|x| ≈ %.3g", name, cv.C)
	}
	if small {
		return name + " σ(−m)"
	}
	return name + ": σ(−m)"
}

// legendLine is one line of a view's legend: a sample of the line (dashed
// or not) in clr, and the text; or, with points, the points' shapes, a
// clean disc at the start of text and a flipped triangle after its first
// word.
type legendLine struct {
	text   string
	clr    color.Color
	dashed bool
	points bool
}

// drawLegend writes lines in the bottom-left corner of plot, on a
// translucent box.
func drawLegend(c canvas, plot rect, lines []legendLine) {
	w := 0.0
	for _, l := range lines {
		w = max(w, c.textWidth(l.text, fontSmall))
	}
	w = min(w+30, plot.W-8)
	h := 4 + 13*float64(len(lines))
	x0, y0 := plot.X+3, plot.Y+plot.H-h-3
	c.fillRect(rect{x0, y0, w, h}, withAlpha(rgb(0xffffff), 0.85))
	for k, l := range lines {
		y := y0 + 2 + 13*float64(k)
		if l.points {
			drawPointsLegend(c, x0+6, y, []string{"clean", "flipped label"})
			continue
		}
		if l.dashed {
			c.fillRect(rect{x0 + 4, y + 6, 6, 2}, l.clr)
			c.fillRect(rect{x0 + 13, y + 6, 6, 2}, l.clr)
		} else {
			c.fillRect(rect{x0 + 4, y + 5.5, 15, 2.5}, l.clr)
		}
		c.text(c.ellipsize(l.text, fontSmall, w-28), fontSmall, x0+24, y, colText)
	}
}

// drawPointsLegend writes the margin view's points legend at (x, y): a
// clean disc and names[0], a flipped triangle and names[1].
func drawPointsLegend(c canvas, x, y float64, names []string) {
	for k, name := range names {
		glyph, clr := "●", colClean
		if k == 1 {
			glyph, clr = "▲", colFlipped
		}
		c.text(glyph, fontSmall, x, y, clr)
		x += c.textWidth(glyph, fontSmall) + 3
		c.text(name, fontSmall, x, y, colText)
		x += c.textWidth(name, fontSmall) + 10
	}
}
