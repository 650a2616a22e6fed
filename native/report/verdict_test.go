package report

import (
	"math"
	"testing"
)

// verdictOf is the verdict rule the README states, written as a table over
// what the tests say (every premise holds; some claim test passes; some
// fails) and apart from Combine, so that a wrong Combine fails the tests
// that compare a report's verdicts with it.
func verdictOf(tests []Test) Verdict {
	premises, pass, fail := true, false, false
	for _, t := range tests {
		switch {
		case t.Premise:
			premises = premises && t.Pass
		case t.Pass:
			pass = true
		default:
			fail = true
		}
	}
	rule := map[[3]bool]Verdict{
		{true, true, false}:  Holds,
		{true, true, true}:   Mixed,
		{true, false, true}:  DoesNotHold,
		{true, false, false}: Inconclusive, // no claim tests
	}
	if v, ok := rule[[3]bool{premises, pass, fail}]; ok {
		return v
	}
	return Inconclusive // a premise failed
}

func TestCombine(t *testing.T) {
	p, f := Test{Pass: true}, Test{Pass: false}
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

func TestGreater(t *testing.T) {
	base := []float64{0.80, 0.82, 0.81, 0.79, 0.80, 0.83}
	add := func(d ...float64) []float64 {
		out := make([]float64, len(base))
		for i := range base {
			out[i] = base[i] + d[i%len(d)]
		}
		return out
	}
	cases := []struct {
		name   string
		a      []float64
		margin float64
		want   bool
	}{
		{"clear gain", add(0.03), 0.01, true},
		{"gain below margin", add(0.005), 0.01, false},
		{"no gain", add(0), 0.01, false},
		{"loss", add(-0.03), 0.01, false},
		{"large mean, few seeds", add(0.2, -0.01, -0.01), 0.01, false}, // 2 of 6 seeds
		{"gain in 4 of 6 seeds", add(0.05, 0.05, -0.01), 0.01, true},   // 4/6 = two thirds
		{"gain in 3 of 6 seeds", add(0.05, -0.01), 0.01, false},        // 3/6 < two thirds
		{"zero margin, tiny gain", add(0.001), 0, true},
		{"NaN pairs skipped", append(add(0.03)[:5], math.NaN()), 0.01, true},
	}
	for _, c := range cases {
		if got := Greater(c.name, c.a, base, c.margin, Points); got.Pass != c.want {
			t.Errorf("%s: Greater pass = %v, want %v (%s)", c.name, got.Pass, c.want, got.Detail)
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
		if got := AtLeastFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.atLeast {
			t.Errorf("%s: AtLeastFraction = %v, want %v (%s)", c.name, got.Pass, c.atLeast, got.Detail)
		}
		if got := BelowFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.belowNot {
			t.Errorf("%s: BelowFraction = %v, want %v (%s)", c.name, got.Pass, c.belowNot, got.Detail)
		}
	}
}
