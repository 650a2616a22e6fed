package report

import (
	"encoding/csv"
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
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/samlab/samlab/core/optim"
)

// DeepClaimN numbers the deep-network section.
const DeepClaimN = 9

// DeepColumns are the metrics.csv columns the report reads; others are ignored.
var DeepColumns = []string{"epoch", "loss", "test_acc", "train_acc", "clean_acc", "flipped_acc", "best_test_acc", "best_epoch"}

// DeepEpoch is one row of a native run's metrics.csv. Accuracies are
// fractions in [0,1] (a file in percent is converted).
type DeepEpoch struct {
	Epoch                                         int
	Loss, TestAcc, TrainAcc, CleanAcc, FlippedAcc float64
	BestTestAcc                                   float64
	BestEpoch                                     int
}

// DeepRun is one run folder of the native CLI: config.yaml and metrics.csv.
type DeepRun struct {
	Dir                    string
	Method, Dataset, Model string
	Noise, Rho             float64
	Seed                   int64
	Epochs                 []DeepEpoch
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
// model, noise, rho and seed; metrics.csv must have a header with at least
// epoch, test_acc, clean_acc and flipped_acc.
func ReadDeepRun(dir string) (*DeepRun, error) {
	b, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
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
	if len(errs) > 0 {
		return nil, fmt.Errorf("deep run %s: %w", dir, errors.Join(errs...))
	}
	if r.Epochs, err = readMetricsCSV(filepath.Join(dir, "metrics.csv")); err != nil {
		return nil, fmt.Errorf("deep run %s: %w", dir, err)
	}
	return r, nil
}

func readMetricsCSV(path string) ([]DeepEpoch, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("metrics.csv: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("metrics.csv: no rows")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, k := range []string{"epoch", "test_acc", "clean_acc", "flipped_acc"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("metrics.csv: no column %q (have %v)", k, rows[0])
		}
	}
	get := func(row []string, k string, line int) (float64, error) {
		i, ok := col[k]
		if !ok || i >= len(row) {
			return math.NaN(), nil
		}
		s := strings.TrimSpace(row[i])
		if s == "" || strings.EqualFold(s, "nan") {
			return math.NaN(), nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("metrics.csv line %d: %s: %w", line, k, err)
		}
		return v, nil
	}
	var out []DeepEpoch
	percent := false
	for li, row := range rows[1:] {
		var v [8]float64
		for j, k := range DeepColumns {
			x, err := get(row, k, li+2)
			if err != nil {
				return nil, err
			}
			v[j] = x
		}
		e := DeepEpoch{Epoch: int(v[0]), Loss: v[1], TestAcc: v[2], TrainAcc: v[3], CleanAcc: v[4], FlippedAcc: v[5], BestTestAcc: v[6], BestEpoch: int(v[7])}
		if math.IsNaN(v[7]) {
			e.BestEpoch = -1
		}
		for _, a := range []float64{e.TestAcc, e.TrainAcc, e.CleanAcc, e.FlippedAcc, e.BestTestAcc} {
			if a > 1 {
				percent = true
			}
		}
		out = append(out, e)
	}
	if percent {
		for i := range out {
			e := &out[i]
			e.TestAcc, e.TrainAcc, e.CleanAcc, e.FlippedAcc, e.BestTestAcc = e.TestAcc/100, e.TrainAcc/100, e.CleanAcc/100, e.FlippedAcc/100, e.BestTestAcc/100
		}
	}
	return out, nil
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

func isRunDir(dir string) bool {
	for _, f := range []string{"config.yaml", "metrics.csv"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// deepGroup is the runs of one setting (dataset, model, noise).
type deepGroup struct {
	Dataset, Model string
	Noise          float64
	// Runs by method key (method, or "method rho" when a method has several rhos).
	Runs map[string][]*DeepRun
	Keys []string
}

func (g *deepGroup) name() string {
	return fmt.Sprintf("%s, %s, %s noise", g.Dataset, g.Model, pctNoise(g.Noise))
}

func groupDeep(runs []*DeepRun) []*deepGroup {
	type gk struct {
		d, m string
		n    float64
	}
	rhos := map[gk]map[string]map[float64]bool{}
	for _, r := range runs {
		k := gk{r.Dataset, r.Model, r.Noise}
		if rhos[k] == nil {
			rhos[k] = map[string]map[float64]bool{}
		}
		if rhos[k][r.Method] == nil {
			rhos[k][r.Method] = map[float64]bool{}
		}
		rhos[k][r.Method][r.Rho] = true
	}
	groups := map[gk]*deepGroup{}
	var order []gk
	for _, r := range runs {
		k := gk{r.Dataset, r.Model, r.Noise}
		g := groups[k]
		if g == nil {
			g = &deepGroup{Dataset: r.Dataset, Model: r.Model, Noise: r.Noise, Runs: map[string][]*DeepRun{}}
			groups[k] = g
			order = append(order, k)
		}
		key := r.Method
		if len(rhos[k][r.Method]) > 1 {
			key = fmt.Sprintf("%s rho %g", r.Method, r.Rho)
		}
		if g.Runs[key] == nil {
			g.Keys = append(g.Keys, key)
		}
		g.Runs[key] = append(g.Runs[key], r)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.d != b.d {
			return a.d < b.d
		}
		if a.m != b.m {
			return a.m < b.m
		}
		return a.n < b.n
	})
	var out []*deepGroup
	for _, k := range order {
		g := groups[k]
		sort.SliceStable(g.Keys, func(i, j int) bool { return methodRank(g.Keys[i]) < methodRank(g.Keys[j]) })
		out = append(out, g)
	}
	return out
}

func methodOf(key string) string { return strings.SplitN(key, " ", 2)[0] }

func methodRank(key string) int {
	m := methodOf(key)
	for i, n := range optim.Names {
		if n == m {
			return i
		}
	}
	return len(optim.Names)
}

func keyLabel(key string) string {
	parts := strings.SplitN(key, " ", 2)
	if len(parts) == 2 {
		return label(parts[0]) + " " + parts[1]
	}
	return label(key)
}

// deepBestBySeed returns best test accuracy keyed by seed.
func deepBestBySeed(runs []*DeepRun) map[int64]float64 {
	out := map[int64]float64{}
	for _, r := range runs {
		a, _ := r.Best()
		out[r.Seed] = a
	}
	return out
}

// deepCurve averages f over the runs at each epoch index.
func deepCurve(runs []*DeepRun, f func(DeepEpoch) float64) (x, m, sd []float64) {
	n := 0
	for _, r := range runs {
		n = max(n, len(r.Epochs))
	}
	for k := 0; k < n; k++ {
		var xs []float64
		ep := math.NaN()
		for _, r := range runs {
			if k < len(r.Epochs) {
				xs = append(xs, f(r.Epochs[k]))
				ep = float64(r.Epochs[k].Epoch)
			}
		}
		x, m, sd = append(x, ep), append(m, mean(xs)), append(sd, std(xs))
	}
	return x, m, sd
}

// deepClaim reads the deep runs and builds the deep section.
func deepClaim(paths []string, out string) (*Claim, error) {
	runs, err := FindDeepRuns(paths)
	if err != nil {
		return nil, err
	}
	groups := groupDeep(runs)
	c := &Claim{N: DeepClaimN, Title: "best test accuracy and memorisation of the native runs",
		Statement: "With label noise, SAM and 1-SAM reach a higher best (early-stopping) test accuracy than SGD in deep networks (the paper: +17 points for ResNet18 on CIFAR10 at 30% noise) and fit the flipped examples later.",
		Setting:   fmt.Sprintf("%d run folders of the native CLI (%s). Best test accuracy is the maximum over epochs; comparisons are paired by seed.", len(runs), strings.Join(paths, ", ")),
	}
	t := Table{Header: []string{"setting", "method", "rho", "runs", "best test acc (%)", "best epoch", "final clean train acc (%)", "final flipped train acc (%)", "gain over SGD (pts, wins)"}}
	var accPlots, memPlots []*plot.Plot
	for _, g := range groups {
		sgd := deepBestBySeed(g.Runs["sgd"])
		for _, k := range g.Keys {
			rs := g.Runs[k]
			var best, ep, cl, fl, rhos []float64
			for _, r := range rs {
				a, e := r.Best()
				last := r.Epochs[len(r.Epochs)-1]
				best, ep, cl, fl = append(best, a), append(ep, float64(e)), append(cl, last.CleanAcc), append(fl, last.FlippedAcc)
				rhos = append(rhos, r.Rho)
			}
			gain := "—"
			if len(sgd) > 0 && methodOf(k) != "sgd" {
				a, b := pairSeeds(deepBestBySeed(rs), sgd)
				gain = gainCell(a, b, Points)
				if g.Noise > 0 && methodOf(k) != "regsgd" {
					c.Tests = append(c.Tests, Greater(fmt.Sprintf("%s beats SGD (%s)", keyLabel(k), g.name()), a, b, AccMargin, Points))
				}
			}
			t.Rows = append(t.Rows, []string{g.name(), keyLabel(k), fmtG(rhos[0]), fmt.Sprint(len(rs)), statCell(best, Points), statCell(ep, Unit{Scale: 1, Prec: 0}),
				statCell(cl, Points), statCell(fl, Points), gain})
		}
		pa := newPlot(g.name(), "epoch", "test accuracy")
		pm := newPlot(g.name()+": clean (solid) vs flipped (dashed)", "epoch", "train accuracy")
		for _, k := range g.Keys {
			col := methodColor(methodOf(k))
			x, m, sd := deepCurve(g.Runs[k], func(e DeepEpoch) float64 { return e.TestAcc })
			if err := addTrace(pa, trace{Label: keyLabel(k), Color: col, X: x, Y: m, Band: sd}); err != nil {
				return nil, err
			}
			if g.Noise > 0 {
				x, m, _ := deepCurve(g.Runs[k], func(e DeepEpoch) float64 { return e.CleanAcc })
				if err := addTrace(pm, trace{Label: keyLabel(k), Color: col, X: x, Y: m}); err != nil {
					return nil, err
				}
				x, m, _ = deepCurve(g.Runs[k], func(e DeepEpoch) float64 { return e.FlippedAcc })
				if err := addTrace(pm, trace{Color: col, Dashed: true, X: x, Y: m}); err != nil {
					return nil, err
				}
			}
		}
		pa.Legend.Top = false
		pm.Legend.Top, pm.Legend.Left = false, false
		accPlots = append(accPlots, pa)
		if g.Noise > 0 {
			memPlots = append(memPlots, pm)
		}
	}
	c.Tables = append(c.Tables, t)
	if err := saveGrid(accPlots, filepath.Join(out, "deep_test_accuracy.png")); err != nil {
		return nil, err
	}
	c.Figures = append(c.Figures, Figure{File: "deep_test_accuracy.png", Caption: "Test accuracy against epochs per method and setting (mean ± 1 std over seeds)."})
	if len(memPlots) > 0 {
		if err := saveGrid(memPlots, filepath.Join(out, "deep_clean_flipped.png")); err != nil {
			return nil, err
		}
		c.Figures = append(c.Figures, Figure{File: "deep_clean_flipped.png", Caption: "Train accuracy on the clean subset (solid) and on the flipped subset against its flipped labels (dashed), per method, in the noisy settings."})
	}
	if len(c.Tests) == 0 {
		c.Tests = []Test{Premise(Test{Name: "a noisy setting with an SGD baseline and a SAM variant", Pass: false, Detail: "no such pair of runs among the folders"})}
	}
	c.Rule = "Each SAM variant (not Reg-SGD) in each noisy setting must beat SGD by more than 1 pt, paired by seed, in at least two thirds of the common seeds. Holds when all do, does not hold when none does."
	pass := 0
	for _, t := range c.Tests {
		if t.Pass && !t.Premise {
			pass++
		}
	}
	c.Headline = fmt.Sprintf("%d runs in %d settings; %d of %d SAM-vs-SGD comparisons pass", len(runs), len(groups), pass, len(c.Tests))
	return c, nil
}

// pairSeeds returns the values of a and b at their common seeds, in seed order.
func pairSeeds(a, b map[int64]float64) (xa, xb []float64) {
	var seeds []int64
	for s := range a {
		if _, ok := b[s]; ok {
			seeds = append(seeds, s)
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	for _, s := range seeds {
		xa, xb = append(xa, a[s]), append(xb, b[s])
	}
	return xa, xb
}

// saveGrid saves plots two per row.
func saveGrid(ps []*plot.Plot, path string) error {
	cols := min(2, len(ps))
	rows := (len(ps) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i, p := range ps {
		if grid[i/cols] == nil {
			grid[i/cols] = make([]*plot.Plot, cols)
		}
		grid[i/cols][i%cols] = p
	}
	return figure{Plots: grid, Width: panelW * vg.Length(cols), Height: panelH * vg.Length(rows)}.save(path)
}
