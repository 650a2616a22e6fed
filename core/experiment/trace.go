package experiment

import (
	"context"

	"github.com/samlab/samlab/core/train"
)

// TraceSchema names the trace format; docs/toy.md ("Trace format") documents
// it.
const TraceSchema = "samlab-trace/1"

// Trace is one run, complete enough to replay in another framework.
type Trace struct {
	Schema string      `json:"schema"`
	Model  TraceModel  `json:"model"`
	Method string      `json:"method"`
	Seed   uint64      `json:"seed"`
	Hyper  TraceHyper  `json:"hyper"`
	Loss   string      `json:"loss"`
	Noise  TraceNoise  `json:"noise"`
	Train  TraceData   `json:"train"`
	Test   TraceData   `json:"test"`
	Steps  []TraceStep `json:"steps"`
}

// TraceModel describes the network and the flat parameter layout.
type TraceModel struct {
	Kind       string       `json:"kind"`
	Sizes      []int        `json:"sizes"`
	Activation string       `json:"activation"`
	Bias       bool         `json:"bias"`
	NumParams  int          `json:"num_params"`
	Layers     []TraceLayer `json:"layers"`
}

// TraceLayer locates one layer's weights (out x in, row-major) and bias
// (bias_offset -1: none) in the parameter vector.
type TraceLayer struct {
	In           int `json:"in"`
	Out          int `json:"out"`
	WeightOffset int `json:"weight_offset"`
	BiasOffset   int `json:"bias_offset"`
}

// TraceHyper holds every training setting of the run.
type TraceHyper struct {
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	Rho         float64 `json:"rho"`
	GammaAct    float64 `json:"gamma_act"`
	GammaLast   float64 `json:"gamma_last"`
	Batch       int     `json:"batch"`
	Steps       int     `json:"steps"`
	RecordEvery int     `json:"record_every"`
}

// TraceNoise records the label-noise setting.
type TraceNoise struct {
	Rate       float64 `json:"rate"`
	Convention string  `json:"convention"`
}

// TraceData is a dataset: x (n rows of d), labels as trained, clean labels
// and the flipped mask.
type TraceData struct {
	X           [][]float64 `json:"x"`
	Labels      []int       `json:"labels"`
	CleanLabels []int       `json:"clean_labels"`
	Flipped     []bool      `json:"flipped"`
}

// TraceStep is the parameter vector after Step steps, with headline metrics.
type TraceStep struct {
	Step       int       `json:"step"`
	Loss       Num       `json:"loss"`
	TestAcc    Num       `json:"test_acc"`
	CleanAcc   Num       `json:"clean_acc"`
	FlippedAcc Num       `json:"flipped_acc"`
	Params     []float64 `json:"params"`
}

// NewTrace runs method on seed of c and records the trace.
func NewTrace(ctx context.Context, c *Config, method string, seed uint64) (*Trace, error) {
	s, err := c.Build(seed)
	if err != nil {
		return nil, err
	}
	tr, err := c.Trainer(s, method)
	if err != nil {
		return nil, err
	}
	rc := c.RunConfig(method)
	n := s.Net
	t := &Trace{
		Schema: TraceSchema, Method: method, Seed: seed,
		Hyper: TraceHyper{LR: rc.LR, Momentum: rc.Momentum, WeightDecay: rc.WeightDecay, Rho: rc.Rho,
			GammaAct: rc.GammaAct, GammaLast: rc.GammaLast, Batch: rc.Batch, Steps: rc.Steps, RecordEvery: rc.RecordEvery},
		Noise: TraceNoise{Rate: c.Data.Noise, Convention: c.NoiseConvention},
		Train: traceData(s.Train.X, s.Train.D, s.Train.Y, s.Train.Clean, s.Train.Flipped),
		Test:  traceData(s.Test.X, s.Test.D, s.Test.Y, s.Test.Clean, s.Test.Flipped),
	}
	t.Loss = "softmax cross-entropy over out logits; labels are class indices"
	if n.Out == 1 {
		t.Loss = "logistic: log(1+exp(f)) - t*f with t = label in {0,1}"
	}
	t.Model = TraceModel{Kind: c.Model.Kind, Activation: n.Act.String(), Bias: n.Bias, NumParams: n.NumParams()}
	t.Model.Sizes = append(append([]int{n.In}, n.Hidden...), n.Out)
	for l := 0; l < n.NumLayers(); l++ {
		ly := n.Layer(l)
		t.Model.Layers = append(t.Model.Layers, TraceLayer{In: ly.In, Out: ly.Out, WeightOffset: ly.WeightOffset, BiasOffset: ly.BiasOffset})
	}
	_, err = tr.Run(ctx, train.RecorderFunc(func(m train.Metrics) error {
		t.Steps = append(t.Steps, TraceStep{Step: m.Step, Loss: Num(m.Loss), TestAcc: Num(m.TestAcc), CleanAcc: Num(m.CleanAcc),
			FlippedAcc: Num(m.FlippedAcc), Params: append([]float64(nil), tr.W...)})
		return nil
	}))
	return t, err
}

func traceData(x []float64, d int, y, clean []int, flipped []bool) TraceData {
	td := TraceData{Labels: y, CleanLabels: clean, Flipped: flipped}
	for i := 0; i < len(y); i++ {
		td.X = append(td.X, x[i*d:(i+1)*d])
	}
	return td
}
