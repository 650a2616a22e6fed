package report

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// claim3Figure draws claim 3's figure: the measured per-example ratios of
// the first seed at rho base against the closed form (left), and the
// clean/flipped gradient-norm ratio over time per rho (right).
func claim3Figure(runs []*linearRun, rhos []float64, base float64, seed uint64, snap int, out string) error {
	var first *linearRun
	for _, lr := range runs {
		if lr.rho == base && lr.seed == seed {
			first = lr
		}
	}
	pa := newPlot(fmt.Sprintf("1-SAM weight ratio (log scale), step %d, rho %g, seed %d", snap, base, seed), "margin m = y w.x", "")
	logY(pa)
	var xc, yc, xf, yf []float64
	for _, e := range first.Examples {
		if e.Flipped {
			xf, yf = append(xf, e.Margin), append(yf, e.Measured)
		} else {
			xc, yc = append(xc, e.Margin), append(yc, e.Measured)
		}
	}
	xn := rhoNorms(first)
	margins := append(append([]float64{}, xc...), xf...)
	lo, hi := floats.Min(margins), floats.Max(margins)
	grey := color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
	for k, a := range []float64{xn[0], xn[len(xn)/2], xn[len(xn)-1]} {
		var xs, ys []float64
		for j := 0; j <= 200; j++ {
			m := lo + (hi-lo)*float64(j)/200
			xs, ys = append(xs, m), append(ys, ClosedFormRatio(m, a))
		}
		name := []string{"closed form, smallest rho||x||", "closed form, median rho||x||", "closed form, largest rho||x||"}[k]
		pa.line(trace{Label: name + fmt.Sprintf(" = %.2f", a), Color: []color.RGBA{grey, {A: 0xff}, grey}[k], Dashed: k != 1, X: xs, Y: ys, Width: vg.Points(1.2)})
	}
	pa.marks(xc, yc, color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xb0}, draw.CircleGlyph{}, vg.Points(2.2), "measured, clean example")
	pa.marks(xf, yf, color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xd0}, draw.CrossGlyph{}, vg.Points(2.6), "measured, flipped example")
	pa.Legend.Top, pa.Legend.Left = false, false
	pb := newPlot("clean / flipped mean gradient norm (1-SAM update)", "step", "clean / flipped ratio")
	for k, rho := range rhos {
		var steps, ratios [][]float64
		for _, lr := range runs {
			if lr.rho == rho {
				steps, ratios = append(steps, lr.Steps), append(ratios, lr.Ratio)
			}
		}
		x, m, sd := bands(steps, ratios)
		name := fmt.Sprintf("rho %g", rho)
		if rho == 0 {
			name = "rho 0 (SGD)"
		}
		pb.line(trace{Label: name, Color: seqColors[k%len(seqColors)], X: x, Y: m, Band: sd})
	}
	pb.Legend.Top = true
	pb.Legend.YOffs = -vg.Points(18) // below the ratio-1 plateau
	return row(pa, pb).save(filepath.Join(out, "claim3_linear_weights.png"))
}
