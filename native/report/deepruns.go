package report

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/deep"
	"github.com/samlab/samlab/native/runner"
)

// deepRuns is what the deep claims read: the native CLI's run folders
// grouped by setting, and the hyperparameter search that chose their
// values, when the folders come from `samlab report --deep-run`.
type deepRuns struct {
	runs   []*DeepRun
	groups []*deepGroup
	paths  []string
	choice *deep.Choice
	// figs are the figures, once drawn (deepRuns.figures).
	figs []Figure
}

// readDeep reads the run folders, groups them by setting (deepgroups.go) and finds the search result (native/deep's search.json)
// in the folder above a run's grid folder, if any.
func readDeep(paths []string) (*deepRuns, error) {
	runs, err := FindDeepRuns(paths)
	if err != nil {
		return nil, err
	}
	d := &deepRuns{runs: runs, groups: groupDeep(runs), paths: paths}
	for _, r := range runs {
		if ch, err := deep.ReadChoice(filepath.Dir(filepath.Dir(r.Dir))); err == nil {
			d.choice = &ch
			break
		}
	}
	return d, nil
}

// DeepRun is one run folder of the native CLI: config.yaml and metrics.csv.
// Accuracies in Epochs are fractions in [0,1] (a file in percent is
// converted).
type DeepRun struct {
	Dir                    string
	Method, Dataset, Model string
	// Norm and Width are the network's normalisation and width ("" and 0
	// when the config does not name them).
	Norm       string
	Width      float64
	Noise, Rho float64
	// GammaAct and GammaLast are Reg-SGD's coefficients (0 when the
	// config does not name them).
	GammaAct, GammaLast float64
	Seed                int64
	// LR, WeightDecay, Batch, TrainSubset and Planned (the epochs the
	// config asks for) are the run's training setting, 0 when the config
	// does not name them; runs that differ in them are not compared.
	LR, WeightDecay             float64
	Batch, TrainSubset, Planned int
	Epochs                      []runner.Row
}

// Best returns the best test accuracy of the run and its epoch: the largest
// test_acc over the rows (or best_test_acc where larger).
func (r *DeepRun) Best() (acc float64, epoch int) {
	acc, epoch = math.Inf(-1), -1
	for _, e := range r.Epochs {
		if e.TestAcc > acc {
			acc, epoch = e.TestAcc, e.Epoch
		}
		if e.BestTestAcc > acc {
			acc, epoch = e.BestTestAcc, e.BestEpoch
		}
	}
	return acc, epoch
}

// ReadDeepRun reads one run folder. config.yaml, read as the runner reads
// it (runner.LoadConfig: a runner.Config, unknown keys refused), must name
// method, dataset, model, noise, rho and seed; metrics.csv must be the
// native CLI's (runner.ReadMetrics, header runner.MetricsHeader) with at
// least one row.
func ReadDeepRun(dir string) (*DeepRun, error) {
	// Sentinels mark the keys the file must name.
	const noSeed = math.MaxUint64
	c, err := runner.LoadConfig(filepath.Join(dir, runner.ConfigFile), runner.Config{Noise: math.NaN(), Rho: math.NaN(), Seed: noSeed})
	if err != nil {
		return nil, fmt.Errorf("deep run %s: %w", dir, err)
	}
	var errs []error
	for _, k := range []struct {
		key     string
		missing bool
	}{{"method", c.Method == ""}, {"dataset", c.Dataset == ""}, {"model", c.Model == ""},
		{"noise", math.IsNaN(c.Noise)}, {"rho", math.IsNaN(c.Rho)}, {"seed", c.Seed == noSeed}} {
		if k.missing {
			errs = append(errs, fmt.Errorf("config.yaml has no %q", k.key))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("deep run %s: %w", dir, errors.Join(errs...))
	}
	if m, err := optim.Canonical(c.Method); err == nil {
		c.Method = m
	}
	r := &DeepRun{Dir: dir, Method: c.Method, Dataset: c.Dataset, Model: c.Model, Noise: c.Noise, Rho: c.Rho,
		GammaAct: c.GammaAct, GammaLast: c.GammaLast, Seed: int64(c.Seed),
		Norm: c.Norm, Width: c.Width, LR: c.LR, WeightDecay: c.WeightDecay, Batch: c.Batch, TrainSubset: c.TrainSubset, Planned: c.Epochs}
	if r.Epochs, err = readEpochs(filepath.Join(dir, runner.MetricsFile)); err != nil {
		return nil, fmt.Errorf("deep run %s: %w", dir, err)
	}
	return r, nil
}

// readEpochs reads a metrics.csv with runner.ReadMetrics and converts
// accuracies written in percent (any above 1) to fractions.
func readEpochs(path string) ([]runner.Row, error) {
	rows, err := runner.ReadMetrics(path)
	if err != nil {
		return nil, fmt.Errorf("metrics.csv (the native CLI's columns: %s): %w", strings.Join(runner.MetricsHeader, ","), err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("metrics.csv: no rows")
	}
	percent := false
	for _, e := range rows {
		for _, a := range []float64{e.TestAcc, e.TrainAcc, e.CleanAcc, e.FlippedAcc, e.BestTestAcc} {
			percent = percent || a > 1
		}
	}
	if percent {
		for i := range rows {
			e := &rows[i]
			e.TestAcc, e.TrainAcc, e.CleanAcc, e.FlippedAcc, e.BestTestAcc = e.TestAcc/100, e.TrainAcc/100, e.CleanAcc/100, e.FlippedAcc/100, e.BestTestAcc/100
		}
	}
	return rows, nil
}

// FindDeepRuns reads every run folder named in paths or found below them
// (a folder holding both config.yaml and metrics.csv), in path order.
func FindDeepRuns(paths []string) ([]*DeepRun, error) {
	var runs []*DeepRun
	for _, p := range paths {
		var dirs []string
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && isRunDir(path) {
				dirs = append(dirs, path)
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("deep: %w", err)
		}
		if len(dirs) == 0 {
			return nil, fmt.Errorf("deep: no run folder (config.yaml + metrics.csv) in %s", p)
		}
		sort.Strings(dirs)
		for _, d := range dirs {
			r, err := ReadDeepRun(d)
			if err != nil {
				return nil, err
			}
			runs = append(runs, r)
		}
	}
	return runs, nil
}

// isRunDir reports whether dir holds config.yaml and metrics.csv files.
func isRunDir(dir string) bool {
	for _, f := range []string{runner.ConfigFile, runner.MetricsFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// memorizeEpoch is the first epoch from which flipped-train accuracy stays
// above 50% to the end of the run (NaN when it never does: the run did
// not memorise).
func memorizeEpoch(r *DeepRun) float64 {
	at := math.NaN()
	for _, e := range r.Epochs {
		switch {
		case e.FlippedAcc > 0.5 && math.IsNaN(at):
			at = float64(e.Epoch)
		case e.FlippedAcc <= 0.5:
			at = math.NaN()
		}
	}
	return at
}

func bestOfRun(r *DeepRun) float64 { a, _ := r.Best(); return a }
func bestEpochOf(r *DeepRun) float64 {
	_, e := r.Best()
	return float64(e)
}
func last(r *DeepRun) runner.Row { return r.Epochs[len(r.Epochs)-1] }

func countFinite(xs []float64) int {
	n := 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			n++
		}
	}
	return n
}
