package dataset

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Source describes a dataset archive that Fetch can download: where it is,
// its published checksum and the files it must yield.
type Source struct {
	// Name names the dataset in messages and temporary file names.
	Name string
	// URL is the address of the archive, a gzip-compressed tar.
	URL string
	// MD5 is the archive's published MD5 sum, 32 hex digits.
	MD5 string
	// Folder is the folder inside the archive whose files are installed
	// directly in the target folder; entries outside it are ignored.
	Folder string
	// Files are the files the target folder must hold, with exact sizes.
	Files []SourceFile
	// Extra names the other files the archive holds in Folder. They are
	// installed too but not required; a target folder holding anything not
	// in Files, Extra or FetchMarker is never replaced.
	Extra []string
}

// SourceFile is one file a Source must yield and its exact size in bytes.
type SourceFile struct {
	Name string
	Size int64
}

// cifarBatchBytes is the size of each official CIFAR10 batch file: 10000
// records of 3073 bytes.
const cifarBatchBytes = 10000 * cifarRecord

// CIFAR10Source is the official CIFAR10 binary archive from the dataset's
// authors (about 162 MB), with its published MD5.
var CIFAR10Source = Source{
	Name:   "cifar10",
	URL:    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
	MD5:    "c32a1d4ab5d03f1284b67883e8d87530",
	Folder: "cifar-10-batches-bin",
	Files: []SourceFile{
		{"data_batch_1.bin", cifarBatchBytes},
		{"data_batch_2.bin", cifarBatchBytes},
		{"data_batch_3.bin", cifarBatchBytes},
		{"data_batch_4.bin", cifarBatchBytes},
		{"data_batch_5.bin", cifarBatchBytes},
		{"test_batch.bin", cifarBatchBytes},
	},
	Extra: []string{"batches.meta.txt", "readme.html"},
}

// FetchMarker is the file Fetch writes into the target folder after a
// verified download and extraction. Its lines are "url <URL>", "md5 <hex>"
// (the archive's MD5) and one "sha256 <hex> <name>" per extracted file.
const FetchMarker = "samlab-fetch.txt"

// DefaultStall is how long Fetch waits for the next bytes from the server
// before giving up, when FetchOptions.Stall is zero.
const DefaultStall = 2 * time.Minute

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

// Check reports whether dir holds a valid copy of s: nil when every file of
// s.Files is there as a regular file of exactly its size and FetchMarker
// records the MD5 s.MD5; otherwise an error naming what is wrong. It reads
// no file contents beyond the marker.
func (s Source) Check(dir string) error {
	for _, f := range s.Files {
		p := filepath.Join(dir, f.Name)
		fi, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: %s is missing", s.Name, p)
			}
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: %s is not a regular file", s.Name, p)
		}
		if fi.Size() != f.Size {
			return fmt.Errorf("%s: %s is %d bytes, want %d", s.Name, p, fi.Size(), f.Size)
		}
	}
	p := filepath.Join(dir, FetchMarker)
	b, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %s is missing (the folder was not written by a verified fetch)", s.Name, p)
		}
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	got := ""
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "md5 "); ok {
			got = strings.TrimSpace(v)
		}
	}
	if !strings.EqualFold(got, s.MD5) {
		return fmt.Errorf("%s: %s records archive md5 %q, want %s", s.Name, p, got, strings.ToLower(s.MD5))
	}
	return nil
}

// validate checks that s is usable by Fetch.
func (s Source) validate() error {
	name := s.Name
	if name == "" {
		name = "fetch"
	}
	if err := CheckMD5(s.MD5); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: URL %q is not an http:// or https:// address", name, s.URL)
	}
	if strings.Trim(s.Folder, "/") == "" || len(s.Files) == 0 {
		return fmt.Errorf("%s: source names no archive folder or no files", name)
	}
	return nil
}

// CheckMD5 returns an error unless sum is an MD5 sum: 32 hex digits.
func CheckMD5(sum string) error {
	if b, err := hex.DecodeString(sum); err != nil || len(b) != md5.Size {
		return fmt.Errorf("%q is not an MD5 sum (32 hex digits)", sum)
	}
	return nil
}

// Fetch makes dir hold a valid copy of src (see Source.Check). When it
// already does and opt.Force is false, Fetch returns at once with Skipped set
// and touches no network. Otherwise it downloads src.URL into a temporary
// file in dir's parent folder, checks the MD5, extracts src.Folder's files
// into a temporary folder there, checks every file of src.Files and its size,
// writes FetchMarker, and only then renames the folder into place (moving an
// old copy aside first and removing it after). On any error, cancellation of
// ctx included, the temporaries are removed and dir is as before: absent, or
// the previous copy. A dir that is a file, or a folder holding files that are
// not src's, is an error and is left alone. The archive is not kept.
func Fetch(ctx context.Context, src Source, dir string, opt FetchOptions) (res FetchResult, err error) {
	if err := src.validate(); err != nil {
		return res, err
	}
	name := src.Name
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
	sum, n, err := download(ctx, src, arch, opt)
	if err != nil {
		return res, err
	}
	res.Bytes = n
	if !strings.EqualFold(sum, src.MD5) {
		return res, fmt.Errorf("%s: checksum mismatch for %s: md5 is %s, want %s (corrupt download or a different file)", name, src.URL, sum, strings.ToLower(src.MD5))
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

// foreign returns an error when dir holds an entry that is not one of s's
// files, so that replacing dir would delete something else.
func (s Source) foreign(dir string) error {
	ok := map[string]bool{FetchMarker: true}
	for _, f := range s.Files {
		ok[f.Name] = true
	}
	for _, f := range s.Extra {
		ok[f] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	for _, e := range entries {
		if !ok[e.Name()] || e.IsDir() {
			return fmt.Errorf("%s: %s holds %s, which is not part of %s; not replacing that folder (move it away or pick another folder)", s.Name, dir, e.Name(), s.Name)
		}
	}
	return nil
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

// errStalled is the cancellation cause when the server sends nothing for
// FetchOptions.Stall.
var errStalled = errors.New("stalled")

// download writes the response body of src.URL into f and returns its MD5
// (hex) and size.
func download(ctx context.Context, src Source, f *os.File, opt FetchOptions) (sum string, n int64, err error) {
	name := src.Name
	client := opt.Client
	if client == nil {
		client = http.DefaultClient
	}
	stall := opt.Stall
	if stall <= 0 {
		stall = DefaultStall
	}
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()
	// fail explains a network error: interrupted, stalled, or err as is.
	fail := func(err error) error {
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("%s: interrupted after %d bytes; removed the partial download: %w", name, n, ctx.Err())
		case errors.Is(context.Cause(dctx), errStalled):
			return fmt.Errorf("%s: download %s: no data for %v after %d bytes (server or network stalled)", name, src.URL, stall, n)
		}
		return err
	}

	req, err := http.NewRequestWithContext(dctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return "", 0, fmt.Errorf("%s: download %s: %w", name, src.URL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", 0, fail(fmt.Errorf("%s: download %s: %w", name, src.URL, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("%s: download %s: server answered %s", name, src.URL, resp.Status)
	}
	total := resp.ContentLength
	h := md5.New()
	buf := make([]byte, 256<<10)
	for {
		k, rerr := resp.Body.Read(buf)
		if k > 0 {
			timer.Reset(stall)
			if _, werr := f.Write(buf[:k]); werr != nil {
				return "", n, writeErr(name, f.Name(), werr)
			}
			h.Write(buf[:k])
			n += int64(k)
			if opt.Progress != nil {
				opt.Progress(n, total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if total >= 0 && errors.Is(rerr, io.ErrUnexpectedEOF) {
				return "", n, fail(fmt.Errorf("%s: truncated download from %s: got %d of %d bytes (the server closed the connection early)", name, src.URL, n, total))
			}
			of := ""
			if total >= 0 {
				of = fmt.Sprintf(" of %d", total)
			}
			return "", n, fail(fmt.Errorf("%s: download %s: connection failed after %d%s bytes: %w", name, src.URL, n, of, rerr))
		}
	}
	if total >= 0 && n != total {
		return "", n, fmt.Errorf("%s: truncated download from %s: got %d of %d bytes", name, src.URL, n, total)
	}
	if err := f.Sync(); err != nil {
		return "", n, writeErr(name, f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeErr explains a failed write of path; a full disk says so.
func writeErr(name, path string, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%s: disk full while writing %s (%w)", name, path, syscall.ENOSPC)
	}
	return fmt.Errorf("%s: write %s: %w", name, path, err)
}

// ctxReader fails reads once ctx is done, so that extraction stops on Ctrl-C.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// extract writes the regular files directly inside src.Folder of the
// gzip-compressed tar arch into xdir and returns their SHA-256 sums (hex).
// It then checks that every file of src.Files is there with its size.
func extract(ctx context.Context, src Source, arch *os.File, xdir string) (map[string]string, error) {
	name := src.Name
	corrupt := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: interrupted while extracting; removed the download: %w", name, ctx.Err())
		}
		return fmt.Errorf("%s: corrupt archive from %s: %w", name, src.URL, err)
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
		p := filepath.Join(xdir, rel)
		sum, n, err := copyFile(p, tr, name, corrupt)
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
			return nil, fmt.Errorf("%s: archive from %s has no %s%s", name, src.URL, prefix, f.Name)
		}
		if got != f.Size {
			return nil, fmt.Errorf("%s: %s%s in the archive from %s is %d bytes, want %d", name, prefix, f.Name, src.URL, got, f.Size)
		}
	}
	return sums, nil
}

// copyFile writes r into a new file p, synced, and returns its SHA-256 (hex)
// and size. Read errors go through corrupt; write errors name p.
func copyFile(p string, r io.Reader, name string, corrupt func(error) error) (string, int64, error) {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
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

// writeMarker writes FetchMarker into xdir.
func writeMarker(src Source, archiveMD5 string, sums map[string]string, xdir string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# written by samlab data fetch after a verified download; %s is valid while its files keep their sizes\n", src.Name)
	fmt.Fprintf(&b, "url %s\nmd5 %s\n", src.URL, strings.ToLower(archiveMD5))
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "sha256 %s %s\n", sums[n], n)
	}
	p := filepath.Join(xdir, FetchMarker)
	_, _, err := copyFile(p, strings.NewReader(b.String()), src.Name, func(err error) error { return err })
	return err
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
