package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// gemm's tiles (which keep gonum serial) and the plain-Go kernel of the wasm
// build give the plain triple loop, for every transpose and for sizes
// below, at and across the tile and block edges.
func TestGemmMatchesNaive(t *testing.T) {
	for _, kernel := range []struct {
		name string
		f    func(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64)
	}{{"gemm", gemm}, {"gemmGo", gemmGo}} {
		t.Run(kernel.name, func(t *testing.T) { testGemm(t, kernel.f) })
	}
}

func testGemm(t *testing.T, gemm func(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64)) {
	rng := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	for _, sz := range [][3]int{{1, 1, 1}, {5, 3, 7}, {3, 5, 2}, {2, 4, 1}, {192, 64, 10}, {400, 65, 3}, {193, 260, 33}, {30, 300, 200}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				beta := float64((m + n + k) % 3) // 0, 1 or 2
				a, b, c := rnd(m*k), rnd(k*n), rnd(m*n)
				want := make([]float64, m*n)
				for i := range m {
					for j := range n {
						s := 0.0
						for l := range k {
							av, bv := a[i*k+l], b[l*n+j]
							if tA == blas.Trans {
								av = a[l*m+i]
							}
							if tB == blas.Trans {
								bv = b[j*k+l]
							}
							s += av * bv
						}
						want[i*n+j] = 0.5*s + beta*c[i*n+j]
					}
				}
				gemm(tA, tB, m, n, k, 0.5, a, b, beta, c)
				for i := range c {
					if math.Abs(c[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
						t.Fatalf("%v %v %dx%dx%d: C[%d] = %g, want %g", tA, tB, m, n, k, i, c[i], want[i])
					}
				}
			}
		}
	}
}
