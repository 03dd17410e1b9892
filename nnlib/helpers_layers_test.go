package nnlib

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ltRand returns an r×c matrix of draws from U(lo, hi).
func ltRand(rng *rand.Rand, r, c int, lo, hi float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range m.RawMatrix().Data {
		m.RawMatrix().Data[i] = lo + (hi-lo)*rng.Float64()
	}
	return m
}

// ltAwayFromZero returns an r×c matrix whose elements have magnitude in
// [0.1, 2] and a random sign, so no element lies near a kink at 0.
func ltAwayFromZero(rng *rand.Rand, r, c int) *mat.Dense {
	m := ltRand(rng, r, c, 0.1, 2)
	for i, v := range m.RawMatrix().Data {
		if rng.IntN(2) == 0 {
			m.RawMatrix().Data[i] = -v
		}
	}
	return m
}

// ltPanicValue runs f and returns what it panicked with (nil if it did not).
func ltPanicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// ltShapePanic runs f, which must panic with a *ShapeError, and returns it.
func ltShapePanic(t *testing.T, f func()) *ShapeError {
	t.Helper()
	v := ltPanicValue(f)
	if v == nil {
		t.Fatal("no panic, want a *ShapeError")
	}
	err, ok := v.(error)
	if !ok {
		t.Fatalf("panic value %v (%T) is not an error, want a *ShapeError", v, v)
	}
	var se *ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("panic value %v (%T) is not a *ShapeError", v, v)
	}
	return se
}

// ltClose reports whether a and b agree within an absolute tolerance.
func ltClose(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// ltEqualData reports whether a and b have the same shape and bit-identical
// elements.
func ltEqualData(a, b *mat.Dense) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return false
	}
	for i := 0; i < ar; i++ {
		for j := 0; j < ac; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}

// ltRNG returns a seeded RNG.
func ltRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1234)) }
