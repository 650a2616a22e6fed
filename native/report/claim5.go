package report

import (
	"fmt"
	"path/filepath"

	"github.com/samlab/samlab/core/experiment"
)

// claim5: in the nonlinear model J-SAM recovers most of 1-SAM's gain and
// L-SAM does not.
func claim5(mr *mainRuns, out string) (*Claim, error) {
	noise := mr.noisy.cfg.Data.Noise
	c := &Claim{Title: "In the nonlinear model, J-SAM recovers most of 1-SAM's gain and L-SAM does not",
		Statement: "Splitting 1-SAM's per-example perturbation into its logit-scale part (L-SAM) and its Jacobian part (J-SAM): in a network the Jacobian part carries nearly all the gain.",
		Setting:   fmt.Sprintf("The %s-noise runs of claim 1 (preset %q, %d seeds); L-SAM and J-SAM use 1-SAM's rho.", pctNoise(noise), mainPreset, mr.noisy.cfg.Seeds),
		Configs:   []*experiment.Config{mr.noisy.cfg},
	}
	ms := []string{"sgd", "1sam", "lsam", "jsam"}
	p := curvesPlot(fmt.Sprintf("%s label noise: logit vs Jacobian part", pctNoise(noise)), "test accuracy", mr.noisy.res, ms, testAcc, true, true)
	p.Legend.Top = false
	if err := row(p).save(filepath.Join(out, "claim5_lsam_jsam.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim5_lsam_jsam.png", Caption: "Test accuracy of SGD, 1-SAM, L-SAM and J-SAM (mean ± 1 std); triangles mark the mean best point."})
	b := func(m string) []float64 { return bestOf(mr.noisy.res, m) }
	gain := func(m string) float64 { return NewPaired(b(m), b("sgd")).Mean() }
	t := Table{Header: []string{"method", "rho", "best test acc (%)", "gain over SGD (pts, wins)", "share of 1-SAM's gain"}}
	for _, m := range ms {
		t.Rows = append(t.Rows, []string{label(m), fmtG(rhoOf(mr.noisy.cfg, m)), statCell(b(m), Points), mr.rule.gainCell(b(m), b("sgd"), Points), pct(gain(m), gain("1sam"))})
	}
	c.Tables = append(c.Tables, t)
	c.Tests = []Test{
		Premise(mr.rule.Greater("1-SAM has a gain over SGD to recover", b("1sam"), b("sgd"), AccMargin, Points)),
		mr.rule.AtLeastFraction("J-SAM recovers at least half of 1-SAM's gain", b("jsam"), b("1sam"), b("sgd"), KeepFraction, Points),
		mr.rule.BelowFraction("L-SAM recovers less than half of 1-SAM's gain", b("lsam"), b("1sam"), b("sgd"), KeepFraction, Points),
	}
	c.Rule = "Premise: the t interval at the claim's level of 1-SAM's paired gain over SGD lies above 1 pt (otherwise the claim is inconclusive here). \"Most\" is read as at least half of 1-SAM's gain: the t interval at the claim's level of J-SAM's gain minus half of 1-SAM's, paired by seed, lies above 0 (for L-SAM: half of 1-SAM's gain minus L-SAM's above 0)."
	g := func(m string) string { return mr.rule.gainText(b(m), b("sgd"), Points) }
	c.Headline = fmt.Sprintf("gains over SGD: 1-SAM %s, J-SAM %s, L-SAM %s", g("1sam"), g("jsam"), g("lsam"))
	return c, nil
}
