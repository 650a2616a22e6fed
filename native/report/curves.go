package report

import (
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/core/train"
)

// series is the mean and standard deviation over seeds of one metric at
// each recorded step. Runs that failed or stopped early are left out.
type series struct {
	Steps, Mean, Std []float64
}

// curve is metric f of method's runs as a series.
func curve(results []experiment.Result, method string, f func(train.Metrics) float64) series {
	var steps, vals [][]float64
	for _, r := range byMethod(results, method) {
		if r.Err != nil || len(r.History) == 0 {
			continue
		}
		var x, y []float64
		for _, m := range r.History {
			x, y = append(x, float64(m.Step)), append(y, f(m))
		}
		steps, vals = append(steps, x), append(vals, y)
	}
	var s series
	s.Steps, s.Mean, s.Std = bands(steps, vals)
	return s
}

// curvesPlot draws metric f against steps for methods, with seed bands;
// marks, if set, adds a triangle at (mean best step, mean best accuracy);
// zoom fits the y range to the curves after the first steps (zoomY).
func curvesPlot(title, ylabel string, res []experiment.Result, methods []string, f func(train.Metrics) float64, marks, zoom bool) *panel {
	p := newPlot(title, "step", ylabel)
	var ss []series
	for _, m := range methods {
		s := curve(res, m, f)
		ss = append(ss, s)
		p.line(methodLine(m, s.Steps, s.Mean, s.Std))
	}
	if zoom {
		zoomY(p, ss)
	}
	if marks {
		for _, m := range methods {
			x, y := mean(perSeed(res, m, bestStep)), mean(bestOf(res, m))
			p.marks([]float64{x}, []float64{y}, palette.Method(m), draw.PyramidGlyph{}, vg.Points(5), "")
		}
	}
	return p
}

// zoomY sets the y range of an accuracy plot to the values after the first
// few percent of training (the random initialisation would squash the rest).
func zoomY(p *panel, ss []series) {
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
