package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/native/runner"
)

// DeepClaimN numbers the deep-network section.
const DeepClaimN = 9

// deepClaim reads the deep runs of the native CLI (deepruns.go), grouped
// by setting (deepgroups.go), and builds the deep section: SAM variants
// against SGD in every noisy setting.
func deepClaim(paths []string, out string) (*Claim, error) {
	runs, err := FindDeepRuns(paths)
	if err != nil {
		return nil, err
	}
	groups := groupDeep(runs)
	c := &Claim{N: DeepClaimN, Title: "best test accuracy and memorisation of the native runs",
		Statement: "With label noise, SAM and 1-SAM reach a higher best (early-stopping) test accuracy than SGD in deep networks (the paper: +17 points for ResNet18 on CIFAR10 at 30% noise) and fit the flipped examples later.",
		Setting:   fmt.Sprintf("%d run folders of the native CLI (%s). Best test accuracy is the maximum over epochs; comparisons are paired by seed.", len(runs), strings.Join(paths, ", ")),
	}
	t := Table{Header: []string{"setting", "method", "rho", "runs", "best test acc (%)", "best epoch", "final clean train acc (%)", "final flipped train acc (%)", "gain over SGD (pts, wins)"}}
	var accPanels, memPanels []*panel
	for _, g := range groups {
		sgd := deepBestBySeed(g.Runs["sgd"])
		for _, k := range g.Keys {
			rs := g.Runs[k]
			var best, ep, cl, fl, rhos []float64
			for _, r := range rs {
				a, e := r.Best()
				last := r.Epochs[len(r.Epochs)-1]
				best, ep, cl, fl = append(best, a), append(ep, float64(e)), append(cl, last.CleanAcc), append(fl, last.FlippedAcc)
				rhos = append(rhos, r.Rho)
			}
			gain := "—"
			if len(sgd) > 0 && methodOf(k) != "sgd" {
				a, b := pairSeeds(deepBestBySeed(rs), sgd)
				gain = gainCell(a, b, Points)
				if g.Noise > 0 && methodOf(k) != "regsgd" {
					c.Tests = append(c.Tests, Greater(fmt.Sprintf("%s beats SGD (%s)", keyLabel(k), g.name()), a, b, AccMargin, Points))
				}
			}
			t.Rows = append(t.Rows, []string{g.name(), keyLabel(k), fmtG(rhos[0]), fmt.Sprint(len(rs)), statCell(best, Points), statCell(ep, whole),
				statCell(cl, Points), statCell(fl, Points), gain})
		}
		pa := newPlot(g.name(), "epoch", "test accuracy")
		pm := newPlot(g.name()+": clean (solid) vs flipped (dashed)", "epoch", "train accuracy")
		for _, k := range g.Keys {
			col := palette.Method(methodOf(k))
			x, m, sd := deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.TestAcc })
			pa.line(trace{Label: keyLabel(k), Color: col, X: x, Y: m, Band: sd})
			if g.Noise > 0 {
				x, m, _ := deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.CleanAcc })
				pm.line(trace{Label: keyLabel(k), Color: col, X: x, Y: m})
				x, m, _ = deepCurve(g.Runs[k], func(e runner.Row) float64 { return e.FlippedAcc })
				pm.line(trace{Color: col, Dashed: true, X: x, Y: m})
			}
		}
		pa.Legend.Top = false
		pm.Legend.Top, pm.Legend.Left = false, false
		accPanels = append(accPanels, pa)
		if g.Noise > 0 {
			memPanels = append(memPanels, pm)
		}
	}
	c.Tables = append(c.Tables, t)
	if err := grid(accPanels).save(filepath.Join(out, "deep_test_accuracy.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "deep_test_accuracy.png", Caption: "Test accuracy against epochs per method and setting (mean ± 1 std over seeds)."})
	if len(memPanels) > 0 {
		if err := grid(memPanels).save(filepath.Join(out, "deep_clean_flipped.png")); err != nil {
			return nil, err
		}
		c.Figures = append(c.Figures, Figure{File: "deep_clean_flipped.png", Caption: "Train accuracy on the clean subset (solid) and on the flipped subset against its flipped labels (dashed), per method, in the noisy settings."})
	}
	if len(c.Tests) == 0 {
		c.Tests = []Test{Premise(Test{Name: "a noisy setting with an SGD baseline and a SAM variant", Pass: false, Detail: "no such pair of runs among the folders"})}
	}
	c.Rule = "Each SAM variant (not Reg-SGD) in each noisy setting must beat SGD by more than 1 pt, paired by seed, in at least two thirds of the common seeds. Holds when all do, does not hold when none does."
	pass := 0
	for _, t := range c.Tests {
		if t.Pass && !t.Premise {
			pass++
		}
	}
	c.Headline = fmt.Sprintf("%d runs in %d settings; %d of %d SAM-vs-SGD comparisons pass", len(runs), len(groups), pass, len(c.Tests))
	return c, nil
}
