package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/native/configfile"
)

func TestToyWritesOutputs(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.json")
	err := runToy(context.Background(), []string{"-preset", "linear2d", "-methods", "sgd,1-sam", "-seeds", "2",
		"-steps", "20", "-record-every", "10", "-out", dir, "-trace", trace, "-trace-method", "1sam", "-quiet"})
	if err != nil {
		t.Fatal(err)
	}
	// resolved config loads back with the overrides applied
	c, err := configfile.Load(filepath.Join(dir, "config.yaml"))
	if err != nil || c.Seeds != 2 || c.Train.Steps != 20 || strings.Join(c.Methods, ",") != "sgd,1sam" || c.NoiseConvention == "" {
		t.Fatalf("config: %v %+v", err, c)
	}
	f, _ := os.Open(filepath.Join(dir, "metrics.csv"))
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 1+2*2*3 || rows[0][0] != "method" || rows[0][5] != "test_acc" {
		t.Fatalf("metrics.csv: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	var sum struct {
		Methods []struct {
			Method       string
			BestTestAcc  struct{ Mean float64 } `json:"best_test_acc"`
			FlippedShare struct {
				Mean float64
				N    int
			} `json:"flipped_share"`
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Methods) != 2 || sum.Methods[1].Method != "1sam" || sum.Methods[0].BestTestAcc.Mean < 0.5 ||
		sum.Methods[1].FlippedShare.N != 2 || !(sum.Methods[1].FlippedShare.Mean > 0 && sum.Methods[1].FlippedShare.Mean < 1) {
		t.Fatalf("summary: %v %+v", err, sum)
	}
	var tr experiment.Trace
	b, _ = os.ReadFile(trace)
	if err := json.Unmarshal(b, &tr); err != nil || tr.Schema != experiment.TraceSchema || tr.Method != "1sam" || len(tr.Steps) != 3 || tr.Steps[2].Step != 20 {
		t.Fatalf("trace: %v %+v", err, tr.Steps)
	}
	flipped := 0
	for _, f := range tr.Train.Flipped {
		if f {
			flipped++
		}
	}
	if flipped != 30 {
		t.Errorf("trace has %d flipped, want 30", flipped)
	}
}

func TestToyRejectsBadInput(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(cfg, []byte("preset: demo\ntrain:\n  lr: -1\n  stepz: 3\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-noise", "0.7"}, "data.noise must be in [0, 0.5]"},
		{[]string{"-methods", "sgd,adam"}, `unknown method "adam"`},
		{[]string{"-preset", "nope"}, "unknown preset"},
		{[]string{"-config", cfg}, "stepz"},
		{[]string{"-config", "/nonexistent.yaml"}, "nonexistent.yaml"},
		{[]string{"-hidden", "32,x"}, `"x" is not a width`},
		{[]string{"-lr", "0"}, "lr must be > 0"},
		{[]string{"-methods", ""}, "name at least one of sgd, sam, 1sam, lsam, jsam, regsgd"},
	}
	for _, tc := range cases {
		err := runToy(context.Background(), append(tc.args, "-out", t.TempDir(), "-quiet"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// -trace-seed names the traced seed, 0 included; without it the trace is
// of the first seed.
func TestToyTraceSeed(t *testing.T) {
	for _, c := range []struct {
		args []string
		want uint64
	}{
		{[]string{"-trace-seed", "0"}, 0},
		{[]string{"-trace-seed", "4"}, 4},
		{nil, 3},
	} {
		dir := t.TempDir()
		trace := filepath.Join(dir, "trace.json")
		args := append([]string{"-preset", "linear2d", "-methods", "sgd", "-seeds", "2", "-first-seed", "3",
			"-steps", "10", "-record-every", "10", "-out", dir, "-trace", trace, "-quiet"}, c.args...)
		if err := runToy(context.Background(), args); err != nil {
			t.Fatal(err)
		}
		var tr experiment.Trace
		b, _ := os.ReadFile(trace)
		if err := json.Unmarshal(b, &tr); err != nil || tr.Seed != c.want {
			t.Errorf("%v: traced seed %d (%v), want %d", c.args, tr.Seed, err, c.want)
		}
	}
}

// The usage names -config's argument "file" (a backquoted word in a flag's
// usage becomes its argument name).
func TestToyUsage(t *testing.T) {
	var b strings.Builder
	f := newToyFlags()
	f.fs.SetOutput(&b)
	f.fs.PrintDefaults()
	if !strings.Contains(b.String(), "-config file") || strings.Contains(b.String(), "-config preset:") {
		t.Errorf("usage of -config:\n%s", b.String())
	}
}
