package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/wasm/sim"
)

// maxPointsFile is the largest points file read (sim.MaxPoints rows of
// x,y,label,flipped fit in far less).
const maxPointsFile = 1 << 20

// dropped is a file dropped on the page or the window, read and parsed:
// its points, or why it cannot be used.
type dropped struct {
	name string
	d    *data.Dataset
	err  error
}

// dropReader takes the files dropped on the page or the window
// (ebiten.DroppedFiles, in browsers and on desktops alike) and reads and
// parses them off the game loop: in the browser, reading a dropped file
// waits on JavaScript callbacks, which must not block Update. Update polls
// for the result.
type dropReader struct {
	ch chan dropped
}

// poll starts reading what was dropped this frame, if anything, and
// returns a file read since the last call, if any.
func (r *dropReader) poll() (dropped, bool) {
	if r.ch == nil {
		r.ch = make(chan dropped, 4)
	}
	if files := ebiten.DroppedFiles(); files != nil {
		go func() { r.ch <- readDropped(files) }()
	}
	select {
	case f := <-r.ch:
		return f, true
	default:
		return dropped{}, false
	}
}

// readDropped reads the points file among the dropped files: the first
// file (in fs.WalkDir's order) named *.csv or *.txt.
func readDropped(files fs.FS) dropped {
	var name string
	var others []string
	err := fs.WalkDir(files, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".csv", ".txt":
			if name == "" {
				name = p
			}
		default:
			others = append(others, path.Base(p))
		}
		return nil
	})
	switch {
	case err != nil:
		return dropped{name: "dropped files", err: fmt.Errorf("dropped files: %w", err)}
	case name == "" && len(others) > 0:
		return dropped{name: others[0], err: fmt.Errorf("%s: not a .csv file; drop a CSV of x,y,label[,flipped] rows", others[0])}
	case name == "":
		return dropped{name: "dropped files", err: errors.New("dropped files: no file to read")}
	}
	base := path.Base(name)
	f, err := files.Open(name)
	if err != nil {
		return dropped{name: base, err: fmt.Errorf("%s: %w", base, err)}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPointsFile+1))
	if err != nil {
		return dropped{name: base, err: fmt.Errorf("%s: %w", base, err)}
	}
	if len(b) > maxPointsFile {
		return dropped{name: base, err: fmt.Errorf("%s: larger than %d KB", base, maxPointsFile>>10)}
	}
	d, err := sim.ParsePoints(bytes.NewReader(b), base)
	return dropped{name: base, d: d, err: err}
}

// apply uses a dropped file in session s: its points, or its error as a
// notice.
func (f dropped) apply(s *session) {
	if f.err != nil {
		s.pointsError(f.err)
		return
	}
	s.usePoints(f.name, f.d)
}
