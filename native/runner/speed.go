//go:build torch

package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"syscall"
	"time"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/torchnet"
)

// SpeedConfig is a throughput benchmark: Steps timed training steps (after
// Warmup untimed ones) of each method on random data of the given shape.
type SpeedConfig struct {
	Methods                  []string
	Spec                     torchnet.Spec
	Batch, Steps, Warmup     int
	Rho, GammaAct, GammaLast float64
	Device                   string
	Threads                  int
	Seed                     uint64
	// RSSEvery samples the process's resident set size every so many steps
	// (0: never) into SpeedResult.RSS.
	RSSEvery int
	// Rounds repeats the whole list of methods this many times, methods
	// interleaved, and keeps each method's fastest round (0 or 1: once), so
	// that the order of the methods and passing load bias no ratio.
	Rounds int
	// Chunk is the per-example chunk (0: automatic, torchnet.AutoChunk).
	Chunk int
	// Form is the per-example convolutions' form (torchnet.Forms; "" is
	// auto).
	Form string
}

// SpeedResult is one method's measured throughput.
type SpeedResult struct {
	Method       string
	Seconds      float64 // timed steps only
	StepSeconds  float64
	ImagesPerSec float64
	RSS          []RSSSample
	// Chunk is the per-example chunk the method ran with (0 for methods
	// without per-example passes); PeakKiB the resident set's peak while
	// it ran (CPU memory; 0 where unavailable).
	Chunk   int
	PeakKiB int
	// CPUStepSeconds is the process's CPU time (user + system) per timed
	// step: on a shared machine its ratios are steadier than wall ratios.
	CPUStepSeconds float64
	// MACs is the step's multiply-add count (torchnet.Backend.StepMACs; 0
	// for a method it does not know).
	MACs float64
}

// RSSSample is the resident set size (KiB) after Step steps.
type RSSSample struct {
	Step int
	KiB  int
}

// RSSKiB returns this process's resident set size from /proc/self/status
// (0 where unavailable).
func RSSKiB() int { return procStatus("VmRSS:") }

// PeakRSSKiB returns the peak resident set size since the last
// ResetPeakRSS (VmHWM; 0 where unavailable).
func PeakRSSKiB() int { return procStatus("VmHWM:") }

// ResetPeakRSS resets the kernel's peak resident set size of this process
// (Linux: "5" into /proc/self/clear_refs).
func ResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func procStatus(key string) int { return int(torchnet.ProcKiB("/proc/self/status", key)) }

// Speed runs the benchmark, calling report after each method with its
// result (with Rounds > 1: after the last round, with the fastest round).
func Speed(ctx context.Context, c SpeedConfig, report func(SpeedResult)) ([]SpeedResult, error) {
	rounds := max(c.Rounds, 1)
	var best []SpeedResult
	for r := 0; r < rounds; r++ {
		var last func(SpeedResult)
		if r == rounds-1 && rounds == 1 {
			last = report
		}
		res, err := speedRound(ctx, c, last)
		if err != nil {
			return best, err
		}
		if best == nil {
			best = res
			continue
		}
		for i := range res {
			if res[i].StepSeconds < best[i].StepSeconds {
				best[i] = res[i]
			}
		}
	}
	if rounds > 1 && report != nil {
		for _, r := range best {
			report(r)
		}
	}
	return best, nil
}

// speedRound times every method once.
func speedRound(ctx context.Context, c SpeedConfig, report func(SpeedResult)) ([]SpeedResult, error) {
	dev, err := torchnet.ParseDevice(c.Device)
	if err != nil {
		return nil, err
	}
	torchnet.SetThreads(c.Threads)
	if c.Batch <= 0 || c.Steps <= 0 || c.Warmup < 0 {
		return nil, fmt.Errorf("speed: batch and steps must be > 0")
	}
	net, err := torchnet.NewNet(c.Spec, dev)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(c.Seed, 9))
	sz := c.Spec.InC * c.Spec.H * c.Spec.W
	x := make([]float32, c.Batch*sz)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]int, c.Batch)
	for i := range y {
		y[i] = rng.IntN(c.Spec.K)
	}
	b := torchnet.NewBackend(net)
	defer b.Close()
	b.ChunkSize = c.Chunk
	if err := torchnet.CheckForm(c.Form); err != nil {
		return nil, err
	}
	b.Form = c.Form
	if err := b.CheckChunk(); err != nil {
		return nil, err
	}
	var out []SpeedResult
	for _, name := range c.Methods {
		m, err := torchnet.NewOptimizer(name, optim.Hyper{Rho: c.Rho, GammaAct: c.GammaAct, GammaLast: c.GammaLast},
			optim.Update[torchnet.Vec]{LR: 1e-3, Momentum: 0.9, WeightDecay: 5e-4})
		if err != nil {
			return out, err
		}
		per := optim.Of(m.Name()).PerExample
		ResetPeakRSS()
		w := net.Init(c.Seed)
		res := SpeedResult{Method: m.Name()}
		var start time.Time
		var cpu0 float64
		for s := 0; s < c.Warmup+c.Steps; s++ {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			if s == c.Warmup {
				start, cpu0 = time.Now(), cpuSeconds()
			}
			b.TrainStep(m, w, x, y)
			if c.RSSEvery > 0 && (s+1)%c.RSSEvery == 0 {
				res.RSS = append(res.RSS, RSSSample{s + 1, RSSKiB()})
			}
		}
		b.Norm(w) // reads a value back: waits for queued GPU work
		res.Seconds = time.Since(start).Seconds()
		res.CPUStepSeconds = (cpuSeconds() - cpu0) / float64(c.Steps)
		res.MACs, _ = b.StepMACs(m.Name(), c.Batch)
		res.StepSeconds = res.Seconds / float64(c.Steps)
		res.ImagesPerSec = float64(c.Batch*c.Steps) / res.Seconds
		res.PeakKiB = PeakRSSKiB()
		if per {
			res.Chunk = min(b.Chunk(), c.Batch)
		}
		w.Drop()
		torchnet.DropOptimizer(m)
		b.DropExamples() // the last chunk's per-example gradients: not the next method's memory
		out = append(out, res)
		if report != nil {
			report(res)
		}
	}
	return out, nil
}

// cpuSeconds returns this process's user and system CPU time so far.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return float64(u.Utime.Sec+u.Stime.Sec) + float64(u.Utime.Usec+u.Stime.Usec)/1e6
}
