package gemm

import (
	"math"
	"unsafe"
)

// microGo is the pure-Go micro-kernel for a 2×4 tile: 8 accumulators, so
// that they, the 2 values of A and the 4 of B fit in the 15 floating-point
// registers the Go compiler uses (a 4×4 tile spills to memory). The
// products and sums are in T (float32 panels give float32 arithmetic); the
// sums are then converted to float64 for C = alpha·sum + beta·C.
func microGo[T elem](k int, a, b *T, ldb int, c *float64, ldc int, alpha, beta float64) {
	as := unsafe.Slice(a, 2*k)
	bs := unsafe.Slice(b, (k-1)*ldb+4)
	var c00, c01, c02, c03, c10, c11, c12, c13 T
	for p := 0; p < k; p++ {
		ap := (*[2]T)(as[2*p:])
		bp := (*[4]T)(bs[ldb*p:])
		a0, a1 := ap[0], ap[1]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
	}
	storeGo(c, ldc, alpha, beta, &[2][4]float64{
		{float64(c00), float64(c01), float64(c02), float64(c03)},
		{float64(c10), float64(c11), float64(c12), float64(c13)},
	})
}

// storeGo sets the 2×4 tile at c to alpha·acc + beta·C (alpha·acc when
// beta == 0), rounded once as the assembly kernels' FMA does.
func storeGo(c *float64, ldc int, alpha, beta float64, acc *[2][4]float64) {
	cs := unsafe.Slice(c, ldc+4)
	for i := range acc {
		row := (*[4]float64)(cs[i*ldc:])
		for j, v := range acc[i] {
			if beta == 0 {
				row[j] = alpha * v
			} else {
				row[j] = math.FMA(beta, row[j], alpha*v)
			}
		}
	}
}
