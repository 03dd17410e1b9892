package nnlib

import (
	"fmt"
	"github.com/nnfromscratch/nngo/nnlib/internal/gemm"
	"math"
)

// The optimizers in this file follow the update rules of PyTorch's
// torch.optim (weight decay off unless stated, maximize = false), so a
// curve made with nnlib can be compared with one made in PyTorch. They
// are used as pointers, &nnlib.Adam{}, and every setting is an exported
// field whose zero value means the documented default.
//
// Each optimizer keeps its state (velocities, moments) per *Param in a
// map filled the first time it sees a Param, so after the first Step a
// Step allocates nothing. Step does not check the settings; call Validate
// first (Trainer.Fit does). Step panics with a *ShapeError when a Param's
// Grad is nil or not the shape of its Value.
//
// Notation: θ is a parameter, g = ∂L/∂θ its gradient, η the learning
// rate, t the number of steps taken so far for that parameter (1 on the
// first step). All operations are element-wise. Taught in notebook
// 07-optimizers.

// Default settings used when a field is left at zero.
const (
	defaultSGDRate      = 0.01
	defaultMomentum     = 0.9
	defaultRMSpropRate  = 0.01
	defaultRMSpropRho   = 0.99
	defaultRMSpropEps   = 1e-8
	defaultAdagradRate  = 0.01
	defaultAdagradEps   = 1e-10
	defaultAdadeltaRate = 1.0
	defaultAdadeltaRho  = 0.9
	defaultAdadeltaEps  = 1e-6
	defaultAdamRate     = 1e-3
	defaultBeta1        = 0.9
	defaultBeta2        = 0.999
	defaultAdamEps      = 1e-8
	defaultWeightDecay  = 0.01
)

// RateSetter is implemented by every optimizer in this package. It lets a
// [Schedule] (through [Trainer]) drive the learning rate of any optimizer.
type RateSetter interface {
	// Rate returns the learning rate η the next Step uses, with the
	// default filled in when the LearningRate field is zero.
	Rate() float64
	// SetRate sets the LearningRate field to lr.
	SetRate(lr float64)
}

var (
	_ Optimizer  = (*SGD)(nil)
	_ Optimizer  = (*Momentum)(nil)
	_ Optimizer  = (*Nesterov)(nil)
	_ Optimizer  = (*RMSprop)(nil)
	_ Optimizer  = (*Adagrad)(nil)
	_ Optimizer  = (*Adadelta)(nil)
	_ Optimizer  = (*Adam)(nil)
	_ Optimizer  = (*AdamW)(nil)
	_ RateSetter = (*SGD)(nil)
	_ RateSetter = (*Momentum)(nil)
	_ RateSetter = (*Nesterov)(nil)
	_ RateSetter = (*RMSprop)(nil)
	_ RateSetter = (*Adagrad)(nil)
	_ RateSetter = (*Adadelta)(nil)
	_ RateSetter = (*Adam)(nil)
	_ RateSetter = (*AdamW)(nil)
)

// SGD is plain stochastic gradient descent:
//
//	θ ← θ − η·g
//
// LearningRate η defaults to 0.01 when zero (PyTorch's torch.optim.SGD
// has no default and requires lr). SGD keeps no state.
type SGD struct {
	LearningRate float64 // η; 0 means 0.01

	update axpy
}

// Rate returns the learning rate the next Step uses.
func (o *SGD) Rate() float64 { return orDefault(o.LearningRate, defaultSGDRate) }

// SetRate sets LearningRate to lr.
func (o *SGD) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports a LearningRate that is negative, NaN or infinite.
func (o *SGD) Validate() error { return checkRate("SGD", o.LearningRate, defaultSGDRate) }

// Step applies θ ← θ − η·g to every param.
func (o *SGD) Step(params []*Param) {
	lr := o.Rate()
	for _, p := range params {
		checkParam("SGD.Step", p)
		segments(p, func(theta, g []float64, _ int) {
			o.update.run(theta, -lr, g) // θᵢ ← θᵢ − η·gᵢ, in gonum's vectorized loop
		})
	}
}

// Momentum is SGD with (heavy-ball) momentum, PyTorch's
// torch.optim.SGD(momentum=μ) with dampening 0. With a velocity b that
// starts at 0 (so b₁ = g₁):
//
//	b ← μ·b + g
//	θ ← θ − η·b
//
// LearningRate η defaults to 0.01 and Momentum μ to 0.9 when zero (for
// μ = 0 use [SGD]).
type Momentum struct {
	LearningRate float64 // η; 0 means 0.01
	Momentum     float64 // μ in [0, 1); 0 means 0.9

	state map[*Param][]float64 // b per param
}

// Rate returns the learning rate the next Step uses.
func (o *Momentum) Rate() float64 { return orDefault(o.LearningRate, defaultSGDRate) }

// SetRate sets LearningRate to lr.
func (o *Momentum) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *Momentum) Validate() error {
	return firstError(
		checkRate("Momentum", o.LearningRate, defaultSGDRate),
		checkUnit("Momentum.Momentum", o.Momentum, defaultMomentum),
	)
}

// Reset forgets the velocities, so the next Step starts from b = 0.
func (o *Momentum) Reset() { o.state = nil }

// Step applies one momentum update to every param.
func (o *Momentum) Step(params []*Param) {
	stepMomentum("Momentum.Step", &o.state, params, o.Rate(), orDefault(o.Momentum, defaultMomentum), false)
}

// Nesterov is SGD with Nesterov momentum, PyTorch's
// torch.optim.SGD(momentum=μ, nesterov=True) with dampening 0. The
// velocity b is updated as in [Momentum], but the step looks ahead:
//
//	b ← μ·b + g
//	θ ← θ − η·(g + μ·b)
//
// LearningRate η defaults to 0.01 and Momentum μ to 0.9 when zero.
type Nesterov struct {
	LearningRate float64 // η; 0 means 0.01
	Momentum     float64 // μ in [0, 1); 0 means 0.9

	state map[*Param][]float64 // b per param
}

// Rate returns the learning rate the next Step uses.
func (o *Nesterov) Rate() float64 { return orDefault(o.LearningRate, defaultSGDRate) }

// SetRate sets LearningRate to lr.
func (o *Nesterov) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *Nesterov) Validate() error {
	return firstError(
		checkRate("Nesterov", o.LearningRate, defaultSGDRate),
		checkUnit("Nesterov.Momentum", o.Momentum, defaultMomentum),
	)
}

// Reset forgets the velocities, so the next Step starts from b = 0.
func (o *Nesterov) Reset() { o.state = nil }

// Step applies one Nesterov update to every param.
func (o *Nesterov) Step(params []*Param) {
	stepMomentum("Nesterov.Step", &o.state, params, o.Rate(), orDefault(o.Momentum, defaultMomentum), true)
}

func stepMomentum(op string, state *map[*Param][]float64, params []*Param, lr, mu float64, nesterov bool) {
	if *state == nil {
		*state = make(map[*Param][]float64)
	}
	for _, p := range params {
		checkParam(op, p)
		b := stateFor(*state, p)
		segments(p, func(theta, g []float64, off int) {
			b := b[off : off+len(g)]
			for i, gi := range g {
				bi := mu*b[i] + gi
				b[i] = bi
				if nesterov {
					theta[i] -= lr * (gi + mu*bi)
				} else {
					theta[i] -= lr * bi
				}
			}
		})
	}
}

// RMSprop divides the step by a running root mean square of the
// gradients, PyTorch's torch.optim.RMSprop (centered = false, no
// momentum). With v starting at 0:
//
//	v ← ρ·v + (1 − ρ)·g²
//	θ ← θ − η·g / (√v + ε)
//
// Defaults when zero: LearningRate 0.01, Rho 0.99 (PyTorch's alpha),
// Epsilon 1e-8. Proposed by Tieleman & Hinton, COURSERA lecture 6.5 (2012).
type RMSprop struct {
	LearningRate float64 // η; 0 means 0.01
	Rho          float64 // ρ in [0, 1), decay of the running mean; 0 means 0.99
	Epsilon      float64 // ε ≥ 0; 0 means 1e-8

	state map[*Param][]float64 // v per param
}

// Rate returns the learning rate the next Step uses.
func (o *RMSprop) Rate() float64 { return orDefault(o.LearningRate, defaultRMSpropRate) }

// SetRate sets LearningRate to lr.
func (o *RMSprop) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *RMSprop) Validate() error {
	return firstError(
		checkRate("RMSprop", o.LearningRate, defaultRMSpropRate),
		checkUnit("RMSprop.Rho", o.Rho, defaultRMSpropRho),
		checkEpsilon("RMSprop.Epsilon", o.Epsilon, defaultRMSpropEps),
	)
}

// Reset forgets the running means, so the next Step starts from v = 0.
func (o *RMSprop) Reset() { o.state = nil }

// Step applies one RMSprop update to every param.
func (o *RMSprop) Step(params []*Param) {
	lr := o.Rate()
	rho := orDefault(o.Rho, defaultRMSpropRho)
	eps := orDefault(o.Epsilon, defaultRMSpropEps)
	if o.state == nil {
		o.state = make(map[*Param][]float64)
	}
	for _, p := range params {
		checkParam("RMSprop.Step", p)
		v := stateFor(o.state, p)
		segments(p, func(theta, g []float64, off int) {
			v := v[off : off+len(g)]
			for i, gi := range g {
				vi := rho*v[i] + (1-rho)*gi*gi
				v[i] = vi
				theta[i] -= lr * gi / (math.Sqrt(vi) + eps)
			}
		})
	}
}

// Adagrad scales each coordinate's step by the root of its summed
// squared gradients, PyTorch's torch.optim.Adagrad (no learning-rate
// decay, initial accumulator 0):
//
//	s ← s + g²
//	θ ← θ − η·g / (√s + ε)
//
// Defaults when zero: LearningRate 0.01, Epsilon 1e-10. Duchi, Hazan &
// Singer, JMLR 12 (2011).
type Adagrad struct {
	LearningRate float64 // η; 0 means 0.01
	Epsilon      float64 // ε ≥ 0; 0 means 1e-10

	state map[*Param][]float64 // s per param
}

// Rate returns the learning rate the next Step uses.
func (o *Adagrad) Rate() float64 { return orDefault(o.LearningRate, defaultAdagradRate) }

// SetRate sets LearningRate to lr.
func (o *Adagrad) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *Adagrad) Validate() error {
	return firstError(
		checkRate("Adagrad", o.LearningRate, defaultAdagradRate),
		checkEpsilon("Adagrad.Epsilon", o.Epsilon, defaultAdagradEps),
	)
}

// Reset forgets the sums, so the next Step starts from s = 0.
func (o *Adagrad) Reset() { o.state = nil }

// Step applies one Adagrad update to every param.
func (o *Adagrad) Step(params []*Param) {
	lr := o.Rate()
	eps := orDefault(o.Epsilon, defaultAdagradEps)
	if o.state == nil {
		o.state = make(map[*Param][]float64)
	}
	for _, p := range params {
		checkParam("Adagrad.Step", p)
		s := stateFor(o.state, p)
		segments(p, func(theta, g []float64, off int) {
			s := s[off : off+len(g)]
			for i, gi := range g {
				si := s[i] + gi*gi
				s[i] = si
				theta[i] -= lr * gi / (math.Sqrt(si) + eps)
			}
		})
	}
}

// Adadelta adapts the step from running means of squared gradients v and
// squared updates u, PyTorch's torch.optim.Adadelta. With u and v
// starting at 0:
//
//	v ← ρ·v + (1 − ρ)·g²
//	Δ = √(u + ε) / √(v + ε) · g
//	u ← ρ·u + (1 − ρ)·Δ²
//	θ ← θ − η·Δ
//
// Defaults when zero: LearningRate 1.0, Rho 0.9, Epsilon 1e-6. Zeiler,
// arXiv:1212.5701.
type Adadelta struct {
	LearningRate float64 // η; 0 means 1.0
	Rho          float64 // ρ in [0, 1); 0 means 0.9
	Epsilon      float64 // ε ≥ 0; 0 means 1e-6

	state map[*Param]*adadeltaState
}

// adadeltaState holds Adadelta's running means for one param.
type adadeltaState struct{ v, u []float64 }

// Rate returns the learning rate the next Step uses.
func (o *Adadelta) Rate() float64 { return orDefault(o.LearningRate, defaultAdadeltaRate) }

// SetRate sets LearningRate to lr.
func (o *Adadelta) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *Adadelta) Validate() error {
	return firstError(
		checkRate("Adadelta", o.LearningRate, defaultAdadeltaRate),
		checkUnit("Adadelta.Rho", o.Rho, defaultAdadeltaRho),
		checkEpsilon("Adadelta.Epsilon", o.Epsilon, defaultAdadeltaEps),
	)
}

// Reset forgets the running means, so the next Step starts from u = v = 0.
func (o *Adadelta) Reset() { o.state = nil }

// Step applies one Adadelta update to every param.
func (o *Adadelta) Step(params []*Param) {
	lr := o.Rate()
	rho := orDefault(o.Rho, defaultAdadeltaRho)
	eps := orDefault(o.Epsilon, defaultAdadeltaEps)
	if o.state == nil {
		o.state = make(map[*Param]*adadeltaState)
	}
	for _, p := range params {
		checkParam("Adadelta.Step", p)
		st := o.state[p]
		if n := size(p); st == nil || len(st.v) != n {
			st = &adadeltaState{v: make([]float64, n), u: make([]float64, n)}
			o.state[p] = st
		}
		segments(p, func(theta, g []float64, off int) {
			v, u := st.v[off:off+len(g)], st.u[off:off+len(g)]
			for i, gi := range g {
				vi := rho*v[i] + (1-rho)*gi*gi
				v[i] = vi
				delta := math.Sqrt(u[i]+eps) / math.Sqrt(vi+eps) * gi
				u[i] = rho*u[i] + (1-rho)*delta*delta
				theta[i] -= lr * delta
			}
		})
	}
}

// Adam keeps running means of the gradient (m) and of its square (v),
// corrects their bias towards 0, and steps by their ratio, PyTorch's
// torch.optim.Adam (amsgrad = false, no weight decay). With m and v
// starting at 0 and t counting the steps taken for the param:
//
//	m ← β₁·m + (1 − β₁)·g
//	v ← β₂·v + (1 − β₂)·g²
//	m̂ = m / (1 − β₁ᵗ)
//	v̂ = v / (1 − β₂ᵗ)
//	θ ← θ − η·m̂ / (√v̂ + ε)
//
// Without the bias correction the first steps would be about
// (1 − β₁)/√(1 − β₂) ≈ 3 times too large; with it the first step moves
// every coordinate by about η.
//
// Defaults when zero: LearningRate 0.001, Beta1 0.9, Beta2 0.999,
// Epsilon 1e-8. Kingma & Ba, "Adam: A Method for Stochastic
// Optimization", arXiv:1412.6980.
type Adam struct {
	LearningRate float64 // η; 0 means 0.001
	Beta1        float64 // β₁ in [0, 1), decay of m; 0 means 0.9
	Beta2        float64 // β₂ in [0, 1), decay of v; 0 means 0.999
	Epsilon      float64 // ε ≥ 0; 0 means 1e-8

	state map[*Param]*adamState
	loop  adamLoop
}

// adamState is Adam's memory for one param: the step count and the two
// moment estimates.
type adamState struct {
	t    int
	m, v []float64
}

// Rate returns the learning rate the next Step uses.
func (o *Adam) Rate() float64 { return orDefault(o.LearningRate, defaultAdamRate) }

// SetRate sets LearningRate to lr.
func (o *Adam) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range, for example
//
//	nnlib: Adam.LearningRate is -0.1; it must be > 0 (0 means the default 0.001)
func (o *Adam) Validate() error {
	return validateAdam("Adam", o.LearningRate, o.Beta1, o.Beta2, o.Epsilon)
}

// Reset forgets the moments and step counts, so the next Step is a
// first step again.
func (o *Adam) Reset() { o.state = nil }

// Step applies one Adam update to every param.
func (o *Adam) Step(params []*Param) {
	stepAdam("Adam.Step", &o.state, &o.loop, params, o.Rate(), o.Beta1, o.Beta2, o.Epsilon, 0)
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter,
// "Decoupled Weight Decay Regularization", arXiv:1711.05101), PyTorch's
// torch.optim.AdamW. Each step first shrinks θ, then applies the [Adam]
// update:
//
//	θ ← θ − η·λ·θ
//	θ ← θ − η·m̂ / (√v̂ + ε)   (m̂, v̂ as in Adam)
//
// As in PyTorch the decay applies to every param passed to Step, biases
// included. Defaults when zero: LearningRate 0.001, Beta1 0.9, Beta2
// 0.999, Epsilon 1e-8, WeightDecay 0.01 (for no decay use [Adam]).
type AdamW struct {
	LearningRate float64 // η; 0 means 0.001
	Beta1        float64 // β₁ in [0, 1); 0 means 0.9
	Beta2        float64 // β₂ in [0, 1); 0 means 0.999
	Epsilon      float64 // ε ≥ 0; 0 means 1e-8
	WeightDecay  float64 // λ ≥ 0; 0 means 0.01

	state map[*Param]*adamState
	loop  adamLoop
}

// Rate returns the learning rate the next Step uses.
func (o *AdamW) Rate() float64 { return orDefault(o.LearningRate, defaultAdamRate) }

// SetRate sets LearningRate to lr.
func (o *AdamW) SetRate(lr float64) { o.LearningRate = lr }

// Validate reports settings out of range.
func (o *AdamW) Validate() error {
	return firstError(
		validateAdam("AdamW", o.LearningRate, o.Beta1, o.Beta2, o.Epsilon),
		checkNonNegative("AdamW.WeightDecay", o.WeightDecay, defaultWeightDecay),
	)
}

// Reset forgets the moments and step counts, so the next Step is a
// first step again.
func (o *AdamW) Reset() { o.state = nil }

// Step applies one AdamW update to every param.
func (o *AdamW) Step(params []*Param) {
	stepAdam("AdamW.Step", &o.state, &o.loop, params, o.Rate(), o.Beta1, o.Beta2, o.Epsilon, orDefault(o.WeightDecay, defaultWeightDecay))
}

func validateAdam(name string, lr, beta1, beta2, eps float64) error {
	return firstError(
		checkRate(name, lr, defaultAdamRate),
		checkUnit(name+".Beta1", beta1, defaultBeta1),
		checkUnit(name+".Beta2", beta2, defaultBeta2),
		checkEpsilon(name+".Epsilon", eps, defaultAdamEps),
	)
}

// stepAdam is the Adam update shared by Adam and AdamW (decay λ = 0 for
// Adam). It computes η·m̂/(√v̂ + ε) as (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε),
// the same quantity with two divisions per step instead of per element
// (and a multiplication by 1/√(1−β₂ᵗ) instead of a division).
func stepAdam(op string, state *map[*Param]*adamState, loop *adamLoop, params []*Param, lr, beta1, beta2, eps, decay float64) {
	beta1 = orDefault(beta1, defaultBeta1)
	beta2 = orDefault(beta2, defaultBeta2)
	eps = orDefault(eps, defaultAdamEps)
	if *state == nil {
		*state = make(map[*Param]*adamState)
	}
	shrink := 1 - lr*decay
	for _, p := range params {
		checkParam(op, p)
		st := (*state)[p]
		if n := size(p); st == nil || len(st.m) != n {
			st = &adamState{m: make([]float64, n), v: make([]float64, n)}
			(*state)[p] = st
		}
		st.t++
		t := float64(st.t)
		stepSize := lr / (1 - math.Pow(beta1, t))
		invSqrtBC2 := 1 / math.Sqrt(1-math.Pow(beta2, t)) // 1/√(1−β₂ᵗ)
		*loop = adamLoop{decay: decay != 0, shrink: shrink, beta1: beta1, beta2: beta2,
			stepSize: stepSize, invSqrtBC2: invSqrtBC2, eps: eps}
		segments(p, func(theta, g []float64, off int) {
			loop.theta, loop.g = theta, g
			loop.m, loop.v = st.m[off:off+len(g)], st.v[off:off+len(g)]
			gemm.ParallelFor(len(g), minParallel/4, loop) // a square root and a division per element
		})
		*loop = adamLoop{}
	}
}

// adamLoop is the element-wise update of Adam and AdamW on one segment of a
// param, run on the threads of the matrix multiply.
type adamLoop struct {
	theta, g, m, v                                  []float64
	decay                                           bool
	shrink, beta1, beta2, stepSize, invSqrtBC2, eps float64
}

func (b *adamLoop) Range(lo, hi int) {
	theta, g, m, v := b.theta[lo:hi], b.g[lo:hi], b.m[lo:hi], b.v[lo:hi]
	for i, gi := range g {
		if b.decay {
			theta[i] *= b.shrink
		}
		mi := b.beta1*m[i] + (1-b.beta1)*gi
		vi := b.beta2*v[i] + (1-b.beta2)*gi*gi
		m[i], v[i] = mi, vi
		theta[i] -= b.stepSize * mi / (math.Sqrt(vi)*b.invSqrtBC2 + b.eps)
	}
}

// checkParam panics with a *ShapeError unless p has a Value and a Grad
// of the same shape.
func checkParam(op string, p *Param) {
	if p.Value == nil {
		panic(&ShapeError{Op: op, Got: fmt.Sprintf("param %q with a nil Value", p.Name), Want: "a matrix"})
	}
	r, c := p.Value.Dims()
	if p.Grad == nil {
		panic(&ShapeError{Op: op, Got: fmt.Sprintf("param %q with a nil Grad (run Backward before Step)", p.Name), Want: "Grad " + dims(r, c) + " like Value"})
	}
	if gr, gc := p.Grad.Dims(); gr != r || gc != c {
		panic(&ShapeError{Op: op, Got: fmt.Sprintf("param %q with Grad %s", p.Name, dims(gr, gc)), Want: "Grad " + dims(r, c) + " like Value"})
	}
}

// segments calls f with Value's and Grad's data of p: once with the
// whole matrices when both are stored without gaps between rows (always
// the case for matrices made with mat.NewDense), else once per row. off
// is the offset of the segment's first element in row-major order, for
// indexing per-element optimizer state.
func segments(p *Param, f func(theta, g []float64, off int)) {
	r, c := p.Value.Dims()
	vm, gm := p.Value.RawMatrix(), p.Grad.RawMatrix()
	if r == 1 || vm.Stride == c && gm.Stride == c {
		f(vm.Data[:r*c], gm.Data[:r*c], 0)
		return
	}
	for row := range r {
		f(vm.Data[row*vm.Stride:][:c], gm.Data[row*gm.Stride:][:c], row*c)
	}
}

// size returns the number of elements of p.
func size(p *Param) int {
	r, c := p.Value.Dims()
	return r * c
}

// stateFor returns p's per-element state, allocating it (zeroed) the
// first time p is seen.
func stateFor(state map[*Param][]float64, p *Param) []float64 {
	s := state[p]
	if n := size(p); len(s) != n {
		s = make([]float64, n)
		state[p] = s
	}
	return s
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkRate reports a learning rate that is negative, NaN or infinite.
func checkRate(opt string, lr, def float64) error {
	if lr < 0 || math.IsNaN(lr) || math.IsInf(lr, 0) {
		return fmt.Errorf("nnlib: %s.LearningRate is %v; it must be > 0 (0 means the default %v)", opt, lr, def)
	}
	return nil
}

// checkUnit reports a decay factor (momentum, ρ, β) outside [0, 1).
func checkUnit(name string, v, def float64) error {
	if !(v >= 0 && v < 1) {
		return fmt.Errorf("nnlib: %s is %v; it must be in [0, 1) (0 means the default %v)", name, v, def)
	}
	return nil
}

// checkEpsilon reports an ε that is negative, NaN or infinite.
func checkEpsilon(name string, v, def float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("nnlib: %s is %v; it must be a small number ≥ 0 such as 1e-8 (0 means the default %v)", name, v, def)
	}
	return nil
}

// checkNonNegative reports a setting that is negative, NaN or infinite.
func checkNonNegative(name string, v, def float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("nnlib: %s is %v; it must be ≥ 0 (0 means the default %v)", name, v, def)
	}
	return nil
}
