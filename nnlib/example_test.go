package nnlib_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/nnfromscratch/nngo/nnlib"
	"gonum.org/v1/gonum/mat"
)

// A 2-8-1 network of sigmoids learns XOR, the function no single linear
// layer can represent.
func Example_xor() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1})
	y := mat.NewDense(4, 1, []float64{0, 1, 1, 0})
	net := nnlib.NewSequential(
		nnlib.NewLinear(2, 8, nnlib.XavierUniform, rng), &nnlib.Sigmoid{},
		nnlib.NewLinear(8, 1, nnlib.XavierUniform, rng), &nnlib.Sigmoid{},
	)
	t := &nnlib.Trainer{Loss: nnlib.MSE{}, Optimizer: &nnlib.SGD{LearningRate: 2}, Epochs: 5000, BatchSize: 4, RNG: rng}
	h, err := t.Fit(net, x, y, nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("loss < 0.01:", h.TrainLoss[h.Epochs()-1] < 0.01)
	yHat := nnlib.Predict(net, x)
	for i := range 4 {
		fmt.Printf("%v XOR %v = %.0f\n", x.At(i, 0), x.At(i, 1), yHat.At(i, 0))
	}
	// Output:
	// loss < 0.01: true
	// 0 XOR 0 = 0
	// 0 XOR 1 = 1
	// 1 XOR 0 = 1
	// 1 XOR 1 = 0
}

// One step of plain gradient descent, θ ← θ − η·g, checkable by hand.
func ExampleSGD_Step() {
	p := &nnlib.Param{
		Name:  "W",
		Value: mat.NewDense(1, 2, []float64{1, 2}),    // θ
		Grad:  mat.NewDense(1, 2, []float64{0.5, -1}), // g
	}
	opt := &nnlib.SGD{LearningRate: 0.1}
	opt.Step([]*nnlib.Param{p})
	fmt.Printf("θ = %.2f\n", p.Value.RawRowView(0)) // 1 − 0.1·0.5, 2 − 0.1·(−1)
	// Output:
	// θ = [0.95 2.10]
}

// Thanks to the bias correction, Adam's first step moves every
// coordinate by about η, whatever the size of its gradient.
func ExampleAdam() {
	p := &nnlib.Param{
		Name:  "W",
		Value: mat.NewDense(1, 3, []float64{1, 1, 1}),
		Grad:  mat.NewDense(1, 3, []float64{1000, 0.001, -3}),
	}
	opt := &nnlib.Adam{LearningRate: 0.01} // β₁ = 0.9, β₂ = 0.999, ε = 1e-8 by default
	opt.Step([]*nnlib.Param{p})
	fmt.Printf("θ = %.4f\n", p.Value.RawRowView(0))
	// Output:
	// θ = [0.9900 0.9900 1.0100]
}

// A schedule gives the learning rate of each epoch; Trainer.Schedule
// passes it to the optimizer before every epoch.
func ExampleCosineDecay() {
	s := nnlib.CosineDecay{Initial: 0.1, Min: 0.001, Epochs: 4}
	for e := range 5 {
		fmt.Printf("epoch %d: %.4f\n", e, s.Rate(e))
	}
	// Output:
	// epoch 0: 0.1000
	// epoch 1: 0.0855
	// epoch 2: 0.0505
	// epoch 3: 0.0155
	// epoch 4: 0.0010
}

func ExampleConfusionMatrix() {
	yTrue := []int{0, 0, 1, 1, 2, 2, 2}
	yPred := []int{0, 1, 1, 1, 0, 0, 1}
	for _, row := range nnlib.ConfusionMatrix(yTrue, yPred, 3) { // rows: actual; columns: predicted
		fmt.Println(row)
	}
	fmt.Printf("accuracy %.3f\n", nnlib.Accuracy(yTrue, yPred))
	// Output:
	// [1 1 0]
	// [0 2 0]
	// [2 1 0]
	// accuracy 0.429
}

func ExampleClassificationReport() {
	yTrue := []int{0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2}
	yPred := []int{0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 1}
	fmt.Print(nnlib.ClassificationReport(yTrue, yPred, []string{"setosa", "versicolor", "virginica"}))
	// Output:
	//               precision    recall  f1-score   support
	//
	//       setosa       1.00      0.80      0.89         5
	//   versicolor       0.40      0.67      0.50         3
	//    virginica       0.67      0.50      0.57         4
	//
	//     accuracy                           0.67        12
	//    macro avg       0.69      0.66      0.65        12
	// weighted avg       0.74      0.67      0.69        12
}

// Fit a linear regression y = 3·x₀ − 2·x₁ + 1 with mini-batches and a
// validation set, stopping early once the validation loss stops falling.
func ExampleTrainer_Fit() {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := mat.NewDense(200, 2, nil), mat.NewDense(200, 1, nil)
	for i := range 200 {
		x0, x1 := rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(i, []float64{x0, x1})
		y.Set(i, 0, 3*x0-2*x1+1)
	}
	xTrain, yTrain := x.Slice(0, 150, 0, 2).(*mat.Dense), y.Slice(0, 150, 0, 1).(*mat.Dense)
	xVal, yVal := x.Slice(150, 200, 0, 2).(*mat.Dense), y.Slice(150, 200, 0, 1).(*mat.Dense)

	lin := nnlib.NewLinear(2, 1, nnlib.XavierUniform, rng)
	t := &nnlib.Trainer{
		Loss:      nnlib.MSE{},
		Optimizer: &nnlib.SGD{LearningRate: 0.1},
		Epochs:    200,
		BatchSize: 16,
		RNG:       rng,
		Patience:  5,
	}
	h, err := t.Fit(lin, xTrain, yTrain, xVal, yVal)
	if err != nil {
		panic(err)
	}
	fmt.Println("stopped early:", h.StoppedEarly)
	fmt.Printf("W = %.3f, b = %.3f\n", mat.Col(nil, 0, lin.W.Value), lin.B.Value.At(0, 0))
	fmt.Printf("validation R² = %.4f\n", nnlib.R2(yVal, nnlib.Predict(lin, xVal)))
	// Output:
	// stopped early: true
	// W = [3.000 -2.000], b = 1.000
	// validation R² = 1.0000
}

// A learning rate far too large makes the loss overflow. Fit stops,
// returns a *DivergenceError that says where and what to try, and puts
// back the weights of the start of that epoch, so they stay finite.
func ExampleDivergenceError() {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := mat.NewDense(100, 1, nil), mat.NewDense(100, 1, nil)
	for i := range 100 {
		v := 100 * rng.Float64() // not standardized
		x.Set(i, 0, v)
		y.Set(i, 0, 2*v)
	}
	lin := nnlib.NewLinear(1, 1, nil, rng)
	t := &nnlib.Trainer{Loss: nnlib.MSE{}, Optimizer: &nnlib.SGD{LearningRate: 1}, Epochs: 10, BatchSize: 10, RNG: rng}
	_, err := t.Fit(lin, x, y, nil, nil)
	var de *nnlib.DivergenceError
	fmt.Println("diverged:", errors.As(err, &de))
	fmt.Println("weights finite:", !math.IsNaN(lin.W.Value.At(0, 0)) && !math.IsInf(lin.W.Value.At(0, 0), 0))
	// Output:
	// diverged: true
	// weights finite: true
}
