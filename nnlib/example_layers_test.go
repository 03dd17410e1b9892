package nnlib_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/nnfromscratch/nngo/nnlib"
	"gonum.org/v1/gonum/mat"
)

func ExampleLinear_Forward() {
	rng := rand.New(rand.NewPCG(1, 2))
	layer := nnlib.NewLinear(3, 2, nnlib.XavierUniform, rng)
	x := mat.NewDense(4, 3, nil) // 4 examples, 3 features each
	y := layer.Forward(x)        // x·W + b
	r, c := y.Dims()
	fmt.Printf("y is %d×%d\n", r, c)
	fmt.Println("W is", layer.W.Name, "with", len(layer.W.Value.RawMatrix().Data), "weights")
	// Output:
	// y is 4×2
	// W is W with 6 weights
}

func ExampleLinear_Backward() {
	layer := nnlib.NewLinear(2, 1, nil, rand.New(rand.NewPCG(1, 2)))
	layer.W.Value.Copy(mat.NewDense(2, 1, []float64{0.5, -1}))
	x := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	layer.Forward(x)
	dy := mat.NewDense(2, 1, []float64{1, 1}) // ∂L/∂y
	dx := layer.Backward(dy)
	fmt.Println("∂L/∂W = xᵀ·dy:", mat.Formatted(layer.W.Grad.T(), mat.Squeeze()))
	fmt.Println("∂L/∂b = Σ dy: ", mat.Formatted(layer.B.Grad, mat.Squeeze()))
	fmt.Println("∂L/∂x = dy·Wᵀ:", mat.Formatted(dx.RowView(0).T(), mat.Squeeze()))
	// Output:
	// ∂L/∂W = xᵀ·dy: [4  6]
	// ∂L/∂b = Σ dy:  [2]
	// ∂L/∂x = dy·Wᵀ: [0.5  -1]
}

func ExampleSoftmaxCrossEntropy() {
	logits := mat.NewDense(1, 3, []float64{1, 2, 3}) // raw scores, no Softmax layer
	y := mat.NewDense(1, 3, []float64{0, 0, 1})      // one-hot: class 2
	loss := nnlib.SoftmaxCrossEntropy{}
	fmt.Printf("loss %.4f\n", loss.Value(logits, y))
	fmt.Printf("grad %.4f\n", mat.Row(nil, 0, loss.Grad(logits, y))) // softmax(z) − y
	// Output:
	// loss 0.4076
	// grad [0.0900 0.2447 -0.3348]
}

func ExampleMSE() {
	yHat := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	y := mat.NewDense(2, 2, []float64{0, 2, 3, 6})
	// Errors ŷ − y = [1 0; 0 −2]: MSE = (1² + 2²)/4, gradient 2(ŷ − y)/4.
	fmt.Println("MSE: ", nnlib.MSE{}.Value(yHat, y))
	fmt.Println("grad:", mat.Formatted(nnlib.MSE{}.Grad(yHat, y), mat.Prefix("      "), mat.Squeeze()))
	// Output:
	// MSE:  1.25
	// grad: ⎡0.5   0⎤
	//       ⎣  0  -1⎦
}

func ExampleGradCheck() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nnlib.NewSequential(
		nnlib.NewLinear(3, 5, nnlib.HeNormal, rng), &nnlib.Tanh{},
		nnlib.NewLinear(5, 2, nnlib.XavierNormal, rng),
	)
	x := mat.NewDense(4, 3, []float64{0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9, -1, 1.1, 1.2})
	y := mat.NewDense(4, 2, []float64{1, 0, 0, 1, 1, 0, 0, 1})
	worst := nnlib.GradCheck(net, nnlib.SoftmaxCrossEntropy{}, x, y)
	fmt.Println("backpropagation agrees with finite differences:", worst < 1e-6)
	// Output:
	// backpropagation agrees with finite differences: true
}

func ExampleNumericGradient() {
	w := mat.NewDense(1, 2, []float64{3, -1})
	f := func() float64 { return w.At(0, 0)*w.At(0, 0) + 5*w.At(0, 1) } // f = w₀² + 5·w₁
	g := nnlib.NumericGradient(f, w)
	fmt.Printf("%.4f\n", mat.Row(nil, 0, g)) // [2·w₀, 5]
	// Output:
	// [6.0000 5.0000]
}

func ExampleDropout() {
	rng := rand.New(rand.NewPCG(1, 2))
	drop := nnlib.NewDropout(0.5, rng)
	x := mat.NewDense(1, 8, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	fmt.Println("training: ", drop.Forward(x).RawMatrix().Data) // kept units scaled by 1/(1 − 0.5)
	drop.SetTraining(false)
	fmt.Println("inference:", drop.Forward(x).RawMatrix().Data)
	fmt.Println(nnlib.NewDropout(1.2, rng).Validate())
	// Output:
	// training:  [2 0 2 0 2 0 2 0]
	// inference: [1 1 1 1 1 1 1 1]
	// nnlib: Dropout rate 1.2 is outside [0, 1); use e.g. 0.2 to drop 20% of the units
}

func ExampleSave() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nnlib.NewSequential(nnlib.NewLinear(4, 3, nnlib.HeNormal, rng), &nnlib.ReLU{}, nnlib.NewLinear(3, 2, nil, rng))
	var buf bytes.Buffer // a file, in a notebook: os.Create("model.nnlib")
	if err := nnlib.Save(&buf, net); err != nil {
		panic(err)
	}
	size := buf.Len()
	loaded, err := nnlib.Load(&buf)
	if err != nil {
		panic(err)
	}
	x := mat.NewDense(2, 4, []float64{1, 2, 3, 4, -1, 0, 1, 0})
	fmt.Println("bytes:", size)
	fmt.Println("same predictions:", mat.Equal(nnlib.Predict(net, x), nnlib.Predict(loaded, x)))
	// Output:
	// bytes: 298
	// same predictions: true
}

func ExamplePredict() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nnlib.NewSequential(nnlib.NewLinear(2, 3, nil, rng), &nnlib.Softmax{})
	x := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	probs := nnlib.Predict(net, x) // a copy the caller owns, computed in inference mode
	fmt.Printf("row sums %.4f %.4f\n", mat.Sum(probs.RowView(0)), mat.Sum(probs.RowView(1)))
	// Output:
	// row sums 1.0000 1.0000
}

func ExampleL2() {
	w := mat.NewDense(1, 3, []float64{1, -2, 0})
	r := nnlib.L2{Lambda: 0.1}
	fmt.Printf("penalty %.2f\n", r.Penalty(w)) // λ/2·Σw²
	fmt.Println("grad", mat.Formatted(r.Grad(w), mat.Squeeze()))
	// Output:
	// penalty 0.25
	// grad [0.1  -0.2  0]
}
