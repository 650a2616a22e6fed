package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/deep"
	"github.com/samlab/samlab/native/runner"
)

// deepGroup is the runs of one setting (dataset, model, training arm,
// noise).
type deepGroup struct {
	Dataset, Model string
	// Arm is the training setting the runs share (armOf); ShowArm is set
	// when the runs have several, so that the name tells them apart.
	Arm     arm
	ShowArm bool
	Noise   float64
	// Runs by method key (method, or "method rho" when a method has several rhos).
	Runs map[string][]*DeepRun
	Keys []string
}

func (g *deepGroup) name() string {
	if g.ShowArm {
		return fmt.Sprintf("%s, %s, %s, %s noise", g.Dataset, g.Model, g.Arm, pctNoise(g.Noise))
	}
	return fmt.Sprintf("%s, %s, %s noise", g.Dataset, g.Model, pctNoise(g.Noise))
}

// arm is a run's training setting beyond method, noise and seed: the
// training images, batch, learning rate and weight decay (0 where the
// config does not name them).
type arm struct {
	Train, Batch int
	LR, WD       float64
}

func armOf(r *DeepRun) arm {
	return arm{Train: r.TrainSubset, Batch: r.Batch, LR: r.LR, WD: r.WeightDecay}
}

// paper reports whether a is the paper's arm (native/deep's Paper*
// settings).
func (a arm) paper() bool {
	return a.LR == deep.PaperLR && a.WD == deep.PaperWeightDecay && a.Batch == deep.PaperBatch
}

// String names the arm, e.g. "10000 images, batch 128, lr 0.01, wd 0.0005
// (the paper's settings, untuned)".
func (a arm) String() string {
	s := fmt.Sprintf("%d images, batch %d, lr %g, wd %g", a.Train, a.Batch, a.LR, a.WD)
	if a.paper() {
		s += " (the paper's settings, untuned)"
	}
	return s
}

// groupDeep groups runs by setting, sorted by dataset, model, arm (the
// tuned arm before the paper's) and noise, each group's keys in the
// paper's method order.
func groupDeep(runs []*DeepRun) []*deepGroup {
	type gk struct {
		d, m string
		a    arm
		n    float64
	}
	arms := map[arm]bool{}
	for _, r := range runs {
		arms[armOf(r)] = true
	}
	rhos := map[gk]map[string]map[float64]bool{}
	for _, r := range runs {
		k := gk{r.Dataset, r.Model, armOf(r), r.Noise}
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
		k := gk{r.Dataset, r.Model, armOf(r), r.Noise}
		g := groups[k]
		if g == nil {
			g = &deepGroup{Dataset: r.Dataset, Model: r.Model, Arm: k.a, ShowArm: len(arms) > 1, Noise: r.Noise, Runs: map[string][]*DeepRun{}}
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
		if a.a != b.a {
			return a.a.less(b.a)
		}
		return a.n < b.n
	})
	var out []*deepGroup
	for _, k := range order {
		g := groups[k]
		sort.SliceStable(g.Keys, func(i, j int) bool { return optim.Rank(methodOf(g.Keys[i])) < optim.Rank(methodOf(g.Keys[j])) })
		out = append(out, g)
	}
	return out
}

// less orders arms: the paper's last, then by images, batch, lr and
// weight decay.
func (a arm) less(b arm) bool {
	switch {
	case a.paper() != b.paper():
		return b.paper()
	case a.Train != b.Train:
		return a.Train < b.Train
	case a.Batch != b.Batch:
		return a.Batch < b.Batch
	case a.LR != b.LR:
		return a.LR < b.LR
	}
	return a.WD < b.WD
}

// methodOf is a method key's method.
func methodOf(key string) string { return strings.SplitN(key, " ", 2)[0] }

// keyLabel is a method key for display, e.g. "1-SAM rho 0.05".
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

// deepFinalBySeed returns final-epoch test accuracy keyed by seed.
func deepFinalBySeed(runs []*DeepRun) map[int64]float64 {
	out := map[int64]float64{}
	for _, r := range runs {
		out[r.Seed] = last(r).TestAcc
	}
	return out
}

// deepCurve averages f over the runs at each epoch index.
func deepCurve(runs []*DeepRun, f func(runner.Row) float64) (x, m, sd []float64) {
	var epochs, vals [][]float64
	for _, r := range runs {
		var e, v []float64
		for _, row := range r.Epochs {
			e, v = append(e, float64(row.Epoch)), append(v, f(row))
		}
		epochs, vals = append(epochs, e), append(vals, v)
	}
	return bands(epochs, vals)
}

// pairSeeds returns the values of a and b at their common seeds, in seed order.
func pairSeeds(a, b map[int64]float64) (xa, xb []float64) {
	var seeds []int64
	for s := range a {
		if _, ok := b[s]; ok {
			seeds = append(seeds, s)
		}
	}
	slices.Sort(seeds)
	for _, s := range seeds {
		xa, xb = append(xa, a[s]), append(xb, b[s])
	}
	return xa, xb
}

// perRun returns f of the runs of g under key, in seed order.
func perRun(g *deepGroup, key string, f func(*DeepRun) float64) []float64 {
	var out []float64
	for _, r := range g.Runs[key] {
		out = append(out, f(r))
	}
	return out
}

// at names the group's noise rate for a test or headline, e.g. "60%
// noise", with its arm when the runs have several ("60% noise, the paper's
// settings").
func (g *deepGroup) at() string {
	switch {
	case !g.ShowArm:
		return pctNoise(g.Noise) + " noise"
	case g.Arm.paper():
		return pctNoise(g.Noise) + " noise, the paper's settings"
	}
	return fmt.Sprintf("%s noise, %d images, batch %d, lr %g, wd %g", pctNoise(g.Noise), g.Arm.Train, g.Arm.Batch, g.Arm.LR, g.Arm.WD)
}
