package report

import (
	"math"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

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

// bestOf returns method's best (early-stopping) test accuracy per seed.
func bestOf(results []experiment.Result, method string) []float64 {
	return perSeed(results, method, bestAcc)
}

// The metrics the figures draw.
func testAcc(m train.Metrics) float64    { return m.TestAcc }
func cleanAcc(m train.Metrics) float64   { return m.CleanAcc }
func flippedAcc(m train.Metrics) float64 { return m.FlippedAcc }
func lastNorm(m train.Metrics) float64   { return m.LastNorm }
func hiddenNorm(m train.Metrics) float64 { return m.HiddenNorm }

// final returns the per-run scalar "f at the last recorded step".
func final(f func(train.Metrics) float64) func(h []train.Metrics) float64 {
	return func(h []train.Metrics) float64 { return f(h[len(h)-1]) }
}

// bestAcc is a run's best test accuracy, bestStep its step.
func bestAcc(h []train.Metrics) float64  { return h[len(h)-1].BestTestAcc }
func bestStep(h []train.Metrics) float64 { return float64(h[len(h)-1].BestStep) }

// meanGap is the time average of clean minus flipped train accuracy.
func meanGap(h []train.Metrics) float64 {
	s := 0.0
	for _, m := range h {
		s += m.CleanAcc - m.FlippedAcc
	}
	return s / float64(len(h))
}
