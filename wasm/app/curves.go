package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// curvesKey changes when a curve gains a sample, or the training points
// change (the fourth chart's reference line).
func curvesKey(s *session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d,%d", s.gen, s.points)
	for _, p := range s.lab.Panels {
		fmt.Fprintf(&b, "|%d,%d", len(p.Curve), p.Best.Step)
	}
	return b.String()
}

// chart is one of the curves card's charts: a fraction (an accuracy, a
// share) against steps.
type chart struct {
	title string
	get   func(sim.Sample) float64
	best  bool // mark the early-stopping point
	// ref, if not nil, gives a reference value drawn as a dashed line
	// with the label refText (NaN: none).
	ref     func(*sim.Lab) float64
	refText string
	// none is said in the chart when no panel has a value (NaN): its set
	// of points is empty.
	none string
}

// charts are the curves card's charts, left to right: three accuracies,
// then the mechanism, the flipped points' share of each method's update
// against their share of the points.
func charts() []chart {
	return []chart{
		{title: "Test accuracy (clean labels)", get: func(s sim.Sample) float64 { return s.Test }, best: true},
		{title: "Train accuracy: clean points", get: func(s sim.Sample) float64 { return s.Clean }, none: "no clean points"},
		{title: "Train accuracy: flipped points (memorised)", get: func(s sim.Sample) float64 { return s.Flipped }, none: "no flipped points"},
		{title: "Share of the update from flipped points", get: sim.FlippedShare,
			ref: (*sim.Lab).FlippedFraction, refText: "all points weighed equally"},
	}
}

// curvesTitle is the curves card's title.
const curvesTitle = "During training"

// drawCurves draws the curves card's contents: a legend and the charts of
// every panel's accuracies and flipped share (into the curves layer).
func drawCurves(c canvas, l *sim.Lab) {
	r := curvesRect(len(l.Panels))
	c.text(curvesTitle, fontBold, r.X+12, r.Y+9, colText)
	// Legend: methods, then the early-stopping marker.
	x := r.X + 12 + c.textWidth(curvesTitle, fontBold) + 24
	for _, p := range l.Panels {
		mc := palette.Method(p.Method)
		c.line(x, r.Y+17, x+18, r.Y+17, 2.5, mc)
		c.text(p.Label, fontBody, x+24, r.Y+9, colText)
		x += 24 + c.textWidth(p.Label, fontBody) + 18
	}
	c.circle(x+5, r.Y+17, 5, colText)
	c.circle(x+5, r.Y+17, 3, color.White)
	c.text("early-stopping point (best test accuracy)", fontBody, x+16, r.Y+9, colMuted)
	const xs = "x axes: training steps"
	c.text(xs, fontSmall, r.X+r.W-12-c.textWidth(xs, fontSmall), r.Y+11, rgb(0x9ca3af))

	xmax := 50.0
	for _, p := range l.Panels {
		xmax = max(xmax, float64(p.T.Steps()))
	}
	xmax = niceCeil(xmax)
	for k, ch := range charts() {
		ch.draw(c, chartRect(k, len(l.Panels)), l, xmax)
	}
}

// chartRect returns chart k of charts() in the curves card below n panels.
func chartRect(k, n int) rect {
	r := curvesRect(n)
	m := len(charts())
	w := (r.W - 24 - float64(m-1)*16) / float64(m)
	return rect{r.X + 12 + float64(k)*(w+16), r.Y + 34, w, r.H - 34 - 10}
}

// niceCeil rounds x up to 1, 2 or 5 times a power of ten.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= x {
			return m * e
		}
	}
	return 10 * e
}

// yRange returns the chart's y range: the data after the first 2% of the
// steps (the untrained start would squash the interesting part; lines
// below the range are clipped) and the reference value ref (NaN: none),
// in steps of 10% or 20%, and the step.
func (ch chart) yRange(panels []*sim.Panel, xmax, ref float64) (lo, hi, step float64) {
	lo, hi = 1.0, 0.0
	if !math.IsNaN(ref) {
		lo, hi = ref, ref
	}
	for pass := range 2 {
		for _, p := range panels {
			for _, s := range p.Curve {
				if v := ch.get(s); !math.IsNaN(v) && (pass == 1 || float64(s.Step) >= 0.02*xmax) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
		if lo <= hi {
			break
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	lo, hi = math.Floor(lo*10-1e-9)/10, math.Ceil(hi*10+1e-9)/10
	lo, hi = max(0, lo), min(1, hi)
	if hi-lo < 0.2 {
		if hi+0.1 <= 1 {
			hi += 0.1
		} else {
			lo -= 0.1
		}
	}
	step = 0.1
	if hi-lo > 0.5 {
		step = 0.2
		lo = math.Floor(lo*5+1e-9) / 5
	}
	return lo, hi, step
}

// draw plots the chart's value against steps for every panel of l in r.
func (ch chart) draw(c canvas, r rect, l *sim.Lab, xmax float64) {
	panels := l.Panels
	c.text(c.ellipsize(ch.title, fontSmall, r.W), fontSmall, r.X, r.Y, colMuted)
	plot := rect{r.X + 34, r.Y + 18, r.W - 46, r.H - 18 - 18}
	ref := math.NaN()
	if ch.ref != nil {
		ref = ch.ref(l)
	}
	lo, hi, stepY := ch.yRange(panels, xmax, ref)
	fy := func(v float64) float64 { return plot.Y + plot.H*(1-(v-lo)/(hi-lo)) }
	fx := func(s float64) float64 { return plot.X + plot.W*s/xmax }
	c.fillRect(plot, rgb(0xf8fafc))
	// Grid lines and ticks as one path each, their labels after: every
	// antialiased draw call costs Ebiten an offscreen buffer of its bounds.
	var grid, tickPath vector.Path
	for v := lo; v <= hi+1e-9; v += stepY {
		y := float32(fy(v))
		grid.MoveTo(float32(plot.X), y)
		grid.LineTo(float32(plot.X+plot.W), y)
	}
	c.path(&grid, colFaint, 1)
	for v := lo; v <= hi+1e-9; v += stepY {
		s := fmt.Sprintf("%.0f%%", 100*v)
		c.text(s, fontSmall, plot.X-6-c.textWidth(s, fontSmall), fy(v)-7, colMuted)
	}
	ticks := 4.0
	if m := xmax / math.Pow(10, math.Floor(math.Log10(xmax))); m == 1 || m == 5 {
		ticks = 5
	}
	for k := 0.0; k <= ticks; k++ {
		x := float32(fx(xmax * k / ticks))
		tickPath.MoveTo(x, float32(plot.Y+plot.H))
		tickPath.LineTo(x, float32(plot.Y+plot.H+3))
	}
	c.path(&tickPath, colMuted, 1)
	for k := 0.0; k <= ticks; k++ {
		s := xmax * k / ticks
		lab := fmt.Sprintf("%g", s)
		c.text(lab, fontSmall, fx(s)-c.textWidth(lab, fontSmall)/2, plot.Y+plot.H+4, colMuted)
	}
	c.strokeRect(plot, 1, colBorder)
	if !math.IsNaN(ref) {
		y := fy(ref)
		c.dashedLine(plot.X, y, plot.X+plot.W, y, 1.5, 4, rgb(0x6b7280))
		lab := fmt.Sprintf("%.0f%%: %s", 100*ref, ch.refText)
		ty := y + 2
		if y > plot.Y+plot.H/2 {
			ty = y - 15
		}
		c.text(c.ellipsize(lab, fontSmall, plot.W-8), fontSmall, plot.X+4, ty, colMuted)
	}
	if ch.none != "" && noValue(panels, ch.get) {
		c.textCentered(ch.none, fontSmall, plot.X, plot.Y, plot.W, plot.H, colMuted)
	}
	clipR := image.Rect(int(plot.X*c.s), int((plot.Y-3)*c.s), int((plot.X+plot.W+3)*c.s), int((plot.Y+plot.H+1)*c.s))
	for _, p := range panels {
		mc := palette.Method(p.Method)
		if p.Best.Step >= 0 {
			bx := fx(float64(p.Best.Step))
			c.dashedLine(bx, plot.Y, bx, plot.Y+plot.H, 1, 3, withAlpha(mc, 0.55))
		}
		n := len(p.Curve)
		stride := max(1, n/300)
		var path vector.Path
		started := false
		for j := 0; j < n; j += stride {
			if j+stride >= n {
				j = n - 1
			}
			s := p.Curve[j]
			v := ch.get(s)
			if math.IsNaN(v) {
				started = false
				continue
			}
			x, y := float32(fx(float64(s.Step))), float32(fy(v))
			if !started {
				path.MoveTo(x, y)
				started = true
			} else {
				path.LineTo(x, y)
			}
		}
		c.clip(clipR).path(&path, mc, 2)
		if ch.best && p.Best.Step >= 0 {
			bx, by := fx(float64(p.Best.Step)), fy(ch.get(p.Best))
			c.circle(bx, by, 5.5, mc)
			c.circle(bx, by, 3, color.White)
		}
	}
}

// noValue reports whether the panels have samples and get gives none of
// their last samples a value (NaN everywhere).
func noValue(panels []*sim.Panel, get func(sim.Sample) float64) bool {
	sampled := false
	for _, p := range panels {
		l := p.Last()
		if l.Step >= 0 && !math.IsNaN(get(l)) {
			return false
		}
		sampled = sampled || l.Step >= 0
	}
	return sampled
}
