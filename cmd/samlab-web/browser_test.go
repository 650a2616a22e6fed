//go:build browser

// The real-browser tests: Debian's Chromium, headless, driven through
// chromedp, loads the page from this package's handler over 127.0.0.1 and
// checks that the demo renders, trains, reacts to keys, clicks and URL
// queries, and logs no console error. Run them with make test-web (which
// builds the wasm first). Timings are logged, never asserted.
package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"math"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/samlab/samlab/assets"
)

// browser is one headless Chromium for a test.
type browser struct {
	ctx context.Context
	srv *httptest.Server
}

func startBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	if err := checkAssets(assets.FS()); err != nil {
		t.Fatalf("assets: %v", err)
	}
	srv := httptest.NewServer(NewHandler(assets.FS())) // 127.0.0.1, a free port
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.WindowSize(ScreenW, ScreenH),
	)
	opts = append(opts, extra...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// Start the browser with a blank tab.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int]("1")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx, srv: srv}
}

// ScreenW and ScreenH are the app's logical size (wasm/app; not imported,
// as importing Ebiten needs a display).
const (
	ScreenW = 1280
	ScreenH = 800
)

func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: make test-web installs Debian's chromium")
	return ""
}

// page is one tab showing the demo, with its console collected.
type page struct {
	t      *testing.T
	b      *browser
	ctx    context.Context
	mu     sync.Mutex
	logs   []logLine
	errs   []string
	origin float64 // performance.timeOrigin, ms since the epoch
	dpr    float64 // device pixel ratio
	layout map[string]rect
}

type logLine struct {
	text string
	ts   float64 // browser timestamp, ms since the epoch
}

type rect struct{ X, Y, W, H float64 }

func (r rect) center() (float64, float64) { return r.X + r.W/2, r.Y + r.H/2 }

// open loads the demo with query q in a new tab and waits for its layout.
func (b *browser) open(t *testing.T, q string) *page {
	t.Helper()
	return b.openScaled(t, q, 1)
}

// openScaled is open with a device pixel ratio.
func (b *browser) openScaled(t *testing.T, q string, dpr float64) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	p := &page{t: t, b: b, ctx: ctx, dpr: dpr}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(ScreenW, ScreenH, chromedp.EmulateScale(dpr))); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	if err := chromedp.Listen(ctx, p.event); err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log domain: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/"+q)); err != nil {
		t.Fatalf("navigate %s: %v", q, err)
	}
	origin, err := chromedp.Run(ctx, chromedp.Evaluate[float64]("performance.timeOrigin"))
	if err != nil {
		t.Fatalf("timeOrigin: %v", err)
	}
	p.origin = origin
	line := p.wait(`^samlab: layout `, 90*time.Second)
	p.layout = parseLayout(line)
	t.Cleanup(p.checkErrors)
	return p
}

// event collects console output, exceptions and browser log errors.
func (p *page) event(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			s := string(a.Value)
			if uq, err := strconv.Unquote(s); err == nil {
				s = uq
			} else if a.Description != "" {
				s = a.Description
			}
			parts = append(parts, s)
		}
		text := strings.Join(parts, " ")
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			p.errs = append(p.errs, "console."+string(e.Type)+": "+text)
		}
		p.logs = append(p.logs, logLine{text: text, ts: e.Timestamp.Float64()})
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		p.errs = append(p.errs, "exception: "+msg)
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError {
			p.errs = append(p.errs, "browser log error: "+e.Entry.Text+" "+e.Entry.URL)
		}
	}
}

// checkErrors fails the test on any console error or exception.
func (p *page) checkErrors() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errs {
		p.t.Errorf("%s", e)
	}
}

// wait returns the first console line (after index from, see waitAfter)
// matching pattern, failing the test after timeout.
func (p *page) wait(pattern string, timeout time.Duration) string {
	p.t.Helper()
	l, _ := p.waitAfter(0, pattern, timeout)
	return l.text
}

// waitAfter waits for a line matching pattern at index >= from and returns
// it with the index after it.
func (p *page) waitAfter(from int, pattern string, timeout time.Duration) (logLine, int) {
	p.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		for i := from; i < len(p.logs); i++ {
			if re.MatchString(p.logs[i].text) {
				l := p.logs[i]
				p.mu.Unlock()
				return l, i + 1
			}
		}
		n, errs := len(p.logs), len(p.errs)
		p.mu.Unlock()
		if errs > 0 {
			p.checkErrors()
			p.t.FailNow()
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no console line matching %q within %v (%d lines; last: %q)", pattern, timeout, n, p.last())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *page) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.logs) == 0 {
		return ""
	}
	return p.logs[len(p.logs)-1].text
}

func (p *page) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.logs)
}

// nextFrames waits for the next frame-timer line: at least log-every
// frames have run since the call.
func (p *page) nextFrames() map[string]string {
	p.t.Helper()
	l, _ := p.waitAfter(p.mark(), `^samlab: perf `, 90*time.Second)
	return fields(l.text)
}

// fields parses "k=v" words.
func fields(s string) map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields(s) {
		if k, v, ok := strings.Cut(w, "="); ok {
			m[k] = v
		}
	}
	return m
}

func parseLayout(line string) map[string]rect {
	out := map[string]rect{}
	for k, v := range fields(line) {
		var r rect
		if _, err := fmt.Sscanf(v, "%g,%g,%g,%g", &r.X, &r.Y, &r.W, &r.H); err == nil {
			out[k] = r
		}
	}
	return out
}

// key holds a key down until the app logs want, then releases it (a press
// and release between two frames would be missed).
func (p *page) key(code, key string, vk int64, want string) {
	p.t.Helper()
	from := p.mark()
	p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, code, key, vk)
	p.waitAfter(from, want, 60*time.Second)
	p.dispatchKey(input.DispatchKeyEventTypeKeyUp, code, key, vk)
}

func (p *page) dispatchKey(typ input.DispatchKeyEventType, code, key string, vk int64) {
	p.t.Helper()
	_, err := chromedp.Call(p.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
		Type: typ, Code: code, Key: key, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk})
	if err != nil {
		p.t.Fatalf("key %s: %v", code, err)
	}
}

// click holds the left button down at (x, y) until the app logs want.
func (p *page) click(x, y float64, want string) string {
	p.t.Helper()
	from := p.mark()
	if err := chromedp.Do(p.ctx, chromedp.MouseEvent(chromedp.MouseMoved, x, y)); err != nil {
		p.t.Fatal(err)
	}
	if err := chromedp.Do(p.ctx, chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
		p.t.Fatal(err)
	}
	l, _ := p.waitAfter(from, want, 60*time.Second)
	if err := chromedp.Do(p.ctx, chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
		p.t.Fatal(err)
	}
	return l.text
}

// clickWidget clicks a control by its id in the app's layout line.
func (p *page) clickWidget(id, want string) string {
	p.t.Helper()
	r, ok := p.layout[id]
	if !ok {
		p.t.Fatalf("no widget %q in the layout", id)
	}
	x, y := r.center()
	return p.click(x, y, want)
}

// screenshot returns the viewport as an image.
func (p *page) screenshot() image.Image {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		p.t.Fatalf("decode screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != int(ScreenW*p.dpr) || b.Dy() != int(ScreenH*p.dpr) {
		p.t.Fatalf("screenshot is %dx%d, want %.0fx%.0f", b.Dx(), b.Dy(), ScreenW*p.dpr, ScreenH*p.dpr)
	}
	return img
}

// hues counts the bluish and orangish pixels of r (heat map and class colours).
func hues(img image.Image, r rect) (blue, orange, total int) {
	for y := int(r.Y) + 2; y < int(r.Y+r.H)-2; y++ {
		for x := int(r.X) + 2; x < int(r.X+r.W)-2; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			R, G, B := int(cr>>8), int(cg>>8), int(cb>>8)
			total++
			switch {
			case B > R+12 && B > G:
				blue++
			case R > B+12 && G > B:
				orange++
			}
		}
	}
	return
}

// planeDiff returns the fraction of pixels that differ (by more than a
// small tolerance) between two equal-size planes.
func planeDiff(img image.Image, a, b rect) float64 {
	diff, n := 0, 0
	for y := 2; y < int(a.H)-2; y++ {
		for x := 2; x < int(a.W)-2; x++ {
			r1, g1, b1, _ := img.At(int(a.X)+x, int(a.Y)+y).RGBA()
			r2, g2, b2, _ := img.At(int(b.X)+x, int(b.Y)+y).RGBA()
			d := math.Abs(float64(r1>>8)-float64(r2>>8)) + math.Abs(float64(g1>>8)-float64(g2>>8)) + math.Abs(float64(b1>>8)-float64(b2>>8))
			if d > 24 {
				diff++
			}
			n++
		}
	}
	return float64(diff) / float64(n)
}

func TestBrowser(t *testing.T) {
	b := startBrowser(t)

	t.Run("loads-trains-and-renders", func(t *testing.T) {
		nav := time.Now()
		p := b.open(t, "?log-every=20")
		ready := p.wait(`^samlab: ready `, time.Second)
		if !strings.Contains(ready, "query=methods=sgd,1sam&seed=6") || !strings.Contains(ready, "panels=SGD,1-SAM") {
			t.Errorf("default page: %q", ready)
		}
		l, _ := p.waitAfter(0, `^samlab: first-frame`, 30*time.Second)
		t.Logf("first frame %.0f ms after navigation start (%.0f ms wall clock from the Navigate call)", l.ts-p.origin, float64(time.Since(nav).Milliseconds()))
		// Training advances while playing.
		f1 := p.nextFrames()
		f2 := p.nextFrames()
		s1, _ := strconv.Atoi(f1["step"])
		s2, _ := strconv.Atoi(f2["step"])
		if f2["playing"] != "true" || s2 <= s1 {
			t.Errorf("not training: %v then %v", f1, f2)
		}
		t.Logf("frame timer at default settings (wasm, headless Chromium, SwiftShader): work_ms mean %s p95 %s max %s (train %s, heat %s ms/frame), %s fps",
			f2["work_ms_mean"], f2["work_ms_p95"], f2["work_ms_max"], f2["train_ms_mean"], f2["heat_ms_mean"], f2["fps"])
		img := p.screenshot()
		for _, id := range []string{"plane0", "plane1"} {
			blue, orange, total := hues(img, p.layout[id])
			if blue < total/20 || orange < total/20 {
				t.Errorf("%s: %d bluish and %d orangish of %d pixels: no heat map", id, blue, orange, total)
			}
		}
		// The sidebar and the curves card are drawn (not the page background).
		bg := img.At(1100, 700)
		if r, g, bb, _ := bg.RGBA(); r>>8 != 0xff || g>>8 != 0xff || bb>>8 != 0xff {
			t.Errorf("sidebar pixel %v, want the white card", bg)
		}
	})

	t.Run("keys-and-clicks", func(t *testing.T) {
		p := b.open(t, "?log-every=5")
		p.nextFrames()
		pause := p.mark()
		p.key("Space", " ", 32, `^samlab: event pause step=\d+`)
		l, _ := p.waitAfter(pause, `^samlab: event pause step=\d+`, time.Second)
		paused, _ := strconv.Atoi(fields(l.text)["step"])
		f := p.nextFrames()
		if f["playing"] != "false" || f["step"] != strconv.Itoa(paused) {
			t.Errorf("space did not pause at step %d: %v", paused, f)
		}
		p.clickWidget("step", `^samlab: event step`)
		if f := p.nextFrames(); f["step"] != strconv.Itoa(paused+1) {
			t.Errorf("Step button: step %s, want %d", f["step"], paused+1)
		}
		p.key("KeyS", "s", 83, `^samlab: event step`)
		if f := p.nextFrames(); f["step"] != strconv.Itoa(paused+2) {
			t.Errorf("S key: step %s, want %d", f["step"], paused+2)
		}
		// Click the plane: a point of class 0; with Shift: class 1.
		pl := p.layout["plane0"]
		add := p.click(pl.X+pl.W*0.25, pl.Y+pl.H*0.25, `^samlab: event add-point`)
		if fl := fields(add); fl["class"] != "0" || fl["n"] != "401" {
			t.Errorf("click on the plane: %q", add)
		}
		p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, "ShiftLeft", "Shift", 16)
		p.nextFrames()
		add = p.click(pl.X+pl.W*0.75, pl.Y+pl.H*0.25, `^samlab: event add-point`)
		p.dispatchKey(input.DispatchKeyEventTypeKeyUp, "ShiftLeft", "Shift", 16)
		if fl := fields(add); fl["class"] != "1" || fl["n"] != "402" {
			t.Errorf("shift-click on the plane: %q", add)
		}
		// A control that changes the experiment updates the shared query.
		p.clickWidget("noise-dec", `^samlab: event noise query=methods=sgd,1sam&noise=0\.25&seed=6$`)
		p.clickWidget("play", `^samlab: event play`)
	})

	t.Run("url-query", func(t *testing.T) {
		p := b.open(t, "?methods=sgd,sam,jsam&noise=0.2&rho=0.05&seed=7&paused=true&log-every=5")
		ready := p.wait(`^samlab: ready `, time.Second)
		want := "samlab: ready query=methods=sgd,sam,jsam&noise=0.2&rho=0.05&seed=7 panels=SGD,SAM,J-SAM"
		if ready != want {
			t.Errorf("ready line %q, want %q", ready, want)
		}
		if _, ok := p.layout["plane2"]; !ok {
			t.Errorf("no third plane in the layout: %v", p.layout)
		}
		if f := p.nextFrames(); f["playing"] != "false" || f["step"] != "0" || f["panels"] != "3" {
			t.Errorf("paused=true: %v", f)
		}
		img := p.screenshot()
		for _, id := range []string{"plane0", "plane1", "plane2"} {
			blue, orange, total := hues(img, p.layout[id])
			if blue < total/20 || orange < total/20 {
				t.Errorf("%s: %d bluish and %d orangish of %d pixels", id, blue, orange, total)
			}
		}
	})

	t.Run("sgd-and-sam-boundaries-differ", func(t *testing.T) {
		// At step 0 both panels hold the same weights: identical planes.
		p := b.open(t, "?methods=sgd,sam&paused=true&log-every=3")
		p.nextFrames()
		d0 := planeDiff(p.screenshot(), p.layout["plane0"], p.layout["plane1"])
		if d0 > 0.001 {
			t.Errorf("step 0: %.2f%% of pixels differ between SGD and SAM, want none", 100*d0)
		}
		// After training, SAM's boundary is not SGD's.
		p = b.open(t, "?methods=sgd,sam&steps=400&paused=true&log-every=3")
		p.wait(`^samlab: event fast-forward-done step=400`, 120*time.Second)
		p.nextFrames()
		d := planeDiff(p.screenshot(), p.layout["plane0"], p.layout["plane1"])
		t.Logf("after 400 steps %.1f%% of the plane pixels differ between SGD and SAM (step 0: %.2f%%)", 100*d, 100*d0)
		if d < 0.02 {
			t.Errorf("after 400 steps only %.2f%% of pixels differ between the SGD and SAM planes", 100*d)
		}
	})

	t.Run("hidpi", func(t *testing.T) {
		// At device pixel ratio 2 the app draws at 2560x1600, not an
		// upscaled 1280x800.
		// Fast-forwarded, so that the plane shows both classes' regions.
		p := b.openScaled(t, "?paused=true&steps=300&log-every=3", 2)
		p.wait(`^samlab: scale 2\.00 screen=2560x1600$`, 30*time.Second)
		p.nextFrames()
		img := p.screenshot()
		pl := p.layout["plane0"]
		blue, orange, total := hues(img, rect{pl.X * 2, pl.Y * 2, pl.W * 2, pl.H * 2})
		if blue < total/20 || orange < total/20 {
			t.Errorf("plane0 at 2x: %d bluish and %d orangish of %d pixels", blue, orange, total)
		}
	})

	t.Run("bad-query-falls-back", func(t *testing.T) {
		p := b.open(t, "?log-every=5&noise=0.9&methods=adam")
		w := p.wait(`^samlab: warning ignored arguments`, 5*time.Second)
		if !strings.Contains(w, "noise") && !strings.Contains(w, "adam") {
			t.Errorf("warning does not name the bad values: %q", w)
		}
		if r := p.wait(`^samlab: ready `, time.Second); !strings.Contains(r, "query=methods=sgd,1sam&seed=6") {
			t.Errorf("bad query did not fall back to the defaults: %q", r)
		}
		p.nextFrames()
	})
}

// TestBrowserScreenshot saves a real capture of the page to the file
// named by SAMLAB_SCREENSHOT (make screenshots), after 1500 steps.
func TestBrowserScreenshot(t *testing.T) {
	out := os.Getenv("SAMLAB_SCREENSHOT")
	if out == "" {
		t.Skip("set SAMLAB_SCREENSHOT to a PNG path")
	}
	b := startBrowser(t)
	p := b.open(t, "?steps=1500&log-every=3")
	p.wait(`^samlab: event fast-forward-done`, 180*time.Second)
	p.nextFrames()
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// TestWasmSize checks the download budget: the gzip wasm under 3.5 MB.
func TestWasmSize(t *testing.T) {
	raw, err := fs.Stat(assets.FS(), assets.WASM)
	if err != nil {
		t.Fatalf("%v (run make wasm)", err)
	}
	gz, err := fs.Stat(assets.FS(), assets.WASM+".gz")
	if err != nil {
		t.Fatalf("%v (run make wasm)", err)
	}
	t.Logf("wasm: %d bytes raw (%.2f MB), %d bytes gzip (%.2f MB)", raw.Size(), float64(raw.Size())/1e6, gz.Size(), float64(gz.Size())/1e6)
	if gz.Size() >= 3_500_000 {
		t.Errorf("gzip wasm is %d bytes, over the 3.5 MB budget", gz.Size())
	}
}

// TestBrowserNoWebGL: with WebGL switched off the page says so instead of
// failing silently (and logs no error).
func TestBrowserNoWebGL(t *testing.T) {
	b := startBrowser(t, chromedp.Flag("disable-3d-apis", true), chromedp.Flag("disable-webgl", true))
	ctx, cancel := chromedp.NewContext(b.ctx)
	defer cancel()
	p := &page{t: t, b: b, ctx: ctx}
	if err := chromedp.Listen(ctx, p.event); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(document.getElementById("overlay").className === "error") && document.getElementById("status").textContent`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("no error message on the page: %v", err)
	}
	if !strings.Contains(msg, "WebGL is unavailable") {
		t.Errorf("message %q does not say WebGL is unavailable", msg)
	}
	p.checkErrors()
}
