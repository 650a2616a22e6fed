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

// Growing a set by more seeds, batch after batch, and cutting it back
// gives, per method, the seeds in order, as one run of all the seeds
// would: the cut at n is the same evidence whatever else was run. A plan
// with another first seed (a replication) counts its seeds from there.
func TestRunSetGrowFirst(t *testing.T) {
	for _, base := range []uint64{0, 100} {
		plan := QuickPlan()
		plan.FirstSeed = base
		mr, err := newMain(plan)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range mr.sets() {
			if s.held() != 0 {
				t.Fatalf("%s holds %d seeds before any run", s.cfg.Name, s.held())
			}
			for _, n := range []int{2, 5} {
				c := s.next(n)
				if c == nil || c.FirstSeed != base+uint64(s.held()) || c.Seeds != n-s.held() {
					t.Fatalf("first seed %d, %s: next(%d) = %+v after %d seeds", base, s.cfg.Name, n, c, s.held())
				}
				s.add(seedResults(c.Methods, int(c.FirstSeed), c.Seeds))
			}
			if s.next(5) != nil || s.next(3) != nil {
				t.Errorf("%s: more seeds asked of a set holding 5", s.cfg.Name)
			}
		}
		for _, n := range []int{1, 2, 4, 5, 7} {
			cut := mr.first(n)
			want := min(n, 5)
			for _, s := range cut.sets() {
				if s.cfg.Seeds != want || s.cfg.FirstSeed != base {
					t.Errorf("first(%d) %s: seeds from %d, %d of them", n, s.cfg.Name, s.cfg.FirstSeed, s.cfg.Seeds)
				}
				if len(s.res) != want*len(s.cfg.Methods) {
					t.Fatalf("first(%d) %s: %d results, want %d", n, s.cfg.Name, len(s.res), want*len(s.cfg.Methods))
				}
				for k, r := range s.res {
					m, seed := s.cfg.Methods[k/want], base+uint64(k%want)
					if r.Method != m || r.Seed != seed || bestAcc(r.History) != float64(seed)/100 {
						t.Errorf("first(%d) %s: result %d is %s seed %d, want %s seed %d", n, s.cfg.Name, k, r.Method, r.Seed, m, seed)
					}
				}
			}
		}
	}
}
