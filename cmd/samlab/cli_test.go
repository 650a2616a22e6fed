package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runMain runs `samlab args...` as a child process (this test binary's
// TestDataMainChild calls main) in the folder dir and returns its exit
// status and output.
func runMain(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	b, _ := json.Marshal(args)
	exe, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestDataMainChild$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SAMLAB_DATA_ARGS="+string(b))
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	// The child is a test binary: drop its own PASS/ok lines.
	o := strings.TrimSuffix(strings.TrimSuffix(out.String(), "PASS\n"), "\n")
	return code, o, errb.String()
}

// badInput is one case of a command's bad-input table: the command must
// exit with code, print one line to stderr containing want (naming the key
// and the value), not panic, and create nothing in its folder.
type badInput struct {
	args []string
	code int
	want string
}

func checkBadInputs(t *testing.T, cases []badInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := runMain(t, dir, tc.args...)
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != tc.code || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || strings.Contains(stderr, "goroutine") {
				t.Errorf("exit %d, stderr %q; want exit %d and one line containing %q", code, stderr, tc.code, tc.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("created %v", ents[0].Name())
			}
		})
	}
}

// TestBadInputToy: every refusal of samlab toy is one line, before any work.
func TestBadInputToy(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	empty := filepath.Join(t.TempDir(), "empty.yaml")
	frac := filepath.Join(t.TempDir(), "frac.yaml")
	nan := filepath.Join(t.TempDir(), "nan.yaml")
	huge := filepath.Join(t.TempDir(), "huge.yaml")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(frac, []byte("preset: demo\ntrain:\n  steps: 20.5\n"), 0o644)
	os.WriteFile(nan, []byte("preset: demo\ntrain:\n  lr: .nan\n"), 0o644)
	os.WriteFile(huge, []byte("preset: highdim\ndata:\n  d: 1000000000\n"), 0o644)
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	os.WriteFile(typo, []byte("preset: demo\nseed: 3\n"), 0o644)
	kind := filepath.Join(t.TempDir(), "kind.yaml")
	os.WriteFile(kind, []byte("preset: demo\ndata:\n  noise: lots\n"), 0o644)
	// Within every documented bound, far beyond any machine's memory.
	big := filepath.Join(t.TempDir(), "big.yaml")
	os.WriteFile(big, []byte("preset: demo\nseeds: 16\ndata:\n  n_train: 100000\n  n_test: 100000\nmodel:\n  kind: mlp\n  hidden: [4096, 4096, 4096]\n"), 0o644)
	ro := t.TempDir()
	os.Chmod(ro, 0o555)
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	cases := []badInput{
		{[]string{"toy", "--lr", "inf", "--out", "o"}, 1, "lr must be > 0 and finite (got +Inf)"},
		{[]string{"toy", "--momentum", "NaN", "--out", "o"}, 1, "momentum must be in [0, 1) (got NaN)"},
		{[]string{"toy", "--rho", "NaN", "--out", "o"}, 1, "rho must be >= 0 and finite (got NaN)"},
		{[]string{"toy", "--methods", "", "--out", "o"}, 1, "methods: name at least one of sgd, sam, 1sam, lsam, jsam, regsgd"},
		{[]string{"toy", "--methods", "sgd,sgd", "--out", "o"}, 1, `methods[1]: "sgd" repeats methods[0]`},
		{[]string{"toy", "--config", empty, "--out", "o"}, 1, "empty.yaml is empty"},
		{[]string{"toy", "--config", frac, "--out", "o"}, 1, "train.steps: 20.5 is not a whole number"},
		{[]string{"toy", "--config", nan, "--out", "o"}, 1, "lr must be > 0 and finite (got NaN)"},
		{[]string{"toy", "--config", huge, "--out", "o"}, 1, "d must be in [2, 50000000] (got 1000000000)"},
		{[]string{"toy", "--trace", "t.json", "--trace-method", "adam", "--out", "o"}, 1, `-trace-method: unknown method "adam"`},
		{[]string{"toy", "--trace", "/nonexistent/dir/t.json", "--out", "o"}, 1, "-trace /nonexistent/dir/t.json"},
		{[]string{"toy", "--config", big, "--workers", "16", "--out", "o"}, 1, "this experiment needs about "},
		{[]string{"toy", "--config", typo, "--out", "o"}, 1, `line 2: unknown key "seed" (did you mean "seeds"?)`},
		{[]string{"toy", "--config", kind, "--out", "o"}, 1, `line 3: data.noise: "lots" is not a number`},
		{[]string{"toy", "extra", "--out", "o"}, 2, `unexpected argument "extra"`},
		{[]string{"toy", "--bogus"}, 2, "flag provided but not defined: -bogus (samlab toy -h lists the flags)"},
		{[]string{"toy", "--steps", "x"}, 2, `invalid value "x" for flag -steps`},
	}
	if os.Geteuid() != 0 { // root writes into a read-only folder anyway
		cases = append(cases, badInput{[]string{"toy", "--out", filepath.Join(ro, "o")}, 1, "cannot write in " + ro})
	}
	checkBadInputs(t, cases)
}

// TestBadInputReport: samlab report refuses bad values before any run.
func TestBadInputReport(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	checkBadInputs(t, []badInput{
		{[]string{"report", "--seeds", "-1", "--out", "r"}, 1, "-seeds must be in [0, 1000], 0 meaning the default (got -1)"},
		{[]string{"report", "--first-seed", "-3", "--out", "r"}, 1, "-first-seed must be in [0, 1000000] (got -3)"},
		{[]string{"report", "--workers", "-3", "--out", "r"}, 1, "-workers must be in [0, 1000]"},
		{[]string{"report", "--seeds", "12", "--max-seeds", "11", "--out", "r"}, 1, "-max-seeds 11: plan: max seeds must be >= seeds (got 11 < 12)"},
		{[]string{"report", "now", "--out", "r"}, 2, `unexpected argument "now"`},
		{[]string{"report", "--claims", "5,9", "--out", "r"}, 1, `-claims 5,9: report: unknown claim "9" (the claims are 1, 2, 3, 4, 5, 6, 7, 8, D1, D2, D3, D4, D5)`},
		{[]string{"report", "--claims", "5", "--docs", "d", "--out", "r"}, 1, "-claims 5 with -docs d: the docs copy needs every claim"},
		{[]string{"report", "--deep", "nowhere", "--out", "r"}, 1, "-deep: deep: lstat nowhere: no such file or directory"},
		{[]string{"report", "--out", "/proc/r"}, 1, "-out /proc/r"},
	})
}

// TestToyErrorsAllAtOnce: every invalid train.* value is reported in one
// go, one line each, as the docs say.
func TestToyErrorsAllAtOnce(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("preset: demo\ntrain:\n  lr: -1\n  momentum: 2\n  weight_decay: -3\n  rho: -4\n  gamma_last: .inf\n  steps: -5\n  batch: -6\n  record_every: -7\n"), 0o644)
	code, _, stderr := runMain(t, dir, "toy", "--config", cfg, "--out", "o")
	want := []string{
		"samlab toy: train: lr must be > 0 and finite (got -1)",
		"samlab toy: train: momentum must be in [0, 1) (got 2)",
		"samlab toy: train: weight_decay must be >= 0 and finite (got -3)",
		"samlab toy: train: rho must be >= 0 and finite (got -4)",
		"samlab toy: train: gamma_last must be >= 0 and finite (got +Inf)",
		"samlab toy: train: batch must be >= 0, 0 meaning full batch (got -6)",
		"samlab toy: train: steps must be in [0, 10000000] (got -5)",
		"samlab toy: train: record_every must be >= 0 (got -7)",
	}
	if code != 1 || strings.TrimSpace(stderr) != strings.Join(want, "\n") {
		t.Errorf("exit %d, stderr\n%s\nwant\n%s", code, stderr, strings.Join(want, "\n"))
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("wrote o")
	}
}
