package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/deep"
)

// deepSection attaches the deep section to c, the first deep claim: a
// table per setting, the search's table when there was one, the caveat of
// scale and the figures.
func deepSection(d *deepRuns, c *Claim, out string) error {
	for _, g := range d.groups {
		c.Tables = append(c.Tables, d.table(g))
	}
	if d.choice != nil {
		c.Tables = append(c.Tables, searchTable(d.choice))
	}
	c.Tables = append(c.Tables, d.anchors())
	c.Notes = append(c.Notes, "The verdicts follow the stated rule, with few seeds, per noise rate. The anchors table puts the published gaps beside these runs' with the differences of scale; read a verdict that holds as agreeing with the paper's direction at this scale, not as reproducing its size. The paper-scale run is `samlab sweep` on CIFAR10 with a GPU (docs/native.md).",
		"Every run's numbers, one row per run (seed): "+DeepSeedsFile+"; the verdicts can be recomputed from it, or from the run folders with `samlab report --deep`.")
	if err := d.writeSeeds(filepath.Join(out, DeepSeedsFile)); err != nil {
		return err
	}
	figs, err := d.figures(out)
	if err != nil {
		return err
	}
	c.Figures = figs
	return nil
}

// table is one setting's results, one row per method (mean ± std over seeds).
func (d *deepRuns) table(g *deepGroup) Table {
	t := Table{Caption: "**" + g.name() + "**", Header: []string{"method", "rho / gammas", "runs", "best test acc (%)", "at epoch", "final test acc (%)",
		"final clean train (%)", "final flipped train (%)", "memorised at epoch", "best-epoch gain over SGD (pts, wins)", "final-epoch gain over SGD (pts, wins)"}}
	sgd, sgdFinal := deepBestBySeed(g.Runs["sgd"]), deepFinalBySeed(g.Runs["sgd"])
	for _, k := range g.Keys {
		rs := g.Runs[k]
		gain, final := "—", "—"
		if len(sgd) > 0 && methodOf(k) != "sgd" {
			a, b := pairSeeds(deepBestBySeed(rs), sgd)
			gain = fixed.gainCell(a, b, Points)
			a, b = pairSeeds(deepFinalBySeed(rs), sgdFinal)
			final = fixed.gainCell(a, b, Points)
		}
		mem := perRun(g, k, memorizeEpoch)
		memCell := "never"
		if n := countFinite(mem); n > 0 {
			memCell = fmt.Sprintf("%s (%d/%d runs)", statCell(mem, whole), n, len(mem))
		}
		t.Rows = append(t.Rows, []string{keyLabel(k), hyperOf(rs[0]), fmt.Sprint(len(rs)),
			statCell(perRun(g, k, bestOfRun), Points), statCell(perRun(g, k, bestEpochOf), whole),
			statCell(perRun(g, k, func(r *DeepRun) float64 { return last(r).TestAcc }), Points),
			statCell(perRun(g, k, func(r *DeepRun) float64 { return last(r).CleanAcc }), Points),
			statCell(perRun(g, k, func(r *DeepRun) float64 { return last(r).FlippedAcc }), Points),
			memCell, gain, final})
	}
	return t
}

// hyperOf shows a run's method hyperparameters (those its traits name).
func hyperOf(r *DeepRun) string {
	switch t := optim.Of(r.Method); {
	case t.Gammas:
		return fmt.Sprintf("γ %s/%s", fmtG(r.GammaAct), fmtG(r.GammaLast))
	case t.Rho:
		return fmtG(r.Rho)
	}
	return "—"
}

// searchTable lists the held-out search behind the chosen values.
func searchTable(ch *deep.Choice) Table {
	var sam, perEx, gammas bool // the families the search tried
	for _, tr := range ch.Trials {
		t := optim.Of(tr.Method)
		sam, perEx, gammas = sam || t.Rho && !t.PerExample, perEx || t.Rho && t.PerExample, gammas || t.Gammas
	}
	var chosen []string
	if sam {
		chosen = append(chosen, fmt.Sprintf("SAM rho %g", ch.SAMRho))
	}
	if perEx {
		chosen = append(chosen, fmt.Sprintf("1-SAM/L-SAM/J-SAM rho %g", ch.PerExampleRho))
	}
	if gammas {
		chosen = append(chosen, fmt.Sprintf("Reg-SGD γ_act %g, γ_last %g", ch.GammaAct, ch.GammaLast))
	}
	t := Table{Caption: fmt.Sprintf("**Hyperparameter search** on the held-out split (training images after the training subset, true labels; never the test set). Chosen: %s (best held-out accuracy per family; ties go to the first listed).",
		strings.Join(chosen, ", ")), Header: []string{"candidate", "best held-out acc (%)", "at epoch"}}
	for _, tr := range ch.Trials {
		t.Rows = append(t.Rows, []string{tr.Name(), fmt.Sprintf("%.2f", 100*tr.BestAcc), fmt.Sprint(tr.BestEpoch)})
	}
	return t
}
