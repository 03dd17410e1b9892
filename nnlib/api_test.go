package nnlib_test

import (
	"io"
	"math/rand/v2"

	"github.com/nnfromscratch/nngo/nnlib"
	"gonum.org/v1/gonum/mat"
)

// The API that notebooks and outside code compile against, with its exact
// names and signatures: this file fails to compile if one of them changes.
var (
	_ = nnlib.Param{Name: "W", Value: (*mat.Dense)(nil), Grad: (*mat.Dense)(nil)}

	_ nnlib.Layer       = (*nnlib.Linear)(nil)
	_ nnlib.Layer       = (*nnlib.Sequential)(nil)
	_ nnlib.Layer       = (*nnlib.Dropout)(nil)
	_ nnlib.Layer       = &nnlib.ReLU{}
	_ nnlib.Layer       = &nnlib.LeakyReLU{Alpha: 0.01}
	_ nnlib.Layer       = &nnlib.Sigmoid{}
	_ nnlib.Layer       = &nnlib.Tanh{}
	_ nnlib.Layer       = &nnlib.Softmax{}
	_ nnlib.Layer       = &nnlib.ELU{}
	_ nnlib.Layer       = &nnlib.GELU{}
	_ nnlib.Layer       = &nnlib.Softplus{}
	_ nnlib.Loss        = nnlib.MSE{}
	_ nnlib.Loss        = nnlib.MAE{}
	_ nnlib.Loss        = nnlib.RMSE{}
	_ nnlib.Loss        = nnlib.BinaryCrossEntropy{}
	_ nnlib.Loss        = nnlib.CrossEntropy{}
	_ nnlib.Loss        = nnlib.SoftmaxCrossEntropy{}
	_ nnlib.Regularizer = nnlib.L1{Lambda: 1}
	_ nnlib.Regularizer = nnlib.L2{Lambda: 1}
	_ nnlib.Regularizer = nnlib.ElasticNet{Lambda: 1, R: 0.5}
	_ nnlib.Optimizer   = &nnlib.SGD{LearningRate: 0.1}
	_ nnlib.Optimizer   = &nnlib.Momentum{LearningRate: 0.1, Momentum: 0.9}
	_ nnlib.Optimizer   = &nnlib.Nesterov{LearningRate: 0.1, Momentum: 0.9}
	_ nnlib.Optimizer   = &nnlib.RMSprop{LearningRate: 0.1, Rho: 0.9, Epsilon: 1e-8}
	_ nnlib.Optimizer   = &nnlib.Adagrad{LearningRate: 0.1, Epsilon: 1e-10}
	_ nnlib.Optimizer   = &nnlib.Adadelta{LearningRate: 1, Rho: 0.9, Epsilon: 1e-6}
	_ nnlib.Optimizer   = &nnlib.Adam{LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
	_ nnlib.Optimizer   = &nnlib.AdamW{}
	_ nnlib.Schedule    = nnlib.StepDecay{}
	_ nnlib.Schedule    = nnlib.ExponentialDecay{}
	_ nnlib.Schedule    = nnlib.CosineDecay{}

	_ nnlib.TrainingSetter = (*nnlib.Dropout)(nil)
	_ nnlib.TrainingSetter = (*nnlib.Sequential)(nil)

	_ func(in, out int, init nnlib.Initializer, rng *rand.Rand) *nnlib.Linear = nnlib.NewLinear
	_ func(layers ...nnlib.Layer) *nnlib.Sequential                           = nnlib.NewSequential
	_ func(rate float64, rng *rand.Rand) *nnlib.Dropout                       = nnlib.NewDropout
	_ []nnlib.Initializer                                                     = []nnlib.Initializer{nnlib.XavierNormal, nnlib.XavierUniform, nnlib.HeNormal, nnlib.HeUniform}

	_ func(net nnlib.Layer, x, y, valX, valY *mat.Dense) (*nnlib.History, error) = (&nnlib.Trainer{}).Fit
	_ func(m *mat.Dense) []int                                                   = nnlib.ArgMax
	_ func(yTrue, yPred []int) float64                                           = nnlib.Accuracy
	_ func(yTrue, yPred []int, classes int) [][]int                              = nnlib.ConfusionMatrix
	_ func(yTrue, yPred []int, classes int) (precision, recall, f1 []float64)    = nnlib.PrecisionRecallF1
	_ func(net nnlib.Layer, loss nnlib.Loss, x, y *mat.Dense) float64            = nnlib.GradCheck
	_ func(w io.Writer, net nnlib.Layer) error                                   = nnlib.Save
	_ func(r io.Reader) (*nnlib.Sequential, error)                               = nnlib.Load
	_ error                                                                      = &nnlib.ShapeError{Op: "Linear.Forward", Got: "32×785", Want: "n×784"}
)

func init() {
	l := nnlib.NewLinear(2, 3, nil, rand.New(rand.NewPCG(1, 2)))
	var _, _ *nnlib.Param = l.W, l.B
	var _ []*nnlib.Param = l.Params()
}
