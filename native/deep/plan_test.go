package deep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/runner"
)

// The default grid is all six methods with LayerNorm, at 0% and 40% noise,
// three seeds, with the chosen hyperparameters per method; the search runs
// on the held-out split, never the test set.
func TestDefaultPlan(t *testing.T) {
	p := DefaultPlan("fashion-mnist")
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ch := Choice{SAMRho: 0.05, PerExampleRho: 0.01, GammaAct: 1e-3, GammaLast: 1e-2}
	cells := p.GridCells(t.TempDir(), ch)
	if len(cells) != 6*2*3 {
		t.Fatalf("%d cells", len(cells))
	}
	seen := map[string]int{}
	for _, c := range cells {
		seen[c.Method]++
		if c.Norm != "ln" || c.Dataset != "fashion-mnist" || c.Holdout != 0 || c.Noise != 0 && c.Noise != 0.4 {
			t.Errorf("cell %+v", c)
		}
		rho, ga, gl := ch.For(c.Method)
		if c.Rho != rho || c.GammaAct != ga || c.GammaLast != gl {
			t.Errorf("%s: rho %g gammas %g %g", c.Method, c.Rho, c.GammaAct, c.GammaLast)
		}
	}
	for _, m := range []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"} {
		if seen[m] != 6 {
			t.Errorf("%s: %d cells", m, seen[m])
		}
	}
	for _, c := range p.SearchCells(t.TempDir()) {
		if c.Holdout != p.Holdout || c.Noise != 0.4 || c.TestSubset != 0 {
			t.Errorf("search cell %+v does not evaluate on the held-out split", c)
		}
	}
	if QuickPlan("fashion-mnist").Validate() != nil {
		t.Error("quick plan invalid")
	}
	bad := p
	bad.Search = append(bad.Search, Candidate{Method: "sgd"})
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "sgd") {
		t.Errorf("bad candidate: %v", err)
	}
	bad = p
	bad.Base.Dataset = "svhn"
	if bad.Validate() == nil {
		t.Error("unknown dataset accepted")
	}
}

// Choose picks per family the best held-out accuracy from the runs'
// metrics (written here in the runner's own format).
func TestChoose(t *testing.T) {
	p := QuickPlan("fashion-mnist")
	cells := p.SearchCells(t.TempDir())
	acc := map[string]float64{"sam-rho0.02": 0.6, "sam-rho0.05": 0.7, "1sam-rho0.005": 0.65, "1sam-rho0.01": 0.64, "regsgd-ga0.001-gl0.001": 0.5}
	for _, c := range cells {
		if err := os.MkdirAll(c.Out, 0o755); err != nil {
			t.Fatal(err)
		}
		var rows []runner.Row
		for e := 1; e <= c.Epochs; e++ {
			rows = append(rows, runner.Row{Epoch: e, TestAcc: acc[filepath.Base(c.Out)], BestTestAcc: acc[filepath.Base(c.Out)], BestEpoch: 1})
		}
		if err := runner.WriteMetrics(filepath.Join(c.Out, runner.MetricsFile), rows); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := p.Choose(cells)
	if err != nil {
		t.Fatal(err)
	}
	if ch.SAMRho != 0.05 || ch.PerExampleRho != 0.005 || ch.GammaAct != 1e-3 || len(ch.Trials) != len(cells) {
		t.Fatalf("choice %+v", ch)
	}
	root := t.TempDir()
	if err := WriteChoice(root, ch); err != nil {
		t.Fatal(err)
	}
	if back, err := ReadChoice(root); err != nil || back.SAMRho != ch.SAMRho || len(back.Trials) != len(ch.Trials) {
		t.Fatalf("read back %+v, %v", back, err)
	}
	// A run that has not finished is an error, not a silent choice.
	rows, _ := runner.ReadMetrics(filepath.Join(cells[0].Out, runner.MetricsFile))
	runner.WriteMetrics(filepath.Join(cells[0].Out, runner.MetricsFile), rows[:1])
	if _, err := p.Choose(cells); err == nil {
		t.Error("unfinished search run accepted")
	}
}
