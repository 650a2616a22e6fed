// Package torchnet holds samlab's LibTorch models and the tensor backend that
// lets the methods of core/optim (SGD, SAM, 1-SAM, L-SAM, J-SAM, Reg-SGD) run
// on them unchanged. Everything here except this file, spec.go (model names
// and shapes) and proc.go (/proc readers) needs the `torch` build tag (cgo,
// gotch v0.8.0, LibTorch); see docs/native.md and docs/torch-build.md.
//
// The models are functional: a Net holds only shapes and BatchNorm buffers,
// and its forward pass takes the parameters as an argument, a Vec (a list of
// plain tensors). The backend gives autograd a fresh leaf view of whichever
// Vec it is asked about (model weights or a perturbed scratch copy), so a
// perturbed pass copies no weights and nothing has to be restored afterwards.
package torchnet
