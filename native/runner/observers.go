//go:build torch

package runner

import (
	"fmt"
	"io"
)

// The recorders of a training run (run.start): each finished epoch's
// metrics go to best.ckpt, metrics.csv, last.ckpt and the log line, in that
// order, then to Options.Recorder.

// bestCheckpoint saves the run to path when an epoch is the best so far.
type bestCheckpoint struct {
	r    *run
	path string
}

// Record saves best.ckpt when row is the best epoch so far.
func (b bestCheckpoint) Record(row Row) error {
	if row.BestEpoch != row.Epoch {
		return nil
	}
	return b.r.save(b.path)
}

// metricsFile keeps metrics.csv: every row so far, rewritten each epoch.
type metricsFile struct {
	path string
	rows []Row
}

// Record appends row and rewrites the file.
func (m *metricsFile) Record(row Row) error {
	m.rows = append(m.rows, row)
	return m.write()
}

func (m *metricsFile) write() error { return WriteMetrics(m.path, m.rows) }

// logLine writes one line per epoch to w (nil: none).
type logLine struct{ w io.Writer }

// Record writes row's line.
func (l logLine) Record(row Row) error {
	if l.w != nil {
		fmt.Fprintf(l.w, "epoch %d: loss %.4f test %.4f train %.4f clean %.4f flipped %.4f best %.4f@%d %.1fs %.0f img/s\n",
			row.Epoch, row.Loss, row.TestAcc, row.TrainAcc, row.CleanAcc, row.FlippedAcc, row.BestTestAcc, row.BestEpoch, row.Seconds, row.ImagesPerSec)
	}
	return nil
}
