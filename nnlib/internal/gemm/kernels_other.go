//go:build !amd64 || purego

package gemm

// asmKernels returns no kernels: there is no assembly for this
// architecture (or the purego build tag is set).
func asmKernels() []*kernel { return nil }
