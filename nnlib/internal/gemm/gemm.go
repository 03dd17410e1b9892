package gemm

import (
	"fmt"
	"os"
	"runtime"
	"strings"
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
	AVX2   Kernel = "avx2"   // packed algorithm with a 6×8 AVX2+FMA micro-kernel
	AVX512 Kernel = "avx512" // packed algorithm with a 12×16 AVX-512 micro-kernel
)

// EnvVar is the environment variable read at program start to choose the
// kernel: NNLIB_GEMM=gonum|go|avx2|avx512. Unset or empty means the fastest
// kernel this CPU supports.
const EnvVar = "NNLIB_GEMM"

// microKernel computes an mr×nr tile of C; see kernel.micro.
type microKernel = func(k int, a, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

// kernel describes one packed kernel: an mr×nr register tile computed by
// micro, and the cache-block sizes kc (depth), mc (rows of A per packed
// block) and nc (columns of B per packed block).
type kernel struct {
	kind       Kernel
	mr, nr     int
	kc, mc, nc int
	// micro computes the mr×nr tile
	//	C = alpha·(Ã·B̃) + beta·C
	// where Ã is a packed mr×k panel (k columns of mr values), B̃ a k×nr
	// panel whose rows are ldb apart (ldb = nr when packed) and C is
	// row-major with stride ldc. With beta == 0, C is only written.
	micro microKernel
	// edge[r-1], if not nil, computes only the first r rows of the tile
	// (A still packed mr wide), for the last rows of C.
	edge []microKernel
	// copyA and gatherA, if not nil, pack full panels of A (mr wide) from
	// Aᵀ and A; copyB and gatherB full panels of B (nr wide) from B and
	// Bᵀ: see copyPanels16 and gatherRows16.
	copyA, copyB     func(dst, src *float64, ld, k, np, pstride int)
	gatherA, gatherB func(dst, src *float64, ld, k int)
}

var (
	gonumKernel = &kernel{kind: Gonum}
	goKernel    = &kernel{kind: Go, mr: 2, nr: 4, kc: 256, mc: 128, nc: 512, micro: microGo}

	// kernels lists the available kernels, slowest first; filled by init.
	kernels []*kernel
	current atomic.Pointer[kernel]
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
	current.Store(best)
	envErr = useEnv(os.Getenv(EnvVar))
}

// useEnv applies the value v of NNLIB_GEMM (case and surrounding spaces do
// not matter; empty keeps the current kernel).
func useEnv(v string) error {
	kind := Kernel(strings.ToLower(strings.TrimSpace(v)))
	if kind == "" {
		return nil
	}
	if err := Use(kind); err != nil {
		return fmt.Errorf("gemm: %s=%q: %w; using %s", EnvVar, v, err, Current())
	}
	return nil
}

// EnvError reports a bad NNLIB_GEMM setting found at program start (an
// unknown kernel or one this CPU cannot run), or nil. The default kernel is
// used in that case.
func EnvError() error { return envErr }

// Kernels returns the kernels this CPU can run, slowest first.
func Kernels() []Kernel {
	ks := make([]Kernel, len(kernels))
	for i, k := range kernels {
		ks[i] = k.kind
	}
	return ks
}

// Use makes Dgemm run the kernel kind. It returns an error if kind is unknown
// or not supported by this CPU.
func Use(kind Kernel) error {
	for _, k := range kernels {
		if k.kind == kind {
			current.Store(k)
			return nil
		}
	}
	return fmt.Errorf("kernel %q is not available on this machine (available: %v)", kind, Kernels())
}

// Current returns the kernel Dgemm runs.
func Current() Kernel { return current.Load().kind }

// Name returns a description of the kernel Dgemm runs and its thread count,
// for example "avx512 12×16, 2 threads" ("gonum" alone: gonum's Dgemm
// manages its own goroutines).
func Name() string {
	k := current.Load()
	if k.micro == nil {
		return string(k.kind)
	}
	t := Threads()
	s := "s"
	if t == 1 {
		s = ""
	}
	return fmt.Sprintf("%s %d×%d, %d thread%s", k.kind, k.mr, k.nr, t, s)
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
// do not depend on the thread count. See the package documentation.
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
	kn := current.Load()
	if kn.micro == nil {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	run(kn, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
