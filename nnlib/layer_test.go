package nnlib

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// fixedMaskDropout re-seeds its Dropout's RNG before every Forward, so that
// every forward pass of a gradient check uses the same mask.
type fixedMaskDropout struct {
	*Dropout
	src *rand.PCG
}

func (d fixedMaskDropout) Forward(x *mat.Dense) *mat.Dense {
	d.src.Seed(7, 8)
	return d.Dropout.Forward(x)
}

func newFixedMaskDropout(rate float64) fixedMaskDropout {
	src := rand.NewPCG(7, 8)
	return fixedMaskDropout{Dropout: NewDropout(rate, rand.New(src)), src: src}
}

// TestLayerGradients checks every layer's Backward (∂L/∂x and every
// parameter's gradient) against central finite differences.
func TestLayerGradients(t *testing.T) {
	const n, d = 5, 4
	tests := []struct {
		name  string
		layer func(rng *rand.Rand) Layer
		out   int // output width for input width d
		x     func(rng *rand.Rand) *mat.Dense
		loss  Loss
	}{
		{name: "Linear", layer: func(rng *rand.Rand) Layer { return NewLinear(d, 3, HeNormal, rng) }, out: 3},
		{name: "ReLU", layer: func(*rand.Rand) Layer { return &ReLU{} }, out: d},
		{name: "LeakyReLU default α", layer: func(*rand.Rand) Layer { return &LeakyReLU{} }, out: d},
		{name: "LeakyReLU α=0.2", layer: func(*rand.Rand) Layer { return &LeakyReLU{Alpha: 0.2} }, out: d},
		{name: "Sigmoid", layer: func(*rand.Rand) Layer { return &Sigmoid{} }, out: d},
		{name: "Tanh", layer: func(*rand.Rand) Layer { return &Tanh{} }, out: d},
		{name: "Softmax", layer: func(*rand.Rand) Layer { return &Softmax{} }, out: d},
		{name: "ELU default α", layer: func(*rand.Rand) Layer { return &ELU{} }, out: d},
		{name: "ELU α=0.5", layer: func(*rand.Rand) Layer { return &ELU{Alpha: 0.5} }, out: d},
		{name: "GELU", layer: func(*rand.Rand) Layer { return &GELU{} }, out: d},
		{name: "Softplus", layer: func(*rand.Rand) Layer { return &Softplus{} }, out: d},
		{name: "Dropout training, fixed mask", layer: func(*rand.Rand) Layer { return newFixedMaskDropout(0.4) }, out: d},
		{name: "Dropout inference", layer: func(*rand.Rand) Layer {
			l := NewDropout(0.4, ltRNG(3))
			l.SetTraining(false)
			return l
		}, out: d},
		{name: "Sequential MLP", out: 2, layer: func(rng *rand.Rand) Layer {
			return NewSequential(
				NewLinear(d, 6, XavierNormal, rng), &Tanh{},
				NewLinear(6, 5, HeUniform, rng), &Sigmoid{},
				NewLinear(5, 3, nil, rng), &GELU{},
				NewSequential(NewLinear(3, 2, XavierUniform, rng), &Softplus{}),
			)
		}},
		{name: "Sequential with dropout and softmax", out: 3, loss: CrossEntropy{}, layer: func(rng *rand.Rand) Layer {
			return NewSequential(NewLinear(d, 6, nil, rng), &ELU{}, newFixedMaskDropout(0.3),
				NewLinear(6, 3, nil, rng), &Softmax{})
		}},
		{name: "Linear into SoftmaxCrossEntropy", out: 3, loss: SoftmaxCrossEntropy{}, layer: func(rng *rand.Rand) Layer {
			return NewSequential(NewLinear(d, 5, nil, rng), &LeakyReLU{}, NewLinear(5, 3, nil, rng))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := ltRNG(42)
			layer := tt.layer(rng)
			x := ltAwayFromZero(rng, n, d) // away from ReLU's and ELU's kink at 0
			y := ltRand(rng, n, tt.out, -1, 1)
			loss := tt.loss
			if loss == nil {
				loss = MSE{}
			}
			if _, ok := loss.(CrossEntropy); ok {
				y = ltRand(rng, n, tt.out, 0, 1)
			}
			var before []*mat.Dense
			for _, p := range layer.Params() {
				before = append(before, mat.DenseCopyOf(p.Value))
			}
			xBefore := mat.DenseCopyOf(x)
			e := GradCheck(layer, loss, x, y)
			t.Logf("worst relative error %.3g", e)
			if !(e <= 1e-6) {
				t.Errorf("GradCheck: worst relative error %g, want ≤ 1e-6", e)
			}
			for i, p := range layer.Params() {
				if !ltEqualData(p.Value, before[i]) {
					t.Errorf("GradCheck changed parameter %d (%s)", i, p.Name)
				}
			}
			if !ltEqualData(x, xBefore) {
				t.Error("GradCheck changed x")
			}
		})
	}
}

// TestLinearGradientFD compares Linear's gradients with gonum's diff/fd, an
// oracle independent of NumericGradient.
func TestLinearGradientFD(t *testing.T) {
	rng := ltRNG(1)
	l := NewLinear(3, 2, HeNormal, rng)
	x := ltRand(rng, 4, 3, -1, 1)
	y := ltRand(rng, 4, 2, -1, 1)
	dx := mat.DenseCopyOf(l.Backward(MSE{}.Grad(l.Forward(x), y)))

	check := func(name string, theta *mat.Dense, analytic *mat.Dense) {
		t.Helper()
		data := theta.RawMatrix().Data
		orig := append([]float64(nil), data...)
		f := func(v []float64) float64 {
			copy(data, v)
			defer copy(data, orig)
			return MSE{}.Value(l.Forward(x), y)
		}
		want := fd.Gradient(nil, f, orig, &fd.Settings{Formula: fd.Central})
		if !floats.EqualApprox(analytic.RawMatrix().Data, want, 1e-6) {
			t.Errorf("%s: got %v, want %v", name, analytic.RawMatrix().Data, want)
		}
	}
	check("∂L/∂W", l.W.Value, mat.DenseCopyOf(l.W.Grad))
	check("∂L/∂b", l.B.Value, mat.DenseCopyOf(l.B.Grad))
	check("∂L/∂x", x, dx)
}

func TestSequentialParamsAndModes(t *testing.T) {
	rng := ltRNG(2)
	l1, l2 := NewLinear(3, 4, nil, rng), NewLinear(4, 2, nil, rng)
	drop := NewDropout(0.5, rng)
	inner := NewSequential(drop, l2)
	net := NewSequential(l1, &ReLU{}, inner)

	ps := net.Params()
	want := []*Param{l1.W, l1.B, l2.W, l2.B}
	if len(ps) != len(want) {
		t.Fatalf("Params: got %d, want %d", len(ps), len(want))
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Errorf("Params()[%d] = %s, want %s of layer order", i, ps[i].Name, want[i].Name)
		}
	}
	if a := testing.AllocsPerRun(10, func() { net.Params() }); a != 0 {
		t.Errorf("Params allocates %v times in steady state, want 0", a)
	}
	// Replacing a layer is seen by the next call.
	l3 := NewLinear(4, 2, nil, rng)
	inner.Layers[1] = l3
	if ps := net.Params(); ps[2] != l3.W || ps[3] != l3.B {
		t.Error("Params did not follow a replaced layer")
	}

	if !drop.Training() {
		t.Fatal("a new Dropout must start in training mode")
	}
	net.SetTraining(false)
	if drop.Training() {
		t.Error("Sequential.SetTraining(false) did not reach the nested Dropout")
	}
	SetTraining(net, true)
	if !drop.Training() {
		t.Error("SetTraining(net, true) did not reach the nested Dropout")
	}
}

func TestSequentialValidate(t *testing.T) {
	rng := ltRNG(3)
	ok := NewSequential(NewLinear(3, 4, nil, rng), &ReLU{}, NewDropout(0.2, rng), NewLinear(4, 2, nil, rng))
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate of a valid network: %v", err)
	}
	bad := NewSequential(NewLinear(3, 4, nil, rng), NewSequential(&ReLU{}, NewDropout(1.2, rng)))
	err := bad.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "nnlib: Dropout rate 1.2 is outside [0, 1)") ||
		!strings.HasSuffix(err.Error(), "(layer 1.1 of the network)") {
		t.Errorf("Validate with a Dropout rate of 1.2: got %v", err)
	}
	mismatch := NewSequential(NewLinear(3, 4, nil, rng), &Tanh{}, NewLinear(5, 2, nil, rng))
	err = mismatch.Validate()
	if err == nil || !strings.Contains(err.Error(), "layer 2") || !strings.Contains(err.Error(), "5 inputs") {
		t.Errorf("Validate with a 4-output Linear followed by a 5-input Linear: got %v", err)
	}
}

func TestPredict(t *testing.T) {
	rng := ltRNG(4)
	drop := NewDropout(0.5, rng)
	lin := NewLinear(3, 3, nil, rng)
	net := NewSequential(lin, drop)
	x := ltRand(rng, 6, 3, -1, 1)

	got := Predict(net, x)
	if !drop.Training() {
		t.Error("Predict did not switch back to training mode")
	}
	// Inference mode: Dropout is the identity, so Predict = x·W + b.
	want := mat.DenseCopyOf(lin.Forward(x))
	if !ltEqualData(got, want) {
		t.Error("Predict applied dropout (want inference mode)")
	}
	// The result belongs to the caller: later calls do not change it.
	keep := mat.DenseCopyOf(got)
	net.Forward(ltRand(rng, 6, 3, -1, 1))
	Predict(net, ltRand(rng, 6, 3, -1, 1))
	if !ltEqualData(got, keep) {
		t.Error("a later Forward changed the matrix Predict returned")
	}
	// A panic inside Forward still restores training mode.
	ltShapePanic(t, func() { Predict(net, mat.NewDense(2, 5, nil)) })
	if !drop.Training() {
		t.Error("Predict left inference mode on after a panic")
	}
}

// TestLayerShapePanics checks that shape mistakes panic with *ShapeError
// and a message that says what to fix.
func TestLayerShapePanics(t *testing.T) {
	rng := ltRNG(5)
	l := NewLinear(784, 3, nil, rng)
	se := ltShapePanic(t, func() { l.Forward(mat.NewDense(32, 785, nil)) })
	if got, want := se.Error(), "nnlib: Linear.Forward: got 32×785, want n×784"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	l.Forward(mat.NewDense(32, 784, nil))
	se = ltShapePanic(t, func() { l.Backward(mat.NewDense(32, 4, nil)) })
	if got, want := se.Error(), "nnlib: Linear.Backward: got 32×4, want 32×3"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	for _, a := range []Layer{&ReLU{}, &LeakyReLU{}, &Sigmoid{}, &Tanh{}, &Softmax{}, &ELU{}, &GELU{}, &Softplus{}, NewDropout(0.5, rng)} {
		a.Forward(mat.NewDense(2, 3, nil))
		se := ltShapePanic(t, func() { a.Backward(mat.NewDense(3, 2, nil)) })
		if !strings.HasSuffix(se.Error(), "got 3×2, want 2×3") {
			t.Errorf("%T.Backward: message %q", a, se.Error())
		}
	}
	if v := ltPanicValue(func() { (&Sigmoid{}).Backward(mat.NewDense(1, 1, nil)) }); v == nil ||
		!strings.Contains(v.(string), "before Forward") {
		t.Errorf("Backward before Forward: panic %v", v)
	}
}

// TestBackwardParamsMatchesBackward checks the training-only backward pass,
// which skips ∂L/∂x in front of the first layer with parameters: every
// gradient must equal the one Backward computes.
func TestBackwardParamsMatchesBackward(t *testing.T) {
	nets := map[string]func(rng *rand.Rand) Layer{
		"Linear": func(rng *rand.Rand) Layer { return NewLinear(5, 3, nil, rng) },
		"MLP": func(rng *rand.Rand) Layer {
			return NewSequential(NewLinear(5, 4, HeNormal, rng), &ReLU{}, NewLinear(4, 3, nil, rng))
		},
		"activation first": func(rng *rand.Rand) Layer {
			return NewSequential(&Tanh{}, NewLinear(5, 4, nil, rng), &Sigmoid{}, NewLinear(4, 3, nil, rng))
		},
		"nested": func(rng *rand.Rand) Layer {
			inner := NewSequential(&ReLU{}, NewLinear(5, 4, nil, rng))
			return NewSequential(inner, &Tanh{}, NewSequential(NewLinear(4, 3, nil, rng)))
		},
	}
	for name, build := range nets {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			net := build(rng)
			x := ltAwayFromZero(rng, 6, 5)
			dy := ltRand(rng, 6, 3, -1, 1)
			net.Forward(x)
			net.Backward(dy)
			var want []*mat.Dense
			for _, p := range net.Params() {
				want = append(want, mat.DenseCopyOf(p.Grad))
				p.Grad.Zero()
			}
			net.Forward(x)
			backwardParams(net, dy)
			for i, p := range net.Params() {
				if !mat.Equal(p.Grad, want[i]) {
					t.Errorf("param %d (%s): backwardParams gives\n%v\nBackward gives\n%v", i, p.Name, mat.Formatted(p.Grad), mat.Formatted(want[i]))
				}
			}
		})
	}
}
