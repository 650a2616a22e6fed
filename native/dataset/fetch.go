package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// FetchMarker is the file Fetch writes into the target folder after a
// verified download and extraction. Its lines are "url <URL>", "md5 <hex>"
// (the archive's MD5) and one "sha256 <hex> <name>" per extracted file.
const FetchMarker = "samlab-fetch.txt"

// DefaultStall is how long Fetch waits for the next bytes from the server
// before giving up, when FetchOptions.Stall is zero.
const DefaultStall = 2 * time.Minute

// DefaultMaxBytes is the most bytes Fetch downloads for an archive of
// unknown size, when FetchOptions.MaxBytes is zero.
const DefaultMaxBytes = 200_000_000

// FetchOptions tune Fetch. The zero value downloads with
// http.DefaultClient, skips a valid copy and reports no progress.
type FetchOptions struct {
	// Force downloads and replaces the target even when it holds a valid copy.
	Force bool
	// Client makes the request; nil means http.DefaultClient.
	Client *http.Client
	// Progress, when not nil, is called as the archive arrives with the bytes
	// received so far and the announced total (-1 when the server gave no
	// Content-Length).
	Progress func(done, total int64)
	// Stall is how long to wait for response headers or the next body bytes
	// before failing; 0 means DefaultStall.
	Stall time.Duration
	// MaxBytes is the most bytes the download may have; 0 means
	// DefaultMaxBytes. An archive of known size (Source.Size) is held to
	// that size, which must not exceed MaxBytes.
	MaxBytes int64

	// rename renames a folder for the probe that the target can be replaced;
	// nil means os.Rename. Tests make it fail as on a mount point.
	rename func(oldpath, newpath string) error
	// createTemp makes the file the archive is downloaded into, and returns
	// how to remove it; nil means os.CreateTemp. Tests point it at /dev/full.
	createTemp func(dir, pattern string) (f *os.File, remove func(), err error)
}

// FetchResult says what Fetch did.
type FetchResult struct {
	// Dir is the folder that holds the files (the symlink's target when the
	// requested folder was a symlink).
	Dir string
	// Skipped is true when Dir already held a valid copy and nothing was
	// downloaded.
	Skipped bool
	// Bytes is the size of the downloaded archive.
	Bytes int64
	// Files are the names installed in Dir, sorted, FetchMarker included.
	Files []string
}

// Fetch makes dir hold a valid copy of src (see Source.Check). When it
// already does and opt.Force is false, Fetch returns at once with Skipped set
// and touches no network. Otherwise it downloads src.URL into a temporary
// file in dir's parent folder, checks the MD5, extracts src.Folder's files
// into a temporary folder there, checks every file of src.Files and its size,
// writes FetchMarker, and only then renames the folder into place (moving an
// old copy aside first and removing it after). On any error, cancellation of
// ctx included, the temporaries are removed and dir is as before: absent, or
// the previous copy. A dir that is a file, a folder holding files that are
// not src's, or a folder that cannot be renamed (a mount point) is an error
// found before the download, and is left alone. The download is refused
// when the server announces more than src.Size (when known) or
// opt.MaxBytes, and cut when more arrives. Only the files of src.Files and
// src.Extra are installed. The archive is not kept.
func Fetch(ctx context.Context, src Source, dir string, opt FetchOptions) (res FetchResult, err error) {
	if err := src.validate(); err != nil {
		return res, err
	}
	name := src.Name
	// "data/cifar10/" is data/cifar10; ".", ".." and "/" name no folder
	// that a rename in its parent can replace.
	asked := dir
	if dir != "" {
		dir = filepath.Clean(dir)
	}
	if b := filepath.Base(dir); dir == "" || b == "." || b == ".." || dir == filepath.Dir(dir) {
		return res, fmt.Errorf("%s: folder %q has no name of its own to replace; name it from outside (e.g. ../cifar10)", name, asked)
	}
	res.Dir = dir
	exists := false
	switch fi, err := os.Lstat(dir); {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return res, fmt.Errorf("%s: %s is a symlink that does not resolve: %w", name, dir, err)
		}
		rfi, err := os.Stat(real)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		if !rfi.IsDir() {
			return res, fmt.Errorf("%s: %s exists and is not a folder", name, dir)
		}
		res.Dir, exists = real, true
	case err == nil && !fi.IsDir():
		return res, fmt.Errorf("%s: %s exists and is not a folder", name, dir)
	case err == nil:
		exists = true
	case !errors.Is(err, fs.ErrNotExist):
		return res, fmt.Errorf("%s: %w", name, err)
	}
	target := res.Dir
	if exists {
		if !opt.Force && src.Check(target) == nil {
			res.Skipped = true
			return res, nil
		}
		if err := src.foreign(target); err != nil {
			return res, err
		}
		if err := replaceable(name, target, opt.rename); err != nil {
			return res, err
		}
	}
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if src.Size > 0 {
		if src.Size > limit {
			return res, fmt.Errorf("%s: %w", name, &TooBigError{Got: src.Size, Limit: limit, Before: true})
		}
		limit = src.Size
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("%s: interrupted before the download: %w", name, err)
	}

	parent := filepath.Dir(target)
	made, err := mkdirAllTracked(parent)
	if err != nil {
		return res, fmt.Errorf("%s: create %s: %w", name, parent, err)
	}
	defer func() {
		if err != nil {
			for _, d := range made {
				_ = os.Remove(d) // only removes folders left empty
			}
		}
	}()

	base := filepath.Base(target)
	create := opt.createTemp
	if create == nil {
		create = createTemp
	}
	arch, removeArch, err := create(parent, "."+base+"-download-*.tar.gz")
	if err != nil {
		return res, fmt.Errorf("%s: create a temporary file in %s: %w", name, parent, err)
	}
	defer func() {
		arch.Close()
		removeArch()
	}()
	sum, n, enc, err := download(ctx, src, arch, opt, limit)
	if err != nil {
		return res, err
	}
	res.Bytes = n
	if !strings.EqualFold(sum, src.MD5) {
		why := "corrupt download or a different file"
		if enc != "" {
			why = fmt.Sprintf("the server sent Content-Encoding %s: it compressed the archive again, or it is a different file", enc)
		}
		return res, fmt.Errorf("%s: checksum mismatch for %s: md5 is %s, want %s (%s)", name, RedactURL(src.URL), sum, strings.ToLower(src.MD5), why)
	}

	xdir, err := os.MkdirTemp(parent, "."+base+"-extract-*")
	if err != nil {
		return res, fmt.Errorf("%s: create a temporary folder in %s: %w", name, parent, err)
	}
	installed := false
	defer func() {
		if !installed {
			_ = os.RemoveAll(xdir)
		}
	}()
	sums, err := extract(ctx, src, arch, xdir)
	if err != nil {
		return res, err
	}
	if err := writeMarker(src, sum, sums, xdir); err != nil {
		return res, err
	}
	if err := os.Chmod(xdir, 0o755); err != nil { // MkdirTemp made it 0700
		return res, fmt.Errorf("%s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("%s: interrupted; removed the download: %w", name, err)
	}
	if err := install(name, xdir, target); err != nil {
		return res, err
	}
	installed = true
	for f := range sums {
		res.Files = append(res.Files, f)
	}
	res.Files = append(res.Files, FetchMarker)
	sort.Strings(res.Files)
	return res, nil
}

// createTemp is the default FetchOptions.createTemp.
func createTemp(dir, pattern string) (*os.File, func(), error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = os.Remove(f.Name()) }, nil
}

// mkdirAllTracked is os.MkdirAll that also returns the folders it created,
// deepest first.
func mkdirAllTracked(dir string) ([]string, error) {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		made = append(made, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return made, nil
}

// writeMarker writes FetchMarker into xdir. It records the URL with its
// password hidden (RedactURL), and is readable by its owner only (0600)
// when the URL names a user or has a query, which may be a token; 0644
// otherwise.
func writeMarker(src Source, archiveMD5 string, sums map[string]string, xdir string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# written by samlab data fetch after a verified download; %s is valid while its files keep their sizes\n", src.Name)
	fmt.Fprintf(&b, "url %s\nmd5 %s\n", RedactURL(src.URL), strings.ToLower(archiveMD5))
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "sha256 %s %s\n", sums[n], n)
	}
	mode := os.FileMode(0o644)
	if hasSecret(src.URL) {
		mode = 0o600
	}
	p := filepath.Join(xdir, FetchMarker)
	_, _, err := copyFile(p, mode, strings.NewReader(b.String()), src.Name, func(err error) error { return err })
	return err
}

// replaceable returns an error when target, an existing folder, cannot be
// replaced by a rename in its parent folder: it is a mount point (it lives
// on another device than its parent, or the rename is refused as busy), or
// the parent does not allow the rename. It probes by renaming target to a
// hidden name beside it and back, so that the refusal comes before the
// download, not after it. rename is os.Rename when nil.
func replaceable(name, target string, rename func(oldpath, newpath string) error) error {
	if rename == nil {
		rename = os.Rename
	}
	parent := filepath.Dir(target)
	mount := fmt.Errorf("%s: %s is a mount point, which cannot be replaced by a rename; pass a folder inside it (e.g. %s)", name, target, filepath.Join(target, filepath.Base(target)))
	if otherDevice(target, parent) {
		return mount
	}
	probe := filepath.Join(parent, fmt.Sprintf(".%s-probe-%d", filepath.Base(target), os.Getpid()))
	if err := rename(target, probe); err != nil {
		if errors.Is(err, syscall.EBUSY) || errors.Is(err, syscall.EXDEV) {
			return mount
		}
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("%s: %s cannot be replaced: renaming it in %s fails (%w); pass another folder", name, target, parent, err)
	}
	if err := rename(probe, target); err != nil {
		return fmt.Errorf("%s: renaming %s back from %s failed: %w; the folder is now %s", name, target, probe, err, probe)
	}
	return nil
}

// install renames the extracted folder xdir to target. An existing target
// is first moved aside and removed once the new copy is in place; if the
// second rename fails, it is moved back.
func install(name, xdir, target string) error {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(xdir, target); err != nil {
			return fmt.Errorf("%s: move the extracted files into %s: %w", name, target, err)
		}
		return nil
	}
	old := xdir + ".old"
	if err := os.Rename(target, old); err != nil {
		return fmt.Errorf("%s: move the old %s aside: %w", name, target, err)
	}
	if err := os.Rename(xdir, target); err != nil {
		if rerr := os.Rename(old, target); rerr != nil {
			return fmt.Errorf("%s: move the extracted files into %s: %w; the old copy is in %s", name, target, err, old)
		}
		return fmt.Errorf("%s: move the extracted files into %s: %w", name, target, err)
	}
	_ = os.RemoveAll(old)
	return nil
}
