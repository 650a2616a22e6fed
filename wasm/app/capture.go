package app

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// capture is what a run hands out of the frames Draw made: the log line
// of the first frame, and with Options.Screenshot the last frame saved as
// a PNG file, which ends the run. Draw fills it in (reading the screen is
// only possible there); Update asks it whether the run is over.
type capture struct {
	started time.Time
	frames  int    // Options.Frames
	path    string // Options.Screenshot

	firstLogged bool
	done        bool  // the screenshot was taken (or failed)
	err         error // why it failed
}

// over reports whether the run should end before frame: the screenshot is
// taken, or Options.Frames frames ran without one asked for.
func (c *capture) over(frame int) bool {
	return c.done || (c.frames > 0 && frame >= c.frames && c.path == "")
}

// drawn records that screen holds the frame drawn after frame updates, at
// training step step: it logs the first frame and saves the screenshot
// when its frame (Options.Frames, or 60) has come.
func (c *capture) drawn(screen *ebiten.Image, frame, step int, l *logger) {
	if frame == 1 && !c.firstLogged {
		c.firstLogged = true
		l.logf("first-frame ms_since_start=%d", time.Since(c.started).Milliseconds())
	}
	last := c.frames
	if last == 0 {
		last = 60
	}
	if c.path != "" && !c.done && frame >= last {
		c.err = saveScreenshot(screen, c.path)
		c.done = true
		if c.err == nil {
			l.logf("screenshot %s frame=%d step=%d", c.path, frame, step)
		}
	}
}

// saveScreenshot writes the screen's pixels to a PNG file.
func saveScreenshot(screen *ebiten.Image, path string) error {
	b := screen.Bounds()
	img := image.NewRGBA(b)
	screen.ReadPixels(img.Pix)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("screenshot: encode: %w", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}
