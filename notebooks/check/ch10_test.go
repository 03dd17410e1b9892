package check

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestEpochFLOP(t *testing.T) {
	sizes := []int{784, 256, 256, 10}
	n := 60000
	// forward 2·n·Σdk, ∂W the same, ∂x for layers 2 and 3.
	fwd := 2.0 * float64(n) * (784*256 + 256*256 + 256*10)
	dx := 2.0 * float64(n) * (256*256 + 256*10)
	for _, tc := range []struct {
		got  float64
		ok   bool
		hint string
	}{
		{2*fwd + dx, true, ""},
		{72.7e9, false, "want"}, // rounded is not right
		{(2*fwd + dx) / 2, false, "2 FLOP"},
		{fwd, false, "forward pass only"},
		{2 * fwd, false, "∂L/∂x is missing"},
		{3 * fwd, false, "first layer needs no"},
	} {
		ok, msg := capture(t, func() bool { return EpochFLOP("flop", tc.got, n, sizes) })
		if ok != tc.ok || !strings.Contains(msg, tc.hint) {
			t.Errorf("EpochFLOP(%g) = %v, %q; want %v and a message with %q", tc.got, ok, msg, tc.ok, tc.hint)
		}
	}
	if ok, _ := capture(t, func() bool { return EpochFLOP("flop", 1, 0, sizes) }); ok {
		t.Error("n = 0 passed")
	}
}

func TestInPlaceBiasReLU(t *testing.T) {
	good := func(z, b *mat.Dense) {
		r, _ := z.Dims()
		bias := b.RawRowView(0)
		for i := range r {
			row := z.RawRowView(i)
			for j, v := range row {
				row[j] = max(v+bias[j], 0)
			}
		}
	}
	allocating := func(z, b *mat.Dense) {
		var t mat.Dense
		t.Apply(func(i, j int, v float64) float64 { return max(v+b.At(0, j), 0) }, z)
		z.Copy(&t)
	}
	noReLU := func(z, b *mat.Dense) {
		r, _ := z.Dims()
		for i := range r {
			row := z.RawRowView(i)
			for j := range row {
				row[j] += b.At(0, j)
			}
		}
	}
	changesB := func(z, b *mat.Dense) { good(z, b); b.Zero() }
	for _, tc := range []struct {
		name string
		f    func(z, b *mat.Dense)
		ok   bool
		hint string
	}{
		{"good", good, true, "pass"},
		{"allocating", allocating, false, "allocations"},
		{"no ReLU", noReLU, false, "want"},
		{"changes b", changesB, false, "changed b"},
		{"panics", func(z, b *mat.Dense) { z.At(99, 99) }, false, "panicked"},
		{"nil", nil, false, "nil"},
	} {
		ok, msg := capture(t, func() bool { return InPlaceBiasReLU("relu", tc.f) })
		if ok != tc.ok || !strings.Contains(msg, tc.hint) {
			t.Errorf("%s: got %v, %q; want %v and a message with %q", tc.name, ok, msg, tc.ok, tc.hint)
		}
	}
}
