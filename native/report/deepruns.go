package report

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/runner"
)

// DeepRun is one run folder of the native CLI: config.yaml and metrics.csv.
// Accuracies in Epochs are fractions in [0,1] (a file in percent is
// converted).
type DeepRun struct {
	Dir                    string
	Method, Dataset, Model string
	Noise, Rho             float64
	// GammaAct and GammaLast are Reg-SGD's coefficients (0 when the
	// config does not name them).
	GammaAct, GammaLast float64
	Seed                int64
	Epochs              []runner.Row
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

// ReadDeepRun reads one run folder. config.yaml must name method, dataset,
// model, noise, rho and seed; metrics.csv must be the native CLI's
// (runner.ReadMetrics, header runner.MetricsHeader) with at least one row.
func ReadDeepRun(dir string) (*DeepRun, error) {
	b, err := os.ReadFile(filepath.Join(dir, runner.ConfigFile))
	if err != nil {
		return nil, fmt.Errorf("deep run %s: %w", dir, err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("deep run %s: config.yaml: %w", dir, err)
	}
	r := &DeepRun{Dir: dir}
	var errs []error
	str := func(k string) string {
		v, ok := cfg[k]
		if !ok {
			errs = append(errs, fmt.Errorf("config.yaml has no %q", k))
			return ""
		}
		return fmt.Sprint(v)
	}
	num := func(k string) float64 {
		s := str(k)
		if s == "" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("config.yaml: %s is not a number (%q)", k, s))
		}
		return f
	}
	r.Method, r.Dataset, r.Model = str("method"), str("dataset"), str("model")
	if m, err := optim.Canonical(r.Method); err == nil {
		r.Method = m
	}
	r.Noise, r.Rho = num("noise"), num("rho")
	r.Seed = int64(num("seed"))
	opt := func(k string) float64 {
		if _, ok := cfg[k]; !ok {
			return 0
		}
		return num(k)
	}
	r.GammaAct, r.GammaLast = opt("gamma_act"), opt("gamma_last")
	if len(errs) > 0 {
		return nil, fmt.Errorf("deep run %s: %w", dir, errors.Join(errs...))
	}
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
