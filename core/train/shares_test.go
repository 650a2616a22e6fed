package train_test

import (
	"math"
	"testing"

	"github.com/samlab/samlab/core/experiment"
	"github.com/samlab/samlab/core/model"
	"github.com/samlab/samlab/core/optim"
	"github.com/samlab/samlab/core/train"
)

// contribution computes example i's contribution to method m's direction
// at weights w directly, one example at a time: the vector g_i whose mean
// is the direction (docs/science.md section 3).
func contribution(tr *train.Trainer, m string, w []float64, i int) float64 {
	n, d := tr.Net, tr.Train
	ws := n.NewWorkspace()
	r := make([]float64, n.Out)
	h := tr.Config.Hyper
	grad := func(w []float64, dz []float64, act float64) []float64 {
		g := make([]float64, len(w))
		z := n.Forward(ws, w, d.Row(i))
		if dz == nil {
			model.Residual(r, z, d.Y[i])
			dz = r
		}
		var dh []float64
		if act != 0 {
			for _, v := range n.HiddenAct(ws) {
				dh = append(dh, 2*act*v)
			}
		}
		n.Backward(ws, w, g, dz, dh, 1)
		return g
	}
	residual := func(w []float64) []float64 {
		out := make([]float64, n.Out)
		model.Residual(out, n.Forward(ws, w, d.Row(i)), d.Y[i])
		return out
	}
	at := func(g []float64, rho float64) []float64 {
		wp := append([]float64(nil), w...)
		for j := range wp {
			wp[j] += optim.AscentScale(rho, norm(g)) * g[j]
		}
		return wp
	}
	gi := grad(w, nil, 0)
	switch m {
	case "sgd":
		return norm(gi)
	case "regsgd":
		return norm(grad(w, nil, h.GammaAct))
	case "sam": // one perturbation from the full-batch gradient
		G := make([]float64, len(w))
		for k := range d.N() {
			j := i
			i = k
			for q, v := range grad(w, nil, 0) {
				G[q] += v / float64(d.N())
			}
			i = j
		}
		return norm(grad(at(G, h.Rho), nil, 0))
	case "1sam":
		return norm(grad(at(gi, h.Rho), nil, 0))
	case "lsam":
		return norm(grad(w, residual(at(gi, h.Rho)), 0))
	case "jsam":
		return norm(grad(at(gi, h.Rho), residual(w), 0))
	}
	panic(m)
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// Shares are each example's share of the update the method took, computed
// in the training step: they sum to 1 and equal ||g_i|| / sum_j ||g_j||
// computed directly, example by example, for every method.
func TestSharesMatchDirectComputation(t *testing.T) {
	for _, m := range optim.Names {
		c, err := experiment.Preset("demo")
		if err != nil {
			t.Fatal(err)
		}
		c.Data.NTrain, c.Model.Hidden = 40, []int{8, 6}
		c.Train.Rho, c.MethodRho = 0.3, nil
		s, err := c.Build(3)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := c.Trainer(s, m)
		if err != nil {
			t.Fatal(err)
		}
		share := make([]float64, tr.Train.N())
		if tr.Shares(share) {
			t.Fatalf("%s: shares before the first step", m)
		}
		for range 5 {
			tr.Step()
		}
		w := append([]float64(nil), tr.W...)
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		tr.Shares(share)
		want := make([]float64, len(share))
		sum, got := 0.0, 0.0
		for i := range want {
			want[i] = contribution(tr, m, w, i)
			sum += want[i]
			got += share[i]
		}
		if math.Abs(got-1) > 1e-12 {
			t.Errorf("%s: shares sum to %.15g", m, got)
		}
		for i := range want {
			if math.Abs(share[i]-want[i]/sum) > 1e-9 {
				t.Fatalf("%s: example %d share %.12g, direct %.12g", m, i, share[i], want[i]/sum)
			}
		}
	}
}
