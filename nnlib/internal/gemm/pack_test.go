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
	const m, n, k, kc = 100, 256, 784, 256
	a := randSlice(rng, m*k)
	bb := randSlice(rng, k*n)
	for _, kn := range kernels[1:] {
		mr := kn.mr
		for _, tr := range []bool{false, true} {
			b.Run(fmt.Sprintf("A/%s/mr=%d/trans=%v", kn.kind, mr, tr), func(b *testing.B) {
				dst := make([]float64, roundUp(m, mr)*kc)
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
	for _, kn := range kernels[1:] {
		nr := kn.nr
		for _, tr := range []bool{false, true} {
			b.Run(fmt.Sprintf("B/%s/nr=%d/trans=%v", kn.kind, nr, tr), func(b *testing.B) {
				dst := make([]float64, n*kc)
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
