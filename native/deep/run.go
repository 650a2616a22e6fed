package deep

import (
	"context"
	"fmt"
	"os"

	"github.com/samlab/samlab/native/runner"
)

// Run trains the plan under root with exe (a samlab binary with the
// LibTorch commands): the search, the choice (root/search.json), the grid,
// then the paper's arm when the plan has one. Finished runs are kept, and
// an interrupted one continues from its checkpoint, so calling it again
// resumes. It returns the grid's and the arm's run folders and the choice.
func Run(ctx context.Context, p Plan, root, exe string, progress func(string)) ([]string, Choice, error) {
	var ch Choice
	if err := p.Validate(); err != nil {
		return nil, ch, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, ch, fmt.Errorf("deep run: %w", err)
	}
	search := p.SearchCells(root)
	if err := launch(ctx, root, search, exe, "search", progress); err != nil {
		return nil, ch, err
	}
	ch, err := p.Choose(search)
	if err != nil {
		return nil, ch, err
	}
	if err := WriteChoice(root, ch); err != nil {
		return nil, ch, fmt.Errorf("deep run: %w", err)
	}
	progress(fmt.Sprintf("chosen on the held-out split: SAM rho %g, 1-SAM/L-SAM/J-SAM rho %g, Reg-SGD gamma_act %g gamma_last %g",
		ch.SAMRho, ch.PerExampleRho, ch.GammaAct, ch.GammaLast))
	grid := p.GridCells(root, ch)
	if err := launch(ctx, root, grid, exe, "grid", progress); err != nil {
		return nil, ch, err
	}
	if paper := p.PaperCells(root); len(paper) > 0 {
		progress(fmt.Sprintf("the paper's arm, untuned: lr %g, weight decay %g, batch %d, rho %g, Reg-SGD gammas %g",
			PaperLR, PaperWeightDecay, PaperBatch, PaperRho, PaperGamma))
		if err := launch(ctx, root, paper, exe, "paper", progress); err != nil {
			return nil, ch, err
		}
		grid = append(grid, paper...)
	}
	var dirs []string
	for _, c := range grid {
		dirs = append(dirs, c.Out)
	}
	return dirs, ch, nil
}

// launch writes the cells' configs and runs them one at a time (each run
// uses both cores).
func launch(ctx context.Context, root string, cells []runner.Config, exe, what string, progress func(string)) error {
	for i := range cells {
		if err := cells[i].Validate(); err != nil {
			return fmt.Errorf("deep run: %s cell %s: %w", what, cells[i].Out, err)
		}
	}
	if _, err := runner.WriteSweep(root+"/"+what, cells, exe, nil); err != nil {
		return fmt.Errorf("deep run: %w", err)
	}
	if err := runner.RunLocal(ctx, cells, exe, 1, func(s string) { progress(what + ": " + s) }); err != nil {
		return fmt.Errorf("deep run: %w", err)
	}
	return nil
}
