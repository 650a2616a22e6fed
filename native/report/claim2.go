package report

import (
	"fmt"
	"path/filepath"

	"github.com/samlab/samlab/core/experiment"
)

// claim2: SAM fits the clean examples before the flipped ones.
func claim2(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.cfg.Data.Noise
	c := &Claim{Title: "SAM fits the clean examples before the flipped ones",
		Statement: "SAM learns the clean training examples while it still gets the flipped (mislabeled) ones wrong, for longer than SGD does.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds). Clean-train accuracy is measured against the true labels of the clean subset; flipped-train accuracy against the flipped labels (so it measures memorisation).", pctNoise(noise), mainPreset, mr.noisy.cfg.Seeds),
		Configs:   []*experiment.Config{mr.noisy.cfg},
	}
	ms := []string{"sgd", "sam", "1sam", "jsam"}
	pl := curvesPlot("clean training examples", "clean-train accuracy", mr.noisy.res, ms, cleanAcc, false, true)
	pr := curvesPlot("flipped training examples (memorisation)", "flipped-train accuracy", mr.noisy.res, ms, flippedAcc, false, false)
	pl.Legend.Top = false
	pr.Legend.Top, pr.Legend.Left = true, false
	if err := row(pl, pr).save(filepath.Join(out, "claim2_clean_vs_flipped.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim2_clean_vs_flipped.png", Caption: "Train accuracy on the clean subset (left) and on the flipped subset against its flipped labels (right), mean ± 1 std over seeds."})
	gap := func(m string) []float64 { return perSeed(mr.noisy.res, m, meanGap) }
	flip := func(m string) []float64 { return perSeed(mr.noisy.res, m, final(flippedAcc)) }
	t := Table{Header: []string{"method", "time-averaged clean − flipped acc (pts)", "final clean acc (%)", "final flipped acc (%)", "runs memorising (flipped acc > 50%)"}}
	for _, m := range ms {
		mem := 0
		for _, r := range byMethod(mr.noisy.res, m) {
			if experiment.MemorizeStep(r.History) >= 0 {
				mem++
			}
		}
		t.Rows = append(t.Rows, []string{label(m), statCell(gap(m), Points), statCell(perSeed(mr.noisy.res, m, final(cleanAcc)), Points),
			statCell(flip(m), Points), fmt.Sprintf("%d/%d", mem, len(byMethod(mr.noisy.res, m)))})
	}
	c.Tables = append(c.Tables, t)
	c.Tests = []Test{
		mr.rule.Greater("SAM's clean − flipped gap, averaged over training, exceeds SGD's", gap("sam"), gap("sgd"), AccMargin, Points),
		mr.rule.Greater("1-SAM's clean − flipped gap, averaged over training, exceeds SGD's", gap("1sam"), gap("sgd"), AccMargin, Points),
		mr.rule.Greater("SAM has memorised fewer flipped labels than SGD at the last step", flip("sgd"), flip("sam"), AccMargin, Points),
		mr.rule.Greater("1-SAM has memorised fewer flipped labels than SGD at the last step", flip("sgd"), flip("1sam"), AccMargin, Points),
	}
	c.Rule = "Paired over seeds: the t interval at the claim's level of the mean difference lies above 1 pt. Holds when all four tests pass, mixed when some do; when none does, no difference if every interval lies inside ±1 pt, inconclusive if one straddles a margin."
	c.Headline = fmt.Sprintf("clean − flipped gap over SGD's %s: SAM %s, 1-SAM %s; flipped labels memorised, SGD %s, fewer by SAM %s, by 1-SAM %s",
		Points.Abs(mean(gap("sgd"))), mr.rule.gainText(gap("sam"), gap("sgd"), Points), mr.rule.gainText(gap("1sam"), gap("sgd"), Points), Points.Abs(mean(flip("sgd"))), mr.rule.gainText(flip("sgd"), flip("sam"), Points), mr.rule.gainText(flip("sgd"), flip("1sam"), Points))
	return c, nil
}
