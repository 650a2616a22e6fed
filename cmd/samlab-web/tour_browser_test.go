//go:build browser

package main

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samlab/samlab/wasm/sim"
)

// tourShotSteps is how many steps each tour step's screenshot is taken
// after (fast-forwarded, paused): where its caption's claim shows on the
// default seed (wasm/sim's TestTourCaptionNumbers checks the claim at
// these lengths).
var tourShotSteps = []int{400, 1000, 400, 40, 600, 300}

// tourLayout waits for the tour's button layout of step k (after index
// from; logged when the buttons move) and returns it.
func (p *page) tourLayout(from, k int) map[string]rect {
	p.t.Helper()
	l, _ := p.waitAfter(from, `^samlab: tour-layout tour=`+strconv.Itoa(k)+` `, 60*time.Second)
	return parseLayout(l.text)
}

// amber counts the pixels of r near the tour's colour (0xf59e0b).
func amber(img image.Image, r rect) int {
	return near(img, r, [3]int{0xf5, 0x9e, 0x0b})
}

// The guided tour in Chromium: the Tour button opens step 1; Next walks
// every step, each logging its scene's query with tour=K, drawing the
// caption strip (in the tour's colour) and the outline of what to watch;
// Back returns one step; Exit leaves the tour keeping the experiment.
// With SAMLAB_TOUR_SHOTS set to a folder, it also saves a screenshot of
// every step there (docs/tour-K.png), after tourShotSteps steps
// (SAMLAB_TOUR_ONLY=5,6: those steps only).
func TestBrowserTour(t *testing.T) {
	if len(tourShotSteps) != len(sim.Tour) {
		t.Fatalf("%d screenshot lengths for %d tour steps", len(tourShotSteps), len(sim.Tour))
	}
	b := startBrowser(t)

	t.Run("walk", func(t *testing.T) {
		p := b.open(t, "?paused=true&log-every=5")
		lay := p.tourLayout(0, 0)
		if r := lay["tour"]; r.W == 0 {
			t.Fatalf("no Tour button on the default page: %v", lay)
		}
		p.nextFrames()
		before := p.screenshot()
		x, y := lay["tour"].center()
		from := p.mark()
		p.click(x, y, `^samlab: event tour query=.*&tour=1$`)
		for k := 1; k <= len(sim.Tour); k++ {
			want, err := sim.TourParams(k)
			if err != nil {
				t.Fatal(err)
			}
			p.waitAfter(from, `^samlab: event tour query=`+regexp.QuoteMeta(want.Query())+`$`, 10*time.Second)
			p.nextFrames()
			// The buttons are logged when they move (not between two
			// middle steps, where they stay put): the latest layout holds.
			lay = parseLayout(p.lastMatch(`^samlab: tour-layout `))
			img := p.screenshot()
			strip := rect{0, 0, 976, 52}
			if n := amber(img, strip); n < 200 {
				t.Errorf("step %d: %d amber pixels in the caption strip, want the title drawn", k, n)
			}
			if k == 1 && imageDiff(before, img, strip) < 0.05 {
				t.Errorf("step 1: the header did not change into the caption strip")
			}
			if n := amber(img, rect{14, 60, 962, 700}); n < 300 {
				t.Errorf("step %d: %d amber pixels below the header, want the outline of what to watch", k, n)
			}
			_, hasBack := lay["tour-back"]
			if (lay["tour-back"].W > 0) != (k > 1) || (lay["tour-next"].W > 0) != (k < len(sim.Tour)) || lay["tour-exit"].W == 0 || !hasBack {
				t.Errorf("step %d: buttons %v", k, lay)
			}
			if k < len(sim.Tour) {
				x, y := lay["tour-next"].center()
				from = p.mark()
				p.click(x, y, `^samlab: event tour query=.*&tour=`+strconv.Itoa(k+1)+`$`)
			}
		}
		x, y = lay["tour-back"].center()
		from = p.mark()
		k := len(sim.Tour) - 1
		p.click(x, y, `^samlab: event tour query=.*&tour=`+strconv.Itoa(k)+`$`)
		lay = p.tourLayout(from, k)
		x, y = lay["tour-exit"].center()
		want, _ := sim.TourParams(k)
		want.Tour = 0
		from = p.mark()
		p.click(x, y, `^samlab: event tour query=`+regexp.QuoteMeta(want.Query())+`$`)
		p.tourLayout(from, 0)
	})

	t.Run("screenshots", func(t *testing.T) {
		dir := os.Getenv("SAMLAB_TOUR_SHOTS")
		if dir == "" {
			t.Skip("set SAMLAB_TOUR_SHOTS to a folder for docs/tour-K.png")
		}
		only := os.Getenv("SAMLAB_TOUR_ONLY") // e.g. "5,6": only these steps
		for k := 1; k <= len(sim.Tour); k++ {
			if only != "" && !slices.Contains(strings.Split(only, ","), strconv.Itoa(k)) {
				continue
			}
			p := b.open(t, fmt.Sprintf("?tour=%d&steps=%d&paused=true&log-every=3", k, tourShotSteps[k-1]))
			p.wait(`^samlab: event fast-forward-done`, 480*time.Second)
			p.nextFrames()
			p.nextFrames()
			buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, fmt.Sprintf("tour-%d.png", k))
			if err := os.WriteFile(out, buf, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", out)
		}
	})
}
