//go:build torch

package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/torchnet"
)

// Options controls a Train call beyond its Config.
type Options struct {
	// Resume continues from Out/last.ckpt when it exists.
	Resume bool
	// Progress receives the progress bar (nil: none).
	Progress io.Writer
	// Log receives one line per epoch (nil: none).
	Log io.Writer
	// StopAfterSteps stops the run like Ctrl-C after this many batches in
	// this call (0: never); tests use it to kill a run at a chosen point.
	StopAfterSteps int
}

// ErrInterrupted is returned (wrapped) when the context is cancelled or
// StopAfterSteps is reached; the state was saved to last.ckpt first.
var ErrInterrupted = errors.New("interrupted")

// Train runs (or resumes) one training run described by c, writing
// config.yaml, metrics.csv, last.ckpt and best.ckpt into c.Out.
func Train(ctx context.Context, c Config, o Options) error {
	if err := c.Validate(); err != nil {
		return err
	}
	lastPath := filepath.Join(c.Out, LastFile)
	metricsPath := filepath.Join(c.Out, MetricsFile)
	resuming := false
	if _, err := os.Stat(lastPath); err == nil {
		if !o.Resume {
			return fmt.Errorf("%s already holds a run (%s): use --resume to continue it or choose another --out", c.Out, LastFile)
		}
		if err := CheckResume(c); err != nil {
			return err
		}
		resuming = true
	}

	train, test, noisy, flipped, err := LoadData(c)
	if err != nil {
		return err
	}
	aug := dataset.Augment{}
	if c.Augment {
		aug.Pad, aug.Flip = 4, true
		if train.H < 32 {
			aug.Pad = 2
		}
	}

	// Model, backend, method.
	dev, err := torchnet.ParseDevice(c.Device)
	if err != nil {
		return err
	}
	threads := torchnet.SetThreads(c.Threads)
	if c.Threads > threads && o.Log != nil {
		fmt.Fprintf(o.Log, "note: threads %d capped at the %d CPUs of this machine\n", c.Threads, threads)
	}
	spec := torchnet.Spec{Arch: c.Model, Norm: c.Norm, Width: c.Width, InC: train.C, H: train.H, W: train.W, K: train.K}
	net, err := torchnet.NewNet(spec, dev)
	if err != nil {
		return err
	}
	c.Model, c.Norm, c.Width = net.Spec.Arch, net.Spec.Norm, net.Spec.Width
	opt, err := torchnet.NewOptimizer(c.Method, optim.Hyper{Rho: c.Rho, GammaAct: c.GammaAct, GammaLast: c.GammaLast},
		optim.Update[torchnet.Vec]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay})
	if err != nil {
		return err
	}
	defer torchnet.DropOptimizer(opt)
	upd := &opt.Update
	b := torchnet.NewBackend(net)
	defer b.Close()
	b.ChunkSize = c.Chunk
	if c.PerExample() {
		if err := b.CheckChunk(); err != nil {
			return err
		}
	}
	w := net.Init(c.Seed)
	defer w.Drop()

	st := State{Method: c.Method, Model: c.Model}
	var rows []Row
	if resuming {
		var p, mom, bufs []float32
		st, p, mom, bufs, err = LoadCheckpoint(lastPath)
		if err != nil {
			return err
		}
		if st.Method != c.Method || st.Model != c.Model {
			return fmt.Errorf("%s was written by %s/%s, config says %s/%s", lastPath, st.Method, st.Model, c.Method, c.Model)
		}
		if c.Chunk == 0 && st.Chunk > 0 {
			// The automatic chunk depends on the memory available; resume
			// with the one the run used, so that the float sums (and the
			// trajectory) are the same.
			b.ChunkSize = st.Chunk
		}
		if err := w.Load(p); err != nil {
			return fmt.Errorf("%s: %w", lastPath, err)
		}
		if err := net.Buffers.Load(bufs); err != nil {
			return fmt.Errorf("%s: %w", lastPath, err)
		}
		if len(mom) > 0 {
			v := b.NewVec()
			if err := v.Load(mom); err != nil {
				return fmt.Errorf("%s: %w", lastPath, err)
			}
			upd.SetBuffer(v)
		}
		if rows, err = ReadMetrics(metricsPath); err != nil && !os.IsNotExist(err) {
			return err
		}
		if len(rows) > st.Epoch { // metrics written after the checkpoint we resume from
			rows = rows[:st.Epoch]
		}
	}
	if resuming && st.Epoch >= c.Epochs {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%s: the run already finished its %d epochs (best test accuracy %.2f%% at epoch %d); raise --epochs to continue it\n",
				c.Out, st.Epoch, 100*st.BestTestAcc, st.BestEpoch)
		}
		return nil
	}
	// Everything is checked and loaded: only now does the run write.
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	if err := WriteConfig(filepath.Join(c.Out, ConfigFile), c); err != nil {
		return err
	}
	if err := WriteMetrics(metricsPath, rows); err != nil {
		return err
	}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "%s %s/%s on %s (%d threads): %d train (%d flipped), %d test, %d parameters\n",
			c.Method, c.Model, c.Norm, torchnet.DeviceName(dev), threads, train.N, data.FlipCount(train.N, c.Noise), test.N, w.Numel())
		if c.PerExample() {
			fmt.Fprintf(o.Log, "per-example passes in chunks of %d examples (about %.0f MB each)\n",
				min(b.Chunk(), c.Batch), float64(int64(min(b.Chunk(), c.Batch))*b.ExampleBytes())/1e6)
			if c.Norm == "bn" {
				fmt.Fprintln(o.Log, "note: with BatchNorm each per-example pass normalises an example by its own statistics; the paper uses LayerNorm (--norm ln)")
			}
		}
	}

	save := func(path string) error {
		if c.PerExample() {
			st.Chunk = min(b.Chunk(), c.Batch)
		}
		var mom []float32
		if v, ok := upd.Buffer(); ok {
			mom = v.Flatten()
		}
		return SaveCheckpoint(path, st, w.Flatten(), mom, net.Buffers.Flatten())
	}

	n, sz := train.N, train.ImageSize()
	steps := (n + c.Batch - 1) / c.Batch
	xbuf := make([]float32, c.Batch*sz)
	labels := make([]int, c.Batch)
	done := 0
	for st.Epoch < c.Epochs {
		epoch := st.Epoch
		perm := rand.New(rand.NewPCG(c.Seed, 0xE90C0000+uint64(epoch))).Perm(n)
		var bar *progressbar.ProgressBar
		if o.Progress != nil {
			bar = progressbar.NewOptions(steps, progressbar.OptionSetWriter(o.Progress),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch+1, c.Epochs)),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(20), progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(200*time.Millisecond))
			bar.Set(st.Step)
		}
		start := time.Now()
		for st.Step < steps {
			if ctx.Err() != nil || (o.StopAfterSteps > 0 && done >= o.StopAfterSteps) {
				st.Seconds += time.Since(start).Seconds()
				if err := save(lastPath); err != nil {
					return err
				}
				return fmt.Errorf("%w at epoch %d, batch %d/%d: state saved to %s; continue with --resume", ErrInterrupted, epoch+1, st.Step, steps, lastPath)
			}
			lo := st.Step * c.Batch
			hi := min(lo+c.Batch, n)
			idx := perm[lo:hi]
			for k, i := range idx {
				labels[k] = noisy[i]
			}
			x := xbuf[:len(idx)*sz]
			rng := rand.New(rand.NewPCG(c.Seed^0xA06, uint64(epoch)<<32|uint64(st.Step)))
			train.Batch(x, idx, aug, rng)
			b.SetBatch(x, labels[:len(idx)])
			if c.PerExample() {
				b.UpdateRunningStats(w)
			}
			loss := opt.Step(b, w, b.Batch())
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fmt.Errorf("loss is %g at epoch %d, batch %d: stopped; the last good checkpoint is %s (try a smaller lr or rho)", loss, epoch+1, st.Step+1, lastPath)
			}
			st.LossSum += loss
			st.LossCount++
			st.Images += len(idx)
			st.Step++
			done++
			if bar != nil {
				el := st.Seconds + time.Since(start).Seconds()
				acc := ""
				if len(rows) > 0 {
					acc = fmt.Sprintf(" test acc %.2f%% (epoch %d)", 100*rows[len(rows)-1].TestAcc, len(rows))
				}
				bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f%s %.1f img/s", epoch+1, c.Epochs, st.LossSum/float64(st.LossCount), acc, float64(st.Images)/el))
				bar.Set(st.Step)
			}
		}
		st.Seconds += time.Since(start).Seconds()
		if bar != nil {
			bar.Finish()
		}
		if !w.Finite() {
			return fmt.Errorf("weights are not finite after epoch %d: stopped; the last good checkpoint is %s (try a smaller lr or rho)", epoch+1, lastPath)
		}
		row := Row{Epoch: epoch + 1, Loss: st.LossSum / float64(st.LossCount), Seconds: st.Seconds, ImagesPerSec: float64(st.Images) / st.Seconds}
		row.TestAcc = accuracy(b, w, test, test.Labels, nil, false)
		ev := train.Subset(c.EvalTrain)
		row.TrainAcc = accuracy(b, w, ev, noisy, nil, false)
		row.CleanAcc = accuracy(b, w, ev, noisy, flipped, false)
		row.FlippedAcc = accuracy(b, w, ev, noisy, flipped, true)
		st.Epoch, st.Step, st.LossSum, st.LossCount, st.Seconds, st.Images = epoch+1, 0, 0, 0, 0, 0
		if row.TestAcc > st.BestTestAcc || st.BestEpoch == 0 {
			st.BestTestAcc, st.BestEpoch = row.TestAcc, epoch+1
			if err := save(filepath.Join(c.Out, BestFile)); err != nil {
				return err
			}
		}
		row.BestTestAcc, row.BestEpoch = st.BestTestAcc, st.BestEpoch
		rows = append(rows, row)
		if err := WriteMetrics(metricsPath, rows); err != nil {
			return err
		}
		if err := save(lastPath); err != nil {
			return err
		}
		if o.Log != nil {
			fmt.Fprintf(o.Log, "epoch %d: loss %.4f test %.4f train %.4f clean %.4f flipped %.4f best %.4f@%d %.1fs %.0f img/s\n",
				row.Epoch, row.Loss, row.TestAcc, row.TrainAcc, row.CleanAcc, row.FlippedAcc, row.BestTestAcc, row.BestEpoch, row.Seconds, row.ImagesPerSec)
		}
	}
	return nil
}

// accuracy evaluates w (BatchNorm in eval mode) on s against labels. With
// mask non-nil only examples with mask[i] == want count. An empty selection
// gives 0.
func accuracy(b *torchnet.Backend, w torchnet.Vec, s *dataset.Set, labels []int, mask []bool, want bool) float64 {
	const eb = 500
	sz := s.ImageSize()
	x := make([]float32, eb*sz)
	var idx []int
	right, total := 0, 0
	flush := func() {
		if len(idx) == 0 {
			return
		}
		s.Batch(x[:len(idx)*sz], idx, dataset.Augment{}, nil)
		pred := b.Predict(w, x[:len(idx)*sz], len(idx))
		for k, i := range idx {
			if pred[k] == labels[i] {
				right++
			}
		}
		total += len(idx)
		idx = idx[:0]
	}
	for i := 0; i < s.N; i++ {
		if mask != nil && mask[i] != want {
			continue
		}
		idx = append(idx, i)
		if len(idx) == eb {
			flush()
		}
	}
	flush()
	if total == 0 {
		return 0
	}
	return float64(right) / float64(total)
}
