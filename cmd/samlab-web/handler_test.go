package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
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

func TestRunRejectsBadPort(t *testing.T) {
	if err := run([]string{"-port", "70000"}); err == nil {
		t.Error("run accepted port 70000")
	}
}
