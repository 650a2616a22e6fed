package report

import (
	"fmt"
	"math"
	"strings"
)

// claims returns the five deep verdicts (docs/science.md section 5), each a
// claim of the paper tested on the runs, with the rule of the toy claims:
// paired by seed, a margin, the sign in two thirds of the seeds.
func (d *deepRuns) claims() []*Claim {
	mk := func(i int, title, statement string) *Claim {
		return &Claim{N: DeepClaimN + i, Title: title, Statement: statement, Setting: d.setting()}
	}
	gain := mk(0, "1-SAM and SAM beat SGD in early-stopping accuracy under label noise",
		"Deep networks with noisy labels: per-example SAM, and SAM, reach a much higher best test accuracy than SGD (the paper: +17 points for 1-SAM, ResNet18, CIFAR10, 30% noise).")
	clean := mk(1, "The gain is smaller without label noise",
		"SAM's advantage is specific to label noise: without noise its gain over SGD is much smaller.")
	split := mk(2, "J-SAM keeps most of 1-SAM's gain and L-SAM does not",
		"In deep networks the Jacobian part of the per-example perturbation (J-SAM) carries nearly all of 1-SAM's gain, the logit-scale part (L-SAM) little.")
	reg := mk(3, "Reg-SGD recovers part of the gain",
		"SGD with the penalties J-SAM induces (last hidden activations, classifier weights) narrows the gap to SAM (the paper: 17 to 9 points) and barely helps without noise.")
	mem := mk(4, "SAM-family methods memorise the flipped labels later",
		"SAM, 1-SAM and J-SAM fit the flipped training labels later than SGD: the memorisation that ends early stopping comes later.")

	best := func(g *deepGroup, k string) map[int64]float64 { return deepBestBySeed(g.Runs[k]) }
	paired := func(g *deepGroup, a, b string) ([]float64, []float64) { return pairSeeds(best(g, a), best(g, b)) }
	has := func(g *deepGroup, ks ...string) bool {
		for _, k := range ks {
			if len(g.Runs[k]) == 0 {
				return false
			}
		}
		return true
	}
	cleanOf := func(g *deepGroup) *deepGroup { // the same setting without noise
		for _, c := range d.groups {
			if c.Noise == 0 && c.Dataset == g.Dataset && c.Model == g.Model && has(c, "sgd") {
				return c
			}
		}
		return nil
	}
	var heads [5][]string
	for _, g := range d.groups {
		if g.Noise == 0 || !has(g, "sgd") {
			continue
		}
		clean0 := cleanOf(g)
		n := pctNoise(g.Noise)
		for _, m := range []string{"1sam", "sam"} {
			if !has(g, m) {
				continue
			}
			a, b := paired(g, m, "sgd")
			gain.Tests = append(gain.Tests, Greater(fmt.Sprintf("%s beats SGD at %s noise", label(m), n), a, b, AccMargin, Points))
			heads[0] = append(heads[0], fmt.Sprintf("%s %s", label(m), Points.Signed(NewPaired(a, b).Mean())))
			if clean0 != nil && has(clean0, m) {
				gn := gainBySeed(best(g, m), best(g, "sgd"))
				gc := gainBySeed(best(clean0, m), best(clean0, "sgd"))
				x, y := pairSeeds(gn, gc)
				clean.Tests = append(clean.Tests, Greater(fmt.Sprintf("%s's gain over SGD is larger at %s noise than at 0%%", label(m), n), x, y, AccMargin, Points))
				heads[1] = append(heads[1], fmt.Sprintf("%s %s at %s vs %s at 0%%", label(m), Points.Signed(mean(x)), n, Points.Signed(mean(y))))
			}
		}
		if has(g, "1sam", "jsam", "lsam") {
			o, s := paired(g, "1sam", "sgd")
			j, _ := paired(g, "jsam", "sgd")
			l, _ := paired(g, "lsam", "sgd")
			split.Tests = append(split.Tests,
				Premise(Greater(fmt.Sprintf("1-SAM has a gain over SGD to keep at %s noise", n), o, s, AccMargin, Points)),
				AtLeastFraction(fmt.Sprintf("J-SAM keeps at least half of 1-SAM's gain at %s noise", n), j, o, s, 0.5, Points),
				BelowFraction(fmt.Sprintf("L-SAM keeps less than half of 1-SAM's gain at %s noise", n), l, o, s, 0.5, Points))
			heads[2] = append(heads[2], fmt.Sprintf("gains at %s: 1-SAM %s, J-SAM %s, L-SAM %s", n, Points.Signed(NewPaired(o, s).Mean()),
				Points.Signed(NewPaired(j, s).Mean()), Points.Signed(NewPaired(l, s).Mean())))
		}
		if ref := bestSAM(g); ref != "" && has(g, "regsgd") {
			r, s := paired(g, ref, "sgd")
			x, _ := paired(g, "regsgd", "sgd")
			reg.Tests = append(reg.Tests,
				Premise(Greater(fmt.Sprintf("%s beats SGD at %s noise (a gap to narrow)", label(ref), n), r, s, AccMargin, Points)),
				Greater(fmt.Sprintf("Reg-SGD beats SGD at %s noise", n), x, s, AccMargin, Points),
				AtLeastFraction(fmt.Sprintf("Reg-SGD closes at least a quarter of the gap to %s at %s noise", label(ref), n), x, r, s, 0.25, Points))
			heads[3] = append(heads[3], fmt.Sprintf("at %s: %s %s, Reg-SGD %s over SGD", n, label(ref), Points.Signed(NewPaired(r, s).Mean()), Points.Signed(NewPaired(x, s).Mean())))
		}
		sgdMem := memBySeed(g.Runs["sgd"])
		runs := perRun(g, "sgd", memorizeEpoch) // NaN: the run never memorised
		memorised := len(notNaN(runs))
		mem.Tests = append(mem.Tests, Premise(Test{Name: fmt.Sprintf("SGD memorises the flipped labels at %s noise (flipped-train accuracy stays above 50%%)", n),
			Pass: memorised > 0 && most(memorised, len(runs)), Detail: fmt.Sprintf("in %d/%d runs", memorised, len(runs))}))
		for _, m := range []string{"sam", "1sam", "jsam"} {
			if !has(g, m) {
				continue
			}
			a, b := pairSeeds(memBySeed(g.Runs[m]), sgdMem)
			mem.Tests = append(mem.Tests, Greater(fmt.Sprintf("%s memorises later than SGD at %s noise", label(m), n), a, b, 0.5, whole))
			heads[4] = append(heads[4], fmt.Sprintf("%s epoch %s vs SGD %s", label(m), whole.Abs(mean(a)), whole.Abs(mean(b))))
		}
	}
	rules := []string{
		"Each test: the mean paired gain in best test accuracy exceeds 1 pt and has the right sign in at least two thirds of the seeds. Holds when all pass, does not hold when none does.",
		"Per method, the per-seed gain over SGD at the noisy rate must exceed the one without noise by more than 1 pt in two thirds of the seeds.",
		"Premise: 1-SAM beats SGD by more than 1 pt (otherwise there is nothing to keep: inconclusive). J-SAM must keep at least half of 1-SAM's mean gain, L-SAM less than half (1-SAM ahead of L-SAM in two thirds of the seeds).",
		"Premise: the better of SAM and 1-SAM beats SGD by more than 1 pt. Reg-SGD must beat SGD by more than 1 pt and close at least 25% of that gap (the paper: about half).",
		"Premise: SGD memorises (flipped-train accuracy above 50% to the end) in two thirds of its runs. Memorisation epoch: the first epoch from which flipped-train accuracy stays above 50%; a run that never memorises counts as the last epoch + 1. Each method must memorise more than half an epoch later than SGD, paired by seed, in two thirds of the seeds.",
	}
	out := []*Claim{gain, clean, split, reg, mem}
	for i, c := range out {
		c.Rule = rules[i]
		if len(c.Tests) == 0 {
			c.Tests = []Test{Premise(Test{Name: "runs to compare", Detail: "the run folders lack the methods or noise rates this claim needs"})}
		}
		c.Headline = strings.Join(heads[i], "; ")
		if c.Headline == "" {
			c.Headline = "no runs to compare"
		}
	}
	return out
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
