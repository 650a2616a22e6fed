package app

import (
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// frameTimer measures the work of every frame (fast-forward frames are
// left out): Update's (training, heat maps, the inspector's refresh) and
// Draw's (building the frame's draw commands: the CPU side of drawing; the
// GPU's work is not measured), and logs a summary every few frames.
type frameTimer struct {
	every int // frames between log lines (negative: never)

	work        []float64 // ms per frame: Update's (training + heat maps + inspector)
	frame       []float64 // ms per frame: Update's and Draw's
	draw        []float64 // ms per frame: Draw's
	undrawn     bool      // the last frame added has not been drawn yet
	train, heat float64   // ms in all
	inspect     float64   // ms in all
	steps       int
	heats       int
	frames      int
}

// add records one frame's Update: its training, heat-map and inspector
// time, the training steps and heat-map renders it did.
func (t *frameTimer) add(train, heat, inspect time.Duration, steps, heats int) {
	tr, ht, in := ms(train), ms(heat), ms(inspect)
	t.work = append(t.work, tr+ht+in)
	t.frame = append(t.frame, tr+ht+in)
	t.undrawn = true
	t.train += tr
	t.heat += ht
	t.inspect += in
	t.steps += steps
	t.heats += heats
	t.frames++
}

// drawn records the Draw of the frame last added (a fast-forward frame's,
// not added, is left out).
func (t *frameTimer) drawn(d time.Duration) {
	if !t.undrawn {
		return
	}
	t.undrawn = false
	t.draw = append(t.draw, ms(d))
	t.frame[len(t.frame)-1] += ms(d)
}

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }

// due reports whether a summary is due after frame (counted from 0).
func (t *frameTimer) due(frame int) bool {
	return t.every > 0 && (frame+1)%t.every == 0
}

// stats returns the mean, 95th percentile and maximum of v (zeros if empty).
func stats(v []float64) (mean, p95, top float64) {
	if len(v) == 0 {
		return 0, 0, 0
	}
	w := slices.Sorted(slices.Values(v))
	for _, x := range w {
		mean += x
	}
	mean /= float64(len(w))
	return mean, w[min(len(w)-1, int(0.95*float64(len(w))))], w[len(w)-1]
}

// flush logs the frames since the last summary, then starts a new one;
// frame is the frame just done, grid the heat-map grid size. The Draw of
// the frame just done has not run yet: it counts in the next summary.
func (t *frameTimer) flush(l *logger, frame int, s *session, grid int) {
	if t.frames == 0 {
		return
	}
	wm, wp, wx := stats(t.work)
	dm, dp, _ := stats(t.draw)
	fm, fp, fx := stats(t.frame[:len(t.draw)])
	n := float64(t.frames)
	l.logf("perf frame=%d step=%d playing=%t speed=%d panels=%d points=%d shares=%t grid=%d work_ms_mean=%.2f work_ms_p95=%.2f work_ms_max=%.2f train_ms_mean=%.2f heat_ms_mean=%.2f inspect_ms_mean=%.2f draw_ms_mean=%.2f draw_ms_p95=%.2f frame_ms_mean=%.2f frame_ms_p95=%.2f frame_ms_max=%.2f heat_renders=%d fps=%.1f",
		frame+1, s.lab.Steps(), s.playing, s.lab.P.Speed, len(s.lab.Panels), s.lab.Train.N(), s.lab.P.Shares, grid, wm, wp, wx,
		t.train/n, t.heat/n, t.inspect/n, dm, dp, fm, fp, fx, t.heats, ebiten.ActualFPS())
	undrawn, last := t.undrawn, t.frame[len(t.frame)-1]
	*t = frameTimer{every: t.every, work: t.work[:0], frame: t.frame[:0], draw: t.draw[:0]}
	if undrawn { // the frame just done is drawn after the summary: its frame time counts in the next one
		t.frame = append(t.frame, last)
		t.undrawn = true
	}
}
