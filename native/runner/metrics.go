package runner

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
)

// File names inside a run folder.
const (
	ConfigFile  = "config.yaml"
	MetricsFile = "metrics.csv"
	LastFile    = "last.ckpt"
	BestFile    = "best.ckpt"
)

// MetricsHeader is the header of metrics.csv, one row per epoch.
var MetricsHeader = []string{"epoch", "loss", "test_acc", "train_acc", "clean_acc", "flipped_acc", "best_test_acc", "best_epoch", "seconds", "images_per_sec"}

// Row is one epoch of metrics. Accuracies are fractions in [0,1]; TrainAcc
// is against the (noisy) training labels, CleanAcc on the examples whose
// labels were kept, FlippedAcc on the flipped examples against their flipped
// labels (memorisation). Seconds is the epoch's training wall time (without
// evaluation) and ImagesPerSec the training throughput.
type Row struct {
	Epoch                                   int
	Loss                                    float64
	TestAcc, TrainAcc, CleanAcc, FlippedAcc float64
	BestTestAcc                             float64
	BestEpoch                               int
	Seconds, ImagesPerSec                   float64
}

// Recorder observes a training run, as core/train.Recorder observes the toy
// trainer: Train hands it each finished epoch's metrics. An error from
// Record stops the run.
type Recorder interface {
	Record(row Row) error
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(Row) error

// Record calls f(row).
func (f RecorderFunc) Record(row Row) error { return f(row) }

func (r Row) strings() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return []string{strconv.Itoa(r.Epoch), f(r.Loss), f(r.TestAcc), f(r.TrainAcc), f(r.CleanAcc), f(r.FlippedAcc),
		f(r.BestTestAcc), strconv.Itoa(r.BestEpoch), strconv.FormatFloat(r.Seconds, 'f', 3, 64), strconv.FormatFloat(r.ImagesPerSec, 'f', 1, 64)}
}

// ReadMetrics reads a metrics.csv written by Train.
func ReadMetrics(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || len(recs[0]) != len(MetricsHeader) || recs[0][0] != "epoch" {
		var got []string
		if len(recs) > 0 {
			got = recs[0]
		}
		return nil, fmt.Errorf("%s: not a samlab metrics.csv (header %v, want %v)", path, got, MetricsHeader)
	}
	var rows []Row
	for li, r := range recs[1:] {
		var v [10]float64
		for j, s := range r {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d column %s: %w", path, li+2, MetricsHeader[j], err)
			}
			v[j] = x
		}
		rows = append(rows, Row{int(v[0]), v[1], v[2], v[3], v[4], v[5], v[6], int(v[7]), v[8], v[9]})
	}
	return rows, nil
}

// WriteMetrics writes rows (with the header) to path.
func WriteMetrics(path string, rows []Row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write(MetricsHeader)
	for _, r := range rows {
		w.Write(r.strings())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
