package nnlib

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Dropout is inverted dropout (Srivastava et al., JMLR 15, 2014). In
// training mode each element of x is kept with probability 1 − p, where
// p is Rate, and the kept ones are scaled up so the expected value is
// unchanged:
//
//	mᵢⱼ = 1/(1 − p) with probability 1 − p, else 0
//	y   = x ⊙ m
//	∂L/∂x = ∂L/∂y ⊙ m           (the same mask m as the last Forward)
//
// In inference mode Dropout is the identity (y = x, ∂L/∂x = ∂L/∂y): thanks
// to the 1/(1 − p) scaling nothing has to change at test time.
//
// A new Dropout is in training mode; [Predict] and the Trainer switch it
// with SetTraining. Taught in notebook 06-regularization.
type Dropout struct {
	Rate float64    // p, the probability of dropping an element; must be in [0, 1)
	RNG  *rand.Rand // source of the masks; needed in training mode only

	inference bool
	mask      *mat.Dense // m from the last training Forward
	y, dx     *mat.Dense
	masked    bool // whether the last Forward applied mask
}

// NewDropout returns a Dropout layer in training mode that drops each
// element with probability rate, drawing masks from rng. A rate outside
// [0, 1) is reported by Validate and makes Forward panic.
func NewDropout(rate float64, rng *rand.Rand) *Dropout {
	return &Dropout{Rate: rate, RNG: rng}
}

// Validate reports a Rate outside [0, 1) or a missing RNG.
func (d *Dropout) Validate() error {
	if !(d.Rate >= 0 && d.Rate < 1) { // also catches NaN
		return fmt.Errorf("nnlib: Dropout rate %g is outside [0, 1); use e.g. 0.2 to drop 20%% of the units", d.Rate)
	}
	if d.RNG == nil && d.Rate > 0 {
		return fmt.Errorf("nnlib: Dropout with rate %g has no RNG; set Dropout.RNG or use NewDropout(rate, rng)", d.Rate)
	}
	return nil
}

// SetTraining switches between training mode (random masks) and inference
// mode (identity).
func (d *Dropout) SetTraining(training bool) { d.inference = !training }

// Training reports whether d is in training mode.
func (d *Dropout) Training() bool { return !d.inference }

// Params returns nil: Dropout has no parameters.
func (*Dropout) Params() []*Param { return nil }

// Forward returns x ⊙ m with a fresh random mask m in training mode, and a
// copy of x in inference mode (n×k either way). It panics if Rate is outside
// [0, 1), or if RNG is nil in training mode. The result is owned by the
// layer and overwritten by the next call.
func (d *Dropout) Forward(x *mat.Dense) *mat.Dense {
	d.masked = d.Training() && d.Rate > 0
	if err := d.Validate(); err != nil && (d.masked || !(d.Rate >= 0 && d.Rate < 1)) {
		panic(err)
	}
	n, k := x.Dims()
	d.y = reuseDense(d.y, n, k)
	xr, y := x.RawMatrix(), d.y.RawMatrix().Data
	if !d.masked {
		for i := 0; i < n; i++ {
			copy(y[i*k:(i+1)*k], rowOf(xr, i))
		}
		return d.y
	}
	d.mask = reuseDense(d.mask, n, k)
	m := d.mask.RawMatrix().Data
	scale := 1 / (1 - d.Rate)
	for i := range m {
		if d.RNG.Float64() < d.Rate {
			m[i] = 0
		} else {
			m[i] = scale
		}
	}
	for i := 0; i < n; i++ {
		yi, mi := y[i*k:(i+1)*k], m[i*k:(i+1)*k]
		for j, v := range rowOf(xr, i) {
			yi[j] = v * mi[j]
		}
	}
	return d.y
}

// Backward returns ∂L/∂x = dy ⊙ m with the mask m of the last Forward, or a
// copy of dy when the last Forward was in inference mode (or Rate was 0).
// The result is owned by the layer and overwritten by the next call.
func (d *Dropout) Backward(dy *mat.Dense) *mat.Dense {
	checkBackward("Dropout.Backward", d.y, dy)
	n, k := dy.Dims()
	d.dx = reuseDense(d.dx, n, k)
	dr, dx := dy.RawMatrix(), d.dx.RawMatrix().Data
	if !d.masked {
		for i := 0; i < n; i++ {
			copy(dx[i*k:(i+1)*k], rowOf(dr, i))
		}
		return d.dx
	}
	m := d.mask.RawMatrix().Data
	for i := 0; i < n; i++ {
		dxi, mi := dx[i*k:(i+1)*k], m[i*k:(i+1)*k]
		for j, v := range rowOf(dr, i) {
			dxi[j] = v * mi[j]
		}
	}
	return d.dx
}
