package nnlib

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Linear is a fully connected (affine) layer:
//
//	y = x·W + b
//
// where x is n×in (one example per row), W is in×out, b is 1×out and is
// added to every row, and y is n×out. Taught in notebook
// 01-matrices-and-the-linear-layer.
type Linear struct {
	W *Param // weights, in×out, Name "W"
	B *Param // bias, 1×out, Name "b"

	x     *mat.Dense // input of the last Forward (not a copy)
	y, dx *mat.Dense // output buffers owned by the layer
	// xT and wT are the views xᵀ and Wᵀ. Passing &xT to Mul instead of
	// x.T() avoids boxing a new mat.Transpose into an interface (an
	// allocation) on every call; Mul still sees a transposed *mat.Dense
	// and hands it to BLAS with the transpose flag.
	xT, wT mat.Transpose
	params []*Param
}

// NewLinear returns a Linear layer mapping in features to out features.
// W (in×out) is filled by init using rng, and b (1×out) starts at zero.
// A nil init means [XavierUniform]. NewLinear panics if in or out is not
// positive, or if rng is nil.
func NewLinear(in, out int, init Initializer, rng *rand.Rand) *Linear {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nnlib: NewLinear(%d, %d): the numbers of inputs and outputs must be positive", in, out))
	}
	if rng == nil {
		panic("nnlib: NewLinear: rng is nil; pass rand.New(rand.NewPCG(seed1, seed2))")
	}
	if init == nil {
		init = XavierUniform
	}
	l := newLinear(in, out)
	init.Init(l.W.Value, rng)
	return l
}

// newLinear returns a Linear layer with zero weights.
func newLinear(in, out int) *Linear {
	return &Linear{
		W: &Param{Name: "W", Value: mat.NewDense(in, out, nil), Grad: mat.NewDense(in, out, nil)},
		B: &Param{Name: "b", Value: mat.NewDense(1, out, nil), Grad: mat.NewDense(1, out, nil)},
	}
}

// Params returns [W, B].
func (l *Linear) Params() []*Param {
	if len(l.params) != 2 || l.params[0] != l.W || l.params[1] != l.B {
		l.params = []*Param{l.W, l.B}
	}
	return l.params
}

// Forward returns y = x·W + b for x of shape n×in; y is n×out. It keeps a
// reference to x (not a copy) for Backward, so x must not change before
// Backward is called. The result is owned by the layer and overwritten by
// the next call; use mat.DenseCopyOf to keep it.
func (l *Linear) Forward(x *mat.Dense) *mat.Dense {
	in, out := l.W.Value.Dims()
	n, d := x.Dims()
	if d != in {
		panic(&ShapeError{Op: "Linear.Forward", Got: dims(n, d), Want: fmt.Sprintf("n×%d", in)})
	}
	if br, bc := l.B.Value.Dims(); br != 1 || bc != out {
		panic(&ShapeError{Op: "Linear.Forward (bias b)", Got: dims(br, bc), Want: dims(1, out)})
	}
	l.x = x
	l.y = reuseDense(l.y, n, out)
	l.y.Mul(x, l.W.Value)
	b := l.B.Value.RawMatrix().Data[:out]
	yd := l.y.RawMatrix().Data
	for i := 0; i < n; i++ {
		floats.Add(yd[i*out:(i+1)*out], b) // row i of y += b
	}
	return l.y
}

// Backward takes dy = ∂L/∂y (n×out) and sets
//
//	∂L/∂W = xᵀ·dy          (in×out)
//	∂L/∂b = Σᵢ dyᵢ          (1×out, the column sums of dy)
//
// in W.Grad and B.Grad (overwritten, not accumulated), and returns
// ∂L/∂x = dy·Wᵀ (n×in). The result is owned by the layer and overwritten
// by the next call; use mat.DenseCopyOf to keep it.
func (l *Linear) Backward(dy *mat.Dense) *mat.Dense {
	l.backwardParams(dy)
	n, _ := l.x.Dims()
	in, _ := l.W.Value.Dims()
	l.dx = reuseDense(l.dx, n, in)
	l.wT.Matrix = l.W.Value
	l.dx.Mul(dy, &l.wT) // dy·Wᵀ
	return l.dx
}

// backwardParams sets W.Grad and B.Grad like Backward but does not compute
// ∂L/∂x. Training calls it for a network's first layer, whose input is the
// data: there ∂L/∂x is a third of the layer's backward work and unused.
func (l *Linear) backwardParams(dy *mat.Dense) {
	if l.x == nil {
		panic("nnlib: Linear.Backward called before Forward")
	}
	in, out := l.W.Value.Dims()
	n, _ := l.x.Dims()
	if r, c := dy.Dims(); r != n || c != out {
		panic(&ShapeError{Op: "Linear.Backward", Got: dims(r, c), Want: dims(n, out)})
	}
	l.W.Grad = reuseDense(l.W.Grad, in, out)
	l.xT.Matrix = l.x
	l.W.Grad.Mul(&l.xT, dy) // xᵀ·dy

	l.B.Grad = reuseDense(l.B.Grad, 1, out)
	db := l.B.Grad.RawMatrix().Data[:out]
	clear(db)
	raw := dy.RawMatrix()
	for i := 0; i < n; i++ {
		floats.Add(db, rowOf(raw, i)) // db += row i of dy
	}
}

// Initializer fills a weight matrix W (in×out) with random starting values.
// Taught in notebook 01-matrices-and-the-linear-layer, which also shows
// what a bad scale does to the signal through ten layers.
type Initializer interface {
	// Init overwrites every element of w (in×out) with a random draw from rng.
	Init(w *mat.Dense, rng *rand.Rand)
	String() string
}

// The standard initializers. For W of shape in×out:
//
//	XavierNormal:  N(0, σ²),  σ = √(2/(in+out))    (Glorot & Bengio, 2010)
//	XavierUniform: U(−a, a),  a = √(6/(in+out))    (the default of NewLinear)
//	HeNormal:      N(0, σ²),  σ = √(2/in)          (He et al., arXiv:1502.01852)
//	HeUniform:     U(−a, a),  a = √(6/in)
//
// Xavier keeps the variance of activations about constant through tanh and
// sigmoid layers; He does the same for ReLU layers.
var (
	XavierNormal  Initializer = xavier{normal: true}
	XavierUniform Initializer = xavier{}
	HeNormal      Initializer = he{normal: true}
	HeUniform     Initializer = he{}
)

type xavier struct{ normal bool }

func (i xavier) Init(w *mat.Dense, rng *rand.Rand) {
	in, out := w.Dims()
	if i.normal {
		Normal{Std: math.Sqrt(2 / float64(in+out))}.Init(w, rng)
		return
	}
	Uniform{Limit: math.Sqrt(6 / float64(in+out))}.Init(w, rng)
}

func (i xavier) String() string {
	if i.normal {
		return "XavierNormal"
	}
	return "XavierUniform"
}

type he struct{ normal bool }

func (i he) Init(w *mat.Dense, rng *rand.Rand) {
	in, _ := w.Dims()
	if i.normal {
		Normal{Std: math.Sqrt(2 / float64(in))}.Init(w, rng)
		return
	}
	Uniform{Limit: math.Sqrt(6 / float64(in))}.Init(w, rng)
}

func (i he) String() string {
	if i.normal {
		return "HeNormal"
	}
	return "HeUniform"
}

// Normal draws every weight from N(0, Std²) whatever the layer's size.
// A fixed scale is what the standard initializers avoid: too small and the
// signal fades layer by layer, too large and it explodes.
type Normal struct{ Std float64 }

// Init fills w with draws from N(0, Std²).
func (i Normal) Init(w *mat.Dense, rng *rand.Rand) {
	raw := w.RawMatrix()
	for r := 0; r < raw.Rows; r++ {
		row := rowOf(raw, r)
		for j := range row {
			row[j] = i.Std * rng.NormFloat64()
		}
	}
}

func (i Normal) String() string { return fmt.Sprintf("Normal{Std: %g}", i.Std) }

// Uniform draws every weight from U(−Limit, Limit) whatever the layer's
// size; see [Normal].
type Uniform struct{ Limit float64 }

// Init fills w with draws from U(−Limit, Limit).
func (i Uniform) Init(w *mat.Dense, rng *rand.Rand) {
	raw := w.RawMatrix()
	for r := 0; r < raw.Rows; r++ {
		row := rowOf(raw, r)
		for j := range row {
			row[j] = i.Limit * (2*rng.Float64() - 1)
		}
	}
}

func (i Uniform) String() string { return fmt.Sprintf("Uniform{Limit: %g}", i.Limit) }
