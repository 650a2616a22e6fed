package dataset

import (
	"fmt"
	"slices"
	"strings"
)

// Info is what samlab knows about one dataset: its names, its files, how
// it loads and where it comes from. Loading (Load), checking (Check),
// fetching (`samlab data fetch`) and the runner's config all read it, so a
// dataset's names and files are written once, here.
type Info struct {
	// Name is the canonical name, the one a run's config.yaml records;
	// Aliases are the other names accepted (any case).
	Name    string
	Aliases []string
	// Dir is the folder read when none is given.
	Dir string
	// Files are the files a folder must hold (each may be gzipped, as
	// name.gz).
	Files []string
	// Load reads the training and test sets from a folder.
	Load func(dir string) (train, test *Set, err error)
	// Source is the archive `samlab data fetch` downloads; nil for a
	// dataset samlab does not download.
	Source *Source
	// Get says how to get the data, for the errors of Check and of
	// `samlab data fetch`.
	Get string
}

// idxFiles are the files of an MNIST-layout folder.
var idxFiles = []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}

// fashionMNISTDir is where Debian's dataset-fashion-mnist installs it.
const fashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// registry lists the datasets, in the order of Names.
var registry = []Info{
	{
		Name: "cifar10", Aliases: []string{"cifar-10"}, Dir: "data/cifar10",
		Files:  append(slices.Clone(CIFAR10TrainFiles), CIFAR10TestFile),
		Load:   LoadCIFAR10,
		Source: &CIFAR10Source,
		Get:    "samlab data fetch cifar10 downloads it",
	},
	{
		Name: "fashion-mnist", Aliases: []string{"fashionmnist", "fmnist"}, Dir: fashionMNISTDir,
		Files: idxFiles,
		Load:  func(dir string) (*Set, *Set, error) { return LoadMNISTDir(dir, "fashion-mnist") },
		Get:   "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist), which puts it in " + fashionMNISTDir + ", where train looks by default",
	},
	{
		Name: "mnist", Dir: "data/mnist",
		Files: idxFiles,
		Load:  func(dir string) (*Set, *Set, error) { return LoadMNISTDir(dir, "mnist") },
		Get:   "put the MNIST files " + strings.Join(idxFiles[:3], ", ") + " and " + idxFiles[3] + " (or .gz) in data/mnist; samlab does not download them",
	},
}

// Names lists the canonical dataset names Load accepts.
var Names = func() []string {
	var ns []string
	for _, d := range registry {
		ns = append(ns, d.Name)
	}
	return ns
}()

// Lookup returns the dataset called name: its canonical name or an alias,
// in any case, with surrounding spaces ignored. An unknown name is an error
// naming the accepted ones.
func Lookup(name string) (Info, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, d := range registry {
		if n == d.Name || slices.Contains(d.Aliases, n) {
			return d, nil
		}
	}
	return Info{}, fmt.Errorf("unknown dataset %q (want one of %s)", name, strings.Join(Names, ", "))
}

// DefaultDir returns where Load looks when dir is empty: Debian's
// dataset-fashion-mnist location for fashion-mnist, data/<name> otherwise.
func DefaultDir(name string) string {
	if d, err := Lookup(name); err == nil {
		return d.Dir
	}
	return "data/" + name
}

// Load reads the training and test sets of the named dataset from dir
// (DefaultDir(name) when empty).
func Load(name, dir string) (train, test *Set, err error) {
	d, err := Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	if dir == "" {
		dir = d.Dir
	}
	return d.Load(dir)
}
