package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
)

// Config is one training run's settings. Batch 0 means full batch.
type Config struct {
	Method      string  `yaml:"method,omitempty" json:"method,omitempty"`
	LR          float64 `yaml:"lr" json:"lr"`
	Momentum    float64 `yaml:"momentum" json:"momentum"`
	WeightDecay float64 `yaml:"weight_decay" json:"weight_decay"`
	optim.Hyper `yaml:",inline" json:",inline"`
	Batch       int `yaml:"batch" json:"batch"`
	Steps       int `yaml:"steps" json:"steps"`
	// RecordEvery is the metric interval in steps (0: DefaultRecordEvery).
	RecordEvery int `yaml:"record_every" json:"record_every"`
}

// DefaultRecordEvery is the metric interval when Config.RecordEvery is 0.
const DefaultRecordEvery = 10

// Every returns the metric interval in steps: RecordEvery, or
// DefaultRecordEvery when it is 0.
func (c Config) Every() int {
	if c.RecordEvery > 0 {
		return c.RecordEvery
	}
	return DefaultRecordEvery
}

// Recorder observes a training run, as gonum's optimize.Recorder does: the
// Trainer calls Record with the metrics it measures (see Trainer.Step and
// Trainer.Run). An error from Record stops the run.
type Recorder interface {
	Record(m Metrics) error
}

// RecorderFunc adapts a function to a Recorder.
type RecorderFunc func(Metrics) error

// Record calls f(m).
func (f RecorderFunc) Record(m Metrics) error { return f(m) }

// Validate reports every invalid value, naming each, one per line
// (errors.Join).
func (c Config) Validate() error {
	var errs []error
	if _, err := optim.Canonical(c.Method); err != nil {
		errs = append(errs, err)
	}
	u := optim.Update[[]float64]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay}
	if err := u.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Hyper.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Batch < 0 {
		errs = append(errs, fmt.Errorf("batch must be >= 0, 0 meaning full batch (got %d)", c.Batch))
	}
	if c.Steps < 0 || c.Steps > MaxSteps {
		errs = append(errs, fmt.Errorf("steps must be in [0, %d] (got %d)", MaxSteps, c.Steps))
	}
	if c.RecordEvery < 0 {
		errs = append(errs, fmt.Errorf("record_every must be >= 0 (got %d)", c.RecordEvery))
	}
	return errors.Join(errs...)
}

// MaxSteps bounds Config.Steps.
const MaxSteps = 10_000_000

// DivergedError reports a run whose loss or weights became NaN or Inf.
type DivergedError struct {
	Step int
	Loss float64
}

// Error says at which step the run diverged and what to change.
func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged at step %d (loss %v): lower the learning rate or rho", e.Step, e.Loss)
}

// Trainer trains one network with one method. Drive it with Step (a UI,
// one step at a time) or Run (to the end). It is not safe for concurrent use.
type Trainer struct {
	Net   *model.Net
	Train *data.Dataset
	Test  *data.Dataset
	// W is the current parameter vector (read it, do not resize it).
	W      []float64
	Config Config
	// Recorder, if not nil, receives the metrics every Config.Every()
	// steps (and those of Record and Run).
	Recorder Recorder

	backend *Toy
	opt     *optim.Optimizer[[]float64, *Examples]
	rng     *rand.Rand
	order   []int
	pos     int
	step    int
	best    float64
	bestAt  int
	// recorded is the step of the last recorded metrics (-1: none).
	recorded int
	// last is the batch of the last step; contrib scratch for Shares.
	last    []int
	contrib []float64
	eval    evaluator
}

// New returns a trainer starting from weights w0 (copied; nil draws a
// random initialisation from seed). The seed also drives minibatch order.
func New(net *model.Net, train, test *data.Dataset, w0 []float64, cfg Config, seed uint64) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := train.Validate(); err != nil {
		return nil, fmt.Errorf("train set: %w", err)
	}
	if err := test.Validate(); err != nil {
		return nil, fmt.Errorf("test set: %w", err)
	}
	if train.D != net.In {
		return nil, fmt.Errorf("model input %d does not match data dimension %d", net.In, train.D)
	}
	wantOut := train.K
	if train.K == 2 {
		wantOut = 1
	}
	if net.Out != wantOut && !(train.K == 2 && net.Out == 2) {
		return nil, fmt.Errorf("model has %d outputs for %d classes", net.Out, train.K)
	}
	opt, err := optim.NewOptimizer[[]float64, *Examples](cfg.Method, cfg.Hyper,
		optim.Update[[]float64]{LR: cfg.LR, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay})
	if err != nil {
		return nil, err
	}
	t := &Trainer{
		Net: net, Train: train, Test: test, Config: cfg,
		opt: opt, rng: rand.New(rand.NewPCG(seed, 0xba7c4)),
		best: -1, recorded: -1,
	}
	t.backend = NewToy(net, train)
	t.W = t.backend.NewVec()
	if w0 != nil {
		if len(w0) != net.NumParams() {
			return nil, fmt.Errorf("initial weights have %d values, model needs %d", len(w0), net.NumParams())
		}
		copy(t.W, w0)
	} else {
		net.Init(t.W, rand.New(rand.NewPCG(seed, 0x1417)), 1)
	}
	t.resetOrder()
	t.eval = newEvaluator(net)
	return t, nil
}

func (t *Trainer) resetOrder() {
	n := t.Train.N()
	t.order = t.order[:0]
	for i := 0; i < n; i++ {
		t.order = append(t.order, i)
	}
	t.pos = n
}

// SetTrain replaces the training set (same dimension and classes), for a UI
// that adds points; the weights and optimizer state are kept.
func (t *Trainer) SetTrain(d *data.Dataset) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.D != t.Train.D || d.K != t.Train.K {
		return fmt.Errorf("new training set has D=%d K=%d, want D=%d K=%d", d.D, d.K, t.Train.D, t.Train.K)
	}
	t.Train = d
	t.backend.Data = d
	t.last = nil // the last step's shares belong to the old set
	t.resetOrder()
	return nil
}

// Method returns the method's name.
func (t *Trainer) Method() string { return t.opt.Name() }

// SetRecordEvery sets the metric interval in steps (see Config.Every), for
// a UI that samples less often at higher speeds.
func (t *Trainer) SetRecordEvery(n int) { t.Config.RecordEvery = n }

// Steps returns the number of steps taken.
func (t *Trainer) Steps() int { return t.step }

// Best returns the best test accuracy seen by Evaluate and its step (-1 if none yet).
func (t *Trainer) Best() (acc float64, step int) {
	if t.best < 0 {
		return 0, -1
	}
	return t.best, t.bestAt
}

func (t *Trainer) nextBatch() []int {
	n := len(t.order)
	if t.Config.Batch == 0 || t.Config.Batch >= n {
		return t.order
	}
	if t.pos+t.Config.Batch > n {
		t.rng.Shuffle(n, func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
		t.pos = 0
	}
	b := t.order[t.pos : t.pos+t.Config.Batch]
	t.pos += t.Config.Batch
	return b
}

// Step takes one optimizer step, then, when Config.Every() steps have
// passed since the last recorded metrics, measures them and passes them to
// the Recorder (if any). It returns a *DivergedError if the loss or the
// weights are no longer finite (the weights are then left as they are), or
// the Recorder's error.
func (t *Trainer) Step() error {
	t.last = t.nextBatch()
	loss := t.opt.Step(t.backend, t.W, t.last)
	t.step++
	if math.IsNaN(loss) || math.IsInf(loss, 0) || !finite(t.W) {
		return &DivergedError{Step: t.step, Loss: loss}
	}
	if t.Recorder != nil && t.step-t.recorded >= t.Config.Every() {
		return t.Record()
	}
	return nil
}

// Shares sets dst[i] (length Train.N()) to example i's share of the last
// step's update: ||g_i|| / sum_j ||g_j||, where g_i is the example's
// contribution to the direction the method took (SGD: J_i(w)^T r_i(w);
// SAM: grad l_i(w + e); 1-SAM: grad l_i(w + e_i); L-SAM: J_i(w)^T
// r_i(w + e_i); J-SAM: J_i(w + e_i)^T r_i(w); Reg-SGD: the gradient of l_i
// and its activation penalty). Examples outside the last batch get 0. It
// reads what the step's last pass left (no extra pass, no allocation once
// warm) and returns false before the first step.
func (t *Trainer) Shares(dst []float64) bool {
	contrib := t.contributions()
	if contrib == nil {
		return false
	}
	clear(dst)
	sum := 0.0
	for k, i := range t.last[:len(contrib)] {
		dst[i] = contrib[k]
		sum += contrib[k]
	}
	if sum > 0 {
		for _, i := range t.last[:len(contrib)] {
			dst[i] /= sum
		}
	}
	return true
}

// contributions returns the norms of the last step's per-example
// contributions, in the order of its batch (t.last); nil before the first
// step (t.last is nil until then, and after the training set changes).
func (t *Trainer) contributions() []float64 {
	if t.last == nil {
		return nil
	}
	if len(t.contrib) < len(t.last) {
		t.contrib = make([]float64, len(t.last))
	}
	return t.contrib[:t.backend.Contributions(t.contrib)]
}

// cleanShare returns the share of the last step's update that comes from
// clean examples; before the first step, that of the plain gradient at the
// initial weights (m's per-example gradient norms), the same for every
// method. It is 0 when every example is flipped, NaN when the update is
// zero.
func (t *Trainer) cleanShare(m Metrics) float64 {
	contrib := t.contributions()
	if contrib == nil {
		n := float64(t.Train.N())
		nf := float64(t.Train.NumFlipped())
		c, f := 0.0, 0.0
		if nf < n {
			c = m.GradNormClean * (n - nf)
		}
		if nf > 0 {
			f = m.GradNormFlipped * nf
		}
		return share(c, c+f)
	}
	clean, sum := 0.0, 0.0
	for k, i := range t.last[:len(contrib)] {
		sum += contrib[k]
		if !t.Train.Flipped[i] {
			clean += contrib[k]
		}
	}
	return share(clean, sum)
}

// share returns part/sum, the share of an update's norm, and NaN when
// sum is 0 (no update: every contribution is zero).
func share(part, sum float64) float64 {
	if sum == 0 {
		return math.NaN()
	}
	return part / sum
}

// Record measures the current weights (Evaluate) and passes the metrics to
// the Recorder (if any).
func (t *Trainer) Record() error {
	m := t.Evaluate()
	m.CleanShare = t.cleanShare(m)
	t.recorded = t.step
	if t.Recorder != nil {
		return t.Recorder.Record(m)
	}
	return nil
}

func finite(v []float64) bool {
	s := 0.0
	for _, x := range v {
		s += x * 0
	}
	return s == 0 // NaN*0 and Inf*0 are NaN
}

// Run trains until Config.Steps steps, recording the metrics at step 0
// (when starting fresh), every Config.Every() steps and at the last step:
// it passes them to rec (if not nil) and the Recorder (if any), and returns
// them all. It stops early on ctx's cancellation (returning ctx.Err()), on
// divergence, or on a recorder's error.
func (t *Trainer) Run(ctx context.Context, rec Recorder) ([]Metrics, error) {
	var hist []Metrics
	prev := t.Recorder
	t.Recorder = RecorderFunc(func(m Metrics) error {
		hist = append(hist, m)
		for _, r := range []Recorder{rec, prev} {
			if r != nil {
				if err := r.Record(m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	defer func() { t.Recorder = prev }()
	if t.step == 0 {
		if err := t.Record(); err != nil {
			return hist, err
		}
	}
	for t.step < t.Config.Steps {
		if err := ctx.Err(); err != nil {
			return hist, err
		}
		if err := t.Step(); err != nil {
			return hist, err
		}
	}
	if t.recorded != t.step {
		if err := t.Record(); err != nil {
			return hist, err
		}
	}
	return hist, nil
}
