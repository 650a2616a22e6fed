package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

// runner trains (config, method, seed) jobs on a worker pool. Jobs with the
// same data, model, training settings and seed run once, so experiments
// that share runs (the 30% noise setting of the main experiment and of the
// noise sweep) do not pay twice.
type runner struct {
	workers int
	log     io.Writer

	mu    sync.Mutex
	cache map[string]*experiment.Result
	runs  int
}

func newRunner(workers int, log io.Writer) *runner {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if log == nil {
		log = io.Discard
	}
	return &runner{workers: workers, log: log, cache: map[string]*experiment.Result{}}
}

// jobKey identifies a run by everything that determines it.
func jobKey(c *experiment.Config, method string, seed uint64) string {
	b, _ := json.Marshal(struct {
		D experiment.Data
		M experiment.Model
		T train.Config
		S uint64
	}{c.Data, c.Model, c.RunConfig(method), seed})
	return string(b)
}

// runAll validates and normalises every config, then runs all their
// (method, seed) jobs together and returns, per config, the results in
// experiment.Run's order (method, then seed). Failed runs keep their error
// in Result.Err; the returned error is for invalid configs or cancellation.
func (r *runner) runAll(ctx context.Context, label string, cfgs ...*experiment.Config) ([][]experiment.Result, error) {
	type job struct {
		c   *experiment.Config
		m   string
		s   uint64
		key string
	}
	var jobs []job
	seen := map[string]bool{}
	for _, c := range cfgs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("config %s: %w", c.Name, err)
		}
		c.Normalize()
		for _, m := range c.Methods {
			for s := 0; s < c.Seeds; s++ {
				seed := c.FirstSeed + uint64(s)
				k := jobKey(c, m, seed)
				r.mu.Lock()
				_, done := r.cache[k]
				r.mu.Unlock()
				if !done && !seen[k] {
					seen[k] = true
					jobs = append(jobs, job{c, m, seed, k})
				}
			}
		}
	}
	start := time.Now()
	fmt.Fprintf(r.log, "%s: %d runs on %d workers\n", label, len(jobs), r.workers)
	ch := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < r.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				res := runOne(ctx, j.c, j.m, j.s)
				r.mu.Lock()
				r.cache[j.key] = res
				r.runs++
				r.mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
		}
	}
	close(ch)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fmt.Fprintf(r.log, "%s: done in %.1fs\n", label, time.Since(start).Seconds())
	out := make([][]experiment.Result, len(cfgs))
	for i, c := range cfgs {
		for _, m := range c.Methods {
			for s := 0; s < c.Seeds; s++ {
				seed := c.FirstSeed + uint64(s)
				r.mu.Lock()
				res := r.cache[jobKey(c, m, seed)]
				r.mu.Unlock()
				out[i] = append(out[i], *res)
			}
		}
	}
	return out, nil
}

func runOne(ctx context.Context, c *experiment.Config, m string, seed uint64) *experiment.Result {
	res := &experiment.Result{Method: m, Seed: seed}
	s, err := c.Build(seed)
	if err == nil {
		var tr *train.Trainer
		tr, err = c.Trainer(s, m)
		if err == nil {
			res.History, err = tr.Run(ctx, nil)
		}
	}
	if err != nil {
		res.Err = fmt.Errorf("%s %s seed %d: %w", c.Name, m, seed, err)
	}
	return res
}

// runErrors lists the failed runs of results.
func runErrors(results []experiment.Result) []error {
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errs
}

// byMethod returns method's results in seed order.
func byMethod(results []experiment.Result, method string) []experiment.Result {
	var out []experiment.Result
	for _, r := range results {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// perSeed returns f of each of method's runs (NaN for a failed run).
func perSeed(results []experiment.Result, method string, f func(h []train.Metrics) float64) []float64 {
	var out []float64
	for _, r := range byMethod(results, method) {
		if r.Err != nil || len(r.History) == 0 {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, f(r.History))
	}
	return out
}

// Per-run scalars used by the claims.
func bestAcc(h []train.Metrics) float64    { return h[len(h)-1].BestTestAcc }
func bestStep(h []train.Metrics) float64   { return float64(h[len(h)-1].BestStep) }
func finalClean(h []train.Metrics) float64 { return h[len(h)-1].CleanAcc }
func finalFlip(h []train.Metrics) float64  { return h[len(h)-1].FlippedAcc }
func finalLast(h []train.Metrics) float64  { return h[len(h)-1].LastNorm }
func finalHidden(h []train.Metrics) float64 {
	return h[len(h)-1].HiddenNorm
}

// meanGap is the time average of clean minus flipped train accuracy.
func meanGap(h []train.Metrics) float64 {
	s := 0.0
	for _, m := range h {
		s += m.CleanAcc - m.FlippedAcc
	}
	return s / float64(len(h))
}

// series is the mean and standard deviation over seeds of one metric at
// each recorded step. Runs that failed or stopped early are left out.
type series struct {
	Steps, Mean, Std []float64
}

func curve(results []experiment.Result, method string, f func(train.Metrics) float64) series {
	var runs [][]train.Metrics
	n := 0
	for _, r := range byMethod(results, method) {
		if r.Err == nil && len(r.History) > 0 {
			runs = append(runs, r.History)
			n = max(n, len(r.History))
		}
	}
	var s series
	for k := 0; k < n; k++ {
		var xs []float64
		step := -1
		for _, h := range runs {
			if k < len(h) {
				xs = append(xs, f(h[k]))
				step = h[k].Step
			}
		}
		s.Steps = append(s.Steps, float64(step))
		s.Mean = append(s.Mean, mean(xs))
		s.Std = append(s.Std, std(xs))
	}
	return s
}
