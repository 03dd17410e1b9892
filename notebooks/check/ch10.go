package check

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// EpochFLOP checks a count of the floating-point operations in the matrix
// products of one training epoch (chapter 10) of n examples through an MLP
// with layer widths sizes (input first, output last). For a layer with d
// inputs and k outputs, each example costs d·k multiply-adds in the forward
// product x·W, d·k in ∂L/∂W = xᵀ·g and, for every layer but the first
// (whose input is data, not a parameter), d·k in ∂L/∂x = g·Wᵀ. A
// multiply-add counts as 2 FLOP.
func EpochFLOP(name string, got float64, n int, sizes []int) bool {
	if len(sizes) < 2 || n < 1 {
		return report(name, false, fmt.Sprintf("the check needs n ≥ 1 and at least two layer widths, got n=%d, sizes %v", n, sizes))
	}
	var fwd, dw, dx float64
	for l := 1; l < len(sizes); l++ {
		dk := float64(n) * float64(sizes[l-1]) * float64(sizes[l])
		fwd += 2 * dk
		dw += 2 * dk
		if l > 1 {
			dx += 2 * dk
		}
	}
	want := fwd + dw + dx
	var hint string
	switch {
	case near(got, want, 1e-9):
		return report(name, true, "")
	case near(got, want/2, 1e-9):
		hint = "half the answer: count a multiply-add as 2 FLOP"
	case near(got, fwd, 1e-9):
		hint = "that is the forward pass only; add ∂L/∂W and ∂L/∂x"
	case near(got, fwd+dw, 1e-9):
		hint = "∂L/∂x is missing for the layers after the first"
	case near(got, want+2*float64(n)*float64(sizes[0])*float64(sizes[1]), 1e-9):
		hint = "the first layer needs no ∂L/∂x: its input is the data"
	default:
		hint = "count forward x·W, ∂L/∂W = xᵀ·g and ∂L/∂x = g·Wᵀ per layer"
	}
	return report(name, false, fmt.Sprintf("got %s FLOP, want %s: %s", num(got), num(want), hint))
}

// InPlaceBiasReLU checks a function written in chapter 10 that computes,
// in place and without allocating,
//
//	zᵢⱼ ← max(zᵢⱼ + bⱼ, 0)      z n×k, b 1×k
//
// It runs f on a random 7×5 case with values of both signs, compares with
// the formula, checks that b is unchanged, and counts heap allocations per
// call with testing.AllocsPerRun on a 100×256 case; it must be 0.
func InPlaceBiasReLU(name string, f func(z, b *mat.Dense)) bool {
	if f == nil {
		return report(name, false, "got a nil function")
	}
	rng := rand.New(rand.NewPCG(10, 10))
	z, b := randDense(rng, 7, 5), randDense(rng, 1, 5)
	want := mat.NewDense(7, 5, nil)
	want.Apply(func(i, j int, v float64) float64 { return math.Max(v+b.At(0, j), 0) }, z)
	bCopy := mat.DenseCopyOf(b)
	if err := safely(func() { f(z, b) }); err != nil {
		return report(name, false, "it panicked: "+err.Error())
	}
	if !mat.Equal(b, bCopy) {
		return report(name, false, "it changed b; only z is updated")
	}
	if !mat.EqualApprox(z, want, 1e-12) {
		return report(name, false, fmt.Sprintf("z after the call is\n%v\nwant\n%v", mat.Formatted(z, mat.Squeeze()), mat.Formatted(want, mat.Squeeze())))
	}
	big, bb := randDense(rng, 100, 256), randDense(rng, 1, 256)
	if a := testing.AllocsPerRun(10, func() { f(big, bb) }); a != 0 {
		return report(name, false, fmt.Sprintf("%v heap allocations per call, want 0: write into z's own numbers (z.RawMatrix().Data or z.RawRowView(i)) instead of building new matrices", a))
	}
	return report(name, true, "")
}

// randDense returns an r×c matrix of values uniform in [−1, 1).
func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = 2*rng.Float64() - 1
	}
	return mat.NewDense(r, c, d)
}
