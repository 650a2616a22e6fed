package report

import (
	"fmt"
	"math"
	"strings"
)

// The margins and tolerances of every claim's tests, and the share of seeds
// a paired comparison needs: a verdict rule changes here, in one place.
const (
	// AccMargin is the accuracy margin: a gain counts when the mean
	// paired gain exceeds one percentage point.
	AccMargin = 0.01
	// NormMargin is the relative margin of claim 6: a norm is "smaller"
	// when it is at least 5% below SGD's.
	NormMargin = 0.05
	// EpochMargin is the margin of deep claim D5: a method memorises
	// later when it does so more than half an epoch after SGD.
	EpochMargin = 0.5
	// KeepFraction is the share of a gain a method must keep to keep "most"
	// of it (claims 5 and D3).
	KeepFraction = 0.5
	// GapFraction is the share of the gap to SAM regularized SGD must close
	// to "narrow" it (claims 7 and D4).
	GapFraction = 0.25
	// ExactTolerance is the largest relative trajectory difference claim
	// 4 accepts as "equal up to float error".
	ExactTolerance = 1e-9
	// ClosedFormTolerance is the largest relative error claim 3 accepts
	// between a measured per-example ratio and its closed form.
	ClosedFormTolerance = 1e-6
	// MostFraction is the share of seeds that must agree in sign for a
	// paired comparison to count ("most seeds"): at least two thirds.
	MostFraction = 2.0 / 3.0
)

// most reports whether k of n is at least MostFraction (false for n == 0).
func most(k, n int) bool { return n > 0 && float64(k) >= MostFraction*float64(n)-1e-9 }

// needMost states the seed count most asks for out of n, as ">= k".
func needMost(n int) string {
	k := int(math.Ceil(MostFraction*float64(n) - 1e-9))
	return fmt.Sprintf(">= %d", k)
}

// Verdict is the outcome of checking one claim against the measured numbers.
type Verdict int

// The verdicts, from worst to best. Inconclusive means a premise of the
// claim failed (for example, there is no gain to recover), so the claim
// could not be checked in this setting.
const (
	Inconclusive Verdict = iota
	DoesNotHold
	Mixed
	Holds
)

// String returns the verdict as the report writes it.
func (v Verdict) String() string {
	switch v {
	case Holds:
		return "holds"
	case Mixed:
		return "mixed"
	case DoesNotHold:
		return "does not hold"
	}
	return "inconclusive"
}

// Test is one numeric check behind a verdict. Premise tests gate the claim:
// if one fails the claim is Inconclusive whatever the other tests say.
type Test struct {
	// Name says what is checked, e.g. "1-SAM beats SGD at 30% noise".
	Name string
	// Pass is the outcome.
	Pass bool
	// Premise marks a precondition of the claim rather than the claim itself.
	Premise bool
	// Detail gives the numbers and the rule, e.g. "mean gap +3.1 pts > 1.0 pts; 5/6 seeds".
	Detail string
}

// Combine turns tests into a verdict: Inconclusive if a premise failed or
// there are no claim tests, Holds if every claim test passed, DoesNotHold
// if none did, Mixed otherwise.
func Combine(tests []Test) Verdict {
	pass, total := 0, 0
	for _, t := range tests {
		if t.Premise {
			if !t.Pass {
				return Inconclusive
			}
			continue
		}
		total++
		if t.Pass {
			pass++
		}
	}
	switch {
	case total == 0:
		return Inconclusive
	case pass == total:
		return Holds
	case pass == 0:
		return DoesNotHold
	}
	return Mixed
}

// Greater tests "a exceeds b by more than margin": the mean paired difference
// a-b must exceed margin and a > b must hold in most seeds (MostFraction).
// unit scales the numbers in Detail (100 with "pts" for accuracies).
func Greater(name string, a, b []float64, margin float64, u Unit) Test {
	u = u.finer()
	p := NewPaired(a, b)
	m := p.Mean()
	ok := m > margin && most(p.Wins(), len(p.Diff))
	return Test{Name: name, Pass: ok, Detail: fmt.Sprintf("mean difference %s ± %s (need > %s); larger in %d/%d seeds (need %s)",
		u.Signed(m), u.Abs(p.Std()), u.Signed(margin), p.Wins(), len(p.Diff), needMost(len(p.Diff)))}
}

// AtLeastFraction tests "mean(a-base) >= frac * mean(ref-base)" together with
// a > base in most seeds: a recovers at least frac of ref's gain over base.
func AtLeastFraction(name string, a, ref, base []float64, frac float64, u Unit) Test {
	u = u.finer()
	ga, gr := NewPaired(a, base), NewPaired(ref, base)
	ma, mr := ga.Mean(), gr.Mean()
	ok := ma >= frac*mr && most(ga.Wins(), len(ga.Diff))
	return Test{Name: name, Pass: ok, Detail: fmt.Sprintf("gain %s vs reference gain %s: %s of it (need >= %.0f%%); gain > 0 in %d/%d seeds (need %s)",
		u.Signed(ma), u.Signed(mr), pct(ma, mr), 100*frac, ga.Wins(), len(ga.Diff), needMost(len(ga.Diff)))}
}

// BelowFraction tests "mean(a-base) < frac * mean(ref-base)": a recovers less
// than frac of ref's gain; the per-seed check is that ref beats a in most seeds.
func BelowFraction(name string, a, ref, base []float64, frac float64, u Unit) Test {
	u = u.finer()
	ga, gr := NewPaired(a, base), NewPaired(ref, base)
	ma, mr := ga.Mean(), gr.Mean()
	ra := NewPaired(ref, a)
	ok := ma < frac*mr && most(ra.Wins(), len(ra.Diff))
	return Test{Name: name, Pass: ok, Detail: fmt.Sprintf("gain %s vs reference gain %s: %s of it (need < %.0f%%); reference ahead in %d/%d seeds (need %s)",
		u.Signed(ma), u.Signed(mr), pct(ma, mr), 100*frac, ra.Wins(), len(ra.Diff), needMost(len(ra.Diff)))}
}

// Within tests |x| <= bound.
func Within(name string, x, bound float64, u Unit) Test {
	u = u.finer()
	return Test{Name: name, Pass: math.Abs(x) <= bound, Detail: fmt.Sprintf("|%s| (need <= %s)", u.Signed(x), u.Abs(bound))}
}

// Below tests x < bound (a scalar check, e.g. a numerical error); what
// names x in Detail.
func Below(name string, x, bound float64, what string) Test {
	return Test{Name: name, Pass: x < bound, Detail: fmt.Sprintf("%s %.2g (need < %.2g)", what, x, bound)}
}

// Premise returns t marked as a premise.
func Premise(t Test) Test { t.Premise = true; return t }

// summarize lists test outcomes as one line each for the report.
func summarize(tests []Test) string {
	var b strings.Builder
	for _, t := range tests {
		mark := "pass"
		if !t.Pass {
			mark = "FAIL"
		}
		kind := ""
		if t.Premise {
			kind = " (premise)"
		}
		fmt.Fprintf(&b, "- **%s**%s — %s: %s\n", mark, kind, t.Name, t.Detail)
	}
	return b.String()
}
