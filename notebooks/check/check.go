// Package check holds the self-checks that the course notebooks' exercise
// cells call.
//
// Each function compares a learner's answer with a known one, shows one line,
//
//	✅ name: pass
//	❌ name: at x=-1 got 0.5, want 0.01
//
// on standard output, and returns whether the answer passed.
// A wrong answer never panics: a nil matrix, a nil function or a function
// that panics is reported as a failure like any other wrong value.
//
// The course's notebook test fails on any output that contains [FailMark],
// so the committed notebooks, which hold worked solutions, prove that every
// check passes.
package check

import (
	"fmt"
	"io"
	"math"
	"os"
	"reflect"

	"gonum.org/v1/gonum/mat"
)

// PassMark and FailMark start every line a check shows.
const (
	PassMark = "✅"
	FailMark = "❌"
)

// out receives the plain-text lines when not running in a notebook; nil
// means os.Stdout at the time of the call.
var out io.Writer

// report shows the result of one check and returns ok.
//
// The line goes to standard output in a notebook too: GoNB delivers
// standard output and displayed HTML through different channels, so an
// HTML line could appear above text the cell printed before it.
func report(name string, ok bool, detail string) bool {
	mark, msg := PassMark, "pass"
	if !ok {
		mark, msg = FailMark, detail
	}
	w := out
	if w == nil {
		w = os.Stdout
	}
	fmt.Fprintf(w, "%s %s: %s\n", mark, name, msg)
	return ok
}

// near reports whether got is within tol of want:
//
//	|got − want| ≤ tol·max(1, |want|)
//
// so tol is an absolute tolerance for values near zero and a relative one
// for large values. NaN is close only to NaN, and ±Inf only to itself.
func near(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// num formats a float the way the messages show numbers: short, but with
// enough digits to tell two different values apart.
func num(v float64) string { return fmt.Sprintf("%.6g", v) }

// Float checks a number: it passes when |got − want| ≤ tol·max(1, |want|).
func Float(name string, got, want, tol float64) bool {
	if near(got, want, tol) {
		return report(name, true, "")
	}
	return report(name, false, fmt.Sprintf("got %s, want %s (tolerance %g)", num(got), num(want), tol))
}

// Equal checks a value that must match exactly, such as a count, a label,
// a shape or a string.
func Equal[T comparable](name string, got, want T) bool {
	if got == want {
		return report(name, true, "")
	}
	return report(name, false, fmt.Sprintf("got %v, want %v", got, want))
}

// True checks a condition; hint says what to look at when it is false.
func True(name string, ok bool, hint string) bool {
	if hint == "" {
		hint = "the condition is false"
	}
	return report(name, ok, hint)
}

// Slice checks a vector entry by entry with the tolerance of [Float].
func Slice(name string, got, want []float64, tol float64) bool {
	switch {
	case got == nil && want != nil:
		return report(name, false, "got nil, want a slice of length "+fmt.Sprint(len(want)))
	case len(got) != len(want):
		return report(name, false, fmt.Sprintf("got length %d, want %d", len(got), len(want)))
	}
	bad, first := 0, -1
	for i := range want {
		if !near(got[i], want[i], tol) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad == 0 {
		return report(name, true, "")
	}
	return report(name, false, fmt.Sprintf("at [%d] got %s, want %s%s",
		first, num(got[first]), num(want[first]), more(bad)))
}

// Matrix checks a matrix: first its shape, then every entry with the
// tolerance of [Float]. got may be nil (a *mat.Dense that was never made),
// which fails with "got nil".
func Matrix(name string, got, want mat.Matrix, tol float64) bool {
	if isNil(want) {
		return report(name, false, "the check has no expected matrix (want is nil)")
	}
	if isNil(got) {
		return report(name, false, "got nil, want a "+shape(want)+" matrix")
	}
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		return report(name, false, fmt.Sprintf("got a %s matrix, want %s", shape(got), shape(want)))
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
	if bad == 0 {
		return report(name, true, "")
	}
	return report(name, false, fmt.Sprintf("at (%d, %d) got %s, want %s%s",
		fi, fj, num(got.At(fi, fj)), num(want.At(fi, fj)), more(bad)))
}

// Func checks a function of one variable against a reference at each of
// xs, with the tolerance of [Float]. It reports the first x where the two
// differ. A nil got, or a got that panics, fails instead of stopping the
// notebook.
func Func(name string, got, want func(float64) float64, xs []float64, tol float64) bool {
	if got == nil {
		return report(name, false, "got a nil function")
	}
	bad, firstX, firstGot, firstWant := 0, 0.0, 0.0, 0.0
	for _, x := range xs {
		g, err := call(got, x)
		if err != nil {
			return report(name, false, fmt.Sprintf("at x=%s it panicked: %v", num(x), err))
		}
		w := want(x)
		if !near(g, w, tol) {
			if bad == 0 {
				firstX, firstGot, firstWant = x, g, w
			}
			bad++
		}
	}
	if bad == 0 {
		return report(name, true, "")
	}
	return report(name, false, fmt.Sprintf("at x=%s got %s, want %s%s",
		num(firstX), num(firstGot), num(firstWant), more(bad)))
}

// safely runs f and turns a panic into an error: a learner's function
// that panics is reported like any other wrong answer.
func safely(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// call evaluates f(x), turning a panic into an error.
func call(f func(float64) float64, x float64) (y float64, err error) {
	err = safely(func() { y = f(x) })
	return y, err
}

// isNil reports whether m is nil or a nil pointer inside the interface.
func isNil(m mat.Matrix) bool {
	if m == nil {
		return true
	}
	v := reflect.ValueOf(m)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// shape formats the dimensions of m as r×c.
func shape(m mat.Matrix) string {
	r, c := m.Dims()
	return fmt.Sprintf("%d×%d", r, c)
}

// more says how many further entries differ, if any.
func more(bad int) string {
	switch bad {
	case 1:
		return ""
	case 2:
		return " (and 1 more entry differs)"
	}
	return fmt.Sprintf(" (and %d more entries differ)", bad-1)
}
