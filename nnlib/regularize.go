package nnlib

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// This file holds the weight penalties, taught in notebook 06-regularization
// (Dropout, the other regularizer taught there, is in dropout.go). A penalty
// is added to the data loss for every weight matrix W; biases are left
// alone (see [Param.IsBias]). λ (Lambda) sets its strength.

var (
	_ Regularizer = L1{}
	_ Regularizer = L2{}
	_ Regularizer = ElasticNet{}
)

// L1 is the lasso penalty, which pushes weights to exactly zero:
//
//	R(W)      = λ·Σᵢⱼ |Wᵢⱼ|
//	∂R/∂Wᵢⱼ   = λ·sign(Wᵢⱼ)     (0 at Wᵢⱼ = 0)
//
// Taught in notebook 06-regularization.
type L1 struct {
	Lambda float64 // λ ≥ 0
}

// Penalty returns λ·Σ|W|.
func (r L1) Penalty(w *mat.Dense) float64 { return r.Lambda * sumAbs(w) }

// Grad returns λ·sign(W) as a new matrix shaped like W.
func (r L1) Grad(w *mat.Dense) *mat.Dense { return newRegGrad(r.AddGradTo, w) }

// AddGradTo adds λ·sign(W) to dst (shaped like W) without allocating.
func (r L1) AddGradTo(dst, w *mat.Dense) {
	d, wr := regDst("L1.AddGradTo", dst, w)
	for i := 0; i < wr.Rows; i++ {
		di := rowOf(d, i)
		for j, v := range rowOf(wr, i) {
			di[j] += r.Lambda * sign(v)
		}
	}
}

// Validate reports a negative or non-finite Lambda.
func (r L1) Validate() error { return checkLambda("L1", r.Lambda) }

// L2 is the ridge penalty (weight decay), which shrinks all weights towards
// zero in proportion to their size:
//
//	R(W)      = λ/2·Σᵢⱼ Wᵢⱼ²
//	∂R/∂Wᵢⱼ   = λ·Wᵢⱼ
//
// Taught in notebook 06-regularization.
type L2 struct {
	Lambda float64 // λ ≥ 0
}

// Penalty returns λ/2·Σ W².
func (r L2) Penalty(w *mat.Dense) float64 { return r.Lambda / 2 * sumSquares(w) }

// Grad returns λ·W as a new matrix shaped like W.
func (r L2) Grad(w *mat.Dense) *mat.Dense { return newRegGrad(r.AddGradTo, w) }

// AddGradTo adds λ·W to dst (shaped like W) without allocating.
func (r L2) AddGradTo(dst, w *mat.Dense) {
	d, wr := regDst("L2.AddGradTo", dst, w)
	for i := 0; i < wr.Rows; i++ {
		di := rowOf(d, i)
		for j, v := range rowOf(wr, i) {
			di[j] += r.Lambda * v
		}
	}
}

// Validate reports a negative or non-finite Lambda.
func (r L2) Validate() error { return checkLambda("L2", r.Lambda) }

// ElasticNet mixes L1 and L2 with ratio R ∈ [0, 1] and the same λ
// (R = 1 is L1, R = 0 is L2):
//
//	R(W)      = R·λ·Σᵢⱼ |Wᵢⱼ| + (1 − R)·λ/2·Σᵢⱼ Wᵢⱼ²
//	∂R/∂Wᵢⱼ   = λ·(R·sign(Wᵢⱼ) + (1 − R)·Wᵢⱼ)
//
// Taught in notebook 06-regularization.
type ElasticNet struct {
	Lambda float64 // λ ≥ 0
	R      float64 // the L1 share, in [0, 1]
}

// Penalty returns R·λ·Σ|W| + (1 − R)·λ/2·Σ W².
func (r ElasticNet) Penalty(w *mat.Dense) float64 {
	return r.R*r.Lambda*sumAbs(w) + (1-r.R)*r.Lambda/2*sumSquares(w)
}

// Grad returns λ·(R·sign(W) + (1 − R)·W) as a new matrix shaped like W.
func (r ElasticNet) Grad(w *mat.Dense) *mat.Dense { return newRegGrad(r.AddGradTo, w) }

// AddGradTo adds λ·(R·sign(W) + (1 − R)·W) to dst (shaped like W) without
// allocating.
func (r ElasticNet) AddGradTo(dst, w *mat.Dense) {
	d, wr := regDst("ElasticNet.AddGradTo", dst, w)
	l1, l2 := r.Lambda*r.R, r.Lambda*(1-r.R)
	for i := 0; i < wr.Rows; i++ {
		di := rowOf(d, i)
		for j, v := range rowOf(wr, i) {
			di[j] += l1*sign(v) + l2*v
		}
	}
}

// Validate reports a negative or non-finite Lambda, or R outside [0, 1].
func (r ElasticNet) Validate() error {
	if err := checkLambda("ElasticNet", r.Lambda); err != nil {
		return err
	}
	if !(r.R >= 0 && r.R <= 1) {
		return fmt.Errorf("nnlib: ElasticNet R %g is outside [0, 1]; R is the L1 share (1 = L1, 0 = L2)", r.R)
	}
	return nil
}

func checkLambda(name string, lambda float64) error {
	if !(lambda >= 0) || math.IsInf(lambda, 1) {
		return fmt.Errorf("nnlib: %s Lambda %g must be a finite number ≥ 0 (try 1e-4)", name, lambda)
	}
	return nil
}

// gradAdder is implemented by regularizers that can add their gradient in
// place (all of this package's).
type gradAdder interface{ AddGradTo(dst, w *mat.Dense) }

// Penalty returns the total penalty r(W) over the weight matrices in params,
// skipping biases ([Param.IsBias]). A nil r gives 0.
func Penalty(r Regularizer, params []*Param) float64 {
	if r == nil {
		return 0
	}
	var sum float64
	for _, p := range params {
		if !p.IsBias() {
			sum += r.Penalty(p.Value)
		}
	}
	return sum
}

// AddPenaltyGrad adds ∂r/∂W to the Grad of every weight matrix in params,
// skipping biases ([Param.IsBias]), so that Grad becomes the gradient of
// data loss + penalty. Call it after Backward. It allocates nothing when r
// has an AddGradTo method (all of this package's regularizers do). A nil r
// does nothing.
func AddPenaltyGrad(r Regularizer, params []*Param) {
	if r == nil {
		return
	}
	adder, inPlace := r.(gradAdder)
	for _, p := range params {
		if p.IsBias() {
			continue
		}
		if inPlace {
			adder.AddGradTo(p.Grad, p.Value)
			continue
		}
		g := r.Grad(p.Value)
		regDst("AddPenaltyGrad", p.Grad, g)
		p.Grad.Add(p.Grad, g)
	}
}

// regDst panics with a *ShapeError unless dst is shaped like w, and returns
// both raw matrices.
func regDst(op string, dst, w *mat.Dense) (d, wr blas64.General) {
	wr = w.RawMatrix()
	if dst == nil {
		panic(&ShapeError{Op: op, Got: "nil gradient", Want: dims(wr.Rows, wr.Cols)})
	}
	d = dst.RawMatrix()
	if d.Rows != wr.Rows || d.Cols != wr.Cols {
		panic(&ShapeError{Op: op, Got: dims(d.Rows, d.Cols), Want: dims(wr.Rows, wr.Cols) + " (the shape of W)"})
	}
	return d, wr
}

// newRegGrad returns the gradient that addGradTo adds, in a new matrix.
func newRegGrad(addGradTo func(dst, w *mat.Dense), w *mat.Dense) *mat.Dense {
	r, c := w.Dims()
	g := mat.NewDense(r, c, nil)
	addGradTo(g, w)
	return g
}

func sumAbs(w *mat.Dense) float64 {
	raw := w.RawMatrix()
	var sum float64
	for i := 0; i < raw.Rows; i++ {
		for _, v := range rowOf(raw, i) {
			sum += math.Abs(v)
		}
	}
	return sum
}

func sumSquares(w *mat.Dense) float64 {
	raw := w.RawMatrix()
	var sum float64
	for i := 0; i < raw.Rows; i++ {
		for _, v := range rowOf(raw, i) {
			sum += v * v
		}
	}
	return sum
}
