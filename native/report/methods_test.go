package report

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/palette"
)

// The report accepts every method of optim.Names: a run folder of it reads
// back under its canonical name (written with its label), it has its label
// and colour, its hyperparameter cell shows what its traits say it trains
// with, and the deep tables list it in the paper's order.
func TestEveryMethod(t *testing.T) {
	dir := t.TempDir()
	var runs []*DeepRun
	for i, m := range slices.Backward(optim.Names) {
		tr := optim.Of(m)
		d := filepath.Join(dir, m)
		writeRun(t, d, tr.Label, 0.4, 0, 0.7+0.01*float64(i), 3, 4)
		r, err := ReadDeepRun(d)
		if err != nil || r.Method != m {
			t.Fatalf("%s: read back as %q, %v", m, r.Method, err)
		}
		runs = append(runs, r)
		if label(m) != tr.Label || palette.Method(m) != tr.Colour {
			t.Errorf("%s: label %q, colour %v", m, label(m), palette.Method(m))
		}
		want := "—"
		switch {
		case tr.Gammas:
			want = "γ 0.001/0.001"
		case tr.Rho:
			want = "0.01"
		}
		if got := hyperOf(r); got != want {
			t.Errorf("%s: hyperparameters shown as %q, want %q", m, got, want)
		}
	}
	gs := groupDeep(runs)
	if len(gs) != 1 || !slices.Equal(gs[0].Keys, optim.Names) {
		t.Errorf("deep table rows %v, want %v", gs[0].Keys, optim.Names)
	}
}
