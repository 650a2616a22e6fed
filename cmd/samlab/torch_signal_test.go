//go:build torch

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/runner"
)

// tinyMNIST writes a small MNIST-layout dataset (8x8 images) into a folder.
func tinyMNIST(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", nTrain}, {"t10k", nTest}} {
		s := &dataset.Set{N: f.n, C: 1, H: 8, W: 8, K: 10}
		st := uint32(f.n)
		for i := range f.n {
			s.Labels = append(s.Labels, i%10)
			for p := range 64 {
				st = st*1664525 + 1013904223
				v := int(st>>26) * 2
				if p/8 == (i%10)%8 {
					v += 120
				}
				s.Pixels = append(s.Pixels, byte(v))
			}
		}
		if err := dataset.WriteIDX(filepath.Join(dir, f.prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, f.prefix+"-labels-idx1-ubyte.gz"), s, true); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTorchSignalsSaveAndResumeExactly: SIGINT and SIGTERM stop `samlab
// train` with exit status 130 after saving its state, and the resumed run
// equals the uninterrupted one (metrics and weights).
func TestTorchSignalsSaveAndResumeExactly(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	data := tinyMNIST(t, 160, 40)
	args := func(out string) []string {
		return []string{"train", "--dataset", "mnist", "--data", data, "--model", "cnn", "--norm", "ln", "--width", "0.25",
			"--method", "jsam", "--epochs", "12", "--batch", "16", "--lr", "0.05", "--noise", "0.4", "--augment=false",
			"--threads", "2", "--device", "cpu", "--quiet", "--out", out}
	}
	root := t.TempDir()
	ref := filepath.Join(root, "ref")
	if code, _, stderr := runMain(t, root, args(ref)...); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, stderr)
	}
	want, err := runner.ReadMetrics(filepath.Join(ref, runner.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(root, "run-"+strings.ReplaceAll(sig.String(), " ", "-"))
			b, _ := json.Marshal(args(out))
			exe, _ := filepath.Abs(os.Args[0])
			cmd := exec.Command(exe, "-test.run=^TestDataMainChild$")
			cmd.Env = append(os.Environ(), "SAMLAB_DATA_ARGS="+string(b))
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the first epoch is in metrics.csv (mid-run).
			deadline := time.Now().Add(2 * time.Minute)
			for {
				rows, _ := runner.ReadMetrics(filepath.Join(out, runner.MetricsFile))
				if len(rows) >= 1 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
				t.Fatalf("exit %d (%v), want %d; stderr %q", code, err, ExitInterrupted, stderr.String())
			}
			if !strings.Contains(stderr.String(), "--resume") {
				t.Errorf("stderr %q does not say how to continue", stderr.String())
			}
			rows, _ := runner.ReadMetrics(filepath.Join(out, runner.MetricsFile))
			if len(rows) >= len(want) {
				t.Fatalf("the run finished before the signal (%d epochs): make it longer", len(rows))
			}
			resume := append(args(out), "--resume")
			if code, _, se := runMain(t, root, resume...); code != 0 {
				t.Fatalf("resume: exit %d: %s", code, se)
			}
			got, err := runner.ReadMetrics(filepath.Join(out, runner.MetricsFile))
			if err != nil || len(got) != len(want) {
				t.Fatalf("resumed metrics: %v, %d rows", err, len(got))
			}
			for i := range want {
				a, b := want[i], got[i]
				a.Seconds, a.ImagesPerSec, b.Seconds, b.ImagesPerSec = 0, 0, 0, 0
				if a != b {
					t.Fatalf("epoch %d differs:\n uninterrupted %+v\n resumed       %+v", i+1, a, b)
				}
			}
			_, p1, _, _, err := runner.LoadCheckpoint(filepath.Join(ref, runner.LastFile))
			if err != nil {
				t.Fatal(err)
			}
			_, p2, _, _, err := runner.LoadCheckpoint(filepath.Join(out, runner.LastFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(p1) == 0 || len(p1) != len(p2) {
				t.Fatalf("checkpoints hold %d and %d parameters", len(p1), len(p2))
			}
			for i := range p1 {
				if p1[i] != p2[i] {
					t.Fatalf("parameter %d: %g vs %g", i, p1[i], p2[i])
				}
			}
		})
	}
}

// TestTorchSweepInterrupted: SIGINT stops a local sweep with exit status
// 130 (its running cell saves its state, which is not a failure), and the
// same command then finishes the grid.
func TestTorchSweepInterrupted(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	data := tinyMNIST(t, 160, 40)
	root := filepath.Join(t.TempDir(), "grid")
	args := []string{"sweep", "--dataset", "mnist", "--data", data, "--model", "cnn", "--norm", "ln", "--width", "0.25",
		"--methods", "sgd", "--noises", "0.4", "--seeds", "1", "--epochs", "30", "--batch", "16", "--lr", "0.05",
		"--augment=false", "--threads", "2", "--device", "cpu", "--root", root}
	exe, _ := filepath.Abs(os.Args[0])
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "SAMLAB_AS_MAIN=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cell := ""
	deadline := time.Now().Add(2 * time.Minute)
	for cell == "" && time.Now().Before(deadline) {
		ms, _ := filepath.Glob(filepath.Join(root, "*", runner.MetricsFile))
		if len(ms) == 1 {
			if rows, _ := runner.ReadMetrics(ms[0]); len(rows) >= 1 {
				cell = filepath.Dir(ms[0])
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("sweep: exit %d, want %d; stdout %q stderr %q", code, ExitInterrupted, stdout.String(), stderr.String())
	}
	if cell == "" {
		t.Fatal("the cell wrote no epoch before the deadline")
	}
	if !strings.Contains(stderr.String(), "run the same command again") || strings.Contains(stderr.String(), "failed") {
		t.Errorf("stderr %q", stderr.String())
	}
	if rows, _ := runner.ReadMetrics(filepath.Join(cell, runner.MetricsFile)); len(rows) >= 30 {
		t.Fatalf("the cell finished before the signal (%d epochs): make it longer", len(rows))
	}
	again := exec.Command(exe, args...)
	again.Env = append(os.Environ(), "SAMLAB_AS_MAIN=1")
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("the same sweep again: %v\n%s", err, out)
	}
	if rows, err := runner.ReadMetrics(filepath.Join(cell, runner.MetricsFile)); err != nil || len(rows) != 30 {
		t.Fatalf("after the second sweep: %v, %d epochs, want 30", err, len(rows))
	}
}

// TestTorchBadInput: train, sweep, collect and speed refuse bad input with
// one line and create nothing.
func TestTorchBadInput(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	data := tinyMNIST(t, 40, 10)
	d := []string{"--dataset", "mnist", "--data", data}
	// A run whose metrics.csv holds only its header.
	hdr := t.TempDir()
	os.Mkdir(filepath.Join(hdr, "run"), 0o755)
	runner.WriteConfig(filepath.Join(hdr, "run", runner.ConfigFile), runner.Default())
	runner.WriteMetrics(filepath.Join(hdr, "run", runner.MetricsFile), nil)
	// A dataset folder where an IDX file's name is a folder.
	dirData := t.TempDir()
	copyTree(t, data, dirData)
	os.Remove(filepath.Join(dirData, "train-labels-idx1-ubyte.gz"))
	os.Mkdir(filepath.Join(dirData, "train-labels-idx1-ubyte.gz"), 0o755)
	checkBadInputs(t, []badInput{
		{append([]string{"sweep", "--parallel", "0", "--root", "X"}, d...), 1, "-parallel must be in [1, 1000], the cells run at once (got 0)"},
		{append([]string{"sweep", "--parallel", "-1", "--root", "X"}, d...), 1, "-parallel must be in [1, 1000], the cells run at once (got -1)"},
		{append([]string{"sweep", "--parallel", "1001", "--root", "X"}, d...), 1, "(got 1001)"},
		{[]string{"collect", "--root", filepath.Join(data, "train-images-idx3-ubyte.gz")}, 1, "train-images-idx3-ubyte.gz is not a directory"},
		{[]string{"collect", "--root", hdr}, 1, "no run under " + hdr + " has a finished epoch (" + filepath.Join(hdr, "run") + ")"},
		{append([]string{"train", "--out", "/proc/foo"}, d...), 1, "cannot create output folder /proc/foo: cannot write in /proc"},
		{append([]string{"sweep", "--slurm", "--root", "/proc/foo"}, d...), 1, "cannot create sweep folder /proc/foo: cannot write in /proc"},
		{[]string{"train", "--dataset", "mnist", "--data", dirData, "--out", "r"}, 1, "train-labels-idx1-ubyte.gz is a directory, not the dataset file"},
		{[]string{"train", "--dataset", "mnist", "--data", "nowhere", "--out", "r"}, 1, "put the MNIST files train-images-idx3-ubyte"},
		{append([]string{"train", "--lr", "inf", "--out", "r"}, d...), 1, "lr must be > 0 and finite (got +Inf)"},
		{append([]string{"train", "--momentum", "NaN", "--out", "r"}, d...), 1, "momentum must be in [0, 1) (got NaN)"},
		{append([]string{"train", "--rho", "NaN", "--out", "r"}, d...), 1, "rho must be >= 0 and finite (got NaN)"},
		{append([]string{"train", "--width", "0", "--out", "r"}, d...), 1, "width must be in (0, 16] (got 0)"},
		{append([]string{"train", "--model", "vgg", "--out", "r"}, d...), 1, `unknown model "vgg"`},
		{[]string{"train", "--dataset", "cifar10", "--data", "nowhere", "--out", "r"}, 1, "cifar10: dataset folder nowhere does not exist"},
		{append([]string{"train", "extra", "--out", "r"}, d...), 2, `unexpected argument "extra"`},
		{append([]string{"train", "--device", "tpu", "--out", "r"}, d...), 1, `unknown device "tpu"`},
		{append([]string{"sweep", "extra", "--slurm", "--root", "X"}, d...), 2, `unexpected argument "extra"`},
		{append([]string{"sweep", "--slurm", "--seeds", "100000", "--root", "X"}, d...), 1, "-seeds must be in [1, 1000] (got 100000)"},
		{append([]string{"sweep", "--slurm", "--noises", "NaN", "--root", "X"}, d...), 1, `-noises: "NaN" is not a finite number`},
		{[]string{"sweep", "--slurm", "--model", "vgg", "--root", "X"}, 1, `unknown model "vgg"`},
		{[]string{"sweep", "--slurm", "--dataset", "cifar10", "--data", "nowhere", "--root", "X"}, 1, "cifar10: dataset folder nowhere does not exist"},
		{[]string{"collect", "extra", "--root", "X"}, 2, `unexpected argument "extra"`},
		{[]string{"speed", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"speed", "--chunk", "-1"}, 1, "-chunk must be >= 0 (got -1)"},
		{[]string{"speed", "--steps", "0"}, 1, "-steps must be >= 1 (got 0)"},
		{[]string{"report", "--deep-run", "cifar10", "--quick", "--out", "r"}, 1, "--deep-run: cifar10: dataset folder data/cifar10 does not exist"},
	})
}
