//go:build wasm

package model

// plainGo selects gemmGo: gonum has no assembly kernels for wasm.
const plainGo = true
