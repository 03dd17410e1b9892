package check

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Gradient checks a gradient matrix like [Matrix] (shape, then every entry
// with the tolerance of [Float]) and, when it is wrong, names the usual
// mistakes of notebooks 03-losses and 04-chain-rule-and-backpropagation:
//
//   - the transpose of the right matrix (xᵀ·δ written as δᵀ·x);
//   - the right gradient with the wrong sign (y − ŷ instead of ŷ − y);
//   - the right gradient times a constant factor c for every entry (a
//     missing or extra 2, 1/n or 1/(n·k)), with c in the message.
//
// Otherwise it reports the first entry that differs, as Matrix does.
func Gradient(name string, got, want mat.Matrix, tol float64) bool {
	if isNil(want) {
		return report(name, false, "the check has no expected gradient (want is nil)")
	}
	if isNil(got) {
		return report(name, false, "got nil, want a "+shape(want)+" gradient")
	}
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		if gr == wc && gc == wr && (gr != gc) && allNear(got.T(), want, tol) {
			return report(name, false, fmt.Sprintf("got a %s matrix that is the transpose of the %s gradient: swap the factors of the product and transpose them (xᵀ·δ, not δᵀ·x)",
				shape(got), shape(want)))
		}
		return report(name, false, fmt.Sprintf("got a %s matrix, want %s (a gradient has the shape of what it differentiates)", shape(got), shape(want)))
	}
	if allNear(got, want, tol) {
		return report(name, true, "")
	}
	if c, ok := commonFactor(got, want, tol); ok {
		if near(c, -1, 1e-9) {
			return report(name, false, "every entry has the wrong sign: the gradient points uphill (ŷ − y, not y − ŷ)")
		}
		if c == 0 {
			return report(name, false, "every entry is 0: is the gradient computed at all?")
		}
		return report(name, false, fmt.Sprintf("every entry is %s × the right value: a constant factor is missing or extra (a 2, 1/n or 1/(n·k)?)", num(c)))
	}
	bad, fi, fj := 0, 0, 0
	for i := range wr {
		for j := range wc {
			if !near(got.At(i, j), want.At(i, j), tol) {
				if bad == 0 {
					fi, fj = i, j
				}
				bad++
			}
		}
	}
	return report(name, false, fmt.Sprintf("at (%d, %d) got %s, want %s%s",
		fi, fj, num(got.At(fi, fj)), num(want.At(fi, fj)), more(bad)))
}

// allNear reports whether a and b, of equal shape, agree entry by entry
// within tol (see near).
func allNear(a, b mat.Matrix, tol float64) bool {
	r, c := b.Dims()
	for i := range r {
		for j := range c {
			if !near(a.At(i, j), b.At(i, j), tol) {
				return false
			}
		}
	}
	return true
}

// commonFactor returns c when got = c·want entry by entry (within tol,
// relative to the largest entry of want), and false when no single c fits,
// when want is all zeros, or when got holds NaN or ±Inf.
func commonFactor(got, want mat.Matrix, tol float64) (float64, bool) {
	r, cols := want.Dims()
	var biggest float64 // the entry of want with the largest magnitude fixes c
	bi, bj := -1, -1
	for i := range r {
		for j := range cols {
			if v := math.Abs(want.At(i, j)); v > math.Abs(biggest) {
				biggest, bi, bj = want.At(i, j), i, j
			}
		}
	}
	if bi < 0 {
		return 0, false
	}
	c := got.At(bi, bj) / biggest
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return 0, false
	}
	scale := math.Max(1, math.Abs(c)) * math.Abs(biggest)
	for i := range r {
		for j := range cols {
			g := got.At(i, j)
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-c*want.At(i, j)) > math.Max(tol, 1e-9)*scale {
				return 0, false
			}
		}
	}
	return c, true
}
