package dataset

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every dataset is accepted under its name and every alias (fmnist
// included), in any case, by Lookup, DefaultDir, Check and Load, which load
// the same canonical set from a folder holding its files; a downloadable
// dataset's archive yields exactly its files.
func TestRegistry(t *testing.T) {
	if !slices.Equal(Names, []string{"cifar10", "fashion-mnist", "mnist"}) {
		t.Fatalf("Names %v", Names)
	}
	for _, d := range registry {
		dir := t.TempDir()
		if strings.Contains(d.Name, "cifar") {
			for _, f := range d.Files {
				if err := WriteCIFAR10(filepath.Join(dir, f), synth(2, 3, 32, 32)); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			dir = mnistDir(t, synth(3, 1, 28, 28), synth(2, 1, 28, 28), nil, nil, true)
		}
		if d.Source != nil {
			var fs []string
			for _, f := range d.Source.Files {
				fs = append(fs, f.Name)
			}
			if !slices.Equal(fs, d.Files) {
				t.Errorf("%s: the archive yields %v, the folder needs %v", d.Name, fs, d.Files)
			}
		}
		for _, name := range append([]string{d.Name, strings.ToUpper(d.Name), " " + d.Name + " "}, d.Aliases...) {
			got, err := Lookup(name)
			if err != nil || got.Name != d.Name {
				t.Errorf("Lookup(%q) = %q, %v", name, got.Name, err)
			}
			if DefaultDir(name) != d.Dir {
				t.Errorf("DefaultDir(%q) = %q, want %q", name, DefaultDir(name), d.Dir)
			}
			if err := Check(name, dir); err != nil {
				t.Errorf("Check(%q): %v", name, err)
			}
			train, test, err := Load(name, dir)
			if err != nil {
				t.Errorf("Load(%q): %v", name, err)
				continue
			}
			if train.Name != d.Name || test.N == 0 {
				t.Errorf("Load(%q): set %q with %d test images", name, train.Name, test.N)
			}
		}
	}
	for _, name := range []string{"svhn", "", "fashion"} {
		if _, err := Lookup(name); err == nil || !strings.Contains(err.Error(), "cifar10, fashion-mnist, mnist") {
			t.Errorf("Lookup(%q) = %v", name, err)
		}
	}
}
