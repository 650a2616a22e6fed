package experiment

import (
	"testing"

	"github.com/samlab/samlab/core/train"
)

// BenchmarkFrame is the training work of one browser-demo frame on a
// preset's first seed: one SGD step and one 1-SAM step, each trainer
// recording its metrics every 5 steps (wasm/sim at one step a frame). Run
// it natively and as wasm (GOOS=js GOARCH=wasm with Go's lib/wasm on PATH)
// to compare a scene's cost with the demo's (docs/web.md, "The default
// scene, measured").
func BenchmarkFrame(b *testing.B) {
	for _, name := range []string{"demo", "noisyplane"} {
		b.Run(name, func(b *testing.B) {
			c, err := Preset(name)
			if err != nil {
				b.Fatal(err)
			}
			s, err := c.Build(c.FirstSeed)
			if err != nil {
				b.Fatal(err)
			}
			var ts []*train.Trainer
			for _, m := range []string{"sgd", "1sam"} {
				t, err := c.Trainer(s, m)
				if err != nil {
					b.Fatal(err)
				}
				t.Recorder = train.RecorderFunc(func(train.Metrics) error { return nil })
				t.SetRecordEvery(5)
				ts = append(ts, t)
			}
			b.ResetTimer()
			for range b.N {
				for _, t := range ts {
					if err := t.Step(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
