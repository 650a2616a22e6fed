//go:build torch

package torchnet

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/samlab/samlab/core/optim"
)

func init() { SetThreads(2) }

// problem makes a small synthetic classification batch: class-dependent
// mean pattern plus noise.
func problem(n, c, h, w, k int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	sz := c * h * w
	means := make([][]float64, k)
	for j := range means {
		means[j] = make([]float64, sz)
		for d := range means[j] {
			means[j][d] = rng.NormFloat64()
		}
	}
	x := make([]float32, n*sz)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		y[i] = i % k
		for d := 0; d < sz; d++ {
			x[i*sz+d] = float32(means[y[i]][d] + 0.7*rng.NormFloat64())
		}
	}
	return x, y
}

func newTest(t *testing.T, s Spec, n int, seed uint64) (*Backend, Vec) {
	t.Helper()
	net, err := NewNet(s, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(net)
	x, y := problem(n, s.InC, s.H, s.W, s.K, seed)
	b.SetBatch(x, y)
	return b, net.Init(seed)
}

func maxDiff(a, b []float32) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func maxAbs(a []float32) float64 {
	m := 0.0
	for _, v := range a {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

var linearSpec = Spec{Arch: "linear", Norm: "none", InC: 1, H: 4, W: 4, K: 3}

// softmaxGrad is the hand computation for softmax regression: with
// logits z_i = W x_i + c, the mean cross-entropy gradient is
// mean_i r_i x_i^T for W and mean_i r_i for c, r_i = softmax(z_i) - onehot(y_i).
// flat holds W (k x d, row-major) then c; it returns the gradient the same way.
func softmaxGrad(flat []float64, x []float32, y []int, k, d int) []float64 {
	g := make([]float64, len(flat))
	n := len(y)
	for i := 0; i < n; i++ {
		z := make([]float64, k)
		mx := math.Inf(-1)
		for c := 0; c < k; c++ {
			z[c] = flat[k*d+c]
			for j := 0; j < d; j++ {
				z[c] += flat[c*d+j] * float64(x[i*d+j])
			}
			mx = math.Max(mx, z[c])
		}
		sum := 0.0
		for c := range z {
			z[c] = math.Exp(z[c] - mx)
			sum += z[c]
		}
		for c := 0; c < k; c++ {
			r := z[c] / sum
			if c == y[i] {
				r--
			}
			for j := 0; j < d; j++ {
				g[c*d+j] += r * float64(x[i*d+j]) / float64(n)
			}
			g[k*d+c] += r / float64(n)
		}
	}
	return g
}

// TestSAMStepByHand checks one SAM direction on softmax regression against
// the formula computed in float64 on the host: e = rho*G/||G||,
// g = grad L(w+e).
func TestSAMStepByHand(t *testing.T) {
	s := linearSpec
	b, w := newTest(t, s, 12, 3)
	defer b.Close()
	x, y := problem(12, s.InC, s.H, s.W, s.K, 3)
	d := s.InC * s.H * s.W
	const rho = 0.5
	wf := w.Flatten()
	flat := make([]float64, len(wf))
	for i, v := range wf {
		flat[i] = float64(v)
	}
	g0 := softmaxGrad(flat, x, y, s.K, d)
	norm := 0.0
	for _, v := range g0 {
		norm += v * v
	}
	norm = math.Sqrt(norm)
	wp := make([]float64, len(flat))
	for i := range flat {
		wp[i] = flat[i] + optim.AscentScale(rho, norm)*g0[i]
	}
	want := softmaxGrad(wp, x, y, s.K, d)

	m, err := Method("sam", optim.Hyper{Rho: rho})
	if err != nil {
		t.Fatal(err)
	}
	g := b.NewVec()
	m.Direction(b, g, w, b.Batch())
	got := g.Flatten()
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-5 {
			t.Fatalf("SAM direction[%d] = %g, hand computation %g", i, got[i], want[i])
		}
	}
	// The weights themselves must be untouched by the perturbed pass.
	if maxDiff(w.Flatten(), wf) != 0 {
		t.Fatal("SAM direction modified w")
	}
	// And the step is not the plain gradient (rho matters).
	diff := 0.0
	for i := range want {
		diff = math.Max(diff, math.Abs(want[i]-g0[i]))
	}
	if diff < 1e-3 {
		t.Fatalf("test is vacuous: perturbed and clean gradients differ by %g", diff)
	}
}

// TestJSAMIsSGDOnLinear: the Jacobian of a linear model does not depend on
// the weights, so J-SAM's direction equals SGD's (docs/science.md 4.1), while
// 1-SAM's does not.
func TestJSAMIsSGDOnLinear(t *testing.T) {
	b, w := newTest(t, linearSpec, 10, 5)
	defer b.Close()
	dir := func(name string) []float32 {
		m, err := Method(name, optim.Hyper{Rho: 0.3})
		if err != nil {
			t.Fatal(err)
		}
		g := b.NewVec()
		defer g.Drop()
		m.Direction(b, g, w, b.Batch())
		return g.Flatten()
	}
	sgd, jsam, one, lsam := dir("sgd"), dir("jsam"), dir("1sam"), dir("lsam")
	if d := maxDiff(sgd, jsam); d > 1e-6 {
		t.Fatalf("J-SAM differs from SGD by %g on a linear model", d)
	}
	if d := maxDiff(lsam, one); d > 1e-6 {
		t.Fatalf("L-SAM differs from 1-SAM by %g on a linear model", d)
	}
	if d := maxDiff(sgd, one); d < 1e-4 {
		t.Fatalf("1-SAM equals SGD (diff %g): the perturbation had no effect", d)
	}
}

// TestOneSAMBatchOneIsSAM: with a batch of one, 1-SAM and SAM coincide
// (docs/science.md 4.3); on a CNN with LayerNorm this ties the per-example path
// (ExampleGrad) to the batch path (Grad).
func TestOneSAMBatchOneIsSAM(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "ln", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}
	b, w := newTest(t, s, 1, 7)
	defer b.Close()
	dir := func(name string) []float32 {
		m, _ := Method(name, optim.Hyper{Rho: 0.05})
		g := b.NewVec()
		defer g.Drop()
		m.Direction(b, g, w, []int{0})
		return g.Flatten()
	}
	sam, one := dir("sam"), dir("1sam")
	if d := maxDiff(sam, one); d > 1e-5*math.Max(1, maxAbs(sam)) {
		t.Fatalf("1-SAM(B=1) differs from SAM(B=1) by %g", d)
	}
}

// TestRhoZeroIsSGD: with rho = 0 every per-example method's batched path
// gives SGD's direction (docs/science.md 4.3).
func TestRhoZeroIsSGD(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "ln", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}
	b, w := newTest(t, s, 5, 29)
	defer b.Close()
	b.ChunkSize = 2
	dir := func(name string) []float32 {
		m, _ := Method(name, optim.Hyper{})
		g := b.NewVec()
		defer g.Drop()
		m.Direction(b, g, w, b.Batch())
		return g.Flatten()
	}
	sgd := dir("sgd")
	for _, name := range []string{"1sam", "lsam", "jsam"} {
		if d := maxDiff(sgd, dir(name)); d > 1e-6*math.Max(1, maxAbs(sgd)) {
			t.Errorf("%s at rho 0 differs from SGD by %g", name, d)
		}
	}
}

// TestVJPOfResidualIsExampleGrad: J_i^T r_i(w) is grad l_i(w) (docs/science.md 2).
func TestVJPOfResidualIsExampleGrad(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "gn", Width: 0.25, InC: 2, H: 8, W: 8, K: 4}
	b, w := newTest(t, s, 4, 9)
	defer b.Close()
	g1, g2 := b.NewVec(), b.NewVec()
	r := make([]float64, s.K)
	e, norm := b.NewExamples(), make([]float64, 1)
	for i := 0; i < 4; i++ {
		lossGrad(b, g1, w, i)
		b.ExampleGrads(e, norm, r, w, []int{i})
		sum := 0.0
		for _, v := range r {
			sum += v
		}
		if math.Abs(sum) > 1e-5 {
			t.Fatalf("residual sums to %g, want 0", sum)
		}
		b.VJPAt(g2, w, e, nil, r)
		a, c := g1.Flatten(), g2.Flatten()
		if d := math.Abs(float64(b.Norm(g1)) - norm[0]); d > 1e-5*norm[0] {
			t.Fatalf("example %d: norm %g, want %g", i, norm[0], b.Norm(g1))
		}
		if d := maxDiff(a, c); d > 1e-5*math.Max(1, maxAbs(a)) {
			t.Fatalf("example %d: VJP(r_i) differs from grad l_i by %g", i, d)
		}
	}
}

// TestRegSGDPenalties: the GammaLast term adds 2*GammaLast*W_last to the
// gradient of W_last only, the GammaAct term changes the gradient, and the
// returned loss is the plain cross-entropy in all cases.
func TestRegSGDPenalties(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "none", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}
	b, w := newTest(t, s, 6, 11)
	defer b.Close()
	g0, g1, g2 := b.NewVec(), b.NewVec(), b.NewVec()
	l0 := b.Grad(g0, w, b.Batch(), optim.Pass{})
	l1 := b.Grad(g1, w, b.Batch(), optim.Pass{GammaLast: 0.25})
	l2 := b.Grad(g2, w, b.Batch(), optim.Pass{GammaAct: 0.1})
	if l0 != l1 || l0 != l2 {
		t.Fatalf("losses %g %g %g differ: penalties must not be in the returned loss", l0, l1, l2)
	}
	last := b.Net.LastWeight()
	for i := range g0 {
		a, c := Vec{g0[i]}.Flatten(), Vec{g1[i]}.Flatten()
		if i != last {
			if d := maxDiff(a, c); d > 1e-7 {
				t.Fatalf("GammaLast changed parameter %d by %g", i, d)
			}
			continue
		}
		wl := Vec{w[i]}.Flatten()
		for j := range a {
			if want := a[j] + 0.5*wl[j]; math.Abs(float64(c[j]-want)) > 1e-6 {
				t.Fatalf("W_last grad[%d] = %g, want %g", j, c[j], want)
			}
		}
	}
	if d := maxDiff(g0.Flatten(), g2.Flatten()); d < 1e-6 {
		t.Fatal("GammaAct had no effect on the gradient")
	}
}

// TestBatchNormStats: an unperturbed training pass updates the running
// statistics, a perturbed one (SAM's second pass) and per-example passes do not.
func TestBatchNormStats(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "bn", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}
	b, w := newTest(t, s, 6, 13)
	defer b.Close()
	g := b.NewVec()
	snap := func() []float32 { return b.Net.Buffers.Flatten() }
	before := snap()
	b.Grad(g, w, b.Batch(), optim.Pass{Perturbed: true})
	b.ExampleGrads(b.NewExamples(), make([]float64, 6), make([]float64, 6*s.K), w, b.Batch())
	if maxDiff(before, snap()) != 0 {
		t.Fatal("perturbed or per-example pass changed BatchNorm running statistics")
	}
	b.Grad(g, w, b.Batch(), optim.Pass{})
	if maxDiff(before, snap()) == 0 {
		t.Fatal("training pass did not update BatchNorm running statistics")
	}
	mid := snap()
	sam, _ := Method("sam", optim.Hyper{Rho: 0.1})
	sam.Direction(b, g, w, b.Batch())
	after := snap()
	// SAM = one unperturbed pass (updates) + one perturbed pass (does not):
	// the same change as a plain SGD pass from mid.
	b.Net.Buffers.Load(mid)
	b.Grad(g, w, b.Batch(), optim.Pass{})
	if d := maxDiff(after, snap()); d > 1e-6 {
		t.Fatalf("SAM updated running statistics differently from one pass (diff %g)", d)
	}
}

// TestLossFalls trains a small CNN for a few steps with each method and
// checks the loss at least halves.
func TestLossFalls(t *testing.T) {
	s := Spec{Arch: "cnn", Norm: "ln", Width: 0.25, InC: 1, H: 8, W: 8, K: 3}
	for _, name := range []string{"sgd", "sam", "jsam", "regsgd", "lsam", "1sam"} {
		b, w := newTest(t, s, 12, 17)
		m, _ := Method(name, optim.Hyper{Rho: 0.05, GammaAct: 1e-3, GammaLast: 1e-3})
		u := optim.Update[Vec]{LR: 0.05, Momentum: 0.9}
		g := b.NewVec()
		first, last := 0.0, 0.0
		for step := 0; step < 25; step++ {
			l := m.Direction(b, g, w, b.Batch())
			if step == 0 {
				first = l
			}
			last = l
			u.Apply(b, w, g)
		}
		if !(last < first/2) {
			t.Errorf("%s: loss %g -> %g, want at least halved", name, first, last)
		}
		g.Drop()
		w.Drop()
		b.Close()
	}
}

// TestResNet18Shapes builds the CIFAR ResNet18 at a small width and checks
// parameter count scaling and one gradient.
func TestResNet18Shapes(t *testing.T) {
	s := Spec{Arch: "resnet18", Norm: "bn", Width: 0.125, InC: 3, H: 8, W: 8, K: 10}
	b, w := newTest(t, s, 2, 19)
	defer b.Close()
	// 62 tensors: 20 convs (incl. 3 shortcuts), 20 norms x 2, linear x 2.
	if len(w) != 62 {
		t.Fatalf("%d parameter tensors, want 62", len(w))
	}
	if b.Net.HiddenDim() != 64 {
		t.Fatalf("hidden dim %d, want 512*0.125", b.Net.HiddenDim())
	}
	g := b.NewVec()
	l := b.Grad(g, w, b.Batch(), optim.Pass{})
	if math.IsNaN(l) || l < 0.5 || l > 10 {
		t.Fatalf("initial loss %g is implausible for 10 classes", l)
	}
	if b.Norm(g) == 0 {
		t.Fatal("zero gradient")
	}
	full := Spec{Arch: "resnet18", Norm: "bn", InC: 3, H: 32, W: 32, K: 10}
	n, _ := NewNet(full, gotch.CPU)
	z := n.Zeros()
	if c := z.Numel(); c != 11173962 {
		t.Fatalf("ResNet18 (CIFAR) has %d parameters, want 11173962", c)
	}
	z.Drop()
}

// TestChunkTooLargeIsRefused: an explicit chunk whose estimated memory
// exceeds what the machine can spare is a clear error before any work; the
// automatic chunk fits.
func TestChunkTooLargeIsRefused(t *testing.T) {
	s := Spec{Arch: "resnet18", Norm: "ln", InC: 3, H: 32, W: 32, K: 10}
	net, err := NewNet(s, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(net)
	b.Form = "grouped"
	if g := b.ExampleBytes(); g < 4*int64(net.NumValues()-512*10-10) {
		t.Fatalf("grouped form: estimate %d bytes is below one copy of the convolution parameters", g)
	}
	b.Form = ""
	per := b.ExampleBytes()
	t.Logf("ResNet18 (CIFAR, LayerNorm): about %.0f MB per example of a per-example pass (%.1f GB at chunk 128); automatic chunk %d", float64(per)/1e6, 128*float64(per)/1e9, b.Chunk())
	b.ChunkSize = 1 << 20
	err = b.CheckChunk()
	if err == nil || !strings.Contains(err.Error(), "chunk 1048576 needs about") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("huge chunk: %v", err)
	}
	b.ChunkSize = 0
	if auto := b.Chunk(); auto < 1 || auto > MaxAutoChunk || int64(auto)*per > memAvailable()/2 && auto > 1 {
		t.Fatalf("automatic chunk %d (%d bytes each, %d available)", auto, per, memAvailable())
	}
}
