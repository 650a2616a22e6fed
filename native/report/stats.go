package report

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// notNaN returns the values of xs that are not NaN (a failed run's NaN
// does not count in a statistic).
func notNaN(xs []float64) []float64 {
	var ok []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	return ok
}

// meanStd returns the mean and the sample standard deviation of the values
// of xs that are not NaN (stat.MeanStdDev). With none the mean is NaN; with
// fewer than two the standard deviation is 0.
func meanStd(xs []float64) (m, sd float64) {
	ok := notNaN(xs)
	switch len(ok) {
	case 0:
		return math.NaN(), 0
	case 1:
		return ok[0], 0
	}
	return stat.MeanStdDev(ok, nil)
}

// mean is meanStd's mean.
func mean(xs []float64) float64 { m, _ := meanStd(xs); return m }

// std is meanStd's standard deviation.
func std(xs []float64) float64 { _, sd := meanStd(xs); return sd }

// bands summarises rows of different lengths index by index: at index k,
// m[k] and sd[k] are the mean and standard deviation over the rows that
// reach k, and x[k] is xs[i][k] of the last such row i (its step or epoch).
func bands(xs, rows [][]float64) (x, m, sd []float64) {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	for k := range n {
		var vals []float64
		at := math.NaN()
		for i, r := range rows {
			if k < len(r) {
				vals, at = append(vals, r[k]), xs[i][k]
			}
		}
		a, b := meanStd(vals)
		x, m, sd = append(x, at), append(m, a), append(sd, b)
	}
	return x, m, sd
}

// rankCorr is Spearman's rank correlation: the correlation of the ranks
// (ties broken by order), NaN for fewer than two pairs.
func rankCorr(a, b []float64) float64 {
	if len(a) < 2 {
		return math.NaN()
	}
	return stat.Correlation(ranks(a), ranks(b), nil)
}

// ranks returns the rank (0-based) of each value of x, equal values
// ranked in their order in x.
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	floats.ArgsortStable(slices.Clone(x), idx)
	r := make([]float64, len(x))
	for k, i := range idx {
		r[i] = float64(k)
	}
	return r
}

// Paired holds the per-seed differences a[i]-b[i] of two paired samples.
type Paired struct {
	Diff []float64
}

// NewPaired pairs a and b by index (the same seed), skipping pairs with a NaN.
// It panics if the lengths differ.
func NewPaired(a, b []float64) Paired {
	if len(a) != len(b) {
		panic(fmt.Sprintf("report: paired samples of different lengths %d and %d", len(a), len(b)))
	}
	var p Paired
	for i := range a {
		if d := a[i] - b[i]; !math.IsNaN(d) {
			p.Diff = append(p.Diff, d)
		}
	}
	return p
}

// Mean returns the mean difference (NaN with no pairs).
func (p Paired) Mean() float64 { return mean(p.Diff) }

// Std returns the sample standard deviation of the differences (0 with one pair).
func (p Paired) Std() float64 { return std(p.Diff) }

// Wins returns how many differences are > 0.
func (p Paired) Wins() int { return floats.Count(func(d float64) bool { return d > 0 }, p.Diff) }

// Interval returns the two-sided confidence interval, at level (0.95 for
// 95%), of the mean difference: the Student t interval mean ± t·sd/√n,
// t the (1+level)/2 quantile of Student's t with n-1 degrees of freedom
// (gonum's distuv.StudentsT). With fewer than two pairs the interval is
// unbounded, (-Inf, +Inf).
func (p Paired) Interval(level float64) (lo, hi float64) {
	n := len(p.Diff)
	if n < 2 {
		return math.Inf(-1), math.Inf(1)
	}
	m, sd := p.Mean(), p.Std()
	h := tQuantile(level, n-1) * sd / math.Sqrt(float64(n))
	return m - h, m + h
}

// tQuantile is the (1+level)/2 quantile of Student's t with df degrees of
// freedom: the factor of a two-sided t interval at level.
func tQuantile(level float64, df int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile((1 + level) / 2)
}
