package nnlib

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestParallelLoopsMatchSerial checks the element-wise loops that run on
// several threads against plain serial loops, bit for bit, for sizes below,
// at and above the size where they split, with the pool's threads awake.
func TestParallelLoopsMatchSerial(t *testing.T) {
	SetGEMMThreads(2)
	defer SetGEMMThreads(0)
	rng := rand.New(rand.NewPCG(3, 3))
	wake := func() { // a product large enough to use the pool's threads
		var c mat.Dense
		c.Mul(ltRand(rng, 200, 200, -1, 1), ltRand(rng, 200, 200, -1, 1))
	}
	for _, rows := range []int{1, 31, 32, 33, 500} {
		const cols = 256 // rowGrain(256) = 32 rows
		z, dy := ltRand(rng, rows, cols, -1, 1), ltRand(rng, rows, cols, -1, 1)
		z.Set(0, 0, math.NaN())
		var loop reluLoop
		out := make([]float64, rows*cols)
		wake()
		loop.run(z.RawMatrix(), blas64.General{}, out)
		for i, v := range z.RawMatrix().Data {
			if want := max(v, 0); out[i] != want && !(math.IsNaN(v) && math.IsNaN(out[i])) {
				t.Fatalf("%d rows: ReLU forward element %d = %v, want %v", rows, i, out[i], want)
			}
		}
		wake()
		loop.run(z.RawMatrix(), dy.RawMatrix(), out)
		for i, v := range z.RawMatrix().Data {
			want := 0.0
			if !(v <= 0) { // as the serial loop: a NaN z passes dy on
				want = dy.RawMatrix().Data[i]
			}
			if out[i] != want {
				t.Fatalf("%d rows: ReLU backward element %d = %v, want %v", rows, i, out[i], want)
			}
		}

		idx := rng.Perm(rows)
		dst := mat.NewDense(rows, cols, nil)
		var g gatherLoop
		wake()
		g.gather(dst, z, idx)
		for i, j := range idx {
			if !slices.EqualFunc(dst.RawRowView(i), z.RawRowView(j), func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
				t.Fatalf("%d rows: gathered row %d is not source row %d", rows, i, j)
			}
		}

		y := slices.Clone(dy.RawMatrix().Data)
		want := slices.Clone(y)
		floats.AddScaled(want, -0.5, z.RawMatrix().Data)
		var a axpy
		wake()
		a.run(y, -0.5, z.RawMatrix().Data)
		if !slices.EqualFunc(y, want, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Fatalf("%d×%d: parallel y += a·x differs from the serial loop", rows, cols)
		}
		if a.x != nil || a.y != nil || loop.out != nil || g.idx != nil {
			t.Fatal("a loop body keeps references to the caller's data after run")
		}
	}
}
