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

// curvesKey changes when a curve gains a sample.
func curvesKey(s *session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", s.gen)
	for _, p := range s.lab.Panels {
		fmt.Fprintf(&b, "|%d,%d", len(p.Curve), p.Best.Step)
	}
	return b.String()
}

// chart is one of the curves card's charts: an accuracy against steps.
type chart struct {
	title string
	get   func(sim.Sample) float64
	best  bool // mark the early-stopping point
}

// charts are the curves card's charts, left to right.
func charts() []chart {
	return []chart{
		{"Test accuracy (clean labels)", func(s sim.Sample) float64 { return s.Test }, true},
		{"Train accuracy: clean points", func(s sim.Sample) float64 { return s.Clean }, false},
		{"Train accuracy: flipped points (memorised)", func(s sim.Sample) float64 { return s.Flipped }, false},
	}
}

// drawCurves draws the curves card's contents: a legend and the charts of
// every panel's accuracies (into the curves layer).
func drawCurves(c canvas, l *sim.Lab) {
	r := curvesRect(len(l.Panels))
	c.text("Accuracy during training", fontBold, r.X+12, r.Y+9, colText)
	// Legend: methods, then the early-stopping marker.
	x := r.X + 12 + c.textWidth("Accuracy during training", fontBold) + 24
	for _, p := range l.Panels {
		mc := palette.Method(p.Method)
		c.line(x, r.Y+17, x+18, r.Y+17, 2.5, mc)
		c.text(p.Label, fontBody, x+24, r.Y+9, colText)
		x += 24 + c.textWidth(p.Label, fontBody) + 18
	}
	c.circle(x+5, r.Y+17, 5, colText)
	c.circle(x+5, r.Y+17, 3, color.White)
	c.text("early-stopping point (best test accuracy)", fontBody, x+16, r.Y+9, colMuted)

	xmax := 50.0
	for _, p := range l.Panels {
		xmax = max(xmax, float64(p.T.Steps()))
	}
	xmax = niceCeil(xmax)
	w := (r.W - 24 - 2*16) / 3
	top := r.Y + 34
	h := r.H - 34 - 10
	for k, ch := range charts() {
		ch.draw(c, rect{r.X + 12 + float64(k)*(w+16), top, w, h}, l.Panels, xmax)
	}
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
// below the range are clipped), in steps of 10% or 20%, and the step.
func (ch chart) yRange(panels []*sim.Panel, xmax float64) (lo, hi, step float64) {
	lo, hi = 1.0, 0.0
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

// draw plots the chart's accuracy against steps for every panel in r.
func (ch chart) draw(c canvas, r rect, panels []*sim.Panel, xmax float64) {
	c.text(ch.title, fontSmall, r.X, r.Y, colMuted)
	c.text("x: steps", fontSmall, r.X+r.W-6-c.textWidth("x: steps", fontSmall), r.Y, rgb(0x9ca3af))
	plot := rect{r.X + 34, r.Y + 18, r.W - 46, r.H - 18 - 18}
	lo, hi, stepY := ch.yRange(panels, xmax)
	fy := func(v float64) float64 { return plot.Y + plot.H*(1-(v-lo)/(hi-lo)) }
	fx := func(s float64) float64 { return plot.X + plot.W*s/xmax }
	c.fillRect(plot, rgb(0xf8fafc))
	for v := lo; v <= hi+1e-9; v += stepY {
		y := fy(v)
		c.line(plot.X, y, plot.X+plot.W, y, 1, colFaint)
		s := fmt.Sprintf("%.0f%%", 100*v)
		c.text(s, fontSmall, plot.X-6-c.textWidth(s, fontSmall), y-7, colMuted)
	}
	ticks := 4.0
	if m := xmax / math.Pow(10, math.Floor(math.Log10(xmax))); m == 1 || m == 5 {
		ticks = 5
	}
	for k := 0.0; k <= ticks; k++ {
		s := xmax * k / ticks
		x := fx(s)
		c.line(x, plot.Y+plot.H, x, plot.Y+plot.H+3, 1, colMuted)
		lab := fmt.Sprintf("%g", s)
		c.text(lab, fontSmall, x-c.textWidth(lab, fontSmall)/2, plot.Y+plot.H+4, colMuted)
	}
	c.strokeRect(plot, 1, colBorder)
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
