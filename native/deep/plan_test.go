package deep

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/runner"
)

// The default grid is all six methods with LayerNorm, at 0%, 40%, 60% and
// 80% noise, three seeds, with the chosen hyperparameters per method; the
// search runs on the held-out split, never the test set.
func TestDefaultPlan(t *testing.T) {
	p := DefaultPlan("fashion-mnist")
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	ch := Choice{SAMRho: 0.05, PerExampleRho: 0.01, GammaAct: 1e-3, GammaLast: 1e-2}
	cells := p.GridCells(t.TempDir(), ch)
	if len(cells) != 6*4*3 {
		t.Fatalf("%d cells", len(cells))
	}
	seen := map[string]int{}
	for _, c := range cells {
		seen[c.Method]++
		if c.Norm != "ln" || c.Dataset != "fashion-mnist" || c.Holdout != 0 || c.TrainSubset < 10000 || !slices.Contains([]float64{0, 0.4, 0.6, 0.8}, c.Noise) {
			t.Errorf("cell %+v", c)
		}
		rho, ga, gl := ch.For(c.Method)
		if c.Rho != rho || c.GammaAct != ga || c.GammaLast != gl {
			t.Errorf("%s: rho %g gammas %g %g", c.Method, c.Rho, c.GammaAct, c.GammaLast)
		}
	}
	for _, m := range []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"} {
		if seen[m] != 12 {
			t.Errorf("%s: %d cells", m, seen[m])
		}
	}
	for _, c := range p.SearchCells(t.TempDir()) {
		if c.Holdout != p.Holdout || c.Noise != p.SearchNoise || c.TestSubset != 0 {
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
	for _, tc := range []struct {
		name, want string
		change     func(p *Plan)
	}{
		{"unknown dataset", "svhn", func(p *Plan) { p.Base.Dataset = "svhn" }},
		{"repeated noise", "0.6", func(p *Plan) { p.Noises = []float64{0.6, 0.6} }},
		{"noise out of range", "1.2", func(p *Plan) { p.Noises = []float64{0, 1.2} }},
		{"repeated method", "sam", func(p *Plan) { p.Methods = []string{"sgd", "sam", "sam"} }},
		{"no candidate", "regsgd", func(p *Plan) { p.Search = p.Search[:6] }},
	} {
		bad := DefaultPlan("fashion-mnist")
		tc.change(&bad)
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}

// The paper's arm is the grid's methods, noises and seeds with the
// paper's settings, untuned: the same rho for SAM and the per-example
// methods, the paper's lr, weight decay and batch, under its own folder.
func TestPaperCells(t *testing.T) {
	p := DefaultPlan("fashion-mnist")
	root := t.TempDir()
	cells := p.PaperCells(root)
	if len(cells) != len(p.GridCells(root, Choice{})) {
		t.Fatalf("%d paper cells", len(cells))
	}
	for _, c := range cells {
		rho, ga, gl := Choice{SAMRho: PaperRho, PerExampleRho: PaperRho, GammaAct: PaperGamma, GammaLast: PaperGamma}.For(c.Method)
		if c.LR != 0.01 || c.WeightDecay != 5e-4 || c.Batch != 128 || c.Rho != rho || c.GammaAct != ga || c.GammaLast != gl ||
			c.TrainSubset != p.Base.TrainSubset || c.Epochs != p.Base.Epochs || filepath.Base(filepath.Dir(c.Out)) != "paper" {
			t.Errorf("paper cell %+v", c)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Out, err)
		}
	}
	p.Paper = false
	if p.PaperCells(root) != nil {
		t.Error("paper cells without the arm")
	}
}

// Resize sets the size a run asks for and keeps the rest; the search then
// trains only the candidates of the methods asked for, and the cells come
// seed by seed (a cut run has whole seeds to pair).
func TestResize(t *testing.T) {
	off := false
	p, err := DefaultPlan("fashion-mnist").Resize(Size{Train: 5000, Epochs: 7, SearchEpochs: 3, Seeds: 5,
		Noises: []float64{0.6, 0.8}, Methods: []string{"SGD", "1-SAM", "sam"}, Paper: &off})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Base.TrainSubset != 5000 || p.Base.Epochs != 7 || p.SearchEpochs != 3 || len(p.Seeds) != 5 || p.Seeds[4] != 4 ||
		!slices.Equal(p.Noises, []float64{0.6, 0.8}) || !slices.Equal(p.Methods, []string{"sgd", "1sam", "sam"}) || p.Paper {
		t.Fatalf("resized %+v", p)
	}
	if p.Base.LR != DefaultPlan("").Base.LR || p.Holdout != 2000 {
		t.Errorf("resize changed what it was not asked to: %+v", p.Base)
	}
	search := p.SearchCells(t.TempDir())
	if len(search) != 6 {
		t.Errorf("%d search cells, want the 6 SAM and 1-SAM candidates", len(search))
	}
	for _, c := range search {
		if c.Method == "regsgd" || c.Epochs != 3 {
			t.Errorf("search cell %s, %d epochs", c.Method, c.Epochs)
		}
	}
	cells := p.GridCells(t.TempDir(), Choice{SAMRho: 0.05, PerExampleRho: 0.01})
	if len(cells) != 3*2*5 || cells[5].Seed != 0 || cells[6].Seed != 1 {
		t.Errorf("%d cells; the 6th has seed %d, the 7th %d (want seed-major order)", len(cells), cells[5].Seed, cells[6].Seed)
	}
	if _, err := DefaultPlan("").Resize(Size{Methods: []string{"adam"}}); err == nil || !strings.Contains(err.Error(), "adam") {
		t.Errorf("unknown method: %v", err)
	}
	z, _ := DefaultPlan("fashion-mnist").Resize(Size{})
	if z.Base != DefaultPlan("fashion-mnist").Base || len(z.Noises) != 4 || !z.Paper {
		t.Error("an empty size changed the plan")
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
