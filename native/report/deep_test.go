package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/deep"
	"github.com/samlab/samlab/native/runner"
)

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
	// The native CLI's metrics.csv (runner.MetricsHeader), with one epoch.
	header := strings.Join(runner.MetricsHeader, ",") + "\n"
	epoch := "1,0.7,0.5,0.6,0.6,0.5,0.5,1,1.5,1000\n"
	noFlipped := strings.Replace(header, "flipped_acc,", "", 1)
	ok := "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nrho: 0\nseed: 1\n"
	cases := []struct {
		name    string
		config  string
		metrics string
		wantErr string
		// also is a second string the error must hold: the fault, beyond
		// the list of columns the message gives with any metrics.csv error.
		also string
	}{
		{"missing key", "method: sgd\ndataset: x\nmodel: y\nnoise: 0\nseed: 1\n", header + epoch, "rho", ""},
		{"bad number", "method: sgd\ndataset: x\nmodel: y\nnoise: lots\nrho: 0\nseed: 1\n", header + epoch, "noise", ""},
		{"missing column", ok, noFlipped + "1,0.7,0.5,0.6,0.6,0.5,1,1.5,1000\n", "flipped_acc", "header"},
		{"no rows", ok, header, "no rows", ""},
		{"bad value", ok, header + "1,0.7,abc,0.6,0.6,0.5,0.5,1,1.5,1000\n", "test_acc", `"abc"`},
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
		if err != nil && !strings.Contains(err.Error(), c.also) {
			t.Errorf("%s: error %v does not mention %q", c.name, err, c.also)
		}
	}
	if _, err := FindDeepRuns([]string{t.TempDir()}); err == nil {
		t.Error("FindDeepRuns of an empty folder: no error")
	}
}

// writeRun writes a synthetic native run: 8 epochs, test accuracy peaking
// at best (epoch 4), flipped-train accuracy crossing 50% at epoch memAt
// (0: never).
func writeRun(t *testing.T, dir, method string, noise float64, seed int, best float64, memAt, epochs int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("method: %s\ndataset: fashion-mnist\nmodel: cnn\nnoise: %g\nrho: 0.01\nseed: %d\ngamma_act: 0.001\ngamma_last: 0.001\n", method, noise, seed)
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o644)
	var rows []runner.Row
	top, topEp := 0.0, 0
	for ep := 1; ep <= epochs; ep++ {
		acc := best - 0.01*math.Abs(float64(ep-4)) + 0.001*float64(seed)
		if acc > top {
			top, topEp = acc, ep
		}
		fl := 0.2
		if memAt > 0 && ep >= memAt {
			fl = 0.6 + 0.04*float64(ep-memAt)
		}
		rows = append(rows, runner.Row{Epoch: ep, Loss: 1, TestAcc: acc, TrainAcc: 0.8, CleanAcc: 0.9, FlippedAcc: fl, BestTestAcc: top, BestEpoch: topEp, Seconds: 1, ImagesPerSec: 100})
	}
	if err := runner.WriteMetrics(filepath.Join(dir, "metrics.csv"), rows); err != nil {
		t.Fatal(err)
	}
}

// The five deep verdicts follow the numbers: constructed runs where every
// claim holds, and variants that break one claim each.
func TestDeepClaims(t *testing.T) {
	type run struct {
		best  float64
		memAt int
	}
	base := map[string][2]run{ // method -> {40% noise, no noise}
		"sgd": {{0.70, 3}, {0.88, 0}}, "sam": {{0.76, 5}, {0.885, 0}}, "1sam": {{0.78, 6}, {0.886, 0}},
		"lsam": {{0.71, 3}, {0.88, 0}}, "jsam": {{0.77, 6}, {0.885, 0}}, "regsgd": {{0.74, 4}, {0.881, 0}},
	}
	cases := []struct {
		name   string
		change func(m map[string][2]run)
		want   [5]Verdict
	}{
		{"all hold", func(map[string][2]run) {}, [5]Verdict{Holds, Holds, Holds, Holds, Holds}},
		{"no gain", func(m map[string][2]run) {
			for _, k := range []string{"sam", "1sam", "jsam", "lsam", "regsgd"} {
				r := m[k]
				r[0] = run{0.70, 3}
				m[k] = r
			}
		}, [5]Verdict{NoDifference, NoDifference, Inconclusive, Inconclusive, NoDifference}},
		{"L-SAM keeps the gain", func(m map[string][2]run) { r := m["lsam"]; r[0].best = 0.78; m["lsam"] = r }, [5]Verdict{Holds, Holds, Mixed, Holds, Holds}},
		{"SGD never memorises", func(m map[string][2]run) { r := m["sgd"]; r[0].memAt = 0; m["sgd"] = r }, [5]Verdict{Holds, Holds, Holds, Holds, Inconclusive}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string][2]run{}
			for k, v := range base {
				m[k] = v
			}
			tc.change(m)
			dir := t.TempDir()
			for k, v := range m {
				for s := 0; s < 3; s++ {
					writeRun(t, filepath.Join(dir, fmt.Sprintf("%s-40-%d", k, s)), k, 0.4, s, v[0].best, v[0].memAt, 8)
					writeRun(t, filepath.Join(dir, fmt.Sprintf("%s-0-%d", k, s)), k, 0, s, v[1].best, v[1].memAt, 8)
				}
			}
			cs, err := deepClaims([]string{dir}, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			// A table per setting and the anchors; test, clean and flipped accuracy.
			if len(cs) != 5 || len(cs[0].Tables) != 3 || len(cs[0].Figures) != 3 {
				t.Fatalf("%d claims, %d tables, %d figures", len(cs), len(cs[0].Tables), len(cs[0].Figures))
			}
			for i, c := range cs {
				if v := Combine(c.Tests); v != tc.want[i] {
					t.Errorf("D%d %s: %v, want %v:\n%s", i+1, c.Title, v, tc.want[i], summarize(c.Tests))
				}
			}
		})
	}
}

// D5's premise counts the SGD runs that memorise: two of three that never
// do, shorter than the third, must not count as memorised.
func TestDeepMemorisationPremiseCountsRuns(t *testing.T) {
	dir := t.TempDir()
	for s := 0; s < 3; s++ {
		memAt, epochs := 3, 8
		if s > 0 {
			memAt, epochs = 0, 5
		}
		writeRun(t, filepath.Join(dir, fmt.Sprintf("sgd-40-%d", s)), "sgd", 0.4, s, 0.70, memAt, epochs)
		writeRun(t, filepath.Join(dir, fmt.Sprintf("sam-40-%d", s)), "sam", 0.4, s, 0.76, 5, 8)
	}
	cs, err := deepClaims([]string{dir}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		for _, x := range c.Tests {
			if strings.HasPrefix(x.Name, "SGD memorises") {
				if x.Pass || x.Detail != "in 1/3 runs" {
					t.Errorf("%s: pass %v, %s; want a failed premise, in 1/3 runs", x.Name, x.Pass, x.Detail)
				}
				return
			}
		}
	}
	t.Fatal("no memorisation premise in the deep claims")
}

// writeArmRun writes a synthetic run like writeRun, with the training
// setting a names (train images, batch, lr, weight decay).
func writeArmRun(t *testing.T, dir, method string, noise float64, seed int, best float64, memAt int, a arm) {
	t.Helper()
	writeRun(t, dir, method, noise, seed, best, memAt, 8)
	extra := fmt.Sprintf("train_subset: %d\nbatch: %d\nlr: %g\nweight_decay: %g\nepochs: 8\n", a.Train, a.Batch, a.LR, a.WD)
	f, err := os.OpenFile(filepath.Join(dir, "config.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(extra)
	f.Close()
}

// Runs of two training arms (the tuned grid and the paper's settings) are
// separate settings: never paired across arms, each noisy setting with its
// own verdicts, the arm named; the per-seed file has one row per run, and
// the anchors table has the published rows and one row per setting.
func TestDeepArms(t *testing.T) {
	tuned := arm{Train: 10000, Batch: 64, LR: 0.02}
	paper := arm{Train: 10000, Batch: 128, LR: 0.01, WD: 5e-4}
	// In the tuned arm SAM gains 6 points at 60% noise; in the paper's arm none.
	dir := t.TempDir()
	for s := 0; s < 3; s++ {
		for _, n := range []float64{0, 0.6} {
			gain := 0.0
			if n > 0 {
				gain = 0.06
			}
			writeArmRun(t, filepath.Join(dir, "grid", fmt.Sprintf("sgd-%g-%d", n, s)), "sgd", n, s, 0.70, 3, tuned)
			writeArmRun(t, filepath.Join(dir, "grid", fmt.Sprintf("sam-%g-%d", n, s)), "sam", n, s, 0.70+gain, 5, tuned)
			writeArmRun(t, filepath.Join(dir, "paper", fmt.Sprintf("sgd-%g-%d", n, s)), "sgd", n, s, 0.60, 3, paper)
			writeArmRun(t, filepath.Join(dir, "paper", fmt.Sprintf("sam-%g-%d", n, s)), "sam", n, s, 0.60, 3, paper)
		}
	}
	out := t.TempDir()
	cs, err := deepClaims([]string{dir}, out)
	if err != nil {
		t.Fatal(err)
	}
	d1 := cs[0]
	if len(d1.Tests) != 2 {
		t.Fatalf("D1 has %d tests, want one per noisy arm:\n%s", len(d1.Tests), summarize(d1.Tests))
	}
	for _, x := range d1.Tests {
		isPaper := strings.Contains(x.Name, "the paper's settings")
		if x.Pass == isPaper {
			t.Errorf("%s: pass %v (the tuned arm gains, the paper's does not)", x.Name, x.Pass)
		}
	}
	if len(d1.Tables) != 4+1 || !strings.Contains(d1.Tables[3].Caption, "(the paper's settings, untuned)") {
		t.Errorf("%d tables; the last setting's caption %q", len(d1.Tables), d1.Tables[3].Caption)
	}
	anchors := d1.Tables[len(d1.Tables)-1]
	if len(anchors.Rows) != len(publishedGaps)+4 || anchors.Rows[0][0] != publishedGaps[0].Source {
		t.Errorf("anchors rows %v", anchors.Rows)
	}
	b, err := os.ReadFile(filepath.Join(out, DeepSeedsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1+24 || lines[0] != strings.Join(DeepSeedsHeader, ",") {
		t.Fatalf("%s: %d lines, header %q", DeepSeedsFile, len(lines), lines[0])
	}
	if !strings.Contains(string(b), "10000,8,128,0.01,0.0005,0.6,sam,0.01,0.001,0.001,2,") {
		t.Errorf("%s lacks the paper arm's SAM run at 60%% noise, seed 2:\n%s", DeepSeedsFile, b)
	}
	for _, c := range cs[1:2] { // D2 compares each arm's noisy gain with its own clean gain
		for _, x := range c.Tests {
			if x.Pass == strings.Contains(x.Name, "the paper's settings") {
				t.Errorf("D2 %s: pass %v", x.Name, x.Pass)
			}
		}
	}
}

// The setting's table gives the final-epoch gain beside the best-epoch
// gain: here SAM's final accuracy gains 2 points less than its best.
func TestDeepFinalGain(t *testing.T) {
	dir := t.TempDir()
	for s := 0; s < 3; s++ {
		writeRun(t, filepath.Join(dir, fmt.Sprintf("sgd-%d", s)), "sgd", 0.6, s, 0.70, 3, 8)
		writeRun(t, filepath.Join(dir, fmt.Sprintf("sam-%d", s)), "sam", 0.6, s, 0.76, 5, 8)
	}
	// SAM's last epoch loses 2 more points.
	for s := 0; s < 3; s++ {
		path := filepath.Join(dir, fmt.Sprintf("sam-%d", s), "metrics.csv")
		rows, err := runner.ReadMetrics(path)
		if err != nil {
			t.Fatal(err)
		}
		rows[len(rows)-1].TestAcc -= 0.02
		runner.WriteMetrics(path, rows)
	}
	cs, err := deepClaims([]string{dir}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	row := cs[0].Tables[0].Rows[1]
	best, final := row[len(row)-2], row[len(row)-1]
	if !strings.HasPrefix(best, "+6.0") || !strings.HasPrefix(final, "+4.0") {
		t.Errorf("SAM gains: best-epoch %q, final-epoch %q; want +6.0 and +4.0", best, final)
	}
	if !strings.Contains(cs[0].Headline, "(final epoch +4.0") {
		t.Errorf("headline %q lacks the final-epoch gain", cs[0].Headline)
	}
}

// The search table names the choices of the families the search tried,
// and only those.
func TestSearchTableFamilies(t *testing.T) {
	ch := &deep.Choice{SAMRho: 0.02, PerExampleRho: 0.005, Trials: []deep.Trial{
		{Candidate: deep.Candidate{Method: "sam", Rho: 0.02}, BestAcc: 0.7, BestEpoch: 3},
		{Candidate: deep.Candidate{Method: "1sam", Rho: 0.005}, BestAcc: 0.7, BestEpoch: 4}}}
	c := searchTable(ch).Caption
	if !strings.Contains(c, "SAM rho 0.02, 1-SAM/L-SAM/J-SAM rho 0.005 (") || strings.Contains(c, "Reg-SGD") {
		t.Errorf("caption %q", c)
	}
	ch.Trials = append(ch.Trials, deep.Trial{Candidate: deep.Candidate{Method: "regsgd", GammaAct: 1e-3, GammaLast: 1e-2}})
	ch.GammaAct, ch.GammaLast = 1e-3, 1e-2
	if c := searchTable(ch).Caption; !strings.Contains(c, "Reg-SGD γ_act 0.001, γ_last 0.01") {
		t.Errorf("caption %q", c)
	}
}
