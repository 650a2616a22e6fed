package report

import (
	"math"
	"testing"
)

func TestClosedFormRatio(t *testing.T) {
	for _, m := range []float64{-5, -1, 0, 0.5, 2, 8} {
		for _, a := range []float64{0, 0.1, 1, 5} {
			want := (1 + math.Exp(m)) / (1 + math.Exp(m-a))
			got := ClosedFormRatio(m, a)
			if math.Abs(got/want-1) > 1e-12 {
				t.Errorf("ClosedFormRatio(%g, %g) = %g, want %g", m, a, got, want)
			}
			if got < 1-1e-15 {
				t.Errorf("ClosedFormRatio(%g, %g) = %g < 1", m, a, got)
			}
		}
	}
	// Grows with the margin for a > 0.
	if !(ClosedFormRatio(3, 1) > ClosedFormRatio(0, 1) && ClosedFormRatio(0, 1) > ClosedFormRatio(-3, 1)) {
		t.Error("ratio does not grow with the margin")
	}
	// No overflow at huge margins: the ratio tends to e^a.
	if got := ClosedFormRatio(800, 2); math.Abs(got-math.Exp(2)) > 1e-9 {
		t.Errorf("ClosedFormRatio(800, 2) = %g, want e^2", got)
	}
}
