package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// benchShape is one product of a training step of the MLP 784-256-256-10
// with batch 100 (plus a square reference size).
type benchShape struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}

var benchShapes = []benchShape{
	{"fwd1_100x784x256", blas.NoTrans, blas.NoTrans, 100, 256, 784},
	{"fwd2_100x256x256", blas.NoTrans, blas.NoTrans, 100, 256, 256},
	{"fwd3_100x256x10", blas.NoTrans, blas.NoTrans, 100, 10, 256},
	{"dW1_784x100x256_TN", blas.Trans, blas.NoTrans, 784, 256, 100},
	{"dW2_256x100x256_TN", blas.Trans, blas.NoTrans, 256, 256, 100},
	{"dW3_256x100x10_TN", blas.Trans, blas.NoTrans, 256, 10, 100},
	{"dX3_100x10x256_NT", blas.NoTrans, blas.Trans, 100, 256, 10},
	{"dX2_100x256x256_NT", blas.NoTrans, blas.Trans, 100, 256, 256},
	{"sq512", blas.NoTrans, blas.NoTrans, 512, 512, 512},
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64() - 0.5
	}
	return s
}

func benchGemm(b *testing.B, s benchShape) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := randSlice(rng, s.m*s.k)
	bb := randSlice(rng, s.k*s.n)
	c := randSlice(rng, s.m*s.n)
	lda, ldb := s.k, s.n
	if s.tA == blas.Trans {
		lda = s.m
	}
	if s.tB == blas.Trans {
		ldb = s.k
	}
	Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
	b.ResetTimer()
	for b.Loop() {
		Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
	}
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
	b.ReportMetric(flops*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
}

// setup selects the kernel, the precision and the thread count for a
// benchmark and restores them when it ends. gonum's Dgemm starts its own
// goroutines, GOMAXPROCS of them, so for gonum the thread count sets
// GOMAXPROCS.
func setup(b *testing.B, kind Kernel, prec Precision, th int) {
	restore(b)
	use(b, kind, prec)
	SetThreads(th)
	procs := runtime.GOMAXPROCS(0)
	if kind == Gonum {
		runtime.GOMAXPROCS(th)
	}
	b.Cleanup(func() { runtime.GOMAXPROCS(procs) })
}

// benchModes are the kernels and precisions of the per-shape benchmarks
// ("go", the pure-Go micro-kernel, is in BenchmarkStep and BenchmarkSmall
// only).
func benchModes() []setting {
	var ms []setting
	for _, md := range modes() {
		if md.k.kind != Go {
			ms = append(ms, md)
		}
	}
	return ms
}

// BenchmarkDgemm measures every shape with every kernel in each precision
// on 1 and 2 threads:
//
//	go test -run '^$' -bench Dgemm -benchtime 40x -count 5 ./nnlib/internal/gemm/
func BenchmarkDgemm(b *testing.B) {
	for _, s := range benchShapes {
		for _, md := range benchModes() {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/%s/threads=%d", s.name, md.k.kind, md.prec, th), func(b *testing.B) {
					setup(b, md.k.kind, md.prec, th)
					benchGemm(b, s)
				})
			}
		}
	}
}

// BenchmarkStep measures all eight products of one training step together
// (121 MFLOP; an epoch of 60000 examples is 600 steps, 73 GFLOP).
func BenchmarkStep(b *testing.B) {
	for _, md := range modes() {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%s/threads=%d", md.k.kind, md.prec, th), func(b *testing.B) {
				setup(b, md.k.kind, md.prec, th)
				stepOnce(b)
			})
		}
	}
}

// stepOnce runs the products of a training step with the current kernel.
func stepOnce(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	type op struct {
		s       benchShape
		a, b, c []float64
	}
	var ops []op
	var flops float64
	for _, s := range benchShapes[:8] {
		ops = append(ops, op{s, randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), randSlice(rng, s.m*s.n)})
		flops += 2 * float64(s.m*s.n*s.k)
	}
	for b.Loop() {
		for _, o := range ops {
			s := o.s
			lda, ldb := s.k, s.n
			if s.tA == blas.Trans {
				lda = s.m
			}
			if s.tB == blas.Trans {
				ldb = s.k
			}
			Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, o.a, lda, o.b, ldb, 0, o.c, s.n)
		}
	}
	b.ReportMetric(flops*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GFLOP/s")
	b.ReportMetric(600*float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/epoch")
}

// BenchmarkSmall compares the kernels on small products, where packing
// costs the most relative to the arithmetic. The packed kernels tie with
// gonum up to 8×8×8 (well under a microsecond either way) and win from
// 16×16×16 up, so Dgemm has no small-size shortcut to gonum.
func BenchmarkSmall(b *testing.B) {
	shapes := []benchShape{
		{"4x4x4", blas.NoTrans, blas.NoTrans, 4, 4, 4},
		{"8x8x8", blas.NoTrans, blas.NoTrans, 8, 8, 8},
		{"16x16x16", blas.NoTrans, blas.NoTrans, 16, 16, 16},
		{"32x32x32", blas.NoTrans, blas.NoTrans, 32, 32, 32},
		{"64x64x64", blas.NoTrans, blas.NoTrans, 64, 64, 64},
		{"iris_150x4x16", blas.NoTrans, blas.NoTrans, 150, 16, 4},
		{"iris_4x150x16_TN", blas.Trans, blas.NoTrans, 4, 16, 150},
	}
	for _, s := range shapes {
		for _, md := range modes() {
			b.Run(fmt.Sprintf("%s/%s/%s", s.name, md.k.kind, md.prec), func(b *testing.B) {
				setup(b, md.k.kind, md.prec, 1)
				benchGemm(b, s)
			})
		}
	}
}
