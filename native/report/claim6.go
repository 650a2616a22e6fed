package report

import (
	"fmt"
	"path/filepath"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

// claim6: J-SAM and SAM keep the last-layer weight norm and the
// hidden-activation norm smaller than SGD.
func claim6(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.cfg.Data.Noise
	c := &Claim{Title: "J-SAM and SAM keep the last-layer weight norm and the hidden-activation norm smaller",
		Statement: "J-SAM acts as SGD with l2 penalties on the last-layer weights and the last hidden activations; J-SAM and SAM keep both norms smaller than SGD does.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds). ||W_last|| is the Frobenius norm of the last layer's weights; ||h|| the mean norm of the last hidden activations over the training set.", pctNoise(noise), mainPreset, mr.noisy.cfg.Seeds),
		Configs:   []*experiment.Config{mr.noisy.cfg},
	}
	ms := []string{"sgd", "sam", "1sam", "jsam", "regsgd"}
	pl := curvesPlot("last-layer weight norm", "||W_last||", mr.noisy.res, ms, lastNorm, false, false)
	pr := curvesPlot("hidden-activation norm", "mean ||h_i||", mr.noisy.res, ms, hiddenNorm, false, false)
	pl.Legend.Top, pl.Legend.Left = true, true
	pr.Legend.Top, pr.Legend.Left = true, true
	if err := row(pl, pr).save(filepath.Join(out, "claim6_norms.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim6_norms.png", Caption: "Last-layer weight norm (left) and mean last-hidden-activation norm (right) against steps, mean ± 1 std."})
	finalLast, finalHidden := final(lastNorm), final(hiddenNorm)
	// red is the per-seed relative reduction (SGD - m)/SGD of a final norm.
	red := func(m string, f func([]train.Metrics) float64) []float64 {
		s, x := perSeed(mr.noisy.res, "sgd", f), perSeed(mr.noisy.res, m, f)
		out := make([]float64, len(s))
		for i := range s {
			out[i] = (s[i] - x[i]) / s[i]
		}
		return out
	}
	zero := make([]float64, mr.noisy.cfg.Seeds)
	t := Table{Header: []string{"method", "final ||W_last||", "reduction vs SGD", "final mean ||h||", "reduction vs SGD"}}
	for _, m := range ms {
		t.Rows = append(t.Rows, []string{label(m), statCell(perSeed(mr.noisy.res, m, finalLast), Plain), mr.rule.gainCell(red(m, finalLast), zero, Percent),
			statCell(perSeed(mr.noisy.res, m, finalHidden), Plain), mr.rule.gainCell(red(m, finalHidden), zero, Percent)})
	}
	c.Tables = append(c.Tables, t)
	c.Tests = []Test{
		mr.rule.Greater("J-SAM's final ||W_last|| is smaller than SGD's", red("jsam", finalLast), zero, NormMargin, Percent),
		mr.rule.Greater("J-SAM's final mean ||h|| is smaller than SGD's", red("jsam", finalHidden), zero, NormMargin, Percent),
		mr.rule.Greater("SAM's final ||W_last|| is smaller than SGD's", red("sam", finalLast), zero, NormMargin, Percent),
		mr.rule.Greater("SAM's final mean ||h|| is smaller than SGD's", red("sam", finalHidden), zero, NormMargin, Percent),
	}
	c.Rule = "Relative reduction (SGD − method)/SGD at the last step, paired by seed: its t interval at the claim's level must lie above 5% (inside ±5% is no difference)."
	r := func(m string, f func([]train.Metrics) float64) string {
		return mr.rule.gainText(red(m, f), zero, Percent)
	}
	c.Headline = fmt.Sprintf("reduction vs SGD: J-SAM ||W_last|| %s, ||h|| %s; SAM ||W_last|| %s, ||h|| %s",
		r("jsam", finalLast), r("jsam", finalHidden), r("sam", finalLast), r("sam", finalHidden))
	return c, nil
}
