package report

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
