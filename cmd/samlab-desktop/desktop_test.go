//go:build desktop

// The window test: it needs a display (make test-desktop runs it under
// xvfb-run). Ebiten's game loop must run on the main thread, so TestMain
// runs the app for a few frames, fast-forwarded 300 steps, saving its last
// frame; the tests then check that frame and the log.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlab/samlab/wasm/app"
)

var (
	shotPath string
	runErr   error
	runLog   bytes.Buffer
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "samlab-desktop-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shotPath = filepath.Join(dir, "frame.png")
	o, err := app.ParseArgs([]string{"-screenshot", shotPath, "-frames", "40", "-steps", "300", "-log-every", "10"})
	if err == nil {
		o.Log = io.MultiWriter(os.Stdout, &runLog)
		err = app.Run(o)
	}
	runErr = err
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type rect struct{ X, Y, W, H int }

// layout returns the planes from the app's layout log line.
func layout(t *testing.T) map[string]rect {
	t.Helper()
	for _, l := range strings.Split(runLog.String(), "\n") {
		if !strings.HasPrefix(l, "samlab: layout ") {
			continue
		}
		out := map[string]rect{}
		for _, w := range strings.Fields(l) {
			k, v, ok := strings.Cut(w, "=")
			var r rect
			if ok {
				if _, err := fmt.Sscanf(v, "%d,%d,%d,%d", &r.X, &r.Y, &r.W, &r.H); err == nil {
					out[k] = r
				}
			}
		}
		return out
	}
	t.Fatalf("no layout line in the log:\n%s", runLog.String())
	return nil
}

func frame(t *testing.T) image.Image {
	t.Helper()
	if runErr != nil {
		t.Fatalf("app: %v", runErr)
	}
	f, err := os.Open(shotPath)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != app.ScreenW || b.Dy() != app.ScreenH {
		t.Fatalf("frame is %dx%d, want %dx%d", b.Dx(), b.Dy(), app.ScreenW, app.ScreenH)
	}
	return img
}

func TestWindowRenders(t *testing.T) {
	img := frame(t)
	colours := map[[3]uint32]bool{}
	for y := 0; y < app.ScreenH; y += 2 {
		for x := 0; x < app.ScreenW; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colours) < 500 {
		t.Errorf("only %d distinct colours: the window looks empty", len(colours))
	}
	planes := layout(t)
	for _, id := range []string{"plane0", "plane1"} {
		r, ok := planes[id]
		if !ok {
			t.Fatalf("no %s in the layout", id)
		}
		blue, orange, n := 0, 0, 0
		for y := r.Y + 2; y < r.Y+r.H-2; y++ {
			for x := r.X + 2; x < r.X+r.W-2; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				R, G, B := int(cr>>8), int(cg>>8), int(cb>>8)
				n++
				if B > R+12 && B > G {
					blue++
				} else if R > B+12 && G > B {
					orange++
				}
			}
		}
		if blue < n/20 || orange < n/20 {
			t.Errorf("%s: %d bluish, %d orangish of %d pixels: no heat map", id, blue, orange, n)
		}
	}
	// After 300 steps SGD's and 1-SAM's planes differ (at step 0 they are
	// identical: same data, same initial weights).
	a, b := planes["plane0"], planes["plane1"]
	diff, n := 0, 0
	for y := 2; y < a.H-2; y++ {
		for x := 2; x < a.W-2; x++ {
			r1, g1, b1, _ := img.At(a.X+x, a.Y+y).RGBA()
			r2, g2, b2, _ := img.At(b.X+x, b.Y+y).RGBA()
			if math.Abs(float64(r1>>8)-float64(r2>>8))+math.Abs(float64(g1>>8)-float64(g2>>8))+math.Abs(float64(b1>>8)-float64(b2>>8)) > 24 {
				diff++
			}
			n++
		}
	}
	t.Logf("%.1f%% of plane pixels differ between SGD and 1-SAM after 300 steps", 100*float64(diff)/float64(n))
	if diff < n/50 {
		t.Errorf("SGD and 1-SAM planes nearly identical after 300 steps (%d of %d pixels differ)", diff, n)
	}
}

func TestLog(t *testing.T) {
	if runErr != nil {
		t.Fatalf("app: %v", runErr)
	}
	log := runLog.String()
	for _, want := range []string{
		"samlab: ready query=methods=sgd,1sam&seed=6&steps=300 panels=SGD,1-SAM",
		"samlab: event fast-forward-done step=300",
		"samlab: perf ",
		"samlab: screenshot ",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestFlagsStrict: the desktop app refuses bad values instead of falling
// back to the defaults as the page does (run returns before any window).
func TestFlagsStrict(t *testing.T) {
	for _, args := range [][]string{{"-noise=0.9"}, {"-methods=adam"}, {"-frames=-1"}, {"stray"}} {
		if err := run(args); err == nil {
			t.Errorf("run(%q) accepted bad arguments", args)
		}
	}
}
