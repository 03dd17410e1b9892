//go:build amd64 && !purego

package gemm

// peakLoop returns the widest FMA loop of this CPU for the precision and the
// floating-point operations one iteration of it does.
func peakLoop(p Precision) (loop func(n int), flops float64, ok bool) {
	switch {
	case hasAVX512 && p == Float32:
		return fmaPeak512s, 384, true
	case hasAVX512:
		return fmaPeak512, 192, true
	case hasAVX2 && p == Float64:
		return fmaPeak256, 96, true
	}
	return nil, 0, false
}
