//go:build torch

package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/native/dataset"
	"github.com/samlab/samlab/native/torchnet"
)

// run is one training run in progress: its config and options, the data,
// the model, backend and optimizer, the state of the loop, and the
// recorders each finished epoch goes to.
type run struct {
	c Config
	o Options

	train, test *dataset.Set
	noisy       []int
	flipped     []bool
	aug         dataset.Augment

	threads int
	net     *torchnet.Net
	b       *torchnet.Backend
	opt     *optim.Optimizer[torchnet.Vec, *torchnet.Examples]
	w       torchnet.Vec

	st        State
	rows      []Row // metrics.csv's rows so far (those of a resumed run first)
	lastPath  string
	id        *Identity // the run's identity, recorded in its checkpoints
	done      int       // batches trained in this call (StopAfterSteps)
	recorders []Recorder
}

// open validates c, checks that a run in c.Out may be resumed, and loads
// the data, the model, the optimizer and (on resume) the checkpoint and the
// metrics so far. It writes nothing.
func open(c Config, o Options) (_ *run, err error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r := &run{c: c, o: o, lastPath: filepath.Join(c.Out, LastFile)}
	resuming := false
	if _, err := os.Stat(r.lastPath); err == nil {
		if !o.Resume {
			return nil, fmt.Errorf("%s already holds a run (%s): use --resume to continue it or choose another --out", c.Out, LastFile)
		}
		if err := CheckResume(c); err != nil {
			return nil, err
		}
		resuming = true
	}

	if r.train, r.test, r.noisy, r.flipped, err = LoadData(c); err != nil {
		return nil, err
	}
	r.id = RunIdentity(c, DataFingerprint(r.train, r.test))
	if c.Augment {
		r.aug.Pad, r.aug.Flip = 4, true
		if r.train.H < 32 {
			r.aug.Pad = 2
		}
	}

	// Model, backend, method.
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	dev, err := torchnet.ParseDevice(c.Device)
	if err != nil {
		return nil, err
	}
	r.threads = torchnet.SetThreads(c.Threads)
	if c.Threads > r.threads && o.Log != nil {
		fmt.Fprintf(o.Log, "note: threads %d capped at the %d CPUs of this machine\n", c.Threads, r.threads)
	}
	spec := torchnet.Spec{Arch: c.Model, Norm: c.Norm, Width: c.Width, InC: r.train.C, H: r.train.H, W: r.train.W, K: r.train.K}
	if r.net, err = torchnet.NewNet(spec, dev); err != nil {
		return nil, err
	}
	r.c.Model, r.c.Norm, r.c.Width = r.net.Spec.Arch, r.net.Spec.Norm, r.net.Spec.Width
	r.opt, err = torchnet.NewOptimizer(c.Method, optim.Hyper{Rho: c.Rho, GammaAct: c.GammaAct, GammaLast: c.GammaLast},
		optim.Update[torchnet.Vec]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay})
	if err != nil {
		return nil, err
	}
	r.b = torchnet.NewBackend(r.net)
	r.b.ChunkSize = c.Chunk
	if c.PerExample() {
		if err := r.b.CheckChunk(); err != nil {
			return nil, err
		}
	}
	r.w = r.net.Init(c.Seed)

	r.st = State{Method: r.c.Method, Model: r.c.Model, Run: r.id}
	if resuming {
		if err := r.resume(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// resume loads last.ckpt into the run and keeps the metrics.csv rows it
// covers.
func (r *run) resume() error {
	c, path := r.c, r.lastPath
	st, p, mom, bufs, err := LoadCheckpoint(path)
	if err != nil {
		return err
	}
	if st.Method != c.Method || st.Model != c.Model {
		return fmt.Errorf("%s was written by %s/%s, config says %s/%s", path, st.Method, st.Model, c.Method, c.Model)
	}
	if st.Run != nil {
		if diff := st.Run.Diff(r.id); len(diff) > 0 {
			return fmt.Errorf("%s belongs to another run: it was written with %s; put this run's last.ckpt back, or delete it to start over", path, strings.Join(diff, "; "))
		}
	}
	st.Run = r.id // an older checkpoint continues as format 3
	r.st = st
	if c.Chunk == 0 && st.Chunk > 0 {
		// The automatic chunk depends on the memory available; resume
		// with the one the run used, so that the float sums (and the
		// trajectory) are the same.
		r.b.ChunkSize = st.Chunk
	}
	if err := r.w.Load(p); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := r.net.Buffers.Load(bufs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(mom) > 0 {
		v := r.b.NewVec()
		if err := v.Load(mom); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		r.opt.Update.SetBuffer(v)
	}
	if r.rows, err = ReadMetrics(filepath.Join(c.Out, MetricsFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(r.rows) < st.Epoch { // metrics.csv would get a gap
		return fmt.Errorf("%s is at epoch %d but %s holds %d epochs: it is not this run's checkpoint; put this run's last.ckpt back, or delete it to start over", path, st.Epoch, MetricsFile, len(r.rows))
	}
	if len(r.rows) > st.Epoch { // metrics written after the checkpoint we resume from
		r.rows = r.rows[:st.Epoch]
	}
	return nil
}

// finished reports (and logs) a resumed run that already trained all its
// epochs.
func (r *run) finished() bool {
	if r.st.Epoch < r.c.Epochs {
		return false
	}
	if r.o.Log != nil {
		fmt.Fprintf(r.o.Log, "%s: the run already finished its %d epochs (best test accuracy %.2f%% at epoch %d); raise --epochs to continue it\n",
			r.c.Out, r.st.Epoch, 100*r.st.BestTestAcc, r.st.BestEpoch)
	}
	return true
}

// start writes config.yaml and metrics.csv (the rows so far): everything
// is checked and loaded, so only now does the run write. It logs what
// trains and sets up the recorders.
func (r *run) start() error {
	c := r.c
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return fmt.Errorf("cannot create output folder %s: %w", c.Out, err)
	}
	if err := WriteConfig(filepath.Join(c.Out, ConfigFile), c); err != nil {
		return err
	}
	metrics := &metricsFile{path: filepath.Join(c.Out, MetricsFile), rows: slices.Clone(r.rows)}
	if err := metrics.write(); err != nil {
		return err
	}
	if log := r.o.Log; log != nil {
		fmt.Fprintf(log, "%s %s/%s on %s (%d threads): %d train (%d flipped), %d test, %d parameters\n",
			c.Method, c.Model, c.Norm, torchnet.DeviceName(r.net.Device), r.threads, r.train.N, data.FlipCount(r.train.N, c.Noise), r.test.N, r.w.Numel())
		if c.PerExample() {
			chunk := min(r.b.Chunk(), c.Batch)
			fmt.Fprintf(log, "per-example passes in chunks of %d examples (about %.0f MB each)\n",
				chunk, float64(int64(chunk)*r.b.ExampleBytes())/1e6)
			if c.Norm == "bn" {
				fmt.Fprintln(log, "note: with BatchNorm each per-example pass normalises an example by its own statistics; the paper uses LayerNorm (--norm ln)")
			}
		}
	}
	r.recorders = []Recorder{
		bestCheckpoint{r, filepath.Join(c.Out, BestFile)},
		metrics,
		RecorderFunc(func(Row) error { return r.save(r.lastPath) }),
		logLine{r.o.Log},
	}
	if r.o.Recorder != nil {
		r.recorders = append(r.recorders, r.o.Recorder)
	}
	return nil
}

// record hands an epoch's metrics to the recorders, in order: best.ckpt,
// metrics.csv, last.ckpt, the log line, Options.Recorder.
func (r *run) record(row Row) error {
	r.rows = append(r.rows, row)
	for _, rec := range r.recorders {
		if err := rec.Record(row); err != nil {
			return err
		}
	}
	return nil
}

// save writes the run's state, weights, momentum and BatchNorm buffers to
// path.
func (r *run) save(path string) error {
	if r.c.PerExample() {
		r.st.Chunk = min(r.b.Chunk(), r.c.Batch)
	}
	var mom []float32
	if v, ok := r.opt.Update.Buffer(); ok {
		mom = v.Flatten()
	}
	return SaveCheckpoint(path, r.st, r.w.Flatten(), mom, r.net.Buffers.Flatten())
}

// close frees the run's tensors.
func (r *run) close() {
	if r.w != nil {
		r.w.Drop()
	}
	if r.b != nil {
		r.b.Close()
	}
	if r.opt != nil {
		torchnet.DropOptimizer(r.opt)
	}
}
