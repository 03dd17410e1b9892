package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// opAt returns op(X)[r, c] for a row-major X with stride ld: X[r, c], or
// X[c, r] when t transposes.
func opAt(t blas.Transpose, x []float64, ld, r, c int) float64 {
	if t == blas.NoTrans {
		return x[r*ld+c]
	}
	return x[c*ld+r]
}

// refGemm is the textbook triple loop: C = alpha·op(A)·op(B) + beta·C, with
// C = alpha·op(A)·op(B) when beta == 0.
func refGemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += opAt(tA, a, lda, i, p) * opAt(tB, b, ldb, p, j)
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

// absGemm sets S[i, j] = Σp |op(A)[i, p]|·|op(B)[p, j]|, the scale of the
// rounding errors of C[i, j].
func absGemm(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, s []float64, lds int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var sum float64
			for p := 0; p < k; p++ {
				sum += math.Abs(opAt(tA, a, lda, i, p) * opAt(tB, b, ldb, p, j))
			}
			s[i*lds+j] = sum
		}
	}
}

// float32Unit is the unit roundoff of float32, 2⁻²⁴.
const float32Unit = 1.0 / (1 << 24)

// tolerance bounds |C[i, j] − exact| for the current kernel and precision,
// given S = Σp |op(A)[i, p]|·|op(B)[p, j]| and the original C[i, j]:
//
//	Float64: 1e-12·(k+1)·max(1, |want|) (the float64 reference's own error
//	         included)
//	Float32: |alpha|·S·(kb+3)·u·(1 + 1e-6) + 1e-12·(|alpha|·S + |beta|·|c0|)
//
// with u = 2⁻²⁴ and kb the depth of the k blocks. The float32 term: rounding
// A and B to float32 changes each product by at most (2u + u²)·|a·b|;
// summing at most kb products in float32 (one rounding per FMA, or per
// multiply and per add in the pure-Go kernel) adds at most
// γ(kb+1)·Σ|ã·b̃| ≈ (kb+1)·u·S. The rest (alpha, beta, adding the blocks in
// float64, and the reference's error) is float64 rounding.
func tolerance(k int, alpha, beta, s, c0, want float64) float64 {
	st := current.Load()
	if st.prec == Float64 {
		return 1e-12 * float64(k+1) * math.Max(1, math.Abs(want))
	}
	kb := 0.0
	if k > 0 {
		kb = float64(blockK(st.k.s, k))
	}
	as := math.Abs(alpha) * s
	return as*(kb+3)*float32Unit*(1+1e-6) + 1e-12*(as+math.Abs(beta)*math.Abs(c0))
}

const sentinel = -12345.678

type gemmCase struct {
	tA, tB      blas.Transpose
	m, n, k     int
	alpha, beta float64
	padA, padB  int // extra stride beyond the minimum
	padC        int
	nanC        bool // fill C with NaN (only meaningful with beta == 0)
}

func (tc gemmCase) String() string {
	t := func(x blas.Transpose) string {
		if x == blas.NoTrans {
			return "N"
		}
		return "T"
	}
	return fmt.Sprintf("%s%s/m=%d,n=%d,k=%d/alpha=%g,beta=%g/pad=%d,%d,%d/nan=%v",
		t(tc.tA), t(tc.tB), tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.padA, tc.padB, tc.padC, tc.nanC)
}

// problem is a gemmCase with its random operands and the reference result.
type problem struct {
	tc            gemmCase
	a, b, c0      []float64
	want          []float64
	s             []float64 // Σ|a|·|b| for each element of C (see tolerance)
	lda, ldb, ldc int
}

// newProblem fills A, B and C with random values (NaN in C if tc.nanC) and
// sentinels in the padding beyond each row, and computes the reference.
func newProblem(rng *rand.Rand, tc gemmCase) *problem {
	ar, ac := tc.m, tc.k
	if tc.tA != blas.NoTrans {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.tB != blas.NoTrans {
		br, bc = tc.n, tc.k
	}
	pr := &problem{tc: tc, lda: max(1, ac) + tc.padA, ldb: max(1, bc) + tc.padB, ldc: max(1, tc.n) + tc.padC}
	fill := func(rows, cols, ld int, nan bool) []float64 {
		s := make([]float64, max(rows*ld, 1))
		for i := range s {
			s[i] = sentinel
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				if nan {
					s[i*ld+j] = math.NaN()
				} else {
					s[i*ld+j] = rng.Float64()*2 - 1
				}
			}
		}
		return s
	}
	pr.a = fill(ar, ac, pr.lda, false)
	pr.b = fill(br, bc, pr.ldb, false)
	pr.c0 = fill(tc.m, tc.n, pr.ldc, tc.nanC)
	pr.want = append([]float64(nil), pr.c0...)
	refGemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, pr.a, pr.lda, pr.b, pr.ldb, tc.beta, pr.want, pr.ldc)
	pr.s = make([]float64, len(pr.c0))
	absGemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, pr.a, pr.lda, pr.b, pr.ldb, pr.s, pr.ldc)
	return pr
}

// check runs Dgemm on the problem and compares C with the reference
// element-wise within tolerance (which depends on the precision), and
// checks that A and B are unchanged and the padding of C kept its sentinel
// values.
func (pr *problem) check(t *testing.T) {
	t.Helper()
	tc := pr.tc
	a := append([]float64(nil), pr.a...)
	b := append([]float64(nil), pr.b...)
	c := append([]float64(nil), pr.c0...)
	Dgemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, pr.lda, b, pr.ldb, tc.beta, c, pr.ldc)
	for i := range a {
		if a[i] != pr.a[i] {
			t.Fatalf("%v: A changed at %d", tc, i)
		}
	}
	for i := range b {
		if b[i] != pr.b[i] {
			t.Fatalf("%v: B changed at %d", tc, i)
		}
	}
	ldc := pr.ldc
	for i := 0; i < tc.m; i++ {
		for j := 0; j < ldc && i*ldc+j < len(c); j++ {
			got, w := c[i*ldc+j], pr.want[i*ldc+j]
			if j >= tc.n {
				if got != sentinel {
					t.Fatalf("%v: padding C[%d,%d] = %v, want sentinel", tc, i, j, got)
				}
				continue
			}
			tol := tolerance(tc.k, tc.alpha, tc.beta, pr.s[i*ldc+j], pr.c0[i*ldc+j], w)
			if math.IsNaN(got) || math.Abs(got-w) > tol {
				t.Fatalf("%v: C[%d,%d] = %v, want %v within %.3g (%s)", tc, i, j, got, w, tol, Name())
			}
		}
	}
}

// check builds the problem tc and checks the current kernel on it.
func check(t *testing.T, rng *rand.Rand, tc gemmCase) {
	t.Helper()
	newProblem(rng, tc).check(t)
}

// restore restores the kernel, precision and thread count when the test
// ends.
func restore(t testing.TB) {
	old, oldThreads := *current.Load(), int(threads.Load())
	t.Cleanup(func() {
		current.Store(&old)
		SetThreads(oldThreads)
	})
}

// use sets the kernel and the precision.
func use(t testing.TB, kind Kernel, prec Precision) {
	t.Helper()
	if err := SetPrecision(Float64); err != nil {
		t.Fatal(err)
	}
	if err := Use(kind); err != nil {
		t.Fatal(err)
	}
	if err := SetPrecision(prec); err != nil {
		t.Fatal(err)
	}
}

// modes lists the available kernels with each precision they have.
func modes() []setting {
	var ms []setting
	for _, k := range kernels {
		ms = append(ms, setting{k, Float64})
		if k.s != nil {
			ms = append(ms, setting{k, Float32})
		}
	}
	return ms
}

// withKernel runs f for each available kernel in each of its precisions
// and thread count 1 and 2, restoring the settings afterwards.
func withKernel(t *testing.T, f func(t *testing.T)) {
	restore(t)
	for _, md := range modes() {
		for _, th := range []int{1, 2} {
			use(t, md.k.kind, md.prec)
			SetThreads(th)
			t.Run(fmt.Sprintf("%s/%s/threads=%d", md.k.kind, md.prec, th), f)
		}
	}
}

// withSmallParallel lowers the threshold so that small products also take
// the parallel path.
func withSmallParallel(t *testing.T) {
	old := parallelMinFlops
	parallelMinFlops = 0
	t.Cleanup(func() { parallelMinFlops = old })
}

var (
	sizes  = []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 129, 257}
	scalar = []float64{0, 1, -0.5, 2}
	trans  = []blas.Transpose{blas.NoTrans, blas.Trans}
)

func TestDgemmShapes(t *testing.T) {
	withSmallParallel(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var problems []*problem
	for _, tA := range trans {
		for _, tB := range trans {
			for range 40 {
				tc := gemmCase{
					tA: tA, tB: tB,
					m: sizes[rng.IntN(len(sizes))], n: sizes[rng.IntN(len(sizes))], k: sizes[rng.IntN(len(sizes))],
					alpha: scalar[rng.IntN(len(scalar))], beta: scalar[rng.IntN(len(scalar))],
					padA: rng.IntN(3) * 3, padB: rng.IntN(3) * 5, padC: rng.IntN(3) * 2,
				}
				if tc.m*tc.n*tc.k > 2e6 {
					tc.k = 9
				}
				tc.nanC = tc.beta == 0 && rng.IntN(2) == 0
				problems = append(problems, newProblem(rng, tc))
			}
		}
	}
	withKernel(t, func(t *testing.T) {
		for _, pr := range problems {
			pr.check(t)
		}
	})
}

// TestDgemmEdges covers every row count of the edge kernels and every
// column remainder of the edge tiles: m and n from 1 to 33.
func TestDgemmEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var problems []*problem
	for d := 1; d <= 33; d++ {
		problems = append(problems,
			newProblem(rng, gemmCase{tA: trans[d&1], tB: trans[d>>1&1], m: d, n: 19, k: 6, alpha: 1, beta: -0.5, padC: 1}),
			newProblem(rng, gemmCase{tA: trans[d>>1&1], tB: trans[d&1], m: 13, n: d, k: 7, alpha: 2, beta: 0, nanC: true, padC: 1}))
	}
	withKernel(t, func(t *testing.T) {
		for _, pr := range problems {
			pr.check(t)
		}
	})
}

// TestDgemmBlocks covers products that span several kc, mc and nc blocks
// and several chunks per thread.
func TestDgemmBlocks(t *testing.T) {
	withSmallParallel(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var problems []*problem
	for _, tA := range trans {
		for _, tB := range trans {
			problems = append(problems,
				newProblem(rng, gemmCase{tA: tA, tB: tB, m: 67, n: 531, k: 600, alpha: -0.5, beta: 2, padA: 1, padB: 2, padC: 3}),
				newProblem(rng, gemmCase{tA: tA, tB: tB, m: 531, n: 67, k: 100, alpha: 1, beta: 1, padC: 1}),
				newProblem(rng, gemmCase{tA: tA, tB: tB, m: 131, n: 9, k: 515, alpha: 1, beta: 0, nanC: true}))
		}
	}
	withKernel(t, func(t *testing.T) {
		for _, pr := range problems {
			pr.check(t)
		}
	})
}

// TestDgemmSpecial covers alpha = 0, k = 0 and beta = 0 over NaN.
func TestDgemmSpecial(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var problems []*problem
	for _, beta := range scalar {
		problems = append(problems,
			newProblem(rng, gemmCase{tA: blas.NoTrans, tB: blas.NoTrans, m: 17, n: 33, k: 0, alpha: 1, beta: beta, padC: 2}),
			newProblem(rng, gemmCase{tA: blas.Trans, tB: blas.NoTrans, m: 17, n: 33, k: 9, alpha: 0, beta: beta, padC: 2}))
	}
	// A product of the MLP's size, into a C full of NaN with beta = 0.
	problems = append(problems, newProblem(rng, gemmCase{tA: blas.NoTrans, tB: blas.Trans, m: 100, n: 256, k: 784, alpha: 1, beta: 0, nanC: true, padC: 1}))
	withKernel(t, func(t *testing.T) {
		for _, pr := range problems {
			pr.check(t)
		}
		// A and B are not read when alpha == 0: NaNs in them must not reach C.
		a := []float64{math.NaN(), math.NaN()}
		c := []float64{3, 4}
		Dgemm(blas.NoTrans, blas.NoTrans, 1, 2, 1, 0, a, 1, a, 2, 0.5, c, 2)
		if c[0] != 1.5 || c[1] != 2 {
			t.Errorf("alpha = 0: C = %v, want [1.5 2]", c)
		}
	})
}

// TestDeterministic checks that the result does not depend on the thread
// count: every element of C is computed by one thread in the same order.
func TestDeterministic(t *testing.T) {
	restore(t)
	rng := rand.New(rand.NewPCG(7, 8))
	m, n, k := 203, 301, 517
	a := make([]float64, m*k)
	b := make([]float64, k*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for _, md := range modes() {
		use(t, md.k.kind, md.prec)
		var first []float64
		for _, th := range []int{1, 2, 3} {
			SetThreads(th)
			c := make([]float64, m*n)
			Dgemm(blas.Trans, blas.NoTrans, m, n, k, 1, a, m, b, n, 0, c, n)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if c[i] != first[i] {
					t.Fatalf("%s %v: %d threads: C[%d] = %v, 1 thread gave %v", md.k.kind, md.prec, th, i, c[i], first[i])
				}
			}
		}
	}
}

func TestPanics(t *testing.T) {
	s := make([]float64, 100)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"transpose", func() { Dgemm('X', blas.NoTrans, 2, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, badTranspose},
		{"m", func() { Dgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, mLT0},
		{"n", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, -1, 2, 1, s, 2, s, 2, 0, s, 2) }, nLT0},
		{"k", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, -1, 1, s, 2, s, 2, 0, s, 2) }, kLT0},
		{"lda", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }, badLdA},
		{"ldaT", func() { Dgemm(blas.Trans, blas.NoTrans, 3, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, badLdA},
		{"ldb", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, 3, 2, 1, s, 2, s, 2, 0, s, 3) }, badLdB},
		{"ldbT", func() { Dgemm(blas.NoTrans, blas.Trans, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }, badLdB},
		{"ldc", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }, badLdC},
		{"shortA", func() { Dgemm(blas.NoTrans, blas.NoTrans, 20, 2, 20, 1, s, 20, s, 2, 0, s, 2) }, shortA},
		{"shortB", func() { Dgemm(blas.NoTrans, blas.NoTrans, 2, 20, 20, 1, s, 20, s, 20, 0, s, 20) }, shortB},
		{"shortC", func() { Dgemm(blas.NoTrans, blas.NoTrans, 20, 20, 2, 1, s, 2, s, 20, 0, s, 20) }, shortC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func FuzzDgemm(f *testing.F) {
	f.Add(uint8(0), uint8(3), uint8(5), uint8(7), uint8(1), uint8(2), uint64(1))
	f.Add(uint8(3), uint8(13), uint8(17), uint8(33), uint8(0), uint8(3), uint64(2))
	f.Fuzz(func(t *testing.T, tr, m, n, k, ab, pad uint8, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 99))
		tc := gemmCase{
			tA: trans[tr&1], tB: trans[tr>>1&1],
			m: int(m % 40), n: int(n % 40), k: int(k % 40),
			alpha: scalar[ab&3], beta: scalar[ab>>2&3],
			padA: int(pad & 3), padB: int(pad >> 2 & 3), padC: int(pad >> 4 & 3),
		}
		tc.nanC = tc.beta == 0 && ab&16 != 0
		pr := newProblem(rng, tc)
		restore(t)
		for _, md := range modes() {
			use(t, md.k.kind, md.prec)
			pr.check(t)
		}
	})
}
