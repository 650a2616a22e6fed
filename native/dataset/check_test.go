package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Check finds a dataset's files without reading them, and names what is
// missing.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	if err := Check("fashion-mnist", dir); err != nil {
		t.Errorf("complete folder: %v", err)
	}
	// A directory where a file belongs, a file where the folder belongs.
	odd := t.TempDir()
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte"} {
		os.WriteFile(filepath.Join(odd, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(odd, "t10k-labels-idx1-ubyte"), 0o755)
	file := filepath.Join(odd, "train-images-idx3-ubyte")
	cases := []struct{ name, dir, want string }{
		{"cifar10", dir, "data_batch_1.bin is missing from " + dir},
		{"mnist", filepath.Join(dir, "nowhere"), "mnist: dataset folder " + filepath.Join(dir, "nowhere") + " does not exist (put the MNIST files train-images-idx3-ubyte, "},
		{"svhn", dir, `unknown dataset "svhn"`},
		{"mnist", odd, "mnist: " + filepath.Join(odd, "t10k-labels-idx1-ubyte") + " is a directory, not the dataset file t10k-labels-idx1-ubyte (put the MNIST files"},
		{"fashion-mnist", file, "fashion-mnist: dataset folder " + file + " is a file, not a folder (install Debian's"},
		{"cifar10", "", "cifar10: dataset folder data/cifar10 does not exist (the default folder for cifar10; samlab data fetch cifar10 downloads it; or point --data at a copy)"},
	}
	t.Chdir(t.TempDir()) // no data/ here
	for _, tc := range cases {
		err := Check(tc.name, tc.dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%s, %s) = %v, want %q", tc.name, tc.dir, err, tc.want)
		}
		if err != nil && tc.name != "svhn" && strings.Contains(err.Error(), "fashion-mnist") != strings.Contains(tc.name, "fashion") {
			t.Errorf("Check(%s, %s) = %v: names Fashion-MNIST for another dataset, or not for it", tc.name, tc.dir, err)
		}
	}
	// Load says the same of a directory where a file belongs.
	dirs := t.TempDir()
	os.Mkdir(filepath.Join(dirs, "train-images-idx3-ubyte.gz"), 0o755)
	if _, _, err := Load("mnist", dirs); err == nil || err.Error() != "idx: "+filepath.Join(dirs, "train-images-idx3-ubyte.gz")+" is a directory, not an IDX file" {
		t.Errorf("Load(mnist, a folder with a directory for a file) = %v", err)
	}
	os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte"))
	if err := Check("fashion-mnist", dir); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte is missing") {
		t.Errorf("missing test images: %v", err)
	}
}
