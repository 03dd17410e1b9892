package nnlib

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

type regularizerWithAdd interface {
	Regularizer
	AddGradTo(dst, w *mat.Dense)
	Validate() error
}

func TestRegularizerGradients(t *testing.T) {
	rng := ltRNG(40)
	w := ltAwayFromZero(rng, 4, 3) // L1 has a kink at 0
	for _, r := range []regularizerWithAdd{L1{Lambda: 0.3}, L2{Lambda: 0.7}, ElasticNet{Lambda: 0.5, R: 0.25},
		ElasticNet{Lambda: 0.5, R: 1}, ElasticNet{Lambda: 0.5, R: 0}} {
		g := r.Grad(w)
		num := NumericGradient(func() float64 { return r.Penalty(w) }, w)
		if e := RelError(g, num); !(e <= 1e-6) {
			t.Errorf("%#v: Grad vs numeric gradient of Penalty: relative error %g", r, e)
		}
		// AddGradTo adds to what is there.
		dst := ltRand(rng, 4, 3, -1, 1)
		want := mat.DenseCopyOf(dst)
		want.Add(want, g)
		r.AddGradTo(dst, w)
		if !ltEqualData(dst, want) {
			t.Errorf("%#v: AddGradTo did not add Grad", r)
		}
		if a := testing.AllocsPerRun(10, func() { r.AddGradTo(dst, w) }); a != 0 {
			t.Errorf("%#v: AddGradTo allocates %v times", r, a)
		}
		ltShapePanic(t, func() { r.AddGradTo(mat.NewDense(3, 4, nil), w) })
	}
}

func TestRegularizerHandValues(t *testing.T) {
	w := mat.NewDense(1, 3, []float64{1, -2, 0})
	tests := []struct {
		r       Regularizer
		penalty float64
		grad    []float64
	}{
		{L1{Lambda: 0.1}, 0.1 * 3, []float64{0.1, -0.1, 0}},
		{L2{Lambda: 0.1}, 0.1 / 2 * 5, []float64{0.1, -0.2, 0}},
		// 0.25·L1 + 0.75·L2, same λ.
		{ElasticNet{Lambda: 0.1, R: 0.25}, 0.25*0.1*3 + 0.75*0.1/2*5, []float64{0.025 + 0.075, -0.025 - 0.15, 0}},
	}
	for _, tt := range tests {
		if p := tt.r.Penalty(w); !ltClose(p, tt.penalty, 1e-15) {
			t.Errorf("%#v: Penalty %g, want %g", tt.r, p, tt.penalty)
		}
		g := tt.r.Grad(w)
		for j, want := range tt.grad {
			if !ltClose(g.At(0, j), want, 1e-15) {
				t.Errorf("%#v: Grad[%d] = %g, want %g", tt.r, j, g.At(0, j), want)
			}
		}
	}
}

func TestRegularizerValidate(t *testing.T) {
	for _, r := range []regularizerWithAdd{L1{}, L2{Lambda: 1e-4}, ElasticNet{Lambda: 1, R: 0.5}, ElasticNet{R: 1}} {
		if err := r.Validate(); err != nil {
			t.Errorf("%#v: %v", r, err)
		}
	}
	bad := []struct {
		r    regularizerWithAdd
		want string
	}{
		{L1{Lambda: -0.1}, "nnlib: L1 Lambda -0.1"},
		{L2{Lambda: math.NaN()}, "nnlib: L2 Lambda NaN"},
		{L2{Lambda: math.Inf(1)}, "nnlib: L2 Lambda +Inf"},
		{ElasticNet{Lambda: -1, R: 0.5}, "nnlib: ElasticNet Lambda -1"},
		{ElasticNet{Lambda: 1, R: 1.5}, "nnlib: ElasticNet R 1.5 is outside [0, 1]"},
		{ElasticNet{Lambda: 1, R: -0.5}, "nnlib: ElasticNet R -0.5 is outside [0, 1]"},
	}
	for _, tt := range bad {
		if err := tt.r.Validate(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%#v: Validate %v, want prefix %q", tt.r, err, tt.want)
		}
	}
}

// TestPenaltyHelpers checks that Penalty and AddPenaltyGrad skip biases.
func TestPenaltyHelpers(t *testing.T) {
	rng := ltRNG(41)
	l1, l2 := NewLinear(3, 4, nil, rng), NewLinear(4, 2, nil, rng)
	for _, l := range []*Linear{l1, l2} { // non-zero biases, which must be ignored
		for i := range l.B.Value.RawMatrix().Data {
			l.B.Value.RawMatrix().Data[i] = 5
		}
	}
	net := NewSequential(l1, &ReLU{}, l2)
	params := net.Params()
	r := L2{Lambda: 0.01}
	want := r.Penalty(l1.W.Value) + r.Penalty(l2.W.Value)
	if got := Penalty(r, params); !ltClose(got, want, 1e-15) {
		t.Errorf("Penalty = %g, want %g (weights only)", got, want)
	}
	if Penalty(nil, params) != 0 {
		t.Error("Penalty(nil, …) is not 0")
	}

	x := ltRand(rng, 5, 3, -1, 1)
	y := ltRand(rng, 5, 2, -1, 1)
	net.Backward(MSE{}.Grad(net.Forward(x), y))
	wGrad, bGrad := mat.DenseCopyOf(l1.W.Grad), mat.DenseCopyOf(l1.B.Grad)
	AddPenaltyGrad(r, params)
	wGrad.Add(wGrad, r.Grad(l1.W.Value))
	if !ltEqualData(l1.W.Grad, wGrad) {
		t.Error("AddPenaltyGrad did not add λW to W.Grad")
	}
	if !ltEqualData(l1.B.Grad, bGrad) {
		t.Error("AddPenaltyGrad changed a bias gradient")
	}
	var reg Regularizer = r // as stored in a Trainer: no conversion per call
	if a := testing.AllocsPerRun(10, func() { AddPenaltyGrad(reg, params) }); a != 0 {
		t.Errorf("AddPenaltyGrad allocates %v times", a)
	}

	// The gradient of loss + penalty matches finite differences.
	loss := penalized{MSE{}, r, params}
	net.Backward(loss.Grad(net.Forward(x), y))
	AddPenaltyGrad(r, params)
	num := NumericGradient(func() float64 { return loss.Value(net.Forward(x), y) }, l2.W.Value)
	if e := RelError(l2.W.Grad, num); !(e <= 1e-6) {
		t.Errorf("gradient of loss + penalty: relative error %g", e)
	}

	// A regularizer without AddGradTo goes through Grad.
	before := mat.DenseCopyOf(l2.W.Grad)
	AddPenaltyGrad(onlyGrad{r}, params)
	before.Add(before, r.Grad(l2.W.Value))
	if !ltEqualData(l2.W.Grad, before) {
		t.Error("AddPenaltyGrad with a Grad-only regularizer")
	}
}

// penalized is a loss plus a weight penalty over params.
type penalized struct {
	Loss
	r      Regularizer
	params []*Param
}

func (p penalized) Value(yHat, y *mat.Dense) float64 {
	return p.Loss.Value(yHat, y) + Penalty(p.r, p.params)
}

// onlyGrad hides AddGradTo.
type onlyGrad struct{ r Regularizer }

func (o onlyGrad) Penalty(w *mat.Dense) float64 { return o.r.Penalty(w) }
func (o onlyGrad) Grad(w *mat.Dense) *mat.Dense { return o.r.Grad(w) }
