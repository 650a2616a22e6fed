package dataset

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// errStalled is the cancellation cause when the server sends nothing for
// FetchOptions.Stall.
var errStalled = errors.New("stalled")

// TooBigError is the error of a download refused or cut for its size.
type TooBigError struct {
	// Got is the size that was too big: the archive's known size (Before),
	// the server's Content-Length (Announced), or the bytes received when
	// the download was cut.
	Got int64
	// Limit is the most bytes allowed.
	Limit int64
	// Known is true when Limit is the archive's known size (Source.Size),
	// false when it is FetchOptions.MaxBytes.
	Known bool
	// Before is true when the archive's known size is above MaxBytes, so
	// that no request was made; Announced when the server's Content-Length
	// was too big and nothing was saved; neither when the download was cut.
	Before, Announced bool
}

func (e *TooBigError) Error() string {
	limit := fmt.Sprintf("the limit of %d bytes", e.Limit)
	if e.Known {
		limit = fmt.Sprintf("the archive's known size of %d bytes", e.Limit)
	}
	switch {
	case e.Before:
		return fmt.Sprintf("the archive is %d bytes, more than %s; nothing was downloaded", e.Got, limit)
	case e.Announced:
		return fmt.Sprintf("the server announces %d bytes, more than %s; nothing was saved", e.Got, limit)
	}
	return fmt.Sprintf("more than %s arrived (%d bytes so far); stopped and removed the partial download", limit, e.Got)
}

// download writes the response body of src.URL into f, at most limit bytes,
// and returns its MD5 (hex), its size and the response's Content-Encoding
// ("" for none). It asks for the identity encoding and never decodes the
// body: the bytes saved are the bytes sent, and the MD5 decides.
func download(ctx context.Context, src Source, f *os.File, opt FetchOptions, limit int64) (sum string, n int64, enc string, err error) {
	name := src.Name
	shown := RedactURL(src.URL)
	known := src.Size > 0 // then limit is src.Size (Fetch)
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
			return fmt.Errorf("%s: download %s: no data for %v after %d bytes (server or network stalled)", name, shown, stall, n)
		}
		return err
	}

	req, err := http.NewRequestWithContext(dctx, http.MethodGet, src.URL, nil)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text quotes the URL, password included
		}
		return "", 0, "", fmt.Errorf("%s: download %s: %w", name, shown, err)
	}
	// The archive's bytes as they are: a client that asks for gzip gets a
	// .tar.gz decompressed on the way by a server that labels it
	// Content-Encoding: gzip, and the MD5 fails.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			hint := ""
			if strings.HasPrefix(strings.ToLower(src.URL), "http:") {
				hint = "; if the server speaks HTTPS, use https://"
			}
			return "", 0, "", fail(fmt.Errorf("%s: download %s: the server closed the connection without answering (%w)%s", name, shown, err, hint))
		}
		return "", 0, "", fail(fmt.Errorf("%s: download %s: %w", name, shown, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, "", fmt.Errorf("%s: download %s: server answered %s", name, shown, resp.Status)
	}
	enc = strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
		enc = ""
	case "gzip", "x-gzip":
		// Kept as sent: servers label .tar.gz files this way; if the server
		// really compressed the archive again, the MD5 says so.
	default:
		return "", 0, "", fmt.Errorf("%s: download %s: the server sent Content-Encoding %q though identity was asked for; samlab saves only the archive's own bytes (try another mirror)", name, shown, enc)
	}
	total := resp.ContentLength
	if total > limit {
		return "", 0, enc, fmt.Errorf("%s: download %s: %w", name, shown, &TooBigError{Got: total, Limit: limit, Known: known, Announced: true})
	}
	if total >= 0 && src.Size > 0 && total != src.Size {
		return "", 0, enc, fmt.Errorf("%s: download %s: the server announces %d bytes, but the archive is %d bytes (a different file); nothing was saved", name, shown, total, src.Size)
	}
	h := md5.New()
	buf := make([]byte, 256<<10)
	for {
		k, rerr := resp.Body.Read(buf)
		if k > 0 {
			timer.Reset(stall)
			if n+int64(k) > limit {
				return "", n, enc, fmt.Errorf("%s: download %s: %w", name, shown, &TooBigError{Got: n + int64(k), Limit: limit, Known: known})
			}
			if _, werr := f.Write(buf[:k]); werr != nil {
				return "", n, enc, writeErr(name, f.Name(), werr)
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
				return "", n, enc, fail(fmt.Errorf("%s: truncated download from %s: got %d of %d bytes (the server closed the connection early)", name, shown, n, total))
			}
			of := ""
			if total >= 0 {
				of = fmt.Sprintf(" of %d", total)
			}
			return "", n, enc, fail(fmt.Errorf("%s: download %s: connection failed after %d%s bytes: %w", name, shown, n, of, rerr))
		}
	}
	if total >= 0 && n != total {
		return "", n, enc, fmt.Errorf("%s: truncated download from %s: got %d of %d bytes", name, shown, n, total)
	}
	if err := f.Sync(); err != nil {
		return "", n, enc, writeErr(name, f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, enc, nil
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
