package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Standardizer rescales each column j of a feature matrix to mean 0 and
// standard deviation 1, using statistics of the training set:
//
//	Mean[j] = (1/n) Σᵢ x[i][j]
//	Std[j]  = √((1/n) Σᵢ (x[i][j] − Mean[j])²)
//	z[i][j] = (x[i][j] − Mean[j]) / Std[j]
//
// A constant column has Std[j] = 0 (also when rounding leaves a residue
// below 1e-12·|Mean[j]|); it is only centred (divided by 1), so
// no NaN or Inf appears. Fit it on the training split alone and apply the
// same Standardizer to validation and test data, so nothing about them
// leaks into training.
type Standardizer struct {
	Mean, Std []float64 // one entry per column
}

// FitStandardizer computes the column means and (population) standard
// deviations of x, which is n×d with one example per row.
func FitStandardizer(x *mat.Dense) *Standardizer {
	n, d := x.Dims()
	s := &Standardizer{Mean: make([]float64, d), Std: make([]float64, d)}
	raw := x.RawMatrix()
	for i := range n {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		for j, v := range row {
			s.Mean[j] += v
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(n)
	}
	for i := range n {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		for j, v := range row {
			dv := v - s.Mean[j]
			s.Std[j] += dv * dv
		}
	}
	for j := range s.Std {
		s.Std[j] = math.Sqrt(s.Std[j] / float64(n))
		// A constant column can leave a rounding residue of ~1e-17·|mean|
		// here; dividing by it would blow the column up, so call it 0.
		if s.Std[j] <= 1e-12*math.Abs(s.Mean[j]) {
			s.Std[j] = 0
		}
	}
	return s
}

// Transform returns a new n×d matrix z[i][j] = (x[i][j] − Mean[j]) / Std[j]
// (Std[j] = 0 is treated as 1); x is not changed. It panics if x does not
// have len(Mean) columns.
func (s *Standardizer) Transform(x *mat.Dense) *mat.Dense {
	return s.apply("Transform", x, func(v, mean, std float64) float64 { return (v - mean) / std })
}

// InverseTransform undoes Transform: x[i][j] = z[i][j]·Std[j] + Mean[j]
// (Std[j] = 0 is treated as 1). Use it to bring standardized regression
// predictions back to the original units. It panics if z does not have
// len(Mean) columns.
func (s *Standardizer) InverseTransform(z *mat.Dense) *mat.Dense {
	return s.apply("InverseTransform", z, func(v, mean, std float64) float64 { return v*std + mean })
}

func (s *Standardizer) apply(op string, x *mat.Dense, f func(v, mean, std float64) float64) *mat.Dense {
	n, d := x.Dims()
	if d != len(s.Mean) || d != len(s.Std) {
		panic(fmt.Sprintf("data: Standardizer.%s: got %d×%d, want n×%d (the width it was fitted on)", op, n, d, len(s.Mean)))
	}
	out := mat.NewDense(n, d, nil)
	src, dst := x.RawMatrix(), out.RawMatrix()
	for i := range n {
		for j := range d {
			std := s.Std[j]
			if std == 0 {
				std = 1
			}
			dst.Data[i*dst.Stride+j] = f(src.Data[i*src.Stride+j], s.Mean[j], std)
		}
	}
	return out
}
