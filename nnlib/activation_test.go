package nnlib

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// elementwise is an activation with a scalar function and derivative.
type elementwise interface {
	Layer
	Func(z float64) float64
	Deriv(z float64) float64
}

func elementwiseActivations() map[string]elementwise {
	return map[string]elementwise{
		"ReLU":          &ReLU{},
		"LeakyReLU":     &LeakyReLU{},
		"LeakyReLU 0.3": &LeakyReLU{Alpha: 0.3},
		"Sigmoid":       &Sigmoid{},
		"Tanh":          &Tanh{},
		"ELU":           &ELU{},
		"ELU 0.5":       &ELU{Alpha: 0.5},
		"GELU":          &GELU{},
		"Softplus":      &Softplus{},
	}
}

// TestDerivMatchesFunc checks each Deriv against a central difference of
// Func, away from the kink at 0.
func TestDerivMatchesFunc(t *testing.T) {
	for name, a := range elementwiseActivations() {
		for _, z := range []float64{-6, -2.5, -1, -0.3, 0.2, 0.7, 1.5, 3, 8} {
			const h = 1e-6
			num := (a.Func(z+h) - a.Func(z-h)) / (2 * h)
			if !ltClose(a.Deriv(z), num, 1e-8) {
				t.Errorf("%s: Deriv(%g) = %.12g, central difference %.12g", name, z, a.Deriv(z), num)
			}
		}
	}
}

// TestActivationForwardUsesFunc checks that Forward and Backward compute
// Func and dy·Deriv element by element, also for an input that is a view
// whose rows are not contiguous.
func TestActivationForwardUsesFunc(t *testing.T) {
	rng := ltRNG(10)
	big := ltAwayFromZero(rng, 6, 7)
	z := big.Slice(1, 5, 2, 6).(*mat.Dense) // 4×4 view, stride 7
	dy := ltRand(rng, 4, 4, -1, 1)
	for name, a := range elementwiseActivations() {
		y := a.Forward(z)
		dz := a.Backward(dy)
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				if got, want := y.At(i, j), a.Func(z.At(i, j)); got != want {
					t.Errorf("%s: Forward[%d,%d] = %g, want Func = %g", name, i, j, got, want)
				}
				if got, want := dz.At(i, j), dy.At(i, j)*a.Deriv(z.At(i, j)); !ltClose(got, want, 1e-15) {
					t.Errorf("%s: Backward[%d,%d] = %g, want dy·Deriv = %g", name, i, j, got, want)
				}
			}
		}
	}
}

// TestSigmoidBackwardUsesOutput catches the earlier course's bug of applying
// σ′ to the already activated value: σ′(σ(z)) instead of σ′(z).
func TestSigmoidBackwardUsesOutput(t *testing.T) {
	s := &Sigmoid{}
	s.Forward(mat.NewDense(1, 3, []float64{2, 0, -1}))
	dz := s.Backward(mat.NewDense(1, 3, []float64{1, 1, 1}))
	// σ′(z) = e^(−z)/(1 + e^(−z))², by hand.
	for j, z := range []float64{2, 0, -1} {
		want := math.Exp(-z) / ((1 + math.Exp(-z)) * (1 + math.Exp(-z)))
		if !ltClose(dz.At(0, j), want, 1e-15) {
			t.Errorf("σ′(%g): got %.15g, want %.15g", z, dz.At(0, j), want)
		}
	}
	// The exact values, to 10 digits: σ′(2) = 0.1049935854, σ′(0) = 0.25;
	// the bug gives σ′(σ(2)) = 0.2100 and σ′(σ(0)) = 0.2350.
	if !ltClose(dz.At(0, 0), 0.1049935854, 1e-10) || dz.At(0, 1) != 0.25 {
		t.Errorf("σ′(2), σ′(0) = %.10f, %.10f, want 0.1049935854, 0.25", dz.At(0, 0), dz.At(0, 1))
	}
}

// TestTanhBackward catches a wrong tanh derivative (1 − tanh z, 1 + tanh²z,
// 1 − z², or one applied to the activated value).
func TestTanhBackward(t *testing.T) {
	tanh := &Tanh{}
	tanh.Forward(mat.NewDense(1, 3, []float64{1, -0.5, 0}))
	dz := tanh.Backward(mat.NewDense(1, 3, []float64{2, 1, 1}))
	// 1 − tanh²(1) = 0.4199743416140261, times dy = 2.
	want := []float64{2 * 0.4199743416140261, 1 / math.Pow(math.Cosh(-0.5), 2), 1}
	for j := range want {
		if !ltClose(dz.At(0, j), want[j], 1e-14) {
			t.Errorf("Tanh.Backward[%d] = %.15g, want %.15g", j, dz.At(0, j), want[j])
		}
	}
}

func TestActivationValues(t *testing.T) {
	tests := []struct {
		name string
		f    func(float64) float64
		z    float64
		want float64
	}{
		{"ReLU(-2)", (&ReLU{}).Func, -2, 0},
		{"ReLU(3)", (&ReLU{}).Func, 3, 3},
		{"ReLU′(0)", (&ReLU{}).Deriv, 0, 0},
		{"LeakyReLU{}(-2) uses α = 0.01", (&LeakyReLU{}).Func, -2, -0.02},
		{"LeakyReLU{0.2}(-2)", (&LeakyReLU{Alpha: 0.2}).Func, -2, -0.4},
		{"LeakyReLU{}′(-1)", (&LeakyReLU{}).Deriv, -1, 0.01},
		{"ELU{}(-1) uses α = 1", (&ELU{}).Func, -1, math.Exp(-1) - 1},
		{"ELU{2}(-1)", (&ELU{Alpha: 2}).Func, -1, 2 * (math.Exp(-1) - 1)},
		{"GELU(1) = Φ(1)", (&GELU{}).Func, 1, 0.8413447460685429},
		{"GELU(-1)", (&GELU{}).Func, -1, -0.15865525393145707},
		{"Sigmoid(0)", (&Sigmoid{}).Func, 0, 0.5},
		{"Softplus(0) = log 2", (&Softplus{}).Func, 0, math.Ln2},
		{"Softplus′(0)", (&Softplus{}).Deriv, 0, 0.5},
		// Stability at large |z|: no overflow, no NaN, full precision.
		{"Sigmoid(-1000)", (&Sigmoid{}).Func, -1000, 0},
		{"Sigmoid(1000)", (&Sigmoid{}).Func, 1000, 1},
		{"Sigmoid(-40)", (&Sigmoid{}).Func, -40, math.Exp(-40) / (1 + math.Exp(-40))},
		{"Sigmoid′(-1000)", (&Sigmoid{}).Deriv, -1000, 0},
		{"Softplus(1000)", (&Softplus{}).Func, 1000, 1000},
		{"Softplus(-1000)", (&Softplus{}).Func, -1000, 0},
		{"Softplus(-40)", (&Softplus{}).Func, -40, math.Exp(-40)},
		{"Softplus′(1000)", (&Softplus{}).Deriv, 1000, 1},
		{"ELU(-1000)", (&ELU{}).Func, -1000, -1},
		{"Tanh(1000)", (&Tanh{}).Func, 1000, 1},
	}
	for _, tt := range tests {
		got := tt.f(tt.z)
		if math.IsNaN(got) || math.Abs(got-tt.want) > 1e-15*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("%s = %.17g, want %.17g", tt.name, got, tt.want)
		}
	}
}

func TestSoftmaxForward(t *testing.T) {
	s := &Softmax{}
	y := s.Forward(mat.NewDense(3, 3, []float64{
		1, 2, 3,
		1000, 1001, 1002, // would overflow without subtracting the row max
		-1000, 0, -1000,
	}))
	e := []float64{math.Exp(1), math.Exp(2), math.Exp(3)}
	sum := e[0] + e[1] + e[2]
	for j := 0; j < 3; j++ {
		want := e[j] / sum
		if !ltClose(y.At(0, j), want, 1e-15) || !ltClose(y.At(1, j), want, 1e-15) {
			t.Errorf("column %d: got %g and %g, want %g", j, y.At(0, j), y.At(1, j), want)
		}
	}
	if y.At(2, 1) != 1 || y.At(2, 0) != 0 {
		t.Errorf("row [-1000 0 -1000]: got %v", mat.Row(nil, 2, y))
	}
	for i := 0; i < 3; i++ {
		if s := mat.Sum(y.RowView(i)); !ltClose(s, 1, 1e-15) {
			t.Errorf("row %d sums to %g", i, s)
		}
	}
}

// TestSoftmaxBackwardJacobian compares Softmax.Backward with the full
// Jacobian J = diag(a) − a·aᵀ applied to dy.
func TestSoftmaxBackwardJacobian(t *testing.T) {
	rng := ltRNG(11)
	z := ltRand(rng, 2, 4, -2, 2)
	dy := ltRand(rng, 2, 4, -1, 1)
	s := &Softmax{}
	a := mat.DenseCopyOf(s.Forward(z))
	dz := s.Backward(dy)
	for i := 0; i < 2; i++ {
		for j := 0; j < 4; j++ {
			var want float64
			for c := 0; c < 4; c++ {
				jac := -a.At(i, j) * a.At(i, c)
				if c == j {
					jac += a.At(i, j)
				}
				want += jac * dy.At(i, c)
			}
			if !ltClose(dz.At(i, j), want, 1e-15) {
				t.Errorf("dz[%d,%d] = %g, want Jᵀ·dy = %g", i, j, dz.At(i, j), want)
			}
		}
	}
}
