package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/samlab/samlab/native/dataset"
)

// tinyCIFARArchive returns a CIFAR10 binary archive in the official layout
// with a few records per batch, its MD5, and the Source describing its files
// (URL and MD5 unset). extra names more members of the archive (paths in the
// archive, each holding a line of text).
func tinyCIFARArchive(t *testing.T, extra ...string) ([]byte, string, dataset.Source) {
	t.Helper()
	src := dataset.Source{Name: "cifar10", Folder: "cifar-10-batches-bin", Extra: dataset.CIFAR10Source.Extra}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/" + name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range append(append([]string{}, dataset.CIFAR10TrainFiles...), dataset.CIFAR10TestFile) {
		n := 2 + i%3
		b := make([]byte, n*3073)
		for r := 0; r < n; r++ {
			b[r*3073] = byte((r + i) % 10)
			for j := 1; j < 3073; j++ {
				b[r*3073+j] = byte(i*31 + r*7 + j)
			}
		}
		add(name, b)
		src.Files = append(src.Files, dataset.SourceFile{Name: name, Size: int64(len(b))})
	}
	add("batches.meta.txt", []byte("airplane\n"))
	add("readme.html", []byte("<p>tiny</p>\n"))
	for _, e := range extra {
		if err := tw.WriteHeader(&tar.Header{Name: e, Typeflag: tar.TypeReg, Mode: 0o755, Size: 6}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte("extra\n")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:]), src
}

// archiveServer serves b over TLS at /cifar-10-binary.tar.gz and the hostile
// paths below, 404 elsewhere, counting requests; every request must ask for
// the identity encoding.
//
//	/private/cifar-10-binary.tar.gz  b, to user reader with password s3cret only
//	/gzip-label.tar.gz               b, labelled Content-Encoding: gzip
//	/br.tar.gz                       b, labelled Content-Encoding: br
//	/huge.tar.gz                     announces 10^15 bytes
//	/endless.tar.gz                  zeros without a Content-Length, forever
//	/more/<name>                     more[name]
func archiveServer(t *testing.T, b []byte, more ...map[string][]byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	send := func(w http.ResponseWriter, b []byte) {
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if ae := r.Header.Get("Accept-Encoding"); ae != "identity" {
			t.Errorf("request for %s with Accept-Encoding %q", r.URL.Path, ae)
		}
		switch p := r.URL.Path; {
		case p == "/cifar-10-binary.tar.gz":
			send(w, b)
		case p == "/private/cifar-10-binary.tar.gz":
			if u, pw, ok := r.BasicAuth(); !ok || u != "reader" || pw != "s3cret" {
				http.Error(w, "who are you", http.StatusUnauthorized)
				return
			}
			send(w, b)
		case p == "/gzip-label.tar.gz":
			w.Header().Set("Content-Encoding", "gzip")
			send(w, b)
		case p == "/br.tar.gz":
			w.Header().Set("Content-Encoding", "br")
			send(w, b)
		case p == "/huge.tar.gz":
			w.Header().Set("Content-Length", "1000000000000000")
			_, _ = w.Write(b[:100])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		case p == "/endless.tar.gz":
			w.(http.Flusher).Flush()
			chunk := make([]byte, 32<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case strings.HasPrefix(p, "/more/") && len(more) > 0 && more[0][p[len("/more/"):]] != nil:
			send(w, more[0][p[len("/more/"):]])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// listDir returns the names in dir, "" when it does not exist.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return "(a file)"
	}
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

func TestDataFetchCIFAR10(t *testing.T) {
	tgz, sum, src := tinyCIFARArchive(t)
	foreign, foreignSum, _ := tinyCIFARArchive(t, "cifar-10-batches-bin/evil.sh", "cifar-10-batches-bin/sub/x", "notes.txt")
	srv, hits := archiveServer(t, tgz, map[string][]byte{"foreign.tar.gz": foreign})
	src.URL, src.MD5 = srv.URL+"/cifar-10-binary.tar.gz", sum
	private := strings.Replace(srv.URL, "https://", "https://reader:s3cret@", 1) + "/private/cifar-10-binary.tar.gz"
	root := t.TempDir()
	t.Chdir(root) // the default --dir, data/cifar10, is relative

	steps := []struct {
		name     string
		src      dataset.Source // the command's default source
		args     []string
		wantOut  string
		wantHits int32
	}{
		// defaults come from the command's source: no flags needed
		{"first fetch", src, []string{"fetch", "cifar10"}, "cifar10: md5 " + sum + " ok", 1},
		{"valid copy", src, []string{"fetch", "cifar10"}, "cifar10: valid copy in data/cifar10, nothing to download\n", 1},
		{"force", src, []string{"fetch", "--force", "cifar10"}, "cifar10: md5 " + sum + " ok", 2},
		{"trailing slash", src, []string{"fetch", "cifar10", "--dir", "data/cifar10/"}, "cifar10: valid copy in data/cifar10, nothing to download\n", 2},
		// members the source does not know are not installed, so --force
		// can replace the folder afterwards
		{"unknown members skipped", src, []string{"fetch", "--force", "cifar10", "--url", srv.URL + "/more/foreign.tar.gz", "--md5", foreignSum}, "cifar10: md5 " + foreignSum + " ok", 3},
		{"force replaces that folder", src, []string{"fetch", "--force", "cifar10"}, "cifar10: md5 " + sum + " ok", 4},
		// a server labelling the .tar.gz Content-Encoding: gzip: kept as sent
		{"gzip label", src, []string{"fetch", "--force", "cifar10", "--url", srv.URL + "/gzip-label.tar.gz"}, "cifar10: md5 " + sum + " ok", 5},
		// a password in --url is used but never shown
		{"password", src, []string{"fetch", "--force", "cifar10", "--url", private}, "cifar10: md5 " + sum + " ok", 6},
		// --url and --md5 name a mirror of another archive; the default
		// source points nowhere and has the official archive's size, which
		// another --md5 drops
		{"mirror flags", dataset.Source{Name: "cifar10", URL: "https://127.0.0.1:1/none", MD5: strings.Repeat("0", 32), Size: 170052171, Folder: src.Folder, Files: src.Files, Extra: src.Extra},
			[]string{"fetch", "cifar10", "--dir", "elsewhere/c10", "--url", src.URL, "--md5", strings.ToUpper(sum)},
			"reads them", 7},
	}
	for _, s := range steps {
		var out, errb bytes.Buffer
		c := dataCmd{stdout: &out, stderr: &errb, src: s.src, client: srv.Client()}
		if err := c.run(context.Background(), s.args); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !strings.Contains(out.String(), s.wantOut) || hits.Load() != s.wantHits {
			t.Fatalf("%s: out %q (want %q), %d requests (want %d)", s.name, out.String(), s.wantOut, hits.Load(), s.wantHits)
		}
		if strings.Contains(errb.String(), "\r") {
			t.Errorf("%s: carriage return on a non-terminal stderr: %q", s.name, errb.String())
		}
		if strings.Contains(out.String()+errb.String(), "s3cret") {
			t.Errorf("%s: the password is shown: %q %q", s.name, out.String(), errb.String())
		}
		if got, want := listDir(t, "data/cifar10"), "batches.meta.txt data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin readme.html samlab-fetch.txt test_batch.bin"; got != want {
			t.Fatalf("%s: data/cifar10 holds %q, want %q", s.name, got, want)
		}
		if s.wantHits > 1 && !strings.Contains(s.wantOut, "valid copy") && !strings.Contains(errb.String(), "cifar10: 100% (") {
			t.Errorf("%s: stderr %q lacks the 100%% line", s.name, errb.String())
		}
	}
	// what train --dataset cifar10 reads by default
	train, test, err := dataset.Load("cifar10", "")
	if err != nil || train.N != 2+3+4+2+3 || test.N != 4 {
		t.Fatalf("Load(cifar10): %v %v %v", err, train, test)
	}
	if _, _, err := dataset.LoadCIFAR10("elsewhere/c10"); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, "data"); got != "cifar10" {
		t.Fatalf("data/ holds %q, want only cifar10", got)
	}
	// the last fetch into data/cifar10 had a password: recorded hidden, in
	// a file only its owner reads
	marker := filepath.Join("data", "cifar10", dataset.FetchMarker)
	b, err := os.ReadFile(marker)
	fi, _ := os.Stat(marker)
	if err != nil || !strings.Contains(string(b), "url "+dataset.RedactURL(private)+"\n") || strings.Contains(string(b), "s3cret") || fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("marker (mode %v): %v\n%s", fi.Mode().Perm(), err, b)
	}
}

func TestDataFetchFailuresLeaveNothing(t *testing.T) {
	tgz, sum, src := tinyCIFARArchive(t)
	srv, _ := archiveServer(t, tgz)
	src.URL, src.MD5 = srv.URL+"/cifar-10-binary.tar.gz", sum
	host := strings.TrimPrefix(srv.URL, "https://")
	cases := []struct {
		name  string
		args  []string
		edit  func(s *dataset.Source) // the command's default source
		setup func(t *testing.T)
		want  []string // substrings of the one-line error; the first is exact when whole
	}{
		{"404", []string{"--url", srv.URL + "/gone.tar.gz"}, nil, nil,
			[]string{"cifar10: download " + srv.URL + "/gone.tar.gz: server answered 404 Not Found"}},
		{"checksum", []string{"--md5", strings.Repeat("e", 32)}, nil, nil,
			[]string{"cifar10: checksum mismatch for " + src.URL + ": md5 is " + sum + ", want " + strings.Repeat("e", 32) + " (corrupt download or a different file)"}},
		{"refused", []string{"--url", "https://127.0.0.1:1/cifar-10-binary.tar.gz"}, nil, nil,
			[]string{"cifar10: download https://127.0.0.1:1/cifar-10-binary.tar.gz: dial tcp 127.0.0.1:1: connect: connection refused"}},
		{"target is a file", nil, nil, func(t *testing.T) {
			if err := os.MkdirAll("data", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("data/cifar10", []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"cifar10: data/cifar10 exists and is not a folder"}},
		{"dot", []string{"--dir", "."}, nil, nil,
			[]string{`cifar10: folder "." has no name of its own to replace; name it from outside (e.g. ../cifar10)`}},
		{"mount point", nil, nil, mountedTarget,
			[]string{"cifar10: data/cifar10 is a mount point, which cannot be replaced by a rename; pass a folder inside it (e.g. data/cifar10/cifar10)"}},
		{"10^15 bytes announced", []string{"--url", srv.URL + "/huge.tar.gz"}, nil, nil,
			[]string{"cifar10: download " + srv.URL + "/huge.tar.gz: the server announces 1000000000000000 bytes, more than the limit of 200000000 bytes; nothing was saved (--max-bytes 200000000)"}},
		{"endless stream", []string{"--url", srv.URL + "/endless.tar.gz", "--max-bytes", "100000"}, nil, nil,
			[]string{"cifar10: download " + srv.URL + "/endless.tar.gz: more than the limit of 100000 bytes arrived (", " bytes so far); stopped and removed the partial download (--max-bytes 100000)"}},
		{"endless stream, known size", []string{"--url", srv.URL + "/endless.tar.gz"}, func(s *dataset.Source) { s.Size = 5000 }, nil,
			[]string{"cifar10: download " + srv.URL + "/endless.tar.gz: more than the archive's known size of 5000 bytes arrived (", " bytes so far); stopped and removed the partial download"}},
		{"known size differs", nil, func(s *dataset.Source) { s.Size = int64(len(tgz)) + 1 }, nil,
			[]string{fmt.Sprintf("cifar10: download %s: the server announces %d bytes, but the archive is %d bytes (a different file); nothing was saved", src.URL, len(tgz), len(tgz)+1)}},
		{"known size above --max-bytes", []string{"--max-bytes", "1000"}, func(s *dataset.Source) { s.Size = 5000 }, nil,
			[]string{"cifar10: the archive is 5000 bytes, more than the limit of 1000 bytes; nothing was downloaded (--max-bytes 1000)"}},
		{"content-encoding br", []string{"--url", srv.URL + "/br.tar.gz"}, nil, nil,
			[]string{"cifar10: download " + srv.URL + `/br.tar.gz: the server sent Content-Encoding "br" though identity was asked for; samlab saves only the archive's own bytes (try another mirror)`}},
		{"wrong password", []string{"--url", "https://reader:s3cretX@" + host + "/private/cifar-10-binary.tar.gz"}, nil, nil,
			[]string{"cifar10: download https://reader:xxxxx@" + host + "/private/cifar-10-binary.tar.gz: server answered 401 Unauthorized"}},
		{"password, cut stream", []string{"--url", "https://reader:s3cret@" + host + "/endless.tar.gz", "--max-bytes", "1000"}, nil, nil,
			[]string{"cifar10: download https://reader:xxxxx@" + host + "/endless.tar.gz: more than the limit of 1000 bytes", "(--max-bytes 1000)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if c.setup != nil {
				c.setup(t)
			}
			s := src
			if c.edit != nil {
				c.edit(&s)
			}
			before := listDir(t, ".") + "|" + listDir(t, "data") + "|" + listDir(t, "data/cifar10")
			var out, errb bytes.Buffer
			cmd := dataCmd{stdout: &out, stderr: &errb, src: s, client: srv.Client()}
			err := cmd.run(context.Background(), append([]string{"fetch", "cifar10"}, c.args...))
			if err == nil {
				t.Fatal("fetch succeeded")
			}
			msg := err.Error()
			if len(c.want) == 1 && msg != c.want[0] {
				t.Fatalf("error %s\nwant  %s", msg, c.want[0])
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg+out.String()+errb.String(), "s3cret") {
				t.Errorf("error is not one line, or shows the password: %q (stderr %q)", msg, errb.String())
			}
			if code := exitStatus(io.Discard, "data", err); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if after := listDir(t, ".") + "|" + listDir(t, "data") + "|" + listDir(t, "data/cifar10"); after != before {
				t.Fatalf("tree %q after the failure, %q before", after, before)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q on failure", out.String())
			}
		})
	}
}

// mountedTarget makes data/cifar10 a tmpfs mount point holding an old batch;
// it skips the test where mounting is not allowed (not root).
func mountedTarget(t *testing.T) {
	t.Helper()
	if err := os.MkdirAll("data/cifar10", 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("data/cifar10")
	if err := syscall.Mount("tmpfs", abs, "tmpfs", 0, "size=1m"); err != nil {
		t.Skip("cannot mount a tmpfs here:", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(abs, 0); err != nil {
			t.Errorf("unmount %s: %v", abs, err)
		}
	})
	if err := os.WriteFile("data/cifar10/data_batch_1.bin", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDataUsage(t *testing.T) {
	// a small Fashion-MNIST copy in the IDX layout
	fm := t.TempDir()
	s := &dataset.Set{N: 3, C: 1, H: 28, W: 28, K: 10, Pixels: make([]byte, 3*784), Labels: []int{1, 2, 3}}
	for _, p := range []string{"train", "t10k"} {
		if err := dataset.WriteIDX(filepath.Join(fm, p+"-images-idx3-ubyte"), filepath.Join(fm, p+"-labels-idx1-ubyte"), s, false); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		want    string // substring of the error; "" for success
		code    int    // exit status for an error: 2 usage, 1 otherwise
		help    bool   // flag.ErrHelp
		wantOut string
	}{
		{"no subcommand", nil, "missing subcommand: want fetch", 2, false, ""},
		{"unknown subcommand", []string{"get", "cifar10"}, `unknown subcommand "get": want fetch`, 2, false, ""},
		{"help", []string{"-h"}, "", 0, true, ""},
		{"fetch help", []string{"fetch", "-h"}, "", 0, true, ""},
		{"no dataset", []string{"fetch"}, "missing dataset: want cifar10", 2, false, ""},
		{"unknown dataset", []string{"fetch", "imagenet"}, `unknown dataset "imagenet": want cifar10, fashion-mnist, mnist (samlab downloads cifar10;`, 2, false, ""},
		{"stray argument", []string{"fetch", "cifar10", "extra"}, `unexpected argument "extra": samlab data fetch takes one dataset`, 2, false, ""},
		{"stray argument after flags", []string{"fetch", "cifar10", "--force", "more"}, `unexpected argument "more"`, 2, false, ""},
		{"unknown flag", []string{"fetch", "cifar10", "--mirror", "x"}, "flag provided but not defined: -mirror", 2, false, ""},
		{"bad md5", []string{"fetch", "cifar10", "--md5", "1234"}, `--md5: "1234" is not an MD5 sum`, 2, false, ""},
		{"bad url", []string{"fetch", "cifar10", "--url", "ftp://example.org/c.tgz"}, `--url: URL "ftp://example.org/c.tgz" is not an http:// or https:// address`, 2, false, ""},
		{"url with a space", []string{"fetch", "cifar10", "--url", "https://example.org/a b.tgz"}, `--url: URL "https://example.org/a b.tgz" has a space at byte 21 (percent-encode it, e.g. %20 for a space)`, 2, false, ""},
		{"url with a space in the host", []string{"fetch", "cifar10", "--url", "https://example .org/c.tgz"}, `--url: URL "https://example .org/c.tgz" has a space at byte 15`, 2, false, ""},
		{"url with a newline", []string{"fetch", "cifar10", "--url", "https://example.org/c.tgz\n"}, `has the character '\n' at byte 25`, 2, false, ""},
		{"url with port 0", []string{"fetch", "cifar10", "--url", "https://example.org:0/c.tgz"}, `--url: URL "https://example.org:0/c.tgz" has port "0", want 1..65535`, 2, false, ""},
		{"bad url with a password", []string{"fetch", "cifar10", "--url", "ftp://reader:s3cret@example.org/c.tgz"}, `--url: URL "ftp://reader:xxxxx@example.org/c.tgz" is not an http://`, 2, false, ""},
		{"url with a password and a space", []string{"fetch", "cifar10", "--url", "https://reader:s3cret@example.org/a b"}, `--url: URL "https://reader:xxxxx@example.org/a b" has a space`, 2, false, ""},
		{"max-bytes 0", []string{"fetch", "cifar10", "--max-bytes", "0"}, "--max-bytes 0: want a positive number of bytes", 2, false, ""},
		{"max-bytes negative", []string{"fetch", "cifar10", "--max-bytes", "-5"}, "--max-bytes -5: want a positive number of bytes", 2, false, ""},
		{"max-bytes not a whole number", []string{"fetch", "cifar10", "--max-bytes", "2e8"}, `invalid value "2e8" for flag -max-bytes`, 2, false, ""},
		{"fashion-mnist missing", []string{"fetch", "fashion-mnist", "--dir", empty}, "install Debian's dataset-fashion-mnist package", 1, false, ""},
		{"mnist missing", []string{"fetch", "mnist", "--dir", empty}, "fetch mnist: not downloaded (samlab data fetch gets cifar10 only); put the MNIST files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (or .gz) in data/mnist; samlab does not download them (not usable in ", 1, false, ""},
		{"fashion-mnist with cifar flags", []string{"fetch", "fashion-mnist", "--force"}, "--force apply to cifar10 only", 2, false, ""},
		{"fashion-mnist with --max-bytes", []string{"fetch", "fashion-mnist", "--max-bytes", "5"}, "--max-bytes apply to cifar10 only", 2, false, ""},
		{"fashion-mnist present", []string{"fetch", "fashion-mnist", "--dir", fm}, "", 0, false, "fashion-mnist: found in " + fm + " (3 train, 3 test images), nothing to download\n"},
		{"fmnist alias present", []string{"fetch", "FMNIST", "--dir", fm}, "", 0, false, "fashion-mnist: found in " + fm + " (3 train, 3 test images), nothing to download\n"},
		{"fashionmnist alias missing", []string{"fetch", "fashionmnist", "--dir", empty}, "install Debian's dataset-fashion-mnist package", 1, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			cmd := dataCmd{stdout: &out, stderr: &errb, src: dataset.CIFAR10Source}
			err := cmd.run(context.Background(), c.args)
			switch {
			case c.help:
				if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errb.String(), "usage: samlab data fetch cifar10") {
					t.Fatalf("err %v, stderr %q", err, errb.String())
				}
			case c.want == "":
				if err != nil || out.String() != c.wantOut {
					t.Fatalf("err %v, out %q, want %q", err, out.String(), c.wantOut)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err %v, want %q", err, c.want)
				}
				if strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error is not one line, or shows the password: %q", err)
				}
				if code := exitStatus(io.Discard, "data", err); code != c.code {
					t.Errorf("exit status %d, want %d", code, c.code)
				}
				if errb.Len() != 0 {
					t.Errorf("stderr %q besides the error", errb.String())
				}
			}
		})
	}
}

// TestDataMainChild is the child process of TestDataExitCodes: it runs main
// with the arguments in SAMLAB_DATA_ARGS.
func TestDataMainChild(t *testing.T) {
	env := os.Getenv("SAMLAB_DATA_ARGS")
	if env == "" {
		t.Skip("child process of TestDataExitCodes")
	}
	var args []string
	if err := json.Unmarshal([]byte(env), &args); err != nil {
		t.Fatal(err)
	}
	os.Args = append([]string{"samlab"}, args...)
	main()
}

func TestDataExitCodes(t *testing.T) {
	if os.Getenv("SAMLAB_DATA_ARGS") != "" {
		t.Skip("in the child")
	}
	// plain HTTP: the child has no test CA. /slow answers with headers and
	// then nothing, so that the child is mid-download when interrupted.
	asked := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow.tar.gz":
		case "/close.tar.gz": // as a TLS-only server may answer plain HTTP
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(dataset.CIFAR10Source.Size)) // as the official archive
		w.(http.Flusher).Flush()
		asked <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	// A valid copy per the official source: the six files at their exact
	// sizes (sparse) and the marker; the skip path must not touch the network.
	valid := filepath.Join(t.TempDir(), "cifar10")
	if err := os.MkdirAll(valid, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range dataset.CIFAR10Source.Files {
		if err := os.WriteFile(filepath.Join(valid, f.Name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(filepath.Join(valid, f.Name), f.Size); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(valid, dataset.FetchMarker), []byte("md5 "+dataset.CIFAR10Source.MD5+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "sub", "cifar10")
	upper := "HTTP://" + strings.TrimPrefix(srv.URL, "http://")
	cases := []struct {
		name       string
		args       []string
		interrupt  bool // send SIGINT once the server has the request
		code       int
		wantStdout string
		wantStderr string
	}{
		{"skip valid copy", []string{"data", "fetch", "cifar10", "--dir", valid}, false, 0, "cifar10: valid copy in " + valid + ", nothing to download\n", ""},
		{"404", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", srv.URL + "/c.tar.gz"}, false, 1, "",
			"samlab data: cifar10: download " + srv.URL + "/c.tar.gz: server answered 404 Not Found\n"},
		{"scheme in capitals", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", upper + "/c.tar.gz"}, false, 1, "",
			"samlab data: cifar10: download " + upper + "/c.tar.gz: server answered 404 Not Found\n"},
		{"interrupted", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", srv.URL + "/slow.tar.gz"}, true, 130, "",
			"samlab data: cifar10: interrupted after 0 bytes; removed the partial download: context canceled\n"},
		{"closed without an answer", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", srv.URL + "/close.tar.gz"}, false, 1, "",
			"samlab data: cifar10: download " + srv.URL + "/close.tar.gz: the server closed the connection without answering (EOF); if the server speaks HTTPS, use https://\n"},
		{"url with a space", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", srv.URL + "/c 1.tar.gz"}, false, 2, "",
			"samlab data: --url: URL \"" + srv.URL + "/c 1.tar.gz\" has a space at byte "},
		{"stray argument", []string{"data", "fetch", "cifar10", "now"}, false, 2, "", "samlab data: unexpected argument \"now\": samlab data fetch takes one dataset (samlab data fetch -h lists the flags)\n"},
		{"unknown subcommand", []string{"data", "pull"}, false, 2, "", "samlab data: unknown subcommand \"pull\": want fetch (samlab data fetch cifar10)\n"},
		{"no subcommand", []string{"data"}, false, 2, "", "samlab data: missing subcommand: want fetch (samlab data fetch cifar10)\n"},
		{"help", []string{"help", "data"}, false, 0, "", "usage: samlab data fetch cifar10"},
		{"fetch -h", []string{"data", "fetch", "-h"}, false, 0, "", "-max-bytes bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := json.Marshal(c.args)
			cmd := exec.Command(os.Args[0], "-test.run=^TestDataMainChild$")
			cmd.Env = append(os.Environ(), "SAMLAB_DATA_ARGS="+string(b))
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if c.interrupt {
				select {
				case <-asked:
				case <-time.After(time.Minute):
					t.Fatal("the child never asked for the archive")
				}
				if err := cmd.Process.Signal(os.Interrupt); err != nil {
					t.Fatal(err)
				}
			}
			err := cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			stdout := strings.TrimSuffix(out.String(), "PASS\n") // the test binary's own line
			if code != c.code || !strings.HasPrefix(stdout, c.wantStdout) || !strings.Contains(errb.String(), c.wantStderr) {
				t.Fatalf("exit %d (want %d)\nstdout %q (want prefix %q)\nstderr %q (want %q)", code, c.code, stdout, c.wantStdout, errb.String(), c.wantStderr)
			}
			if c.code != 0 && strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("stderr is not one line: %q", errb.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed fetch left %s: %v", filepath.Dir(missing), err)
	}
}

func TestFetchProgress(t *testing.T) {
	cases := []struct {
		name     string
		terminal bool
		total    int64
		steps    int64 // update every total/steps bytes
		want     []string
		lines    int // -1: do not count
	}{
		{"known size", false, 1000, 100, []string{"cifar10: downloading U (0.0 MB) into D\n", "cifar10: 10% (0.0 MB of 0.0 MB)\n", "cifar10: 100% (0.0 MB of 0.0 MB)\n"}, 11},
		{"one chunk", false, 5e6, 1, []string{"cifar10: downloading U (5.0 MB) into D\ncifar10: 100% (5.0 MB of 5.0 MB)\n"}, 2},
		{"unknown size", false, -1, 0, []string{"(size unknown)", "cifar10: 16.8 MB\n", "cifar10: 50.3 MB\n"}, 4},
		{"terminal bar", true, 1 << 20, 4, []string{"cifar10: downloading U (1.0 MB) into D\n", "\r"}, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			p := &fetchProgress{w: &b, terminal: c.terminal, url: "U", dir: "D"}
			if c.total < 0 {
				for done := int64(1 << 20); done <= 60<<20; done += 1 << 20 {
					p.update(done, -1)
				}
			} else {
				for i := int64(1); i <= c.steps; i++ {
					p.update(c.total*i/c.steps, c.total)
				}
			}
			p.finish(true)
			out := b.String()
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output %q lacks %q", out, w)
				}
			}
			if c.lines >= 0 {
				if n := strings.Count(out, "\n"); n != c.lines || strings.Contains(out, "\r") {
					t.Errorf("%d lines (want %d) or a carriage return: %q", n, c.lines, out)
				}
			}
		})
	}
}
