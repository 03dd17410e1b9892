package nnlib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDropoutStatistics(t *testing.T) {
	const n, k = 500, 400 // N = 200 000 elements
	for _, rate := range []float64{0.1, 0.5, 0.8} {
		d := NewDropout(rate, ltRNG(uint64(100*rate)))
		x := mat.NewDense(n, k, nil)
		for i := range x.RawMatrix().Data {
			x.RawMatrix().Data[i] = 1
		}
		y := d.Forward(x)
		zeros, sum := 0, 0.0
		for _, v := range y.RawMatrix().Data {
			switch v {
			case 0:
				zeros++
			case 1 / (1 - rate):
			default:
				t.Fatalf("rate %g: output %g is neither 0 nor 1/(1−p) = %g", rate, v, 1/(1-rate))
			}
			sum += v
		}
		N := float64(n * k)
		// Five standard deviations of the sample fraction and sample mean.
		fracTol := 5 * math.Sqrt(rate*(1-rate)/N)
		meanTol := 5 * math.Sqrt(rate/(1-rate)/N)
		if frac := float64(zeros) / N; math.Abs(frac-rate) > fracTol {
			t.Errorf("rate %g: fraction zeroed %g, want %g ± %g", rate, frac, rate, fracTol)
		}
		if mean := sum / N; math.Abs(mean-1) > meanTol {
			t.Errorf("rate %g: mean %g, want 1 ± %g (inverted dropout keeps the mean)", rate, mean, meanTol)
		}
	}
}

// TestDropoutBackwardUsesMask catches the earlier course's bug of ignoring
// dropout in backpropagation: ∂L/∂x must be zero exactly where the last
// Forward dropped a unit, and scaled by 1/(1−p) elsewhere.
func TestDropoutBackwardUsesMask(t *testing.T) {
	const rate = 0.5
	rng := ltRNG(20)
	d := NewDropout(rate, rng)
	x := ltAwayFromZero(rng, 20, 30)
	dy := ltAwayFromZero(rng, 20, 30)

	d.Forward(ltAwayFromZero(rng, 20, 30)) // an earlier mask, which must not be used
	y := mat.DenseCopyOf(d.Forward(x))
	dx := d.Backward(dy)
	dropped := 0
	for i := 0; i < 20; i++ {
		for j := 0; j < 30; j++ {
			want := dy.At(i, j) / (1 - rate)
			if y.At(i, j) == 0 {
				want = 0
				dropped++
			} else if y.At(i, j) != x.At(i, j)/(1-rate) {
				t.Fatalf("y[%d,%d] = %g, want 0 or x/(1−p) = %g", i, j, y.At(i, j), x.At(i, j)/(1-rate))
			}
			if dx.At(i, j) != want {
				t.Fatalf("dx[%d,%d] = %g, want %g (mask of the last Forward)", i, j, dx.At(i, j), want)
			}
		}
	}
	if dropped == 0 || dropped == 600 {
		t.Fatalf("%d of 600 units dropped; the test needs some of each", dropped)
	}
}

func TestDropoutInference(t *testing.T) {
	rng := ltRNG(21)
	d := NewDropout(0.5, rng)
	d.SetTraining(false)
	x := ltRand(rng, 7, 5, -1, 1)
	dy := ltRand(rng, 7, 5, -1, 1)
	if y := d.Forward(x); !ltEqualData(y, x) {
		t.Error("inference-mode Forward is not the identity")
	}
	if dx := d.Backward(dy); !ltEqualData(dx, dy) {
		t.Error("inference-mode Backward is not the identity")
	}
	d.SetTraining(true)
	if y := d.Forward(x); ltEqualData(y, x) {
		t.Error("training-mode Forward with rate 0.5 dropped nothing")
	}
	// Rate 0 is the identity in training mode, and needs no RNG.
	zero := &Dropout{}
	if err := zero.Validate(); err != nil {
		t.Errorf("Dropout{} Validate: %v", err)
	}
	if y := zero.Forward(x); !ltEqualData(y, x) {
		t.Error("rate 0 is not the identity")
	}
}

// TestFixedMaskDropoutIsNotTrivial makes sure the fixed mask used by the
// gradient check of Dropout in training mode drops some units and keeps
// others.
func TestFixedMaskDropoutIsNotTrivial(t *testing.T) {
	d := newFixedMaskDropout(0.4)
	x := mat.NewDense(5, 4, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = 1
	}
	y := mat.DenseCopyOf(d.Forward(x))
	zeros := 0
	for _, v := range y.RawMatrix().Data {
		if v == 0 {
			zeros++
		}
	}
	if zeros == 0 || zeros == 20 {
		t.Errorf("%d of 20 dropped", zeros)
	}
	if !ltEqualData(d.Forward(x), y) {
		t.Error("the fixed mask changed between calls")
	}
}

func TestDropoutValidate(t *testing.T) {
	for _, rate := range []float64{1.2, 1, -0.1, math.NaN()} {
		d := NewDropout(rate, ltRNG(1))
		err := d.Validate()
		if err == nil {
			t.Errorf("rate %g: Validate returned nil", rate)
			continue
		}
		if want := fmt.Sprintf("nnlib: Dropout rate %g is outside [0, 1)", rate); !strings.HasPrefix(err.Error(), want) {
			t.Errorf("rate %g: %q, want prefix %q", rate, err, want)
		}
		// Forward must not silently do something wrong.
		for _, training := range []bool{true, false} {
			d.SetTraining(training)
			v := ltPanicValue(func() { d.Forward(mat.NewDense(2, 2, nil)) })
			if e, ok := v.(error); !ok || !strings.Contains(e.Error(), "outside [0, 1)") {
				t.Errorf("rate %g, training %v: Forward panic %v, want the Validate error", rate, training, v)
			}
		}
	}
	noRNG := &Dropout{Rate: 0.5}
	if err := noRNG.Validate(); err == nil || !strings.Contains(err.Error(), "RNG") {
		t.Errorf("Dropout without RNG: Validate %v", err)
	}
	if v := ltPanicValue(func() { noRNG.Forward(mat.NewDense(2, 2, nil)) }); v == nil {
		t.Error("Forward in training mode without RNG did not panic")
	}
	noRNG.SetTraining(false)
	noRNG.Forward(mat.NewDense(2, 2, nil)) // inference needs no RNG
}
