package report

import (
	"context"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/configfile"
)

// writeDeepRun writes a synthetic native run folder.
func writeDeepRun(t *testing.T, dir, method string, noise, rho float64, seed int, best float64, percent bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("method: %s\ndataset: fashion-mnist\nmodel: resnet18\nnoise: %g\nrho: %g\nseed: %d\nlr: 0.01\n", method, noise, rho, seed)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("epoch,loss,test_acc,train_acc,clean_acc,flipped_acc,best_test_acc,best_epoch,seconds,images_per_sec\n")
	scale := 1.0
	if percent {
		scale = 100
	}
	bestSoFar, bestEp := 0.0, 0
	for ep := 1; ep <= 5; ep++ {
		acc := best - 0.02*math.Abs(float64(ep-3)) // peak at epoch 3
		if acc > bestSoFar {
			bestSoFar, bestEp = acc, ep
		}
		fl := noise * float64(ep) / 5
		fmt.Fprintf(&b, "%d,%g,%g,%g,%g,%g,%g,%d,%g,%g\n", ep, 1/float64(ep), acc*scale, 0.8*scale, 0.9*scale, fl*scale, bestSoFar*scale, bestEp, 1.5, 1000.0)
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestQuickReport runs the quick report (with synthetic deep runs) into a
// temporary folder and checks every figure, the README and the verdicts.
func TestQuickReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quick report")
	}
	out := t.TempDir()
	deep := t.TempDir()
	for s := 0; s < 2; s++ {
		writeDeepRun(t, filepath.Join(deep, fmt.Sprintf("sgd-30-%d", s)), "sgd", 0.3, 0, s, 0.70, false)
		writeDeepRun(t, filepath.Join(deep, fmt.Sprintf("1sam-30-%d", s)), "1-SAM", 0.3, 0.01, s, 0.80, true)
		writeDeepRun(t, filepath.Join(deep, fmt.Sprintf("sgd-0-%d", s)), "sgd", 0, 0, s, 0.90, false)
	}
	rep, err := Run(context.Background(), Options{Out: out, Plan: QuickPlan(), Quick: true, Deep: []string{deep}, Command: "samlab report --quick"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Claims) != 13 {
		t.Fatalf("got %d claims, want 8 toy claims and the 5 deep claims", len(rep.Claims))
	}
	readme, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(readme)
	figures := 0
	for _, c := range rep.Claims {
		if len(c.Figures) == 0 {
			t.Errorf("claim %s has no figure", c.ID)
		}
		if len(c.Tests) == 0 {
			t.Errorf("claim %s has no tests", c.ID)
		}
		if want := verdictOf(c.Tests); c.Verdict != want {
			t.Errorf("claim %s: verdict %v, but its tests say %v:\n%s", c.ID, c.Verdict, want, summarize(c.Tests))
		}
		if !strings.Contains(md, fmt.Sprintf("**Verdict: %s.**", c.Verdict)) {
			t.Errorf("README lacks claim %s's verdict %q", c.ID, c.Verdict)
		}
		for _, f := range c.Figures {
			figures++
			checkPNG(t, filepath.Join(out, f.File))
			if !strings.Contains(md, "]("+f.File+")") {
				t.Errorf("README does not embed %s", f.File)
			}
		}
		for _, cfg := range c.Configs {
			if _, err := configfile.Load(filepath.Join(out, "configs", cfg.Name+".yaml")); err != nil {
				t.Errorf("claim %s: config %s does not load back: %v", c.ID, cfg.Name, err)
			}
		}
	}
	if figures < 10 {
		t.Errorf("only %d figures", figures)
	}
	for n := 1; n <= 8; n++ {
		if !strings.Contains(md, fmt.Sprintf("## Claim %d:", n)) {
			t.Errorf("README lacks the section of claim %d", n)
		}
	}
	// Claim 4 and the first three tests of claim 3 are exact identities:
	// they hold even in the quick run.
	for _, c := range rep.Claims {
		if c.ID == "4" && c.Verdict != Holds {
			t.Errorf("claim 4 (an exact identity) does not hold:\n%s", summarize(c.Tests))
		}
		if c.ID == "3" {
			for _, tc := range c.Tests[:3] {
				if !tc.Pass {
					t.Errorf("claim 3: identity test %q fails: %s", tc.Name, tc.Detail)
				}
			}
		}
	}
	// The synthetic deep runs: 1-SAM is 10 points above SGD in both seeds
	// (the first deep claim; the others lack the runs they compare).
	d := rep.Claims[8]
	if d.Verdict != Holds {
		t.Errorf("deep verdict %v, want holds:\n%s", d.Verdict, summarize(d.Tests))
	}
	docs := t.TempDir()
	if err := rep.WriteDocs(docs); err != nil {
		t.Fatal(err)
	}
	for _, f := range DocFigures {
		checkPNG(t, filepath.Join(docs, "figures", f))
	}
}

// checkPNG decodes a figure and checks its size and that it is not blank.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Errorf("%s: not a PNG: %v", path, err)
		return
	}
	b := img.Bounds()
	if b.Dx() < 600 || b.Dy() < 400 || b.Dx() > 5000 || b.Dy() > 5000 {
		t.Errorf("%s: size %dx%d outside 600x400..5000x5000", path, b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]bool{}
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if len(colours) < 8 || float64(ink) < 0.01*float64(total) {
		t.Errorf("%s looks blank: %d colours, %d of %d sampled pixels not white", path, len(colours), ink, total)
	}
}

// Options.Claims builds only the named claims (here claim 4, whose runs are
// seconds), and an unknown ID is refused before anything is written.
func TestOnlyClaims(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r")
	rep, err := Run(context.Background(), Options{Out: out, Plan: QuickPlan(), Quick: true, Claims: []string{"4"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Claims) != 1 || rep.Claims[0].ID != "4" || rep.Claims[0].Verdict != Holds {
		t.Errorf("claims %v, want claim 4 alone, holding", rep.Claims)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	if _, err := Run(context.Background(), Options{Out: bad, Plan: QuickPlan(), Claims: []string{"4", "12"}}); err == nil || !strings.Contains(err.Error(), `unknown claim "12"`) {
		t.Errorf("claim 12: %v, want an unknown-claim error", err)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("an unknown claim created the output folder")
	}
}
