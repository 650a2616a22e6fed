//go:build browser

package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"

	"github.com/samlab/samlab/core/cvd"
	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/palette"
	"github.com/samlab/samlab/wasm/sim"
)

// TestBrowserTeachers checks what docs/web.md's "For teachers" promises, in
// Chromium: the embedded page, a user's points in the link, the controls
// from the keyboard alone, and the palette under simulated colour-vision
// deficiencies on a real screenshot.
func TestBrowserTeachers(t *testing.T) {
	b := startBrowser(t)

	t.Run("keyboard", func(t *testing.T) {
		p := b.open(t, "?preset=demo&paused=true&log-every=2")
		p.wait(`^samlab: ready `, 30*time.Second)
		t.Cleanup(func() { p.dumpIfFailed(30) })
		// press presses a key until the app logs want, then lets a frame
		// pass with it released: Ebiten sees a key pressed again only after
		// a frame without it.
		press := func(code, key string, vk int64, want string) {
			t.Helper()
			p.key(code, key, vk, want)
			p.nextFrames()
		}
		// The sidebar's order: the widgets as the layout line lists them.
		var order []string
		for _, m := range regexp.MustCompile(` ([a-z0-9-]+)=[0-9]`).FindAllStringSubmatch(p.wait(`^samlab: layout `, time.Second), -1) {
			if !strings.HasPrefix(m[1], "plane") && m[1] != "screen" {
				order = append(order, m[1])
			}
		}
		p.nextFrames()
		play := p.layout["play"]
		ring := rect{play.X - 5, play.Y - 5, play.W + 10, play.H + 10}
		orange := [3]int{0xe6, 0x9f, 0x00}
		before := near(p.screenshot(), ring, orange)
		press("Tab", "Tab", 9, `^samlab: event focus id=play$`)
		p.nextFrames()
		if after := near(p.screenshot(), ring, orange); after < 100 || before > 10 {
			t.Errorf("focus ring around Play: %d orange pixels before Tab, %d after (want <= 10, >= 100)", before, after)
		}
		// Enter presses the focused control: Play, then Pause (the walk
		// below runs paused, in quicker frames).
		press("Enter", "Enter", 13, `^samlab: event key id=play$`)
		p.wait(`^samlab: event play `, 10*time.Second)
		press("Enter", "Enter", 13, `^samlab: event pause `)
		// Tab on to the noise stepper's -, in the sidebar's order.
		seen := []string{"play"}
		for range 40 {
			from := p.mark()
			press("Tab", "Tab", 9, `^samlab: event focus id=`)
			l, _ := p.waitAfter(from, `^samlab: event focus id=`, 10*time.Second)
			id := strings.TrimPrefix(l.text, "samlab: event focus id=")
			seen = append(seen, id)
			if id == "noise-dec" {
				break
			}
		}
		k := 0
		for k < len(order) && order[k] != "noise-dec" {
			k++
		}
		if want := order[:min(k+1, len(order))]; strings.Join(seen, " ") != strings.Join(want, " ") {
			t.Errorf("Tab order %q, want %q", seen, want)
		}
		noise := func(line string) float64 {
			m := regexp.MustCompile(`noise=([0-9.]+)`).FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("no noise in %q", line)
			}
			v, _ := strconv.ParseFloat(m[1], 64)
			return v
		}
		from := p.mark()
		press("Space", " ", 32, `^samlab: event key id=noise-dec$`)
		l, from := p.waitAfter(from, `^samlab: event noise query=`, 10*time.Second)
		n1 := noise(l.text)
		press("ArrowUp", "ArrowUp", 38, `^samlab: event key-step id=noise-dec d=1$`)
		l, _ = p.waitAfter(from, `^samlab: event noise query=`, 10*time.Second)
		if n2 := noise(l.text); n2-n1 < 0.049 || n2-n1 > 0.051 {
			t.Errorf("ArrowUp on the noise stepper: noise %g -> %g, want one step of 0.05 up", n1, n2)
		}
		from = p.mark()
		press("ArrowLeft", "ArrowLeft", 37, `^samlab: event key-step id=noise-dec d=-1$`)
		p.waitAfter(from, `^samlab: event noise query=`, 10*time.Second)
		// Shift+Tab goes back; Escape drops the focus and Space plays again.
		p.dispatchKey(input.DispatchKeyEventTypeRawKeyDown, "ShiftLeft", "Shift", 16)
		p.nextFrames()
		press("Tab", "Tab", 9, `^samlab: event focus id=preset-inc$`)
		p.dispatchKey(input.DispatchKeyEventTypeKeyUp, "ShiftLeft", "Shift", 16)
		press("Escape", "Escape", 27, `^samlab: event focus none$`)
		press("Space", " ", 32, `^samlab: event (play|pause) step=`)
	})

	t.Run("embed", func(t *testing.T) {
		side := b.open(t, "?preset=demo&methods=sgd,1sam,sam&paused=true")
		p := b.open(t, "?preset=demo&embed=1&methods=sgd,1sam,sam&paused=true&log-every=5")
		ready := p.wait(`^samlab: ready `, 30*time.Second)
		if _, ok := p.layout["play"]; ok {
			t.Errorf("embedded page lays out the sidebar's controls: %v", p.layout)
		}
		pe, ps := p.layout["plane2"], side.layout["plane2"]
		if pe.W <= ps.W || pe.X+pe.W <= 990 {
			t.Errorf("embedded planes %v do not use the sidebar's width (with the sidebar: %v)", pe, ps)
		}
		if !strings.Contains(ready, "methods=sgd,1sam,sam&") || strings.Contains(ready, "embed") {
			t.Errorf("embedded page's share query: %q", ready)
		}
		p.nextFrames()
		img := p.screenshot()
		// The sidebar's card (white, with its controls) is gone: the third
		// plane's heat map covers its place.
		if bl, or, total := hues(img, rect{1000, pe.Y + 20, 200, 200}); bl+or < total/2 {
			t.Errorf("the sidebar's place shows no plane: %d blue and %d orange of %d pixels", bl, or, total)
		}
		p.key("Space", " ", 32, `^samlab: event play step=`)
	})

	t.Run("points-link", func(t *testing.T) {
		d := linkPoints(60)
		q := "?paused=true&log-every=3&pts=" + sim.EncodePoints(d, 0, false)
		p := b.open(t, q)
		ready := p.wait(`^samlab: ready `, 30*time.Second)
		if !strings.Contains(ready, "&pts="+sim.EncodePoints(d, 0, false)) {
			t.Errorf("ready line %q does not carry the points", ready)
		}
		if f := p.nextFrames(); f["points"] != "60" {
			t.Errorf("opened on %s points, want the link's 60", f["points"])
		}
		// A malformed value: the page opens on the defaults and says why.
		bad := b.open(t, "?noise=0.2&pts=AQBzzz")
		w := bad.wait(`^samlab: warning `, 30*time.Second)
		if !strings.Contains(w, "pts (6 characters): not a DEFLATE stream") {
			t.Errorf("malformed pts: %q, want it named with its fault", w)
		}
		// Too many points for a link (a dropped file of 1500): a notice and
		// the share line say so, in red. (The page cannot be opened on such
		// a link at all: wasm_exec.js refuses program arguments over 8 KiB.)
		csv := filepath.Join(t.TempDir(), "many.csv")
		var sb strings.Builder
		for i, d := 0, linkPoints(1500); i < d.N(); i++ {
			fmt.Fprintf(&sb, "%.4f,%.4f,%d,%t\n", d.X[2*i], d.X[2*i+1], d.Y[i], d.Flipped[i])
		}
		if err := os.WriteFile(csv, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		pl := p.layout["plane0"]
		cx, cy := pl.center()
		from := p.mark()
		p.drop(csv, cx, cy)
		l, _ := p.waitAfter(from, `^samlab: notice too many points to share in a link: 1500 points make it [0-9]+ characters, the limit is 7600; share the CSV file instead$`, 30*time.Second)
		t.Logf("%s", l.text)
		p.nextFrames()
		img := p.screenshot()
		footer := rect{14, ScreenH - 30, 962, 28}
		if n := near(img, footer, [3]int{0xb9, 0x1c, 0x1c}); n < 100 {
			t.Errorf("share line of 1500 points: %d warning pixels, want the too-long message", n)
		}
	})

	t.Run("palette-cvd", func(t *testing.T) {
		p := b.open(t, "?preset=demo&methods=sgd,1sam,lsam,jsam&steps=200&paused=true&log-every=3")
		p.wait(`^samlab: event fast-forward-done`, 120*time.Second)
		p.nextFrames()
		img := p.screenshot()
		checkPaletteCVD(t, img)
	})
}

// linkPoints returns n points of two classes in two clouds, a tenth of
// them flipped.
func linkPoints(n int) *data.Dataset {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	d := &data.Dataset{D: 2, K: 2}
	for i := range n {
		y := i % 2
		d.Append([]float64{float64(2*y-1) + r.NormFloat64(), r.NormFloat64()}, y)
		if r.Float64() < 0.1 {
			d.Flipped[i], d.Y[i], d.Clean[i] = true, 1-y, y
		}
	}
	return d
}

// checkPaletteCVD finds the palette's colours among the screenshot's
// pixels (the class colours in the points, the flipped points' black ring,
// the methods' colours in the chips, curves and legends), simulates the
// screenshot as seen with protanopia and deuteranopia (core/cvd, Machado
// et al. 2009), and checks that the pixels of every pair that must be told
// apart keep cvd.MinDeltaE (CIEDE2000) between their mean simulated
// colours. With SAMLAB_CVD_DIR set it writes the simulated screenshots
// there.
func checkPaletteCVD(t *testing.T, img image.Image) {
	t.Helper()
	type entry struct {
		name string
		c    color.RGBA
	}
	entries := []entry{{"class 0 / 1-SAM", palette.Class(0)}, {"class 1", palette.Class(1)}, {"flipped ring", palette.Flipped},
		{"SGD", palette.Method("sgd")}, {"L-SAM", palette.Method("lsam")}, {"J-SAM", palette.Method("jsam")}}
	// must lists the pairs to tell apart: the classes, each class and the
	// ring, every two methods shown (1-SAM's colour is class 0's).
	must := [][2]int{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {0, 4}, {0, 5}, {3, 4}, {3, 5}, {4, 5}}
	at := make([][]image.Point, len(entries))
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			for i, e := range entries {
				if abs(int(r>>8)-int(e.c.R)) <= 2 && abs(int(g>>8)-int(e.c.G)) <= 2 && abs(int(b>>8)-int(e.c.B)) <= 2 {
					at[i] = append(at[i], image.Pt(x, y))
				}
			}
		}
	}
	for i, e := range entries {
		if len(at[i]) < 20 {
			t.Fatalf("%s %v: %d pixels in the screenshot, want 20 or more", e.name, e.c, len(at[i]))
		}
	}
	dir := os.Getenv("SAMLAB_CVD_DIR")
	for _, k := range []cvd.Kind{cvd.Protanopia, cvd.Deuteranopia} {
		seen := image.NewRGBA(bnd)
		for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
			for x := bnd.Min.X; x < bnd.Max.X; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				seen.SetRGBA(x, y, cvd.Simulate(color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}, k))
			}
		}
		mean := make([]color.RGBA, len(entries))
		for i, pts := range at {
			var sr, sg, sb int
			for _, pt := range pts {
				c := seen.RGBAAt(pt.X, pt.Y)
				sr, sg, sb = sr+int(c.R), sg+int(c.G), sb+int(c.B)
			}
			n := len(pts)
			mean[i] = color.RGBA{uint8((sr + n/2) / n), uint8((sg + n/2) / n), uint8((sb + n/2) / n), 0xff}
		}
		for _, m := range must {
			a, b := m[0], m[1]
			d := cvd.DeltaE00(mean[a], mean[b])
			t.Logf("%s: %s (%d px) vs %s (%d px): CIEDE2000 %.1f", k, entries[a].name, len(at[a]), entries[b].name, len(at[b]), d)
			if d < cvd.MinDeltaE {
				t.Errorf("%s: %s and %s are %.1f apart on the screenshot, want >= %d", k, entries[a].name, entries[b].name, d, cvd.MinDeltaE)
			}
		}
		if dir != "" {
			path := filepath.Join(dir, fmt.Sprintf("demo-%s.png", k))
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, seen); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", path)
		}
	}
}

// dumpIfFailed logs the page's last n console lines if the test failed.
func (p *page) dumpIfFailed(n int) {
	if !p.t.Failed() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.logs[max(0, len(p.logs)-n):] {
		p.t.Logf("console: %.200s", l.text)
	}
}
