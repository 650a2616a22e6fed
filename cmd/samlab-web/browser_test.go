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
	"net/url"
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
	"github.com/samlab/samlab/wasm/sim"
	"github.com/samlab/samlab/wasm/sim/simtest"
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
		p := b.open(t, "?preset=demo&log-every=20")
		ready := p.wait(`^samlab: ready `, time.Second)
		if !strings.Contains(ready, "query=preset=demo&methods=sgd,1sam&seed=6") || !strings.Contains(ready, "panels=SGD,1-SAM") {
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
		t.Logf("frame timer at default settings (wasm, headless Chromium, SwiftShader): work_ms mean %s p95 %s max %s (train %s, heat %s ms/frame), draw_ms mean %s p95 %s, frame_ms mean %s p95 %s, %s fps",
			f2["work_ms_mean"], f2["work_ms_p95"], f2["work_ms_max"], f2["train_ms_mean"], f2["heat_ms_mean"], f2["draw_ms_mean"], f2["draw_ms_p95"], f2["frame_ms_mean"], f2["frame_ms_p95"], f2["fps"])
		img := p.screenshot()
		for _, id := range []string{"plane0", "plane1"} {
			blue, orange, total := hues(img, p.layout[id])
			if blue < total/20 || orange < total/20 {
				t.Errorf("%s: %d bluish and %d orangish of %d pixels: no heat map", id, blue, orange, total)
			}
		}
		// The sidebar and the curves card are drawn (not the page background):
		// a blank spot of the sidebar's card, below the help lines.
		bg := img.At(1100, 765)
		if r, g, bb, _ := bg.RGBA(); r>>8 != 0xff || g>>8 != 0xff || bb>>8 != 0xff {
			t.Errorf("sidebar pixel %v, want the white card", bg)
		}
	})

	t.Run("keys-and-clicks", func(t *testing.T) {
		p := b.open(t, "?preset=demo&log-every=5")
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
		p.clickWidget("noise-dec", `^samlab: event noise query=preset=demo&methods=sgd,1sam&noise=0\.25&seed=6$`)
		p.clickWidget("play", `^samlab: event play`)
	})

	t.Run("url-query", func(t *testing.T) {
		p := b.open(t, "?preset=demo&methods=sgd,sam,jsam&noise=0.2&rho=0.05&seed=7&paused=true&log-every=5")
		ready := p.wait(`^samlab: ready `, time.Second)
		want := "samlab: ready query=preset=demo&methods=sgd,sam,jsam&noise=0.2&rho=0.05&seed=7 panels=SGD,SAM,J-SAM"
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
		p := b.open(t, "?preset=demo&methods=sgd,sam&paused=true&log-every=3")
		p.nextFrames()
		d0 := planeDiff(p.screenshot(), p.layout["plane0"], p.layout["plane1"])
		if d0 > 0.001 {
			t.Errorf("step 0: %.2f%% of pixels differ between SGD and SAM, want none", 100*d0)
		}
		// After training, SAM's boundary is not SGD's.
		p = b.open(t, "?preset=demo&methods=sgd,sam&steps=400&paused=true&log-every=3")
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
		p := b.openScaled(t, "?preset=demo&paused=true&steps=300&log-every=3", 2)
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
		if r := p.wait(`^samlab: ready `, time.Second); !strings.Contains(r, "query=methods=sgd,1sam&seed=16") {
			t.Errorf("bad query did not fall back to the defaults: %q", r)
		}
		p.nextFrames()
	})
}

// TestBrowserScreenshot saves a real capture of the page to the file
// named by SAMLAB_SCREENSHOT (make screenshots), after SAMLAB_SCREENSHOT_STEPS
// steps (default 1500), of the page with the query SAMLAB_SCREENSHOT_QUERY
// (default: none, the default page) added; with SAMLAB_SCREENSHOT_INSPECT=1,
// paused with the inspector open on a flipped point.
func TestBrowserScreenshot(t *testing.T) {
	out := os.Getenv("SAMLAB_SCREENSHOT")
	if out == "" {
		t.Skip("set SAMLAB_SCREENSHOT to a PNG path")
	}
	extra := strings.TrimPrefix(os.Getenv("SAMLAB_SCREENSHOT_QUERY"), "?")
	inspect := os.Getenv("SAMLAB_SCREENSHOT_INSPECT") == "1"
	steps := os.Getenv("SAMLAB_SCREENSHOT_STEPS")
	if steps == "" {
		steps = "1500"
	}
	q := "steps=" + steps
	if extra != "" {
		q += "&" + extra
	}
	if inspect {
		q += "&paused=true"
	}
	b := startBrowser(t)
	p := b.open(t, "?"+q+"&log-every=3")
	p.wait(`^samlab: event fast-forward-done`, 180*time.Second)
	p.nextFrames()
	if inspect {
		vals, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		var args []string
		for k, v := range vals {
			args = append(args, "-"+k+"="+v[0])
		}
		params, err := sim.Parse(args)
		if err != nil {
			t.Fatal(err)
		}
		lab, err := sim.New(params)
		if err != nil {
			t.Fatal(err)
		}
		pl := p.layout["plane0"]
		x, y := pointOnScreen(lab, loneFlipped(t, lab, 14.0/pl.W*lab.View.Size), pl)
		p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, "AltLeft", "Alt", 18)
		p.nextFrames()
		p.click(x, y, `^samlab: event inspect panel=1 `)
		p.dispatchKey(input.DispatchKeyEventTypeKeyUp, "AltLeft", "Alt", 18)
		p.nextFrames()
	}
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (?%s)", out, q)
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

// tap touches (x, y) and lifts the finger once the app logs want (a tap
// shorter than a frame would be missed, as a click would).
func (p *page) tap(x, y float64, want string) string {
	p.t.Helper()
	from := p.mark()
	if _, err := chromedp.Call(p.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}}); err != nil {
		p.t.Fatalf("touch start: %v", err)
	}
	l, _ := p.waitAfter(from, want, 60*time.Second)
	if _, err := chromedp.Call(p.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}}); err != nil {
		p.t.Fatalf("touch end: %v", err)
	}
	return l.text
}

// tapWidget taps a control by its id in the app's layout line.
func (p *page) tapWidget(id, want string) string {
	p.t.Helper()
	r, ok := p.layout[id]
	if !ok {
		p.t.Fatalf("no widget %q in the layout", id)
	}
	x, y := r.center()
	return p.tap(x, y, want)
}

// drop drags the file at path onto the page at (x, y) and drops it, as a
// user dragging it from a file manager does: the DevTools protocol's
// dragEnter, dragOver and drop with the file in the drag data.
func (p *page) drop(path string, x, y float64) {
	p.t.Helper()
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{path}, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
		if _, err := chromedp.Call(p.ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: x, Y: y, Data: data}); err != nil {
			p.t.Fatalf("%s %s: %v", typ, path, err)
		}
	}
}

// imageDiff returns the fraction of pixels of r that differ (by more than
// a small tolerance) between two screenshots.
func imageDiff(a, b image.Image, r rect) float64 {
	diff, n := 0, 0
	for y := int(r.Y) + 2; y < int(r.Y+r.H)-2; y++ {
		for x := int(r.X) + 2; x < int(r.X+r.W)-2; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if math.Abs(float64(r1>>8)-float64(r2>>8))+math.Abs(float64(g1>>8)-float64(g2>>8))+math.Abs(float64(b1>>8)-float64(b2>>8)) > 24 {
				diff++
			}
			n++
		}
	}
	return float64(diff) / float64(n)
}

// near counts the pixels of r within a small distance of colour c.
func near(img image.Image, r rect, c [3]int) int {
	n := 0
	for y := int(r.Y); y < int(r.Y+r.H); y++ {
		for x := int(r.X); x < int(r.X+r.W); x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if abs(int(cr>>8)-c[0])+abs(int(cg>>8)-c[1])+abs(int(cb>>8)-c[2]) < 24 {
				n++
			}
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// pointOnScreen returns where training point i of lab is drawn in plane pl.
func pointOnScreen(lab *sim.Lab, i int, pl rect) (float64, float64) {
	d := lab.Train.D
	u, v := lab.View.ToUnit(lab.Train.X[d*i], lab.Train.X[d*i+1])
	return pl.X + u*pl.W, pl.Y + v*pl.H
}

// loneFlipped returns a flipped training point of lab with no other point
// within radius (plane units), so a click on it picks it.
func loneFlipped(t *testing.T, lab *sim.Lab, radius float64) int {
	t.Helper()
	i := simtest.LoneFlipped(lab, radius)
	if i < 0 {
		t.Fatal("no flipped point stands alone")
	}
	return i
}

// The mechanism views: the gradient-share toggle, the inspector, touch
// (buttons, adding points, the inspect mode), and a user's own points
// dropped on the page (through the DevTools protocol's drag events, which
// reach Ebiten's drop handler on the canvas as a real drag does).
func TestBrowserMechanism(t *testing.T) {
	b := startBrowser(t)

	t.Run("shares-inspector-touch", func(t *testing.T) {
		p := b.open(t, "?preset=demo&paused=true&log-every=3")
		p.nextFrames()
		p.key("KeyS", "s", 83, `^samlab: event step`)
		if f := p.nextFrames(); f["step"] != "1" || f["shares"] != "false" {
			t.Fatalf("after one step: %v", f)
		}
		pl := p.layout["plane0"]
		before := p.screenshot()

		// G: the share view; the plane's points change size.
		p.key("KeyG", "g", 71, `^samlab: event shares on$`)
		p.wait(`^samlab: state query=preset=demo&methods=sgd,1sam&seed=6&shares=true$`, 10*time.Second)
		f := p.nextFrames()
		if f["shares"] != "true" {
			t.Errorf("perf line after G: %v", f)
		}
		t.Logf("frame timer with the share view on (paused): work_ms mean %s, draw_ms mean %s p95 %s, frame_ms mean %s p95 %s",
			f["work_ms_mean"], f["draw_ms_mean"], f["draw_ms_p95"], f["frame_ms_mean"], f["frame_ms_p95"])
		shares := p.screenshot()
		d := imageDiff(before, shares, pl)
		t.Logf("share view: %.1f%% of plane0's pixels changed", 100*d)
		if d < 0.01 {
			t.Errorf("share view changed only %.2f%% of plane0's pixels", 100*d)
		}
		p.key("KeyG", "g", 71, `^samlab: event shares off$`)
		p.nextFrames()
		if d := imageDiff(before, p.screenshot(), pl); d > 0.002 {
			t.Errorf("share view off: %.2f%% of plane0's pixels differ from before", 100*d)
		}

		// Alt-click a flipped point: the inspector, with the values the
		// lab measures natively at the same step.
		lab, err := sim.New(sim.PresetParams("demo"))
		if err != nil {
			t.Fatal(err)
		}
		lab.Step(1)
		i := loneFlipped(t, lab, 14.0/pl.W*lab.View.Size)
		x, y := pointOnScreen(lab, i, pl)
		p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, "AltLeft", "Alt", 18)
		p.nextFrames()
		from := p.mark()
		p.click(x, y, `^samlab: event inspect panel=1 `)
		p.dispatchKey(input.DispatchKeyEventTypeKeyUp, "AltLeft", "Alt", 18)
		for k := range 2 {
			l, _ := p.waitAfter(from, fmt.Sprintf(`^samlab: event inspect panel=%d `, k), time.Second)
			fl := fields(l.text)
			want, err := lab.Inspect(k, i)
			if err != nil {
				t.Fatal(err)
			}
			if fl["point"] != strconv.Itoa(i) || fl["flipped"] != "true" || fl["step"] != "1" {
				t.Errorf("inspect line %q: want point=%d flipped=true step=1", l.text, i)
			}
			for key, w := range map[string]float64{"loss": want.Loss, "scale": want.Scale, "scale_at": want.ScaleAt,
				"jacobian": want.Jacobian, "jacobian_at": want.JacobianAt, "share": want.Share} {
				v, err := strconv.ParseFloat(fl[key], 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("panel %d %s=%q is not a finite number", k, key, fl[key])
					continue
				}
				if math.Abs(v-w) > 1e-3*math.Abs(w)+1e-12 {
					t.Errorf("panel %d %s=%g, the lab measures %.6g", k, key, v, w)
				}
			}
			if v, _ := strconv.ParseFloat(fl["share"], 64); !(v >= 0 && v <= 1) {
				t.Errorf("panel %d share %q outside [0,1]", k, fl["share"])
			}
			if v, _ := strconv.ParseFloat(fl["loss"], 64); !(v > 0) {
				t.Errorf("panel %d loss %q not positive", k, fl["loss"])
			}
		}
		p.nextFrames()
		open := p.screenshot()
		box := rect{pl.X, pl.Y, pl.W, pl.H}
		if d := imageDiff(before, open, box); d < 0.01 {
			t.Errorf("the inspector changed only %.2f%% of plane0's pixels", 100*d)
		}
		if d := imageDiff(before, open, p.layout["plane1"]); d < 0.01 {
			t.Errorf("the inspector changed only %.2f%% of plane1's pixels (it shows in every panel)", 100*d)
		}
		p.key("Escape", "Escape", 27, `^samlab: event inspect-close$`)
		p.nextFrames()
		if d := imageDiff(before, p.screenshot(), box); d > 0.002 {
			t.Errorf("after Escape %.2f%% of plane0's pixels differ from before", 100*d)
		}

		// Touch: a tap on a button, a tap on the plane adds a point.
		p.tapWidget("step", `^samlab: event step`)
		add := p.tap(pl.X+pl.W*0.3, pl.Y+pl.H*0.7, `^samlab: event add-point`)
		if fl := fields(add); fl["class"] != "0" || fl["n"] != "401" {
			t.Errorf("tap on the plane: %q", add)
		}
		// Inspect mode (no Alt key on a touch screen): a tap on a point
		// inspects it, a tap away from the points closes the inspector.
		p.tapWidget("inspect", `^samlab: event inspect-mode on$`)
		l := p.tap(x, y, `^samlab: event inspect panel=0 `)
		if fields(l)["point"] != strconv.Itoa(i) {
			t.Errorf("tap in inspect mode on point %d: %q", i, l)
		}
		p.tap(pl.X+3, pl.Y+pl.H-3, `^samlab: event inspect-close$`)
		p.tapWidget("inspect", `^samlab: event inspect-mode off$`)
		p.tapWidget("shares", `^samlab: event shares on$`)
		if f := p.nextFrames(); f["points"] != "401" || f["shares"] != "true" || f["step"] != "2" {
			t.Errorf("after the taps: %v, want points=401 shares=true step=2", f)
		}
	})

	t.Run("drop-points", func(t *testing.T) {
		dir := t.TempDir()
		bad := dir + "/bad.csv"
		if err := os.WriteFile(bad, []byte("x,y,label\n0,0,0\n1,nan,1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		sb.WriteString("x,y,label,flipped\n")
		for k := range 60 {
			c := k % 2
			fl := k%10 == 3 // 6 flipped labels
			lab := c
			if fl {
				lab = 1 - c
			}
			fmt.Fprintf(&sb, "%.3f,%.3f,%d,%t\n", float64(2*c-1)+0.07*float64(k%7), 0.1*float64(k%9)-0.4, lab, fl)
		}
		good := dir + "/good.csv"
		if err := os.WriteFile(good, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}

		// Playing, with the share view on: its frame timer is logged.
		p := b.open(t, "?preset=demo&log-every=3&shares=true")
		p.nextFrames()
		f0 := p.nextFrames()
		s0, _ := strconv.Atoi(f0["step"])
		t.Logf("frame timer playing with the share view on: work_ms mean %s p95 %s, draw_ms mean %s p95 %s, frame_ms mean %s p95 %s (train %s, heat %s ms/frame), %s fps",
			f0["work_ms_mean"], f0["work_ms_p95"], f0["draw_ms_mean"], f0["draw_ms_p95"], f0["frame_ms_mean"], f0["frame_ms_p95"], f0["train_ms_mean"], f0["heat_ms_mean"], f0["fps"])
		pl := p.layout["plane0"]
		cx, cy := pl.center()

		// A malformed file: one message, the experiment as it was.
		from := p.mark()
		p.drop(bad, cx, cy)
		l, _ := p.waitAfter(from, `^samlab: event points-error `, 30*time.Second)
		if !strings.Contains(l.text, `bad.csv line 3: y "nan" is not a coordinate`) {
			t.Errorf("points-error line %q does not name the file, line and value", l.text)
		}
		p.nextFrames()
		img := p.screenshot()
		notice := rect{14, 60, 962, 30}
		if n := near(img, notice, [3]int{0xfe, 0xf2, 0xf2}); n < 2000 {
			t.Errorf("no notice over the panels after a bad file (%d notice pixels)", n)
		}
		if n := near(img, notice, [3]int{0xb9, 0x1c, 0x1c}); n < 50 {
			t.Errorf("no notice text over the panels after a bad file (%d text pixels)", n)
		}
		f1 := p.nextFrames()
		if s1, _ := strconv.Atoi(f1["step"]); f1["points"] != "400" || s1 <= s0 {
			t.Errorf("after a bad file: %v, want points=400 and the step past %d", f1, s0)
		}

		// A good file: the panels train on its points from step 0.
		f1 = p.nextFrames()
		s1, _ := strconv.Atoi(f1["step"])
		from = p.mark()
		p.drop(good, cx, cy)
		l, _ = p.waitAfter(from, `^samlab: event points `, 30*time.Second)
		if fl := fields(l.text); fl["file"] != "good.csv" || fl["n"] != "60" || fl["flipped"] != "6" || fl["classes"] != "2" {
			t.Errorf("points line %q, want file=good.csv n=60 classes=2 flipped=6", l.text)
		}
		f2 := p.nextFrames()
		if s2, _ := strconv.Atoi(f2["step"]); f2["points"] != "60" || s2 >= s1 {
			t.Errorf("after a good file: %v, want points=60 and the steps restarted (was %d)", f2, s1)
		}
		t.Logf("dropped 60 points at step %d; the next frame-timer line: step %s, points %s", s1, f2["step"], f2["points"])
	})
}

// lastMatch returns the last console line so far matching pattern ("" if
// none).
func (p *page) lastMatch(pattern string) string {
	re := regexp.MustCompile(pattern)
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.logs) - 1; i >= 0; i-- {
		if re.MatchString(p.logs[i].text) {
			return p.logs[i].text
		}
	}
	return ""
}

// projOnScreen returns where training point k of panel i of a
// high-dimensional lab is drawn in projection rectangle r, for the
// projection's half-extents ha and hb (the app's space line): one scale
// for both axes, the origin at the centre, b upwards.
func projOnScreen(lab *sim.Lab, i, k int, r rect, ha, hb float64) (float64, float64) {
	pr := &lab.Panels[i].Views.Proj
	s := math.Min(r.W/2/math.Max(ha, 1), r.H/2/math.Max(hb, 1))
	return r.X + r.W/2 + pr.A[k]*s, r.Y + r.H/2 - pr.B[k]*s
}

// The paper's own toy: ?preset=highdim opens the 1000-D scene, each panel
// a margin view above a projection (no heat map). It trains (the panels in
// turn), the margin views move as it does, SGD's and 1-SAM's views part,
// the model controls say why they do not apply, a plain click says why no
// point is added, and an Alt-click on a point of a projection inspects
// it, with the values the lab measures natively at the same step.
func TestBrowserHighdim(t *testing.T) {
	b := startBrowser(t)

	t.Run("trains", func(t *testing.T) {
		p := b.open(t, "?preset=highdim&log-every=20")
		ready := p.wait(`^samlab: ready `, time.Second)
		if want := "samlab: ready query=preset=highdim&methods=sgd,1sam&seed=6 panels=SGD,1-SAM"; ready != want {
			t.Errorf("ready line %q, want %q", ready, want)
		}
		for _, id := range []string{"margins0", "projection0", "margins1", "projection1"} {
			if _, ok := p.layout[id]; !ok {
				t.Fatalf("no %s in the layout", id)
			}
		}
		f1 := p.nextFrames()
		img1 := p.screenshot()
		f2 := p.nextFrames()
		f3 := p.nextFrames()
		img3 := p.screenshot()
		s1, _ := strconv.Atoi(f1["step"])
		s3, _ := strconv.Atoi(f3["step"])
		if f3["playing"] != "true" || s3 <= s1 || f3["points"] != "500" {
			t.Errorf("not training the 500 points: %v then %v", f1, f3)
		}
		t.Logf("frame timer on highdim (wasm, headless Chromium, SwiftShader; a panel a frame, in turn): work_ms mean %s p95 %s max %s (train %s, views %s ms/frame), draw_ms mean %s p95 %s, frame_ms mean %s p95 %s, %s fps",
			f2["work_ms_mean"], f2["work_ms_p95"], f2["work_ms_max"], f2["train_ms_mean"], f2["heat_ms_mean"], f2["draw_ms_mean"], f2["draw_ms_p95"], f2["frame_ms_mean"], f2["frame_ms_p95"], f2["fps"])
		t.Logf("and again: work_ms mean %s p95 %s (train %s, views %s), draw_ms mean %s p95 %s, frame_ms mean %s p95 %s, %s fps",
			f3["work_ms_mean"], f3["work_ms_p95"], f3["train_ms_mean"], f3["heat_ms_mean"], f3["draw_ms_mean"], f3["draw_ms_p95"], f3["frame_ms_mean"], f3["frame_ms_p95"], f3["fps"])
		for _, id := range []string{"margins0", "margins1", "projection1"} {
			d := imageDiff(img1, img3, p.layout[id])
			t.Logf("%s: %.1f%% of its pixels changed from step %d to %d", id, 100*d, s1, s3)
			if d < 0.003 {
				t.Errorf("%s: only %.2f%% of its pixels changed from step %d to %d", id, 100*d, s1, s3)
			}
		}
		// The projection is a plane of class colours (tint and points).
		blue, orange, total := hues(img3, p.layout["projection0"])
		if blue < total/20 || orange < total/20 {
			t.Errorf("projection0: %d bluish and %d orangish of %d pixels", blue, orange, total)
		}
		for _, v := range []string{"margins", "projection"} {
			if d := planeDiff(img3, p.layout[v+"0"], p.layout[v+"1"]); d < 0.02 {
				t.Errorf("SGD's and 1-SAM's %s views differ in only %.2f%% of pixels after %d steps", v, 100*d, s3)
			}
		}
	})

	t.Run("inspect-and-controls", func(t *testing.T) {
		const steps = 60
		p := b.open(t, fmt.Sprintf("?preset=highdim&steps=%d&paused=true&log-every=3", steps))
		p.wait(fmt.Sprintf(`^samlab: event fast-forward-done step=%d$`, steps), 120*time.Second)
		p.nextFrames()
		win := fields(p.lastMatch(`^samlab: space `))
		ha, err1 := strconv.ParseFloat(win["ha"], 64)
		hb, err2 := strconv.ParseFloat(win["hb"], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("no projection window logged: %v", win)
		}
		params, err := sim.Parse([]string{"-preset=highdim"})
		if err != nil {
			t.Fatal(err)
		}
		lab, err := sim.New(params)
		if err != nil {
			t.Fatal(err)
		}
		lab.Step(steps)
		lab.UpdateViews(0, false)
		// A flipped point of panel 0's projection at least 4 px from every
		// other point (the app picks the nearest to the click, which
		// arrives in whole pixels), away from the captions.
		r := p.layout["projection0"]
		pick := -1
		for k := range lab.Train.N() {
			if !lab.Train.Flipped[k] {
				continue
			}
			x, y := projOnScreen(lab, 0, k, r, ha, hb)
			lone := x > r.X+20 && x < r.X+r.W-20 && y > r.Y+24 && y < r.Y+r.H-24
			for j := range lab.Train.N() {
				if xj, yj := projOnScreen(lab, 0, j, r, ha, hb); j != k && math.Hypot(x-xj, y-yj) < 4 {
					lone = false
					break
				}
			}
			if lone {
				pick = k
				break
			}
		}
		if pick < 0 {
			t.Fatal("no flipped point stands alone in the projection")
		}
		before := p.screenshot()
		x, y := projOnScreen(lab, 0, pick, r, ha, hb)
		p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, "AltLeft", "Alt", 18)
		p.nextFrames()
		from := p.mark()
		p.click(x, y, `^samlab: event inspect panel=1 `)
		p.dispatchKey(input.DispatchKeyEventTypeKeyUp, "AltLeft", "Alt", 18)
		for k := range 2 {
			l, _ := p.waitAfter(from, fmt.Sprintf(`^samlab: event inspect panel=%d `, k), time.Second)
			fl := fields(l.text)
			want, err := lab.Inspect(k, pick)
			if err != nil {
				t.Fatal(err)
			}
			if fl["point"] != strconv.Itoa(pick) || fl["flipped"] != "true" || fl["step"] != strconv.Itoa(steps) {
				t.Errorf("inspect line %q: want point=%d flipped=true step=%d", l.text, pick, steps)
			}
			for key, w := range map[string]float64{"loss": want.Loss, "scale": want.Scale, "scale_at": want.ScaleAt, "share": want.Share} {
				if v, err := strconv.ParseFloat(fl[key], 64); err != nil || math.Abs(v-w) > 1e-3*math.Abs(w)+1e-12 {
					t.Errorf("panel %d %s=%q, the lab measures %.6g", k, key, fl[key], w)
				}
			}
		}
		p.nextFrames()
		open := p.screenshot()
		for _, id := range []string{"margins0", "projection0", "margins1", "projection1"} {
			if d := imageDiff(before, open, p.layout[id]); d < 0.002 {
				t.Errorf("the inspector changed only %.2f%% of %s's pixels (it marks the point in both views of every panel)", 100*d, id)
			}
		}
		p.key("Escape", "Escape", 27, `^samlab: event inspect-close$`)

		// The model controls do not apply: a click says why and changes
		// nothing; a plain click on a view says why no point is added.
		p.clickWidget("model-mlp", `^samlab: notice The highdim preset trains the paper's linear model`)
		p.clickWidget("width-inc", `^samlab: event click id=width-inc disabled$`)
		p.click(x, y, `^samlab: notice No point is added on highdim: its points have 1000 dimensions`)
		if f := p.nextFrames(); f["step"] != strconv.Itoa(steps) || f["points"] != "500" {
			t.Errorf("after the refused clicks: %v", f)
		}
		if q := p.lastMatch(`^samlab: state query=`); q != "" {
			t.Errorf("a refused control changed the query: %q", q)
		}
	})
}
