package deep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/samlab/samlab/native/runner"
)

// Trial is one search run's outcome: the best held-out accuracy over its
// epochs (early stopping, the quantity the paper compares) and its epoch.
type Trial struct {
	Candidate
	BestAcc   float64 `json:"best_heldout_acc"`
	BestEpoch int     `json:"best_epoch"`
}

// Choice holds the chosen hyperparameters: SAM's radius, the per-example
// radius (1-SAM, L-SAM, J-SAM) and Reg-SGD's coefficients, with the trials
// they were chosen from.
type Choice struct {
	SAMRho        float64 `json:"sam_rho"`
	PerExampleRho float64 `json:"per_example_rho"`
	GammaAct      float64 `json:"gamma_act"`
	GammaLast     float64 `json:"gamma_last"`
	Trials        []Trial `json:"trials"`
}

// For returns the rho, gamma_act and gamma_last method m trains with.
func (c Choice) For(m string) (rho, gammaAct, gammaLast float64) {
	switch m {
	case "sam":
		return c.SAMRho, 0, 0
	case "1sam", "lsam", "jsam":
		return c.PerExampleRho, 0, 0
	case "regsgd":
		return 0, c.GammaAct, c.GammaLast
	}
	return 0, 0, 0
}

// Choose reads the finished search runs and picks, per family, the
// candidate with the best held-out accuracy (ties: the first listed).
func (p Plan) Choose(cells []runner.Config) (Choice, error) {
	var ch Choice
	best := map[string]float64{}
	for i, c := range cells {
		rows, err := runner.ReadMetrics(filepath.Join(c.Out, runner.MetricsFile))
		if err != nil {
			return ch, fmt.Errorf("search run %s: %w", c.Out, err)
		}
		if len(rows) < c.Epochs {
			return ch, fmt.Errorf("search run %s has %d of %d epochs", c.Out, len(rows), c.Epochs)
		}
		last := rows[len(rows)-1]
		t := Trial{Candidate: p.Search[i], BestAcc: last.BestTestAcc, BestEpoch: last.BestEpoch}
		ch.Trials = append(ch.Trials, t)
		if b, ok := best[t.Method]; ok && t.BestAcc <= b {
			continue
		}
		best[t.Method] = t.BestAcc
		switch t.Method {
		case "sam":
			ch.SAMRho = t.Rho
		case "1sam":
			ch.PerExampleRho = t.Rho
		case "regsgd":
			ch.GammaAct, ch.GammaLast = t.GammaAct, t.GammaLast
		}
	}
	for _, m := range []string{"sam", "1sam", "regsgd"} {
		if _, ok := best[m]; !ok {
			return ch, fmt.Errorf("search: no candidate for %s", m)
		}
	}
	return ch, nil
}

// ChoiceFile is the search result's file name under the experiment root.
const ChoiceFile = "search.json"

// WriteChoice writes ch to root/search.json.
func WriteChoice(root string, ch Choice) error {
	b, err := json.MarshalIndent(ch, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, ChoiceFile), append(b, '\n'), 0o644)
}

// ReadChoice reads root/search.json.
func ReadChoice(root string) (Choice, error) {
	var ch Choice
	b, err := os.ReadFile(filepath.Join(root, ChoiceFile))
	if err != nil {
		return ch, err
	}
	if err := json.Unmarshal(b, &ch); err != nil {
		return ch, fmt.Errorf("%s: %w", filepath.Join(root, ChoiceFile), err)
	}
	return ch, nil
}
