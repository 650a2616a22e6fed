package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mnistDir writes an MNIST-layout folder in the real IDX format: the
// training and test sets, and, if labels are given, label files from those
// sets instead (to make counts disagree).
func mnistDir(t *testing.T, train, test, trainLabels, testLabels *Set, gz bool) string {
	t.Helper()
	dir := t.TempDir()
	ext := ""
	if gz {
		ext = ".gz"
	}
	for _, f := range []struct {
		prefix        string
		images, label *Set
	}{{"train", train, trainLabels}, {"t10k", test, testLabels}} {
		ip := filepath.Join(dir, f.prefix+"-images-idx3-ubyte"+ext)
		lp := filepath.Join(dir, f.prefix+"-labels-idx1-ubyte"+ext)
		if err := WriteIDX(ip, lp, f.images, gz); err != nil {
			t.Fatal(err)
		}
		if f.label != nil {
			scratch := filepath.Join(dir, "scratch-images")
			if err := WriteIDX(scratch, lp, f.label, gz); err != nil {
				t.Fatal(err)
			}
			os.Remove(scratch)
		}
	}
	return dir
}

// TestLoadChecksShapesAndCounts: a folder whose sets cannot train together
// is refused when it is loaded, with an error naming the files, not after
// an epoch (a panic in the test pass) or with NaN accuracies (an empty set).
func TestLoadChecksShapesAndCounts(t *testing.T) {
	cases := []struct {
		name                    string
		train, test             *Set
		trainLabels, testLabels *Set
		gz                      bool
		want                    []string // substrings of the error
	}{
		{name: "test images larger", train: synth(4, 1, 28, 28), test: synth(2, 1, 32, 32),
			want: []string{"train-images-idx3-ubyte", "1x28x28", "t10k-images-idx3-ubyte", "1x32x32", "same size"}},
		{name: "test images narrower", train: synth(4, 1, 28, 28), test: synth(2, 1, 28, 14), gz: true,
			want: []string{"train-images-idx3-ubyte.gz", "1x28x28", "t10k-images-idx3-ubyte.gz", "1x28x14"}},
		{name: "test images smaller", train: synth(3, 1, 8, 8), test: synth(3, 1, 4, 8),
			want: []string{"1x8x8", "1x4x8"}},
		{name: "no training images", train: synth(0, 1, 28, 28), test: synth(2, 1, 28, 28),
			want: []string{"train-images-idx3-ubyte", "0 images"}},
		{name: "no test images", train: synth(2, 1, 28, 28), test: synth(0, 1, 28, 28), gz: true,
			want: []string{"t10k-images-idx3-ubyte.gz", "0 images"}},
		{name: "fewer training labels", train: synth(5, 1, 28, 28), test: synth(2, 1, 28, 28), trainLabels: synth(4, 1, 28, 28),
			want: []string{"train-labels-idx1-ubyte", "4 labels", "train-images-idx3-ubyte", "5 images"}},
		{name: "more test labels", train: synth(5, 1, 28, 28), test: synth(2, 1, 28, 28), testLabels: synth(3, 1, 28, 28),
			want: []string{"t10k-labels-idx1-ubyte", "3 labels", "t10k-images-idx3-ubyte", "2 images"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := mnistDir(t, c.train, c.test, c.trainLabels, c.testLabels, c.gz)
			train, test, err := Load("mnist", dir)
			if err == nil {
				t.Fatalf("loaded %d x %dx%d training and %d x %dx%d test images", train.N, train.H, train.W, test.N, test.H, test.W)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// The same sizes load, whatever the size.
	if _, _, err := Load("mnist", mnistDir(t, synth(2, 1, 5, 7), synth(1, 1, 5, 7), nil, nil, false)); err != nil {
		t.Errorf("5x7 sets: %v", err)
	}
}

// TestCIFAR10NoRecords: an empty batch file is an error naming it (CIFAR10
// images all have one size, so only the count can be wrong).
func TestCIFAR10NoRecords(t *testing.T) {
	for _, empty := range []string{CIFAR10TrainFiles[2], CIFAR10TestFile} {
		dir := t.TempDir()
		for _, f := range append(append([]string{}, CIFAR10TrainFiles...), CIFAR10TestFile) {
			s := synth(2, 3, 32, 32)
			if f == empty {
				s = synth(0, 3, 32, 32)
			}
			if err := WriteCIFAR10(filepath.Join(dir, f), s); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := Load("cifar10", dir)
		if err == nil || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "size 0 bytes") {
			t.Errorf("empty %s: error %v, want it named", empty, err)
		}
	}
}
