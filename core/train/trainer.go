package train

import (
	"github.com/samlab/samlab/core/internal/errf"
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
	// RecordEvery is the metric interval in steps (0: every 10 steps).
	RecordEvery int `yaml:"record_every" json:"record_every"`
}

// Validate reports the first invalid value, naming it.
func (c Config) Validate() error {
	if _, err := optim.Canonical(c.Method); err != nil {
		return err
	}
	u := optim.Update[[]float64]{LR: c.LR, Momentum: c.Momentum, WeightDecay: c.WeightDecay}
	if err := u.Validate(); err != nil {
		return err
	}
	switch {
	case c.Rho < 0 || math.IsNaN(c.Rho):
		return errf.Errorf("rho must be >= 0 (got %g)", c.Rho)
	case c.GammaAct < 0 || c.GammaLast < 0:
		return errf.Errorf("gamma_act and gamma_last must be >= 0 (got %g, %g)", c.GammaAct, c.GammaLast)
	case c.Batch < 0:
		return errf.Errorf("batch must be >= 0, 0 meaning full batch (got %d)", c.Batch)
	case c.Steps < 0:
		return errf.Errorf("steps must be >= 0 (got %d)", c.Steps)
	case c.RecordEvery < 0:
		return errf.Errorf("record_every must be >= 0 (got %d)", c.RecordEvery)
	}
	return nil
}

// Canceler is the part of a context.Context a long run watches: any
// context.Context is one. Core takes this instead of importing package
// context, which on js/wasm pulls in syscall/js.
type Canceler interface {
	Done() <-chan struct{}
	Err() error
}

// DivergedError reports a run whose loss or weights became NaN or Inf.
type DivergedError struct {
	Step int
	Loss float64
}

func (e *DivergedError) Error() string {
	return errf.Sprintf("training diverged at step %d (loss %v): lower the learning rate or rho", e.Step, e.Loss)
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

	backend *Toy
	method  optim.Method[[]float64, *Examples]
	upd     optim.Update[[]float64]
	g       []float64
	rng     *rand.Rand
	order   []int
	pos     int
	batch   []int
	step    int
	best    float64
	bestAt  int
	eval    evaluator
}

// New returns a trainer starting from weights w0 (copied; nil draws a
// random initialisation from seed). The seed also drives minibatch order.
func New(net *model.Net, train, test *data.Dataset, w0 []float64, cfg Config, seed uint64) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := train.Validate(); err != nil {
		return nil, errf.Errorf("train set: %w", err)
	}
	if err := test.Validate(); err != nil {
		return nil, errf.Errorf("test set: %w", err)
	}
	if train.D != net.In {
		return nil, errf.Errorf("model input %d does not match data dimension %d", net.In, train.D)
	}
	wantOut := train.K
	if train.K == 2 {
		wantOut = 1
	}
	if net.Out != wantOut && !(train.K == 2 && net.Out == 2) {
		return nil, errf.Errorf("model has %d outputs for %d classes", net.Out, train.K)
	}
	m, err := Method(cfg.Method, cfg.Hyper)
	if err != nil {
		return nil, err
	}
	t := &Trainer{
		Net: net, Train: train, Test: test, Config: cfg,
		method: m, rng: rand.New(rand.NewPCG(seed, 0xba7c4)),
		upd:  optim.Update[[]float64]{LR: cfg.LR, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay},
		best: -1,
	}
	t.backend = NewToy(net, train)
	t.W = t.backend.NewVec()
	t.g = t.backend.NewVec()
	if w0 != nil {
		if len(w0) != net.NumParams() {
			return nil, errf.Errorf("initial weights have %d values, model needs %d", len(w0), net.NumParams())
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
		return errf.Errorf("new training set has D=%d K=%d, want D=%d K=%d", d.D, d.K, t.Train.D, t.Train.K)
	}
	t.Train = d
	t.backend.Data = d
	t.resetOrder()
	return nil
}

// Method returns the method's name.
func (t *Trainer) Method() string { return t.method.Name() }

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

// Step takes one optimizer step. It returns a *DivergedError if the loss or
// the weights are no longer finite (the weights are then left as they are).
func (t *Trainer) Step() error {
	batch := t.nextBatch()
	loss := t.method.Direction(t.backend, t.g, t.W, batch)
	t.upd.Apply(t.backend, t.W, t.g)
	t.step++
	if math.IsNaN(loss) || math.IsInf(loss, 0) || !finite(t.W) {
		return &DivergedError{Step: t.step, Loss: loss}
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

// Run trains until Config.Steps steps, calling record (if not nil) with the
// metrics at step 0 (when starting fresh), every RecordEvery steps and at
// the last step. It returns all recorded metrics. It stops early on ctx's
// cancellation (returning ctx.Err()), on divergence, or on record's error.
func (t *Trainer) Run(ctx Canceler, record func(Metrics) error) ([]Metrics, error) {
	every := t.Config.RecordEvery
	if every == 0 {
		every = 10
	}
	var hist []Metrics
	emit := func() error {
		m := t.Evaluate()
		hist = append(hist, m)
		if record != nil {
			return record(m)
		}
		return nil
	}
	if t.step == 0 {
		if err := emit(); err != nil {
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
		if t.step%every == 0 || t.step == t.Config.Steps {
			if err := emit(); err != nil {
				return hist, err
			}
		}
	}
	return hist, nil
}
