package nnlib

import "gonum.org/v1/gonum/mat"

// Param is a trainable matrix θ together with its gradient ∂L/∂θ.
//
// By convention a bias is named "b" and a weight matrix "W"; regularizers
// apply to weights only (see [Param.IsBias]).
type Param struct {
	Name  string
	Value *mat.Dense // θ
	Grad  *mat.Dense // ∂L/∂θ for the last Backward, same shape as Value (overwritten, not accumulated)
}

// IsBias reports whether p is a bias vector, which regularizers leave alone.
func (p *Param) IsBias() bool { return p.Name == "b" }

// Layer is one stage of a feed-forward network. x is a batch with one
// example per row.
type Layer interface {
	// Forward maps x (n×in) to y (n×out) and remembers what Backward needs.
	Forward(x *mat.Dense) *mat.Dense
	// Backward takes ∂L/∂y (n×out), sets every Param.Grad and returns
	// ∂L/∂x (n×in).
	Backward(dy *mat.Dense) *mat.Dense
	// Params returns the trainable parameters, or nil if there are none.
	Params() []*Param
}

// Loss measures how far predictions ŷ are from targets y (both n×k).
type Loss interface {
	Value(yHat, y *mat.Dense) float64   // mean over the batch
	Grad(yHat, y *mat.Dense) *mat.Dense // ∂Value/∂ŷ, same shape as ŷ
}

// Optimizer updates each Param's Value from its Grad, in place.
type Optimizer interface{ Step(params []*Param) }

// Regularizer is a penalty on a weight matrix W added to the loss.
type Regularizer interface {
	Penalty(w *mat.Dense) float64 // added to the loss
	Grad(w *mat.Dense) *mat.Dense // ∂Penalty/∂W, same shape as W
}

// TrainingSetter is implemented by layers that behave differently in
// training and in inference (Dropout), and by Sequential, which passes the
// mode on to its layers.
type TrainingSetter interface{ SetTraining(training bool) }
