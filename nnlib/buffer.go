package nnlib

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// reuseDense returns a compact r×c matrix backed by m's storage when that is
// possible, so that a layer can keep one output buffer across batches of
// different sizes without allocating:
//
//   - m nil: a new r×c matrix;
//   - m already r×c and compact (stride = columns): m itself, unchanged;
//   - m compact with room for r·c elements: m, re-shaped in place over the
//     same backing array (the element values are not zeroed);
//   - otherwise (too small, or a view into another matrix): m, re-pointed at
//     a new backing array, so a view never writes into its parent.
//
// The pointer stays the same whenever m is not nil, so a result handed out
// earlier changes shape along with the buffer: results are valid until the
// next call, as every Forward and Backward documents.
func reuseDense(m *mat.Dense, r, c int) *mat.Dense {
	if m == nil {
		return mat.NewDense(r, c, nil)
	}
	raw := m.RawMatrix()
	if raw.Stride == raw.Cols || m.IsEmpty() {
		if raw.Rows == r && raw.Cols == c {
			return m
		}
		if cap(raw.Data) >= r*c {
			m.SetRawMatrix(blas64.General{Rows: r, Cols: c, Stride: c, Data: raw.Data[:r*c]})
			return m
		}
	}
	m.SetRawMatrix(blas64.General{Rows: r, Cols: c, Stride: c, Data: make([]float64, r*c)})
	return m
}

// rowOf returns row i of a raw matrix as a slice of length Cols.
func rowOf(a blas64.General, i int) []float64 {
	return a.Data[i*a.Stride : i*a.Stride+a.Cols]
}
