package nnlib

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Sequential chains layers: the output of each is the input of the next.
//
//	Forward:  a⁽⁰⁾ = x,  a⁽ˡ⁾ = layerₗ.Forward(a⁽ˡ⁻¹⁾),  y = a⁽ᴸ⁾
//	Backward: g⁽ᴸ⁾ = ∂L/∂y,  g⁽ˡ⁻¹⁾ = layerₗ.Backward(g⁽ˡ⁾),  ∂L/∂x = g⁽⁰⁾
//
// Backward is the chain rule applied layer by layer, last layer first.
// A Sequential is itself a [Layer] (so networks nest) and a
// [TrainingSetter]. Taught in notebook 04-chain-rule-and-backpropagation.
type Sequential struct {
	Layers []Layer

	params []*Param
}

var (
	_ Layer          = (*Sequential)(nil)
	_ TrainingSetter = (*Sequential)(nil)
	_ Layer          = (*Linear)(nil)
	_ Layer          = (*ReLU)(nil)
	_ Layer          = (*LeakyReLU)(nil)
	_ Layer          = (*Sigmoid)(nil)
	_ Layer          = (*Tanh)(nil)
	_ Layer          = (*Softmax)(nil)
	_ Layer          = (*ELU)(nil)
	_ Layer          = (*GELU)(nil)
	_ Layer          = (*Softplus)(nil)
	_ Layer          = (*Dropout)(nil)
	_ TrainingSetter = (*Dropout)(nil)
)

// NewSequential returns a network that applies layers in order.
func NewSequential(layers ...Layer) *Sequential {
	return &Sequential{Layers: layers}
}

// Forward passes x (n×d) through every layer in order and returns the last
// layer's output. The result is owned by the last layer and overwritten by
// the next call; use mat.DenseCopyOf (or [Predict]) to keep it.
func (s *Sequential) Forward(x *mat.Dense) *mat.Dense {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Backward passes dy = ∂L/∂y back through the layers in reverse order,
// setting every parameter's Grad, and returns ∂L/∂x. The result is owned by
// the first layer and overwritten by the next call.
func (s *Sequential) Backward(dy *mat.Dense) *mat.Dense {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	return dy
}

// paramBackwarder is implemented by layers that can set their parameters
// gradients without computing ∂L/∂x (Linear, Sequential).
type paramBackwarder interface{ backwardParams(dy *mat.Dense) }

// backwardParams runs the backward pass of a network whose input needs no
// gradient, as in training, where the input is the data: it sets every
// Param.Grad like Backward but skips the layers in front of the first one
// with parameters and, where that layer allows it, its ∂L/∂x. In a
// 784-256-256-10 network this saves a quarter of the backward work.
func backwardParams(l Layer, dy *mat.Dense) {
	if pb, ok := l.(paramBackwarder); ok {
		pb.backwardParams(dy)
		return
	}
	l.Backward(dy)
}

func (s *Sequential) backwardParams(dy *mat.Dense) {
	first := len(s.Layers)
	for i, l := range s.Layers {
		if len(l.Params()) > 0 {
			first = i
			break
		}
	}
	for i := len(s.Layers) - 1; i > first; i-- {
		dy = s.Layers[i].Backward(dy)
	}
	if first < len(s.Layers) {
		backwardParams(s.Layers[first], dy)
	}
}

// Params returns the parameters of all layers, in layer order. The returned
// slice is reused by later calls while the parameters stay the same, so
// callers must not modify it.
func (s *Sequential) Params() []*Param {
	i, same := 0, true
	for _, l := range s.Layers {
		for _, p := range l.Params() {
			if i >= len(s.params) || s.params[i] != p {
				same = false
			}
			i++
		}
	}
	if same && i == len(s.params) {
		return s.params
	}
	ps := make([]*Param, 0, i)
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	s.params = ps
	return ps
}

// SetTraining passes the mode to every layer that implements
// [TrainingSetter] (Dropout, nested Sequentials).
func (s *Sequential) SetTraining(training bool) {
	for _, l := range s.Layers {
		SetTraining(l, training)
	}
}

// Validate checks the settings of every layer that has a Validate method
// (Dropout rates, nested networks) and that consecutive Linear layers fit
// together: a Linear with out outputs must be followed, possibly through
// activations and Dropout, by a Linear with out inputs. The error names the
// layer by its 0-based index, with a dot for nested networks ("layer 2.1"
// is layer 1 of the Sequential at index 2).
func (s *Sequential) Validate() error { return s.validate("") }

func (s *Sequential) validate(path string) error {
	width, widthFrom := -1, "" // output width of the last Linear seen, and where it is
	for i, l := range s.Layers {
		name := fmt.Sprintf("%s%d", path, i)
		if l == nil {
			return fmt.Errorf("nnlib: layer %s of the network is nil", name)
		}
		if inner, ok := l.(*Sequential); ok {
			if err := inner.validate(name + "."); err != nil {
				return err
			}
		} else if v, ok := l.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return fmt.Errorf("%w (layer %s of the network)", err, name)
			}
		}
		switch l := l.(type) {
		case *Linear:
			in, out := l.W.Value.Dims()
			if width >= 0 && width != in {
				return fmt.Errorf("nnlib: layer %s is a Linear with %d inputs, but layer %s (a Linear) gives %d outputs; make them equal",
					name, in, widthFrom, width)
			}
			width, widthFrom = out, name
		case *ReLU, *LeakyReLU, *Sigmoid, *Tanh, *Softmax, *ELU, *GELU, *Softplus, *Dropout:
			// Shape-preserving.
		default:
			width = -1
		}
	}
	return nil
}

// SetTraining puts l in training mode (training true) or inference mode if
// l implements [TrainingSetter]; other layers behave the same in both modes
// and are left alone.
func SetTraining(l Layer, training bool) {
	if ts, ok := l.(TrainingSetter); ok {
		ts.SetTraining(training)
	}
}

// Predict runs net on x (n×d) in inference mode (Dropout off) and returns
// the output as a new matrix that the caller owns. It puts net back in
// training mode afterwards, even if Forward panics.
func Predict(net Layer, x *mat.Dense) *mat.Dense {
	SetTraining(net, false)
	defer SetTraining(net, true)
	return mat.DenseCopyOf(net.Forward(x))
}
