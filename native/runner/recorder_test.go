//go:build torch

package runner

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// Options.Recorder receives every epoch a call trains, after metrics.csv
// holds it: across an interruption and a resume the recorded rows are
// metrics.csv's, each epoch once; a Recorder's error stops the run.
func TestRecorderSeesEveryEpoch(t *testing.T) {
	dir := fakeMNIST(t, 48, 10)
	c := smallConfig(t, dir, "1sam")
	var got []Row
	rec := RecorderFunc(func(row Row) error {
		rows, err := ReadMetrics(filepath.Join(c.Out, MetricsFile))
		if err != nil || len(rows) != row.Epoch || untimed(rows[row.Epoch-1]) != untimed(row) {
			t.Errorf("epoch %d recorded before metrics.csv holds it (%d rows, %v)", row.Epoch, len(rows), err)
		}
		got = append(got, row)
		return nil
	})
	// 3 batches an epoch: stop in the second epoch, then finish.
	if err := Train(context.Background(), c, Options{Recorder: rec, StopAfterSteps: 4}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("first call: %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("%d epochs recorded before the interruption, want 1", len(got))
	}
	if err := Train(context.Background(), c, Options{Resume: true, Recorder: rec}); err != nil {
		t.Fatal(err)
	}
	want, err := ReadMetrics(filepath.Join(c.Out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != c.Epochs || len(want) != c.Epochs {
		t.Fatalf("recorded %d epochs, metrics.csv %d, want %d", len(got), len(want), c.Epochs)
	}
	for i := range want {
		if untimed(got[i]) != untimed(want[i]) {
			t.Errorf("epoch %d: recorded %+v, metrics.csv %+v", i+1, got[i], want[i])
		}
	}

	stop := errors.New("enough")
	c2 := smallConfig(t, dir, "sgd")
	calls := 0
	err = Train(context.Background(), c2, Options{Recorder: RecorderFunc(func(Row) error { calls++; return stop })})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("a failing recorder: %v after %d calls", err, calls)
	}
}

// untimed is r without its timing columns, which metrics.csv rounds.
func untimed(r Row) Row {
	r.Seconds, r.ImagesPerSec = 0, 0
	return r
}
