package check_test

import (
	"math"

	"github.com/nnfromscratch/nngo/notebooks/check"
	"gonum.org/v1/gonum/mat"
)

// An exercise cell defines the learner's function; the check cell below it
// compares that function with a reference.
func ExampleFunc() {
	sigmoid := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) } // the learner's answer
	want := func(z float64) float64 { return 0.5 * (1 + math.Tanh(z/2)) }
	check.Func("sigmoid", sigmoid, want, []float64{-3, -1, 0, 1, 3}, 1e-12)

	wrong := func(z float64) float64 { return 1 / (1 + math.Exp(z)) } // sign slip
	check.Func("sigmoid", wrong, want, []float64{-3, -1, 0, 1, 3}, 1e-12)
	// Output:
	// ✅ sigmoid: pass
	// ❌ sigmoid: at x=-3 got 0.952574, want 0.0474259 (and 3 more entries differ)
}

func ExampleMatrix() {
	var z *mat.Dense // the learner has not computed it yet
	want := mat.NewDense(2, 1, []float64{0.5, -1})
	check.Matrix("z = X·w + b", z, want, 1e-9)
	// Output:
	// ❌ z = X·w + b: got nil, want a 2×1 matrix
}
