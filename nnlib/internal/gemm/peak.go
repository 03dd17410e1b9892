package gemm

import (
	"sync"
	"time"
)

// PeakGFLOPS measures the arithmetic peak of this CPU in GFLOP/s for
// products in precision p on threads cores at once: independent fused
// multiply-adds on registers only, with the widest vectors the CPU has
// (AVX-512, else AVX2), no memory traffic. No matrix multiply can exceed it,
// so achieved/peak says how well a kernel uses the machine. It runs rounds
// of about 2 ms for 150 ms and keeps the best, so that rounds slowed by
// another program (one busy on the second core, say) do not count. It returns 0 when it cannot measure: on
// other architectures, and for Float32 on CPUs without AVX-512.
func PeakGFLOPS(p Precision, threads int) float64 {
	loop, flops, ok := peakLoop(p)
	if !ok || threads < 1 {
		return 0
	}
	const iters = 1 << 16 // about 2 ms per call at 4 GHz
	best := 0.0
	for begin := time.Now(); time.Since(begin) < 150*time.Millisecond; {
		var wg sync.WaitGroup
		start := time.Now()
		for range threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				loop(iters)
			}()
		}
		wg.Wait()
		if r := flops * iters * float64(threads) / float64(time.Since(start).Nanoseconds()); r > best {
			best = r
		}
	}
	return best
}
