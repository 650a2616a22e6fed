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
	cases := []struct{ name, dir, want string }{
		{"cifar10", dir, "data_batch_1.bin is missing from " + dir},
		{"mnist", filepath.Join(dir, "nowhere"), "dataset folder " + filepath.Join(dir, "nowhere") + " does not exist"},
		{"svhn", dir, `unknown dataset "svhn"`},
	}
	for _, tc := range cases {
		if err := Check(tc.name, tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%s, %s) = %v, want %q", tc.name, tc.dir, err, tc.want)
		}
	}
	os.Remove(filepath.Join(dir, "t10k-images-idx3-ubyte"))
	if err := Check("fashion-mnist", dir); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte is missing") {
		t.Errorf("missing test images: %v", err)
	}
}
