//go:build torch

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/native/runner"
)

// snapshot returns every file under dir with the SHA-256 of its contents
// (folders as "dir"): what a refused command must leave as it was.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, _ := os.ReadFile(p)
		h := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(h[:])
		return nil
	})
	return out
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTorchRunIdentity: a run folder accepts only its own checkpoint and
// settings. Each case prepares a folder from finished runs, runs samlab in
// it and must get a one-line refusal naming what differs, a non-zero exit,
// no panic and the folder unchanged (nothing written, nothing lost).
func TestTorchRunIdentity(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	t.Setenv("SAMLAB_AS_MAIN", "1") // a local sweep runs this binary as samlab train
	data := tinyMNIST(t, 40, 10)
	train := func(out string, extra ...string) []string {
		return append([]string{"train", "--dataset", "mnist", "--data", data, "--model", "cnn", "--norm", "ln", "--width", "0.25",
			"--method", "sgd", "--batch", "16", "--lr", "0.05", "--augment=false", "--threads", "1", "--device", "cpu", "--quiet", "--out", out}, extra...)
	}
	runs := t.TempDir()
	for _, r := range []struct {
		name string
		args []string
	}{
		{"seed3", []string{"--seed", "3", "--epochs", "2"}},
		{"seed4", []string{"--seed", "4", "--epochs", "5"}},
		{"seed3long", []string{"--seed", "3", "--epochs", "5"}},
	} {
		if code, _, se := runMain(t, runs, train(filepath.Join(runs, r.name), r.args...)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", r.name, code, se)
		}
	}
	run := func(name string) string { return filepath.Join(runs, name) }
	sweepArgs := func(root string, extra ...string) []string {
		return append([]string{"sweep", "--dataset", "mnist", "--data", data, "--model", "cnn", "--norm", "ln", "--width", "0.25",
			"--methods", "sgd", "--noises", "0.3", "--epochs", "1", "--batch", "16", "--augment=false", "--threads", "1",
			"--device", "cpu", "--root", root}, extra...)
	}
	sweepRoot := filepath.Join(runs, "sweep")
	if code, _, se := runMain(t, runs, sweepArgs(sweepRoot, "--lr", "0.05")...); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, se)
	}
	garbage := t.TempDir()
	copyTree(t, data, garbage)
	os.WriteFile(filepath.Join(garbage, "train-images-idx3-ubyte.gz"), []byte("not gzip"), 0o644)

	cases := []struct {
		name  string
		setup func(dir string) // dir: the case's folder
		args  func(dir string) []string
		want  string
	}{
		{"another run's checkpoint (seed 4 in a seed-3 folder)",
			func(d string) {
				copyTree(t, run("seed3"), d)
				copyFile(t, filepath.Join(run("seed4"), runner.LastFile), filepath.Join(d, runner.LastFile))
			},
			func(d string) []string { return []string{"train", "--resume", "--out", d, "--epochs", "6"} },
			"belongs to another run: it was written with seed 4, this run's is 3"},
		{"epoch-5 checkpoint in a 2-epoch folder",
			func(d string) {
				copyTree(t, run("seed3"), d)
				copyFile(t, filepath.Join(run("seed3long"), runner.LastFile), filepath.Join(d, runner.LastFile))
			},
			func(d string) []string { return []string{"train", "--resume", "--out", d, "--epochs", "6"} },
			"is at epoch 5 but metrics.csv holds 2 epochs"},
		{"config.yaml gone, --config with another seed",
			func(d string) { copyTree(t, run("seed3"), d); os.Remove(filepath.Join(d, runner.ConfigFile)) },
			func(d string) []string { return train(d, "--seed", "4", "--epochs", "3", "--resume") },
			"belongs to another run: it was written with seed 3, this run's is 4"},
		{"config.yaml gone, bare --resume",
			func(d string) { copyTree(t, run("seed3"), d); os.Remove(filepath.Join(d, runner.ConfigFile)) },
			func(d string) []string { return []string{"train", "--resume", "--out", d} },
			"config.yaml is missing, so the run's settings are unknown: pass them with --config"},
		{"bare --resume on a folder never started",
			func(d string) {},
			func(d string) []string { return []string{"train", "--resume", "--out", filepath.Join(d, "never")} },
			"no run was started there (no config.yaml, no last.ckpt): start it without --resume"},
		{"bare --resume on an empty folder",
			func(d string) { os.Mkdir(filepath.Join(d, "empty"), 0o755) },
			func(d string) []string {
				return []string{"train", "--resume", "--epochs", "3", "--out", filepath.Join(d, "empty")}
			},
			"no run was started there"},
		{"last.ckpt is a directory",
			func(d string) {
				copyTree(t, run("seed3"), d)
				os.Remove(filepath.Join(d, runner.LastFile))
				os.Mkdir(filepath.Join(d, runner.LastFile), 0o755)
			},
			func(d string) []string { return []string{"train", "--resume", "--out", d, "--epochs", "3"} },
			"last.ckpt is a directory, not a checkpoint"},
		{"a checkpoint from a newer samlab",
			func(d string) {
				copyTree(t, run("seed3"), d)
				p := filepath.Join(d, runner.LastFile)
				b, _ := os.ReadFile(p)
				os.WriteFile(p, []byte(strings.Replace(string(b), `"version":3`, `"version":9`, 1)), 0o644)
			},
			func(d string) []string { return []string{"train", "--resume", "--out", d, "--epochs", "3"} },
			"was written by a newer samlab (checkpoint format 9"},
		{"sweep rerun with a changed --lr",
			func(d string) { copyTree(t, sweepRoot, d) },
			func(d string) []string { return sweepArgs(d, "--lr", "0.1") },
			"cannot resume " + "X" + " with lr 0.1: the run was started with lr 0.05"},
		{"sweep --slurm rerun with a changed --lr",
			func(d string) { copyTree(t, sweepRoot, d) },
			func(d string) []string { return sweepArgs(d, "--lr", "0.1", "--slurm") },
			"with lr 0.1: the run was started with lr 0.05"},
		{"local sweep on an unreadable dataset",
			func(d string) {},
			func(d string) []string {
				a := sweepArgs(filepath.Join(d, "new"))
				a[4] = garbage
				return a
			},
			"train-images-idx3-ubyte.gz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(dir)
			before := snapshot(t, dir)
			args := tc.args(dir)
			code, _, stderr := runMain(t, dir, args...)
			want := strings.ReplaceAll(tc.want, "X", filepath.Join(dir, "sgd_noise0.3_rho0.01_seed0"))
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code == 0 || len(lines) != 1 || !strings.Contains(lines[0], want) || strings.Contains(stderr, "goroutine") {
				t.Errorf("exit %d, stderr %q; want a non-zero exit and one line containing %q", code, stderr, want)
			}
			after := snapshot(t, dir)
			for p, h := range before {
				if after[p] != h {
					t.Errorf("%s changed", p)
				}
			}
			for p := range after {
				if _, ok := before[p]; !ok {
					t.Errorf("%s created", p)
				}
			}
		})
	}

	// The advice works: with config.yaml gone, the run's own settings
	// (flags) resume it from its checkpoint.
	d := t.TempDir()
	copyTree(t, run("seed3"), d)
	os.Remove(filepath.Join(d, runner.ConfigFile))
	if code, _, se := runMain(t, d, train(d, "--seed", "3", "--epochs", "3", "--resume")...); code != 0 {
		t.Fatalf("resume with the run's flags: exit %d: %s", code, se)
	}
	if rows, err := runner.ReadMetrics(filepath.Join(d, runner.MetricsFile)); err != nil || len(rows) != 3 || rows[2].Epoch != 3 {
		t.Fatalf("after the resume: %v, %+v", err, rows)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTorchSweepSlurmHostileRoot: with a root a shell would expand, sweep
// --slurm writes its script and prints a submit command that names the
// script when a shell reads it; nothing from the root runs.
func TestTorchSweepSlurmHostileRoot(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	data := tinyMNIST(t, 20, 10)
	dir := t.TempDir()
	root := filepath.Join(dir, "d$(touch F)x `touch F` $HOME it's")
	code, stdout, stderr := runMain(t, dir, "sweep", "--slurm", "--dataset", "mnist", "--data", data, "--methods", "sgd", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, word, ok := strings.Cut(stdout, "submit with: sbatch ")
	if !ok {
		t.Fatalf("stdout %q", stdout)
	}
	out, err := exec.Command("bash", "-c", "printf %s "+strings.TrimSpace(word)).Output()
	if err != nil || string(out) != filepath.Join(root, "sweep.sbatch") {
		t.Errorf("the printed command names %q (%v), want %q", out, err, filepath.Join(root, "sweep.sbatch"))
	}
	if _, err := os.Stat(filepath.Join(dir, "F")); err == nil {
		t.Error("a command from the root ran")
	}
}
