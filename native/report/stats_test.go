package report

import (
	"math"
	"testing"
)

func TestRankCorr(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		{[]float64{1, 2, 3, 4}, []float64{1, 8, 27, 64}, 1}, // monotone, not linear
	}
	for _, c := range cases {
		if got := rankCorr(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("rankCorr(%v, %v) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}
