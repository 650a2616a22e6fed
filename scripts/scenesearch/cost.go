package main

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

// frameEvery is how often the demo records a panel's metrics at one step a
// frame (wasm/sim.CurveEvery(1)).
const frameEvery = 5

// frameTime returns the time of one demo frame's training work on c's first
// seed: one SGD step and one 1-SAM step, each trainer recording its metrics
// every frameEvery steps; the fastest of rounds timings of about 0.2 s.
func frameTime(c *experiment.Config, rounds int) (time.Duration, error) {
	s, err := c.Build(c.FirstSeed)
	if err != nil {
		return 0, err
	}
	var ts []*train.Trainer
	for _, m := range []string{"sgd", "1sam"} {
		t, err := c.Trainer(s, m)
		if err != nil {
			return 0, err
		}
		t.Recorder = train.RecorderFunc(func(train.Metrics) error { return nil })
		t.SetRecordEvery(frameEvery)
		ts = append(ts, t)
	}
	frame := func() error {
		for _, t := range ts {
			if err := t.Step(); err != nil {
				return err
			}
		}
		return nil
	}
	for range 2 * frameEvery { // warm: buffers, first records
		if err := frame(); err != nil {
			return 0, err
		}
	}
	best := time.Duration(1 << 62)
	for range rounds {
		n, start := 0, time.Now()
		for n%frameEvery != 0 || time.Since(start) < 200*time.Millisecond {
			if err := frame(); err != nil {
				return 0, err
			}
			n++
		}
		best = min(best, time.Since(start)/time.Duration(n))
	}
	return best, nil
}

// timeRows sets each row's cost: its frame time over the demo preset's,
// timed alternately on one goroutine with GOMAXPROCS 1 (the browser runs
// the demo on one thread).
func timeRows(rows []row) error {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	demo, err := experiment.Preset("demo")
	if err != nil {
		return err
	}
	demo.FirstSeed = 100
	done := map[string]float64{} // by scene without rho, which costs nothing
	for i := range rows {
		key, _, _ := strings.Cut(rows[i].label, " ρ")
		if c, ok := done[key]; ok {
			rows[i].cost = c
			continue
		}
		d, err := frameTime(demo, 3)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		t, err := frameTime(rows[i].cfg, 3)
		if err != nil { // a diverged run: no frame time
			rows[i].cost = math.NaN()
			continue
		}
		rows[i].cost = float64(t) / float64(d)
		done[key] = rows[i].cost
	}
	return nil
}
