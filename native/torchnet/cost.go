//go:build torch

package torchnet

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// layerShape is one parameterised layer as the model's forward pass meets
// it, for one example.
type layerShape struct {
	kind  byte  // 'c' convolution, 'l' linear, 'n' normalisation
	w     int   // index of the layer's weight
	t     int64 // output positions (linear: 1; norm: positions)
	d     int64 // values per unfolded patch (linear: inputs; norm: 0)
	c     int64 // output channels (linear: outputs; norm: channels)
	in    int64 // input values
	first bool  // its input is the image: no input gradient is needed
}

// shapeOps runs a plain forward pass and records every layer's shape.
type shapeOps struct {
	f   *pass
	out *[]layerShape
}

func numel(t *ts.Tensor) int64 { return int64(t.Numel()) / t.MustSize()[0] }

func (o shapeOps) add(l layerShape, x *ts.Tensor) {
	l.in, l.first = numel(x), len(*o.out) == 0
	*o.out = append(*o.out, l)
}

func (o shapeOps) conv(c convL, x *ts.Tensor) *ts.Tensor {
	y := o.f.conv(c, x)
	k := o.f.n.params[c.w].shape
	ys := y.MustSize()
	o.add(layerShape{kind: 'c', w: c.w, t: ys[2] * ys[3], d: k[1] * k[2] * k[3], c: k[0]}, x)
	return y
}

func (o shapeOps) norm(l normL, x *ts.Tensor) *ts.Tensor {
	if !l.enabled {
		return x
	}
	xs := x.MustSize()
	o.add(layerShape{kind: 'n', w: l.w, t: xs[2] * xs[3], c: xs[1]}, x)
	return o.f.norm(l, x)
}

func (o shapeOps) linear(l [2]int, h *ts.Tensor) *ts.Tensor {
	k := o.f.n.params[l[0]].shape
	o.add(layerShape{kind: 'l', w: l[0], t: 1, d: k[1], c: k[0]}, h)
	return o.f.linear(l, h)
}

// shapes returns the model's layers in forward order and the values of
// every intermediate tensor of a plain forward pass, per example.
func (n *Net) shapes() ([]layerShape, int64) {
	s := n.Spec
	// Plain tensors in: no graph is built.
	x := ts.MustZeros([]int64{1, int64(s.InC), int64(s.H), int64(s.W)}, gotch.Float, n.Device)
	defer x.MustDrop()
	w := n.Zeros()
	defer w.Drop()
	f := &pass{n: n, p: w, train: true, count: true}
	defer f.done()
	var out []layerShape
	f.walk(shapeOps{f: f, out: &out}, x)
	return out, f.made
}

// layerForm returns the form of layer l under the backend's Form: a
// convolution's (ConvForm), or "" for a linear layer or a norm.
func (b *Backend) layerForm(l layerShape) string {
	if l.kind != 'c' {
		return ""
	}
	return ConvForm(b.Form, l.t, l.d, l.c)
}

// StepMACs returns the multiply-adds of one training step of the method
// called name over a batch of batch examples, counting the convolutions
// and linear layers (normalisations, activations and the optimizer are
// linear in the activations and left out), with each convolution in the
// form the backend picks. Per example, a layer of F = t d c multiply-adds
// costs F forward, F for the weight gradient and F for the input gradient
// (none for the first layer); a per-example pass adds, per layer:
//   - ExampleGrads: forming G_k, F (grouped), or the Grams for the norm,
//     t^2 (d + c) (ghost), or d + c (linear, rank one);
//   - at w + c_k G_k: F forward and F backward (grouped), t^2 (d + c)
//     forward and as much backward (ghost), d + c each way (linear),
//     nothing (merged: the grouped convolution with w + c_k G_k replaces
//     the shared one, and its per-example weight gradients the shared).
//
// SAM is two SGD steps; 1-SAM and J-SAM an ExampleGrads pass without the
// shared weight gradient plus a perturbed forward and backward; L-SAM an
// ExampleGrads pass, a perturbed forward and an SGD-like VJP at w.
func (b *Backend) StepMACs(name string, batch int) (float64, error) {
	layers, _ := b.Net.shapes()
	var fwd, bw, bi, eg, xf, xb float64
	for _, l := range layers {
		if l.kind == 'n' {
			continue
		}
		t, d, c := float64(l.t), float64(l.d), float64(l.c)
		f := t * d * c
		fwd += f
		bw += f
		in := 1.0
		if l.first {
			in = 0
		}
		bi += in * f
		switch {
		case l.kind == 'l':
			eg += d + c
			xf += d + c
			xb += in * (d + c)
		case b.layerForm(l) == "ghost":
			eg += t * t * (d + c)
			xf += t * t * (d + c)
			xb += in * t * t * (d + c)
		case b.layerForm(l) == "merged":
			eg += f
		default:
			eg += f
			xf += f
			xb += in * f
		}
	}
	sgd := fwd + bw + bi
	ex := fwd + bi + eg
	var m float64
	switch name {
	case "sgd", "regsgd":
		m = sgd
	case "sam":
		m = 2 * sgd
	case "1sam", "jsam":
		m = ex + fwd + xf + bw + bi + xb
	case "lsam":
		m = ex + fwd + xf + sgd
	default:
		return 0, fmt.Errorf("StepMACs: unknown method %q", name)
	}
	return m * float64(batch), nil
}
