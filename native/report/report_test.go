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

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/train"
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
	if len(rep.Claims) != 9 {
		t.Fatalf("got %d claims, want 8 toy claims and the deep section", len(rep.Claims))
	}
	readme, err := os.ReadFile(filepath.Join(out, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(readme)
	figures := 0
	for _, c := range rep.Claims {
		if len(c.Figures) == 0 {
			t.Errorf("claim %d has no figure", c.N)
		}
		if len(c.Tests) == 0 {
			t.Errorf("claim %d has no tests", c.N)
		}
		if c.Verdict != Combine(c.Tests) {
			t.Errorf("claim %d: verdict %v is not Combine(tests) = %v", c.N, c.Verdict, Combine(c.Tests))
		}
		if !strings.Contains(md, fmt.Sprintf("**Verdict: %s.**", c.Verdict)) {
			t.Errorf("README lacks claim %d's verdict %q", c.N, c.Verdict)
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
				t.Errorf("claim %d: config %s does not load back: %v", c.N, cfg.Name, err)
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
		if c.N == 4 && c.Verdict != Holds {
			t.Errorf("claim 4 (an exact identity) does not hold:\n%s", summarize(c.Tests))
		}
		if c.N == 3 {
			for _, tc := range c.Tests[:3] {
				if !tc.Pass {
					t.Errorf("claim 3: identity test %q fails: %s", tc.Name, tc.Detail)
				}
			}
		}
	}
	// The synthetic deep runs: 1-SAM is 10 points above SGD in both seeds.
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

func TestCombine(t *testing.T) {
	p, f := Test{Pass: true}, Test{Pass: false}
	cases := []struct {
		name  string
		tests []Test
		want  Verdict
	}{
		{"all pass", []Test{p, p}, Holds},
		{"none pass", []Test{f, f}, DoesNotHold},
		{"some pass", []Test{p, f}, Mixed},
		{"failed premise", []Test{Premise(f), p, p}, Inconclusive},
		{"passed premise, all pass", []Test{Premise(p), p}, Holds},
		{"passed premise, none pass", []Test{Premise(p), f}, DoesNotHold},
		{"no tests", nil, Inconclusive},
		{"only premises", []Test{Premise(p)}, Inconclusive},
	}
	for _, c := range cases {
		if got := Combine(c.tests); got != c.want {
			t.Errorf("%s: Combine = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestGreater(t *testing.T) {
	base := []float64{0.80, 0.82, 0.81, 0.79, 0.80, 0.83}
	add := func(d ...float64) []float64 {
		out := make([]float64, len(base))
		for i := range base {
			out[i] = base[i] + d[i%len(d)]
		}
		return out
	}
	cases := []struct {
		name   string
		a      []float64
		margin float64
		want   bool
	}{
		{"clear gain", add(0.03), 0.01, true},
		{"gain below margin", add(0.005), 0.01, false},
		{"no gain", add(0), 0.01, false},
		{"loss", add(-0.03), 0.01, false},
		{"large mean, few seeds", add(0.2, -0.01, -0.01), 0.01, false}, // 2 of 6 seeds
		{"gain in 4 of 6 seeds", add(0.05, 0.05, -0.01), 0.01, true},   // 4/6 = two thirds
		{"gain in 3 of 6 seeds", add(0.05, -0.01), 0.01, false},        // 3/6 < two thirds
		{"zero margin, tiny gain", add(0.001), 0, true},
		{"NaN pairs skipped", append(add(0.03)[:5], math.NaN()), 0.01, true},
	}
	for _, c := range cases {
		if got := Greater(c.name, c.a, base, c.margin, Points); got.Pass != c.want {
			t.Errorf("%s: Greater pass = %v, want %v (%s)", c.name, got.Pass, c.want, got.Detail)
		}
	}
}

func TestFractions(t *testing.T) {
	sgd := []float64{0.80, 0.80, 0.80}
	one := []float64{0.90, 0.90, 0.90} // gain 10 pts
	cases := []struct {
		name     string
		x        []float64
		atLeast  bool // recovers >= half
		belowNot bool // BelowFraction passes
	}{
		{"recovers 80%", []float64{0.88, 0.88, 0.88}, true, false},
		{"recovers 20%", []float64{0.82, 0.82, 0.82}, false, true},
		{"recovers nothing", []float64{0.80, 0.80, 0.80}, false, true},
		{"beats the reference", []float64{0.95, 0.95, 0.95}, true, false},
	}
	for _, c := range cases {
		if got := AtLeastFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.atLeast {
			t.Errorf("%s: AtLeastFraction = %v, want %v (%s)", c.name, got.Pass, c.atLeast, got.Detail)
		}
		if got := BelowFraction(c.name, c.x, one, sgd, 0.5, Points); got.Pass != c.belowNot {
			t.Errorf("%s: BelowFraction = %v, want %v (%s)", c.name, got.Pass, c.belowNot, got.Detail)
		}
	}
}

// fakeResults makes histories whose best test accuracy is best[method][seed].
func fakeResults(best map[string][]float64) []experiment.Result {
	var out []experiment.Result
	for _, m := range allMethods {
		for s, b := range best[m] {
			h := []train.Metrics{
				{Step: 0, TestAcc: 0.5, BestTestAcc: 0.5, CleanAcc: 0.5, FlippedAcc: 0.5, LastNorm: 1, HiddenNorm: 1},
				{Step: 10, TestAcc: b, BestTestAcc: b, BestStep: 10, CleanAcc: 0.9, FlippedAcc: 0.1, LastNorm: 2, HiddenNorm: 2},
				{Step: 20, TestAcc: b - 0.01, BestTestAcc: b, BestStep: 10, CleanAcc: 0.95, FlippedAcc: 0.3, LastNorm: 3, HiddenNorm: 3},
			}
			out = append(out, experiment.Result{Method: m, Seed: uint64(s), History: h})
		}
	}
	return out
}

// TestClaim1FromNumbers feeds constructed numbers to claim 1 and checks the
// verdict follows them.
func TestClaim1FromNumbers(t *testing.T) {
	p := QuickPlan()
	noisy, err := p.mainConfig("main-noisy", 0.3, 3, allMethods...)
	if err != nil {
		t.Fatal(err)
	}
	clean, err := p.mainConfig("main-clean", 0, 3, "sgd", "sam", "1sam")
	if err != nil {
		t.Fatal(err)
	}
	same := []float64{0.80, 0.81, 0.79}
	up := func(d float64) []float64 { return []float64{0.80 + d, 0.81 + d, 0.79 + d} }
	cases := []struct {
		name       string
		noisy      map[string][]float64
		clean      map[string][]float64
		want       Verdict
		failedTest []int
	}{
		{"paper's pattern", map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": same, "1sam": up(0.005)}, Holds, nil},
		{"SAM no better", map[string][]float64{"sgd": same, "sam": same, "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": same, "1sam": same}, Mixed, []int{1}},
		{"SAM ahead of 1-SAM", map[string][]float64{"sgd": same, "sam": up(0.05), "1sam": up(0.03)}, map[string][]float64{"sgd": same, "sam": same, "1sam": same}, Mixed, []int{2}},
		{"gain without noise too", map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, map[string][]float64{"sgd": same, "sam": up(0.03), "1sam": up(0.05)}, Mixed, []int{3, 4}},
		{"nothing", map[string][]float64{"sgd": same, "sam": up(-0.03), "1sam": up(-0.05)}, map[string][]float64{"sgd": same, "sam": up(0.05), "1sam": up(0.06)}, DoesNotHold, []int{0, 1, 2, 3, 4}},
	}
	for _, c := range cases {
		mr := &mainRuns{noisy: noisy, clean: clean, noisyRes: fakeResults(c.noisy), cleanRes: fakeResults(c.clean)}
		cl, err := claim1(mr, t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := Combine(cl.Tests); got != c.want {
			t.Errorf("%s: verdict %v, want %v:\n%s", c.name, got, c.want, summarize(cl.Tests))
		}
		for _, i := range c.failedTest {
			if cl.Tests[i].Pass {
				t.Errorf("%s: test %q passed, want it to fail", c.name, cl.Tests[i].Name)
			}
		}
	}
}

func TestClosedFormRatio(t *testing.T) {
	for _, m := range []float64{-5, -1, 0, 0.5, 2, 8} {
		for _, a := range []float64{0, 0.1, 1, 5} {
			want := (1 + math.Exp(m)) / (1 + math.Exp(m-a))
			got := ClosedFormRatio(m, a)
			if math.Abs(got/want-1) > 1e-12 {
				t.Errorf("ClosedFormRatio(%g, %g) = %g, want %g", m, a, got, want)
			}
			if got < 1-1e-15 {
				t.Errorf("ClosedFormRatio(%g, %g) = %g < 1", m, a, got)
			}
		}
	}
	// Grows with the margin for a > 0.
	if !(ClosedFormRatio(3, 1) > ClosedFormRatio(0, 1) && ClosedFormRatio(0, 1) > ClosedFormRatio(-3, 1)) {
		t.Error("ratio does not grow with the margin")
	}
	// No overflow at huge margins: the ratio tends to e^a.
	if got := ClosedFormRatio(800, 2); math.Abs(got-math.Exp(2)) > 1e-9 {
		t.Errorf("ClosedFormRatio(800, 2) = %g, want e^2", got)
	}
}

func TestRankCorr(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		{[]float64{1, 2, 3, 4}, []float64{1, 8, 27, 64}, 1}, // monotone, not linear
	}
	for _, c := range cases {
		if got := rankCorr(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("rankCorr(%v, %v) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}

func TestReadDeepRun(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	writeDeepRun(t, good, "J-SAM", 0.3, 0.05, 7, 0.75, true)
	r, err := ReadDeepRun(good)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "jsam" || r.Dataset != "fashion-mnist" || r.Model != "resnet18" || r.Noise != 0.3 || r.Rho != 0.05 || r.Seed != 7 || len(r.Epochs) != 5 {
		t.Errorf("read %+v", r)
	}
	if acc, ep := r.Best(); math.Abs(acc-0.75) > 1e-12 || ep != 3 {
		t.Errorf("Best() = %g at %d, want 0.75 (percent file converted) at epoch 3", acc, ep)
	}
	cases := []struct {
		name    string
		config  string
		metrics string
		wantErr string
	}{
		{"missing key", "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nseed: 1\n", "epoch,test_acc,clean_acc,flipped_acc\n1,0.5,0.5,0.5\n", "rho"},
		{"bad number", "method: sgd\ndataset: x\nmodel: y\nnoise: lots\nrho: 0\nseed: 1\n", "epoch,test_acc,clean_acc,flipped_acc\n1,0.5,0.5,0.5\n", "noise"},
		{"missing column", "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nrho: 0\nseed: 1\n", "epoch,test_acc,clean_acc\n1,0.5,0.5\n", "flipped_acc"},
		{"no rows", "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nrho: 0\nseed: 1\n", "epoch,test_acc,clean_acc,flipped_acc\n", "no rows"},
		{"bad value", "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nrho: 0\nseed: 1\n", "epoch,test_acc,clean_acc,flipped_acc\n1,abc,0.5,0.5\n", "test_acc"},
	}
	for _, c := range cases {
		d := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "config.yaml"), []byte(c.config), 0o644)
		os.WriteFile(filepath.Join(d, "metrics.csv"), []byte(c.metrics), 0o644)
		_, err := ReadDeepRun(d)
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.wantErr)
		}
	}
	if _, err := FindDeepRuns([]string{t.TempDir()}); err == nil {
		t.Error("FindDeepRuns of an empty folder: no error")
	}
}
