package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// contentTypes lists the file types the server serves; any other name,
// this package's Go source among them, is not found.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".wasm": "application/wasm",
	".css":  "text/css; charset=utf-8",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".ico":  "image/x-icon",
}

// compressible lists the types worth gzipping.
var compressible = map[string]bool{".html": true, ".js": true, ".wasm": true, ".css": true, ".svg": true}

// Handler serves the files of fsys: "/" is index.html, only the types of
// contentTypes are served, and nothing outside fsys can be named (paths are
// cleaned and fs.FS rejects "..", so there is no traversal). A client that
// accepts gzip gets NAME.gz when fsys has it (the Makefile precompresses
// the wasm), else a gzip copy made once and kept in memory.
type Handler struct {
	fsys fs.FS
	mu   sync.Mutex
	gz   map[string]*variant // name -> gzip variant, made on first use
	raw  map[string]*variant
}

// variant is one encoding of a file, with its ETag.
type variant struct {
	data []byte
	etag string
}

// NewHandler returns a handler serving fsys.
func NewHandler(fsys fs.FS) *Handler {
	return &Handler{fsys: fsys, gz: map[string]*variant{}, raw: map[string]*variant{}}
}

var errNotServed = errors.New("not served")

// ServeHTTP serves one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	ext := path.Ext(name)
	ctype, ok := contentTypes[ext]
	if !ok || !fs.ValidPath(name) || strings.HasPrefix(path.Base(name), ".") {
		http.NotFound(w, r)
		return
	}
	gzipOK := compressible[ext] && acceptsGzip(r.Header.Get("Accept-Encoding"))
	v, err := h.variant(name, gzipOK)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotServed) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-cache") // revalidate: the wasm changes with every build
	hd.Set("ETag", v.etag)
	if compressible[ext] {
		hd.Set("Vary", "Accept-Encoding")
	}
	if gzipOK {
		hd.Set("Content-Encoding", "gzip")
	}
	// ServeContent answers If-None-Match and ranges; the zero modtime
	// leaves Last-Modified out.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(v.data))
}

// variant returns the file's bytes, gzipped if gz, making and caching the
// gzip copy when fsys has no NAME.gz.
func (h *Handler) variant(name string, gz bool) (*variant, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cache := h.raw
	if gz {
		cache = h.gz
	}
	if v, ok := cache[name]; ok {
		return v, nil
	}
	st, err := fs.Stat(h.fsys, name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errNotServed
	}
	var data []byte
	if gz {
		data, err = fs.ReadFile(h.fsys, name+".gz")
		if errors.Is(err, fs.ErrNotExist) {
			data, err = gzipFile(h.fsys, name)
		}
	} else {
		data, err = fs.ReadFile(h.fsys, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	v := &variant{data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	cache[name] = v
	return v, nil
}

// gzipFile compresses a file of fsys.
func gzipFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, f); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}
