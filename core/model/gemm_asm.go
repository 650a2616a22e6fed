//go:build !wasm

package model

// plainGo selects gemmGo; elsewhere gonum's Dgemm (assembly on amd64).
const plainGo = false
