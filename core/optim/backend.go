package optim

import "math"

// AscentScale returns rho/norm, the scale c that makes c*g an ascent step of
// length rho along a vector g of Euclidean norm norm. It is scale-invariant:
// however small a gradient is, its step keeps the full length rho (a
// well-fit example's direction is as defined as anyone's). Only a zero
// gradient, which has no direction, gets 0, as does a norm so small that
// rho/norm overflows (docs/science.md section 3).
func AscentScale(rho, norm float64) float64 {
	if !(norm > 0) {
		return 0
	}
	c := rho / norm
	if math.IsInf(c, 0) {
		return 0
	}
	return c
}

// Pass describes one gradient evaluation. Perturbed is true when the weights
// are a perturbed copy (the second pass of SAM): a backend with running
// statistics (BatchNorm) must not update them on such a pass.
// GammaAct and GammaLast add the Reg-SGD penalties
// GammaAct*mean_i ||h_i||^2 + GammaLast*||W_last||_F^2 to the loss.
type Pass struct {
	Perturbed bool
	GammaAct  float64
	GammaLast float64
}

// Backend is what a method needs from a model and its training data.
// V is the parameter vector type: []float64 for the toy models, a list of
// tensors for LibTorch. E is the backend's per-example batch value: it holds
// each example's gradient G_k = grad l_k(w) for a chunk of examples, so that
// a method can ask for passes at the per-example weights w + c_k G_k over
// the whole chunk in one call (what vmap does in JAX). Examples are named by
// their index in the training set. Destinations (dst, r, norm) are
// overwritten, never accumulated into. A Backend is used from one goroutine
// at a time.
type Backend[V, E any] interface {
	Vectors[V]

	// Outputs returns K, the number of logits per example (1 for binary
	// logistic models, whose residual is sigmoid(f) - t with t in {0,1}).
	Outputs() int
	// Grad sets dst to the gradient of the mean loss over batch at w (plus
	// the penalties in p) and returns the mean loss (without penalties).
	Grad(dst, w V, batch []int, p Pass) float64

	// Chunk returns the most examples one ExampleGrads call takes: the
	// backend's memory bound on per-example work (at least 1). Chunking is
	// exact: every example keeps its own perturbation.
	Chunk() int
	// NewExamples returns an empty per-example batch value.
	NewExamples() E
	// ExampleGrads evaluates the examples of chunk (at most Chunk() of
	// them) at w and keeps their gradients G_k = J_k(w)^T r_k(w) in e. It
	// sets norm[k] = ||G_k|| (length len(chunk)) and r[k*K:(k+1)*K] =
	// r_k(w) = p_k(w) - onehot(y_k), the logit-scale term, and returns the
	// mean loss over chunk.
	ExampleGrads(e E, norm, r []float64, w V, chunk []int) float64
	// GradAt sets dst = mean_k grad l_k(w + c_k G_k) over e's chunk: each
	// example's loss gradient at its own weights.
	GradAt(dst, w V, e E, c []float64)
	// ResidualsAt sets r[k*K:(k+1)*K] = r_k(w + c_k G_k) for e's chunk.
	ResidualsAt(r []float64, w V, e E, c []float64)
	// VJPAt sets dst = mean_k J_k(w + c_k G_k)^T r_k, the mean
	// vector-Jacobian product of each example's logits at its own weights
	// with its own vector r_k = r[k*K:(k+1)*K]; c == nil means the weights
	// w themselves.
	VJPAt(dst, w V, e E, c, r []float64)
}

// Vectors is the parameter-vector arithmetic of a backend, all that the base
// Update needs.
type Vectors[V any] interface {
	// NewVec returns a zero vector shaped like the parameters.
	NewVec() V
	// Copy sets dst = src.
	Copy(dst, src V)
	// Axpy sets dst = dst + a*x.
	Axpy(dst V, a float64, x V)
	// Scale sets v = a*v.
	Scale(v V, a float64)
	// Norm returns the Euclidean norm of v over all parameters.
	Norm(v V) float64
}
