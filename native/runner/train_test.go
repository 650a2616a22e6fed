//go:build torch

package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func smallConfig(t *testing.T, dataDir, method string) Config {
	c := Default()
	c.Method, c.Dataset, c.DataDir = method, "mnist", dataDir
	c.Model, c.Norm, c.Width = "cnn", "bn", 0.25
	c.Noise, c.Epochs, c.Batch, c.LR, c.Rho = 0.4, 3, 16, 0.05, 0.05
	c.Augment, c.Seed, c.Device, c.Threads = true, 5, "cpu", 2
	c.Out = filepath.Join(t.TempDir(), method)
	return c
}

// sameMetrics compares every column but the timing ones.
func sameMetrics(t *testing.T, a, b []Row) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d rows vs %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Seconds, x.ImagesPerSec, y.Seconds, y.ImagesPerSec = 0, 0, 0, 0
		if x != y {
			t.Fatalf("epoch %d differs:\n uninterrupted %+v\n resumed       %+v", i+1, x, y)
		}
	}
}

// TestKillAndResume: a run stopped mid-epoch twice and resumed gives exactly
// the uninterrupted run's metrics and final weights (CPU).
func TestKillAndResume(t *testing.T) {
	dir := fakeMNIST(t, 96, 40)
	for _, method := range []string{"sam", "jsam"} {
		t.Run(method, func(t *testing.T) {
			ref := smallConfig(t, dir, method)
			if err := Train(context.Background(), ref, Options{}); err != nil {
				t.Fatal(err)
			}
			want, err := ReadMetrics(filepath.Join(ref.Out, MetricsFile))
			if err != nil || len(want) != 3 {
				t.Fatalf("reference run: %v, %d rows", err, len(want))
			}
			c := smallConfig(t, dir, method)
			for _, stop := range []int{8, 5} { // 6 batches per epoch: stop in epoch 2, then in epoch 3
				err := Train(context.Background(), c, Options{Resume: true, StopAfterSteps: stop})
				if !errors.Is(err, ErrInterrupted) {
					t.Fatalf("stop after %d: %v", stop, err)
				}
			}
			if err := Train(context.Background(), c, Options{}); err == nil || !strings.Contains(err.Error(), "--resume") {
				t.Fatalf("restart without --resume: %v", err)
			}
			if err := Train(context.Background(), c, Options{Resume: true}); err != nil {
				t.Fatal(err)
			}
			got, err := ReadMetrics(filepath.Join(c.Out, MetricsFile))
			if err != nil {
				t.Fatal(err)
			}
			sameMetrics(t, want, got)
			_, p1, m1, b1, _ := LoadCheckpoint(filepath.Join(ref.Out, LastFile))
			_, p2, m2, b2, _ := LoadCheckpoint(filepath.Join(c.Out, LastFile))
			for i := range p1 {
				if p1[i] != p2[i] {
					t.Fatalf("parameter %d: %g vs %g", i, p1[i], p2[i])
				}
			}
			if len(m1) == 0 || len(m1) != len(m2) || len(b1) == 0 || b1[3] != b2[3] {
				t.Fatal("momentum or BatchNorm buffers missing or different")
			}
			if _, err := os.Stat(filepath.Join(c.Out, BestFile)); err != nil {
				t.Fatal(err)
			}
			if want[2].Loss >= want[0].Loss {
				t.Errorf("loss did not fall: %+v", want)
			}
		})
	}
}

// TestContextCancelSaves: a cancelled context (Ctrl-C) saves and stops.
func TestContextCancelSaves(t *testing.T) {
	dir := fakeMNIST(t, 48, 10)
	c := smallConfig(t, dir, "sgd")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Train(ctx, c, Options{})
	if !errors.Is(err, ErrInterrupted) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("cancelled run: %v", err)
	}
	st, _, _, _, err := LoadCheckpoint(filepath.Join(c.Out, LastFile))
	if err != nil || st.Epoch != 0 || st.Step != 0 {
		t.Fatalf("checkpoint after cancel: %v %+v", err, st)
	}
}

// TestNaNStops: a huge learning rate makes the loss diverge; the run stops
// with a clear error and last.ckpt still holds finite weights.
func TestNaNStops(t *testing.T) {
	dir := fakeMNIST(t, 96, 10)
	c := smallConfig(t, dir, "sgd")
	c.Norm, c.LR, c.Momentum, c.Epochs = "none", 1e6, 0.9, 5
	err := Train(context.Background(), c, Options{})
	if err == nil {
		t.Fatal("diverging run finished")
	}
	// The advice is what the user can do: nothing to resume before the
	// first checkpoint; after one, a resume would diverge again.
	if _, serr := os.Stat(filepath.Join(c.Out, LastFile)); serr != nil {
		if !strings.Contains(err.Error(), "nothing was saved (no epoch finished): start again in the same --out, without --resume, with a smaller --lr") || strings.Contains(err.Error(), LastFile) {
			t.Fatalf("diverging run without a checkpoint: %v", err)
		}
	} else if !strings.Contains(err.Error(), "start a new run in another --out with a smaller --lr") {
		t.Fatalf("diverging run with a checkpoint: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error spans lines: %q", err)
	}
	if _, p, _, _, err := LoadCheckpoint(filepath.Join(c.Out, LastFile)); err == nil {
		for _, v := range p {
			if v != v {
				t.Fatal("last checkpoint holds NaN")
			}
		}
	}
}

// TestResumeRefusesOtherData: a checkpoint records the fingerprint of the
// data; the same folder holding other images is refused on resume, naming
// the data, and metrics.csv is left as it was.
func TestResumeRefusesOtherData(t *testing.T) {
	src, other := fakeMNIST(t, 48, 10), fakeMNIST(t, 50, 10)
	dir := t.TempDir()
	copyDir := func(from string) {
		ents, _ := os.ReadDir(from)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(from, e.Name()))
			os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
		}
	}
	copyDir(src)
	c := smallConfig(t, dir, "sgd")
	c.Epochs = 1
	if err := Train(context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(c.Out, MetricsFile))
	copyDir(other)
	c.Epochs = 2
	err := Train(context.Background(), c, Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "belongs to another run: it was written with data with fingerprint ") {
		t.Fatalf("resume on other data: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(c.Out, MetricsFile)); string(after) != string(before) {
		t.Error("metrics.csv changed")
	}
	copyDir(src) // the same data again: the run continues
	if err := Train(context.Background(), c, Options{Resume: true}); err != nil {
		t.Fatal(err)
	}
}
