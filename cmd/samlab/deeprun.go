package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/samlab/samlab/native/runner"
)

// deepRunGrid is what `samlab report --deep-run DATASET` trains: the small
// CNN (width 0.5, LayerNorm) on the first 4,000 training images with 40%
// flipped labels, 12 epochs, SGD vs SAM vs J-SAM vs Reg-SGD, seed 0. It is
// sized to finish in about 15 minutes on a 2-core CPU (J-SAM, per example,
// takes most of it).
func deepRunGrid(dataset string) runner.Grid {
	base := runner.Default()
	base.Dataset, base.Model, base.Norm, base.Width = dataset, "cnn", "ln", 0.5
	base.Epochs, base.LR, base.Augment = 12, 0.05, false
	base.TrainSubset, base.EvalTrain = 4000, 4000
	return runner.Grid{Base: base, Methods: []string{"sgd", "sam", "jsam", "regsgd"},
		Noises: []float64{0.4}, Rhos: []float64{0.01}, Seeds: []uint64{0}}
}

// deepRun trains deepRunGrid(dataset) under out/deep-<dataset> with this
// binary's `train` command (which needs the LibTorch build) and returns the
// run folders. Finished runs are kept, so a second call resumes.
func deepRun(ctx context.Context, dataset, out string, log io.Writer) ([]string, error) {
	if !withTorch {
		return nil, fmt.Errorf("--deep-run needs the LibTorch build: run `make torch`, then `bin/samlab report --deep-run %s`", dataset)
	}
	root := filepath.Join(out, "deep-"+dataset)
	cells, err := deepRunGrid(dataset).Cells(root)
	if err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	if _, err := runner.WriteSweep(root, cells, exe, nil); err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	progress := func(s string) {
		if log != nil {
			fmt.Fprintln(log, "deep run:", s)
		}
	}
	if err := runner.RunLocal(ctx, cells, exe, 1, progress); err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	var dirs []string
	for _, c := range cells {
		dirs = append(dirs, c.Out)
	}
	return dirs, nil
}
