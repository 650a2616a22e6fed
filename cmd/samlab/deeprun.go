package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	ds "github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/deep"
)

// deepRun trains the deep experiment (native/deep: the held-out search,
// then the grid of all six methods over noise rates and seeds) on dataset
// under out/deep-<dataset> with this binary's `train` command (which needs
// the LibTorch build) and returns the grid's run folders. Finished runs are
// kept, so a second call resumes. The dataset must be there first.
func deepRun(ctx context.Context, dataset, out string, quick bool, log io.Writer) ([]string, error) {
	if !withTorch {
		return nil, fmt.Errorf("--deep-run needs the LibTorch build: run `make torch`, then `bin/samlab report --deep-run %s`", dataset)
	}
	if err := ds.Check(dataset, ""); err != nil {
		return nil, fmt.Errorf("--deep-run: %w", err)
	}
	p := deep.DefaultPlan(dataset)
	if quick {
		p = deep.QuickPlan(dataset)
	}
	root := filepath.Join(out, "deep-"+dataset)
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("deep run: %w", err)
	}
	dirs, _, err := deep.Run(ctx, p, root, exe, func(s string) {
		if log != nil {
			fmt.Fprintln(log, "deep run:", s)
		}
	})
	return dirs, err
}
