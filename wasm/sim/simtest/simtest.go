// Package simtest holds helpers for the tests that drive the demo app
// (the browser and the desktop window tests), as net/http/httptest does
// for HTTP.
package simtest

import (
	"math"

	"github.com/samlab/samlab/wasm/sim"
)

// LoneFlipped returns a flipped training point of lab with no other
// training point within radius (plane units), so that a click on it picks
// it; -1 when there is none.
func LoneFlipped(lab *sim.Lab, radius float64) int {
	d := lab.Train
	for i := range d.N() {
		if !d.Flipped[i] {
			continue
		}
		lone := true
		for j := range d.N() {
			if j != i && math.Hypot(d.X[2*i]-d.X[2*j], d.X[2*i+1]-d.X[2*j+1]) < radius {
				lone = false
				break
			}
		}
		if lone {
			return i
		}
	}
	return -1
}
