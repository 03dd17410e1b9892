package nnlib

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// This file holds the activation layers, in the order notebook
// 02-activations teaches them. Each is usable as a zero value
// (&ReLU{}, &Sigmoid{}, …) and has no parameters.
//
// The element-wise ones map z (n×k) to a = f(z) (n×k) and back-propagate
//
//	∂L/∂z = ∂L/∂a ⊙ f′(z)
//
// where ⊙ is the element-wise product. Their Func and Deriv methods are f
// and f′ for one number, used by Forward and Backward themselves and handy
// for plots. Forward and Backward return matrices owned by the layer:
// valid until the next call, mat.DenseCopyOf to keep them.

// checkBackward panics unless Forward has run and dy has the shape of the
// last Forward's output.
func checkBackward(op string, out, dy *mat.Dense) {
	if out == nil {
		panic("nnlib: " + op + " called before Forward")
	}
	n, k := out.Dims()
	if r, c := dy.Dims(); r != n || c != k {
		panic(&ShapeError{Op: op, Got: dims(r, c), Want: dims(n, k)})
	}
}

// ReLU is the rectified linear unit, applied element-wise:
//
//	ReLU(z)  = max(0, z)
//	ReLU′(z) = 1 if z > 0, else 0   (0 at the kink z = 0, as PyTorch)
//
// Backward keeps a reference to the input of the last Forward (not a copy).
//
// Taught in notebook 02-activations.
type ReLU struct {
	z, a, dz *mat.Dense
	loop     reluLoop
}

// Func returns max(0, z). A NaN input stays NaN, so that a diverging
// network shows in its loss instead of being hidden by the activation.
func (*ReLU) Func(z float64) float64 { return relu(z) }

// relu returns max(0, z), keeping a NaN: z's bits or none of them (0),
// without a branch. The sign of z is random in a network, so a branch would
// be mispredicted half the time.
func relu(z float64) float64 { return maskPositive(z, z) }

// maskPositive returns v where z > 0 and 0 where z ≤ 0 or NaN, without a
// branch.
func maskPositive(v, z float64) float64 {
	return math.Float64frombits(math.Float64bits(v) & positiveMask(z))
}

// Deriv returns 1 for z > 0 and 0 otherwise.
func (*ReLU) Deriv(z float64) float64 {
	if z > 0 {
		return 1
	}
	return 0
}

// positiveMask returns all ones unless z ≤ 0 (so also for NaN), and 0 then.
func positiveMask(z float64) uint64 {
	var m uint64
	if !(z <= 0) {
		m = ^uint64(0)
	}
	return m
}

// Params returns nil: ReLU has no parameters.
func (*ReLU) Params() []*Param { return nil }

// Forward returns max(0, z) element-wise (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *ReLU) Forward(z *mat.Dense) *mat.Dense {
	l.z = z
	n, k := z.Dims()
	l.a = reuseDense(l.a, n, k)
	l.loop.run(z.RawMatrix(), blas64.General{}, l.a.RawMatrix().Data)
	return l.a
}

// Backward returns ∂L/∂z = dy ⊙ ReLU′(z) (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *ReLU) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("ReLU.Backward", l.a, dy)
	n, k := dy.Dims()
	l.dz = reuseDense(l.dz, n, k)
	l.loop.run(l.z.RawMatrix(), dy.RawMatrix(), l.dz.RawMatrix().Data)
	return l.dz
}

// LeakyReLU lets a small slope α through for negative inputs:
//
//	f(z)  = z if z > 0, else α·z
//	f′(z) = 1 if z > 0, else α
//
// A zero Alpha means α = 0.01 (PyTorch's default).
// Backward keeps a reference to the input of the last Forward (not a copy).
//
// Taught in notebook 02-activations.
type LeakyReLU struct {
	Alpha float64 // α, the slope for z ≤ 0; 0 means 0.01

	z, a, dz *mat.Dense
}

func (l *LeakyReLU) alpha() float64 {
	if l.Alpha == 0 {
		return 0.01
	}
	return l.Alpha
}

// Func returns z for z > 0 and α·z otherwise.
func (l *LeakyReLU) Func(z float64) float64 {
	if z > 0 {
		return z
	}
	return l.alpha() * z
}

// Deriv returns 1 for z > 0 and α otherwise.
func (l *LeakyReLU) Deriv(z float64) float64 {
	if z > 0 {
		return 1
	}
	return l.alpha()
}

// Params returns nil: LeakyReLU has no parameters.
func (*LeakyReLU) Params() []*Param { return nil }

// Forward returns f(z) element-wise (n×k). The result is owned by the layer
// and overwritten by the next call.
func (l *LeakyReLU) Forward(z *mat.Dense) *mat.Dense {
	l.z = z
	n, k := z.Dims()
	l.a = reuseDense(l.a, n, k)
	zr, a := z.RawMatrix(), l.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = l.Func(v)
		}
	}
	return l.a
}

// Backward returns ∂L/∂z = dy ⊙ f′(z) (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *LeakyReLU) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("LeakyReLU.Backward", l.a, dy)
	n, k := dy.Dims()
	l.dz = reuseDense(l.dz, n, k)
	zr, dr, dz := l.z.RawMatrix(), dy.RawMatrix(), l.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		zi, di := rowOf(zr, i), rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range zi {
			dzi[j] = di[j] * l.Deriv(v)
		}
	}
	return l.dz
}

// Sigmoid is the logistic activation, applied element-wise:
//
//	σ(z)  = 1 / (1 + e^(−z))
//	σ′(z) = σ(z)·(1 − σ(z))
//
// Func is computed without overflow for large |z| (e^(−|z|) only).
// Backward uses the output a = σ(z) cached by Forward, so it needs no exp:
// ∂L/∂z = dy ⊙ a·(1 − a). (Applying σ′ to a itself, σ′(a), is a classic bug.)
//
// Taught in notebook 02-activations.
type Sigmoid struct {
	a, dz *mat.Dense
}

// Func returns σ(z) = 1 / (1 + e^(−z)).
func (*Sigmoid) Func(z float64) float64 { return sigmoid(z) }

// sigmoid returns σ(z), using e^z/(1 + e^z) for negative z so that e^(−z)
// never overflows.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// Deriv returns σ′(z) = σ(z)·(1 − σ(z)).
func (s *Sigmoid) Deriv(z float64) float64 { return sigmoidDerivFromOutput(s.Func(z)) }

// sigmoidDerivFromOutput returns σ′(z) given a = σ(z): a·(1 − a).
func sigmoidDerivFromOutput(a float64) float64 { return a * (1 - a) }

// Params returns nil: Sigmoid has no parameters.
func (*Sigmoid) Params() []*Param { return nil }

// Forward returns σ(z) element-wise (n×k). The result is owned by the layer
// and overwritten by the next call.
func (s *Sigmoid) Forward(z *mat.Dense) *mat.Dense {
	n, k := z.Dims()
	s.a = reuseDense(s.a, n, k)
	zr, a := z.RawMatrix(), s.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = s.Func(v)
		}
	}
	return s.a
}

// Backward returns ∂L/∂z = dy ⊙ a·(1 − a) with a = σ(z) from Forward (n×k).
// The result is owned by the layer and overwritten by the next call.
func (s *Sigmoid) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("Sigmoid.Backward", s.a, dy)
	n, k := dy.Dims()
	s.dz = reuseDense(s.dz, n, k)
	a, dr, dz := s.a.RawMatrix().Data, dy.RawMatrix(), s.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai, di := a[i*k:(i+1)*k], rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range ai {
			dzi[j] = di[j] * sigmoidDerivFromOutput(v)
		}
	}
	return s.dz
}

// Tanh is the hyperbolic tangent, applied element-wise:
//
//	tanh(z)  = (e^z − e^(−z)) / (e^z + e^(−z))
//	tanh′(z) = 1 − tanh²(z)
//
// Backward uses the output a = tanh(z) cached by Forward:
// ∂L/∂z = dy ⊙ (1 − a²).
//
// Taught in notebook 02-activations.
type Tanh struct {
	a, dz *mat.Dense
}

// Func returns tanh(z).
func (*Tanh) Func(z float64) float64 { return math.Tanh(z) }

// Deriv returns tanh′(z) = 1 − tanh²(z).
func (*Tanh) Deriv(z float64) float64 { return tanhDerivFromOutput(math.Tanh(z)) }

// tanhDerivFromOutput returns tanh′(z) given a = tanh(z): 1 − a².
func tanhDerivFromOutput(a float64) float64 { return 1 - a*a }

// Params returns nil: Tanh has no parameters.
func (*Tanh) Params() []*Param { return nil }

// Forward returns tanh(z) element-wise (n×k). The result is owned by the
// layer and overwritten by the next call.
func (t *Tanh) Forward(z *mat.Dense) *mat.Dense {
	n, k := z.Dims()
	t.a = reuseDense(t.a, n, k)
	zr, a := z.RawMatrix(), t.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = t.Func(v)
		}
	}
	return t.a
}

// Backward returns ∂L/∂z = dy ⊙ (1 − a²) with a = tanh(z) from Forward
// (n×k). The result is owned by the layer and overwritten by the next call.
func (t *Tanh) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("Tanh.Backward", t.a, dy)
	n, k := dy.Dims()
	t.dz = reuseDense(t.dz, n, k)
	a, dr, dz := t.a.RawMatrix().Data, dy.RawMatrix(), t.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai, di := a[i*k:(i+1)*k], rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range ai {
			dzi[j] = di[j] * tanhDerivFromOutput(v)
		}
	}
	return t.dz
}

// Softmax turns each row of scores z (n×k) into probabilities:
//
//	softmax(z)ᵢⱼ = e^(zᵢⱼ − mᵢ) / Σ_c e^(zᵢc − mᵢ),   mᵢ = maxⱼ zᵢⱼ
//
// Subtracting the row maximum mᵢ changes nothing mathematically and keeps
// e^(·) from overflowing. Each output row sums to 1.
//
// Backward is the Jacobian-vector product, row by row, with a = softmax(z)
// cached by Forward:
//
//	∂L/∂zᵢ = aᵢ ⊙ (dyᵢ − (dyᵢ · aᵢ))
//
// For classification prefer [SoftmaxCrossEntropy] on raw scores (logits),
// which fuses the two steps and is more accurate.
//
// Taught in notebook 02-activations.
type Softmax struct {
	a, dz *mat.Dense
}

// Params returns nil: Softmax has no parameters.
func (*Softmax) Params() []*Param { return nil }

// Forward returns softmax(z) row by row (n×k). The result is owned by the
// layer and overwritten by the next call.
func (s *Softmax) Forward(z *mat.Dense) *mat.Dense {
	n, k := z.Dims()
	s.a = reuseDense(s.a, n, k)
	zr, a := z.RawMatrix(), s.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		softmaxRow(a[i*k:(i+1)*k], rowOf(zr, i))
	}
	return s.a
}

// softmaxRow writes softmax(z) into a, a slice of the same length (a may be
// z itself).
func softmaxRow(a, z []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		if v > m {
			m = v
		}
	}
	var sum float64
	for j, v := range z {
		e := math.Exp(v - m)
		a[j] = e
		sum += e
	}
	inv := 1 / sum
	for j := range a {
		a[j] *= inv
	}
}

// Backward returns ∂L/∂z = a ⊙ (dy − rowsum(dy ⊙ a)) (n×k). The result is
// owned by the layer and overwritten by the next call.
func (s *Softmax) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("Softmax.Backward", s.a, dy)
	n, k := dy.Dims()
	s.dz = reuseDense(s.dz, n, k)
	a, dr, dz := s.a.RawMatrix().Data, dy.RawMatrix(), s.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai, di := a[i*k:(i+1)*k], rowOf(dr, i)
		var dot float64
		for j, v := range ai {
			dot += di[j] * v
		}
		dzi := dz[i*k : (i+1)*k]
		for j, v := range ai {
			dzi[j] = v * (di[j] - dot)
		}
	}
	return s.dz
}

// ELU is the exponential linear unit (Clevert et al., arXiv:1511.07289):
//
//	f(z)  = z if z > 0, else α·(e^z − 1)
//	f′(z) = 1 if z > 0, else α·e^z
//
// A zero Alpha means α = 1 (PyTorch's default).
// Backward keeps a reference to the input of the last Forward (not a copy).
//
// Taught in notebook 02-activations.
type ELU struct {
	Alpha float64 // α, with f(z) → −α as z → −∞; 0 means 1

	z, a, dz *mat.Dense
}

func (l *ELU) alpha() float64 {
	if l.Alpha == 0 {
		return 1
	}
	return l.Alpha
}

// Func returns z for z > 0 and α·(e^z − 1) otherwise.
func (l *ELU) Func(z float64) float64 {
	if z > 0 {
		return z
	}
	return l.alpha() * math.Expm1(z)
}

// Deriv returns 1 for z > 0 and α·e^z otherwise.
func (l *ELU) Deriv(z float64) float64 {
	if z > 0 {
		return 1
	}
	return l.alpha() * math.Exp(z)
}

// Params returns nil: ELU has no parameters.
func (*ELU) Params() []*Param { return nil }

// Forward returns f(z) element-wise (n×k). The result is owned by the layer
// and overwritten by the next call.
func (l *ELU) Forward(z *mat.Dense) *mat.Dense {
	l.z = z
	n, k := z.Dims()
	l.a = reuseDense(l.a, n, k)
	zr, a := z.RawMatrix(), l.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = l.Func(v)
		}
	}
	return l.a
}

// Backward returns ∂L/∂z = dy ⊙ f′(z) (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *ELU) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("ELU.Backward", l.a, dy)
	n, k := dy.Dims()
	l.dz = reuseDense(l.dz, n, k)
	zr, dr, dz := l.z.RawMatrix(), dy.RawMatrix(), l.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		zi, di := rowOf(zr, i), rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range zi {
			dzi[j] = di[j] * l.Deriv(v)
		}
	}
	return l.dz
}

// GELU is the Gaussian error linear unit (Hendrycks & Gimpel,
// arXiv:1606.08415) in its exact form, with Φ the standard normal CDF and
// φ its density:
//
//	GELU(z)  = z·Φ(z) = z/2·(1 + erf(z/√2))
//	GELU′(z) = Φ(z) + z·φ(z),   φ(z) = e^(−z²/2)/√(2π)
//
// (not the tanh approximation). It matches PyTorch's nn.GELU() default.
// Backward keeps a reference to the input of the last Forward (not a copy).
//
// Taught in notebook 02-activations.
type GELU struct {
	z, a, dz *mat.Dense
}

// Func returns z·Φ(z) = z/2·(1 + erf(z/√2)).
func (*GELU) Func(z float64) float64 { return 0.5 * z * (1 + math.Erf(z/math.Sqrt2)) }

// Deriv returns Φ(z) + z·φ(z).
func (*GELU) Deriv(z float64) float64 {
	cdf := 0.5 * (1 + math.Erf(z/math.Sqrt2))
	pdf := math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi)
	return cdf + z*pdf
}

// Params returns nil: GELU has no parameters.
func (*GELU) Params() []*Param { return nil }

// Forward returns GELU(z) element-wise (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *GELU) Forward(z *mat.Dense) *mat.Dense {
	l.z = z
	n, k := z.Dims()
	l.a = reuseDense(l.a, n, k)
	zr, a := z.RawMatrix(), l.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = l.Func(v)
		}
	}
	return l.a
}

// Backward returns ∂L/∂z = dy ⊙ GELU′(z) (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *GELU) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("GELU.Backward", l.a, dy)
	n, k := dy.Dims()
	l.dz = reuseDense(l.dz, n, k)
	zr, dr, dz := l.z.RawMatrix(), dy.RawMatrix(), l.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		zi, di := rowOf(zr, i), rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range zi {
			dzi[j] = di[j] * l.Deriv(v)
		}
	}
	return l.dz
}

// Softplus is a smooth ReLU:
//
//	softplus(z)  = log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|))
//	softplus′(z) = σ(z) = 1 / (1 + e^(−z))
//
// The second form of softplus is the one computed: it never overflows, and
// it keeps full precision for large negative z (log1p).
// Backward keeps a reference to the input of the last Forward (not a copy).
//
// Taught in notebook 02-activations.
type Softplus struct {
	z, a, dz *mat.Dense
}

// Func returns log(1 + e^z), computed stably.
func (*Softplus) Func(z float64) float64 { return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) }

// Deriv returns σ(z), the logistic sigmoid.
func (*Softplus) Deriv(z float64) float64 { return sigmoid(z) }

// Params returns nil: Softplus has no parameters.
func (*Softplus) Params() []*Param { return nil }

// Forward returns softplus(z) element-wise (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *Softplus) Forward(z *mat.Dense) *mat.Dense {
	l.z = z
	n, k := z.Dims()
	l.a = reuseDense(l.a, n, k)
	zr, a := z.RawMatrix(), l.a.RawMatrix().Data
	for i := 0; i < n; i++ {
		ai := a[i*k : (i+1)*k]
		for j, v := range rowOf(zr, i) {
			ai[j] = l.Func(v)
		}
	}
	return l.a
}

// Backward returns ∂L/∂z = dy ⊙ σ(z) (n×k). The result is owned by the
// layer and overwritten by the next call.
func (l *Softplus) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("Softplus.Backward", l.a, dy)
	n, k := dy.Dims()
	l.dz = reuseDense(l.dz, n, k)
	zr, dr, dz := l.z.RawMatrix(), dy.RawMatrix(), l.dz.RawMatrix().Data
	for i := 0; i < n; i++ {
		zi, di := rowOf(zr, i), rowOf(dr, i)
		dzi := dz[i*k : (i+1)*k]
		for j, v := range zi {
			dzi[j] = di[j] * l.Deriv(v)
		}
	}
	return l.dz
}
