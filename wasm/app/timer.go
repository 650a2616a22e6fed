package app

import (
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// frameTimer measures the work of every frame (training and heat maps;
// fast-forward frames are left out) and logs a summary every few frames.
type frameTimer struct {
	every int // frames between log lines (negative: never)

	work        []float64 // ms per frame: training + heat maps
	train, heat float64   // ms in all
	steps       int
	heats       int
	frames      int
}

// add records one frame: its training and heat-map time, the training
// steps and heat-map renders it did.
func (t *frameTimer) add(train, heat time.Duration, steps, heats int) {
	tr, ht := train.Seconds()*1e3, heat.Seconds()*1e3
	t.work = append(t.work, tr+ht)
	t.train += tr
	t.heat += ht
	t.steps += steps
	t.heats += heats
	t.frames++
}

// due reports whether a summary is due after frame (counted from 0).
func (t *frameTimer) due(frame int) bool {
	return t.every > 0 && (frame+1)%t.every == 0
}

// flush logs the frames since the last summary, then starts a new one;
// frame is the frame just done, grid the heat-map grid size.
func (t *frameTimer) flush(l *logger, frame int, s *session, grid int) {
	if t.frames == 0 {
		return
	}
	w := slices.Clone(t.work)
	slices.Sort(w)
	mean := 0.0
	for _, x := range w {
		mean += x
	}
	mean /= float64(len(w))
	p95 := w[min(len(w)-1, int(0.95*float64(len(w))))]
	l.logf("perf frame=%d step=%d playing=%t speed=%d panels=%d grid=%d work_ms_mean=%.2f work_ms_p95=%.2f work_ms_max=%.2f train_ms_mean=%.2f heat_ms_mean=%.2f heat_renders=%d fps=%.1f",
		frame+1, s.lab.Steps(), s.playing, s.lab.P.Speed, len(s.lab.Panels), grid, mean, p95, w[len(w)-1],
		t.train/float64(t.frames), t.heat/float64(t.frames), t.heats, ebiten.ActualFPS())
	*t = frameTimer{every: t.every, work: t.work[:0]}
}
