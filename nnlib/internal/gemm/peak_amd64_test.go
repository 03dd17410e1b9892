//go:build amd64 && !purego

package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// BenchmarkPeak measures the FMA throughput with independent FMAs on
// registers only: the upper bound for any float64 kernel (and, with
// float32 FMAs, for the Float32 kernels), on one core and
// on threads=2 goroutines at once (which shows whether two cores are free
// right now: on a shared machine the second one often is not).
func BenchmarkPeak(b *testing.B) {
	const n = 1 << 20
	for _, k := range []struct {
		name  string
		ok    bool
		fma   func(int)
		flops float64 // per iteration of the loop
	}{
		{"avx2", hasAVX2, fmaPeak256, 96},
		{"avx512", hasAVX512, fmaPeak512, 192},
		{"avx512-float32", hasAVX512, fmaPeak512s, 384},
	} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", k.name, th), func(b *testing.B) {
				if !k.ok {
					b.Skip("not supported by this CPU")
				}
				if th > runtime.GOMAXPROCS(0) {
					b.Skip("GOMAXPROCS too small")
				}
				var wg sync.WaitGroup
				for b.Loop() {
					wg.Add(th)
					for range th {
						go func() {
							k.fma(n)
							wg.Done()
						}()
					}
					wg.Wait()
				}
				b.ReportMetric(k.flops*n*float64(th)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
			})
		}
	}
}
