package report

import (
	"fmt"
	"math"
	"strings"
)

// The margins and tolerances of every claim's tests, the confidence level
// of their intervals and the seeds a toy claim may use: a verdict rule
// changes here, in one place.
const (
	// AccMargin is the accuracy margin: a gain counts when the interval
	// of the mean paired gain lies above one percentage point.
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
	// MostFraction is the share of seeds that must agree for a per-seed
	// count to count ("most seeds"): at least two thirds. The paired
	// comparisons use intervals instead (Level).
	MostFraction = 2.0 / 3.0
	// Level is the joint confidence level of a claim's intervals: a claim
	// looked at once is judged on the Level Student t interval of each mean
	// difference (Paired.Interval); one that may stop at any of several
	// looks, at Plan.Rule's corrected level.
	Level = 0.95
	// MinSeeds is the fewest seeds a toy claim is judged on and MaxSeeds
	// the cap: while an interval still straddles its margin the seeds
	// double, 10, 20, 40, 80, 160 (Plan.Looks; the report's default plan).
	MinSeeds, MaxSeeds = 10, 160
)

// Rule judges paired comparisons at one confidence level. A claim looked
// at once (the deep claims, whose seeds are fixed) is judged at Level; a
// toy claim that may be looked at after each doubling of its seeds is
// judged at Plan.Rule's level, Level corrected for the looks, so that
// stopping at the first decided look still leaves every claim's intervals
// a joint chance of at least Level to hold the true means.
type Rule struct {
	// Level is the confidence level of every interval the rule draws.
	Level float64
}

// fixed is the rule of a comparison looked at once.
var fixed = Rule{Level: Level}

// percent states r's level for the report, e.g. "95%" or "99%".
func (r Rule) percent() string { return fmt.Sprintf("%.4g%%", 100*r.Level) }

// most reports whether k of n is at least MostFraction (false for n == 0).
func most(k, n int) bool { return n > 0 && float64(k) >= MostFraction*float64(n)-1e-9 }

// needMost states the seed count most asks for out of n, as ">= k".
func needMost(n int) string {
	k := int(math.Ceil(MostFraction*float64(n) - 1e-9))
	return fmt.Sprintf(">= %d", k)
}

// Verdict is the outcome of checking one claim against the measured numbers.
type Verdict int

// The verdicts. Inconclusive means the numbers cannot decide: an interval
// straddles its margin, or a premise of the claim failed (for example,
// there is no gain to recover), so the claim could not be checked in this
// setting. NoDifference means every interval lies inside its margin on
// both sides: the effect, if any, is smaller than the margin.
const (
	Inconclusive Verdict = iota
	DoesNotHold
	NoDifference
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
	case NoDifference:
		return "no difference"
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
	// Pass is the outcome: for a paired comparison, its interval clears
	// the margin in the claimed direction.
	Pass bool
	// Open marks a failed test whose interval straddles a margin: more
	// seeds could decide it. Null marks a failed paired comparison whose
	// interval lies inside [-margin, +margin] (no difference). A failed
	// test that is neither is decided against the claim.
	Open, Null bool
	// N is the number of paired seeds behind the test (0: not a paired
	// comparison).
	N int
	// Premise marks a precondition of the claim rather than the claim itself.
	Premise bool
	// Detail gives the numbers and the rule, e.g. "mean gap +3.1 pts > 1.0 pts; 5/6 seeds".
	Detail string
}

// Combine turns tests into a verdict: Inconclusive if a premise did not
// pass or there are no claim tests; Holds if every claim test passed;
// Mixed if some did; if none did, Inconclusive when an interval is still
// open, NoDifference when every interval lies inside its margin, and
// DoesNotHold otherwise.
func Combine(tests []Test) Verdict {
	pass, open, null, total := 0, 0, 0, 0
	for _, t := range tests {
		if t.Premise {
			if !t.Pass {
				return Inconclusive
			}
			continue
		}
		total++
		switch {
		case t.Pass:
			pass++
		case t.Open:
			open++
		case t.Null:
			null++
		}
	}
	switch {
	case total == 0:
		return Inconclusive
	case pass == total:
		return Holds
	case pass > 0:
		return Mixed
	case open > 0:
		return Inconclusive
	case null == total:
		return NoDifference
	}
	return DoesNotHold
}

// Decided reports whether more seeds could not change what tests say: no
// test is open, or a premise failed for good.
func Decided(tests []Test) bool {
	open := false
	for _, t := range tests {
		if t.Premise && !t.Pass && !t.Open {
			return true
		}
		open = open || t.Open
	}
	return !open
}

// judge sets t's outcome from the interval [lo, hi] of a difference
// claimed to exceed margin (>= 0): it passes when lo > margin, is null
// when the interval lies inside [-margin, +margin], fails for good when
// hi < -margin, and is open otherwise (an unbounded or NaN interval too).
func judge(t Test, lo, hi, margin float64) Test {
	switch {
	case lo > margin:
		t.Pass = true
	case lo >= -margin && hi <= margin:
		t.Null = true
	case hi < -margin:
	default:
		t.Open = true
	}
	return t
}

// outcome names t's outcome for its Detail.
func outcome(t Test) string {
	switch {
	case t.Pass:
		return "clears the margin"
	case t.Null:
		return "no difference"
	case t.Open:
		return "straddles the margin"
	}
	return "below the margin"
}

// intervalDetail states the mean and interval of p, t's outcome against
// margin, and the seeds where the difference is positive.
func (r Rule) intervalDetail(t Test, p Paired, margin float64, u Unit) string {
	lo, hi := p.Interval(r.Level)
	rule := "need above " + u.Signed(margin)
	if margin > 0 {
		rule += ", inside ±" + u.Abs(margin) + " is no difference"
	}
	return fmt.Sprintf("mean %s, %s t interval %s over %d seeds: %s (%s); positive in %d/%d seeds",
		u.Signed(p.Mean()), r.percent(), u.Interval(lo, hi), len(p.Diff), outcome(t), rule, p.Wins(), len(p.Diff))
}

// Greater tests "a exceeds b by more than margin": the r.Level interval of
// the mean paired difference a-b must lie above margin (judge). unit
// scales the numbers in Detail (100 with "pts" for accuracies).
func (r Rule) Greater(name string, a, b []float64, margin float64, u Unit) Test {
	u = u.finer()
	p := NewPaired(a, b)
	lo, hi := p.Interval(r.Level)
	t := judge(Test{Name: name, N: len(p.Diff)}, lo, hi, margin)
	t.Detail = r.intervalDetail(t, p, margin, u)
	return t
}

// scaledGains returns x-base and frac*(y-base), element by element: a
// paired sample whose difference is x's gain over base minus frac of y's.
func scaledGains(x, y, base []float64, frac float64) (gx, gy []float64) {
	gx, gy = make([]float64, len(base)), make([]float64, len(base))
	for i := range base {
		gx[i], gy[i] = x[i]-base[i], frac*(y[i]-base[i])
	}
	return gx, gy
}

// AtLeastFraction tests "a recovers at least frac of ref's gain over
// base": the r.Level interval of the mean of (a-base) - frac*(ref-base),
// paired by seed, must lie above 0.
func (r Rule) AtLeastFraction(name string, a, ref, base []float64, frac float64, u Unit) Test {
	u = u.finer()
	ga, gr := NewPaired(a, base), NewPaired(ref, base)
	p := NewPaired(scaledGains(a, ref, base, frac))
	lo, hi := p.Interval(r.Level)
	t := judge(Test{Name: name, N: len(p.Diff)}, lo, hi, 0)
	t.Detail = fmt.Sprintf("gain %s vs reference gain %s: %s of it (need >= %.0f%%); gain minus %.0f%% of the reference gain: %s",
		u.Signed(ga.Mean()), u.Signed(gr.Mean()), pct(ga.Mean(), gr.Mean()), 100*frac, 100*frac, r.intervalDetail(t, p, 0, u))
	return t
}

// BelowFraction tests "a recovers less than frac of ref's gain over base":
// the r.Level interval of the mean of frac*(ref-base) - (a-base), paired by
// seed, must lie above 0.
func (r Rule) BelowFraction(name string, a, ref, base []float64, frac float64, u Unit) Test {
	u = u.finer()
	ga, gr := NewPaired(a, base), NewPaired(ref, base)
	x, y := scaledGains(a, ref, base, frac)
	p := NewPaired(y, x)
	lo, hi := p.Interval(r.Level)
	t := judge(Test{Name: name, N: len(p.Diff)}, lo, hi, 0)
	t.Detail = fmt.Sprintf("gain %s vs reference gain %s: %s of it (need < %.0f%%); %.0f%% of the reference gain minus the gain: %s",
		u.Signed(ga.Mean()), u.Signed(gr.Mean()), pct(ga.Mean(), gr.Mean()), 100*frac, 100*frac, r.intervalDetail(t, p, 0, u))
	return t
}

// Within tests "a-b is small": the r.Level interval of the mean paired
// difference must lie inside [-bound, +bound]. It fails for good when the
// interval lies wholly outside, and is open when it straddles a bound.
func (r Rule) Within(name string, a, b []float64, bound float64, u Unit) Test {
	u = u.finer()
	p := NewPaired(a, b)
	lo, hi := p.Interval(r.Level)
	t := Test{Name: name, N: len(p.Diff)}
	switch {
	case lo >= -bound && hi <= bound:
		t.Pass = true
	case lo > bound || hi < -bound:
	default:
		t.Open = true
	}
	word := map[bool]string{true: "inside", false: "not inside"}[t.Pass]
	if t.Open {
		word = "straddles a bound: undecided"
	}
	t.Detail = fmt.Sprintf("mean %s, %s t interval %s over %d seeds, %s (need inside ±%s)", u.Signed(p.Mean()), r.percent(), u.Interval(lo, hi), len(p.Diff), word, u.Abs(bound))
	return t
}

// adaptSeeds calls try with each seed count of looks in turn while try
// reports its tests undecided (Decided), and returns the last count: the
// seeds the claim needed, or the last look's where it is still undecided.
// The seeds are always the plan's first n, so a rerun stops at the same n.
func adaptSeeds(looks []int, try func(n int) (decided bool, err error)) (int, error) {
	n := 0
	for _, n = range looks {
		decided, err := try(n)
		if err != nil || decided {
			return n, err
		}
	}
	return n, nil
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
		switch {
		case t.Open:
			mark = "OPEN"
		case !t.Pass:
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
