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
	for i, pr := range products {
		want[i] = new(mat.Dense)
		want[i].Mul(pr.a, pr.b) // gonum's default BLAS
	}
	useFast(t)
	withKernel(t, func(t *testing.T) {
		for i, pr := range products {
			var got mat.Dense
			got.Mul(pr.a, pr.b)
			if !mat.EqualApprox(&got, want[i], 1e-12*k) {
				t.Errorf("%s: differs from gonum's BLAS by up to %g", pr.name, maxDiff(&got, want[i]))
			}
		}
	})
	if _, ok := blas64.Implementation().(Implementation); !ok {
		t.Fatalf("blas64.Implementation() = %T, want gemm.Implementation", blas64.Implementation())
	}
}

func maxDiff(a, b *mat.Dense) float64 {
	r, c := a.Dims()
	var d float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d = math.Max(d, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return d
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
// callers that do not get the thread pool compute on spare workspaces.
func TestConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	a := randDense(rng, 150, 200)
	b := randDense(rng, 200, 170)
	var want mat.Dense
	want.Mul(a, b)
	useFast(t)
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			var c mat.Dense
			for range 20 {
				c.Mul(a, b)
				if !mat.EqualApprox(&c, &want, 1e-10) {
					errs <- fmt.Errorf("goroutine %d: wrong product", g)
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
	if err := useEnv(" GONUM "); err != nil || Current() != Gonum {
		t.Errorf(`useEnv(" GONUM "): err %v, kernel %s; want gonum`, err, Current())
	}
	if err := useEnv(""); err != nil || Current() != Gonum {
		t.Errorf(`useEnv(""): err %v, kernel %s; want no change`, err, Current())
	}
	err := useEnv("avx1024")
	if err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf(`useEnv("avx1024") = %v, want an error naming %s`, err, EnvVar)
	}
}
