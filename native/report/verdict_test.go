package report

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// verdictOf is the verdict rule the report states, written as a table over
// which outcomes the claim tests have (pass, open, null, against) once
// every premise passed, and apart from Combine, so that a wrong Combine
// fails the tests that compare a report's verdicts with it.
func verdictOf(tests []Test) Verdict {
	has := map[string]bool{}
	for _, t := range tests {
		switch {
		case t.Premise && !t.Pass:
			return Inconclusive // a premise failed or is undecided
		case t.Premise:
		case t.Pass:
			has["pass"] = true
		case t.Open:
			has["open"] = true
		case t.Null:
			has["null"] = true
		default:
			has["against"] = true
		}
	}
	switch {
	case len(has) == 0:
		return Inconclusive // no claim tests
	case has["pass"] && len(has) == 1:
		return Holds
	case has["pass"]:
		return Mixed
	case has["open"]:
		return Inconclusive
	case has["null"] && len(has) == 1:
		return NoDifference
	}
	return DoesNotHold
}

func TestCombine(t *testing.T) {
	p, f, o, n := Test{Pass: true}, Test{Pass: false}, Test{Open: true}, Test{Null: true}
	cases := []struct {
		name  string
		tests []Test
		want  Verdict
	}{
		{"all pass", []Test{p, p}, Holds},
		{"none pass", []Test{f, f}, DoesNotHold},
		{"some pass", []Test{p, f}, Mixed},
		{"failed premise", []Test{Premise(f), p, p}, Inconclusive},
		{"passed premise, all pass", []Test{Premise(p), p}, Holds},
		{"passed premise, none pass", []Test{Premise(p), f}, DoesNotHold},
		{"no tests", nil, Inconclusive},
		{"only premises", []Test{Premise(p)}, Inconclusive},
		{"open premise", []Test{Premise(o), p}, Inconclusive},
		{"all null", []Test{n, n}, NoDifference},
		{"null and against", []Test{n, f}, DoesNotHold},
		{"null and open", []Test{n, o}, Inconclusive},
		{"all open", []Test{o, o}, Inconclusive},
		{"pass and open", []Test{p, o}, Mixed},
		{"pass and null", []Test{p, n}, Mixed},
	}
	for _, c := range cases {
		if got := Combine(c.tests); got != c.want {
			t.Errorf("%s: Combine = %v, want %v", c.name, got, c.want)
		}
		if got := verdictOf(c.tests); got != c.want {
			t.Errorf("%s: the test's own rule gives %v, want %v", c.name, got, c.want)
		}
	}
}

// seedsPlus returns base[i] + d[i%len(d)] for every seed of base.
func seedsPlus(base []float64, d ...float64) []float64 {
	out := make([]float64, len(base))
	for i := range base {
		out[i] = base[i] + d[i%len(d)]
	}
	return out
}

// tenSeeds are ten paired baselines (accuracies).
var tenSeeds = []float64{0.80, 0.82, 0.81, 0.79, 0.80, 0.83, 0.78, 0.81, 0.80, 0.82}

// The interval rule on constructed samples: a clear win holds, no effect
// is "no difference", a spread straddling the margin stays open, a clear
// loss fails for good.
func TestGreater(t *testing.T) {
	base := tenSeeds
	type outcome struct{ pass, open, null bool }
	cases := []struct {
		name   string
		a      []float64
		margin float64
		want   outcome
	}{
		{"clear win", seedsPlus(base, 0.030, 0.034, 0.026, 0.031, 0.029), 0.01, outcome{pass: true}},
		{"win of the margin's size, small spread", seedsPlus(base, 0.0105, 0.0106), 0.01, outcome{pass: true}},
		{"no effect", seedsPlus(base, 0.002, -0.001, 0.001, -0.002, 0), 0.01, outcome{null: true}},
		{"straddling: mean above the margin, wide spread", seedsPlus(base, 0.06, -0.03, 0.05, -0.02, 0.01), 0.01, outcome{open: true}},
		{"straddling: mean inside the margin, wide spread", seedsPlus(base, 0.04, -0.04, 0.03, -0.035, 0.005), 0.01, outcome{open: true}},
		{"clear loss", seedsPlus(base, -0.03, -0.035, -0.025), 0.01, outcome{}},
		{"one seed: unbounded", seedsPlus(base[:1], 0.2), 0.01, outcome{open: true}},
		{"zero margin, tiny steady gain", seedsPlus(base, 0.001), 0, outcome{pass: true}},
		{"NaN pairs skipped", append(seedsPlus(base, 0.03)[:9], math.NaN()), 0.01, outcome{pass: true}},
	}
	for _, c := range cases {
		got := fixed.Greater(c.name, c.a, base[:len(c.a)], c.margin, Points)
		if (outcome{got.Pass, got.Open, got.Null}) != c.want {
			t.Errorf("%s: pass %v open %v null %v, want %+v (%s)", c.name, got.Pass, got.Open, got.Null, c.want, got.Detail)
		}
		if got.N != len(notNaN(c.a)) {
			t.Errorf("%s: N = %d, want %d", c.name, got.N, len(notNaN(c.a)))
		}
	}
}

// The t interval against a hand computation and Student t quantiles from
// a table.
func TestInterval(t *testing.T) {
	// t_{0.975} for 2, 4, 9 and 29 degrees of freedom (printed tables).
	for _, c := range []struct {
		df   int
		want float64
	}{{2, 4.302653}, {4, 2.776445}, {9, 2.262157}, {29, 2.045230}} {
		if got := tQuantile(0.95, c.df); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("t quantile, %d df = %.6f, want %.6f", c.df, got, c.want)
		}
	}
	// Differences 1..5: mean 3, sd sqrt(2.5), half width 2.776445*sqrt(2.5)/sqrt(5).
	p := NewPaired([]float64{1, 2, 3, 4, 5}, make([]float64, 5))
	lo, hi := p.Interval(0.95)
	h := 2.776445 * math.Sqrt(2.5) / math.Sqrt(5)
	if math.Abs(lo-(3-h)) > 1e-5 || math.Abs(hi-(3+h)) > 1e-5 {
		t.Errorf("interval of 1..5 = [%g, %g], want [%g, %g]", lo, hi, 3-h, 3+h)
	}
	// The D1: +2.1 ± 2.3 points over 3 seeds straddles 1 point.
	d := NewPaired([]float64{2.1 - 2.3, 2.1, 2.1 + 2.3}, make([]float64, 3))
	if lo, hi := d.Interval(0.95); !(lo < -3 && hi > 7) {
		t.Errorf("interval of +2.1 ± 2.3 over 3 seeds = [%g, %g], want about [-3.6, +7.8]", lo, hi)
	}
	// A zero spread gives a point; one pair an unbounded interval.
	if lo, hi := NewPaired([]float64{2, 2, 2}, []float64{1, 1, 1}).Interval(0.95); lo != 1 || hi != 1 {
		t.Errorf("zero spread: [%g, %g], want [1, 1]", lo, hi)
	}
	if lo, hi := NewPaired([]float64{2}, []float64{1}).Interval(0.95); !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		t.Errorf("one pair: [%g, %g], want unbounded", lo, hi)
	}
}

// Within passes when the interval lies inside the bound, fails when it
// lies wholly outside and is open when it straddles a bound.
func TestWithin(t *testing.T) {
	base := tenSeeds
	cases := []struct {
		name       string
		a          []float64
		pass, open bool
	}{
		{"small", seedsPlus(base, 0.001, -0.002, 0.0), true, false},
		{"large", seedsPlus(base, 0.05, 0.06, 0.055), false, false},
		{"large loss", seedsPlus(base, -0.05, -0.06), false, false},
		{"straddling", seedsPlus(base, 0.03, -0.02, 0.025, -0.01), false, true},
	}
	for _, c := range cases {
		got := fixed.Within(c.name, c.a, base, 0.01, Points)
		if got.Pass != c.pass || got.Open != c.open {
			t.Errorf("%s: pass %v open %v, want %v %v (%s)", c.name, got.Pass, got.Open, c.pass, c.open, got.Detail)
		}
	}
}

// adaptSeeds stops at the first decided look, stops at the cap, and asks
// for the same seeds on a rerun; Plan.Looks doubles the seeds and cuts
// the last look at the cap.
func TestAdaptSeeds(t *testing.T) {
	cases := []struct {
		name        string
		lo, hi      int
		decidedFrom int // try reports decided from this n on (0: never)
		want        int
		asked       []int
	}{
		{"decided at once", 10, 80, 10, 10, []int{10}},
		{"decided at the second doubling", 10, 80, 40, 40, []int{10, 20, 40}},
		{"decided between looks: the next look", 10, 80, 30, 40, []int{10, 20, 40}},
		{"never decided: stops at the cap", 10, 80, 0, 80, []int{10, 20, 40, 80}},
		{"the last look is cut at the cap", 10, 30, 0, 30, []int{10, 20, 30}},
		{"minimum at the cap", 2, 2, 0, 2, []int{2}},
	}
	for _, c := range cases {
		p := Plan{Seeds: c.lo, MaxSeeds: c.hi}
		if got := p.Looks(); !slices.Equal(got, c.asked) && c.decidedFrom == 0 {
			t.Errorf("%s: looks %v, want %v", c.name, got, c.asked)
		}
		for range 2 { // a rerun asks for the same seeds
			var asked []int
			n, err := adaptSeeds(p.Looks(), func(n int) (bool, error) {
				asked = append(asked, n)
				return c.decidedFrom > 0 && n >= c.decidedFrom, nil
			})
			if err != nil || n != c.want || !slices.Equal(asked, c.asked) {
				t.Errorf("%s: n %d, asked %v, err %v; want %d, %v", c.name, n, asked, err, c.want, c.asked)
			}
		}
	}
	// An error stops the loop.
	calls := 0
	if _, err := adaptSeeds([]int{10, 20}, func(int) (bool, error) { calls++; return false, errors.New("x") }); err == nil || calls != 1 {
		t.Errorf("error: %v after %d calls, want an error after 1", err, calls)
	}
}

// Plan.Rule corrects the level for the looks: one look is Level itself,
// four looks 1-0.05/4; a sample whose 95% interval clears the margin at
// one look but not at the corrected level is left open by the plan's rule.
func TestPlanRule(t *testing.T) {
	cases := []struct {
		seeds, max int
		want       float64
	}{{2, 2, Level}, {10, 20, 1 - (1-Level)/2}, {10, 80, 1 - (1-Level)/4}, {10, 30, 1 - (1-Level)/3}, {MinSeeds, MaxSeeds, 1 - (1-Level)/5}}
	for _, c := range cases {
		if got := (Plan{Seeds: c.seeds, MaxSeeds: c.max}).Rule().Level; math.Abs(got-c.want) > 1e-12 {
			t.Errorf("plan %d..%d: level %v, want %v", c.seeds, c.max, got, c.want)
		}
	}
	// Ten paired gains of mean 3 pts, sd 2.4 pts: the 95% interval's lower
	// end is about 1.3 pts (above the 1-pt margin), the 98.75% one's 0.6.
	a := []float64{0.06, 0.01, 0.03, 0.055, 0.0, 0.04, 0.02, 0.065, 0.01, 0.01}
	b := make([]float64, len(a))
	once := fixed.Greater("x", a, b, AccMargin, Points)
	four := Plan{Seeds: 10, MaxSeeds: 80}.Rule().Greater("x", a, b, AccMargin, Points)
	if !once.Pass || four.Pass || !four.Open {
		t.Errorf("one look pass %v; four looks pass %v open %v; want a pass at 95%% and an open test at 98.75%%\n%s\n%s", once.Pass, four.Pass, four.Open, once.Detail, four.Detail)
	}
	if !strings.Contains(four.Detail, "98.75% t interval") || !strings.Contains(once.Detail, "95% t interval") {
		t.Errorf("details do not state their levels:\n%s\n%s", once.Detail, four.Detail)
	}
}

// Decided: open tests ask for more seeds unless a premise failed for good.
func TestDecided(t *testing.T) {
	p, f, o := Test{Pass: true}, Test{}, Test{Open: true}
	cases := []struct {
		name  string
		tests []Test
		want  bool
	}{
		{"all decided", []Test{p, f}, true},
		{"one open", []Test{p, o}, false},
		{"open premise", []Test{Premise(o), p}, false},
		{"failed premise, open test", []Test{Premise(f), o}, true},
	}
	for _, c := range cases {
		if got := Decided(c.tests); got != c.want {
			t.Errorf("%s: Decided = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestFractions(t *testing.T) {
	sgd := []float64{0.80, 0.80, 0.80}
	one := []float64{0.90, 0.90, 0.90} // gain 10 pts
	cases := []struct {
		name     string
		x        []float64
		atLeast  bool // recovers >= half
		belowNot bool // BelowFraction passes
	}{
		{"recovers 80%", []float64{0.88, 0.88, 0.88}, true, false},
		{"recovers 20%", []float64{0.82, 0.82, 0.82}, false, true},
		{"recovers nothing", []float64{0.80, 0.80, 0.80}, false, true},
		{"beats the reference", []float64{0.95, 0.95, 0.95}, true, false},
	}
	for _, c := range cases {
		if got := fixed.AtLeastFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.atLeast {
			t.Errorf("%s: AtLeastFraction = %v, want %v (%s)", c.name, got.Pass, c.atLeast, got.Detail)
		}
		if got := fixed.BelowFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.belowNot {
			t.Errorf("%s: BelowFraction = %v, want %v (%s)", c.name, got.Pass, c.belowNot, got.Detail)
		}
	}
}
