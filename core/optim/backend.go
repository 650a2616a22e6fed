// Package optim holds the optimizers of "Why is SAM Robust to Label Noise?":
// SGD, SAM, 1-SAM, L-SAM, J-SAM and regularized SGD. Each method is written
// once, against the small Backend interface, so the same code drives the
// gonum toy models (core/train) and the LibTorch models (native, tag torch).
//
// A Method turns the current weights and a batch into an update direction g;
// an Update then applies w <- w - lr*(momentum-filtered g + weight decay).
package optim

// Eps is added to every norm that divides a perturbation, so a zero gradient
// gives no perturbation (docs/science.md section 3).
const Eps = 1e-12

// Pass describes one gradient evaluation. Perturbed is true when the weights
// are a perturbed copy (the second pass of SAM and its variants): a backend
// with running statistics (BatchNorm) must not update them on such a pass.
// GammaAct and GammaLast add the Reg-SGD penalties
// GammaAct*mean_i ||h_i||^2 + GammaLast*||W_last||_F^2 to the loss.
type Pass struct {
	Perturbed bool
	GammaAct  float64
	GammaLast float64
}

// Backend is what a method needs from a model and its training data.
// V is the parameter vector type: []float64 for the toy models, a list of
// tensors for LibTorch. Examples are named by their index in the training
// set. Destinations (dst, r) are overwritten, never accumulated into.
// A Backend is used from one goroutine at a time.
type Backend[V any] interface {
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

	// Outputs returns K, the number of logits per example (1 for binary
	// logistic models, whose residual is sigmoid(f) - t with t in {0,1}).
	Outputs() int
	// Grad sets dst to the gradient of the mean loss over batch at w (plus
	// the penalties in p) and returns the mean loss (without penalties).
	Grad(dst, w V, batch []int, p Pass) float64
	// ExampleGrad sets dst to grad l_i(w) and returns l_i(w).
	ExampleGrad(dst, w V, i int) float64
	// Residual sets r (length Outputs) to r_i(w) = p_i(w) - onehot(y_i),
	// the logit-scale term of the per-example gradient.
	Residual(r []float64, w V, i int)
	// VJP sets dst = J_i(w)^T r, the vector-Jacobian product of example i's
	// logits at weights w with a fixed vector r (length Outputs).
	VJP(dst, w V, i int, r []float64)
}
