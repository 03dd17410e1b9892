package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	return mat.NewDense(r, c, randSlice(rng, r*c))
}

// useFast installs Implementation into gonum's blas64 for the duration of
// the test.
func useFast(t *testing.T) {
	blas64.Use(Implementation{})
	t.Cleanup(func() { blas64.Use(gonum.Implementation{}) })
}

// TestMatMul checks that after blas64.Use(Implementation{}) mat.Dense.Mul
// of Dense operands and of their T() views agrees with gonum's own BLAS.
func TestMatMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const m, k, n = 100, 784, 37
	x := randDense(rng, m, k)  // m×k
	w := randDense(rng, k, n)  // k×n
	xt := randDense(rng, k, m) // k×m, used as xtᵀ
	wt := randDense(rng, n, k) // n×k, used as wtᵀ
	products := []struct {
		name string
		a, b mat.Matrix
	}{
		{"A·B", x, w},
		{"Aᵀ·B", xt.T(), w},
		{"A·Bᵀ", x, wt.T()},
		{"Aᵀ·Bᵀ", xt.T(), wt.T()},
	}
	want := make([]*mat.Dense, len(products))
	scale := make([]*mat.Dense, len(products)) // Σ|a|·|b| per element
	abs := func(m mat.Matrix) *mat.Dense {
		var d mat.Dense
		d.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, m)
		return &d
	}
	for i, pr := range products {
		want[i] = new(mat.Dense)
		want[i].Mul(pr.a, pr.b) // gonum's default BLAS
		scale[i] = new(mat.Dense)
		scale[i].Mul(abs(pr.a), abs(pr.b))
	}
	useFast(t)
	withKernel(t, func(t *testing.T) {
		for i, pr := range products {
			var got mat.Dense
			got.Mul(pr.a, pr.b)
			for r := range m {
				for c := range n {
					g, w := got.At(r, c), want[i].At(r, c)
					if tol := tolerance(k, 1, 0, scale[i].At(r, c), 0, w); !(math.Abs(g-w) <= tol) {
						t.Fatalf("%s: C[%d,%d] = %v, gonum's BLAS gives %v: differs by more than %.3g", pr.name, r, c, g, w, tol)
					}
				}
			}
		}
	})
	if _, ok := blas64.Implementation().(Implementation); !ok {
		t.Fatalf("blas64.Implementation() = %T, want gemm.Implementation", blas64.Implementation())
	}
}

// TestMulAllocs checks that a product into a correctly sized destination
// allocates nothing once the packing buffers and the thread pool exist.
func TestMulAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	x := randDense(rng, 100, 784)  // a batch
	w := randDense(rng, 784, 256)  // weights
	dy := randDense(rng, 100, 256) // output gradient
	y := mat.NewDense(100, 256, nil)
	dw := mat.NewDense(784, 256, nil)
	dx := mat.NewDense(100, 784, nil)
	xT, wT := x.T(), w.T()
	useFast(t)
	withKernel(t, func(t *testing.T) {
		if Current() == Gonum {
			t.Skip("gonum's own Dgemm starts goroutines on every call")
		}
		for _, tc := range []struct {
			name string
			f    func()
		}{
			{"X·W", func() { y.Mul(x, w) }},
			{"Xᵀ·dY", func() { dw.Mul(xT, dy) }},
			{"dY·Wᵀ", func() { dx.Mul(dy, wT) }},
		} {
			if got := testing.AllocsPerRun(5, tc.f); got != 0 {
				t.Errorf("%s: %v allocations per call, want 0", tc.name, got)
			}
		}
	})
}

// TestConcurrent runs products from several goroutines at once: the
// callers that do not get the thread pool compute on spare workspaces, and
// get the same result as the pool (the same k blocks in the same order).
func TestConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	a := randDense(rng, 150, 200)
	b := randDense(rng, 200, 170)
	var ref mat.Dense
	ref.Mul(a, b) // gonum's BLAS
	useFast(t)
	restore(t)
	for _, prec := range []Precision{Float64, Float32} {
		use(t, kernels[len(kernels)-1].kind, prec)
		var want mat.Dense
		want.Mul(a, b)
		if !mat.EqualApprox(&want, &ref, 1e-4) {
			t.Fatalf("%s: wrong product", Name())
		}
		errs := make(chan error, 4)
		for g := range 4 {
			go func() {
				var c mat.Dense
				for range 20 {
					c.Mul(a, b)
					if !mat.Equal(&c, &want) {
						errs <- fmt.Errorf("%s: goroutine %d: product differs from the one computed alone", Name(), g)
						return
					}
				}
				errs <- nil
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}

func TestUseAndName(t *testing.T) {
	old := Current()
	defer func() { _ = Use(old) }()
	if err := Use("sse9"); err == nil {
		t.Error(`Use("sse9") succeeded`)
	}
	ks := Kernels()
	if len(ks) < 2 || ks[0] != Gonum || ks[1] != Go {
		t.Fatalf("Kernels() = %v, want gonum and go first", ks)
	}
	for _, k := range ks {
		if err := Use(k); err != nil {
			t.Fatalf("Use(%q): %v", k, err)
		}
		if Current() != k {
			t.Errorf("after Use(%q), Current() = %q", k, Current())
		}
		if name := Name(); len(name) < len(k) || name[:len(k)] != string(k) {
			t.Errorf("Name() = %q, want it to start with %q", name, k)
		}
	}
	if err := EnvError(); err != nil {
		t.Logf("%s is set to a kernel this machine lacks: %v", EnvVar, err)
	}
}

func TestUseEnv(t *testing.T) {
	old := Current()
	defer func() { _ = Use(old) }()
	if err := useEnv(" GONUM ", ""); err != nil || Current() != Gonum {
		t.Errorf(`useEnv(" GONUM ", ""): err %v, kernel %s; want gonum`, err, Current())
	}
	if err := useEnv("", ""); err != nil || Current() != Gonum {
		t.Errorf(`useEnv("", ""): err %v, kernel %s; want no change`, err, Current())
	}
	err := useEnv("avx1024", "")
	if err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf(`useEnv("avx1024", "") = %v, want an error naming %s`, err, EnvVar)
	}
}
