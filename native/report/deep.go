package report

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/deep"
	"github.com/samlab/samlab/native/runner"
)

// DeepClaimN numbers the first deep-network claim; the deep claims are
// DeepClaimN .. DeepClaimN+4 (deepclaims.go).
const DeepClaimN = 9

// deepRuns is what the deep claims read: the native CLI's run folders
// grouped by setting, and the hyperparameter search that chose their
// values, when the folders come from `samlab report --deep-run`.
type deepRuns struct {
	runs   []*DeepRun
	groups []*deepGroup
	paths  []string
	choice *deep.Choice
}

// readDeep reads the run folders (deepruns.go), groups them by setting
// (deepgroups.go) and finds the search result (native/deep's search.json)
// in the folder above a run's grid folder, if any.
func readDeep(paths []string) (*deepRuns, error) {
	runs, err := FindDeepRuns(paths)
	if err != nil {
		return nil, err
	}
	d := &deepRuns{runs: runs, groups: groupDeep(runs), paths: paths}
	for _, r := range runs {
		if ch, err := deep.ReadChoice(filepath.Dir(filepath.Dir(r.Dir))); err == nil {
			d.choice = &ch
			break
		}
	}
	return d, nil
}

// deepClaims builds the deep section: the tables and figures (attached to
// the first claim) and the five verdicts.
func deepClaims(paths []string, out string) ([]*Claim, error) {
	d, err := readDeep(paths)
	if err != nil {
		return nil, err
	}
	cs := d.claims()
	first := cs[0]
	for _, g := range d.groups {
		first.Tables = append(first.Tables, d.table(g))
	}
	if d.choice != nil {
		first.Tables = append(first.Tables, searchTable(d.choice))
	}
	first.Notes = append(first.Notes, "The verdicts follow the stated rule, with few seeds: at this scale the gains are one to a few points with standard deviations of about the same size, far below the paper's +17 points for ResNet18 on CIFAR10 after 200 epochs. Read a verdict that holds as agreeing with the paper's direction here, not as reproducing its size; the paper-scale run is `samlab sweep` on CIFAR10 with a GPU (docs/native.md).")
	figs, err := d.figures(out)
	if err != nil {
		return nil, err
	}
	first.Figures = figs
	for _, c := range cs[1:] {
		c.Figures = figs[len(figs)-1:]
	}
	return cs, nil
}

// memorizeEpoch is the first epoch from which flipped-train accuracy stays
// above 50% to the end of the run (NaN when it never does: the run did
// not memorise).
func memorizeEpoch(r *DeepRun) float64 {
	at := math.NaN()
	for _, e := range r.Epochs {
		switch {
		case e.FlippedAcc > 0.5 && math.IsNaN(at):
			at = float64(e.Epoch)
		case e.FlippedAcc <= 0.5:
			at = math.NaN()
		}
	}
	return at
}

// perRun returns f of the runs of g under key, in seed order.
func perRun(g *deepGroup, key string, f func(*DeepRun) float64) []float64 {
	var out []float64
	for _, r := range g.Runs[key] {
		out = append(out, f(r))
	}
	return out
}

func bestOfRun(r *DeepRun) float64 { a, _ := r.Best(); return a }
func bestEpochOf(r *DeepRun) float64 {
	_, e := r.Best()
	return float64(e)
}
func last(r *DeepRun) runner.Row { return r.Epochs[len(r.Epochs)-1] }

// table is one setting's results, one row per method (mean ± std over seeds).
func (d *deepRuns) table(g *deepGroup) Table {
	t := Table{Caption: "**" + g.name() + "**", Header: []string{"method", "rho / gammas", "runs", "best test acc (%)", "at epoch", "final test acc (%)",
		"final clean train (%)", "final flipped train (%)", "memorised at epoch", "gain over SGD (pts, wins)"}}
	sgd := deepBestBySeed(g.Runs["sgd"])
	for _, k := range g.Keys {
		rs := g.Runs[k]
		gain := "—"
		if len(sgd) > 0 && methodOf(k) != "sgd" {
			a, b := pairSeeds(deepBestBySeed(rs), sgd)
			gain = gainCell(a, b, Points)
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
			memCell, gain})
	}
	return t
}

func countFinite(xs []float64) int {
	n := 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n
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
	t := Table{Caption: fmt.Sprintf("**Hyperparameter search** on the held-out split (training images after the training subset, true labels; never the test set). Chosen: SAM rho %g, 1-SAM/L-SAM/J-SAM rho %g, Reg-SGD γ_act %g, γ_last %g (best held-out accuracy per family; ties go to the first listed).",
		ch.SAMRho, ch.PerExampleRho, ch.GammaAct, ch.GammaLast), Header: []string{"candidate", "best held-out acc (%)", "at epoch"}}
	for _, tr := range ch.Trials {
		t.Rows = append(t.Rows, []string{tr.Name(), fmt.Sprintf("%.2f", 100*tr.BestAcc), fmt.Sprint(tr.BestEpoch)})
	}
	return t
}
