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
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/samlab/samlab/native/dataset"
)

// tinyCIFARArchive returns a CIFAR10 binary archive in the official layout
// with a few records per batch, its MD5, and the Source describing its files
// (URL and MD5 unset).
func tinyCIFARArchive(t *testing.T) ([]byte, string, dataset.Source) {
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
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(sum[:]), src
}

// archiveServer serves b at /cifar-10-binary.tar.gz over TLS and 404 on
// other paths, counting requests.
func archiveServer(t *testing.T, b []byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/cifar-10-binary.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// listDir returns the names in dir, "" when it does not exist.
func listDir(t *testing.T, dir string) string {
	t.Helper()
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
	srv, hits := archiveServer(t, tgz)
	src.URL, src.MD5 = srv.URL+"/cifar-10-binary.tar.gz", sum
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
		// --url and --md5 name a mirror; the default source points nowhere
		{"mirror flags", dataset.Source{Name: "cifar10", URL: "https://127.0.0.1:1/none", MD5: strings.Repeat("0", 32), Folder: src.Folder, Files: src.Files, Extra: src.Extra},
			[]string{"fetch", "cifar10", "--dir", "elsewhere/c10", "--url", src.URL, "--md5", strings.ToUpper(sum)},
			"reads them", 3},
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
		if s.wantHits > 1 && s.name != "valid copy" && !strings.Contains(errb.String(), "cifar10: 100% (") {
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
}

func TestDataFetchFailuresLeaveNothing(t *testing.T) {
	tgz, sum, src := tinyCIFARArchive(t)
	srv, _ := archiveServer(t, tgz)
	src.URL, src.MD5 = srv.URL+"/cifar-10-binary.tar.gz", sum
	cases := []struct {
		name  string
		args  []string
		setup func(t *testing.T)
		want  string
	}{
		{"404", []string{"--url", srv.URL + "/gone.tar.gz"}, nil,
			"cifar10: download " + srv.URL + "/gone.tar.gz: server answered 404 Not Found"},
		{"checksum", []string{"--md5", strings.Repeat("e", 32)}, nil,
			"cifar10: checksum mismatch for " + src.URL + ": md5 is " + sum + ", want " + strings.Repeat("e", 32) + " (corrupt download or a different file)"},
		{"refused", []string{"--url", "https://127.0.0.1:1/cifar-10-binary.tar.gz"}, nil,
			"cifar10: download https://127.0.0.1:1/cifar-10-binary.tar.gz: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"target is a file", nil, func(t *testing.T) {
			if err := os.MkdirAll("data", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("data/cifar10", []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "cifar10: data/cifar10 exists and is not a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if c.setup != nil {
				c.setup(t)
			}
			before := listDir(t, ".") + "|" + listDir(t, "data")
			var out, errb bytes.Buffer
			cmd := dataCmd{stdout: &out, stderr: &errb, src: src, client: srv.Client()}
			err := cmd.run(context.Background(), append([]string{"fetch", "cifar10"}, c.args...))
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant  %s", err, c.want)
			}
			if after := listDir(t, ".") + "|" + listDir(t, "data"); after != before {
				t.Fatalf("tree %q after the failure, %q before", after, before)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q on failure", out.String())
			}
		})
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
		help    bool   // flag.ErrHelp
		wantOut string
	}{
		{"no subcommand", nil, "missing subcommand: want fetch", false, ""},
		{"unknown subcommand", []string{"get", "cifar10"}, `unknown subcommand "get": want fetch`, false, ""},
		{"help", []string{"-h"}, "", true, ""},
		{"fetch help", []string{"fetch", "-h"}, "", true, ""},
		{"no dataset", []string{"fetch"}, "missing dataset: want cifar10", false, ""},
		{"unknown dataset", []string{"fetch", "imagenet"}, `unknown dataset "imagenet": want cifar10`, false, ""},
		{"stray argument", []string{"fetch", "cifar10", "extra"}, `unexpected argument "extra"`, false, ""},
		{"stray argument after flags", []string{"fetch", "cifar10", "--force", "more"}, `unexpected argument "more"`, false, ""},
		{"unknown flag", []string{"fetch", "cifar10", "--mirror", "x"}, "flag provided but not defined: -mirror", false, ""},
		{"bad md5", []string{"fetch", "cifar10", "--md5", "1234"}, `--md5: "1234" is not an MD5 sum`, false, ""},
		{"bad url", []string{"fetch", "cifar10", "--url", "ftp://example.org/c.tgz"}, `--url "ftp://example.org/c.tgz": want an https://`, false, ""},
		{"fashion-mnist missing", []string{"fetch", "fashion-mnist", "--dir", empty}, "install Debian's dataset-fashion-mnist package", false, ""},
		{"mnist missing", []string{"fetch", "mnist", "--dir", empty}, "/usr/share/datasets/fashion-mnist", false, ""},
		{"fashion-mnist with cifar flags", []string{"fetch", "fashion-mnist", "--force"}, "--force apply to cifar10 only", false, ""},
		{"fashion-mnist present", []string{"fetch", "fashion-mnist", "--dir", fm}, "", false, "fashion-mnist: found in " + fm + " (3 train, 3 test images), nothing to download\n"},
		{"fmnist alias present", []string{"fetch", "FMNIST", "--dir", fm}, "", false, "fashion-mnist: found in " + fm + " (3 train, 3 test images), nothing to download\n"},
		{"fashionmnist alias missing", []string{"fetch", "fashionmnist", "--dir", empty}, "install Debian's dataset-fashion-mnist package", false, ""},
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
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
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
	srv := httptest.NewServer(http.NotFoundHandler()) // plain HTTP: the child has no test CA
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
	cases := []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{"skip valid copy", []string{"data", "fetch", "cifar10", "--dir", valid}, 0, "cifar10: valid copy in " + valid + ", nothing to download\n", ""},
		{"404", []string{"data", "fetch", "cifar10", "--dir", missing, "--url", srv.URL + "/c.tar.gz"}, 1, "",
			"samlab data: cifar10: download " + srv.URL + "/c.tar.gz: server answered 404 Not Found\n"},
		{"stray argument", []string{"data", "fetch", "cifar10", "now"}, 1, "", "samlab data: unexpected argument \"now\"\n"},
		{"unknown subcommand", []string{"data", "pull"}, 1, "", "samlab data: unknown subcommand \"pull\": want fetch (samlab data fetch cifar10)\n"},
		{"help", []string{"help", "data"}, 0, "", "usage: samlab data fetch cifar10"},
		{"fetch -h", []string{"data", "fetch", "-h"}, 0, "", "-force"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := json.Marshal(c.args)
			cmd := exec.Command(os.Args[0], "-test.run=^TestDataMainChild$")
			cmd.Env = append(os.Environ(), "SAMLAB_DATA_ARGS="+string(b))
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
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
