package gemm

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Kernel names a matrix-multiply kernel: the micro-kernel that the packed,
// blocked algorithm runs, or gonum's own Dgemm.
type Kernel string

// The kernels. Kernels reports which of them this CPU can run.
const (
	Gonum  Kernel = "gonum"  // gonum's pure-Go Dgemm (no packing)
	Go     Kernel = "go"     // packed algorithm with a 2×4 pure-Go micro-kernel
	AVX2   Kernel = "avx2"   // packed algorithm with a 6×8 AVX2+FMA micro-kernel (6×16 in Float32)
	AVX512 Kernel = "avx512" // packed algorithm with a 12×16 AVX-512 micro-kernel (12×32 in Float32)
)

// EnvVar is the environment variable read at program start to choose the
// kernel: NNLIB_GEMM=gonum|go|avx2|avx512. Unset or empty means the fastest
// kernel this CPU supports.
const EnvVar = "NNLIB_GEMM"

// PrecisionEnvVar is the environment variable read at program start (after
// EnvVar) to choose the precision: NNLIB_GEMM_PRECISION=float64|float32.
// Unset or empty means Float64.
const PrecisionEnvVar = "NNLIB_GEMM_PRECISION"

// Precision is the arithmetic of the products. Operands and results are
// float64 in every precision.
type Precision int

const (
	// Float64 multiplies and adds in float64: the default.
	Float64 Precision = iota
	// Float32 rounds the operands to float32 while packing them, multiplies
	// and sums each block of at most a few hundred products over k in
	// float32 (twice as many per instruction as float64), and combines the
	// blocks, alpha, beta and C in float64. See the package documentation
	// for the error bound. The packed kernels (go, avx2, avx512) have it;
	// gonum does not.
	Float32
)

// String returns "float64" or "float32".
func (p Precision) String() string {
	switch p {
	case Float64:
		return "float64"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// ParsePrecision parses "float64" or "float32" (case and surrounding
// spaces do not matter).
func ParsePrecision(s string) (Precision, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "float64":
		return Float64, nil
	case "float32":
		return Float32, nil
	}
	return Float64, fmt.Errorf("unknown precision %q (want float64 or float32)", s)
}

// elem is the type of packed values and of the arithmetic of a packed kernel.
type elem interface{ float32 | float64 }

// microKernel computes an mr×nr tile of C; see packed.micro.
type microKernel[T elem] func(k int, a, b *T, ldb int, c *float64, ldc int, alpha, beta float64)

// packed describes a packed kernel with arithmetic in T: an mr×nr register
// tile computed by micro, and the cache-block sizes kc (depth), mc (rows of
// A per packed block) and nc (columns of B per packed block).
type packed[T elem] struct {
	kind       Kernel
	mr, nr     int
	kc, mc, nc int
	// micro computes the mr×nr tile
	//	C = alpha·(Ã·B̃) + beta·C
	// where Ã is a packed mr×k panel (k columns of mr values), B̃ a k×nr
	// panel whose rows are ldb apart (ldb = nr when packed) and C is
	// row-major with stride ldc. The products and their sum are computed
	// in T, alpha·sum + beta·C in float64. With beta == 0, C is only
	// written.
	micro microKernel[T]
	// edge[r-1], if not nil, computes only the first r rows of the tile
	// (A still packed mr wide), for the last rows of C.
	edge []microKernel[T]
	// copyA and gatherA, if not nil, pack full panels of A (mr wide) from
	// Aᵀ and A; copyB and gatherB full panels of B (nr wide) from B and
	// Bᵀ, converting to T: see copyPanels16 and gatherRows16.
	copyA, copyB     func(dst *T, src *float64, ld, k, np, pstride int)
	gatherA, gatherB func(dst *T, src *float64, ld, k int)
}

// kernel is one of the kernels of Kernels(): gonum's Dgemm (d == nil), or
// a packed kernel with float64 arithmetic d and float32 arithmetic s.
type kernel struct {
	kind Kernel
	d    *packed[float64]
	s    *packed[float32] // nil: no Float32 mode
}

// setting is what Dgemm runs: a kernel in a precision the kernel has.
type setting struct {
	k    *kernel
	prec Precision
}

var (
	gonumKernel = &kernel{kind: Gonum}
	goKernel    = &kernel{
		kind: Go,
		d:    &packed[float64]{kind: Go, mr: 2, nr: 4, kc: 256, mc: 128, nc: 512, micro: microGo[float64]},
		s:    &packed[float32]{kind: Go, mr: 2, nr: 4, kc: 256, mc: 128, nc: 512, micro: microGo[float32]},
	}

	// kernels lists the available kernels, slowest first; filled by init.
	kernels []*kernel
	current atomic.Pointer[setting]
	setMu   sync.Mutex // serializes Use and SetPrecision
	threads atomic.Int32
	envErr  error
)

func init() {
	asm := asmKernels()
	kernels = append([]*kernel{gonumKernel, goKernel}, asm...)
	// The default: the widest assembly kernel, else gonum (faster than the
	// pure-Go micro-kernel, whose place is the lesson, not the speed).
	best := gonumKernel
	if len(asm) > 0 {
		best = asm[len(asm)-1]
	}
	current.Store(&setting{k: best, prec: Float64})
	envErr = useEnv(os.Getenv(EnvVar), os.Getenv(PrecisionEnvVar))
}

// useEnv applies the values of NNLIB_GEMM (kernel) and
// NNLIB_GEMM_PRECISION (prec); case and surrounding spaces do not matter,
// and an empty value keeps the current setting.
func useEnv(kernel, prec string) error {
	var errs []error
	if kind := Kernel(strings.ToLower(strings.TrimSpace(kernel))); kind != "" {
		if err := Use(kind); err != nil {
			errs = append(errs, fmt.Errorf("gemm: %s=%q: %w; using %s", EnvVar, kernel, err, Current()))
		}
	}
	if strings.TrimSpace(prec) != "" {
		p, err := ParsePrecision(prec)
		if err == nil {
			err = SetPrecision(p)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("gemm: %s=%q: %w; using %s", PrecisionEnvVar, prec, err, CurrentPrecision()))
		}
	}
	return errors.Join(errs...)
}

// EnvError reports bad NNLIB_GEMM or NNLIB_GEMM_PRECISION settings found at
// program start (an unknown kernel or one this CPU cannot run, an unknown
// precision or one the kernel lacks), or nil. The defaults are used for
// the settings in error.
func EnvError() error { return envErr }

// Kernels returns the kernels this CPU can run, slowest first.
func Kernels() []Kernel {
	ks := make([]Kernel, len(kernels))
	for i, k := range kernels {
		ks[i] = k.kind
	}
	return ks
}

// Use makes Dgemm run the kernel kind, in the current precision. It
// returns an error if kind is unknown or not supported by this CPU, or if
// the precision is Float32 and kind is gonum (call SetPrecision(Float64)
// first).
func Use(kind Kernel) error {
	setMu.Lock()
	defer setMu.Unlock()
	prec := current.Load().prec
	for _, k := range kernels {
		if k.kind != kind {
			continue
		}
		if prec == Float32 && k.s == nil {
			return fmt.Errorf("kernel %q has no float32 precision (SetPrecision(Float64) first)", kind)
		}
		current.Store(&setting{k: k, prec: prec})
		return nil
	}
	return fmt.Errorf("kernel %q is not available on this machine (available: %v)", kind, Kernels())
}

// Current returns the kernel Dgemm runs.
func Current() Kernel { return current.Load().k.kind }

// SetPrecision sets the arithmetic of Dgemm: Float64 (the default) or
// Float32, which every kernel but gonum has. It returns an error, and
// changes nothing, for an unknown precision or Float32 with gonum.
func SetPrecision(p Precision) error {
	if p != Float64 && p != Float32 {
		return fmt.Errorf("unknown precision %v (want Float64 or Float32)", p)
	}
	setMu.Lock()
	defer setMu.Unlock()
	k := current.Load().k
	if p == Float32 && k.s == nil {
		return fmt.Errorf("kernel %q has no float32 precision (use go, avx2 or avx512)", k.kind)
	}
	current.Store(&setting{k: k, prec: p})
	return nil
}

// CurrentPrecision returns the precision Dgemm computes in.
func CurrentPrecision() Precision { return current.Load().prec }

// Name returns a description of the kernel Dgemm runs, its precision and
// its thread count, for example "avx512 12×16, 2 threads" in Float64 and
// "avx512 12×32 float32, 2 threads" in Float32 ("gonum" alone: gonum's
// Dgemm manages its own goroutines).
func Name() string {
	st := current.Load()
	if st.k.d == nil {
		return string(st.k.kind)
	}
	t := Threads()
	s := "s"
	if t == 1 {
		s = ""
	}
	if st.prec == Float32 {
		return fmt.Sprintf("%s %d×%d float32, %d thread%s", st.k.kind, st.k.s.mr, st.k.s.nr, t, s)
	}
	return fmt.Sprintf("%s %d×%d, %d thread%s", st.k.kind, st.k.d.mr, st.k.d.nr, t, s)
}

// SetThreads sets how many threads Dgemm uses for large products. n ≤ 0
// means runtime.GOMAXPROCS(0), which is the default. The threads are a pool
// of goroutines started once and reused by every call.
func SetThreads(n int) {
	if n < 0 {
		n = 0
	}
	threads.Store(int32(n))
}

// Threads returns the number of threads Dgemm uses for large products.
func Threads() int {
	if n := int(threads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// Implementation is gonum's pure-Go BLAS with Dgemm replaced by the fast
// kernel. After
//
//	blas64.Use(gemm.Implementation{})
//
// every mat.Dense.Mul of Dense operands (and of their T() views) runs Dgemm
// below.
type Implementation struct {
	gonum.Implementation
}

// Dgemm performs one of the matrix-matrix operations
//
//	C = alpha * A * B + beta * C
//	C = alpha * Aᵀ * B + beta * C
//	C = alpha * A * Bᵀ + beta * C
//	C = alpha * Aᵀ * Bᵀ + beta * C
//
// with row-major storage, exactly as gonum's Implementation.Dgemm: C is m×n,
// op(A) is m×k and op(B) is k×n. It is the package function Dgemm.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

const (
	badTranspose = "blas: illegal transpose"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)

// Dgemm computes
//
//	C = alpha · op(A) · op(B) + beta · C
//
// for row-major matrices, where op(X) is X or Xᵀ as tA and tB say, C is m×n
// with stride ldc, op(A) is m×k and op(B) is k×n (A and B stored with
// strides lda and ldb). It checks its arguments and panics as gonum's
// Dgemm does. With beta == 0, C is overwritten (NaNs in C do not
// propagate); with alpha == 0 or k == 0, A and B are not read.
//
// The current kernel (see Use) packs op(A) and op(B) into contiguous
// panels and computes C tile by tile, large products on Threads() threads;
// each element of C is computed by one thread in a fixed order, so results
// do not depend on the thread count. In Float32 precision (SetPrecision)
// the products and their sums over each block of k are float32. See the
// package documentation.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	switch tA {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	switch tB {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	aTrans := tA != blas.NoTrans
	bTrans := tB != blas.NoTrans
	if aTrans {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	if bTrans {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	if aTrans {
		if len(a) < (k-1)*lda+m {
			panic(shortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if bTrans {
		if len(b) < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}

	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	st := current.Load()
	switch {
	case st.prec == Float32:
		run(&thePool.jobS, st.k.s, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	case st.k.d == nil:
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	default:
		run(&thePool.jobD, st.k.d, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// scale sets C = beta·C (C = 0 when beta == 0).
func scale(m, n int, beta float64, c []float64, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
