package nnlib

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// withGEMM runs f with each available kernel and thread count, then puts
// the defaults back.
func withGEMM(t *testing.T, f func(t *testing.T, kernel string, threads int)) {
	kernels := GEMMKernels()
	def := kernels[len(kernels)-1] // the fastest, which is the default
	defer func() {
		if err := UseGEMM(def); err != nil {
			t.Fatal(err)
		}
		SetGEMMThreads(0)
	}()
	for _, k := range kernels {
		for _, threads := range []int{1, 2} {
			if err := UseGEMM(k); err != nil {
				t.Fatal(err)
			}
			SetGEMMThreads(threads)
			f(t, k, threads)
		}
	}
}

// TestGEMMKernelsAgree checks that every matrix-multiply kernel gives the
// same gradients and the same training run, up to rounding, and passes the
// finite-difference check.
func TestGEMMKernelsAgree(t *testing.T) {
	var ref []*mat.Dense
	var refName string
	withGEMM(t, func(t *testing.T, kernel string, threads int) {
		rng := rand.New(rand.NewPCG(5, 6))
		small := NewSequential(NewLinear(12, 16, nil, rng), &Tanh{}, NewLinear(16, 3, nil, rng))
		sx, sy := randomClasses(rng, 5, 12, 3)
		if e := GradCheck(small, SoftmaxCrossEntropy{}, sx, sy); e > 1e-6 {
			t.Errorf("%s, %d threads: gradient check error %.2g > 1e-6", kernel, threads, e)
		}
		// Wide enough that the products are split between threads.
		x, y := randomClasses(rng, 300, 200, 10)
		net := mlp(rng, 200, 128, 64, 10)
		tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &Adam{}, Epochs: 3, BatchSize: 100, RNG: rng}
		if _, err := tr.Fit(net, x, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		w := weights(net)
		if ref == nil {
			ref, refName = w, kernel
			return
		}
		for i := range w {
			worst := 0.0
			a, b := w[i].RawMatrix().Data, ref[i].RawMatrix().Data
			for j := range a {
				worst = math.Max(worst, math.Abs(a[j]-b[j])/math.Max(1, math.Abs(b[j])))
			}
			if worst > 1e-9 {
				t.Errorf("%s, %d threads: param %d differs from %s's by %.2g after training", kernel, threads, i, refName, worst)
			}
		}
	})
}

// TestMNISTStepAllocatesNothing checks the promise of the fast path: a
// training step of the 784-256-256-10 MLP allocates nothing once its
// buffers and optimizer state exist, with every nnlib kernel. (gonum's own
// Dgemm starts goroutines for large products, which allocates.)
func TestMNISTStepAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST-size step skipped with -short")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := randomClasses(rng, 200, 784, 10)
	withGEMM(t, func(t *testing.T, kernel string, threads int) {
		if kernel == "gonum" {
			return
		}
		for _, opt := range []Optimizer{&SGD{LearningRate: 0.04}, &Adam{}} {
			tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: opt, Epochs: 1, BatchSize: 100, RNG: rng}
			r, err := tr.prepare(mlp(rng, 784, 256, 256, 10), x, y, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			idx := rng.Perm(200)[:100]
			for range 2 {
				r.step(idx)
			}
			if a := testing.AllocsPerRun(5, func() { r.step(idx) }); a != 0 {
				t.Errorf("%s, %d threads, %T: %v allocations per step, want 0", kernel, threads, opt, a)
			}
		}
	})
}

// TestGEMMPrecisionFloat32 checks the opt-in float32 products: a training
// run ends within float32 rounding of the float64 one, not bit for bit, and
// bad settings are refused with an error.
func TestGEMMPrecisionFloat32(t *testing.T) {
	kernels := GEMMKernels()
	def := kernels[len(kernels)-1]
	if def == "gonum" {
		t.Skip("no nnlib kernel on this CPU")
	}
	defer func() {
		if err := SetGEMMPrecision("float64"); err != nil {
			t.Fatal(err)
		}
	}()
	train := func() []*mat.Dense {
		rng := rand.New(rand.NewPCG(7, 8))
		x, y := randomClasses(rng, 300, 200, 10)
		net := mlp(rng, 200, 128, 64, 10)
		tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &SGD{LearningRate: 0.05}, Epochs: 2, BatchSize: 100, RNG: rng}
		if _, err := tr.Fit(net, x, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		return weights(net)
	}
	ref := train()
	if err := SetGEMMPrecision("float32"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(GEMM(), "float32") {
		t.Errorf("GEMM() = %q after SetGEMMPrecision(\"float32\"), want it to say float32", GEMM())
	}
	got := train()
	worst := 0.0
	for i := range got {
		a, b := got[i].RawMatrix().Data, ref[i].RawMatrix().Data
		for j := range a {
			worst = math.Max(worst, math.Abs(a[j]-b[j]))
		}
	}
	if worst == 0 || worst > 1e-4 {
		t.Errorf("float32 products moved the trained weights by %.2g, want rounding-sized (0 < d ≤ 1e-4)", worst)
	}
	if err := SetGEMMPrecision("float16"); err == nil || !strings.Contains(err.Error(), "float64 or float32") {
		t.Errorf("SetGEMMPrecision(\"float16\") = %v, want an error listing the choices", err)
	}
	if err := UseGEMM("gonum"); err == nil {
		t.Error("UseGEMM(\"gonum\") in float32 precision gave no error; gonum's Dgemm has no float32 mode")
		_ = UseGEMM(def)
	}
}
