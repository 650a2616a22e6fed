package experiment

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"sync"

	"github.com/samlab/samlab/core/train"
)

// Job is one training run: Method on seed Seed of Config, a config that
// has passed Validate and Normalize.
type Job struct {
	Config *Config
	Method string
	Seed   uint64
	// Observe, if not nil, is called with the run's setup and trainer
	// before the run trains and returns a recorder for it (nil: none): a
	// way to measure more than train.Metrics, reading tr.W (and s) each
	// time the trainer records. It may set how often that is
	// (tr.SetRecordEvery). It runs on the job's worker goroutine; its
	// recorder's error fails the run.
	Observe func(s *Setup, tr *train.Trainer) train.Recorder
}

// Jobs returns c's runs in Run's order: by method (Methods order), then
// seed.
func (c *Config) Jobs() []Job {
	jobs := make([]Job, 0, len(c.Methods)*c.Seeds)
	for _, m := range c.Methods {
		for s := range c.Seeds {
			jobs = append(jobs, Job{Config: c, Method: m, Seed: c.FirstSeed + uint64(s)})
		}
	}
	return jobs
}

// Key identifies j's run by everything that determines its result: the
// data, the model, the method's training settings (train.Config, its rho
// included) and the seed. Two jobs with the same Key train the same
// weights, whatever their configs' names, descriptions or other methods.
func (j Job) Key() string {
	k := struct {
		Data  Data
		Model Model
		Train train.Config
		Seed  uint64
	}{j.Config.Data, j.Config.Model, j.Config.RunConfig(j.Method), j.Seed}
	return string(appendKey(nil, reflect.ValueOf(k)))
}

// appendKey appends a spelling of v to b that tells apart any two values
// of the kinds a Config holds (structs, slices, arrays, strings, bools,
// integers, floats). It panics on any other kind, so a new field of a kind
// it cannot spell fails the tests rather than merging distinct jobs.
func appendKey(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct:
		b = append(b, '{')
		for i := range v.NumField() {
			b = appendKey(append(b, ' '), v.Field(i))
		}
		return append(b, '}')
	case reflect.Slice, reflect.Array:
		b = append(b, '[')
		for i := range v.Len() {
			b = appendKey(append(b, ' '), v.Index(i))
		}
		return append(b, ']')
	case reflect.String:
		return strconv.AppendQuote(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	}
	panic("experiment: Job.Key cannot spell a " + v.Type().String())
}

// RunAll validates and normalises every config, then runs all their jobs
// on one pool of workers (0: GOMAXPROCS), each distinct job once: jobs with
// the same Key (the 30% noise runs of two experiments, say) share one run
// and one Result (whose History the callers must not modify). It returns,
// per config, the results in Run's order. progress counts the distinct
// runs. A run that fails keeps its error in Result.Err; RunAll's own error
// is only for an invalid config or a cancelled context.
func RunAll(ctx context.Context, workers int, progress Progress, cfgs ...*Config) ([][]Result, error) {
	var jobs []Job
	index := map[string]int{}
	at := make([][]int, len(cfgs)) // at[i][k]: the distinct job of cfgs[i]'s k-th run
	for i, c := range cfgs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("config %s: %w", c.Name, err)
		}
		c.Normalize()
		for _, j := range c.Jobs() {
			k := j.Key()
			d, ok := index[k]
			if !ok {
				d, index[k] = len(jobs), len(jobs)
				jobs = append(jobs, j)
			}
			at[i] = append(at[i], d)
		}
	}
	res, err := RunJobs(ctx, workers, progress, jobs)
	out := make([][]Result, len(cfgs))
	for i := range cfgs {
		for _, d := range at[i] {
			out[i] = append(out[i], res[d])
		}
	}
	return out, err
}

// RunJobs runs jobs, workers at a time (0: GOMAXPROCS), and returns their
// results in job order. The jobs of one config and seed share one Setup,
// built when the first of them starts. A run that fails (its setup or its
// training) keeps its error in Result.Err; RunJobs' own error is ctx's,
// when it is cancelled (jobs not started then have no History).
func RunJobs(ctx context.Context, workers int, progress Progress, jobs []Job) ([]Result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type shared struct {
		once sync.Once
		s    *Setup
		err  error
		left int // jobs that have not finished with s, guarded by mu
	}
	type seedOf struct {
		c    *Config
		seed uint64
	}
	setups := map[seedOf]*shared{}
	for _, j := range jobs {
		k := seedOf{j.Config, j.Seed}
		if setups[k] == nil {
			setups[k] = &shared{}
		}
		setups[k].left++
	}
	results := make([]Result, len(jobs))
	ch := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				j, sh := jobs[i], setups[seedOf{jobs[i].Config, jobs[i].Seed}]
				sh.once.Do(func() { sh.s, sh.err = j.Config.Build(j.Seed) })
				r := &results[i]
				r.Method, r.Seed = j.Method, j.Seed
				err := sh.err
				if err == nil {
					err = run(ctx, j, sh.s, r)
				}
				if err != nil {
					r.Err = fmt.Errorf("%s seed %d: %w", j.Method, j.Seed, err)
				}
				mu.Lock()
				if sh.left--; sh.left == 0 {
					sh.s = nil // the last job of this seed: let the data go
				}
				done++
				if progress != nil {
					progress(done, len(results), r)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range jobs {
		select {
		case ch <- i:
		case <-ctx.Done():
		}
	}
	close(ch)
	wg.Wait()
	return results, ctx.Err()
}

// run trains j on s into r.History.
func run(ctx context.Context, j Job, s *Setup, r *Result) error {
	tr, err := j.Config.Trainer(s, j.Method)
	if err != nil {
		return err
	}
	var rec train.Recorder
	if j.Observe != nil {
		rec = j.Observe(s, tr)
	}
	r.History, err = tr.Run(ctx, rec)
	return err
}
