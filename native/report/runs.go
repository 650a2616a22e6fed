package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/samlab/samlab/core/experiment"
)

// pool runs the report's training jobs through core/experiment, logs
// their progress and counts them (Report.Runs).
type pool struct {
	workers int
	log     io.Writer
	runs    int
}

func newPool(workers int, log io.Writer) *pool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if log == nil {
		log = io.Discard
	}
	return &pool{workers: workers, log: log}
}

// configs runs every job of cfgs, identical ones once (experiment.RunAll),
// and returns, per config, the results in experiment.Run's order. A failed
// run fails the report.
func (p *pool) configs(ctx context.Context, label string, cfgs ...*experiment.Config) ([][]experiment.Result, error) {
	start, n := time.Now(), 0
	res, err := experiment.RunAll(ctx, p.workers, func(_, total int, _ *experiment.Result) { n = total }, cfgs...)
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, rs := range res {
		for _, r := range rs {
			if r.Err != nil {
				errs = append(errs, fmt.Errorf("%s %w", cfgs[i].Name, r.Err))
			}
		}
	}
	return res, p.done(label, n, start, errs)
}

// jobs runs jobs (experiment.RunJobs) and returns their results in order.
// A failed run fails the report.
func (p *pool) jobs(ctx context.Context, label string, jobs []experiment.Job) ([]experiment.Result, error) {
	start := time.Now()
	res, err := experiment.RunJobs(ctx, p.workers, nil, jobs)
	if err != nil {
		return nil, err
	}
	var errs []error
	for i, r := range res {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s %w", jobs[i].Config.Name, r.Err))
		}
	}
	return res, p.done(label, len(jobs), start, errs)
}

// done counts and logs n finished runs and returns their errors, if any.
func (p *pool) done(label string, n int, start time.Time, errs []error) error {
	p.runs += n
	fmt.Fprintf(p.log, "%s: %d runs on %d workers in %.1fs\n", label, n, p.workers, time.Since(start).Seconds())
	if len(errs) > 0 {
		return fmt.Errorf("report: %d runs failed: %w", len(errs), errors.Join(errs...))
	}
	return nil
}
