// Package model holds the toy networks: linear (logistic or softmax), the
// two-layer linear net f = v^T W x, and ReLU/tanh MLPs. All are one type,
// Net, a fully connected stack over a flat parameter vector, with forward
// passes, vector-Jacobian products and the parts the SAM variants need
// (last-layer weights, last hidden activations).
package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/floats"
)

// Activation is a hidden-layer nonlinearity.
type Activation int

// The activations.
const (
	ReLU Activation = iota
	Tanh
	Identity
)

// String returns the activation's config name.
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case Identity:
		return "identity"
	}
	return "relu"
}

// ParseActivation parses relu, tanh or identity (also "linear").
func ParseActivation(s string) (Activation, error) {
	switch strings.ToLower(s) {
	case "relu", "":
		return ReLU, nil
	case "tanh":
		return Tanh, nil
	case "identity", "linear", "none":
		return Identity, nil
	}
	return 0, fmt.Errorf("unknown activation %q (want relu, tanh or identity)", s)
}

// Net is a fully connected network In -> Hidden... -> Out with activation
// Act after each hidden layer and none after the last. Its parameters live
// in a flat vector: for each layer the weight matrix (out x in, row-major)
// then, if Bias, the bias. Out == 1 means a binary logistic model.
type Net struct {
	In, Out int
	Hidden  []int
	Act     Activation
	Bias    bool

	layers  []Layer
	nparams int
}

// New returns a network with the given shape. It panics on a non-positive size.
func New(in int, hidden []int, out int, act Activation, bias bool) *Net {
	n := &Net{In: in, Out: out, Hidden: append([]int(nil), hidden...), Act: act, Bias: bias}
	sizes := append(append([]int{in}, hidden...), out)
	off := 0
	for l := 1; l < len(sizes); l++ {
		if sizes[l-1] <= 0 || sizes[l] <= 0 {
			panic(fmt.Sprintf("model: layer sizes must be positive, got %v", sizes))
		}
		ly := Layer{In: sizes[l-1], Out: sizes[l], WeightOffset: off, BiasOffset: -1}
		off += ly.In * ly.Out
		if bias {
			ly.BiasOffset = off
			off += ly.Out
		}
		n.layers = append(n.layers, ly)
	}
	n.nparams = off
	return n
}

// Linear returns the linear model f = W x (+ b): logistic for out == 1.
func Linear(in, out int, bias bool) *Net { return New(in, nil, out, Identity, bias) }

// TwoLayerLinear returns f = v^T W x (out == 1) with width hidden units, no biases.
func TwoLayerLinear(in, width, out int) *Net { return New(in, []int{width}, out, Identity, false) }

// MLP returns a network with the given hidden widths and activation, with biases.
func MLP(in int, hidden []int, out int, act Activation) *Net { return New(in, hidden, out, act, true) }

// NumParams returns the length of the parameter vector.
func (n *Net) NumParams() int { return n.nparams }

// NumLayers returns the number of weight layers (hidden layers + 1).
func (n *Net) NumLayers() int { return len(n.layers) }

// String describes the shape, e.g. "mlp 2-32-32-1 relu".
func (n *Net) String() string {
	s := []string{strconv.Itoa(n.In)}
	for _, h := range n.Hidden {
		s = append(s, strconv.Itoa(h))
	}
	s = append(s, strconv.Itoa(n.Out))
	kind := "mlp"
	if len(n.Hidden) == 0 {
		kind = "linear"
	} else if n.Act == Identity {
		kind = "deep-linear"
	}
	return fmt.Sprintf("%s %s %s bias=%v", kind, strings.Join(s, "-"), n.Act, n.Bias)
}

// LastWeights returns the last layer's weight matrix (Out x last width,
// row-major) as a view into w.
func (n *Net) LastWeights(w []float64) []float64 {
	ly := n.layers[len(n.layers)-1]
	return w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
}

// LayerWeights returns layer l's weight matrix (out x in) and bias (nil
// without biases) as views into w.
func (n *Net) LayerWeights(w []float64, l int) (W, b []float64, out, in int) {
	ly := n.layers[l]
	W = w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
	if ly.BiasOffset >= 0 {
		b = w[ly.BiasOffset : ly.BiasOffset+ly.Out]
	}
	return W, b, ly.Out, ly.In
}

// Init fills w with random weights: N(0, gain/fan_in) with gain 2 for ReLU
// and 1 otherwise (He / LeCun), biases zero, scaled by scale.
func (n *Net) Init(w []float64, rng *rand.Rand, scale float64) {
	gain := 1.0
	if n.Act == ReLU {
		gain = 2
	}
	for l, ly := range n.layers {
		g := gain
		if l == len(n.layers)-1 {
			g = 1
		}
		sd := scale * math.Sqrt(g/float64(ly.In))
		for j := 0; j < ly.In*ly.Out; j++ {
			w[ly.WeightOffset+j] = sd * rng.NormFloat64()
		}
		if ly.BiasOffset >= 0 {
			clear(w[ly.BiasOffset : ly.BiasOffset+ly.Out])
		}
	}
}

// Workspace holds one example's activations between Forward and Backward.
// Make one per goroutine with NewWorkspace; it is reused without allocation.
type Workspace struct {
	a     [][]float64 // a[0] = input (a view), a[l] = activation of layer l (l >= 1); a[L] = logits
	pre   [][]float64
	delta [][]float64
}

// NewWorkspace returns a workspace for n.
func (n *Net) NewWorkspace() *Workspace {
	L := len(n.layers)
	ws := &Workspace{a: make([][]float64, L+1), pre: make([][]float64, L+1), delta: make([][]float64, L+1)}
	for l, ly := range n.layers {
		ws.a[l+1] = make([]float64, ly.Out)
		ws.pre[l+1] = make([]float64, ly.Out)
		ws.delta[l+1] = make([]float64, ly.Out)
	}
	ws.delta[0] = make([]float64, n.In)
	return ws
}

// Forward computes the logits of input x (length In) at weights w and
// returns them (a view into ws, length Out, valid until the next Forward).
func (n *Net) Forward(ws *Workspace, w, x []float64) []float64 {
	ws.a[0] = x
	L := len(n.layers)
	for l, ly := range n.layers {
		in, pre := ws.a[l], ws.pre[l+1]
		W := w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		for o := range pre {
			row := W[o*ly.In : (o+1)*ly.In]
			s := 0.0
			if ly.BiasOffset >= 0 {
				s = w[ly.BiasOffset+o]
			}
			s += dot(row, in)
			pre[o] = s
		}
		out := ws.a[l+1]
		if l == L-1 {
			copy(out, pre)
			break
		}
		n.activate(out, pre)
	}
	return ws.a[L]
}

// activate sets out to the hidden activation of pre.
func (n *Net) activate(out, pre []float64) {
	switch n.Act {
	case ReLU:
		for o, v := range pre {
			out[o] = max(v, 0)
		}
	case Tanh:
		for o, v := range pre {
			out[o] = math.Tanh(v)
		}
	default:
		copy(out, pre)
	}
}

// HiddenAct returns the last hidden activation h of the last Forward (the
// input itself for a linear model), a view into ws.
func (n *Net) HiddenAct(ws *Workspace) []float64 { return ws.a[len(n.layers)-1] }

// Backward adds scale*J^T dz to g, where J is the Jacobian of the logits of
// the last Forward with respect to the weights; dz has length Out. If dh is
// not nil it is an extra gradient on the last hidden activation h (length of the
// hidden layer), also scaled and back-propagated (ignored for a linear model).
func (n *Net) Backward(ws *Workspace, w, g, dz, dh []float64, scale float64) {
	L := len(n.layers)
	d := ws.delta[L]
	for o := range d {
		d[o] = scale * dz[o]
	}
	for l := L - 1; l >= 0; l-- {
		ly := n.layers[l]
		in := ws.a[l]
		d = ws.delta[l+1]
		G := g[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		for o, dv := range d {
			if dv == 0 {
				continue
			}
			axpy(G[o*ly.In:(o+1)*ly.In], dv, in)
		}
		if ly.BiasOffset >= 0 {
			gb := g[ly.BiasOffset : ly.BiasOffset+ly.Out]
			for o, dv := range d {
				gb[o] += dv
			}
		}
		if l == 0 {
			break
		}
		// delta of the layer below: W^T d (+ dh), times act'(pre).
		W := w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		db := ws.delta[l]
		clear(db)
		if l == L-1 && dh != nil {
			for j := range db {
				db[j] = scale * dh[j]
			}
		}
		for o, dv := range d {
			if dv == 0 {
				continue
			}
			axpy(db, dv, W[o*ly.In:(o+1)*ly.In])
		}
		n.actGrad(l, ws, db)
	}
}

// GradNorm returns ||J^T dz||, the norm of the gradient Backward would add
// (with scale 1), without forming it: each layer's weight gradient is the
// outer product delta a^T, whose norm is ||delta||*||a||, so only the deltas
// are propagated. Call it after Forward, like Backward.
func (n *Net) GradNorm(ws *Workspace, w, dz []float64) float64 {
	L := len(n.layers)
	copy(ws.delta[L], dz)
	sq := 0.0
	for l := L - 1; l >= 0; l-- {
		ly := n.layers[l]
		d := ws.delta[l+1]
		dd := floats.Dot(d, d)
		aa := floats.Dot(ws.a[l], ws.a[l])
		if ly.BiasOffset >= 0 {
			aa++
		}
		sq += dd * aa
		if l == 0 {
			break
		}
		W := w[ly.WeightOffset : ly.WeightOffset+ly.In*ly.Out]
		db := ws.delta[l]
		clear(db)
		for o, dv := range d {
			if dv != 0 {
				axpy(db, dv, W[o*ly.In:(o+1)*ly.In])
			}
		}
		n.actGrad(l, ws, db)
	}
	return math.Sqrt(sq)
}

// actGrad multiplies db by the derivative of layer l's activation.
func (n *Net) actGrad(l int, ws *Workspace, db []float64) {
	switch n.Act {
	case ReLU:
		for j, v := range ws.pre[l] {
			if v <= 0 {
				db[j] = 0
			}
		}
	case Tanh:
		act := ws.a[l]
		for j := range db {
			db[j] *= 1 - act[j]*act[j]
		}
	}
}

// Residual sets r = p - onehot(y) for logits z (length Out) and returns the
// cross-entropy loss: logistic loss with target t = y in {0,1} when Out == 1,
// softmax cross-entropy otherwise.
func Residual(r, z []float64, y int) float64 {
	if len(z) == 1 {
		// sigmoid(f) - 1 = -sigmoid(-f), written so that well-fitted
		// examples keep their tiny residuals instead of rounding to 0.
		f := z[0]
		if y == 1 {
			r[0] = -sigmoid(-f)
			return softplus(-f)
		}
		r[0] = sigmoid(f)
		return softplus(f)
	}
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	s := 0.0
	for k, v := range z {
		e := math.Exp(v - m)
		r[k] = e
		s += e
	}
	for k := range r {
		r[k] /= s
	}
	// r_y = p_y - 1 = -sum_{j != y} p_j, summed rather than subtracted so
	// that a well-fit example keeps its tiny residual's relative precision.
	r[y] = 0
	o := 0.0
	for _, v := range r {
		o += v
	}
	r[y] = -o
	return m + math.Log(s) - z[y]
}

// Predict returns the predicted class of logits z.
func Predict(z []float64) int {
	if len(z) == 1 {
		if z[0] > 0 {
			return 1
		}
		return 0
	}
	best := 0
	for k, v := range z {
		if v > z[best] {
			best = k
		}
	}
	return best
}

// Prob1 returns the probability of class 1 (binary) or of class 1 under
// softmax, used for heat maps.
func Prob1(z []float64) float64 {
	if len(z) == 1 {
		return sigmoid(z[0])
	}
	m, s := z[0], 0.0
	for _, v := range z {
		m = max(m, v)
	}
	for _, v := range z {
		s += math.Exp(v - m)
	}
	return math.Exp(z[1]-m) / s
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Sigmoid is the logistic function, computed without overflow.
func Sigmoid(x float64) float64 { return sigmoid(x) }

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	if x < -30 {
		return math.Exp(x)
	}
	return math.Log1p(math.Exp(x))
}

// dot is floats.Dot: assembly on amd64, pure Go in the browser.
func dot(a, b []float64) float64 { return floats.Dot(a, b[:len(a)]) }

func axpy(dst []float64, a float64, x []float64) {
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		dst[i] += a * x[i]
		dst[i+1] += a * x[i+1]
		dst[i+2] += a * x[i+2]
		dst[i+3] += a * x[i+3]
	}
	for ; i < len(dst); i++ {
		dst[i] += a * x[i]
	}
}

// Layer describes one weight layer's place in the parameter vector: the
// weight matrix is Out x In, row-major, at WeightOffset, then (with biases)
// Out biases at BiasOffset (-1 without biases).
type Layer struct {
	In, Out                  int
	WeightOffset, BiasOffset int
}

// Layer returns weight layer l's shape and offsets.
func (n *Net) Layer(l int) Layer { return n.layers[l] }
