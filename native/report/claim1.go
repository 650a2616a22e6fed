package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/samlab/samlab/core/experiment"
)

// setting1 is one model setting of claim 1: the same methods at a noise
// rate and without noise.
type setting1 struct {
	name, preset       string
	noisy, clean       *experiment.Config
	noisyRes, cleanRes []experiment.Result
}

// claim1: SAM and 1-SAM reach a higher early-stopping test accuracy under
// label noise, in the wide MLP, the demo MLP and the linear model.
func claim1(mr *mainRuns, out string) (*Claim, error) {
	settings := []setting1{{"wide MLP", mainPreset, mr.noisy.cfg, mr.clean.cfg, mr.noisy.res, mr.clean.res}}
	if mr.demoNoisy.cfg != nil {
		settings = append(settings, setting1{"demo MLP", demoPreset, mr.demoNoisy.cfg, mr.demoClean.cfg, mr.demoNoisy.res, mr.demoClean.res})
	}
	if mr.linNoisy.cfg != nil {
		settings = append(settings, setting1{"linear", linearPreset, mr.linNoisy.cfg, mr.linClean.cfg, mr.linNoisy.res, mr.linClean.res})
	}
	c := &Claim{Title: "SAM and 1-SAM reach a higher early-stopping test accuracy under label noise",
		Statement: "With label noise, SAM and above all 1-SAM reach a higher best (early-stopping) test accuracy than SGD; without noise the gap is small.",
		Rule:      "Each \"beats\" test: the t interval at the claim's level of the mean paired gain (same seed, same data and initial weights) lies above the margin; each \"small\" test: the interval of the clean gain lies inside ± the bound. Holds when every test of every setting passes, mixed when some do; when none does, no difference if every interval lies inside its margin, inconclusive if one straddles it.",
	}
	var set, heads []string
	var panels [][]*panel
	ms := []string{"sgd", "sam", "1sam"}
	for _, st := range settings {
		noise := st.noisy.Data.Noise
		set = append(set, fmt.Sprintf("%s: preset %q (%s), %d seeds, at %s and 0%% label noise, metrics every %d steps", st.name, st.preset, st.noisy.Description, st.noisy.Seeds, pctNoise(noise), st.noisy.Train.RecordEvery))
		c.Configs = append(c.Configs, st.noisy, st.clean)
		pl := curvesPlot(st.name+", 0% label noise", "test accuracy", st.cleanRes, ms, testAcc, true, true)
		pr := curvesPlot(st.name+", "+pctNoise(noise)+" label noise", "test accuracy", st.noisyRes, ms, testAcc, true, true)
		pl.Legend.Left, pl.Legend.Top = false, false
		pr.Legend.Left, pr.Legend.Top = false, false
		panels = append(panels, []*panel{pl, pr})
		t := Table{Caption: st.name + " (preset " + st.preset + ").", Header: []string{"method", "rho", "best test acc, " + pctNoise(noise) + " noise (%)", "best step", "final test acc (%)", "final flipped-train acc (%)", "best test acc, 0% noise (%)", "gain over SGD, noisy (pts, wins)", "gain over SGD, clean (pts, wins)"}}
		for _, m := range ms {
			t.Rows = append(t.Rows, []string{label(m), fmtG(rhoOf(st.noisy, m)), statCell(bestOf(st.noisyRes, m), Points), statCell(perSeed(st.noisyRes, m, bestStep), whole),
				statCell(perSeed(st.noisyRes, m, final(testAcc)), Points), statCell(perSeed(st.noisyRes, m, final(flippedAcc)), Points), statCell(bestOf(st.cleanRes, m), Points),
				mr.rule.gainCell(bestOf(st.noisyRes, m), bestOf(st.noisyRes, "sgd"), Points), mr.rule.gainCell(bestOf(st.cleanRes, m), bestOf(st.cleanRes, "sgd"), Points)})
		}
		c.Tables = append(c.Tables, t)
		sgdN, samN, oneN := bestOf(st.noisyRes, "sgd"), bestOf(st.noisyRes, "sam"), bestOf(st.noisyRes, "1sam")
		sgdC, samC, oneC := bestOf(st.cleanRes, "sgd"), bestOf(st.cleanRes, "sam"), bestOf(st.cleanRes, "1sam")
		g1, gs := NewPaired(oneN, sgdN).Mean(), NewPaired(samN, sgdN).Mean()
		pre := st.name + ": "
		c.Tests = append(c.Tests,
			mr.rule.Greater(pre+"1-SAM beats SGD at "+pctNoise(noise)+" noise", oneN, sgdN, AccMargin, Points),
			mr.rule.Greater(pre+"SAM beats SGD at "+pctNoise(noise)+" noise", samN, sgdN, AccMargin, Points),
			mr.rule.Greater(pre+"1-SAM beats SAM at "+pctNoise(noise)+" noise (\"above all 1-SAM\")", oneN, samN, 0, Points),
			mr.rule.Within(pre+"1-SAM's gain over SGD without noise is small (at most max(1 pt, half its noisy gain))", oneC, sgdC, math.Max(AccMargin, math.Abs(g1)/2), Points),
			mr.rule.Within(pre+"SAM's gain over SGD without noise is small (at most max(1 pt, half its noisy gain))", samC, sgdC, math.Max(AccMargin, math.Abs(gs)/2), Points),
		)
		heads = append(heads, fmt.Sprintf("%s noisy: 1-SAM %s, SAM %s over SGD; clean: 1-SAM %s, SAM %s", st.name,
			mr.rule.gainText(oneN, sgdN, Points), mr.rule.gainText(samN, sgdN, Points), mr.rule.gainText(oneC, sgdC, Points), mr.rule.gainText(samC, sgdC, Points)))
	}
	c.Setting = strings.Join(set, ". ") + ". Best test accuracy is the maximum over the recorded steps."
	c.Headline = strings.Join(heads, "; ")
	f := figure{Panels: panels, Width: 2 * panelW, Height: panelH * vg.Length(len(panels))}
	if err := f.save(filepath.Join(out, "claim1_test_accuracy.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "claim1_test_accuracy.png",
		Caption: "Test accuracy against steps without and with label noise (mean over seeds, band ± 1 std); triangles mark the mean best step and mean best accuracy (a triangle far above its curve means the per-seed curves fluctuate from one record to the next, so part of each per-seed maximum is noise). Rows: the wide MLP (the main nonlinear setting), the demo MLP and the high-dimensional linear model."})
	return c, nil
}
