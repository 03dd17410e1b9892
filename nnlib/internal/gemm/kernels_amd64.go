//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// The assembly micro-kernels and packing routines are in kernels_amd64.s,
// declared in kernels_amd64_gen.go; both are written by gen_kernels.go.

//go:generate go run gen_kernels.go

var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

var (
	avx2Kernel = &kernel{
		kind: AVX2,
		d: &packed[float64]{
			kind: AVX2, mr: avx2MR, nr: avx2NR, kc: 320, mc: 240, nc: 512,
			micro: avx2Micro[avx2MR-1], edge: avx2Micro[:],
			copyA: copyPanels6, gatherA: gatherRows6, copyB: copyPanels8, gatherB: gatherRows8,
		},
		s: &packed[float32]{
			kind: AVX2, mr: avx2SMR, nr: avx2SNR, kc: 512, mc: 240, nc: 512,
			micro: avx2SMicro[avx2SMR-1], edge: avx2SMicro[:],
			copyA: scopyPanels6, gatherA: sgatherRows6, copyB: scopyPanels16, gatherB: sgatherRows16,
		},
	}
	avx512Kernel = &kernel{
		kind: AVX512,
		d: &packed[float64]{
			kind: AVX512, mr: avx512MR, nr: avx512NR, kc: 320, mc: 240, nc: 512,
			micro: avx512Micro[avx512MR-1], edge: avx512Micro[:],
			copyA: copyPanels12, gatherA: gatherRows12, copyB: copyPanels16, gatherB: gatherRows16,
		},
		s: &packed[float32]{
			kind: AVX512, mr: avx512SMR, nr: avx512SNR, kc: 512, mc: 240, nc: 512,
			micro: avx512SMicro[avx512SMR-1], edge: avx512SMicro[:],
			copyA: scopyPanels12, gatherA: sgatherRows12, copyB: scopyPanels32, gatherB: sgatherRows32,
		},
	}
)

func asmKernels() []*kernel {
	var ks []*kernel
	if hasAVX2 {
		ks = append(ks, avx2Kernel)
	}
	if hasAVX512 {
		ks = append(ks, avx512Kernel)
	}
	return ks
}
