package report

import "context"

// evidence is what the claims are judged on: the plan, the output folder
// and the worker pool, and the runs shared by several claims (the toy's
// main experiments, the deep run folders), each made or read once, when a
// claim first asks for it.
type evidence struct {
	ctx       context.Context
	pool      *pool
	plan      Plan
	out       string
	deepPaths []string

	// mainSets holds the shared toy runs made so far (each set grows on
	// demand).
	mainSets *mainRuns
	deepSets *deepRuns
}

// main returns the shared toy runs of claims 1, 2 and 5-8 cut to seeds 0
// to n-1, having first run the seeds the sets named by uses (and the main
// noisy set, which every claim reads) do not hold yet.
func (ev *evidence) main(n int, uses func(*mainRuns) []*runSet) (*mainRuns, error) {
	if ev.mainSets == nil {
		mr, err := newMain(ev.plan)
		if err != nil {
			return nil, err
		}
		ev.mainSets = mr
	}
	sets := append([]*runSet{&ev.mainSets.noisy}, uses(ev.mainSets)...)
	if err := grow(ev.ctx, ev.pool, sets, n); err != nil {
		return nil, err
	}
	mr := ev.mainSets.first(n)
	mr.rule = ev.plan.Rule()
	return mr, nil
}

// deep returns the deep run folders, read and grouped (readDeep).
func (ev *evidence) deep() (*deepRuns, error) {
	if ev.deepSets == nil {
		d, err := readDeep(ev.deepPaths)
		if err != nil {
			return nil, err
		}
		ev.deepSets = d
	}
	return ev.deepSets, nil
}
