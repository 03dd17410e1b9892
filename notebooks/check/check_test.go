package check

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// capture runs f with the plain-text output redirected and returns what f
// returned and printed.
func capture(t *testing.T, f func() bool) (bool, string) {
	t.Helper()
	var b bytes.Buffer
	out = &b
	defer func() { out = nil }()
	ok := f()
	return ok, b.String()
}

func TestChecks(t *testing.T) {
	var nilDense *mat.Dense
	identity := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	relu := func(x float64) float64 { return math.Max(0, x) }
	leaky := func(x float64) float64 {
		if x < 0 {
			return 0.01 * x
		}
		return x
	}
	tests := []struct {
		name string
		run  func() bool
		ok   bool
		line string // the whole printed line
	}{
		{"float pass", func() bool { return Float("mean", 2.0000001, 2, 1e-6) }, true, "✅ mean: pass"},
		{"float relative", func() bool { return Float("big", 1000.0005, 1000, 1e-6) }, true, "✅ big: pass"},
		{"float fail", func() bool { return Float("mean", 2.5, 2, 1e-6) }, false,
			"❌ mean: got 2.5, want 2 (tolerance 1e-06)"},
		{"float NaN", func() bool { return Float("loss", math.NaN(), 0.3, 1e-6) }, false,
			"❌ loss: got NaN, want 0.3 (tolerance 1e-06)"},
		{"float Inf", func() bool { return Float("loss", math.Inf(1), math.Inf(1), 1e-6) }, true, "✅ loss: pass"},
		{"equal pass", func() bool { return Equal("rows", 3, 3) }, true, "✅ rows: pass"},
		{"equal fail", func() bool { return Equal("label", "cat", "dog") }, false, "❌ label: got cat, want dog"},
		{"true pass", func() bool { return True("positive", true, "must be > 0") }, true, "✅ positive: pass"},
		{"true fail", func() bool { return True("positive", false, "must be > 0") }, false, "❌ positive: must be > 0"},
		{"true fail no hint", func() bool { return True("positive", false, "") }, false,
			"❌ positive: the condition is false"},
		{"slice pass", func() bool { return Slice("v", []float64{1, 2}, []float64{1, 2}, 0) }, true, "✅ v: pass"},
		{"slice nil", func() bool { return Slice("v", nil, []float64{1, 2}, 0) }, false,
			"❌ v: got nil, want a slice of length 2"},
		{"slice length", func() bool { return Slice("v", []float64{1}, []float64{1, 2}, 0) }, false,
			"❌ v: got length 1, want 2"},
		{"slice values", func() bool { return Slice("v", []float64{1, 5, 7}, []float64{1, 2, 3}, 1e-9) }, false,
			"❌ v: at [1] got 5, want 2 (and 1 more entry differs)"},
		{"matrix pass", func() bool { return Matrix("I", mat.NewDense(2, 2, []float64{1, 0, 0, 1}), identity, 0) },
			true, "✅ I: pass"},
		{"matrix nil", func() bool { return Matrix("I", nilDense, identity, 0) }, false,
			"❌ I: got nil, want a 2×2 matrix"},
		{"matrix untyped nil", func() bool { return Matrix("I", nil, identity, 0) }, false,
			"❌ I: got nil, want a 2×2 matrix"},
		{"matrix shape", func() bool { return Matrix("I", mat.NewDense(1, 2, nil), identity, 0) }, false,
			"❌ I: got a 1×2 matrix, want 2×2"},
		{"matrix transposed view", func() bool { return Matrix("I", identity.T(), identity, 0) }, true, "✅ I: pass"},
		{"matrix values", func() bool { return Matrix("I", mat.NewDense(2, 2, []float64{1, 0, 0, 0}), identity, 1e-9) },
			false, "❌ I: at (1, 1) got 0, want 1"},
		{"matrix many wrong", func() bool { return Matrix("I", mat.NewDense(2, 2, []float64{0, 1, 1, 0}), identity, 1e-9) },
			false, "❌ I: at (0, 0) got 0, want 1 (and 3 more entries differ)"},
		{"matrix nil want", func() bool { return Matrix("I", identity, nilDense, 0) }, false,
			"❌ I: the check has no expected matrix (want is nil)"},
		{"func pass", func() bool { return Func("relu", relu, relu, []float64{-1, 0, 2}, 0) }, true, "✅ relu: pass"},
		{"func fail", func() bool { return Func("leaky", relu, leaky, []float64{-1, -2, 3}, 1e-9) }, false,
			"❌ leaky: at x=-1 got 0, want -0.01 (and 1 more entry differs)"},
		{"func nil", func() bool { return Func("relu", nil, relu, []float64{1}, 0) }, false,
			"❌ relu: got a nil function"},
		{"func panics", func() bool {
			return Func("relu", func(x float64) float64 { var m []float64; return m[0] }, relu, []float64{1}, 0)
		}, false, "❌ relu: at x=1 it panicked: runtime error: index out of range [0] with length 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, tc.run)
			if ok != tc.ok {
				t.Errorf("returned %v, want %v", ok, tc.ok)
			}
			if got := strings.TrimSuffix(printed, "\n"); got != tc.line {
				t.Errorf("printed %q, want %q", got, tc.line)
			}
			if strings.Count(printed, "\n") != 1 {
				t.Errorf("printed %d lines, want exactly 1: %q", strings.Count(printed, "\n"), printed)
			}
			if strings.Contains(printed, FailMark) == tc.ok {
				t.Errorf("fail mark present = %v for a check that returned %v", !tc.ok, tc.ok)
			}
		})
	}
}

func TestNear(t *testing.T) {
	tests := []struct {
		got, want, tol float64
		ok             bool
	}{
		{0.001, 0, 1e-3, true},
		{0.0011, 0, 1e-3, false},
		{1001, 1000, 1e-3, true}, // relative for |want| > 1
		{1002, 1000, 1e-3, false},
		{math.NaN(), math.NaN(), 0, true},
		{0, math.NaN(), 1, false},
		{math.Inf(-1), math.Inf(1), 1, false},
	}
	for _, tc := range tests {
		if got := near(tc.got, tc.want, tc.tol); got != tc.ok {
			t.Errorf("near(%v, %v, %v) = %v, want %v", tc.got, tc.want, tc.tol, got, tc.ok)
		}
	}
}
