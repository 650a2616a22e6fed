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
// transposed; likewise B). It calls gonum's Dgemm tile by tile, or gemmGo
// where gonum has no assembly (plainGo).
func gemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if plainGo {
		gemmGo(tA, tB, m, n, k, alpha, a, b, beta, c)
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

// gemmGo is gemm as a register-blocked kernel in plain Go (2 x 4 blocks of
// C kept in locals). gonum's Dgemm has assembly kernels on amd64 but only
// plain loops elsewhere; in the browser (js/wasm) this kernel is 2-3 times
// faster than them (docs/speed.md, "The toy engine"), so the wasm build uses it.
func gemmGo(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b []float64, beta float64, c []float64) {
	// A(i,l) = a[i*ai + l*al], B(l,j) = b[l*bl + j*bj].
	ai, al, bl, bj := k, 1, n, 1
	if tA == blas.Trans {
		ai, al = 1, m
	}
	if tB == blas.Trans {
		bl, bj = 1, k
	}
	set := func(p *float64, s float64) {
		if beta == 0 {
			*p = alpha * s
		} else {
			*p = alpha*s + beta**p
		}
	}
	i := 0
	for ; i+2 <= m; i += 2 {
		j := 0
		for ; j+4 <= n; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			pa0, pa1, pb := i*ai, (i+1)*ai, j*bj
			for range k {
				x0, x1 := a[pa0], a[pa1]
				y0, y1, y2, y3 := b[pb], b[pb+bj], b[pb+2*bj], b[pb+3*bj]
				s00 += x0 * y0
				s01 += x0 * y1
				s02 += x0 * y2
				s03 += x0 * y3
				s10 += x1 * y0
				s11 += x1 * y1
				s12 += x1 * y2
				s13 += x1 * y3
				pa0, pa1, pb = pa0+al, pa1+al, pb+bl
			}
			c0, c1 := c[i*n+j:i*n+j+4], c[(i+1)*n+j:(i+1)*n+j+4]
			set(&c0[0], s00)
			set(&c0[1], s01)
			set(&c0[2], s02)
			set(&c0[3], s03)
			set(&c1[0], s10)
			set(&c1[1], s11)
			set(&c1[2], s12)
			set(&c1[3], s13)
		}
		for ; j < n; j++ {
			gemmDot(i, j, k, a, ai, al, b, bl, bj, set, c[i*n+j:])
			gemmDot(i+1, j, k, a, ai, al, b, bl, bj, set, c[(i+1)*n+j:])
		}
	}
	for ; i < m; i++ {
		for j := range n {
			gemmDot(i, j, k, a, ai, al, b, bl, bj, set, c[i*n+j:])
		}
	}
}

// gemmDot sets c[0] from the dot product of row i of A and column j of B.
func gemmDot(i, j, k int, a []float64, ai, al int, b []float64, bl, bj int, set func(*float64, float64), c []float64) {
	s := 0.0
	pa, pb := i*ai, j*bj
	for range k {
		s += a[pa] * b[pb]
		pa, pb = pa+al, pb+bl
	}
	set(&c[0], s)
}
