package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPack measures packing the operands of the 100×784·784×256
// product (kc = 256 blocks), in elements per nanosecond.
func BenchmarkPack(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const m, n, k = 100, 256, 784
	a := randSlice(rng, m*k)
	bb := randSlice(rng, k*n)
	for _, kn := range kernels[1:] {
		benchPack(b, kn.d, a, bb)
		benchPack(b, kn.s, a, bb)
	}
}

// benchPack measures packing A and B for kernel kn.
func benchPack[T elem](b *testing.B, kn *packed[T], a, bb []float64) {
	const m, n, k, kc = 100, 256, 784, 256
	prec := Float64
	if _, ok := any(kn).(*packed[float32]); ok {
		prec = Float32
	}
	a, bb = a[:m*k], bb[:k*n]
	{
		mr := kn.mr
		for _, tr := range []bool{false, true} {
			b.Run(fmt.Sprintf("A/%s/%s/mr=%d/trans=%v", kn.kind, prec, mr, tr), func(b *testing.B) {
				dst := make([]T, roundUp(m, mr)*kc)
				lda := k
				if tr {
					lda = m
				}
				for b.Loop() {
					for pc := 0; pc < k; pc += kc {
						packA(kn, dst, tr, a, lda, 0, m, pc, min(kc, k-pc))
					}
				}
				b.ReportMetric(float64(m*k)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
			})
		}
	}
	{
		nr := kn.nr
		for _, tr := range []bool{false, true} {
			b.Run(fmt.Sprintf("B/%s/%s/nr=%d/trans=%v", kn.kind, prec, nr, tr), func(b *testing.B) {
				dst := make([]T, roundUp(n, nr)*kc)
				ldb := n
				if tr {
					ldb = k
				}
				for b.Loop() {
					for pc := 0; pc < k; pc += kc {
						packB(kn, dst, tr, bb, ldb, pc, min(kc, k-pc), 0, n)
					}
				}
				b.ReportMetric(float64(n*k)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
			})
		}
	}
}
