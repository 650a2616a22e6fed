package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
)

// heatGrid is a plotter.GridXYZ over a rows x cols table of values with
// categorical axes: cell centres at 0..cols-1 and 0..rows-1.
type heatGrid struct {
	V [][]float64 // V[row][col]
}

func (g heatGrid) Dims() (c, r int)   { return len(g.V[0]), len(g.V) }
func (g heatGrid) Z(c, r int) float64 { return g.V[r][c] }
func (g heatGrid) X(c int) float64    { return float64(c) }
func (g heatGrid) Y(r int) float64    { return float64(r) }

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
func logY(p *panel) {
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{}
	p.Y.Label.Text = ""
}
