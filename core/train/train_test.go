package train_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
)

func demoTrainer(t testing.TB, method string, mod func(c *experiment.Config)) *train.Trainer {
	t.Helper()
	return presetTrainer(t, "demo", method, mod)
}

func presetTrainer(t testing.TB, preset, method string, mod func(c *experiment.Config)) *train.Trainer {
	t.Helper()
	c, err := experiment.Preset(preset)
	if err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(c)
	}
	s, err := c.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.Trainer(s, method)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestStepAllocatesNothing(t *testing.T) {
	for _, m := range []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"} {
		for _, batch := range []int{0, 32} {
			tr := demoTrainer(t, m, func(c *experiment.Config) { c.Train.Batch = batch; c.Train.Momentum = 0.9; c.Train.WeightDecay = 1e-4 })
			_ = tr.Step() // first step allocates scratch
			if a := testing.AllocsPerRun(5, func() { _ = tr.Step() }); a != 0 {
				t.Errorf("%s batch %d: %v allocations per step", m, batch, a)
			}
			if a := testing.AllocsPerRun(2, func() { tr.Evaluate() }); a != 0 {
				t.Errorf("%s: Evaluate allocates %v", m, a)
			}
			share := make([]float64, tr.Train.N())
			tr.Shares(share)
			if a := testing.AllocsPerRun(5, func() { tr.Shares(share) }); a != 0 {
				t.Errorf("%s: Shares allocates %v", m, a)
			}
		}
	}
}

func TestDivergenceIsReportedWithStep(t *testing.T) {
	tr := demoTrainer(t, "sgd", func(c *experiment.Config) { c.Train.LR = 1e200; c.Train.Steps = 200 })
	_, err := tr.Run(context.Background(), nil)
	var d *train.DivergedError
	if !errors.As(err, &d) || d.Step < 1 || d.Step > 200 {
		t.Fatalf("want a DivergedError, got %v", err)
	}
	if msg := err.Error(); msg == "" || !strings.Contains(msg, "diverged at step") {
		t.Errorf("message %q", msg)
	}
}

func TestRunIsDeterministicAndRecords(t *testing.T) {
	run := func() []train.Metrics {
		tr := demoTrainer(t, "1sam", func(c *experiment.Config) { c.Train.Steps = 40; c.Train.RecordEvery = 15; c.Train.Batch = 50 })
		h, err := tr.Run(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := run(), run()
	steps := []int{0, 15, 30, 40}
	if len(a) != len(steps) {
		t.Fatalf("%d records", len(a))
	}
	for i, m := range a {
		if m.Step != steps[i] || m != b[i] {
			t.Fatalf("record %d: %+v vs %+v", i, m, b[i])
		}
		if m.TestAcc < 0 || m.TestAcc > 1 || m.BestTestAcc < m.TestAcc || math.IsNaN(m.FlippedAcc) {
			t.Errorf("record %d out of range: %+v", i, m)
		}
	}
	if a[len(a)-1].Loss >= a[0].Loss {
		t.Errorf("loss did not fall: %g -> %g", a[0].Loss, a[len(a)-1].Loss)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	tr := demoTrainer(t, "sgd", nil)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := tr.Run(ctx, train.RecorderFunc(func(train.Metrics) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	}))
	if !errors.Is(err, context.Canceled) || tr.Steps() >= 1000 {
		t.Fatalf("err %v after %d steps", err, tr.Steps())
	}
}

func TestNoNoiseGivesNaNFlippedAcc(t *testing.T) {
	tr := demoTrainer(t, "sgd", func(c *experiment.Config) { c.Data.Noise = 0 })
	if m := tr.Evaluate(); !math.IsNaN(m.FlippedAcc) || m.CleanAcc != m.TrainAcc {
		t.Errorf("%+v", m)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := train.Config{Method: "sam", LR: 0.1}
	ok.Rho = 0.05
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []train.Config{
		{Method: "nope", LR: 0.1},
		{Method: "sgd", LR: 0},
		{Method: "sgd", LR: 0.1, Momentum: 1},
		{Method: "sam", LR: 0.1, Batch: -1},
		{Method: "sam", LR: 0.1, Steps: -5},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	c := ok
	c.Rho = -0.1
	if c.Validate() == nil {
		t.Error("negative rho accepted")
	}
}

func BenchmarkStep(b *testing.B) {
	for _, m := range []string{"sgd", "sam", "1sam", "lsam", "jsam", "regsgd"} {
		b.Run(m, func(b *testing.B) {
			tr := demoTrainer(b, m, nil)
			_ = tr.Step()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = tr.Step()
			}
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	tr := demoTrainer(b, "sgd", nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tr.Evaluate()
	}
}
