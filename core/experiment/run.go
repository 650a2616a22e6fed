package experiment

import (
	"context"
	"encoding/json"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"

	"github.com/samlab/samlab/core/train"
)

// Result is one (method, seed) run.
type Result struct {
	Method  string          `json:"method"`
	Seed    uint64          `json:"seed"`
	History []train.Metrics `json:"history"`
	Err     error           `json:"-"`
}

// Progress is called after each finished run (from any goroutine, serialised).
type Progress func(done, total int, r *Result)

// Run runs every method on every seed of c, workers at a time (0: GOMAXPROCS),
// and returns the results ordered by method (Methods order) then seed. A run
// that fails keeps its error in Result.Err; Run's own error is only for an
// invalid config or a cancelled context. It is RunAll for one config.
func Run(ctx context.Context, c *Config, workers int, progress Progress) ([]Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	rs, err := RunAll(ctx, workers, progress, c)
	if len(rs) == 0 {
		return nil, err
	}
	return rs[0], err
}

// Num is a float64 that encodes NaN and Inf as JSON null.
type Num float64

// MarshalJSON writes null for NaN and Inf, the number otherwise.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// Stat is a mean and a sample standard deviation over seeds.
type Stat struct {
	Mean float64 `json:"-"`
	Std  float64 `json:"-"`
	N    int     `json:"n"`
}

// MarshalJSON writes mean and std (null when undefined) and n.
func (s Stat) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Mean Num `json:"mean"`
		Std  Num `json:"std"`
		N    int `json:"n"`
	}{Num(s.Mean), Num(s.Std), s.N})
}

// NewStat summarises xs, skipping NaNs (Std is the sample standard
// deviation, 0 for one value; Mean and Std are NaN for none).
func NewStat(xs []float64) Stat {
	var ok []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	switch len(ok) {
	case 0:
		return Stat{Mean: math.NaN(), Std: math.NaN()}
	case 1:
		return Stat{Mean: ok[0], N: 1}
	}
	// Two passes, as gonum's stat.MeanStdDev does; gonum/stat itself would
	// pull gonum/mat and lapack into the browser build.
	m := floats.Sum(ok) / float64(len(ok))
	v := 0.0
	for _, x := range ok {
		v += (x - m) * (x - m)
	}
	return Stat{Mean: m, Std: math.Sqrt(v / float64(len(ok)-1)), N: len(ok)}
}

// MethodSummary is what one method achieved over the seeds.
type MethodSummary struct {
	Method string `json:"method"`
	// Rho, GammaAct, GammaLast are the method's hyperparameters.
	Rho       float64 `json:"rho"`
	GammaAct  float64 `json:"gamma_act"`
	GammaLast float64 `json:"gamma_last"`
	// BestTestAcc is the early-stopping accuracy, BestStep its step.
	BestTestAcc  Stat `json:"best_test_acc"`
	BestStep     Stat `json:"best_step"`
	FinalTestAcc Stat `json:"final_test_acc"`
	FinalClean   Stat `json:"final_clean_acc"`
	FinalFlipped Stat `json:"final_flipped_acc"`
	// MemorizeStep is the step from which flipped-train accuracy stays
	// above 50% (see MemorizeStep); runs that never memorise count as the last
	// step, and Memorized says in how many runs it happened.
	MemorizeStep Stat `json:"memorize_step"`
	Memorized    int  `json:"memorized"`
	// FlippedShare is the flipped examples' share of the update over the
	// first ShareSteps steps (FlippedShare), the demo's fourth chart.
	FlippedShare Stat `json:"flipped_share"`
	Failed       int  `json:"failed"`
	// PerSeedBest holds the best test accuracy per seed, in seed order.
	PerSeedBest []Num `json:"per_seed_best"`
	// PerSeedFlippedShare holds FlippedShare per seed, in seed order.
	PerSeedFlippedShare []Num `json:"per_seed_flipped_share"`
}

// Summary is the summary.json of a toy run.
type Summary struct {
	Config  *Config         `json:"config"`
	Methods []MethodSummary `json:"methods"`
}

// Summarize computes per-method statistics from results.
func Summarize(c *Config, results []Result) Summary {
	by := map[string][]Result{}
	for _, r := range results {
		by[r.Method] = append(by[r.Method], r)
	}
	s := Summary{Config: c}
	for _, m := range c.Methods {
		rs := by[m]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Seed < rs[j].Seed })
		tc := c.RunConfig(m)
		ms := MethodSummary{Method: m, Rho: tc.Rho, GammaAct: tc.GammaAct, GammaLast: tc.GammaLast}
		var best, bestStep, final, clean, flipped, mem, share []float64
		for _, r := range rs {
			if r.Err != nil || len(r.History) == 0 {
				ms.Failed++
				ms.PerSeedBest = append(ms.PerSeedBest, Num(math.NaN()))
				ms.PerSeedFlippedShare = append(ms.PerSeedFlippedShare, Num(math.NaN()))
				continue
			}
			fs := FlippedShare(r.History, ShareSteps)
			share = append(share, fs)
			ms.PerSeedFlippedShare = append(ms.PerSeedFlippedShare, Num(fs))
			last := r.History[len(r.History)-1]
			best = append(best, last.BestTestAcc)
			ms.PerSeedBest = append(ms.PerSeedBest, Num(last.BestTestAcc))
			bestStep = append(bestStep, float64(last.BestStep))
			final = append(final, last.TestAcc)
			clean = append(clean, last.CleanAcc)
			flipped = append(flipped, last.FlippedAcc)
			ms.Memorized++
			step := MemorizeStep(r.History)
			if step < 0 {
				ms.Memorized--
				step = last.Step
			}
			mem = append(mem, float64(step))
		}
		ms.BestTestAcc, ms.BestStep, ms.FinalTestAcc = NewStat(best), NewStat(bestStep), NewStat(final)
		ms.FinalClean, ms.FinalFlipped, ms.MemorizeStep = NewStat(clean), NewStat(flipped), NewStat(mem)
		ms.FlippedShare = NewStat(share)
		s.Methods = append(s.Methods, ms)
	}
	return s
}

// ShareSteps is the window of MethodSummary.FlippedShare: the first steps,
// the ones a viewer of the demo watches (at one step a frame, about ten
// seconds).
const ShareSteps = 500

// FlippedShare returns the mean, over the metrics in h recorded at steps 1
// to upTo, of the flipped examples' share of the update, 1 - CleanShare;
// NaN when h has none.
func FlippedShare(h []train.Metrics, upTo int) float64 {
	sum, n := 0.0, 0
	for _, m := range h {
		if m.Step >= 1 && m.Step <= upTo {
			sum += 1 - m.CleanShare
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// MemorizeStep returns the first recorded step after step 0 from which
// flipped-train accuracy stays above 0.5 to the end of the run, or -1.
func MemorizeStep(h []train.Metrics) int {
	at := -1
	for _, m := range h {
		switch {
		case m.Step == 0:
		case m.FlippedAcc > 0.5:
			if at < 0 {
				at = m.Step
			}
		default:
			at = -1
		}
	}
	return at
}
