package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Check reports, without reading the images, whether the named dataset's
// files are in dir (DefaultDir(name) when empty): the checks a command
// makes before it writes or launches anything. The error names the folder
// (and says when it is the default one), the missing file or the entry that
// is a folder where a file belongs, and says how to get the data.
func Check(name, dir string) error {
	d, err := Lookup(name)
	if err != nil {
		return err
	}
	name, files, hint := d.Name, d.Files, d.Get
	if dir == "" {
		dir = d.Dir
		hint = "the default folder for " + name + "; " + hint
	}
	switch st, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: dataset folder %s does not exist (%s; or point --data at a copy)", name, dir, hint)
	case err != nil:
		return fmt.Errorf("%s: dataset folder %s: %w", name, dir, err)
	case !st.IsDir():
		return fmt.Errorf("%s: dataset folder %s is a file, not a folder (%s; or point --data at a copy)", name, dir, hint)
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		if isFile(p) || isFile(p+".gz") {
			continue
		}
		for _, q := range []string{p, p + ".gz"} {
			if st, err := os.Stat(q); err == nil && st.IsDir() {
				return fmt.Errorf("%s: %s is a directory, not the dataset file %s (%s; or point --data at a copy)", name, q, filepath.Base(q), hint)
			}
		}
		return fmt.Errorf("%s: %s is missing from %s (%s; or point --data at a copy)", name, f, dir, hint)
	}
	return nil
}

// isFile reports whether p exists and is not a folder.
func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
