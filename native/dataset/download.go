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
	"syscall"
	"time"
)

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
