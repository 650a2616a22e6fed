package dataset

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// tarEntry is one file of a test archive.
type tarEntry struct {
	name string
	data []byte
}

// tinyCIFAR returns the entries of a CIFAR10 archive in the official layout
// with a few records per batch (batch i has i+1 records, the test batch 3),
// and the Source (without URL and MD5) that describes them.
func tinyCIFAR(t *testing.T) ([]tarEntry, Source) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	src := Source{Name: "cifar10", Folder: "cifar-10-batches-bin", Extra: CIFAR10Source.Extra}
	var es []tarEntry
	batch := func(name string, n int) {
		b := make([]byte, n*cifarRecord)
		for r := 0; r < n; r++ {
			b[r*cifarRecord] = byte(rng.IntN(10))
			for j := 1; j < cifarRecord; j++ {
				b[r*cifarRecord+j] = byte(rng.IntN(256))
			}
		}
		es = append(es, tarEntry{"cifar-10-batches-bin/" + name, b})
		src.Files = append(src.Files, SourceFile{name, int64(len(b))})
	}
	for i, f := range CIFAR10TrainFiles {
		batch(f, i+1)
	}
	batch(CIFAR10TestFile, 3)
	es = append(es,
		tarEntry{"cifar-10-batches-bin/batches.meta.txt", []byte(strings.Join(CIFAR10Classes, "\n") + "\n")},
		tarEntry{"cifar-10-batches-bin/readme.html", []byte("<p>tiny test copy</p>\n")})
	return es, src
}

// tarball gzips a tar of es, with a folder entry first as in the official
// archive.
func tarball(t *testing.T, es []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "cifar-10-batches-bin/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e.data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// serve starts a TLS server answering every request with h and counts the
// requests.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// serveBytes answers with b and its Content-Length.
func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	}
}

// entries lists the names in dir ("" for a missing dir).
func entries(t *testing.T, dir string) string {
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

func TestFetchInstallsSkipsAndReplaces(t *testing.T) {
	es, src := tinyCIFAR(t)
	tgz := tarball(t, es)
	srv, hits := serve(t, serveBytes(tgz))
	src.URL, src.MD5 = srv.URL+"/cifar-10-binary.tar.gz", md5hex(tgz)
	root := t.TempDir()
	target := filepath.Join(root, "data", "cifar10") // "data" does not exist yet
	opt := FetchOptions{Client: srv.Client()}

	res, err := Fetch(context.Background(), src, target, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := "batches.meta.txt data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin readme.html " + FetchMarker + " test_batch.bin"
	if res.Skipped || res.Bytes != int64(len(tgz)) || res.Dir != target || entries(t, target) != want {
		t.Fatalf("result %+v, files %q", res, entries(t, target))
	}
	if got := entries(t, filepath.Join(root, "data")); got != "cifar10" {
		t.Fatalf("parent holds %q, want only cifar10 (temporaries left?)", got)
	}
	train, test, err := LoadCIFAR10(target)
	if err != nil || train.N != 1+2+3+4+5 || test.N != 3 {
		t.Fatalf("LoadCIFAR10: %v, %v train %v test", err, train, test)
	}
	if train.Labels[0] != int(es[0].data[0]) || string(train.Pixels[:cifarRecord-1]) != string(es[0].data[1:cifarRecord]) {
		t.Fatal("first training record differs from the archive's")
	}
	marker, _ := os.ReadFile(filepath.Join(target, FetchMarker))
	for _, w := range []string{"md5 " + src.MD5, "url " + src.URL, "sha256 "} {
		if !strings.Contains(string(marker), w) {
			t.Errorf("marker lacks %q:\n%s", w, marker)
		}
	}
	if err := src.Check(target); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name     string
		prepare  func()
		force    bool
		skipped  bool
		wantHits int32
	}{
		{"valid copy is skipped", func() {}, false, true, 1},
		{"force downloads again", func() {}, true, false, 2},
		{"truncated batch is replaced", func() {
			if err := os.Truncate(filepath.Join(target, "data_batch_3.bin"), 10); err != nil {
				t.Fatal(err)
			}
		}, false, false, 3},
		{"missing marker is replaced", func() {
			if err := os.Remove(filepath.Join(target, FetchMarker)); err != nil {
				t.Fatal(err)
			}
		}, false, false, 4},
		{"empty folder is filled", func() {
			if err := os.RemoveAll(target); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(target, 0o755); err != nil {
				t.Fatal(err)
			}
		}, false, false, 5},
	}
	for _, s := range steps {
		s.prepare()
		o := opt
		o.Force = s.force
		res, err := Fetch(context.Background(), src, target, o)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if res.Skipped != s.skipped || hits.Load() != s.wantHits {
			t.Fatalf("%s: skipped %v, %d requests; want %v, %d", s.name, res.Skipped, hits.Load(), s.skipped, s.wantHits)
		}
		if err := src.Check(target); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := entries(t, filepath.Join(root, "data")); got != "cifar10" {
			t.Fatalf("%s: parent holds %q", s.name, got)
		}
	}
}

func TestFetchThroughSymlink(t *testing.T) {
	es, src := tinyCIFAR(t)
	tgz := tarball(t, es)
	srv, _ := serve(t, serveBytes(tgz))
	src.URL, src.MD5 = srv.URL+"/c.tar.gz", md5hex(tgz)
	root := t.TempDir()
	real := filepath.Join(root, "big-disk", "cifar10")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "cifar10")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	res, err := Fetch(context.Background(), src, link, FetchOptions{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("symlink replaced: %v %v", fi, err)
	}
	if res.Dir != real || src.Check(link) != nil || entries(t, filepath.Join(root, "big-disk")) != "cifar10" {
		t.Fatalf("result %+v; check %v; big-disk holds %q", res, src.Check(link), entries(t, filepath.Join(root, "big-disk")))
	}
}

func TestFetchFailures(t *testing.T) {
	es, src := tinyCIFAR(t)
	good := tarball(t, es)
	half := good[:len(good)/2]
	var without []tarEntry // no test_batch.bin
	var resized []tarEntry // data_batch_2.bin one record short
	for _, e := range es {
		if !strings.HasSuffix(e.name, CIFAR10TestFile) {
			without = append(without, e)
		}
		if strings.HasSuffix(e.name, "data_batch_2.bin") {
			e.data = e.data[:cifarRecord]
		}
		resized = append(resized, e)
	}
	// tar of the files, gzipped but cut short: md5 matches, extraction fails.
	var tr bytes.Buffer
	zw := gzip.NewWriter(&tr)
	raw := func() []byte {
		var b bytes.Buffer
		w := tar.NewWriter(&b)
		for _, e := range es {
			_ = w.WriteHeader(&tar.Header{Name: e.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e.data))})
			_, _ = w.Write(e.data)
		}
		_ = w.Close()
		return b.Bytes()
	}()
	_, _ = zw.Write(raw[:len(raw)/2])
	_ = zw.Close()
	cutTar := tr.Bytes()
	garbage := bytes.Repeat([]byte("not a gzip file "), 100)

	// blockAfterHalf sends half of the archive, then waits for the client to
	// give up.
	blockAfterHalf := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		_, _ = w.Write(half)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}

	cases := []struct {
		name    string
		handler http.HandlerFunc
		body    []byte // archive whose md5 the source expects (default good)
		md5     string // overrides the expected md5
		closed  bool   // the server is down: connection refused
		setup   func(t *testing.T, target string)
		opt     func(o *FetchOptions, cancel context.CancelFunc)
		nested  bool // target's parent folders do not exist
		edit    func(s *Source)
		secret  bool // the URL carries user:s3cret@, which no message may show
		noReq   bool // refused before any request
		tooBig  bool // a *TooBigError
		want    []string
		is      error
	}{
		{name: "connection refused", closed: true, nested: true, want: []string{"download https://127.0.0.1:", "connection refused"}},
		{name: "status 404", handler: http.NotFound, nested: true, want: []string{"download https://127.0.0.1:", "/cifar-10-binary.tar.gz: server answered 404 Not Found"}},
		{name: "status 500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }, want: []string{"server answered 500 Internal Server Error"}},
		{name: "checksum mismatch", handler: serveBytes(good), md5: strings.Repeat("0", 32), nested: true,
			want: []string{"checksum mismatch for https://", "md5 is " + md5hex(good), "want " + strings.Repeat("0", 32)}},
		{name: "truncated download", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(good)))
			_, _ = w.Write(half)
		}, want: []string{"truncated download from https://", fmt.Sprintf("got %d of %d bytes", len(half), len(good))}},
		{name: "connection reset", handler: func(w http.ResponseWriter, r *http.Request) {
			conn, bw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(good))
			_, _ = bw.Write(half)
			_ = bw.Flush()
			if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
				if tcp, ok := tc.NetConn().(*net.TCPConn); ok {
					_ = tcp.SetLinger(0) // close with RST
				}
				_ = tc.NetConn().Close()
				return
			}
			_ = conn.Close()
		}, want: []string{"cifar10: ", "https://127.0.0.1:", fmt.Sprintf(" of %d bytes", len(good))}},
		{name: "closed without an answer", nested: true, handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			_ = conn.Close()
		}, want: []string{"cifar10: download https://127.0.0.1:", "/cifar-10-binary.tar.gz: the server closed the connection without answering (EOF)"}},
		{name: "not gzip", handler: serveBytes(garbage), body: garbage, want: []string{"corrupt archive from https://", "gzip: invalid header"}},
		{name: "cut tar", handler: serveBytes(cutTar), body: cutTar, want: []string{"corrupt archive from https://", "unexpected EOF"}},
		{name: "missing batch", handler: serveBytes(tarball(t, without)), body: tarball(t, without),
			want: []string{"archive from https://", "has no cifar-10-batches-bin/test_batch.bin"}},
		{name: "wrong batch size", handler: serveBytes(tarball(t, resized)), body: tarball(t, resized),
			want: []string{"cifar-10-batches-bin/data_batch_2.bin in the archive from https://", fmt.Sprintf("is %d bytes, want %d", cifarRecord, 2*cifarRecord)}},
		{name: "target is a file", handler: serveBytes(good), setup: func(t *testing.T, target string) {
			if err := os.WriteFile(target, []byte("not a folder"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, noReq: true, want: []string{"cifar10: ", "cifar10 exists and is not a folder"}},
		{name: "target holds other files", handler: serveBytes(good), setup: func(t *testing.T, target string) {
			if err := os.MkdirAll(filepath.Join(target, "my-notes"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, noReq: true, want: []string{"holds my-notes, which is not part of cifar10; not replacing"}},
		{name: "old copy kept on failure", handler: serveBytes(good), md5: strings.Repeat("f", 32), setup: func(t *testing.T, target string) {
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(target, "data_batch_1.bin"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"checksum mismatch"}},
		{name: "disk full", handler: serveBytes(good), nested: true, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.createTemp = func(dir, pattern string) (*os.File, func(), error) {
				f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
				return f, func() {}, err // never remove /dev/full
			}
		}, want: []string{"cifar10: disk full while writing /dev/full"}, is: syscall.ENOSPC},
		{name: "interrupted", handler: blockAfterHalf, nested: true, opt: func(o *FetchOptions, cancel context.CancelFunc) {
			o.Progress = func(done, total int64) { cancel() }
		}, want: []string{"cifar10: interrupted after", "removed the partial download"}, is: context.Canceled},
		{name: "stalled", handler: blockAfterHalf, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.Stall = 300 * time.Millisecond
		}, want: []string{"no data for 300ms after", "stalled"}},
		// The folder cannot be replaced: found before the download.
		{name: "mount point (rename busy)", handler: serveBytes(good), noReq: true, setup: oldCopy, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.rename = func(oldpath, newpath string) error {
				return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EBUSY}
			}
		}, want: []string{"cifar10: ", "/cifar10 is a mount point, which cannot be replaced by a rename; pass a folder inside it (e.g. ", "/cifar10/cifar10)"}},
		{name: "mount point (tmpfs)", handler: serveBytes(good), noReq: true, setup: mountTmpfs,
			want: []string{"/cifar10 is a mount point, which cannot be replaced by a rename"}},
		{name: "rename refused", handler: serveBytes(good), noReq: true, setup: oldCopy, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.rename = func(oldpath, newpath string) error {
				return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EPERM}
			}
		}, want: []string{"/cifar10 cannot be replaced: renaming it in ", "fails (operation not permitted); pass another folder"}},
		// The server's encoding is never undone.
		{name: "content-encoding br", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			serveBytes(good)(w, r)
		}, nested: true, want: []string{`the server sent Content-Encoding "br" though identity was asked for`}},
		{name: "gzip content-encoding over the archive", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			serveBytes(gzipped(t, good))(w, r)
		}, want: []string{"checksum mismatch", "(the server sent Content-Encoding gzip: it compressed the archive again, or it is a different file)"}},
		// The size is bounded before and while streaming.
		{name: "10^15 bytes announced", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000000000000000")
			_, _ = w.Write(half)
			<-r.Context().Done()
		}, nested: true, tooBig: true, want: []string{"cifar10: download https://127.0.0.1:", "the server announces 1000000000000000 bytes, more than the limit of 200000000 bytes; nothing was saved"}},
		{name: "endless stream cut at MaxBytes", handler: endless, tooBig: true, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.MaxBytes = 100_000
		}, want: []string{"more than the limit of 100000 bytes arrived (", " bytes so far); stopped and removed the partial download"}},
		{name: "stream past the known size", handler: endless, tooBig: true, edit: func(s *Source) { s.Size = 5000 },
			want: []string{"more than the archive's known size of 5000 bytes arrived"}},
		{name: "announced size differs from the known one", handler: serveBytes(good), edit: func(s *Source) { s.Size = int64(len(good)) + 1 },
			want: []string{fmt.Sprintf("the server announces %d bytes, but the archive is %d bytes (a different file); nothing was saved", len(good), len(good)+1)}},
		{name: "known size above MaxBytes", handler: serveBytes(good), noReq: true, tooBig: true, edit: func(s *Source) { s.Size = 1000 }, opt: func(o *FetchOptions, _ context.CancelFunc) {
			o.MaxBytes = 999
		}, want: []string{"cifar10: the archive is 1000 bytes, more than the limit of 999 bytes; nothing was downloaded"}},
		// A password in the URL is never shown.
		{name: "password, status 404", handler: http.NotFound, secret: true, want: []string{"download https://reader:xxxxx@127.0.0.1:", "server answered 404"}},
		{name: "password, checksum", handler: serveBytes(good), md5: strings.Repeat("0", 32), secret: true, want: []string{"checksum mismatch for https://reader:xxxxx@127.0.0.1:"}},
		{name: "password, refused", closed: true, secret: true, want: []string{"download https://reader:xxxxx@127.0.0.1:", "connection refused"}},
		{name: "password, cut stream", handler: endless, secret: true, tooBig: true, opt: func(o *FetchOptions, _ context.CancelFunc) { o.MaxBytes = 1000 },
			want: []string{"download https://reader:xxxxx@127.0.0.1:"}},
		{name: "password, corrupt", handler: serveBytes(garbage), body: garbage, secret: true, want: []string{"corrupt archive from https://reader:xxxxx@"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "disk full" {
				if _, err := os.Stat("/dev/full"); err != nil {
					t.Skip("no /dev/full:", err)
				}
			}
			h := c.handler
			if h == nil {
				h = serveBytes(good)
			}
			srv, hits := serve(t, h)
			s := src
			s.URL = srv.URL + "/cifar-10-binary.tar.gz"
			if c.secret {
				s.URL = strings.Replace(s.URL, "https://", "https://reader:s3cret@", 1)
			}
			if c.edit != nil {
				c.edit(&s)
			}
			body := good
			if c.body != nil {
				body = c.body
			}
			s.MD5 = md5hex(body)
			if c.md5 != "" {
				s.MD5 = c.md5
			}
			if c.closed {
				srv.Close()
			}
			root := t.TempDir()
			parent := root
			if c.nested {
				parent = filepath.Join(root, "a", "b")
			}
			target := filepath.Join(parent, "cifar10")
			if c.setup != nil {
				c.setup(t, target)
			}
			before := entries(t, root)
			beforeTarget := entries(t, target)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opt := FetchOptions{Client: srv.Client()}
			if c.opt != nil {
				c.opt(&opt, cancel)
			}
			_, err := Fetch(ctx, s, target, opt)
			if err == nil {
				t.Fatal("Fetch succeeded")
			}
			msg := err.Error()
			t.Logf("error: %s", msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", msg, c.is)
			}
			if c.noReq && hits.Load() != 0 {
				t.Error("a refused target still made a request")
			}
			if !c.noReq && !c.closed && hits.Load() == 0 {
				t.Error("no request made")
			}
			if c.secret && strings.Contains(msg, "s3cret") {
				t.Errorf("error shows the password: %q", msg)
			}
			var tb *TooBigError
			if errors.As(err, &tb) != c.tooBig {
				t.Errorf("error %q: TooBigError %v, want %v", msg, errors.As(err, &tb), c.tooBig)
			}
			// Nothing half-written: the tree is as before the call.
			if got := entries(t, root); got != before {
				t.Errorf("root holds %q after the failure, had %q", got, before)
			}
			if got := entries(t, target); got != beforeTarget {
				t.Errorf("target holds %q after the failure, had %q", got, beforeTarget)
			}
			if c.nested && entries(t, parent) != "" {
				t.Errorf("parent folder %s left behind", parent)
			}
		})
	}
}

// oldCopy puts an old, incomplete copy in target.
func oldCopy(t *testing.T, target string) {
	t.Helper()
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "data_batch_1.bin"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// mountTmpfs makes target a tmpfs mount point holding an old copy; it skips
// the test where mounting is not allowed (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, target string) {
	t.Helper()
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", target, "tmpfs", 0, "size=1m"); err != nil {
		t.Skip("cannot mount a tmpfs here:", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(target, 0); err != nil {
			t.Errorf("unmount %s: %v", target, err)
		}
	})
	if err := os.WriteFile(filepath.Join(target, "data_batch_1.bin"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// gzipped compresses b once more.
func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// endless streams zeros without a Content-Length until the client leaves.
func endless(w http.ResponseWriter, r *http.Request) {
	w.(http.Flusher).Flush() // headers now: chunked, no length
	chunk := make([]byte, 32<<10)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func TestSourceCheck(t *testing.T) {
	_, src := tinyCIFAR(t)
	src.MD5 = strings.Repeat("a", 32)
	write := func(t *testing.T, dir string, skip string, marker string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range src.Files {
			if f.Name == skip {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, f.Name), make([]byte, f.Size), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if marker != "" {
			if err := os.WriteFile(filepath.Join(dir, FetchMarker), []byte(marker), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string // "" for valid
	}{
		{"valid", func(t *testing.T, dir string) { write(t, dir, "", "url x\nmd5 "+strings.Repeat("A", 32)+"\n") }, ""},
		{"no folder", func(t *testing.T, dir string) {}, "data_batch_1.bin is missing"},
		{"missing batch", func(t *testing.T, dir string) { write(t, dir, "data_batch_4.bin", "md5 "+src.MD5) }, "data_batch_4.bin is missing"},
		{"wrong size", func(t *testing.T, dir string) {
			write(t, dir, "", "md5 "+src.MD5)
			_ = os.Truncate(filepath.Join(dir, "test_batch.bin"), 5)
		}, fmt.Sprintf("test_batch.bin is 5 bytes, want %d", 3*cifarRecord)},
		{"batch is a folder", func(t *testing.T, dir string) {
			write(t, dir, "data_batch_2.bin", "md5 "+src.MD5)
			_ = os.Mkdir(filepath.Join(dir, "data_batch_2.bin"), 0o755)
		}, "data_batch_2.bin is not a regular file"},
		{"no marker", func(t *testing.T, dir string) { write(t, dir, "", "") }, FetchMarker + " is missing"},
		{"other md5", func(t *testing.T, dir string) { write(t, dir, "", "md5 "+strings.Repeat("b", 32)) }, "records archive md5 \"" + strings.Repeat("b", 32) + "\", want " + src.MD5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cifar10")
			c.setup(t, dir)
			err := src.Check(dir)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check = %v, want %q", err, c.want)
			}
		})
	}
}

func TestFetchRejectsBadSource(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *Source)
		want string
	}{
		{"short md5", func(s *Source) { s.MD5 = "abc" }, `"abc" is not an MD5 sum`},
		{"non-hex md5", func(s *Source) { s.MD5 = strings.Repeat("z", 32) }, "is not an MD5 sum"},
		{"ftp url", func(s *Source) { s.URL = "ftp://example.org/x.tar.gz" }, `URL "ftp://example.org/x.tar.gz" is not an http:// or https:// address`},
		{"no host", func(s *Source) { s.URL = "https:///x" }, "is not an http:// or https:// address"},
		{"no files", func(s *Source) { s.Files = nil }, "names no archive folder or no files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := CIFAR10Source
			c.edit(&s)
			dir := filepath.Join(t.TempDir(), "cifar10")
			_, err := Fetch(context.Background(), s, dir, FetchOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Fetch = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("target created: %v", err)
			}
		})
	}
}

func TestCIFAR10SourceIsOfficial(t *testing.T) {
	s := CIFAR10Source
	if s.URL != "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz" || s.MD5 != "c32a1d4ab5d03f1284b67883e8d87530" || s.Folder != "cifar-10-batches-bin" {
		t.Fatalf("%+v", s)
	}
	if len(s.Files) != len(CIFAR10TrainFiles)+1 {
		t.Fatalf("%d files", len(s.Files))
	}
	for i, f := range s.Files {
		want := CIFAR10TestFile
		if i < len(CIFAR10TrainFiles) {
			want = CIFAR10TrainFiles[i]
		}
		if f.Name != want || f.Size != 30730000 {
			t.Errorf("file %d = %+v, want %s of 30730000 bytes", i, f, want)
		}
	}
}

// TestFetchHostileButValid: servers and archives that are odd but carry the
// right archive are handled, and only what was checked is installed.
func TestFetchHostileButValid(t *testing.T) {
	es, src := tinyCIFAR(t)
	good := tarball(t, es)
	foreign := tarball(t, append(append([]tarEntry{}, es...),
		tarEntry{"cifar-10-batches-bin/evil.sh", []byte("#!/bin/sh\nrm -rf ~\n")},
		tarEntry{"cifar-10-batches-bin/.hidden", []byte("x")},
		tarEntry{"cifar-10-batches-bin/sub/data_batch_1.bin", []byte("nested")},
		tarEntry{"elsewhere/notes.txt", []byte("outside the folder")}))
	want := "batches.meta.txt data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin readme.html " + FetchMarker + " test_batch.bin"
	cases := []struct {
		name    string
		body    []byte
		handler func(body []byte) http.HandlerFunc // nil: serveBytes
		url     func(u string) string              // edits the server's URL
		edit    func(s *Source, o *FetchOptions)
		private bool // the marker must be readable by its owner only
	}{
		{name: "plain"},
		{name: "unknown members are not installed", body: foreign},
		{name: "gzip label on the archive's own bytes", handler: func(b []byte) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				serveBytes(b)(w, r)
			}
		}},
		{name: "password in the URL", private: true, url: func(u string) string { return strings.Replace(u, "https://", "https://reader:s3cret@", 1) },
			handler: func(b []byte) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if u, p, ok := r.BasicAuth(); !ok || u != "reader" || p != "s3cret" {
						http.Error(w, "who are you", http.StatusUnauthorized)
						return
					}
					serveBytes(b)(w, r)
				}
			}},
		{name: "token in the query", private: true, url: func(u string) string { return u + "?token=s3cret" }},
		{name: "known size, exactly", edit: func(s *Source, o *FetchOptions) { s.Size = int64(len(good)) }},
		{name: "MaxBytes, exactly", edit: func(s *Source, o *FetchOptions) { o.MaxBytes = int64(len(good)) }},
		{name: "no Content-Length under MaxBytes", handler: func(b []byte) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush()
				_, _ = w.Write(b)
			}
		}, edit: func(s *Source, o *FetchOptions) { o.MaxBytes = int64(len(good)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := good
			if c.body != nil {
				body = c.body
			}
			h := serveBytes(body)
			if c.handler != nil {
				h = c.handler(body)
			}
			var enc atomic.Value
			srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {
				enc.Store(r.Header.Get("Accept-Encoding"))
				h(w, r)
			})
			s := src
			s.URL, s.MD5 = srv.URL+"/c.tar.gz", md5hex(body)
			if c.url != nil {
				s.URL = c.url(s.URL)
			}
			opt := FetchOptions{Client: srv.Client()}
			if c.edit != nil {
				c.edit(&s, &opt)
			}
			target := filepath.Join(t.TempDir(), "cifar10")
			for i, force := range []bool{false, true} { // and --force replaces what the first wrote
				opt.Force = force
				if _, err := Fetch(context.Background(), s, target, opt); err != nil {
					t.Fatalf("fetch %d: %v", i+1, err)
				}
				if got := entries(t, target); got != want {
					t.Fatalf("fetch %d installed %q, want %q", i+1, got, want)
				}
			}
			if hits.Load() != 2 || enc.Load() != "identity" {
				t.Errorf("%d requests, Accept-Encoding %q; want 2, identity", hits.Load(), enc.Load())
			}
			marker, err := os.ReadFile(filepath.Join(target, FetchMarker))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(marker), "url "+RedactURL(s.URL)+"\n") || strings.Contains(string(marker), ":s3cret@") {
				t.Errorf("marker records %q", marker)
			}
			mfi, _ := os.Stat(filepath.Join(target, FetchMarker))
			bfi, _ := os.Stat(filepath.Join(target, "data_batch_1.bin"))
			if c.private && mfi.Mode().Perm()&0o077 != 0 {
				t.Errorf("marker mode %v, want owner-only", mfi.Mode().Perm())
			}
			if !c.private && mfi.Mode().Perm() != bfi.Mode().Perm() {
				t.Errorf("marker mode %v, want the batches' %v", mfi.Mode().Perm(), bfi.Mode().Perm())
			}
		})
	}
}

func TestRedactAndCheckURL(t *testing.T) {
	cases := []struct {
		raw, redacted string
		bad           string // substring of CheckURL's error; "" for valid
	}{
		{"https://h/c.tgz", "https://h/c.tgz", ""},
		{"HTTP://h/c.tgz", "HTTP://h/c.tgz", ""},
		{"https://u:pw@h:8443/c.tgz", "https://u:xxxxx@h:8443/c.tgz", ""},
		{"https://u@h/c.tgz", "https://u@h/c.tgz", ""},
		{"https://u:p@ss@h/x@y", "https://u:xxxxx@h/x@y", ""},
		{"https://u:pw@h/a b.tgz", "https://u:xxxxx@h/a b.tgz", `URL "https://u:xxxxx@h/a b.tgz" has a space at byte 16`},
		{"https://u:pw@h/a\tb", "https://u:xxxxx@h/a\tb", `has the character '\t' at byte 16`},
		{"https://u:pw@h:0/c", "https://u:xxxxx@h:0/c", `URL "https://u:xxxxx@h:0/c" has port "0", want 1..65535`},
		{"https://u:pw@h:99999/c", "https://u:xxxxx@h:99999/c", `has port "99999"`},
		{"ftp://u:pw@h/c", "ftp://u:xxxxx@h/c", `URL "ftp://u:xxxxx@h/c" is not an http:// or https:// address`},
		{"https:///c", "https:///c", "is not an http:// or https:// address"},
		{"u:pw@h/c", "u:xxxxx@h/c", "is not an http:// or https:// address"},
		{"https://u:pw@[::1/c", "https://u:xxxxx@[::1/c", "is not an http:// or https:// address"},
	}
	for _, c := range cases {
		if got := RedactURL(c.raw); got != c.redacted {
			t.Errorf("RedactURL(%q) = %q, want %q", c.raw, got, c.redacted)
		}
		err := CheckURL(c.raw)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("CheckURL(%q): %v", c.raw, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("CheckURL(%q) = %v, want %q", c.raw, err, c.bad)
		case err != nil && strings.Contains(err.Error(), "pw@"):
			t.Errorf("CheckURL(%q) shows the password: %v", c.raw, err)
		}
	}
}

// TestFetchTargetSpellings: a target spelled with a trailing slash or dots
// is the folder it names; ".", ".." and "/" name no folder to replace and
// are refused before any request.
func TestFetchTargetSpellings(t *testing.T) {
	es, src := tinyCIFAR(t)
	tgz := tarball(t, es)
	srv, hits := serve(t, serveBytes(tgz))
	src.URL, src.MD5 = srv.URL+"/c.tar.gz", md5hex(tgz)
	cases := []struct {
		dir  string // relative to a fresh working folder holding only sub/
		want string // error substring; "" for success into sub/cifar10
	}{
		{"sub/cifar10/", ""},
		{"sub/./x/../cifar10", ""},
		{"sub/cifar10//", ""},
		{".", `cifar10: folder "." has no name of its own to replace; name it from outside (e.g. ../cifar10)`},
		{"sub/..", `folder "sub/.." has no name of its own`},
		{"..", `folder ".." has no name of its own`},
		{"/", `folder "/" has no name of its own`},
		{"", `folder "" has no name of its own`},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			wd := t.TempDir()
			t.Chdir(wd)
			if err := os.Mkdir("sub", 0o755); err != nil {
				t.Fatal(err)
			}
			before := hits.Load()
			for _, force := range []bool{false, true} {
				_, err := Fetch(context.Background(), src, c.dir, FetchOptions{Client: srv.Client(), Force: force})
				if c.want == "" {
					if err != nil {
						t.Fatalf("force %v: %v", force, err)
					}
					if err := src.Check("sub/cifar10"); err != nil || entries(t, "sub") != "cifar10" || entries(t, wd) != "sub" {
						t.Fatalf("force %v: %v; sub holds %q", force, err, entries(t, "sub"))
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want %q", err, c.want)
				}
				if hits.Load() != before || entries(t, wd) != "sub" || entries(t, "sub") != "" {
					t.Fatalf("%d requests; the working folder holds %q", hits.Load()-before, entries(t, wd))
				}
			}
		})
	}
}

// TestFetchIDXArchive: Fetch is not CIFAR-specific: a Source for a tar.gz of
// real IDX files (an MNIST-layout folder) installs exactly its four files,
// which LoadMNISTDir then reads; a stray member is not installed.
func TestFetchIDXArchive(t *testing.T) {
	raw := t.TempDir()
	train, test := synth(5, 1, 28, 28), synth(3, 1, 28, 28)
	for _, s := range []struct {
		prefix string
		set    *Set
	}{{"train", train}, {"t10k", test}} {
		if err := WriteIDX(filepath.Join(raw, s.prefix+"-images-idx3-ubyte"), filepath.Join(raw, s.prefix+"-labels-idx1-ubyte"), s.set, false); err != nil {
			t.Fatal(err)
		}
	}
	src := Source{Name: "mnist", Folder: "mnist"}
	var es []tarEntry
	for _, f := range idxFiles {
		b, err := os.ReadFile(filepath.Join(raw, f))
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, tarEntry{"mnist/" + f, b})
		src.Files = append(src.Files, SourceFile{f, int64(len(b))})
	}
	es = append(es, tarEntry{"mnist/run-me.sh", []byte("#!/bin/sh\n")})
	tgz := tarball(t, es)
	srv, _ := serve(t, serveBytes(tgz))
	src.URL, src.MD5, src.Size = srv.URL+"/mnist.tar.gz", md5hex(tgz), int64(len(tgz))
	target := filepath.Join(t.TempDir(), "mnist")
	if _, err := Fetch(context.Background(), src, target, FetchOptions{Client: srv.Client()}); err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, target), FetchMarker+" t10k-images-idx3-ubyte t10k-labels-idx1-ubyte train-images-idx3-ubyte train-labels-idx1-ubyte"; got != want {
		t.Fatalf("installed %q, want %q", got, want)
	}
	tr, te, err := LoadMNISTDir(target, "mnist")
	if err != nil || tr.N != 5 || te.N != 3 || !bytes.Equal(tr.Pixels, train.Pixels) || !slices.Equal(te.Labels, test.Labels) {
		t.Fatalf("LoadMNISTDir: %v", err)
	}
}
