package check

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestGradient(t *testing.T) {
	var nilDense *mat.Dense
	want := mat.NewDense(2, 3, []float64{0.5, -0.25, 0, 1, 0.125, -2})
	scaled := func(c float64) *mat.Dense {
		var m mat.Dense
		m.Scale(c, want)
		return &m
	}
	oneOff := mat.DenseCopyOf(want)
	oneOff.Set(1, 2, -1.5)
	withNaN := mat.DenseCopyOf(want)
	withNaN.Set(0, 0, math.NaN())
	tests := []struct {
		name string
		got  mat.Matrix
		ok   bool
		line string
	}{
		{"pass", mat.DenseCopyOf(want), true, "✅ dW: pass"},
		{"within tolerance", scaled(1 + 1e-12), true, "✅ dW: pass"},
		{"nil", nilDense, false, "❌ dW: got nil, want a 2×3 gradient"},
		{"transposed", mat.DenseCopyOf(want.T()), false,
			"❌ dW: got a 3×2 matrix that is the transpose of the 2×3 gradient: swap the factors of the product and transpose them (xᵀ·δ, not δᵀ·x)"},
		{"wrong shape", mat.NewDense(1, 3, nil), false,
			"❌ dW: got a 1×3 matrix, want 2×3 (a gradient has the shape of what it differentiates)"},
		{"sign", scaled(-1), false,
			"❌ dW: every entry has the wrong sign: the gradient points uphill (ŷ − y, not y − ŷ)"},
		{"divided by n twice", scaled(0.25), false,
			"❌ dW: every entry is 0.25 × the right value: a constant factor is missing or extra (a 2, 1/n or 1/(n·k)?)"},
		{"missing 2", scaled(0.5), false,
			"❌ dW: every entry is 0.5 × the right value: a constant factor is missing or extra (a 2, 1/n or 1/(n·k)?)"},
		{"zeros", mat.NewDense(2, 3, nil), false, "❌ dW: every entry is 0: is the gradient computed at all?"},
		{"one entry", oneOff, false, "❌ dW: at (1, 2) got -1.5, want -2"},
		{"NaN", withNaN, false, "❌ dW: at (0, 0) got NaN, want 0.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, func() bool { return Gradient("dW", tc.got, want, 1e-9) })
			if ok != tc.ok {
				t.Errorf("returned %v, want %v", ok, tc.ok)
			}
			if got := strings.TrimSuffix(printed, "\n"); got != tc.line {
				t.Errorf("printed %q, want %q", got, tc.line)
			}
		})
	}
	if ok, printed := capture(t, func() bool { return Gradient("dW", want, nilDense, 1e-9) }); ok ||
		!strings.Contains(printed, "no expected gradient") {
		t.Errorf("nil want: returned %v, printed %q", ok, printed)
	}
}

// A square gradient and its transpose have the same shape, so the transpose
// is reported as wrong entries, not as a transpose.
func TestGradientSquareTranspose(t *testing.T) {
	want := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	ok, printed := capture(t, func() bool { return Gradient("dW", want.T(), want, 1e-9) })
	if ok || !strings.Contains(printed, "at (0, 1) got 3, want 2") {
		t.Errorf("returned %v, printed %q", ok, printed)
	}
}

// A gradient that is right up to a constant factor is reported with the factor.
func ExampleGradient() {
	want := mat.NewDense(1, 3, []float64{0.5, -1, 0.25})       // the right gradient
	got := mat.NewDense(1, 3, []float64{0.125, -0.25, 0.0625}) // divided by n = 4 once too often
	Gradient("mseGrad", got, want, 1e-12)
	Gradient("mseGrad", want, want, 1e-12)
	// Output:
	// ❌ mseGrad: every entry is 0.25 × the right value: a constant factor is missing or extra (a 2, 1/n or 1/(n·k)?)
	// ✅ mseGrad: pass
}
