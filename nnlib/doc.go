// Package nnlib is a small neural-network library written from scratch on
// top of gonum, to be read alongside the course notebooks. Every piece is
// the plain formula in Go: forward pass, derivative next to it, and a test
// that checks the derivative with finite differences.
//
// # Overview
//
// A network is a [Layer]: something with Forward, Backward and Params.
// [Linear] is the fully connected layer y = x·W + b, with weights started by
// an [Initializer] ([XavierUniform] by default, [HeNormal] for ReLU
// networks). Activations ([ReLU], [LeakyReLU], [Sigmoid], [Tanh],
// [Softmax], [ELU], [GELU], [Softplus]) and [Dropout] are layers without
// parameters, and [Sequential] chains layers into a network that is itself
// a Layer.
//
// A [Loss] compares predictions ŷ with targets y: [MSE], [MAE], [RMSE] for
// regression; [BinaryCrossEntropy], [CrossEntropy] on probabilities and
// [SoftmaxCrossEntropy] on raw scores for classification. A [Regularizer]
// ([L1], [L2], [ElasticNet]) adds a weight penalty. An [Optimizer] (SGD,
// Momentum, Adam, …) updates each [Param] from its gradient, and a Trainer
// runs the epochs and records a [History]. Metrics (Accuracy,
// ConfusionMatrix, …) score the predictions that [Predict] returns.
//
// [GradCheck] verifies backpropagation against finite differences, and
// [Save] and [Load] store a trained network in a versioned, checksummed
// file.
//
// The package example (Example_xor) trains a 2-8-1 sigmoid network on XOR:
//
//	x := mat.NewDense(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1}) // 4 examples
//	rng := rand.New(rand.NewPCG(1, 2))
//	net := nnlib.NewSequential(
//		nnlib.NewLinear(2, 8, nnlib.XavierUniform, rng), &nnlib.Sigmoid{},
//		nnlib.NewLinear(8, 1, nnlib.XavierUniform, rng), &nnlib.Sigmoid{},
//	)
//	// … train with a Trainer: MSE{} loss, &SGD{LearningRate: 2} …
//	yHat := nnlib.Predict(net, x) // 4×1
//
// # Shapes
//
// Batches are row-major, as in gonum: x is an n×d [mat.Dense] with one
// example per row and one feature per column. A Linear layer with d inputs
// and k outputs holds W (d×k) and b (1×k) and computes
//
//	Y = X·W + b    (n×d)·(d×k) + (1×k) → n×k, b added to every row
//
// Every Forward maps n×in to n×out and every Backward maps ∂L/∂y (n×out)
// back to ∂L/∂x (n×in); doc comments repeat the shapes. Targets y are n×k:
// one-hot rows for classification (see OneHot in nnlib/data), one column
// per output for regression.
//
// # Notation
//
// The notebooks' LaTeX, the doc comments' plain text and the Go names use
// one notation:
//
//	symbol    meaning                                shape   Go name
//	x         a batch of inputs, one example per row n×d     x
//	y         targets                                n×k     y
//	ŷ         predictions (network output)           n×k     yHat
//	W         weight matrix of a Linear layer        d×k     W, Param.Value
//	b         bias row of a Linear layer             1×k     B, Param.Value
//	z         pre-activation, z = x·W + b            n×k     z
//	a         activation, a = f(z)                   n×k     a
//	n         batch size (examples)                  -       n
//	d         input features                         -       d, in
//	k         outputs or classes                     -       k, out
//	θ         any parameter (W or b)                 -       Param.Value
//	η         learning rate                          -       LearningRate, lr
//	λ         regularization strength                -       Lambda
//	p         dropout rate                           -       Rate
//	L         loss, a number                         -       Loss.Value
//	∂L/∂θ     gradient of the loss w.r.t. θ          like θ  Param.Grad, dW
//	∂L/∂y     gradient flowing back into a layer     n×k     dy
//	⊙         element-wise product                   -       -
//	xᵀ        transpose                              -       x.T()
//	σ         logistic sigmoid                       -       Sigmoid
//
// # Buffers
//
// Forward and Backward return matrices owned by the layer: they stay valid
// until the layer's next Forward (or Backward) call, which overwrites them.
// Use mat.DenseCopyOf to keep one, or [Predict], which returns a copy the
// caller owns. Linear, and the activations whose derivative needs z, keep a
// reference to their input for Backward (not a copy), so it must not change
// between Forward and Backward. Buffers are
// reused, and resized without allocating when the batch size changes back
// and forth (training batches, then a validation pass), so a training step
// allocates nothing once the buffers exist. Losses offer GradTo(dst, ŷ, y)
// and regularizers AddGradTo(dst, W) for the same reason.
//
// All matrix products go through [mat.Dense.Mul] with transposed views
// (xᵀ·dy, dy·Wᵀ), so a faster BLAS installed with blas64.Use serves them.
//
// # Errors and panics
//
// nnlib follows gonum/mat: a matrix of the wrong shape is a programming
// mistake, so it panics, just as a division by zero does, and Forward,
// Backward and Grad stay as readable as their formulas. The panic value is
// a *[ShapeError]; recover it and test it with errors.As. Its message says
// what to fix:
//
//	nnlib: Linear.Forward: got 32×785, want n×784
//
// Other mistakes in code (calling Backward before Forward, a nil RNG) panic
// with a message that names the call.
//
// Everything that comes from outside the program returns an error instead:
// data and files ([Load] of a truncated or corrupt file), I/O errors, bad
// settings (a Dropout rate of 1.2 or a negative λ, reported by the Validate
// methods that the Trainer calls before training), and a run that diverges
// (the loss becomes NaN or Inf). The error names the setting or file and
// says what to change.
//
// # Notebooks
//
// Each file is taught by one notebook of the course:
//
//	01-matrices-and-the-linear-layer      linear.go (Linear, initializers), layer.go
//	02-activations                        activation.go
//	03-losses                             loss.go
//	04-chain-rule-and-backpropagation     gradcheck.go, layer.go (Sequential)
//	05-the-training-loop                  train.go
//	06-regularization                     regularize.go, dropout.go
//	07-optimizers                         optimizer.go, schedule.go
//	08-metrics                            metric.go
//	09-mnist                              serialize.go
//	10-performance                        gemm.go (the fast GEMM behind mat.Dense.Mul)
//
// Notebook 00-welcome-and-setup holds the notation table above.
package nnlib
