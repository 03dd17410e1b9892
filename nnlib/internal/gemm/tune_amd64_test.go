//go:build amd64 && !purego

package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var variants = []struct {
	name   string
	mr, nr int
	f      microKernel
}{
	{"avx2", avx2MR, avx2NR, avx2Micro[avx2MR-1]},
	{"avx512", avx512MR, avx512NR, avx512Micro[avx512MR-1]},
}

// BenchmarkMicro runs each micro-kernel over a packed macro block (mc×kc of
// A, kc×nc of B) as macro does, without packing.
func BenchmarkMicro(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, kc := range []int{128, 256, 384} {
		for _, v := range variants {
			b.Run(fmt.Sprintf("%s/kc=%d", v.name, kc), func(b *testing.B) {
				if v.nr == avx512NR && !hasAVX512 {
					b.Skip("no AVX-512")
				}
				mc := 120 / v.mr * v.mr
				nc := 240 / v.nr * v.nr
				ap := randSlice(rng, mc*kc)
				bp := randSlice(rng, nc*kc)
				c := make([]float64, mc*nc)
				for b.Loop() {
					for ir := 0; ir < mc; ir += v.mr {
						for jr := 0; jr < nc; jr += v.nr {
							v.f(kc, &ap[ir*kc], &bp[jr*kc], v.nr, &c[ir*nc+jr], nc, 1, 1)
						}
					}
				}
				b.ReportMetric(2*float64(mc*nc*kc)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
			})
		}
	}
}
