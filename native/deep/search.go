package deep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/samlab/samlab/core/optim"
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

// family is where a method's hyperparameters come from in a Choice: the
// batch radius (SAM), the per-example radius (1-SAM, L-SAM and J-SAM share
// the per-example ascent step, so they share its radius), Reg-SGD's
// penalties, or none (SGD). It is read from the method's traits.
type family int

const (
	noHyper family = iota
	batchRho
	perExampleRho
	penalties
)

// familyOf returns method m's family (optim.Traits).
func familyOf(m string) family {
	t := optim.Of(m)
	switch {
	case t.Gammas:
		return penalties
	case t.Rho && t.PerExample:
		return perExampleRho
	case t.Rho:
		return batchRho
	}
	return noHyper
}

// String names the family by its methods, e.g. "1sam/lsam/jsam".
func (f family) String() string {
	var ms []string
	for _, m := range optim.Names {
		if familyOf(m) == f {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, "/")
}

// For returns the rho, gamma_act and gamma_last method m trains with.
func (c Choice) For(m string) (rho, gammaAct, gammaLast float64) {
	switch familyOf(m) {
	case batchRho:
		return c.SAMRho, 0, 0
	case perExampleRho:
		return c.PerExampleRho, 0, 0
	case penalties:
		return 0, c.GammaAct, c.GammaLast
	}
	return 0, 0, 0
}

// set records t's hyperparameters as its family's choice.
func (c *Choice) set(t Trial) {
	switch familyOf(t.Method) {
	case batchRho:
		c.SAMRho = t.Rho
	case perExampleRho:
		c.PerExampleRho = t.Rho
	case penalties:
		c.GammaAct, c.GammaLast = t.GammaAct, t.GammaLast
	}
}

// Choose reads the finished search runs (SearchCells) and picks, per family, the
// candidate with the best held-out accuracy (ties: the first listed). Every
// family of the plan's methods needs a candidate.
func (p Plan) Choose(cells []runner.Config) (Choice, error) {
	var ch Choice
	best := map[family]float64{}
	cands := p.searched()
	if len(cands) != len(cells) {
		return ch, fmt.Errorf("search: %d runs for %d candidates", len(cells), len(cands))
	}
	for i, c := range cells {
		rows, err := runner.ReadMetrics(filepath.Join(c.Out, runner.MetricsFile))
		if err != nil {
			return ch, fmt.Errorf("search run %s: %w", c.Out, err)
		}
		if len(rows) < c.Epochs {
			return ch, fmt.Errorf("search run %s has %d of %d epochs", c.Out, len(rows), c.Epochs)
		}
		last := rows[len(rows)-1]
		t := Trial{Candidate: cands[i], BestAcc: last.BestTestAcc, BestEpoch: last.BestEpoch}
		ch.Trials = append(ch.Trials, t)
		f := familyOf(t.Method)
		if b, ok := best[f]; ok && t.BestAcc <= b {
			continue
		}
		best[f] = t.BestAcc
		ch.set(t)
	}
	for _, m := range p.Methods {
		if f := familyOf(m); f != noHyper {
			if _, ok := best[f]; !ok {
				return ch, fmt.Errorf("search: no candidate for %s (%s)", m, f)
			}
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
