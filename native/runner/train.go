//go:build torch

package runner

import (
	"context"
	"errors"
	"io"
)

// Options controls a Train call beyond its Config.
type Options struct {
	// Resume continues from Out/last.ckpt when it exists.
	Resume bool
	// Progress receives the progress bar (nil: none).
	Progress io.Writer
	// Log receives one line per epoch (nil: none).
	Log io.Writer
	// Recorder, if not nil, receives each epoch's metrics that this call
	// trains, after metrics.csv, best.ckpt and last.ckpt were written; an
	// error from it stops the run.
	Recorder Recorder
	// StopAfterSteps stops the run like Ctrl-C after this many batches in
	// this call (0: never); tests use it to kill a run at a chosen point.
	StopAfterSteps int
}

// ErrInterrupted is returned (wrapped) when the context is cancelled or
// StopAfterSteps is reached; the state was saved to last.ckpt first.
var ErrInterrupted = errors.New("interrupted")

// Train runs (or resumes) one training run described by c, writing
// config.yaml, metrics.csv, last.ckpt and best.ckpt into c.Out: open
// validates c, checks a resume and loads the data, the model and the
// checkpoint without writing anything; then each epoch trains (epoch),
// evaluates (evaluate) and hands its metrics to the run's recorders, which
// write the files and the log line (record).
func Train(ctx context.Context, c Config, o Options) error {
	r, err := open(c, o)
	if err != nil {
		return err
	}
	defer r.close()
	if r.finished() {
		return nil
	}
	if err := r.start(); err != nil {
		return err
	}
	for r.st.Epoch < r.c.Epochs {
		if err := r.epoch(ctx); err != nil {
			return err
		}
		row, err := r.evaluate()
		if err != nil {
			return err
		}
		if err := r.record(row); err != nil {
			return err
		}
	}
	return nil
}
