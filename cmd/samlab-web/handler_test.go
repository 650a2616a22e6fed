package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func testFS(t *testing.T) fstest.MapFS {
	wasm := bytes.Repeat([]byte("\x00asm wasm bytes "), 200)
	return fstest.MapFS{
		"index.html":     {Data: []byte("<!doctype html><title>samlab</title>")},
		"wasm_exec.js":   {Data: bytes.Repeat([]byte("var go = 1;\n"), 100)},
		"samlab.wasm":    {Data: wasm},
		"samlab.wasm.gz": {Data: gz(t, wasm)},
		"assets.go":      {Data: []byte("package assets")},
		".hidden.js":     {Data: []byte("secret")},
		"sub/page.html":  {Data: []byte("<p>sub</p>")},
	}
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip body: %v", err)
		}
	}
	return b
}

func TestHandlerServesTypesAndGzip(t *testing.T) {
	fsys := testFS(t)
	h := NewHandler(fsys)
	cases := []struct {
		path, accept, ctype, encoding, file string
	}{
		{"/", "", "text/html; charset=utf-8", "", "index.html"},
		{"/", "gzip, deflate, br", "text/html; charset=utf-8", "gzip", "index.html"},
		{"/samlab.wasm", "gzip", "application/wasm", "gzip", "samlab.wasm"},
		{"/samlab.wasm", "", "application/wasm", "", "samlab.wasm"},
		{"/samlab.wasm", "br;q=1.0, gzip;q=0", "application/wasm", "", "samlab.wasm"},
		{"/wasm_exec.js", "deflate, gzip;q=0.5", "text/javascript; charset=utf-8", "gzip", "wasm_exec.js"},
		{"/sub/../index.html", "", "text/html; charset=utf-8", "", "index.html"},
		{"/sub/page.html", "", "text/html; charset=utf-8", "", "sub/page.html"},
	}
	for _, c := range cases {
		r := get(t, h, "GET", c.path, map[string]string{"Accept-Encoding": c.accept})
		if r.StatusCode != 200 {
			t.Errorf("%s: status %d", c.path, r.StatusCode)
			continue
		}
		if got := r.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.ctype)
		}
		if got := r.Header.Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", c.path, c.accept, got, c.encoding)
		}
		if got := body(t, r); !bytes.Equal(got, fsys[c.file].Data) {
			t.Errorf("%s: body differs from %s (%d vs %d bytes)", c.path, c.file, len(got), len(fsys[c.file].Data))
		}
	}
	// The precompressed file is served as is.
	r := get(t, h, "GET", "/samlab.wasm", map[string]string{"Accept-Encoding": "gzip"})
	raw, _ := io.ReadAll(r.Body)
	if !bytes.Equal(raw, fsys["samlab.wasm.gz"].Data) {
		t.Error("gzip request did not get samlab.wasm.gz")
	}
	if r.Header.Get("Vary") != "Accept-Encoding" || r.Header.Get("ETag") == "" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestHandlerRefuses(t *testing.T) {
	h := NewHandler(testFS(t))
	for _, p := range []string{
		"/assets.go", "/.hidden.js", "/missing.js", "/samlab.wasm.gz", "/sub", "/sub/",
		"/../../etc/passwd", "/..%2f..%2fetc/passwd", "/%2e%2e/assets.go", "/etc/passwd",
	} {
		if r := get(t, h, "GET", p, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, r.StatusCode)
		}
	}
	if r := get(t, h, "POST", "/", nil); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", r.StatusCode)
	}
	if r := get(t, h, "HEAD", "/samlab.wasm", nil); r.StatusCode != 200 || r.ContentLength == 0 {
		t.Errorf("HEAD: status %d length %d", r.StatusCode, r.ContentLength)
	}
}

func TestHandlerConditional(t *testing.T) {
	h := NewHandler(testFS(t))
	r := get(t, h, "GET", "/samlab.wasm", map[string]string{"Accept-Encoding": "gzip"})
	etag := r.Header.Get("ETag")
	r2 := get(t, h, "GET", "/samlab.wasm", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
	if r2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", r2.StatusCode)
	}
	r3 := get(t, h, "GET", "/samlab.wasm", nil)
	if r3.Header.Get("ETag") == etag {
		t.Error("gzip and identity variants share an ETag")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0.8": true, "*": true,
		"": false, "identity": false, "br": false, "gzip;q=0": false, "gzip; q=0.000": false, "x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %t, want %t", h, got, want)
		}
	}
}

func TestCheckAssets(t *testing.T) {
	fsys := testFS(t)
	if err := checkAssets(fsys); err != nil {
		t.Errorf("complete tree: %v", err)
	}
	delete(fsys, "samlab.wasm")
	err := checkAssets(fsys)
	if err == nil || !strings.Contains(err.Error(), "make wasm") {
		t.Errorf("missing wasm: error %v, want a hint to run make wasm", err)
	}
}

// lockedBuffer is a bytes.Buffer safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// served is a server started by startCommand.
type served struct {
	line   string // the first line on stdout
	stderr *lockedBuffer
	stop   func() error // cancels the context, returns run's error
}

// startCommand runs the command with args (a free port unless args name
// one) until the test stops it, and returns once it printed its URL.
func startCommand(t *testing.T, to timeouts, args ...string) served {
	t.Helper()
	pr, pw := io.Pipe()
	errb := &lockedBuffer{}
	c := command{fsys: testFS(t), stdout: pw, stderr: errb, timeouts: to}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		err := c.run(ctx, append([]string{"-port", "0"}, args...))
		pw.CloseWithError(fmt.Errorf("run returned %v", err))
		errc <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("run %q printed no URL: %v (stderr %q)", args, err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-errc:
			case <-time.After(10 * time.Second):
				runErr = errors.New("run did not return after its context was cancelled")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	return served{line: line, stderr: errb, stop: stop}
}

var urlRE = regexp.MustCompile(`^samlab demo: (http://\S+/)  \(`)

func TestRunPrintsUsableURL(t *testing.T) {
	cases := []struct {
		host            string
		url             string // regexp of the printed URL
		allInterfaces   bool   // the note that it listens on all of them
		warns           bool   // the warning that the demo is exposed
		skipUnsupported bool
	}{
		{host: "127.0.0.1", url: `^http://127\.0\.0\.1:\d+/$`},
		{host: "localhost", url: `^http://(127\.0\.0\.1|\[::1\]):\d+/$`},
		{host: "0.0.0.0", url: `^http://127\.0\.0\.1:\d+/$`, allInterfaces: true, warns: true},
		{host: "", url: `^http://127\.0\.0\.1:\d+/$`, allInterfaces: true, warns: true},
		{host: "::", url: `^http://127\.0\.0\.1:\d+/$`, allInterfaces: true, warns: true, skipUnsupported: true},
		{host: "::1", url: `^http://\[::1\]:\d+/$`, skipUnsupported: true},
	}
	for _, c := range cases {
		t.Run("host="+c.host, func(t *testing.T) {
			if c.skipUnsupported {
				ln, err := net.Listen("tcp", net.JoinHostPort(c.host, "0"))
				if err != nil {
					t.Skipf("no IPv6 here: %v", err)
				}
				ln.Close()
			}
			s := startCommand(t, defaultTimeouts, "-host", c.host)
			m := urlRE.FindStringSubmatch(s.line)
			if m == nil || !regexp.MustCompile(c.url).MatchString(m[1]) {
				t.Fatalf("printed %q, want a URL matching %s", s.line, c.url)
			}
			if got := strings.Contains(s.line, "listening on all interfaces"); got != c.allInterfaces {
				t.Errorf("printed %q: all-interfaces note %t, want %t", s.line, got, c.allInterfaces)
			}
			warn := s.stderr.String()
			if c.warns {
				if strings.Count(warn, "\n") != 1 || !strings.Contains(warn, "warning") || !strings.Contains(warn, fmt.Sprintf("-host %q:", c.host)) ||
					!strings.Contains(warn, "exposed to the network") {
					t.Errorf("stderr %q, want one warning line naming -host %q and saying the demo is exposed to the network", warn, c.host)
				}
			} else if warn != "" {
				t.Errorf("stderr %q, want nothing for a loopback host", warn)
			}
			// The printed URL serves the page.
			resp, err := http.Get(m[1])
			if err != nil {
				t.Fatalf("GET %s: %v", m[1], err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), "<title>samlab</title>") {
				t.Errorf("GET %s: %d %q", m[1], resp.StatusCode, b)
			}
			if err := s.stop(); err != nil {
				t.Errorf("run after cancel: %v", err)
			}
		})
	}
}

func TestPageURL(t *testing.T) {
	for _, c := range []struct {
		addr    net.TCPAddr
		url     string
		exposed bool
	}{
		{net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/", false},
		{net.TCPAddr{IP: net.IPv4zero, Port: 80}, "http://127.0.0.1:80/", true},
		{net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, "http://127.0.0.1:9000/", true},
		{net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "http://[::1]:9000/", false},
		{net.TCPAddr{IP: net.ParseIP("192.168.1.5"), Port: 8080}, "http://192.168.1.5:8080/", true},
		{net.TCPAddr{IP: net.ParseIP("2001:db8::7"), Port: 8080}, "http://[2001:db8::7]:8080/", true},
		{net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 8080, Zone: "eth0"}, "http://[fe80::1%25eth0]:8080/", true},
	} {
		url, _, exposed := pageURL(&c.addr)
		if url != c.url || exposed != c.exposed {
			t.Errorf("pageURL(%v) = %q, exposed %t; want %q, %t", &c.addr, url, exposed, c.url, c.exposed)
		}
	}
}

// TestRunRefusesBadArguments: one line naming the argument, no listener,
// no URL, a non-zero status, and no usage text dumped.
func TestRunRefusesBadArguments(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"extra"}, []string{`unexpected argument "extra"`}},
		{[]string{"-port", "9000", "extra", "more"}, []string{`unexpected argument "extra"`}},
		{[]string{"-port", "70000"}, []string{"-port", "70000"}},
		{[]string{"-port", "-1"}, []string{"-port", "-1"}},
		{[]string{"-port", "http"}, []string{"-port", `"http"`}},
		{[]string{"-bogus"}, []string{"-bogus"}},
		{[]string{"-host"}, []string{"-host"}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		cmd := command{fsys: testFS(t), stdout: &out, stderr: &errb, timeouts: defaultTimeouts}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		code := cmd.main(ctx, c.args)
		cancel()
		msg := errb.String()
		if code == 0 || out.Len() != 0 {
			t.Errorf("%q: status %d, stdout %q; want a refusal before listening", c.args, code, out.String())
		}
		if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "samlab-web: ") || !strings.Contains(msg, "run samlab-web -h for the flags") {
			t.Errorf("%q: stderr %q, want one line ending with the -h hint", c.args, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q: stderr %q does not name %s", c.args, msg, w)
			}
		}
	}
	// -h prints the flags once and succeeds.
	var out, errb bytes.Buffer
	cmd := command{fsys: testFS(t), stdout: &out, stderr: &errb, timeouts: defaultTimeouts}
	if code := cmd.main(context.Background(), []string{"-h"}); code != 0 || strings.Count(errb.String(), "  -port int") != 1 || out.Len() != 0 {
		t.Errorf("-h: status %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	// A host that cannot be bound is one line naming it.
	errb.Reset()
	if code := cmd.main(context.Background(), []string{"-host", "192.0.2.1", "-port", "0"}); code == 0 ||
		strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), `-host "192.0.2.1"`) {
		t.Errorf("unbindable host: status %d, stderr %q", code, errb.String())
	}
}

// TestServerTimeouts: the server sets every timeout, and closes an idle
// keep-alive connection after IdleTimeout.
func TestServerTimeouts(t *testing.T) {
	for name, d := range map[string]time.Duration{"readHeader": defaultTimeouts.readHeader, "read": defaultTimeouts.read,
		"write": defaultTimeouts.write, "idle": defaultTimeouts.idle} {
		if d <= 0 {
			t.Errorf("default %s timeout is %v", name, d)
		}
	}
	// The read timeout, which http.Server uses when IdleTimeout is 0, is
	// far longer than the wait below.
	const idle = 300 * time.Millisecond
	s := startCommand(t, timeouts{readHeader: 30 * time.Second, read: time.Minute, write: time.Minute, idle: idle})
	addr := strings.TrimSuffix(strings.TrimPrefix(urlRE.FindStringSubmatch(s.line)[1], "http://"), "/")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i := 0; i < 2; i++ { // the connection is kept alive between requests
		fmt.Fprintf(conn, "GET /index.html HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("request %d: status %d, close %t", i, resp.StatusCode, resp.Close)
		}
	}
	start := time.Now()
	conn.SetReadDeadline(start.Add(idle + 3*time.Second))
	n, err := br.Read(make([]byte, 1))
	waited := time.Since(start)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection: read %d bytes, %v after %v; want the server to close it after %v", n, err, waited, idle)
	}
	if waited < idle/2 {
		t.Errorf("idle connection closed after %v, before the idle timeout %v", waited, idle)
	}
}
