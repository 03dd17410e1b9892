package nnlib

import (
	"fmt"
	"os"

	"github.com/nnfromscratch/nngo/nnlib/internal/gemm"
	"gonum.org/v1/gonum/blas/blas64"
)

// nnlib's matrix products (Linear's x·W, xᵀ·dy and dy·Wᵀ) are plain
// mat.Dense.Mul calls. gonum hands them to the BLAS routine Dgemm, and nnlib
// replaces gonum's pure-Go Dgemm with a faster one when the package loads:
// packed, cache-blocked micro-kernels in Go assembly (AVX-512 or AVX2 with
// FMA on amd64) run by a pool of threads, one per core. Results equal
// gonum's up to floating-point rounding. Other architectures keep gonum's
// Dgemm. Because it is installed into gonum, every mat.Dense.Mul in the
// program gets faster, including those in notebooks. The element-wise loops
// of a training step (ReLU, the SGD and Adam updates, copying a batch) run
// on the same threads (see parallel.go). Taught in notebook 10-performance.
func init() {
	blas64.Use(gemm.Implementation{})
	if err := gemm.EnvError(); err != nil {
		fmt.Fprintf(os.Stderr, "nnlib: %v; using %s\n", err, gemm.Name())
	}
}

// GEMM describes the matrix-multiply kernel behind mat.Dense.Mul, for
// example "avx512 12×16, 2 threads" or "gonum".
func GEMM() string { return gemm.Name() }

// GEMMKernels lists the kernels this CPU can run, slowest first: "gonum"
// (gonum's own Dgemm), "go" (the blocked algorithm in plain Go, for
// reading), and where the CPU has them "avx2" and "avx512".
func GEMMKernels() []string {
	var names []string
	for _, k := range gemm.Kernels() {
		names = append(names, string(k))
	}
	return names
}

// UseGEMM makes mat.Dense.Mul run the named kernel (one of [GEMMKernels]).
// The environment variable NNLIB_GEMM sets the kernel at program start.
// UseGEMM is for comparing kernels; the default is the fastest available.
func UseGEMM(kernel string) error {
	if err := gemm.Use(gemm.Kernel(kernel)); err != nil {
		return fmt.Errorf("nnlib: UseGEMM: %w", err)
	}
	return nil
}

// SetGEMMThreads sets how many threads a large matrix product uses; n ≤ 0
// means one per core (runtime.GOMAXPROCS), the default.
func SetGEMMThreads(n int) { gemm.SetThreads(n) }

// SetGEMMPrecision chooses the arithmetic of mat.Dense.Mul's multiply-adds:
// "float64" (the default) or "float32". Operands and results stay float64
// either way; "float32" rounds the operands to float32 as it packs them and
// adds the products in float32 within blocks of at most 512, as PyTorch's
// float32 training does, for about twice the speed. The error of each
// element is then at most about 2.4e-5·Σₚ|aᵢₚ|·|bₚⱼ| (in practice ~1e-7 of it),
// the size of a float32 rounding, which training absorbs; gradient checks
// need "float64". The environment variable NNLIB_GEMM_PRECISION sets it at
// program start. The "gonum" kernel has only "float64".
func SetGEMMPrecision(p string) error {
	prec, err := gemm.ParsePrecision(p)
	if err == nil {
		err = gemm.SetPrecision(prec)
	}
	if err != nil {
		return fmt.Errorf("nnlib: SetGEMMPrecision: %w", err)
	}
	return nil
}

// GEMMPeak measures this CPU's arithmetic peak in GFLOP/s, in the current
// precision (see [SetGEMMPrecision]), on threads cores at once: fused
// multiply-adds with the widest vectors the CPU has, on registers only. No
// matrix product can go faster, so a product's GFLOP/s divided by GEMMPeak
// is the share of the machine it uses. It takes about 150 ms, and returns 0
// where it cannot measure (CPUs other than amd64 with AVX2 or AVX-512).
func GEMMPeak(threads int) float64 {
	return gemm.PeakGFLOPS(gemm.CurrentPrecision(), threads)
}
