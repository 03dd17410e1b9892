package check

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fillEach returns an initializer that sets every entry of W to draw(rng).
func fillEach(draw func(rng *rand.Rand) float64) func(*mat.Dense, *rand.Rand) {
	return func(w *mat.Dense, rng *rand.Rand) {
		r, c := w.Dims()
		for i := range r {
			for j := range c {
				w.Set(i, j, draw(rng))
			}
		}
	}
}

func TestNormalInit(t *testing.T) {
	const in, out = 512, 256
	he := math.Sqrt(2.0 / in)
	tests := []struct {
		name string
		fill func(*mat.Dense, *rand.Rand)
		ok   bool
		want string // part of the printed line
	}{
		{"He normal", fillEach(func(rng *rand.Rand) float64 { return he * rng.NormFloat64() }), true, "pass"},
		{"nil", nil, false, "got a nil function"},
		{"fan-out instead of fan-in", fillEach(func(rng *rand.Rand) float64 { return math.Sqrt(2.0/out) * rng.NormFloat64() }),
			false, "1.41 times too large"},
		{"variance instead of std", fillEach(func(rng *rand.Rand) float64 { return 2.0 / in * rng.NormFloat64() }),
			false, "times too small"},
		{"uniform with the right std", fillEach(func(rng *rand.Rand) float64 { return he * math.Sqrt(3) * (2*rng.Float64() - 1) }),
			false, "not normally distributed (excess kurtosis -1.20"},
		{"not centred", fillEach(func(rng *rand.Rand) float64 { return he * (1 + rng.NormFloat64()) }), false, "want about 0"},
		{"constant", fillEach(func(*rand.Rand) float64 { return he }), false, "every entry is 0.0625"},
		{"first row only", func(w *mat.Dense, rng *rand.Rand) {
			for j := range out {
				w.Set(0, j, he*rng.NormFloat64())
			}
		}, false, "130816 of 131072 entries are still 0"},
		{"NaN", fillEach(func(*rand.Rand) float64 { return math.NaN() }), false, "entry (0, 0) is NaN"},
		{"panics", func(w *mat.Dense, rng *rand.Rand) { w.Set(in, 0, 1) }, false, "it panicked: mat: row index out of range"},
		{"resized", func(w *mat.Dense, rng *rand.Rand) {
			w.Reset()
			w.ReuseAs(out, in)
		}, false, "W is now 256×512, want 512×256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, func() bool { return NormalInit("He", tc.fill, in, out, he) })
			if ok != tc.ok {
				t.Errorf("returned %v, want %v (%q)", ok, tc.ok, printed)
			}
			if !strings.Contains(printed, tc.want) {
				t.Errorf("printed %q, want it to contain %q", printed, tc.want)
			}
		})
	}
	t.Run("too small to check", func(t *testing.T) {
		ok, printed := capture(t, func() bool {
			return NormalInit("He", fillEach(func(rng *rand.Rand) float64 { return rng.NormFloat64() }), 10, 10, 1)
		})
		if ok || !strings.Contains(printed, "at least 10000 entries, not 10×10") {
			t.Errorf("got %v, %q", ok, printed)
		}
	})
}
