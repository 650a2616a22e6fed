package train

import (
	"math"

	"github.com/samlab/samlab/core/data"
	"github.com/samlab/samlab/core/model"
)

// Metrics are the quantities the paper tracks, measured at one step.
// Accuracies are fractions in [0,1]; train accuracies are against the
// labels the model is trained on (so FlippedAcc is memorisation).
type Metrics struct {
	Step int `json:"step"`
	// Loss is the mean training loss on the trained labels.
	Loss     float64 `json:"loss"`
	TestLoss float64 `json:"test_loss"`
	TestAcc  float64 `json:"test_acc"`
	TrainAcc float64 `json:"train_acc"`
	// CleanAcc and FlippedAcc split TrainAcc by the flipped mask: each is
	// NaN when its set is empty ("no flipped points", "no clean points"),
	// as are that set's WeightClean/WeightFlipped and GradNorm means.
	CleanAcc   float64 `json:"clean_acc"`
	FlippedAcc float64 `json:"flipped_acc"`
	// BestTestAcc is the best TestAcc so far (early stopping) and BestStep its step.
	BestTestAcc float64 `json:"best_test_acc"`
	BestStep    int     `json:"best_step"`
	// WeightClean and WeightFlipped are the mean logit-scale weight ||r_i||
	// (sigmoid(-y_i f_i) for binary models) over clean and flipped examples.
	WeightClean   float64 `json:"weight_clean"`
	WeightFlipped float64 `json:"weight_flipped"`
	// GradNormClean and GradNormFlipped are the mean per-example gradient
	// norms ||grad l_i|| over clean and flipped examples.
	GradNormClean   float64 `json:"grad_norm_clean"`
	GradNormFlipped float64 `json:"grad_norm_flipped"`
	// LastNorm is ||W_last||_F; HiddenNorm the mean ||h_i|| over the train set.
	LastNorm   float64 `json:"last_norm"`
	HiddenNorm float64 `json:"hidden_norm"`
	// CleanShare is the share of the last step's update norm that came from
	// clean examples, sum_clean ||g_i|| / sum_i ||g_i|| (Trainer.Shares; set
	// by Trainer.Record; at step 0, that of the plain gradient at the
	// initial weights): how much the clean examples steer the update.
	CleanShare float64 `json:"clean_share"`
}

// Columns lists the CSV column names of Metrics, in Values order.
var Columns = []string{"step", "loss", "test_loss", "test_acc", "train_acc", "clean_acc", "flipped_acc", "best_test_acc", "best_step", "weight_clean", "weight_flipped", "grad_norm_clean", "grad_norm_flipped", "last_norm", "hidden_norm", "clean_share"}

// Values returns the metrics in Columns order.
func (m Metrics) Values() []float64 {
	return []float64{float64(m.Step), m.Loss, m.TestLoss, m.TestAcc, m.TrainAcc, m.CleanAcc, m.FlippedAcc, m.BestTestAcc, float64(m.BestStep), m.WeightClean, m.WeightFlipped, m.GradNormClean, m.GradNormFlipped, m.LastNorm, m.HiddenNorm, m.CleanShare}
}

// evalRows is how many examples an evaluation pass takes at once.
const evalRows = 256

type evaluator struct {
	b     *model.Batch
	r, gn []float64
	// copyRows: copy the rows into the batch (the simple path; Toy.copyRows).
	copyRows bool
}

func newEvaluator(n *model.Net) evaluator {
	return evaluator{b: n.NewBatch(evalRows), r: make([]float64, evalRows*n.Out), gn: make([]float64, evalRows)}
}

// forward runs the rows lo..hi of d through n at w in e's batch (read in
// place, with their squared norms sq when not nil) and sets e.r to their
// residuals; it returns their summed loss.
func (e *evaluator) forward(n *model.Net, w []float64, d *data.Dataset, lo, hi int, sq []float64) float64 {
	if e.copyRows {
		copy(n.SetRows(e.b, hi-lo), d.X[lo*d.D:hi*d.D])
	} else {
		if sq != nil {
			sq = sq[lo:hi]
		}
		n.UseRows(e.b, d.X[lo*d.D:hi*d.D], sq)
	}
	n.ForwardBatch(e.b, w, nil, nil)
	loss := 0.0
	for k := range hi - lo {
		loss += model.Residual(e.r[k*n.Out:(k+1)*n.Out], n.Logits(e.b, k), d.Y[lo+k])
	}
	return loss
}

// Evaluate measures the current weights on the train and test sets and
// updates the best test accuracy. It allocates nothing.
func (t *Trainer) Evaluate() Metrics {
	m := Metrics{Step: t.step}
	e := &t.eval
	net, tr := t.Net, t.Train
	var nc, nf, cc, cf float64
	for lo := 0; lo < tr.N(); lo += evalRows {
		hi := min(lo+evalRows, tr.N())
		m.Loss += e.forward(net, t.W, tr, lo, hi, t.backend.norms.of(tr))
		net.BackwardBatch(e.b, t.W, e.r, nil, nil, nil)
		net.GradNorms(e.gn, e.b)
		h := net.HiddenBatch(e.b)
		hw := len(h) / (hi - lo)
		for k := range hi - lo {
			i := lo + k
			ok := b2f(model.Predict(net.Logits(e.b, k)) == tr.Y[i])
			rn := norm(e.r[k*net.Out : (k+1)*net.Out])
			m.HiddenNorm += norm(h[k*hw : (k+1)*hw])
			if tr.Flipped[i] {
				nf++
				cf += ok
				m.WeightFlipped += rn
				m.GradNormFlipped += e.gn[k]
			} else {
				nc++
				cc += ok
				m.WeightClean += rn
				m.GradNormClean += e.gn[k]
			}
		}
	}
	n := float64(tr.N())
	m.Loss /= n
	m.HiddenNorm /= n
	m.TrainAcc = (cc + cf) / n
	m.CleanAcc, m.WeightClean, m.GradNormClean = cc/nc, m.WeightClean/nc, m.GradNormClean/nc
	m.FlippedAcc, m.WeightFlipped, m.GradNormFlipped = cf/nf, m.WeightFlipped/nf, m.GradNormFlipped/nf
	if nc == 0 {
		m.CleanAcc, m.WeightClean, m.GradNormClean = math.NaN(), math.NaN(), math.NaN()
	}
	if nf == 0 {
		m.FlippedAcc, m.WeightFlipped, m.GradNormFlipped = math.NaN(), math.NaN(), math.NaN()
	}
	m.TestAcc, m.TestLoss = e.accuracy(net, t.W, t.Test)
	m.LastNorm = norm(net.LastWeights(t.W))
	if m.TestAcc > t.best {
		t.best, t.bestAt = m.TestAcc, t.step
	}
	m.BestTestAcc, m.BestStep = t.best, t.bestAt
	return m
}

// accuracy returns the accuracy and mean loss of weights w on d.
func (e *evaluator) accuracy(n *model.Net, w []float64, d *data.Dataset) (acc, loss float64) {
	for lo := 0; lo < d.N(); lo += evalRows {
		hi := min(lo+evalRows, d.N())
		loss += e.forward(n, w, d, lo, hi, nil)
		for k := range hi - lo {
			acc += b2f(model.Predict(n.Logits(e.b, k)) == d.Y[lo+k])
		}
	}
	k := float64(d.N())
	return acc / k, loss / k
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
