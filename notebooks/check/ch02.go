package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Derivative checks a derivative written in a notebook (chapter 02) against
// central differences of the function itself: at each x of xs,
//
//	df(x) ≈ (f(x + h) − f(x − h)) / 2h,   h = 1e-5·max(1, |x|)
//
// with the tolerance of [Float]. Central differences are accurate to about
// 1e-10 for smooth functions, so tol = 1e-6 is strict enough to catch a
// wrong formula. Keep xs at least h away from kinks (ReLU at 0), where the
// difference quotient averages the two slopes.
func Derivative(name string, f, df func(float64) float64, xs []float64, tol float64) bool {
	if f == nil || df == nil {
		return report(name, false, "got a nil function")
	}
	for _, x := range xs {
		h := 1e-5 * math.Max(1, math.Abs(x))
		fp, err1 := call(f, x+h)
		fm, err2 := call(f, x-h)
		g, err3 := call(df, x)
		if err := firstNonNil(err1, err2, err3); err != nil {
			return report(name, false, fmt.Sprintf("at x=%s it panicked: %v", num(x), err))
		}
		if want := (fp - fm) / (2 * h); !near(g, want, tol) {
			return report(name, false, fmt.Sprintf("at x=%s the derivative is %s, but the central difference of f gives %s",
				num(x), num(g), num(want)))
		}
	}
	return report(name, true, "")
}

// firstNonNil returns the first non-nil error.
func firstNonNil(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// logSoftmaxRows are the rows LogSoftmax tries: small and large logits,
// equal ones, a single one, and a row whose smallest probability rounds
// to 0 (log(softmax) is −Inf there, log-softmax is not).
var logSoftmaxRows = [][]float64{
	{1, 2, 3},
	{0, 0, 0, 0},
	{-2.5, 0.5, 4, -1},
	{7},
	{1000, 1001, 1002},
	{-1000, -999, -1002},
	{-800, 0, 800},
}

// LogSoftmax checks a log-softmax of one row written in a notebook
// (chapter 02):
//
//	log softmax(z)ⱼ = zⱼ − m − log Σ_c e^(z_c − m),   m = max_c z_c
//
// on rows with small and with very large logits, with a relative tolerance
// of 1e-9. It fails with a hint when a result is NaN or ±Inf (e^z overflowed,
// or the log of a probability that rounded to 0 was taken), when the result
// has the wrong length, and when f changes its input row.
func LogSoftmax(name string, f func(z []float64) []float64) bool {
	if f == nil {
		return report(name, false, "got a nil function")
	}
	for _, row := range logSoftmaxRows {
		z := slices.Clone(row)
		var got []float64
		err := safely(func() { got = f(z) })
		switch {
		case err != nil:
			return report(name, false, fmt.Sprintf("on %v it panicked: %v", row, err))
		case !slices.Equal(z, row):
			return report(name, false, fmt.Sprintf("it changed its input row %v to %v: write the result into a new slice", row, fmtRow(z)))
		case len(got) != len(row):
			return report(name, false, fmt.Sprintf("on %v got %d values, want %d", row, len(got), len(row)))
		}
		want := logSoftmaxRef(row)
		for j := range row {
			g := got[j]
			switch {
			case math.IsNaN(g) || math.IsInf(g, 1):
				return report(name, false, fmt.Sprintf("on %v got %v at [%d]: e^z overflowed; subtract the row maximum m before math.Exp", row, g, j))
			case math.IsInf(g, -1):
				return report(name, false, fmt.Sprintf("on %v got -Inf at [%d]: a probability rounded to 0 and its log is −Inf; return zⱼ − m − log Σ e^(z_c − m) without taking the log of a probability", row, j))
			case !near(g, want[j], 1e-9):
				return report(name, false, fmt.Sprintf("on %v at [%d] got %s, want %s", row, j, num(g), num(want[j])))
			}
		}
	}
	return report(name, true, "")
}

// fmtRow formats a row the way the messages show numbers.
func fmtRow(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = num(x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// logSoftmaxRef is the reference log-softmax of a row (log-sum-exp with
// the maximum subtracted).
func logSoftmaxRef(z []float64) []float64 {
	m := slices.Max(z)
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	lse := m + math.Log(s)
	out := make([]float64, len(z))
	for j, v := range z {
		out[j] = v - lse
	}
	return out
}
