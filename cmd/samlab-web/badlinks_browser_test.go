//go:build browser

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserBadLinks: the links that left the page blank (?h, ?help=1,
// ?frames=-1) or froze it (?frames=1, ?screenshot=x.png&frames=2: the
// desktop app's flags), a link of 100,000 characters and a scene too heavy
// for a frame (every value in range) each open a page that renders, keeps
// training, and names on the page what it ignored; at speed 64 the page
// lowers its steps a frame and says so; a spreadsheet's CSV (byte-order
// mark, CR-only lines) dropped on the page is used.
func TestBrowserBadLinks(t *testing.T) {
	b := startBrowser(t)
	for _, c := range []struct {
		name, query, warning string
		ready                string // the experiment the page opens
	}{
		{"h", "?h&log-every=5", `^samlab: warning help: the link's keys are .*methods`, "methods=sgd,1sam&seed=16"},
		{"help", "?help=1&noise=0.2&log-every=5", `^samlab: warning help:`, "methods=sgd,1sam&noise=0.2&seed=16"},
		{"frames-negative", "?frames=-1&log-every=5", `^samlab: warning ignored frames: desktop app only$`, "methods=sgd,1sam&seed=16"},
		{"frames", "?frames=1&log-every=5", `^samlab: warning ignored frames: desktop app only$`, "methods=sgd,1sam&seed=16"},
		{"screenshot", "?screenshot=x.png&frames=2&log-every=5", `^samlab: warning ignored screenshot, frames: desktop app only$`, "methods=sgd,1sam&seed=16"},
		{"too-long", "?log-every=5&methods=" + strings.Repeat("s", 100_000), `^samlab: warning the link is too long \(100020 characters; the page reads about 8 KB\): opened the defaults$`, "methods=sgd,1sam&seed=16"},
		{"many-keys", "?" + strings.Repeat("a&", 600), `^samlab: warning the link is too long \(1200 characters; the page reads about 8 KB\)`, "methods=sgd,1sam&seed=16"},
		{"too-heavy", "?preset=demo&n=2000&width=256&methods=1sam,lsam,jsam,sam&speed=64&log-every=5",
			`^samlab: warning ignored arguments: n=2000, width=256, 4 methods: a step would take about \d+ ms`, "methods=sgd,1sam&seed=16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := b.open(t, c.query) // the layout line: the page rendered
			p.wait(c.warning, 5*time.Second)
			if r := p.wait(`^samlab: ready `, time.Second); !strings.Contains(r, "query="+c.ready+" ") {
				t.Errorf("ready line %q, want query=%s", r, c.ready)
			}
			// Not frozen: trained past step 0 by the first frame-timer line
			// (log-every frames; 60 when the whole link was ignored).
			f := p.nextFrames()
			if s, _ := strconv.Atoi(f["step"]); f["playing"] != "true" || s <= 0 {
				t.Errorf("the page does not train: %v", f)
			}
			img := p.screenshot()
			notice := rect{14, 60, 962, 30}
			if n := near(img, notice, [3]int{0xfe, 0xf2, 0xf2}); n < 2000 {
				t.Errorf("no notice over the panels (%d notice-background pixels)", n)
			}
		})
	}

	t.Run("speed-lowered", func(t *testing.T) {
		p := b.open(t, "?preset=demo&speed=64&log-every=5") // the demo MLP: the default page's linear scene fits 64 steps in a frame
		l := p.wait(`^samlab: notice speed lowered to \d+ steps/frame \(of 64\) to keep the page responsive$`, 30*time.Second)
		f1 := p.nextFrames()
		f2 := p.nextFrames()
		s1, _ := strconv.Atoi(f1["step"])
		s2, _ := strconv.Atoi(f2["step"])
		if s2 <= s1 || s2-s1 >= 5*64 {
			t.Errorf("%q, then steps %d to %d in 5 frames: want fewer than 64 a frame, and some", l, s1, s2)
		}
		t.Logf("%s; %d steps in 5 frames, train %s ms a frame", l, s2-s1, f2["train_ms_mean"])
	})

	t.Run("points-bom-cr", func(t *testing.T) {
		var rows strings.Builder
		rows.WriteString("\uFEFFx,y,label,flipped\r")
		for i := range 40 {
			c := i % 2
			fmt.Fprintf(&rows, "%.2f,%.2f,%d,%d\r", float64(2*c-1)+0.03*float64(i%7), 0.05*float64(i%11)-0.25, c, b2i(i%10 == 0))
		}
		path := filepath.Join(t.TempDir(), "excel.csv")
		if err := os.WriteFile(path, []byte(rows.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		p := b.open(t, "?log-every=5")
		p.nextFrames()
		cx, cy := p.layout["plane0"].center()
		from := p.mark()
		p.drop(path, cx, cy)
		l, _ := p.waitAfter(from, `^samlab: event points(-error)? `, 30*time.Second)
		if fl := fields(l.text); !strings.HasPrefix(l.text, "samlab: event points ") || fl["n"] != "40" || fl["flipped"] != "4" {
			t.Errorf("dropped a CSV with a byte-order mark and CR lines: %q, want n=40 flipped=4", l.text)
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
