package nnlib

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLinearHandExample(t *testing.T) {
	l := NewLinear(2, 3, nil, ltRNG(1))
	l.W.Value.Copy(mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}))
	l.B.Value.Copy(mat.NewDense(1, 3, []float64{0.5, -1, 0}))
	x := mat.NewDense(2, 2, []float64{1, 2, -1, 0})
	y := l.Forward(x)
	want := []float64{
		1 + 8 + 0.5, 2 + 10 - 1, 3 + 12, // [1 2]·W + b
		-1 + 0.5, -2 - 1, -3, //            [−1 0]·W + b
	}
	for i, v := range want {
		if y.RawMatrix().Data[i] != v {
			t.Fatalf("Forward = %v, want %v", y.RawMatrix().Data, want)
		}
	}
	dy := mat.NewDense(2, 3, []float64{1, 0, -1, 2, 1, 0})
	dx := l.Backward(dy)
	// ∂L/∂W = xᵀ·dy, ∂L/∂b = column sums of dy, ∂L/∂x = dy·Wᵀ, element by element.
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			var s float64
			for r := 0; r < 2; r++ {
				s += x.At(r, i) * dy.At(r, j)
			}
			if l.W.Grad.At(i, j) != s {
				t.Errorf("dW[%d,%d] = %g, want %g", i, j, l.W.Grad.At(i, j), s)
			}
		}
	}
	for j, want := range []float64{3, 1, -1} {
		if l.B.Grad.At(0, j) != want {
			t.Errorf("db[%d] = %g, want %g", j, l.B.Grad.At(0, j), want)
		}
	}
	for r := 0; r < 2; r++ {
		for i := 0; i < 2; i++ {
			var s float64
			for j := 0; j < 3; j++ {
				s += dy.At(r, j) * l.W.Value.At(i, j)
			}
			if dx.At(r, i) != s {
				t.Errorf("dx[%d,%d] = %g, want %g", r, i, dx.At(r, i), s)
			}
		}
	}
	if ps := l.Params(); len(ps) != 2 || ps[0] != l.W || ps[1] != l.B || ps[0].Name != "W" || ps[1].Name != "b" || !ps[1].IsBias() {
		t.Errorf("Params = %v, want [W b]", ps)
	}
}

// TestLinearBatchSizes checks that buffers follow the batch size, and that
// a result keeps correct values after the batch size changes back and forth.
func TestLinearBatchSizes(t *testing.T) {
	rng := ltRNG(2)
	l := NewLinear(5, 3, nil, rng)
	for _, n := range []int{8, 3, 8, 1, 20, 3} {
		x := ltRand(rng, n, 5, -1, 1)
		y := l.Forward(x)
		var want mat.Dense
		want.Mul(x, l.W.Value)
		for i := 0; i < n; i++ {
			for j := 0; j < 3; j++ {
				want.Set(i, j, want.At(i, j)+l.B.Value.At(0, j))
			}
		}
		if !ltEqualData(y, &want) {
			t.Fatalf("batch size %d: Forward differs from x·W + b", n)
		}
		if r, c := l.Backward(ltRand(rng, n, 3, -1, 1)).Dims(); r != n || c != 5 {
			t.Fatalf("batch size %d: Backward returned %d×%d", n, r, c)
		}
	}
}

func TestNewLinearPanics(t *testing.T) {
	for _, size := range [][2]int{{0, 3}, {3, 0}, {-1, 2}} {
		v := ltPanicValue(func() { NewLinear(size[0], size[1], nil, ltRNG(1)) })
		s, ok := v.(string)
		if !ok || !strings.Contains(s, "must be positive") {
			t.Errorf("NewLinear(%d, %d): panic %v", size[0], size[1], v)
		}
	}
	if v := ltPanicValue(func() { NewLinear(2, 2, nil, nil) }); v == nil {
		t.Error("NewLinear with a nil RNG did not panic")
	}
}

// TestInitializerStatistics checks the mean and spread of each initializer
// on a 300×500 matrix (150 000 draws).
func TestInitializerStatistics(t *testing.T) {
	const in, out = 300, 500
	tests := []struct {
		init    Initializer
		name    string
		std     float64 // expected standard deviation
		limit   float64 // bound on |w| for uniform ones, 0 for normal ones
		nonZero bool
	}{
		{XavierNormal, "XavierNormal", math.Sqrt(2.0 / (in + out)), 0, true},
		{XavierUniform, "XavierUniform", math.Sqrt(6.0/(in+out)) / math.Sqrt(3), math.Sqrt(6.0 / (in + out)), true},
		{HeNormal, "HeNormal", math.Sqrt(2.0 / in), 0, true},
		{HeUniform, "HeUniform", math.Sqrt(6.0/in) / math.Sqrt(3), math.Sqrt(6.0 / in), true},
		{Normal{Std: 0.5}, "Normal{Std: 0.5}", 0.5, 0, true},
		{Uniform{Limit: 2}, "Uniform{Limit: 2}", 2 / math.Sqrt(3), 2, true},
	}
	for _, tt := range tests {
		l := NewLinear(in, out, tt.init, ltRNG(7))
		if got := tt.init.String(); got != tt.name {
			t.Errorf("String() = %q, want %q", got, tt.name)
		}
		data := l.W.Value.RawMatrix().Data
		var sum, sq, maxAbs float64
		for _, v := range data {
			sum += v
			sq += v * v
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
		N := float64(len(data))
		mean := sum / N
		std := math.Sqrt(sq/N - mean*mean)
		// The sample standard deviation of N draws has a relative error of
		// about 1/√(2N) ≈ 0.2 %; allow 2 %.
		if math.Abs(std-tt.std) > 0.02*tt.std {
			t.Errorf("%s: std %g, want %g", tt.name, std, tt.std)
		}
		if math.Abs(mean) > 5*tt.std/math.Sqrt(N) {
			t.Errorf("%s: mean %g, want 0", tt.name, mean)
		}
		if tt.limit > 0 && (maxAbs > tt.limit || maxAbs < 0.99*tt.limit) {
			t.Errorf("%s: max |w| = %g, want just under the limit %g", tt.name, maxAbs, tt.limit)
		}
		if mat.Sum(l.B.Value) != 0 {
			t.Errorf("%s: bias is not zero", tt.name)
		}
	}
	// A nil Initializer means XavierUniform: the same draws.
	a, b := NewLinear(4, 3, nil, ltRNG(9)), NewLinear(4, 3, XavierUniform, ltRNG(9))
	if !ltEqualData(a.W.Value, b.W.Value) {
		t.Error("NewLinear with a nil Initializer is not XavierUniform")
	}
}

func TestLinearSeededDeterminism(t *testing.T) {
	for _, init := range []Initializer{XavierNormal, XavierUniform, HeNormal, HeUniform} {
		a := NewLinear(10, 7, init, ltRNG(5))
		b := NewLinear(10, 7, init, ltRNG(5))
		c := NewLinear(10, 7, init, ltRNG(6))
		if !ltEqualData(a.W.Value, b.W.Value) {
			t.Errorf("%v: the same seed gave different weights", init)
		}
		if ltEqualData(a.W.Value, c.W.Value) {
			t.Errorf("%v: different seeds gave the same weights", init)
		}
	}
}

// TestLinearAllocations checks that Linear's Forward and Backward allocate
// nothing in steady state, also when the batch size alternates between a
// training batch and a smaller validation batch.
func TestLinearAllocations(t *testing.T) {
	rng := ltRNG(8)
	l := NewLinear(20, 10, nil, rng)
	x, dy := ltRand(rng, 32, 20, -1, 1), ltRand(rng, 32, 10, -1, 1)
	xv, dyv := ltRand(rng, 5, 20, -1, 1), ltRand(rng, 5, 10, -1, 1)
	l.Forward(x)
	l.Backward(dy)
	if a := testing.AllocsPerRun(50, func() {
		l.Forward(x)
		l.Backward(dy)
	}); a != 0 {
		t.Errorf("Forward+Backward allocate %v times per step, want 0", a)
	}
	l.Forward(xv)
	l.Backward(dyv)
	if a := testing.AllocsPerRun(50, func() {
		l.Forward(x)
		l.Backward(dy)
		l.Forward(xv)
		l.Backward(dyv)
	}); a != 0 {
		t.Errorf("alternating batch sizes allocate %v times, want 0", a)
	}
}

// TestTrainingStepAllocations runs forward, loss gradient, backward and a
// penalty on a network with every kind of layer: nothing may allocate once
// the buffers exist.
func TestTrainingStepAllocations(t *testing.T) {
	rng := ltRNG(9)
	net := NewSequential(
		NewLinear(12, 16, HeNormal, rng), &ReLU{}, NewDropout(0.2, rng),
		NewLinear(16, 16, nil, rng), &LeakyReLU{}, &ELU{}, &GELU{}, &Softplus{}, &Tanh{}, &Sigmoid{},
		NewSequential(NewLinear(16, 8, nil, rng), &Softmax{}),
		NewLinear(8, 4, nil, rng),
	)
	var loss Loss = SoftmaxCrossEntropy{}
	var reg Regularizer = L2{Lambda: 1e-3}
	gt := loss.(gradToer)
	params := net.Params()
	x, y := ltRand(rng, 32, 12, -1, 1), ltRand(rng, 32, 4, 0, 1)
	xv, yv := ltRand(rng, 7, 12, -1, 1), ltRand(rng, 7, 4, 0, 1)
	grad := new(mat.Dense)
	step := func(x, y *mat.Dense) {
		yHat := net.Forward(x)
		_ = loss.Value(yHat, y)
		gt.GradTo(grad, yHat, y)
		net.Backward(grad)
		AddPenaltyGrad(reg, params)
		_ = net.Params()
	}
	step(x, y)
	step(xv, yv)
	if a := testing.AllocsPerRun(20, func() {
		step(x, y)
		net.SetTraining(false)
		net.Forward(xv) // a validation pass with another batch size
		net.SetTraining(true)
	}); a != 0 {
		t.Errorf("a training step allocates %v times, want 0", a)
	}
}

func BenchmarkLinearForwardBackward(b *testing.B) {
	rng := ltRNG(1)
	l := NewLinear(784, 128, HeNormal, rng)
	x, dy := ltRand(rng, 64, 784, 0, 1), ltRand(rng, 64, 128, -1, 1)
	b.ReportAllocs()
	for b.Loop() {
		l.Forward(x)
		l.Backward(dy)
	}
}
