package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Check reports, without reading the images, whether the named dataset's
// files are in dir (DefaultDir(name) when empty): the checks a command
// makes before it writes or launches anything. The error names the folder
// and the missing file and says how to get the data.
func Check(name, dir string) error {
	if dir == "" {
		dir = DefaultDir(name)
	}
	var files []string
	hint := ""
	switch strings.ToLower(name) {
	case "cifar10", "cifar-10":
		files = append(append(files, CIFAR10TrainFiles...), CIFAR10TestFile)
		hint = "samlab data fetch cifar10 downloads it"
	case "fashion-mnist", "fashionmnist", "fmnist", "mnist":
		files = []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
		hint = "Debian's dataset-fashion-mnist package installs Fashion-MNIST in " + DefaultDir("fashion-mnist")
	default:
		return fmt.Errorf("unknown dataset %q (want one of %s)", name, strings.Join(Names, ", "))
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: dataset folder %s does not exist (%s; or point --data at a copy)", name, dir, hint)
	}
	for _, f := range files {
		if !exists(filepath.Join(dir, f)) && !exists(filepath.Join(dir, f+".gz")) {
			return fmt.Errorf("%s: %s is missing from %s (%s; or point --data at a copy)", name, f, dir, hint)
		}
	}
	return nil
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
