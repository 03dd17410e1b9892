package nnlib

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The expected values below were computed, scalar by scalar, from the
// update rules in PyTorch's torch.optim documentation (not with this
// package): θ₀ = [1, −2] and the gradients optGrads, one per step.
var optGrads = [3][2]float64{{0.5, -1}, {0.1, 2}, {-0.3, 0.4}}

func TestOptimizersFirstThreeSteps(t *testing.T) {
	tests := []struct {
		name string
		opt  Optimizer
		want [3][2]float64 // θ after steps 1, 2, 3
	}{
		{"SGD", &SGD{LearningRate: 0.1}, [3][2]float64{
			{0.95, -1.9},
			{0.94, -2.1},
			{0.97, -2.14},
		}},
		// b₁ = g₁ = [0.5, −1]; b₂ = 0.5·b₁ + g₂ = [0.35, 1.5]; θ₂ = θ₁ − 0.1·b₂.
		{"Momentum", &Momentum{LearningRate: 0.1, Momentum: 0.5}, [3][2]float64{
			{0.95, -1.9},
			{0.9149999999999999, -2.05},
			{0.9274999999999999, -2.165},
		}},
		// θ₁ = θ₀ − 0.1·(g₁ + 0.5·b₁) = 1 − 0.1·0.75 = 0.925.
		{"Nesterov", &Nesterov{LearningRate: 0.1, Momentum: 0.5}, [3][2]float64{
			{0.925, -1.85},
			{0.8975000000000001, -2.125},
			{0.9337500000000001, -2.2225},
		}},
		{"RMSprop", &RMSprop{LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-6}, [3][2]float64{
			{0.9683774233970512, -1.968377323398},
			{0.9618541852194307, -1.9969487111531603},
			{0.9791314542291434, -2.0028657067877136},
		}},
		// s₁ = g₁², so the first step is η·sign(g) (up to ε).
		{"Adagrad", &Adagrad{LearningRate: 0.1, Epsilon: 1e-10}, [3][2]float64{
			{0.90000000002, -1.90000000001},
			{0.8803883865100278, -1.9894427191059916},
			{0.9310976417851674, -2.0070517372317287},
		}},
		{"Adadelta", &Adadelta{LearningRate: 1, Rho: 0.9, Epsilon: 1e-6}, [3][2]float64{
			{0.9968377855834876, -1.9968377381511013},
			{0.9959152832279488, -2.000878334104818},
			{0.9983494916858808, -2.0019904515420905},
		}},
		// Bias correction: m̂₁ = g₁ and v̂₁ = g₁², so step 1 moves each
		// coordinate by η = 0.1. Without it m₁/√v₁ = 0.1·g/(0.0316·|g|)
		// and θ₁ would be 1 − 0.316 = 0.684.
		{"Adam", &Adam{LearningRate: 0.1, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}, [3][2]float64{
			{0.900000002, -1.900000001},
			{0.8196959063846518, -1.9366103534720749},
			{0.7986246117635081, -1.975722954753718},
		}},
		// θ₁ = θ₀·(1 − 0.1·0.1) − 0.1 = 0.99 − 0.1 = 0.89.
		{"AdamW", &AdamW{LearningRate: 0.1, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0.1}, [3][2]float64{
			{0.890000002, -1.880000001},
			{0.8007959063646517, -1.897810353462075},
			{0.7717166526798616, -1.9179448512090973},
		}},
		{"Adam defaults", &Adam{}, [3][2]float64{
			{0.99900000002, -1.9990000000099999},
			{0.9981969590638465, -1.9993661035347206},
			{0.9979862461176351, -1.999757229547537},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Param{Name: "W", Value: mat.NewDense(1, 2, []float64{1, -2}), Grad: mat.NewDense(1, 2, nil)}
			for step := range 3 {
				p.Grad.SetRow(0, optGrads[step][:])
				tt.opt.Step([]*Param{p})
				for j := range 2 {
					got, want := p.Value.At(0, j), tt.want[step][j]
					if !closeRel(got, want, 1e-12) {
						t.Errorf("step %d: θ[%d] = %.17g, want %.17g", step+1, j, got, want)
					}
				}
			}
		})
	}
}

// closeRel reports whether a and b agree to a relative tolerance tol.
func closeRel(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

type optCase struct {
	name           string
	zero, explicit Optimizer
	defaultRate    float64
}

// allOptimizers returns one optimizer of each kind with zero settings
// and the same optimizer with its documented defaults written out.
func allOptimizers() []optCase {
	return []optCase{
		{"SGD", &SGD{}, &SGD{LearningRate: 0.01}, 0.01},
		{"Momentum", &Momentum{}, &Momentum{LearningRate: 0.01, Momentum: 0.9}, 0.01},
		{"Nesterov", &Nesterov{}, &Nesterov{LearningRate: 0.01, Momentum: 0.9}, 0.01},
		{"RMSprop", &RMSprop{}, &RMSprop{LearningRate: 0.01, Rho: 0.99, Epsilon: 1e-8}, 0.01},
		{"Adagrad", &Adagrad{}, &Adagrad{LearningRate: 0.01, Epsilon: 1e-10}, 0.01},
		{"Adadelta", &Adadelta{}, &Adadelta{LearningRate: 1, Rho: 0.9, Epsilon: 1e-6}, 1},
		{"Adam", &Adam{}, &Adam{LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}, 1e-3},
		{"AdamW", &AdamW{}, &AdamW{LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0.01}, 1e-3},
	}
}

func TestOptimizerZeroValueDefaults(t *testing.T) {
	for _, tt := range allOptimizers() {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.zero.(RateSetter).Rate(); got != tt.defaultRate {
				t.Errorf("Rate() of the zero value = %v, want %v", got, tt.defaultRate)
			}
			if err := tt.zero.(interface{ Validate() error }).Validate(); err != nil {
				t.Errorf("zero value: Validate() = %v, want nil", err)
			}
			a := &Param{Name: "W", Value: mat.NewDense(1, 2, []float64{1, -2}), Grad: mat.NewDense(1, 2, nil)}
			b := &Param{Name: "W", Value: mat.NewDense(1, 2, []float64{1, -2}), Grad: mat.NewDense(1, 2, nil)}
			for step := range 3 {
				a.Grad.SetRow(0, optGrads[step][:])
				b.Grad.SetRow(0, optGrads[step][:])
				tt.zero.Step([]*Param{a})
				tt.explicit.Step([]*Param{b})
			}
			if !mat.Equal(a.Value, b.Value) {
				t.Errorf("zero value gives θ = %v, explicit defaults give %v", mat.Formatted(a.Value), mat.Formatted(b.Value))
			}
			if mat.Equal(a.Value, mat.NewDense(1, 2, []float64{1, -2})) {
				t.Errorf("three steps did not change θ")
			}
		})
	}
}

func TestOptimizerSetRate(t *testing.T) {
	for _, tt := range allOptimizers() {
		t.Run(tt.name, func(t *testing.T) {
			rs := tt.zero.(RateSetter)
			rs.SetRate(0.123)
			if got := rs.Rate(); got != 0.123 {
				t.Errorf("after SetRate(0.123), Rate() = %v", got)
			}
		})
	}
	// The rate set is the one Step uses.
	o := &SGD{}
	o.SetRate(0.5)
	p := &Param{Name: "W", Value: mat.NewDense(1, 1, []float64{1}), Grad: mat.NewDense(1, 1, []float64{2})}
	o.Step([]*Param{p})
	if got := p.Value.At(0, 0); got != 0 {
		t.Errorf("SGD with SetRate(0.5): θ = 1 − 0.5·2 = %v, want 0", got)
	}
	if o.LearningRate != 0.5 {
		t.Errorf("SetRate did not set the LearningRate field: %v", o.LearningRate)
	}
}

func TestOptimizerReset(t *testing.T) {
	type resetter interface {
		Optimizer
		Reset()
	}
	for _, o := range []resetter{&Momentum{}, &Nesterov{}, &RMSprop{}, &Adagrad{}, &Adadelta{}, &Adam{}, &AdamW{}} {
		first := func() float64 {
			p := &Param{Name: "W", Value: mat.NewDense(1, 1, []float64{1}), Grad: mat.NewDense(1, 1, []float64{0.5})}
			o.Step([]*Param{p})
			return p.Value.At(0, 0)
		}
		a := first()
		o.Reset()
		if b := first(); a != b {
			t.Errorf("%T: first step after Reset gives %v, want %v as on a fresh optimizer", o, b, a)
		}
	}
}

func TestOptimizerValidate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		opt  interface{ Validate() error }
		want string // the setting the error must name
	}{
		{&SGD{LearningRate: -0.1}, "SGD.LearningRate is -0.1"},
		{&SGD{LearningRate: nan}, "SGD.LearningRate is NaN"},
		{&SGD{LearningRate: math.Inf(1)}, "SGD.LearningRate is +Inf"},
		{&Momentum{Momentum: 1}, "Momentum.Momentum is 1"},
		{&Momentum{Momentum: -0.5}, "Momentum.Momentum is -0.5"},
		{&Momentum{LearningRate: -1}, "Momentum.LearningRate"},
		{&Nesterov{Momentum: 1.5}, "Nesterov.Momentum is 1.5"},
		{&RMSprop{Rho: 1}, "RMSprop.Rho is 1"},
		{&RMSprop{Epsilon: -1e-8}, "RMSprop.Epsilon is -1e-08"},
		{&Adagrad{Epsilon: nan}, "Adagrad.Epsilon is NaN"},
		{&Adagrad{LearningRate: -2}, "Adagrad.LearningRate is -2"},
		{&Adadelta{Rho: 2}, "Adadelta.Rho is 2"},
		{&Adadelta{Epsilon: -1}, "Adadelta.Epsilon"},
		{&Adam{LearningRate: -0.1}, "Adam.LearningRate is -0.1; it must be > 0"},
		{&Adam{Beta1: 1}, "Adam.Beta1 is 1"},
		{&Adam{Beta2: 1.001}, "Adam.Beta2 is 1.001"},
		{&Adam{Epsilon: -1}, "Adam.Epsilon is -1"},
		{&AdamW{Beta2: nan}, "AdamW.Beta2 is NaN"},
		{&AdamW{WeightDecay: -0.01}, "AdamW.WeightDecay is -0.01"},
	}
	for _, tt := range tests {
		err := tt.opt.Validate()
		if err == nil {
			t.Errorf("%+v: Validate() = nil, want an error naming %q", tt.opt, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "nnlib: ") {
			t.Errorf("%+v: Validate() = %q, want it to contain %q", tt.opt, err, tt.want)
		}
	}
	for _, ok := range []interface{ Validate() error }{
		&SGD{LearningRate: 10}, &Momentum{Momentum: 0.99}, &Adam{Beta1: 0.5, Beta2: 0.9}, &AdamW{WeightDecay: 0.5},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: Validate() = %v, want nil", ok, err)
		}
	}
}

func TestOptimizerStepShapeErrors(t *testing.T) {
	for _, tt := range allOptimizers() {
		for _, bad := range []*Param{
			{Name: "W", Value: mat.NewDense(2, 3, nil)},                                // Grad nil
			{Name: "W", Value: mat.NewDense(2, 3, nil), Grad: mat.NewDense(3, 2, nil)}, // transposed
		} {
			err := shapePanic(func() { tt.zero.Step([]*Param{bad}) })
			if err == nil {
				t.Errorf("%s.Step with Grad %v: no *ShapeError panic", tt.name, bad.Grad)
				continue
			}
			if !strings.Contains(err.Error(), tt.name+".Step") || !strings.Contains(err.Error(), "2×3") {
				t.Errorf("%s.Step: panic %q should name the op and the shape 2×3", tt.name, err)
			}
		}
	}
}

// shapePanic runs f and returns the *ShapeError it panics with, or nil if
// it does not panic. Any other panic value fails loudly by re-panicking.
func shapePanic(f func()) (err *ShapeError) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok || !errors.As(e, &err) {
				panic(r)
			}
		}
	}()
	f()
	return nil
}

// A Param whose matrices are views with gaps between rows (the stride of
// a larger matrix) must be updated exactly like a compact one.
func TestOptimizerStridedParams(t *testing.T) {
	vals := []float64{0.3, -1.2, 2, 0.7, -0.4, 1.1}
	grads := [][]float64{{0.5, -1, 0.2, 0.1, 2, -0.3}, {-0.2, 0.4, 1, -1, 0.3, 0.8}}
	for _, tt := range allOptimizers() {
		// Two fresh optimizers of the same kind: tt.zero for the compact
		// param, tt.explicit (same settings) for the strided one.
		compact := &Param{Name: "W", Value: mat.NewDense(2, 3, append([]float64(nil), vals...)), Grad: mat.NewDense(2, 3, nil)}
		bigV, bigG := mat.NewDense(4, 5, nil), mat.NewDense(4, 5, nil)
		strided := &Param{Name: "W", Value: bigV.Slice(1, 3, 1, 4).(*mat.Dense), Grad: bigG.Slice(1, 3, 1, 4).(*mat.Dense)}
		strided.Value.Copy(compact.Value)
		for _, g := range grads {
			compact.Grad.Copy(mat.NewDense(2, 3, g))
			strided.Grad.Copy(mat.NewDense(2, 3, g))
			tt.zero.Step([]*Param{compact})
			tt.explicit.Step([]*Param{strided})
		}
		if !mat.Equal(compact.Value, strided.Value) {
			t.Errorf("%s: strided param %v, compact %v", tt.name, mat.Formatted(strided.Value), mat.Formatted(compact.Value))
		}
		// The cells around the view are untouched.
		for i := range 4 {
			for j := range 5 {
				inside := i >= 1 && i < 3 && j >= 1 && j < 4
				if v := bigV.At(i, j); !inside && v != 0 {
					t.Errorf("%s: Step wrote %v at (%d, %d), outside the view", tt.name, v, i, j)
				}
			}
		}
	}
}

func TestOptimizerStepAllocatesNothing(t *testing.T) {
	for _, tt := range allOptimizers() {
		params := []*Param{
			{Name: "W", Value: mat.NewDense(8, 4, nil), Grad: mat.NewDense(8, 4, nil)},
			{Name: "b", Value: mat.NewDense(1, 4, nil), Grad: mat.NewDense(1, 4, nil)},
		}
		for _, p := range params {
			p.Grad.Apply(func(i, j int, _ float64) float64 { return float64(i-j) / 10 }, p.Grad)
		}
		tt.zero.Step(params) // first sight: allocates the state
		if n := testing.AllocsPerRun(20, func() { tt.zero.Step(params) }); n != 0 {
			t.Errorf("%s.Step allocates %v times per call in steady state, want 0", tt.name, n)
		}
	}
}
