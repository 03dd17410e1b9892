package check

import (
	"math"
	"strings"
	"testing"
)

func TestDerivative(t *testing.T) {
	sigmoid := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	xs := []float64{-5, -1, -0.3, 0.4, 2, 7}
	tests := []struct {
		name string
		df   func(float64) float64
		ok   bool
		want string
	}{
		{"right", func(z float64) float64 { s := sigmoid(z); return s * (1 - s) }, true, "✅ σ′: pass"},
		{"σ′ applied to σ(z)", func(z float64) float64 { s := sigmoid(sigmoid(z)); return s * (1 - s) }, false,
			"❌ σ′: at x=-5 the derivative is 0.249997, but the central difference of f gives 0.00664806"},
		{"nil", nil, false, "got a nil function"},
		{"panics", func(float64) float64 { panic("not written yet") }, false, "at x=-5 it panicked: not written yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, func() bool { return Derivative("σ′", sigmoid, tc.df, xs, 1e-6) })
			if ok != tc.ok || !strings.Contains(printed, tc.want) {
				t.Errorf("got %v, %q; want %v and %q", ok, printed, tc.ok, tc.want)
			}
		})
	}
}

func TestLogSoftmax(t *testing.T) {
	// naive is log(e^zⱼ / Σ e^z): it overflows on large logits.
	naive := func(z []float64) []float64 {
		s := 0.0
		for _, v := range z {
			s += math.Exp(v)
		}
		out := make([]float64, len(z))
		for j, v := range z {
			out[j] = math.Log(math.Exp(v) / s)
		}
		return out
	}
	// logOfStable takes the log of a stable softmax: fine until a probability rounds to 0.
	logOfStable := func(z []float64) []float64 {
		m := math.Inf(-1)
		for _, v := range z {
			m = math.Max(m, v)
		}
		s := 0.0
		for _, v := range z {
			s += math.Exp(v - m)
		}
		out := make([]float64, len(z))
		for j, v := range z {
			out[j] = math.Log(math.Exp(v-m) / s)
		}
		return out
	}
	inPlace := func(z []float64) []float64 {
		want := logSoftmaxRef(z)
		copy(z, want)
		return z
	}
	tests := []struct {
		name string
		f    func([]float64) []float64
		ok   bool
		want string
	}{
		{"reference", logSoftmaxRef, true, "✅ logSoftmax: pass"},
		{"naive", naive, false, "on [1000 1001 1002] got NaN at [0]: e^z overflowed"},
		{"log of stable softmax", logOfStable, false, "on [-800 0 800] got -Inf at [0]: a probability rounded to 0"},
		{"in place", inPlace, false, "it changed its input row [1 2 3] to [-2.40761 -1.40761 -0.407606]"},
		{"short", func(z []float64) []float64 { return z[:1] }, false, "on [1 2 3] got 1 values, want 3"},
		{"no max", func(z []float64) []float64 {
			out := logSoftmaxRef(z)
			out[len(out)-1] += 0.5
			return out
		}, false, "on [1 2 3] at [2] got 0.092394, want -0.407606"},
		{"nil", nil, false, "got a nil function"},
		{"panics", func(z []float64) []float64 { return []float64{z[5]} }, false, "on [1 2 3] it panicked: runtime error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, func() bool { return LogSoftmax("logSoftmax", tc.f) })
			if ok != tc.ok || !strings.Contains(printed, tc.want) {
				t.Errorf("got %v, %q; want %v and %q", ok, printed, tc.ok, tc.want)
			}
		})
	}
}
