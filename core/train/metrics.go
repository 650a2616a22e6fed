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
	// CleanAcc and FlippedAcc split TrainAcc by the flipped mask
	// (FlippedAcc is NaN when nothing is flipped).
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
}

// Columns lists the CSV column names of Metrics, in Values order.
var Columns = []string{"step", "loss", "test_loss", "test_acc", "train_acc", "clean_acc", "flipped_acc", "best_test_acc", "best_step", "weight_clean", "weight_flipped", "grad_norm_clean", "grad_norm_flipped", "last_norm", "hidden_norm"}

// Values returns the metrics in Columns order.
func (m Metrics) Values() []float64 {
	return []float64{float64(m.Step), m.Loss, m.TestLoss, m.TestAcc, m.TrainAcc, m.CleanAcc, m.FlippedAcc, m.BestTestAcc, float64(m.BestStep), m.WeightClean, m.WeightFlipped, m.GradNormClean, m.GradNormFlipped, m.LastNorm, m.HiddenNorm}
}

type evaluator struct {
	ws *model.Workspace
	r  []float64
}

func newEvaluator(n *model.Net) evaluator {
	return evaluator{ws: n.NewWorkspace(), r: make([]float64, n.Out)}
}

// Evaluate measures the current weights on the train and test sets and
// updates the best test accuracy. It allocates nothing.
func (t *Trainer) Evaluate() Metrics {
	m := Metrics{Step: t.step}
	e := &t.eval
	var nc, nf, cc, cf float64
	for i := 0; i < t.Train.N(); i++ {
		z := t.Net.Forward(e.ws, t.W, t.Train.Row(i))
		y := t.Train.Y[i]
		m.Loss += model.Residual(e.r, z, y)
		ok := b2f(model.Predict(z) == y)
		rn := norm(e.r)
		m.HiddenNorm += norm(t.Net.HiddenAct(e.ws))
		gn := t.Net.GradNorm(e.ws, t.W, e.r)
		if t.Train.Flipped[i] {
			nf++
			cf += ok
			m.WeightFlipped += rn
			m.GradNormFlipped += gn
		} else {
			nc++
			cc += ok
			m.WeightClean += rn
			m.GradNormClean += gn
		}
	}
	n := float64(t.Train.N())
	m.Loss /= n
	m.HiddenNorm /= n
	m.TrainAcc = (cc + cf) / n
	m.CleanAcc, m.WeightClean, m.GradNormClean = cc/nc, m.WeightClean/nc, m.GradNormClean/nc
	m.FlippedAcc, m.WeightFlipped, m.GradNormFlipped = cf/nf, m.WeightFlipped/nf, m.GradNormFlipped/nf
	if nf == 0 {
		m.FlippedAcc, m.WeightFlipped, m.GradNormFlipped = math.NaN(), math.NaN(), math.NaN()
	}
	m.TestAcc, m.TestLoss = Accuracy(t.Net, e.ws, e.r, t.W, t.Test)
	m.LastNorm = norm(t.Net.LastWeights(t.W))
	if m.TestAcc > t.best {
		t.best, t.bestAt = m.TestAcc, t.step
	}
	m.BestTestAcc, m.BestStep = t.best, t.bestAt
	return m
}

// Accuracy returns the accuracy and mean loss of weights w on d, using ws
// and r (length Out) as scratch.
func Accuracy(n *model.Net, ws *model.Workspace, r, w []float64, d *data.Dataset) (acc, loss float64) {
	for i := 0; i < d.N(); i++ {
		z := n.Forward(ws, w, d.Row(i))
		loss += model.Residual(r, z, d.Y[i])
		acc += b2f(model.Predict(z) == d.Y[i])
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
