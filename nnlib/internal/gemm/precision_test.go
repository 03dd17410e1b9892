package gemm

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// startPrecision is the precision set at program start.
var startPrecision Precision

// TestMain starts the tests from the Float64 default whatever
// NNLIB_GEMM_PRECISION says: the tests that want Float32 set it.
func TestMain(m *testing.M) {
	startPrecision = CurrentPrecision()
	if err := SetPrecision(Float64); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// withFloat32 runs f for each kernel with a Float32 mode on 1 and 2
// threads (a small threshold makes small products take the parallel
// path too).
func withFloat32(t *testing.T, f func(t *testing.T, kind Kernel)) {
	restore(t)
	withSmallParallel(t)
	for _, md := range modes() {
		if md.prec != Float32 {
			continue
		}
		for _, th := range []int{1, 2} {
			use(t, md.k.kind, Float32)
			SetThreads(th)
			t.Run(Name(), func(t *testing.T) { f(t, md.k.kind) })
		}
	}
}

// TestFloat32Rounds checks that Float32 rounds the operands to float32 and
// Float64 does not: (1 + 2⁻³⁰)·(1 + 2⁻³⁰) is 1 + 2⁻²⁹ + 2⁻⁶⁰ in float64
// (1 + 2⁻²⁹ rounded) but 1 in float32.
func TestFloat32Rounds(t *testing.T) {
	x := 1 + math.Ldexp(1, -30)
	a := []float64{x, x, x}
	for _, md := range modes() {
		restore(t)
		use(t, md.k.kind, md.prec)
		c := []float64{math.NaN()}
		Dgemm(blas.NoTrans, blas.Trans, 1, 1, 1, 1, a, 1, a, 1, 0, c, 1)
		want := x * x
		if md.prec == Float32 {
			want = 1
		}
		if c[0] != want {
			t.Errorf("%s: (1+2⁻³⁰)² = 1 + %g, want 1 + %g", Name(), c[0]-1, want-1)
		}
	}
}

// TestFloat32BlockSums checks that the float32 sums of successive k blocks
// are added in float64: with k two blocks deep, A a row of ones and B a
// column with 2²⁴ in the first block and ones in all of the second, C is
// 2²⁴ + kb exactly (each block's float32 sum is exact). Adding the ones to
// 2²⁴ in float32 would give 2²⁴ (2²⁴ + 1 is not a float32).
func TestFloat32BlockSums(t *testing.T) {
	withFloat32(t, func(t *testing.T, kind Kernel) {
		kn := current.Load().k.s
		k := 2 * kn.kc
		kb := blockK(kn, k)
		if kb != kn.kc {
			t.Fatalf("blockK(%d) = %d, want %d", k, kb, kn.kc)
		}
		const m, n = 13, 37 // full and edge tiles
		a := make([]float64, m*k)
		for i := range a {
			a[i] = 1
		}
		b := make([]float64, k*n) // k×n
		for j := 0; j < n; j++ {
			b[j] = 1 << 24
			for p := kb; p < k; p++ {
				b[p*n+j] = 1
			}
		}
		c := make([]float64, m*n)
		for _, tr := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			bb, ldb := b, n
			if tr == blas.Trans {
				bb, ldb = transpose(b, k, n), k
			}
			Dgemm(blas.NoTrans, tr, m, n, k, 1, a, k, bb, ldb, 0, c, n)
			for i, v := range c {
				if want := float64(1<<24 + kb); v != want {
					t.Fatalf("B %c: C[%d] = %v, want %v", tr, i, v, want)
				}
			}
		}
	})
}

// transpose returns the c×r transpose of the r×c row-major matrix x.
func transpose(x []float64, r, c int) []float64 {
	y := make([]float64, len(x))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			y[j*r+i] = x[i*c+j]
		}
	}
	return y
}

// TestFloat32Range checks the documented range of Float32: values beyond
// the largest float32 (3.4e38) become infinite, in float64 they do not.
func TestFloat32Range(t *testing.T) {
	restore(t)
	for _, md := range modes() {
		if md.k.d == nil {
			continue
		}
		use(t, md.k.kind, md.prec)
		a := []float64{1e39, 0}
		b := []float64{1, 1}
		c := []float64{0}
		Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 2, 1, a, 2, b, 1, 0, c, 1)
		if md.prec == Float32 && !math.IsInf(c[0], 1) {
			t.Errorf("%s: 1e39·1 = %v, want +Inf", Name(), c[0])
		}
		if md.prec == Float64 && c[0] != 1e39 {
			t.Errorf("%s: 1e39·1 = %v, want 1e39", Name(), c[0])
		}
	}
}

// TestSwitchPrecision alternates the precision: each mode gives the same
// result every time, and the two differ (the switch takes effect).
func TestSwitchPrecision(t *testing.T) {
	restore(t)
	rng := rand.New(rand.NewPCG(21, 22))
	const m, n, k = 100, 256, 300
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	for _, md := range modes() {
		if md.prec != Float32 {
			continue
		}
		use(t, md.k.kind, Float64)
		var first [2][]float64
		for i := range 6 {
			p := Precision(i % 2)
			if err := SetPrecision(p); err != nil {
				t.Fatal(err)
			}
			if CurrentPrecision() != p {
				t.Fatalf("CurrentPrecision() = %v after SetPrecision(%v)", CurrentPrecision(), p)
			}
			c := make([]float64, m*n)
			Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
			if first[p] == nil {
				first[p] = c
				continue
			}
			for j := range c {
				if c[j] != first[p][j] {
					t.Fatalf("%s: switch %d: C[%d] = %v, was %v", Name(), i, j, c[j], first[p][j])
				}
			}
		}
		same := 0
		for j := range first[0] {
			if first[0][j] == first[1][j] {
				same++
			}
		}
		if same > len(first[0])/10 {
			t.Errorf("%s: %d of %d elements equal in float64 and float32", md.k.kind, same, len(first[0]))
		}
	}
}

// TestPrecisionSettings checks SetPrecision, Use and Name together: the
// setting is always a kernel in a precision it has, and a failed call
// changes nothing.
func TestPrecisionSettings(t *testing.T) {
	restore(t)
	use(t, Gonum, Float64)
	if err := SetPrecision(Float32); err == nil {
		t.Error("SetPrecision(Float32) with gonum succeeded")
	}
	if Current() != Gonum || CurrentPrecision() != Float64 {
		t.Errorf("after a failed SetPrecision: %s %v, want gonum float64", Current(), CurrentPrecision())
	}
	if err := SetPrecision(Precision(7)); err == nil {
		t.Error("SetPrecision(7) succeeded")
	}
	if Name() != "gonum" {
		t.Errorf("Name() = %q, want gonum", Name())
	}
	use(t, Go, Float32)
	if err := Use(Gonum); err == nil {
		t.Error("Use(gonum) in Float32 succeeded")
	}
	if Current() != Go || CurrentPrecision() != Float32 {
		t.Errorf("after a failed Use: %s %v, want go float32", Current(), CurrentPrecision())
	}
	for _, md := range modes() {
		if md.k.d == nil {
			continue
		}
		use(t, md.k.kind, md.prec)
		name := Name()
		if !strings.HasPrefix(name, string(md.k.kind)+" ") || strings.Contains(name, "float32") != (md.prec == Float32) {
			t.Errorf("%s %v: Name() = %q", md.k.kind, md.prec, name)
		}
		// Use keeps the precision.
		if err := Use(Go); err != nil || CurrentPrecision() != md.prec {
			t.Errorf("%s %v: Use(go): %v, precision %v", md.k.kind, md.prec, err, CurrentPrecision())
		}
	}
	for _, tc := range []struct {
		s    string
		want Precision
		ok   bool
	}{{"float64", Float64, true}, {" Float32 ", Float32, true}, {"float16", 0, false}, {"", 0, false}} {
		p, err := ParsePrecision(tc.s)
		if (err == nil) != tc.ok || (tc.ok && p != tc.want) {
			t.Errorf("ParsePrecision(%q) = %v, %v", tc.s, p, err)
		}
	}
	if Float32.String() != "float32" || Float64.String() != "float64" {
		t.Errorf("String: %s, %s", Float32, Float64)
	}
}

// TestPrecisionEnv checks NNLIB_GEMM_PRECISION as useEnv applies it.
func TestPrecisionEnv(t *testing.T) {
	restore(t)
	use(t, Go, Float64)
	if err := useEnv("", " FLOAT32"); err != nil || Current() != Go || CurrentPrecision() != Float32 {
		t.Errorf(`useEnv("", " FLOAT32"): %v; %s %v, want go float32`, err, Current(), CurrentPrecision())
	}
	if err := useEnv("", ""); err != nil || CurrentPrecision() != Float32 {
		t.Errorf(`useEnv("", ""): %v; %v, want no change`, err, CurrentPrecision())
	}
	err := useEnv("", "half")
	if err == nil || !strings.Contains(err.Error(), PrecisionEnvVar) || CurrentPrecision() != Float32 {
		t.Errorf(`useEnv("", "half") = %v (precision %v), want an error naming %s and no change`, err, CurrentPrecision(), PrecisionEnvVar)
	}
	use(t, Go, Float64)
	// gonum has no float32 mode: the kernel is set, the precision refused.
	err = useEnv("gonum", "float32")
	if err == nil || !strings.Contains(err.Error(), PrecisionEnvVar) || Current() != Gonum || CurrentPrecision() != Float64 {
		t.Errorf(`useEnv("gonum", "float32") = %v; %s %v, want an error naming %s, gonum float64`, err, Current(), CurrentPrecision(), PrecisionEnvVar)
	}
	// Both wrong: both reported.
	use(t, Go, Float64)
	err = useEnv("avx1024", "float8")
	if err == nil || !strings.Contains(err.Error(), EnvVar+"=") || !strings.Contains(err.Error(), PrecisionEnvVar) {
		t.Errorf(`useEnv("avx1024", "float8") = %v, want errors naming both variables`, err)
	}
}

// TestFloat32Mul checks mat.Dense.Mul through blas64.Use in Float32 mode
// against float64 products within the float32 error bound, and that its
// products allocate nothing.
func TestFloat32Mul(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := randDense(rng, 100, 784)
	w := randDense(rng, 784, 256)
	var want, scale, absX, absW mat.Dense
	want.Mul(x, w) // gonum's own BLAS
	absX.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, x)
	absW.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, w)
	scale.Mul(&absX, &absW)
	useFast(t)
	withFloat32(t, func(t *testing.T, kind Kernel) {
		var got mat.Dense
		got.Mul(x, w)
		worst := 0.0
		for i := range 100 {
			for j := range 256 {
				g, wv := got.At(i, j), want.At(i, j)
				tol := tolerance(784, 1, 0, scale.At(i, j), 0, wv)
				if !(math.Abs(g-wv) <= tol) {
					t.Fatalf("C[%d,%d] = %v, want %v within %.3g", i, j, g, wv, tol)
				}
				worst = math.Max(worst, math.Abs(g-wv)/scale.At(i, j))
			}
		}
		// The float32 rounding must show (else the mode did not switch),
		// far below the bound ((kb+3)·2⁻²⁴ ≈ 2.4e-5 relative to Σ|x||w|).
		if worst == 0 || worst > 1e-5 {
			t.Errorf("worst error relative to Σ|x||w| = %.3g, want in (0, 1e-5]", worst)
		}
		if n := testing.AllocsPerRun(5, func() { got.Mul(x, w) }); n != 0 {
			t.Errorf("%v allocations per product, want 0", n)
		}
	})
}

// TestPrecisionEnvStart runs the test binary with NNLIB_GEMM_PRECISION set
// and checks what the program start made of it (in TestEnvChild).
func TestPrecisionEnvStart(t *testing.T) {
	if os.Getenv("GEMM_ENV_CHILD") != "" {
		t.Skip("in the child")
	}
	want32 := "ok float32"
	if len(asmKernels()) == 0 {
		want32 = "error float64" // the default kernel is gonum
	}
	for _, tc := range []struct{ env, want string }{
		{"float32", want32},
		{"float8", "error float64"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvChild$", "-test.v")
		cmd.Env = append(os.Environ(), "GEMM_ENV_CHILD=1", PrecisionEnvVar+"="+tc.env)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "child: "+tc.want) {
			t.Errorf("%s=%s: %v\n%s\nwant child: %s", PrecisionEnvVar, tc.env, err, out, tc.want)
		}
	}
}

// TestEnvChild reports the precision and error that the program start
// found (run by TestPrecisionEnvStart).
func TestEnvChild(t *testing.T) {
	if os.Getenv("GEMM_ENV_CHILD") == "" {
		t.Skip("run by TestPrecisionEnvStart")
	}
	status := "ok"
	if err := EnvError(); err != nil {
		status = "error"
		if !strings.Contains(err.Error(), PrecisionEnvVar) {
			status = "error without the variable's name"
		}
	}
	t.Logf("child: %s %v", status, startPrecision)
}
