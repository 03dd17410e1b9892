package nnlib

import (
	"github.com/nnfromscratch/nngo/nnlib/internal/gemm"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The element-wise loops of a training step (ReLU, the SGD update, copying
// a batch) run on the threads of the matrix multiply when they are long
// enough to repay handing out the work: gemm.ParallelFor splits a loop into
// contiguous chunks, one per awake thread, and returns when all are done.
// Each element is computed by exactly one thread with the same arithmetic,
// so results do not depend on the number of threads. The loop bodies are
// fields of long-lived values (layers, optimizers, the Trainer's run), so
// that a step allocates nothing.

// minParallel is the number of cheap element-wise operations below which a
// loop stays on one thread: handing a chunk to another thread costs about a
// microsecond, the time of a few thousand additions.
const minParallel = 8192

// rowGrain returns how many rows of width cols make a chunk of at least
// minParallel elements.
func rowGrain(cols int) int { return max(1, minParallel/max(cols, 1)) }

// axpy is the loop y ← y + a·x.
type axpy struct {
	a    float64
	x, y []float64
}

func (b *axpy) Range(lo, hi int) { floats.AddScaled(b.y[lo:hi], b.a, b.x[lo:hi]) }

// run computes y ← y + a·x.
func (b *axpy) run(y []float64, a float64, x []float64) {
	b.a, b.x, b.y = a, x, y
	gemm.ParallelFor(len(y), minParallel, b)
	b.x, b.y = nil, nil // keep no reference to the caller's data
}

// reluLoop computes rows of ReLU's forward pass a = max(0, z) or, when dy
// is set, of its backward pass dz = dy ⊙ ReLU′(z).
type reluLoop struct {
	z, dy blas64.General
	out   []float64 // a or dz, n×k without gaps between rows
}

func (b *reluLoop) Range(lo, hi int) {
	k := b.z.Cols
	for i := lo; i < hi; i++ {
		zi, oi := rowOf(b.z, i), b.out[i*k:(i+1)*k]
		if b.dy.Data == nil {
			for j, v := range zi {
				oi[j] = relu(v)
			}
			continue
		}
		di := rowOf(b.dy, i)
		for j, v := range zi {
			// dy where z > 0, else 0, without a branch.
			oi[j] = maskPositive(di[j], v)
		}
	}
}

// run runs the loop over all rows of z.
func (b *reluLoop) run(z, dy blas64.General, out []float64) {
	b.z, b.dy, b.out = z, dy, out
	gemm.ParallelFor(z.Rows, rowGrain(z.Cols), b)
	*b = reluLoop{}
}

// gatherLoop copies rows idx of src into the rows of dst (see gather).
type gatherLoop struct {
	dst, src blas64.General
	idx      []int
}

func (b *gatherLoop) Range(lo, hi int) {
	d, s := b.dst, b.src
	for i := lo; i < hi; i++ {
		j := b.idx[i]
		copy(d.Data[i*d.Stride:i*d.Stride+d.Cols], s.Data[j*s.Stride:j*s.Stride+s.Cols])
	}
}

// gather copies row idx[i] of src into row i of dst, for every i. Fit
// gathers x and y with the same idx, so row i of both batches is the same
// example. It panics with a *ShapeError unless dst has len(idx) rows and
// as many columns as src.
func (b *gatherLoop) gather(dst, src *mat.Dense, idx []int) {
	d, s := dst.RawMatrix(), src.RawMatrix()
	if d.Rows != len(idx) || d.Cols != s.Cols {
		panic(&ShapeError{Op: "gather", Got: dims(d.Rows, d.Cols), Want: dims(len(idx), s.Cols)})
	}
	b.dst, b.src, b.idx = d, s, idx
	gemm.ParallelFor(len(idx), rowGrain(d.Cols), b)
	*b = gatherLoop{}
}
