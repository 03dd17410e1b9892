package nnlib

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestNumericGradient(t *testing.T) {
	theta := mat.NewDense(2, 2, []float64{1, -2, 0.5, 8})
	before := mat.DenseCopyOf(theta)
	// f(θ) = Σ θ³, ∂f/∂θ = 3θ².
	f := func() float64 {
		var s float64
		for _, v := range theta.RawMatrix().Data {
			s += v * v * v
		}
		return s
	}
	g := NumericGradient(f, theta)
	for i, v := range before.RawMatrix().Data {
		if want := 3 * v * v; math.Abs(g.RawMatrix().Data[i]-want) > 1e-6*math.Max(1, want) {
			t.Errorf("∂f/∂θ[%d] = %.10g, want %.10g", i, g.RawMatrix().Data[i], want)
		}
	}
	if !ltEqualData(theta, before) {
		t.Error("NumericGradient did not restore theta")
	}
	// Large values get a step relative to their size: θ = 1e6 with an
	// absolute h of 1e-5 would lose all digits of f(θ) = θ² to rounding.
	big1 := mat.NewDense(1, 1, []float64{1e6})
	if g := NumericGradient(func() float64 { v := big1.At(0, 0); return v * v }, big1); math.Abs(g.At(0, 0)-2e6) > 1e-6*2e6 {
		t.Errorf("d(θ²)/dθ at 1e6 = %g, want 2e6", g.At(0, 0))
	}
	// A view with a stride works too, and only its elements move.
	big := mat.NewDense(3, 4, nil)
	view := big.Slice(1, 3, 1, 3).(*mat.Dense)
	gv := NumericGradient(func() float64 { return mat.Sum(view) + 2*view.At(1, 1) }, view)
	if want := []float64{1, 1, 1, 3}; !ltClose(gv.At(0, 0), want[0], 1e-9) || !ltClose(gv.At(1, 1), want[3], 1e-9) {
		t.Errorf("gradient over a view = %v", mat.Formatted(gv))
	}
}

func TestRelError(t *testing.T) {
	a := mat.NewDense(1, 4, []float64{1, 0, -2, 5})
	b := mat.NewDense(1, 4, []float64{1.1, 0, -2, 5})
	if got, want := RelError(a, b), 0.1/2.1; !ltClose(got, want, 1e-15) {
		t.Errorf("RelError = %g, want %g", got, want)
	}
	if got := RelError(a, a); got != 0 {
		t.Errorf("RelError(a, a) = %g, want 0 (exact zeros included)", got)
	}
	if got := RelError(mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, []float64{-1})); got != 1 {
		t.Errorf("opposite signs: RelError = %g, want 1", got)
	}
	if got := RelError(mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, []float64{math.NaN()})); !math.IsNaN(got) {
		t.Errorf("NaN: RelError = %g, want NaN", got)
	}
	ltShapePanic(t, func() { RelError(a, mat.NewDense(4, 1, nil)) })
}

// sigmoidOfActivated is the earlier course's bug: σ′ applied to the output
// a = σ(z) instead of to z.
type sigmoidOfActivated struct{ Sigmoid }

func (s *sigmoidOfActivated) Backward(dy *mat.Dense) *mat.Dense {
	dz := mat.DenseCopyOf(dy)
	for i, a := range s.a.RawMatrix().Data {
		dz.RawMatrix().Data[i] *= s.Deriv(a)
	}
	return dz
}

// mseDividedTwice is the earlier course's bug: the MSE gradient divided by
// n once in the loss and once more in the training loop.
type mseDividedTwice struct{ MSE }

func (l mseDividedTwice) Grad(yHat, y *mat.Dense) *mat.Dense {
	g := l.MSE.Grad(yHat, y)
	n, _ := g.Dims()
	g.Scale(1/float64(n), g)
	return g
}

// TestGradCheckCatchesBugs checks that GradCheck reports the bugs it is
// meant to catch.
func TestGradCheckCatchesBugs(t *testing.T) {
	rng := ltRNG(50)
	x := ltRand(rng, 4, 3, -1, 1)
	y := ltRand(rng, 4, 2, -1, 1)

	net := NewSequential(NewLinear(3, 2, nil, ltRNG(1)), &sigmoidOfActivated{})
	if e := GradCheck(net, MSE{}, x, y); e < 1e-2 {
		t.Errorf("σ′(σ(z)) bug: GradCheck = %g, want a large error", e)
	}
	good := NewSequential(NewLinear(3, 2, nil, ltRNG(1)), &Sigmoid{})
	if e := GradCheck(good, MSE{}, x, y); e > 1e-6 {
		t.Errorf("correct network: GradCheck = %g", e)
	}
	if e := GradCheck(good, mseDividedTwice{}, x, y); e < 0.5 {
		t.Errorf("MSE gradient divided by n twice: GradCheck = %g, want a large error", e)
	}
	// Dropout in training mode without a fixed mask: every Forward draws
	// a new mask, which GradCheck's documentation warns about.
	noisy := NewSequential(NewLinear(3, 2, nil, ltRNG(1)), NewDropout(0.5, ltRNG(2)))
	if e := GradCheck(noisy, MSE{}, x, y); e < 1e-2 {
		t.Errorf("Dropout in training mode: GradCheck = %g, expected to fail", e)
	}
	noisy.SetTraining(false)
	if e := GradCheck(noisy, MSE{}, x, y); e > 1e-6 {
		t.Errorf("Dropout in inference mode: GradCheck = %g", e)
	}
}

// TestGradCheckLeavesGradients checks that each Param.Grad holds the
// analytic gradient after GradCheck.
func TestGradCheckLeavesGradients(t *testing.T) {
	rng := ltRNG(51)
	l := NewLinear(3, 2, nil, rng)
	x, y := ltRand(rng, 4, 3, -1, 1), ltRand(rng, 4, 2, -1, 1)
	GradCheck(l, MSE{}, x, y)
	got := mat.DenseCopyOf(l.W.Grad)
	l.Backward(MSE{}.Grad(l.Forward(x), y))
	if !ltEqualData(got, l.W.Grad) {
		t.Error("W.Grad after GradCheck is not the analytic gradient")
	}
}
