// Package optim holds the optimizers of "Why is SAM Robust to Label Noise?":
// SGD, SAM, 1-SAM, L-SAM, J-SAM and regularized SGD. Each method is written
// once, in its own file, against the Backend interface (backend.go), so the
// same code drives the gonum toy models (core/train) and the LibTorch models
// (native/torchnet, tag torch).
//
// A Method turns the current weights and a batch into an update direction g;
// an Update then applies w <- w - lr*(momentum-filtered g + weight decay); an
// Optimizer is the two together, one training step as a value. The
// per-example methods ask the backend for work over a whole chunk of
// examples at once (their gradients, then one pass at the per-example
// weights w + c_k G_k), so no per-example loop over the network remains in
// this package (perexample.go; docs/science.md, "Per-example passes,
// batched").
package optim
