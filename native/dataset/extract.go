package dataset

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// extract writes the files of src.Files and src.Extra found as regular files
// directly inside src.Folder of the gzip-compressed tar arch into xdir and
// returns their SHA-256 sums (hex); every other entry is skipped. A file of
// src.Files whose header gives another size is refused before it is
// written; at the end every file of src.Files must be there.
func extract(ctx context.Context, src Source, arch *os.File, xdir string) (map[string]string, error) {
	name := src.Name
	corrupt := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: interrupted while extracting; removed the download: %w", name, ctx.Err())
		}
		return fmt.Errorf("%s: corrupt archive from %s: %w", name, RedactURL(src.URL), err)
	}
	if _, err := arch.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: read %s: %w", name, arch.Name(), err)
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(ctxReader{ctx, arch}, 1<<20))
	if err != nil {
		return nil, corrupt(err)
	}
	tr := tar.NewReader(zr)
	prefix := strings.Trim(src.Folder, "/") + "/"
	want := map[string]int64{} // -1: an Extra file, any size
	for _, f := range src.Extra {
		want[f] = -1
	}
	for _, f := range src.Files {
		want[f.Name] = f.Size
	}
	sums := map[string]string{}
	sizes := map[string]int64{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, corrupt(err)
		}
		rel, ok := strings.CutPrefix(path.Clean(hdr.Name), prefix)
		if !ok || rel == "" || strings.Contains(rel, "/") || !hdr.FileInfo().Mode().IsRegular() {
			continue // outside the folder, nested, or not a regular file
		}
		size, known := want[rel]
		if !known {
			continue // not one of src's files: never installed
		}
		if size >= 0 && hdr.Size != size {
			return nil, fmt.Errorf("%s: %s%s in the archive from %s is %d bytes, want %d", name, prefix, rel, RedactURL(src.URL), hdr.Size, size)
		}
		p := filepath.Join(xdir, rel)
		sum, n, err := copyFile(p, 0o644, tr, name, corrupt)
		if err != nil {
			return nil, err
		}
		sums[rel], sizes[rel] = sum, n
	}
	// Read to the end of the gzip stream so that its checksum is verified.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, corrupt(err)
	}
	for _, f := range src.Files {
		got, ok := sizes[f.Name]
		if !ok {
			return nil, fmt.Errorf("%s: archive from %s has no %s%s", name, RedactURL(src.URL), prefix, f.Name)
		}
		if got != f.Size {
			return nil, fmt.Errorf("%s: %s%s in the archive from %s is %d bytes, want %d", name, prefix, f.Name, RedactURL(src.URL), got, f.Size)
		}
	}
	return sums, nil
}

// copyFile writes r into a new file p of the given mode (less the umask),
// synced, and returns its SHA-256 (hex) and size. Read errors go through
// corrupt; write errors name p.
func copyFile(p string, mode os.FileMode, r io.Reader, name string, corrupt func(error) error) (string, int64, error) {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return "", 0, writeErr(name, p, err)
	}
	h := sha256.New()
	n, err := copyHashed(f, r, h)
	if err != nil {
		f.Close()
		var we writeError
		if errors.As(err, &we) {
			return "", 0, writeErr(name, p, we.err)
		}
		return "", 0, corrupt(fmt.Errorf("%s: %w", filepath.Base(p), err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", 0, writeErr(name, p, err)
	}
	if err := f.Close(); err != nil {
		return "", 0, writeErr(name, p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeError marks an error of the writing side of copyHashed.
type writeError struct{ err error }

func (w writeError) Error() string { return w.err.Error() }

// copyHashed copies r to w and into h; errors from w come back as writeError.
func copyHashed(w io.Writer, r io.Reader, h hash.Hash) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if _, err := w.Write(buf[:k]); err != nil {
				return n, writeError{err}
			}
			h.Write(buf[:k])
			n += int64(k)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}
