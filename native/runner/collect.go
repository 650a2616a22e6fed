package runner

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/samlab/samlab/core/optim"
)

// Result is one run's summary for the merged table.
type Result struct {
	Dir                                    string
	Config                                 Config
	Epochs                                 int
	BestTestAcc                            float64
	BestEpoch                              int
	FinalTestAcc, FinalClean, FinalFlipped float64
	Seconds                                float64
}

// ResultHeader is the header of the CSV written by WriteResults.
var ResultHeader = []string{"run", "method", "dataset", "model", "norm", "width", "noise", "rho", "gamma_act", "gamma_last", "seed", "epochs", "best_test_acc", "best_epoch", "final_test_acc", "final_clean_acc", "final_flipped_acc", "train_seconds"}

// Collect reads every run folder below root (a folder holding config.yaml
// and metrics.csv), sorted by method, noise, rho, seed. A run without a
// finished epoch (metrics.csv holds only its header) is skipped with a line
// to warn (when not nil) saying so, and when no run has one that is the
// error; a root that is not a folder is an error saying that.
func Collect(root string, warn io.Writer) ([]Result, error) {
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("collect: %s is not a directory (--root names the folder holding the run folders)", root)
	}
	var out []Result
	var skipped []string // runs with no finished epoch
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != MetricsFile {
			return nil
		}
		dir := filepath.Dir(p)
		c, err := LoadConfig(filepath.Join(dir, ConfigFile), Config{})
		if err != nil {
			return err
		}
		rows, err := ReadMetrics(p)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			skipped = append(skipped, dir)
			return nil
		}
		last := rows[len(rows)-1]
		r := Result{Dir: dir, Config: c, Epochs: len(rows), BestTestAcc: last.BestTestAcc, BestEpoch: last.BestEpoch,
			FinalTestAcc: last.TestAcc, FinalClean: last.CleanAcc, FinalFlipped: last.FlippedAcc}
		for _, row := range rows {
			r.Seconds += row.Seconds
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	if len(out) == 0 && len(skipped) > 0 {
		return nil, fmt.Errorf("collect: no run under %s has a finished epoch (%s)", root, strings.Join(skipped, ", "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("collect: no run folders (config.yaml + metrics.csv) under %s", root)
	}
	for _, dir := range skipped {
		if warn != nil {
			fmt.Fprintf(warn, "run %s has no finished epoch (skipped)\n", dir)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Config, out[j].Config
		if a.Method != b.Method {
			return optim.Rank(a.Method) < optim.Rank(b.Method)
		}
		if a.Noise != b.Noise {
			return a.Noise < b.Noise
		}
		if a.Rho != b.Rho {
			return a.Rho < b.Rho
		}
		return a.Seed < b.Seed
	})
	return out, nil
}

func (r Result) fields(root string) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	rel, err := filepath.Rel(root, r.Dir)
	if err != nil {
		rel = r.Dir
	}
	c := r.Config
	return []string{rel, c.Method, c.Dataset, c.Model, c.Norm, f(c.Width), f(c.Noise), f(c.Rho), f(c.GammaAct), f(c.GammaLast),
		strconv.FormatUint(c.Seed, 10), strconv.Itoa(r.Epochs), f(r.BestTestAcc), strconv.Itoa(r.BestEpoch),
		f(r.FinalTestAcc), f(r.FinalClean), f(r.FinalFlipped), strconv.FormatFloat(r.Seconds, 'f', 1, 64)}
}

// WriteResults writes the merged table as CSV (csvPath) and Markdown
// (mdPath) and returns the Markdown.
func WriteResults(root string, rs []Result, csvPath, mdPath string) (string, error) {
	f, err := os.Create(csvPath)
	if err != nil {
		return "", fmt.Errorf("collect: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write(ResultHeader)
	for _, r := range rs {
		w.Write(r.fields(root))
	}
	w.Flush()
	f.Close()
	if err := w.Error(); err != nil {
		return "", fmt.Errorf("collect: %w", err)
	}
	var md strings.Builder
	md.WriteString("| run | method | noise | rho | seed | epochs | best test acc | best epoch | final test | final clean | final flipped | train s |\n")
	md.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		x := r.fields(root)
		fmt.Fprintf(&md, "| %s | %s | %s | %s | %s | %s | %.2f%% | %s | %.2f%% | %.2f%% | %.2f%% | %s |\n",
			x[0], x[1], x[6], x[7], x[10], x[11], 100*r.BestTestAcc, x[13], 100*r.FinalTestAcc, 100*r.FinalClean, 100*r.FinalFlipped, x[17])
	}
	if err := os.WriteFile(mdPath, []byte(md.String()), 0o644); err != nil {
		return "", fmt.Errorf("collect: %w", err)
	}
	return md.String(), nil
}
