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

	// mainSets holds the shared toy runs made so far, for seeds 0 to
	// mainSeeds-1.
	mainSets  *mainRuns
	mainSeeds int
	deepSets  *deepRuns
}

// main returns the shared toy runs of claims 1, 2 and 5-8 for seeds 0 to
// n-1, running only the seeds not run yet (newMain, extend).
func (ev *evidence) main(n int) (*mainRuns, error) {
	if ev.mainSeeds < n {
		more, err := newMain(ev.plan, ev.mainSeeds, n-ev.mainSeeds)
		if err != nil {
			return nil, err
		}
		if err := more.run(ev.ctx, ev.pool); err != nil {
			return nil, err
		}
		if ev.mainSets == nil {
			ev.mainSets = more
		} else {
			ev.mainSets.extend(more)
		}
		ev.mainSeeds = n
	}
	return ev.mainSets.first(n), nil
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
