//go:build !amd64 || purego

package gemm

// peakLoop reports that no FMA loop is available: peaks are measured only
// with the amd64 assembly.
func peakLoop(Precision) (loop func(n int), flops float64, ok bool) { return nil, 0, false }
