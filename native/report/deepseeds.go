package report

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
)

// DeepSeedsFile is the deep section's per-run results file, written into
// the report folder: one row per run (seed), enough to recompute every
// deep verdict.
const DeepSeedsFile = "deep_seeds.csv"

// DeepSeedsHeader is DeepSeedsFile's header. Accuracies are fractions;
// memorised_epoch is empty for a run that never memorised (memorizeEpoch).
var DeepSeedsHeader = []string{"dataset", "model", "train_images", "epochs", "batch", "lr", "weight_decay", "noise", "method", "rho", "gamma_act", "gamma_last", "seed",
	"best_test_acc", "best_epoch", "final_test_acc", "final_clean_acc", "final_flipped_acc", "memorised_epoch", "run"}

// writeSeeds writes DeepSeedsFile to path, the runs in group and key
// order.
func (d *deepRuns) writeSeeds(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("deep seeds: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write(DeepSeedsHeader)
	g6 := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, g := range d.groups {
		for _, k := range g.Keys {
			for _, r := range g.Runs[k] {
				best, at := r.Best()
				mem := ""
				if e := memorizeEpoch(r); !math.IsNaN(e) {
					mem = fmt.Sprint(e)
				}
				l := last(r)
				w.Write([]string{r.Dataset, r.Model, fmt.Sprint(r.TrainSubset), fmt.Sprint(len(r.Epochs)), fmt.Sprint(r.Batch), g6(r.LR), g6(r.WeightDecay), g6(r.Noise),
					r.Method, g6(r.Rho), g6(r.GammaAct), g6(r.GammaLast), fmt.Sprint(r.Seed),
					g6(best), fmt.Sprint(at), g6(l.TestAcc), g6(l.CleanAcc), g6(l.FlippedAcc), mem, r.Dir})
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("deep seeds: %w", err)
	}
	return f.Close()
}
