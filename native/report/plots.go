package report

import (
	"fmt"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/samlab/samlab/core/optim"
)

// methodColors gives every method one colour in every figure.
var methodColors = map[string]color.RGBA{
	"sgd":    {R: 0x33, G: 0x33, B: 0x33, A: 0xff}, // near black
	"sam":    {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	"1sam":   {R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	"lsam":   {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	"jsam":   {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	"regsgd": {R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
}

// palette for lines that are not methods (rho values, noise rates).
var seqColors = []color.RGBA{
	{R: 0x33, G: 0x33, B: 0x33, A: 0xff},
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
}

func methodColor(m string) color.RGBA {
	if c, ok := methodColors[m]; ok {
		return c
	}
	return color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}
}

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

func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Add(plotter.NewGrid())
	return p
}

// addTrace adds t (band first, then the line) and its legend entry.
func addTrace(p *plot.Plot, t trace) error {
	var xy plotter.XYs
	for i := range t.X {
		if !math.IsNaN(t.Y[i]) && !math.IsInf(t.Y[i], 0) {
			xy = append(xy, plotter.XY{X: t.X[i], Y: t.Y[i]})
		}
	}
	if len(xy) == 0 {
		return nil
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
				return fmt.Errorf("band %s: %w", t.Label, err)
			}
			c := t.Color
			pg.Color = color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x30}
			pg.LineStyle.Width = 0
			p.Add(pg)
		}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("line %s: %w", t.Label, err)
	}
	l.Color = t.Color
	l.Width = t.Width
	if l.Width == 0 {
		l.Width = vg.Points(1.5)
	}
	if t.Dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	p.Add(l)
	if t.Points {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return fmt.Errorf("points %s: %w", t.Label, err)
		}
		s.Color = t.Color
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2.5)
		p.Add(s)
		if t.Label != "" {
			p.Legend.Add(t.Label, l, s)
		}
		return nil
	}
	if t.Label != "" {
		p.Legend.Add(t.Label, l)
	}
	return nil
}

// addMarks draws glyphs at the points (no legend entry unless name is set).
func addMarks(p *plot.Plot, xs, ys []float64, c color.Color, shape draw.GlyphDrawer, radius vg.Length, name string) error {
	var xy plotter.XYs
	for i := range xs {
		if !math.IsNaN(xs[i]) && !math.IsNaN(ys[i]) {
			xy = append(xy, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	if len(xy) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return fmt.Errorf("marks: %w", err)
	}
	s.Color = c
	s.Shape = shape
	s.Radius = radius
	p.Add(s)
	if name != "" {
		p.Legend.Add(name, s)
	}
	return nil
}

// figure is a grid of plots saved as one PNG.
type figure struct {
	Plots         [][]*plot.Plot
	Width, Height vg.Length
}

// panelSize is the size of one panel.
const (
	panelW = 5.2 * vg.Inch
	panelH = 3.8 * vg.Inch
)

// row returns a one-row figure of the plots.
func row(ps ...*plot.Plot) figure {
	return figure{Plots: [][]*plot.Plot{ps}, Width: panelW * vg.Length(len(ps)), Height: panelH}
}

// figureDPI is the resolution of the PNG files.
const figureDPI = 150

// save writes the figure to path as a PNG (figureDPI).
func (f figure) save(path string) error {
	img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(figureDPI))
	dc := draw.New(img)
	// White background.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	rows, cols := len(f.Plots), 0
	for _, r := range f.Plots {
		cols = max(cols, len(r))
	}
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	cs := plot.Align(f.Plots, t, dc)
	for i := range f.Plots {
		for j, p := range f.Plots[i] {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("figure: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(fh); err != nil {
		fh.Close()
		return fmt.Errorf("figure %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	return nil
}

// heatGrid is a plotter.GridXYZ over a rows x cols table of values with
// categorical axes: cell centres at 0..cols-1 and 0..rows-1.
type heatGrid struct {
	V [][]float64 // V[row][col]
}

func (g heatGrid) Dims() (c, r int)   { return len(g.V[0]), len(g.V) }
func (g heatGrid) Z(c, r int) float64 { return g.V[r][c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

func minMax(z [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range z {
		for _, v := range r {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	return lo, hi
}

// ticks returns tick marks at 0..len(names)-1 labelled with names.
type ticks []string

// Ticks implements plot.Ticker.
func (t ticks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for i, n := range t {
		out = append(out, plot.Tick{Value: float64(i), Label: n})
	}
	return out
}

// decades is a log-axis ticker: over more than three decades it labels
// powers of ten (every few of them), over fewer it also labels 2 and 5
// times each power, with unlabelled minor ticks in between.
type decades struct{}

// Ticks implements plot.Ticker.
func (decades) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	var out []plot.Tick
	if hi-lo <= 3 {
		for e := lo; e <= hi; e++ {
			p := math.Pow(10, e)
			for k := 1; k <= 9; k++ {
				v := float64(k) * p
				if v < min*(1-1e-9) || v > max*(1+1e-9) {
					continue
				}
				t := plot.Tick{Value: v}
				if k == 1 || k == 2 || k == 5 {
					t.Label = fmt.Sprintf("%g", v)
				}
				out = append(out, t)
			}
		}
		return out
	}
	step := math.Max(1, math.Ceil((hi-lo)/6))
	for e := lo; e <= hi; e++ {
		t := plot.Tick{Value: math.Pow(10, e)}
		if t.Value < min*(1-1e-9) || t.Value > max*(1+1e-9) {
			continue // a tick outside the range would shrink the plot to fit its label
		}
		if math.Mod(e-lo, step) == 0 {
			t.Label = fmt.Sprintf("1e%d", int(e))
			if e == 0 {
				t.Label = "1"
			}
		}
		out = append(out, t)
	}
	return out
}

// zoomY sets the y range of an accuracy plot to the values after the first
// few percent of training (the random initialisation would squash the rest).
func zoomY(p *plot.Plot, ss []series) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		last := 0.0
		if n := len(s.Steps); n > 0 {
			last = s.Steps[n-1]
		}
		for i, x := range s.Steps {
			if x < 0.05*last || math.IsNaN(s.Mean[i]) {
				continue
			}
			lo, hi = math.Min(lo, s.Mean[i]-s.Std[i]), math.Max(hi, s.Mean[i]+s.Std[i])
		}
	}
	if lo < hi {
		pad := 0.1 * (hi - lo)
		p.Y.Min, p.Y.Max = math.Max(0, lo-pad), math.Min(1.0, hi+pad)
	}
}

// lightPalette is a palette blended halfway to white, so that text on the
// cells of a heat map stays readable.
type lightPalette []color.Color

// Colors implements palette.Palette.
func (p lightPalette) Colors() []color.Color { return p }

func lighten(cs []color.Color) lightPalette {
	out := make(lightPalette, len(cs))
	for i, c := range cs {
		r, g, b, _ := c.RGBA()
		out[i] = color.RGBA{R: uint8((r>>8 + 255) / 2), G: uint8((g>>8 + 255) / 2), B: uint8((b>>8 + 255) / 2), A: 255}
	}
	return out
}

// logY puts p's y axis on a log scale. gonum/plot places the y label's
// glyph box at the arithmetic middle of the range, which on a log axis is
// near the top and squeezes the plot, so the label is dropped: the title
// must name the quantity.
func logY(p *plot.Plot) {
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{}
	p.Y.Label.Text = ""
}
