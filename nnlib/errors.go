package nnlib

import "fmt"

// ShapeError is the panic value for a matrix of the wrong shape. Its
// message names the operation, what it got and what it wanted:
//
//	nnlib: Linear.Forward: got 32×785, want n×784
//
// Shape mistakes are programming errors, so they panic (as in gonum/mat);
// recover the value and test it with errors.As to handle one.
type ShapeError struct {
	Op   string // the operation, e.g. "Linear.Forward"
	Got  string // the shape it was given, e.g. "32×785"
	Want string // the shape it needs, e.g. "n×784"
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("nnlib: %s: got %s, want %s", e.Op, e.Got, e.Want)
}

// dims formats r×c the way ShapeError messages show shapes.
func dims(r, c int) string { return fmt.Sprintf("%d×%d", r, c) }
