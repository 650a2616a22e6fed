package report

import (
	"testing"

	"github.com/samlab/samlab/core/experiment"
)

// seedResults makes one result per method and seed first..first+n-1, in
// experiment.Run's order (by method, then seed), its best accuracy coding
// the seed.
func seedResults(methods []string, first, n int) []experiment.Result {
	best := map[string][]float64{}
	for _, m := range methods {
		for s := first; s < first+n; s++ {
			best[m] = append(best[m], float64(s)/100)
		}
	}
	res := fakeResults(best)
	for i := range res {
		res[i].Seed += uint64(first)
	}
	return res
}

// Extending the shared runs by more seeds and cutting them back gives, per
// set and method, the seeds in order, as one run of all the seeds would:
// the cut at n is the same evidence whatever else was run.
func TestMainRunsExtendFirst(t *testing.T) {
	plan := QuickPlan()
	mr, err := newMain(plan, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	more, err := newMain(plan, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range more.sets() {
		if s.cfg.FirstSeed != 2 || s.cfg.Seeds != 3 {
			t.Fatalf("%s: seeds from %d, %d of them; want from 2, 3", s.cfg.Name, s.cfg.FirstSeed, s.cfg.Seeds)
		}
	}
	for _, runs := range []*mainRuns{mr, more} {
		for _, s := range runs.sets() {
			s.res = seedResults(s.cfg.Methods, int(s.cfg.FirstSeed), s.cfg.Seeds)
		}
	}
	mr.extend(more)
	for _, n := range []int{1, 2, 4, 5} {
		cut := mr.first(n)
		for _, s := range cut.sets() {
			if s.cfg.Seeds != n || s.cfg.FirstSeed != 0 {
				t.Errorf("first(%d) %s: seeds from %d, %d of them", n, s.cfg.Name, s.cfg.FirstSeed, s.cfg.Seeds)
			}
			if len(s.res) != n*len(s.cfg.Methods) {
				t.Fatalf("first(%d) %s: %d results, want %d", n, s.cfg.Name, len(s.res), n*len(s.cfg.Methods))
			}
			for k, r := range s.res {
				m, seed := s.cfg.Methods[k/n], uint64(k%n)
				if r.Method != m || r.Seed != seed || bestAcc(r.History) != float64(seed)/100 {
					t.Errorf("first(%d) %s: result %d is %s seed %d, want %s seed %d", n, s.cfg.Name, k, r.Method, r.Seed, m, seed)
				}
			}
		}
	}
}
