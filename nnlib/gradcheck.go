package nnlib

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// This file holds the finite-difference checks of notebook
// 04-chain-rule-and-backpropagation: backpropagation is verified against
// the definition of the derivative.

// gradStep is the relative step h of the central differences: θ ± h with
// h = 1e-5·max(1, |θ|). It balances the truncation error, about h², against
// rounding in the loss, about 1e-16/h.
const gradStep = 1e-5

// relErrFloor is the smallest denominator RelError divides by, so that two
// exact zeros compare as equal instead of giving 0/0.
const relErrFloor = 1e-12

// NumericGradient estimates ∂f/∂θ for every element of theta by central
// differences:
//
//	∂f/∂θᵢⱼ ≈ (f(θ + h·eᵢⱼ) − f(θ − h·eᵢⱼ)) / 2h,   h = 1e-5·max(1, |θᵢⱼ|)
//
// f must compute its value from the current contents of theta (for
// example, by running a forward pass that reads theta). NumericGradient
// changes one element at a time and puts its exact original value back, so
// theta is unchanged when it returns. The result is a new matrix shaped like
// theta. It costs 2 calls of f per element.
func NumericGradient(f func() float64, theta *mat.Dense) *mat.Dense {
	raw := theta.RawMatrix()
	g := mat.NewDense(raw.Rows, raw.Cols, nil)
	gd := g.RawMatrix().Data
	for i := 0; i < raw.Rows; i++ {
		row := rowOf(raw, i)
		for j, v := range row {
			h := gradStep * math.Max(1, math.Abs(v))
			plus, minus := v+h, v-h
			row[j] = plus
			fPlus := f()
			row[j] = minus
			fMinus := f()
			row[j] = v
			gd[i*raw.Cols+j] = (fPlus - fMinus) / (plus - minus)
		}
	}
	return g
}

// RelError returns the largest element-wise relative error between a and b:
//
//	maxᵢⱼ |aᵢⱼ − bᵢⱼ| / max(|aᵢⱼ| + |bᵢⱼ|, 1e-12)
//
// As a rule of thumb for float64 gradients, below 1e-7 is right, above 1e-4
// is a bug. Relative error is harsh where the true value is 0 but an
// estimate is not exactly 0 (rounding noise of about 1e-11 gives an error
// near 1), so compare with losses whose gradient is not zero. RelError
// panics with a *ShapeError if the shapes differ.
func RelError(a, b *mat.Dense) float64 {
	ar, br := a.RawMatrix(), b.RawMatrix()
	if ar.Rows != br.Rows || ar.Cols != br.Cols {
		panic(&ShapeError{Op: "RelError", Got: dims(br.Rows, br.Cols), Want: dims(ar.Rows, ar.Cols) + " (the shape of a)"})
	}
	var worst float64
	for i := 0; i < ar.Rows; i++ {
		bi := rowOf(br, i)
		for j, v := range rowOf(ar, i) {
			e := math.Abs(v-bi[j]) / math.Max(math.Abs(v)+math.Abs(bi[j]), relErrFloor)
			if e > worst || math.IsNaN(e) {
				worst = e
			}
		}
	}
	return worst
}

// GradCheck compares backpropagation with finite differences on one batch
// x (n×d) with targets y. It runs net.Forward(x), loss.Grad and
// net.Backward once to get the analytic gradients, then estimates every
// element of every Param's gradient, and ∂L/∂x, with [NumericGradient] of
// loss.Value(net.Forward(x), y). It returns the worst [RelError] over all of
// them; below 1e-6 means backpropagation agrees.
//
// Parameter values are left exactly as they were (x is not modified
// either), and each Param.Grad holds the analytic gradient afterwards.
// The cost is 2 forward passes per parameter and per element of x, so use a
// small network and batch.
//
// Layers with randomness must be in inference mode ([SetTraining](net,
// false)) for a gradient check: Dropout in training mode draws a new mask
// on every Forward, so the loss the differences measure keeps changing.
// Kinks (ReLU at 0, MAE at ŷ = y) also break the check when an input lies
// within h of one.
//
// Taught in notebook 04-chain-rule-and-backpropagation.
func GradCheck(net Layer, loss Loss, x, y *mat.Dense) float64 {
	yHat := net.Forward(x)
	dx := mat.DenseCopyOf(net.Backward(loss.Grad(yHat, y)))
	params := net.Params()
	analytic := make([]*mat.Dense, len(params))
	for i, p := range params {
		analytic[i] = mat.DenseCopyOf(p.Grad)
	}

	var worst float64
	consider := func(e float64) {
		if e > worst || math.IsNaN(e) {
			worst = e
		}
	}
	lossAt := func(x *mat.Dense) func() float64 {
		return func() float64 { return loss.Value(net.Forward(x), y) }
	}
	for i, p := range params {
		consider(RelError(analytic[i], NumericGradient(lossAt(x), p.Value)))
	}
	xc := mat.DenseCopyOf(x)
	consider(RelError(dx, NumericGradient(lossAt(xc), xc)))
	return worst
}
