package report

import (
	"fmt"
	"math"
	"strings"
)

// The five deep claims (docs/science.md section 5), each a claim of the
// paper tested on the native CLI's runs with the rule of the toy claims:
// paired by seed, a margin, the 95% t interval (Greater). Each reads
// the noisy settings that have SGD runs; the first also carries the deep
// section's tables and figures (deepSection), the others its memorisation
// figure.

// deepGain is D1: 1-SAM and SAM beat SGD under label noise.
func deepGain(d *deepRuns, out string) (*Claim, error) {
	c := d.claim("1-SAM and SAM beat SGD in early-stopping accuracy under label noise",
		"Deep networks with noisy labels: per-example SAM, and SAM, reach a much higher best test accuracy than SGD (the paper: +17 points for 1-SAM, ResNet18, CIFAR10, 30% noise).",
		"Each test, per noise rate: the 95% t interval of the mean paired gain in best test accuracy lies above 1 pt. Holds when all pass, mixed when some do; when none does, no difference if every interval lies inside ±1 pt, inconclusive if one straddles a margin. The headline gives the final-epoch gain beside the best-epoch one (not tested).")
	var heads []string
	for _, g := range d.noisyGroups() {
		for _, m := range []string{"1sam", "sam"} {
			if !g.has(m) {
				continue
			}
			a, b := g.paired(m, "sgd")
			c.Tests = append(c.Tests, fixed.Greater(fmt.Sprintf("%s beats SGD at %s", label(m), g.at()), a, b, AccMargin, Points))
			fa, fb := pairSeeds(deepFinalBySeed(g.Runs[m]), deepFinalBySeed(g.Runs["sgd"]))
			heads = append(heads, fmt.Sprintf("%s %s at %s (final epoch %s)", label(m), fixed.gainText(a, b, Points), g.at(), fixed.gainText(fa, fb, Points)))
		}
	}
	if err := deepSection(d, c, out); err != nil {
		return nil, err
	}
	return c, d.finish(c, heads, out)
}

// deepClean is D2: the gain is smaller without label noise.
func deepClean(d *deepRuns, out string) (*Claim, error) {
	c := d.claim("The gain is smaller without label noise",
		"SAM's advantage is specific to label noise: without noise its gain over SGD is much smaller.",
		"Per method, the 95% t interval of the per-seed gain over SGD at the noisy rate minus the one without noise must lie above 1 pt.")
	var heads []string
	for _, g := range d.noisyGroups() {
		clean0 := d.cleanOf(g)
		n := g.at()
		for _, m := range []string{"1sam", "sam"} {
			if !g.has(m) || clean0 == nil || !clean0.has(m) {
				continue
			}
			gn := gainBySeed(g.best(m), g.best("sgd"))
			gc := gainBySeed(clean0.best(m), clean0.best("sgd"))
			x, y := pairSeeds(gn, gc)
			c.Tests = append(c.Tests, fixed.Greater(fmt.Sprintf("%s's gain over SGD is larger at %s than at 0%%", label(m), n), x, y, AccMargin, Points))
			heads = append(heads, fmt.Sprintf("%s %s at %s vs %s at 0%%, difference %s", label(m), Points.Signed(mean(x)), n, Points.Signed(mean(y)), fixed.gainText(x, y, Points)))
		}
	}
	return c, d.finish(c, heads, out)
}

// deepSplit is D3: J-SAM keeps most of 1-SAM's gain and L-SAM does not.
func deepSplit(d *deepRuns, out string) (*Claim, error) {
	c := d.claim("J-SAM keeps most of 1-SAM's gain and L-SAM does not",
		"In deep networks the Jacobian part of the per-example perturbation (J-SAM) carries nearly all of 1-SAM's gain, the logit-scale part (L-SAM) little.",
		"Premise: 1-SAM beats SGD by more than 1 pt (otherwise there is nothing to keep: inconclusive). J-SAM must keep at least half of 1-SAM's mean gain, L-SAM less than half (95% t intervals, paired by seed, as in claim 5).")
	var heads []string
	for _, g := range d.noisyGroups() {
		if !g.has("1sam", "jsam", "lsam") {
			continue
		}
		n := g.at()
		o, s := g.paired("1sam", "sgd")
		j, _ := g.paired("jsam", "sgd")
		l, _ := g.paired("lsam", "sgd")
		c.Tests = append(c.Tests,
			Premise(fixed.Greater(fmt.Sprintf("1-SAM has a gain over SGD to keep at %s", n), o, s, AccMargin, Points)),
			fixed.AtLeastFraction(fmt.Sprintf("J-SAM keeps at least half of 1-SAM's gain at %s", n), j, o, s, KeepFraction, Points),
			fixed.BelowFraction(fmt.Sprintf("L-SAM keeps less than half of 1-SAM's gain at %s", n), l, o, s, KeepFraction, Points))
		heads = append(heads, fmt.Sprintf("gains at %s: 1-SAM %s, J-SAM %s, L-SAM %s", n, fixed.gainText(o, s, Points), fixed.gainText(j, s, Points), fixed.gainText(l, s, Points)))
	}
	return c, d.finish(c, heads, out)
}

// deepReg is D4: Reg-SGD recovers part of the gain.
func deepReg(d *deepRuns, out string) (*Claim, error) {
	c := d.claim("Reg-SGD recovers part of the gain",
		"SGD with the penalties J-SAM induces (last hidden activations, classifier weights) narrows the gap to SAM (the paper: 17 to 9 points) and barely helps without noise.",
		"Premise: the better of SAM and 1-SAM beats SGD by more than 1 pt. Reg-SGD must beat SGD by more than 1 pt and close at least 25% of that gap (the paper: about half).")
	var heads []string
	for _, g := range d.noisyGroups() {
		ref := bestSAM(g)
		if ref == "" || !g.has("regsgd") {
			continue
		}
		n := g.at()
		r, s := g.paired(ref, "sgd")
		x, _ := g.paired("regsgd", "sgd")
		c.Tests = append(c.Tests,
			Premise(fixed.Greater(fmt.Sprintf("%s beats SGD at %s (a gap to narrow)", label(ref), n), r, s, AccMargin, Points)),
			fixed.Greater(fmt.Sprintf("Reg-SGD beats SGD at %s", n), x, s, AccMargin, Points),
			fixed.AtLeastFraction(fmt.Sprintf("Reg-SGD closes at least a quarter of the gap to %s at %s", label(ref), n), x, r, s, GapFraction, Points))
		heads = append(heads, fmt.Sprintf("at %s: %s %s, Reg-SGD %s over SGD", n, label(ref), fixed.gainText(r, s, Points), fixed.gainText(x, s, Points)))
	}
	return c, d.finish(c, heads, out)
}

// deepMem is D5: the SAM family memorises the flipped labels later.
func deepMem(d *deepRuns, out string) (*Claim, error) {
	c := d.claim("SAM-family methods memorise the flipped labels later",
		"SAM, 1-SAM and J-SAM fit the flipped training labels later than SGD: the memorisation that ends early stopping comes later.",
		"Premise: SGD memorises (flipped-train accuracy above 50% to the end) in two thirds of its runs. Memorisation epoch: the first epoch from which flipped-train accuracy stays above 50%; a run that never memorises counts as the last epoch + 1. Each method must memorise more than half an epoch later than SGD: the 95% t interval of the paired difference lies above 0.5 epochs.")
	var heads []string
	for _, g := range d.noisyGroups() {
		n := g.at()
		sgdMem := memBySeed(g.Runs["sgd"])
		runs := perRun(g, "sgd", memorizeEpoch) // NaN: the run never memorised
		memorised := len(notNaN(runs))
		c.Tests = append(c.Tests, Premise(Test{Name: fmt.Sprintf("SGD memorises the flipped labels at %s (flipped-train accuracy stays above 50%%)", n),
			Pass: memorised > 0 && most(memorised, len(runs)), Detail: fmt.Sprintf("in %d/%d runs", memorised, len(runs))}))
		for _, m := range []string{"sam", "1sam", "jsam"} {
			if !g.has(m) {
				continue
			}
			a, b := pairSeeds(memBySeed(g.Runs[m]), sgdMem)
			c.Tests = append(c.Tests, fixed.Greater(fmt.Sprintf("%s memorises later than SGD at %s", label(m), n), a, b, EpochMargin, whole))
			heads = append(heads, fmt.Sprintf("at %s %s epoch %s vs SGD %s, later by %s", n, label(m), whole.Abs(mean(a)), whole.Abs(mean(b)), fixed.gainText(a, b, Unit{Scale: 1, Prec: 1})))
		}
	}
	return c, d.finish(c, heads, out)
}

// claim starts a deep claim with its title, statement, rule and the runs'
// setting.
func (d *deepRuns) claim(title, statement, rule string) *Claim {
	return &Claim{Title: title, Statement: statement, Rule: rule, Setting: d.setting()}
}

// finish gives c its headline and, when no setting had the runs c
// compares, a failed premise saying so; a claim after the first shows the
// memorisation figure (the last of the deep section's).
func (d *deepRuns) finish(c *Claim, heads []string, out string) error {
	if len(c.Tests) == 0 {
		c.Tests = []Test{Premise(Test{Name: "runs to compare", Detail: "the run folders lack the methods or noise rates this claim needs"})}
	}
	c.Headline = strings.Join(heads, "; ")
	if c.Headline == "" {
		c.Headline = "no runs to compare"
	}
	if c.Figures == nil {
		figs, err := d.figures(out)
		if err != nil {
			return err
		}
		c.Figures = figs[len(figs)-1:]
	}
	return nil
}

// noisyGroups returns the settings with label noise and SGD runs, the ones
// the deep claims compare.
func (d *deepRuns) noisyGroups() []*deepGroup {
	var gs []*deepGroup
	for _, g := range d.groups {
		if g.Noise != 0 && g.has("sgd") {
			gs = append(gs, g)
		}
	}
	return gs
}

// cleanOf returns the setting of g without noise (the same arm, with SGD
// runs), or nil.
func (d *deepRuns) cleanOf(g *deepGroup) *deepGroup {
	for _, c := range d.groups {
		if c.Noise == 0 && c.Dataset == g.Dataset && c.Model == g.Model && c.Arm == g.Arm && c.has("sgd") {
			return c
		}
	}
	return nil
}

// has reports whether g has runs of every key ks.
func (g *deepGroup) has(ks ...string) bool {
	for _, k := range ks {
		if len(g.Runs[k]) == 0 {
			return false
		}
	}
	return true
}

// best returns the best test accuracy of key k's runs, by seed.
func (g *deepGroup) best(k string) map[int64]float64 { return deepBestBySeed(g.Runs[k]) }

// paired returns the best accuracies of keys a and b at their common seeds.
func (g *deepGroup) paired(a, b string) ([]float64, []float64) {
	return pairSeeds(g.best(a), g.best(b))
}

// gainBySeed returns a[s] - b[s] for the seeds both have.
func gainBySeed(a, b map[int64]float64) map[int64]float64 {
	out := map[int64]float64{}
	for s, v := range a {
		if w, ok := b[s]; ok {
			out[s] = v - w
		}
	}
	return out
}

// memBySeed returns each run's memorisation epoch (memorizeEpoch; a run
// that never memorises counts as its last epoch + 1), keyed by seed.
func memBySeed(runs []*DeepRun) map[int64]float64 {
	out := map[int64]float64{}
	for _, r := range runs {
		e := memorizeEpoch(r)
		if math.IsNaN(e) {
			e = float64(last(r).Epoch + 1)
		}
		out[r.Seed] = e
	}
	return out
}

// bestSAM returns the SAM variant (sam or 1sam) with the larger mean best
// accuracy in g, "" when g has neither.
func bestSAM(g *deepGroup) string {
	ref, top := "", math.Inf(-1)
	for _, m := range []string{"sam", "1sam"} {
		if len(g.Runs[m]) == 0 {
			continue
		}
		if v := mean(perRun(g, m, bestOfRun)); v > top {
			ref, top = m, v
		}
	}
	return ref
}
