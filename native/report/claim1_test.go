package report

import (
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// fakeResults makes histories whose best test accuracy is best[method][seed].
func fakeResults(best map[string][]float64) []experiment.Result {
	var out []experiment.Result
	for _, m := range optim.Names {
		for s, b := range best[m] {
			h := []train.Metrics{
				{Step: 0, TestAcc: 0.5, BestTestAcc: 0.5, CleanAcc: 0.5, FlippedAcc: 0.5, LastNorm: 1, HiddenNorm: 1},
				{Step: 10, TestAcc: b, BestTestAcc: b, BestStep: 10, CleanAcc: 0.9, FlippedAcc: 0.1, LastNorm: 2, HiddenNorm: 2},
				{Step: 20, TestAcc: b - 0.01, BestTestAcc: b, BestStep: 10, CleanAcc: 0.95, FlippedAcc: 0.3, LastNorm: 3, HiddenNorm: 3},
			}
			out = append(out, experiment.Result{Method: m, Seed: uint64(s), History: h})
		}
	}
	return out
}

// TestClaim1FromNumbers feeds constructed numbers to claim 1 and checks the
// verdict follows them.
func TestClaim1FromNumbers(t *testing.T) {
	p := QuickPlan()
	noisy, err := p.mainConfig("main-noisy", 0.3, 3, optim.Names...)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := p.mainConfig("main-clean", 0, 3, "sgd", "sam", "1sam")
	if err != nil {
		t.Fatal(err)
	}
	same := []float64{0.80, 0.81, 0.79}
	up := func(d float64) []float64 { return []float64{0.80 + d, 0.81 + d, 0.79 + d} }
	cases := []struct {
		name       string
		noisy      map[string][]float64
		clean      map[string][]float64
		want       Verdict
		failedTest []int
	}{
		{"paper's pattern", map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": same, "1sam": up(0.005)}, Holds, nil},
		{"SAM no better", map[string][]float64{"sgd": same, "sam": same, "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": same, "1sam": same}, Mixed, []int{1}},
		{"SAM ahead of 1-SAM", map[string][]float64{"sgd": same, "sam": up(0.05), "1sam": up(0.03)}, map[string][]float64{"sgd": same, "sam": same, "1sam": same}, Mixed, []int{2}},
		{"gain without noise too", map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, Mixed, []int{3, 4}},
		{"nothing", map[string][]float64{"sgd": same, "sam": up(-0.03), "1sam": up(-0.05)}, map[string][]float64{"sgd": same, "sam": up(0.05), "1sam": up(0.06)}, DoesNotHold, []int{0, 1, 2, 3, 4}},
	}
	for _, c := range cases {
		mr := &mainRuns{noisy: runSet{noisy, fakeResults(c.noisy)}, clean: runSet{clean, fakeResults(c.clean)}}
		cl, err := claim1(mr, t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := Combine(cl.Tests); got != c.want {
			t.Errorf("%s: verdict %v, want %v:\n%s", c.name, got, c.want, summarize(cl.Tests))
		}
		for _, i := range c.failedTest {
			if cl.Tests[i].Pass {
				t.Errorf("%s: test %q passed, want it to fail", c.name, cl.Tests[i].Name)
			}
		}
	}
}
