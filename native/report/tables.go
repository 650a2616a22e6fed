package report

import (
	"fmt"
	"math"
)

// Table is a Markdown table.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// Unit formats numbers in tables and test details.
type Unit struct {
	// Scale multiplies values (100 for accuracies shown in points).
	Scale float64
	// Suffix follows values ("pts", "%").
	Suffix string
	// Prec is the number of decimals.
	Prec int
}

// Points is accuracy in percentage points with one decimal.
var Points = Unit{Scale: 100, Suffix: " pts", Prec: 1}

// Plain is an unscaled number with three significant decimals.
var Plain = Unit{Scale: 1, Prec: 3}

// Percent formats relative changes in percent.
var Percent = Unit{Scale: 100, Suffix: "%", Prec: 1}

// whole is an unscaled number without decimals (steps, epochs).
var whole = Unit{Scale: 1}

// finer returns u with one more decimal, for test details where a value
// close to its threshold must not round onto it.
func (u Unit) finer() Unit { u.Prec++; return u }

// Signed formats x with a sign.
func (u Unit) Signed(x float64) string {
	return fmt.Sprintf("%+.*f%s", u.Prec, x*u.Scale, u.Suffix)
}

// Abs formats x without a forced sign.
func (u Unit) Abs(x float64) string {
	return fmt.Sprintf("%.*f%s", u.Prec, x*u.Scale, u.Suffix)
}

// Interval formats the interval [lo, hi] with signs ("unbounded" when it
// is: fewer than two seeds).
func (u Unit) Interval(lo, hi float64) string {
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return "[unbounded]"
	}
	return fmt.Sprintf("[%+.*f, %+.*f]%s", u.Prec, lo*u.Scale, u.Prec, hi*u.Scale, u.Suffix)
}

// statCell formats mean ± std of xs ("n/a" when every value is NaN).
func statCell(xs []float64, u Unit) string {
	if len(notNaN(xs)) == 0 {
		return "n/a"
	}
	m, sd := meanStd(xs)
	return fmt.Sprintf("%.*f ± %.*f", u.Prec, m*u.Scale, u.Prec, sd*u.Scale)
}

// gainCell formats the paired difference a-b: mean ± std, its r.Level
// interval and the seeds where it is positive, "+2.1 ± 2.3 [-3.6, +7.8] (3/3)".
func (r Rule) gainCell(a, b []float64, u Unit) string {
	p := NewPaired(a, b)
	if len(p.Diff) == 0 {
		return "n/a"
	}
	lo, hi := p.Interval(r.Level)
	return fmt.Sprintf("%+.*f ± %.*f %s (%d/%d)", u.Prec, p.Mean()*u.Scale, u.Prec, p.Std()*u.Scale, Unit{Scale: u.Scale, Prec: u.Prec}.Interval(lo, hi), p.Wins(), len(p.Diff))
}

// gainText formats the mean paired difference a-b with its r.Level
// interval, for headlines: "+2.1 pts [-3.6, +7.8]".
func (r Rule) gainText(a, b []float64, u Unit) string {
	p := NewPaired(a, b)
	if len(p.Diff) == 0 {
		return "n/a"
	}
	lo, hi := p.Interval(r.Level)
	return u.Signed(p.Mean()) + " " + Unit{Scale: u.Scale, Prec: u.Prec}.Interval(lo, hi)
}

// pct formats a/b in percent ("n/a" when undefined).
func pct(a, b float64) string {
	if b == 0 || math.IsNaN(a/b) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*a/b)
}

// pctNoise formats a noise rate, e.g. "30%".
func pctNoise(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// fmtG formats x with %g.
func fmtG(x float64) string { return fmt.Sprintf("%g", x) }
