package model

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// blasImpl is gonum's pure-Go BLAS (assembly kernels on amd64, plain Go in
// the browser).
var blasImpl gonum.Implementation

// Tile sizes for gemm. gonum's Dgemm runs its blocks on goroutines once C
// has four or more 64x64 blocks; tiles of at most 192x64 keep every call
// serial, so a training step starts no goroutine and allocates nothing.
const (
	tileRows = 192
	tileCols = 64
)

// gemm sets C = alpha*op(A)*op(B) + beta*C for row-major matrices: C is
// m x n with row stride n, op(A) m x k and op(B) k x n, where op(X) is X or
// its transpose as tA, tB say (A is stored m x k, or k x m when
// transposed; likewise B). It calls gonum's Dgemm tile by tile.
func gemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	lda, ldb := k, n
	if tA == blas.Trans {
		lda = m
	}
	if tB == blas.Trans {
		ldb = k
	}
	for i := 0; i < m; i += tileRows {
		mi := min(tileRows, m-i)
		var ai []float64
		if tA == blas.Trans {
			ai = a[i:] // columns i.. of A
		} else {
			ai = a[i*lda:] // rows i.. of A
		}
		for j := 0; j < n; j += tileCols {
			nj := min(tileCols, n-j)
			var bj []float64
			if tB == blas.Trans {
				bj = b[j*ldb:] // rows j.. of B
			} else {
				bj = b[j:] // columns j.. of B
			}
			if k == 0 {
				for r := range mi {
					row := c[(i+r)*n+j : (i+r)*n+j+nj]
					for q := range row {
						row[q] *= beta
					}
				}
				continue
			}
			blasImpl.Dgemm(tA, tB, mi, nj, k, alpha, ai, lda, bj, ldb, beta, c[i*n+j:], n)
		}
	}
}
