package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestStandardizer(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{
		1, 10, 0.1,
		2, 20, 0.1,
		3, 30, 0.1,
		4, 80, 0.1, // column 2 is constant (0.1 has no exact binary form)
	})
	orig := mat.DenseCopyOf(x)
	s := FitStandardizer(x)

	for j := range 2 {
		col := mat.Col(nil, j, x)
		mean, std := stat.PopMeanStdDev(col, nil)
		if !scalar.EqualWithinAbsOrRel(s.Mean[j], mean, 1e-12, 1e-12) || !scalar.EqualWithinAbsOrRel(s.Std[j], std, 1e-12, 1e-12) {
			t.Fatalf("column %d: Mean, Std = %v, %v, want %v, %v", j, s.Mean[j], s.Std[j], mean, std)
		}
	}
	if s.Std[2] != 0 {
		t.Fatalf("constant column: Std = %v, want 0", s.Std[2])
	}

	z := s.Transform(x)
	if !mat.Equal(x, orig) {
		t.Fatal("Transform changed its input")
	}
	for j := range 3 {
		mean, std := stat.PopMeanStdDev(mat.Col(nil, j, z), nil)
		wantStd := 1.0
		if j == 2 {
			wantStd = 0
		}
		if math.Abs(mean) > 1e-12 || math.Abs(std-wantStd) > 1e-12 {
			t.Fatalf("column %d after Transform: mean %v, std %v, want 0, %v", j, mean, std, wantStd)
		}
	}
	for _, v := range z.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Transform produced %v", v)
		}
	}

	back := s.InverseTransform(z)
	if !mat.EqualApprox(back, x, 1e-12) {
		t.Fatalf("InverseTransform(Transform(x)) = %v, want %v", mat.Formatted(back), mat.Formatted(x))
	}

	// New data uses the training statistics, not its own: a test row equal
	// to the training mean maps to 0, a constant column is only centred.
	test := mat.NewDense(1, 3, []float64{2.5, 35, 1.1})
	zt := s.Transform(test)
	if got := mat.Row(nil, 0, zt); math.Abs(got[0]) > 1e-12 || math.Abs(got[1]) > 1e-12 || math.Abs(got[2]-1) > 1e-12 {
		t.Fatalf("Transform(test) = %v, want [0 0 1]", got)
	}

	mustPanic(t, "got 1×2, want n×3", func() { s.Transform(mat.NewDense(1, 2, nil)) })
}
