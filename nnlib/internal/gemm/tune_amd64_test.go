//go:build amd64 && !purego

package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMicro runs each micro-kernel over a packed macro block (mc×kc of
// A, kc×nc of B) as macro does, without packing.
func BenchmarkMicro(b *testing.B) {
	for _, kc := range []int{128, 256, 384, 512, 768} {
		benchMicro(b, "avx2", hasAVX2, avx2Kernel.d, kc)
		benchMicro(b, "avx512", hasAVX512, avx512Kernel.d, kc)
		benchMicro(b, "avx2-float32", hasAVX2, avx2Kernel.s, kc)
		benchMicro(b, "avx512-float32", hasAVX512, avx512Kernel.s, kc)
	}
}

func benchMicro[T elem](b *testing.B, name string, ok bool, kn *packed[T], kc int) {
	b.Run(fmt.Sprintf("%s/kc=%d", name, kc), func(b *testing.B) {
		if !ok {
			b.Skip("not supported by this CPU")
		}
		rng := rand.New(rand.NewPCG(1, 1))
		mc := 120 / kn.mr * kn.mr
		nc := 256 / kn.nr * kn.nr
		ap := make([]T, mc*kc)
		bp := make([]T, nc*kc)
		for i := range ap {
			ap[i] = T(rng.Float64() - 0.5)
		}
		for i := range bp {
			bp[i] = T(rng.Float64() - 0.5)
		}
		c := make([]float64, mc*nc)
		for b.Loop() {
			for ir := 0; ir < mc; ir += kn.mr {
				for jr := 0; jr < nc; jr += kn.nr {
					kn.micro(kc, &ap[ir*kc], &bp[jr*kc], kn.nr, &c[ir*nc+jr], nc, 1, 1)
				}
			}
		}
		b.ReportMetric(2*float64(mc*nc*kc)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
	})
}
