//go:build torch

package torchnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// initKind says how a parameter is initialised.
type initKind int

const (
	initConv   initKind = iota // Kaiming normal, fan_out, ReLU gain (torchvision ResNet)
	initLinear                 // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch nn.Linear)
	initOnes
	initZeros
)

type paramSpec struct {
	name  string
	shape []int64
	init  initKind
	fan   int
}

type convL struct {
	w           int
	stride, pad int64
}

type normL struct {
	kind    string
	w, b    int // parameter indices
	rm, rv  int // buffer indices (BatchNorm)
	groups  int64
	enabled bool
}

type blockL struct {
	c1, c2 convL
	n1, n2 normL
	sc     *convL
	sn     normL
}

// Net is a functional image classifier: shapes, BatchNorm running statistics
// and a forward pass that takes the parameters as an argument.
type Net struct {
	Spec   Spec
	Device gotch.Device
	// Buffers are the BatchNorm running means and variances (empty without BN).
	Buffers Vec

	params   []paramSpec
	bufs     [][]int64
	lastW    int // index of the classifier weight
	hidden   int64
	stem     convL
	stemN    normL
	blocks   []blockL
	c1, c2   convL
	n1, n2   normL
	fc1      [2]int
	fc       [2]int
	isResNet bool
	isLinear bool
}

// NewNet builds the model described by s on dev (BatchNorm buffers are
// allocated; parameters come from Init).
func NewNet(s Spec, dev gotch.Device) (*Net, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	n := &Net{Spec: s, Device: dev}
	switch s.Arch {
	case "resnet18":
		n.buildResNet18()
	case "cnn":
		n.buildCNN()
	default:
		n.isLinear = true
		n.hidden = int64(s.InC * s.H * s.W)
		n.fc = n.linear("linear", n.hidden, int64(s.K))
		n.lastW = n.fc[0]
	}
	for _, shape := range n.bufs {
		var t *ts.Tensor
		if len(n.Buffers)%2 == 0 {
			t = ts.MustZeros(shape, gotch.Float, dev)
		} else {
			t = ts.MustOnes(shape, gotch.Float, dev)
		}
		n.Buffers = append(n.Buffers, t)
	}
	return n, nil
}

func (n *Net) param(name string, shape []int64, k initKind, fan int) int {
	n.params = append(n.params, paramSpec{name, shape, k, fan})
	return len(n.params) - 1
}

func (n *Net) conv(name string, cin, cout, k, stride int64) convL {
	w := n.param(name+".weight", []int64{cout, cin, k, k}, initConv, int(cout*k*k))
	return convL{w: w, stride: stride, pad: k / 2}
}

func (n *Net) norm(name string, c int64) normL {
	l := normL{kind: n.Spec.Norm, enabled: n.Spec.Norm != "none"}
	if !l.enabled {
		return l
	}
	l.w = n.param(name+".weight", []int64{c}, initOnes, 0)
	l.b = n.param(name+".bias", []int64{c}, initZeros, 0)
	switch l.kind {
	case "bn":
		l.rm, l.rv = len(n.bufs), len(n.bufs)+1
		n.bufs = append(n.bufs, []int64{c}, []int64{c})
	case "ln":
		l.groups = 1
	case "gn":
		l.groups = 32
		for c%l.groups != 0 {
			l.groups /= 2
		}
	}
	return l
}

func (n *Net) linear(name string, in, out int64) [2]int {
	w := n.param(name+".weight", []int64{out, in}, initLinear, int(in))
	b := n.param(name+".bias", []int64{out}, initLinear, int(in))
	return [2]int{w, b}
}

func (n *Net) buildResNet18() {
	s := &n.Spec
	n.isResNet = true
	c := s.channels(64)
	n.stem = n.conv("conv1", int64(s.InC), c, 3, 1)
	n.stemN = n.norm("bn1", c)
	in := c
	for li, base := range []int{64, 128, 256, 512} {
		planes := s.channels(base)
		for bi := 0; bi < 2; bi++ {
			stride := int64(1)
			if li > 0 && bi == 0 {
				stride = 2
			}
			p := fmt.Sprintf("layer%d.%d.", li+1, bi)
			b := blockL{
				c1: n.conv(p+"conv1", in, planes, 3, stride),
			}
			b.n1 = n.norm(p+"bn1", planes)
			b.c2 = n.conv(p+"conv2", planes, planes, 3, 1)
			b.n2 = n.norm(p+"bn2", planes)
			if stride != 1 || in != planes {
				sc := n.conv(p+"shortcut.0", in, planes, 1, stride)
				b.sc = &sc
				b.sn = n.norm(p+"shortcut.1", planes)
			}
			n.blocks = append(n.blocks, b)
			in = planes
		}
	}
	n.hidden = in
	n.fc = n.linear("linear", in, int64(s.K))
	n.lastW = n.fc[0]
}

func (n *Net) buildCNN() {
	s := &n.Spec
	a, b, h := s.channels(32), s.channels(64), s.channels(128)
	n.c1 = n.conv("conv1", int64(s.InC), a, 3, 1)
	n.n1 = n.norm("norm1", a)
	n.c2 = n.conv("conv2", a, b, 3, 1)
	n.n2 = n.norm("norm2", b)
	flat := b * int64(s.H/4) * int64(s.W/4)
	n.fc1 = n.linear("fc1", flat, h)
	n.hidden = h
	n.fc = n.linear("fc2", h, int64(s.K))
	n.lastW = n.fc[0]
}

// NumParams returns the number of parameter tensors.
func (n *Net) NumParams() int { return len(n.params) }

// ParamNames returns the parameter names in Vec order.
func (n *Net) ParamNames() []string {
	out := make([]string, len(n.params))
	for i, p := range n.params {
		out[i] = p.name
	}
	return out
}

// LastWeight returns the index in a Vec of the classifier weight W_last.
func (n *Net) LastWeight() int { return n.lastW }

// HiddenDim returns the size of the last hidden activation h (the input of
// the classifier), penalised by Reg-SGD.
func (n *Net) HiddenDim() int { return int(n.hidden) }

// NumValues returns the number of parameter values (11,173,962 for the
// CIFAR ResNet18).
func (n *Net) NumValues() int {
	t := 0
	for _, p := range n.params {
		c := 1
		for _, s := range p.shape {
			c *= int(s)
		}
		t += c
	}
	return t
}

// Zeros returns a zero Vec shaped like the parameters.
func (n *Net) Zeros() Vec {
	v := make(Vec, len(n.params))
	for i, p := range n.params {
		v[i] = ts.MustZeros(p.shape, gotch.Float, n.Device)
	}
	return v
}

// Init returns freshly initialised parameters drawn from a Go generator
// seeded with seed (so they do not depend on LibTorch's generator or the
// device): Kaiming-normal convolutions (fan-out, ReLU), PyTorch-default
// uniform linear layers, norm weights 1 and biases 0. It also resets the
// BatchNorm running statistics.
func (n *Net) Init(seed uint64) Vec {
	rng := rand.New(rand.NewPCG(seed, 0x7e5a))
	v := make(Vec, len(n.params))
	for i, p := range n.params {
		cnt := int64(1)
		for _, s := range p.shape {
			cnt *= s
		}
		data := make([]float32, cnt)
		switch p.init {
		case initConv:
			std := math.Sqrt(2 / float64(p.fan))
			for j := range data {
				data[j] = float32(rng.NormFloat64() * std)
			}
		case initLinear:
			bound := 1 / math.Sqrt(float64(p.fan))
			for j := range data {
				data[j] = float32((2*rng.Float64() - 1) * bound)
			}
		case initOnes:
			for j := range data {
				data[j] = 1
			}
		}
		v[i] = FromFloat32(data, p.shape, n.Device)
	}
	for i, t := range n.Buffers {
		if i%2 == 0 {
			t.MustZero_()
		} else {
			one := ts.FloatScalar(1)
			t.MustFill_(one)
			one.MustDrop()
		}
	}
	return v
}

// pass is one forward evaluation: the parameters to use, how BatchNorm
// behaves, and every intermediate tensor (dropped by release).
type pass struct {
	n      *Net
	p      []*ts.Tensor
	train  bool // BatchNorm uses batch statistics
	update bool // BatchNorm updates its running statistics (train only)
	tmp    []*ts.Tensor
	held   []*ts.Tensor // kept past scope ends (probes), dropped by release
	sc     []*ts.Scalar
	count  bool  // count the values of every kept tensor in made
	made   int64 // (for the memory estimate, ExampleBytes)
}

func (f *pass) scalar(v float64) *ts.Scalar {
	s := ts.FloatScalar(v)
	f.sc = append(f.sc, s)
	return s
}

func (f *pass) dropScalars() {
	for _, s := range f.sc {
		s.MustDrop()
	}
	f.sc = f.sc[:0]
}

func (f *pass) keep(t *ts.Tensor) *ts.Tensor {
	f.tmp = append(f.tmp, t)
	if f.count {
		f.made += int64(t.Numel())
	}
	return t
}

// hold keeps t until release, past the end of its scope.
func (f *pass) hold(t *ts.Tensor) *ts.Tensor {
	f.held = append(f.held, t)
	return t
}

// scope returns a mark for endScope.
func (f *pass) scope() int { return len(f.tmp) }

// endScope drops the tensors kept since mark except out, which it keeps:
// a block's intermediates that autograd did not save (it holds its own
// references to those it did) are freed as soon as the block is done.
func (f *pass) endScope(mark int, out *ts.Tensor) *ts.Tensor {
	for _, t := range f.tmp[mark:] {
		if t != out {
			t.MustDrop()
		}
	}
	f.tmp = append(f.tmp[:mark], out)
	return out
}

// done releases the pass's tensors and scalars.
func (f *pass) done() {
	f.release()
	f.dropScalars()
}

func (f *pass) release() {
	for _, t := range append(f.tmp, f.held...) {
		t.MustDrop()
	}
	f.tmp, f.held = f.tmp[:0], f.held[:0]
}

func (f *pass) conv(c convL, x *ts.Tensor) *ts.Tensor {
	return f.keep(ts.MustConv2d(x, f.p[c.w], ts.None, []int64{c.stride, c.stride}, []int64{c.pad, c.pad}, []int64{1, 1}, 1))
}

func (f *pass) norm(l normL, x *ts.Tensor) *ts.Tensor {
	if !l.enabled {
		return x
	}
	w, b := f.p[l.w], f.p[l.b]
	cudnn := f.n.Device.Name != "CPU"
	switch l.kind {
	case "bn":
		if !f.train {
			return f.keep(ts.MustBatchNorm(x, w, b, f.n.Buffers[l.rm], f.n.Buffers[l.rv], false, 0.1, 1e-5, cudnn))
		}
		rm, rv := ts.None, ts.None
		if f.update {
			rm, rv = f.n.Buffers[l.rm], f.n.Buffers[l.rv]
		}
		return f.keep(ts.MustBatchNorm(x, w, b, rm, rv, true, 0.1, 1e-5, cudnn))
	default:
		return f.keep(ts.MustGroupNorm(x, l.groups, w, b, 1e-5, cudnn))
	}
}

func (f *pass) relu(x *ts.Tensor) *ts.Tensor { return f.keep(x.MustRelu(false)) }

func (f *pass) linear(l [2]int, x *ts.Tensor) *ts.Tensor {
	return f.keep(ts.MustLinear(x, f.p[l[0]], f.p[l[1]]))
}

// layerOps evaluates the models' three parameterised layer kinds. The
// plain pass (*pass) uses shared parameters; eachOps and atOps run the
// per-example passes (examples.go). Activations are [B,C,H,W] throughout.
type layerOps interface {
	conv(c convL, x *ts.Tensor) *ts.Tensor
	norm(l normL, x *ts.Tensor) *ts.Tensor
	linear(l [2]int, h *ts.Tensor) *ts.Tensor
}

// forward returns the logits [B,K] and the last hidden activations [B,hidden].
func (f *pass) forward(x *ts.Tensor) (logits, hidden *ts.Tensor) { return f.walk(f, x) }

// walk runs the network on x with its layers evaluated by o.
func (f *pass) walk(o layerOps, x *ts.Tensor) (logits, hidden *ts.Tensor) {
	n := f.n
	if n.isLinear {
		hidden = f.keep(x.MustFlatten(1, -1, false))
		return o.linear(n.fc, hidden), hidden
	}
	if n.isResNet {
		mark := f.scope()
		h := f.endScope(mark, f.relu(o.norm(n.stemN, o.conv(n.stem, x))))
		for _, b := range n.blocks {
			mark := f.scope()
			r := f.relu(o.norm(b.n1, o.conv(b.c1, h)))
			r = o.norm(b.n2, o.conv(b.c2, r))
			sc := h
			if b.sc != nil {
				sc = o.norm(b.sn, o.conv(*b.sc, h))
			}
			h = f.endScope(mark, f.relu(f.keep(r.MustAdd(sc, false))))
		}
		pooled := f.keep(h.MustAdaptiveAvgPool2d([]int64{1, 1}, false))
		hidden = f.keep(pooled.MustFlatten(1, -1, false))
		return o.linear(n.fc, hidden), hidden
	}
	pool := func(t *ts.Tensor) *ts.Tensor {
		return f.keep(t.MustMaxPool2d([]int64{2, 2}, []int64{2, 2}, []int64{0, 0}, []int64{1, 1}, false, false))
	}
	mark := f.scope()
	h := f.endScope(mark, pool(f.relu(o.norm(n.n1, o.conv(n.c1, x)))))
	mark = f.scope()
	h = f.endScope(mark, pool(f.relu(o.norm(n.n2, o.conv(n.c2, h)))))
	flat := f.keep(h.MustFlatten(1, -1, false))
	hidden = f.relu(o.linear(n.fc1, flat))
	return o.linear(n.fc, hidden), hidden
}

// channels returns max(1, round(base*width)).
func (s *Spec) channels(base int) int64 {
	c := int64(float64(base)*s.Width + 0.5)
	if c < 1 {
		c = 1
	}
	return c
}
