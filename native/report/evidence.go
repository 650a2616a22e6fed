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

	mainSets *mainRuns
	deepSets *deepRuns
}

// main returns the shared toy runs of claims 1, 2 and 5-8 (runMain).
func (ev *evidence) main() (*mainRuns, error) {
	if ev.mainSets == nil {
		mr, err := runMain(ev.ctx, ev.pool, ev.plan)
		if err != nil {
			return nil, err
		}
		ev.mainSets = mr
	}
	return ev.mainSets, nil
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
