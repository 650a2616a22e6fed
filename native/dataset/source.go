package dataset

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	// Size is the archive's exact size in bytes when known, 0 when not. A
	// server announcing another size is refused before any byte is saved,
	// and a download is cut once it passes Size. It belongs with MD5: a
	// different archive (another MD5) has Size 0.
	Size int64
	// Folder is the folder inside the archive whose files are installed
	// directly in the target folder; entries outside it are ignored.
	Folder string
	// Files are the files the target folder must hold, with exact sizes.
	Files []SourceFile
	// Extra names the other files the archive holds in Folder. They are
	// installed too but not required. No other entry of the archive is
	// installed, so a folder Fetch wrote can always be replaced by it; a
	// target folder holding anything not in Files, Extra or FetchMarker is
	// never replaced.
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

// cifarArchiveBytes is the size of the official cifar-10-binary.tar.gz.
const cifarArchiveBytes = 170052171

// CIFAR10Source is the official CIFAR10 binary archive from the dataset's
// authors (about 162 MB), with its published MD5.
var CIFAR10Source = Source{
	Name:   "cifar10",
	URL:    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
	MD5:    "c32a1d4ab5d03f1284b67883e8d87530",
	Size:   cifarArchiveBytes,
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
	if err := CheckURL(s.URL); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if s.Size < 0 {
		return fmt.Errorf("%s: archive size %d is negative", name, s.Size)
	}
	if strings.Trim(s.Folder, "/") == "" || len(s.Files) == 0 {
		return fmt.Errorf("%s: source names no archive folder or no files", name)
	}
	return nil
}

// CheckURL returns an error unless raw is an absolute http:// or https://
// address (the scheme in any case) with a host and no spaces or control
// characters. The error quotes raw with its password hidden (RedactURL).
func CheckURL(raw string) error {
	if i := strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		what := "a space"
		if r, _ := utf8.DecodeRuneInString(raw[i:]); r != ' ' {
			what = fmt.Sprintf("the character %q", r)
		}
		return fmt.Errorf("URL %q has %s at byte %d (percent-encode it, e.g. %%20 for a space)", RedactURL(raw), what, i)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("URL %q is not an http:// or https:// address", RedactURL(raw))
	}
	if u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("URL %q has port %q, want 1..65535", RedactURL(raw), u.Port())
		}
	}
	return nil
}

// RedactURL returns raw with the password of its user information
// ("scheme://user:password@host/...") replaced by "xxxxx", so that it can be
// printed and recorded; the rest is left as typed. It works on strings that
// do not parse as URLs too.
func RedactURL(raw string) string {
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], "/?#"); i >= 0 {
		end = start + i
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw
	}
	at += start
	colon := strings.Index(raw[start:at], ":")
	if colon < 0 {
		return raw
	}
	colon += start
	return raw[:colon+1] + "xxxxx" + raw[at:]
}

// hasSecret reports whether raw carries user information or a query, which
// may hold a token that RedactURL leaves visible.
func hasSecret(raw string) bool {
	u, err := url.Parse(raw)
	return err != nil || u.User != nil || u.RawQuery != ""
}

// CheckMD5 returns an error unless sum is an MD5 sum: 32 hex digits.
func CheckMD5(sum string) error {
	if b, err := hex.DecodeString(sum); err != nil || len(b) != md5.Size {
		return fmt.Errorf("%q is not an MD5 sum (32 hex digits)", sum)
	}
	return nil
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
