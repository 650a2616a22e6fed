package simtest

import (
	"math"
	"testing"

	"github.com/samlab/samlab/wasm/sim"
)

func TestLoneFlipped(t *testing.T) {
	lab, err := sim.New(sim.Default())
	if err != nil {
		t.Fatal(err)
	}
	d := lab.Train
	for _, radius := range []float64{0, 0.05, 0.2} {
		i := LoneFlipped(lab, radius)
		if i < 0 {
			continue
		}
		if !d.Flipped[i] {
			t.Fatalf("radius %g: point %d is not flipped", radius, i)
		}
		for j := range d.N() {
			if j != i && math.Hypot(d.X[2*i]-d.X[2*j], d.X[2*i+1]-d.X[2*j+1]) < radius {
				t.Fatalf("radius %g: point %d has neighbour %d", radius, i, j)
			}
		}
	}
	if i := LoneFlipped(lab, 0); i < 0 {
		t.Error("radius 0: no flipped point found")
	}
	if i := LoneFlipped(lab, 1e9); i != -1 {
		t.Errorf("radius 1e9: got %d, want -1", i)
	}
}
