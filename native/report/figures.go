package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/palette"
)

// seqColors are the colours of lines that are not methods (rho values).
var seqColors = []color.RGBA{
	{R: 0x33, G: 0x33, B: 0x33, A: 0xff},
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
}

// label returns a method's display name (optim.Labels), or m itself.
func label(m string) string {
	if l, ok := optim.Labels[m]; ok {
		return l
	}
	return m
}

// trace is one line of a figure: mean values with an optional band of
// +-Band around them (the seed standard deviation).
type trace struct {
	Label  string
	Color  color.RGBA
	Dashed bool
	Width  vg.Length
	X, Y   []float64
	Band   []float64
	// Points draws glyphs at each value as well.
	Points bool
}

// panel is one plot of a figure. It keeps the first error of the lines and
// marks added to it, as bufio.Writer does, and figure.save reports it.
type panel struct {
	*plot.Plot
	err error
}

func newPlot(title, xlabel, ylabel string) *panel {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Add(plotter.NewGrid())
	return &panel{Plot: p}
}

// finiteXY returns the points (x[i], y[i]) where y[i] is finite.
func finiteXY(x, y []float64) plotter.XYs {
	var xy plotter.XYs
	for i := range x {
		if !math.IsNaN(y[i]) && !math.IsInf(y[i], 0) {
			xy = append(xy, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return xy
}

// line adds t (band first, then the line) and its legend entry.
func (p *panel) line(t trace) {
	xy := finiteXY(t.X, t.Y)
	if p.err != nil || len(xy) == 0 {
		return
	}
	if len(t.Band) == len(t.X) {
		var poly plotter.XYs
		for i := range t.X {
			if !math.IsNaN(t.Y[i]) {
				poly = append(poly, plotter.XY{X: t.X[i], Y: t.Y[i] + t.Band[i]})
			}
		}
		for i := len(t.X) - 1; i >= 0; i-- {
			if !math.IsNaN(t.Y[i]) {
				poly = append(poly, plotter.XY{X: t.X[i], Y: t.Y[i] - t.Band[i]})
			}
		}
		if len(poly) > 2 {
			pg, err := plotter.NewPolygon(poly)
			if err != nil {
				p.err = fmt.Errorf("band %s: %w", t.Label, err)
				return
			}
			c := t.Color
			pg.Color = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x30}
			pg.LineStyle.Width = 0
			p.Add(pg)
		}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		p.err = fmt.Errorf("line %s: %w", t.Label, err)
		return
	}
	l.Color, l.Width = t.Color, t.Width
	if l.Width == 0 {
		l.Width = vg.Points(1.5)
	}
	if t.Dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	thumbs := []plot.Thumbnailer{l}
	if t.Points {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			p.err = fmt.Errorf("points %s: %w", t.Label, err)
			return
		}
		s.Color, s.Shape, s.Radius = t.Color, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(s)
		thumbs = append(thumbs, s)
	}
	if t.Label != "" {
		p.Legend.Add(t.Label, thumbs...)
	}
}

// marks draws glyphs at the points (no legend entry unless name is set).
func (p *panel) marks(xs, ys []float64, c color.Color, shape draw.GlyphDrawer, radius vg.Length, name string) {
	var xy plotter.XYs
	for i := range xs {
		if !math.IsNaN(xs[i]) && !math.IsNaN(ys[i]) {
			xy = append(xy, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	if p.err != nil || len(xy) == 0 {
		return
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		p.err = fmt.Errorf("marks: %w", err)
		return
	}
	s.Color, s.Shape, s.Radius = c, shape, radius
	p.Add(s)
	if name != "" {
		p.Legend.Add(name, s)
	}
}

// methodLine is a trace in a method's colour (core/palette) and label.
func methodLine(m string, x, y, band []float64) trace {
	return trace{Label: label(m), Color: palette.Method(m), X: x, Y: y, Band: band}
}
