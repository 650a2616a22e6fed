package dataset

import (
	"fmt"
	"os"
	"path/filepath"
)

// Check reports, without reading the images, whether the named dataset's
// files are in dir (DefaultDir(name) when empty): the checks a command
// makes before it writes or launches anything. The error names the folder
// and the missing file and says how to get the data; a file's name held by
// a folder is named as such.
func Check(name, dir string) error {
	d, err := Lookup(name)
	if err != nil {
		return err
	}
	if dir == "" {
		dir = d.Dir
	}
	name, files, hint := d.Name, d.Files, d.Get
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: dataset folder %s does not exist (%s; or point --data at a copy)", name, dir, hint)
	}
	for _, f := range files {
		for _, p := range []string{filepath.Join(dir, f), filepath.Join(dir, f+".gz")} {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return fmt.Errorf("%s: %s is a directory, not the dataset file %s", name, p, filepath.Base(p))
			}
		}
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
