//go:build torch

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/deep"
)

// TestTorchDeepRunQuick runs `samlab report --deep-run fashion-mnist
// --quick` on Debian's real Fashion-MNIST (installed by make test-torch):
// the held-out search, the choice, the grid of all six methods at 0% and
// 40% noise, and a report with the five deep verdicts.
func TestTorchDeepRunQuick(t *testing.T) {
	if err := dataset.Check("fashion-mnist", ""); err != nil {
		t.Skipf("Fashion-MNIST is not installed (%v)", err)
	}
	t.Setenv("SAMLAB_AS_MAIN", "1") // the grid's `train` children are this binary
	out := t.TempDir()
	if err := runReport(context.Background(), []string{"-deep-run", "fashion-mnist", "-quick", "-quiet", "-out", out}); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(out, "deep-fashion-mnist")
	ch, err := deep.ReadChoice(root)
	if err != nil || len(ch.Trials) != len(deep.QuickPlan("fashion-mnist").Search) {
		t.Fatalf("search: %+v, %v", ch, err)
	}
	md, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Deep claim D1:", "## Deep claim D5:", "Hyperparameter search", "deep_test_accuracy.png", "deep_flipped_train.png"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	cells, _ := filepath.Glob(filepath.Join(root, "grid", "*", "metrics.csv"))
	if len(cells) != 6*2 {
		t.Errorf("%d grid runs, want 12", len(cells))
	}
}
