package data_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/nnfromscratch/nngo/nnlib/data"
	"gonum.org/v1/gonum/mat"
)

func ExampleLoadIris() {
	iris, err := data.LoadIris("") // the repository's data/iris.csv
	if err != nil {
		log.Fatal(err)
	}
	n, d := iris.X.Dims()
	fmt.Printf("X is %d×%d: %v\n", n, d, iris.Features)
	fmt.Println("classes:", iris.Classes, iris.ClassCounts())
	fmt.Println("row 0:", mat.Row(nil, 0, iris.X), iris.Classes[iris.Labels[0]], mat.Row(nil, 0, iris.Y))
	// Output:
	// X is 150×4: [sepal_length sepal_width petal_length petal_width]
	// classes: [setosa versicolor virginica] [50 50 50]
	// row 0: [5.1 3.5 1.4 0.2] setosa [1 0 0]
}

func ExampleSplit() {
	iris, err := data.LoadIris("")
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	train, val, test, err := data.Split(iris, 0.7, 0.15, true, rng) // stratified
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("train:", train.Len(), train.ClassCounts())
	fmt.Println("val:  ", val.Len(), val.ClassCounts())
	fmt.Println("test: ", test.Len(), test.ClassCounts())
	// Output:
	// train: 105 [35 35 35]
	// val:   24 [8 8 8]
	// test:  21 [7 7 7]
}

func ExampleStandardizer() {
	train := mat.NewDense(3, 2, []float64{
		1, 100,
		2, 200,
		3, 300,
	})
	test := mat.NewDense(1, 2, []float64{4, 200})

	s := data.FitStandardizer(train) // statistics of the training set only
	fmt.Printf("mean %.1f, std %.4f\n", s.Mean, s.Std)
	fmt.Printf("train %.4f\n", mat.Formatted(s.Transform(train), mat.Prefix("      "), mat.Squeeze()))
	fmt.Printf("test  %.4f\n", mat.Formatted(s.Transform(test), mat.Squeeze()))
	// Output:
	// mean [2.0 200.0], std [0.8165 81.6497]
	// train ⎡-1.2247  -1.2247⎤
	//       ⎢ 0.0000   0.0000⎥
	//       ⎣ 1.2247   1.2247⎦
	// test  [2.4495  0.0000]
}

func ExampleDataset_Batches() {
	iris, err := data.LoadIris("")
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for x, y := range iris.Batches(64, rng) {
		bx, features := x.Dims()
		by, classes := y.Dims()
		fmt.Printf("x %d×%d, y %d×%d\n", bx, features, by, classes)
	}
	// Output:
	// x 64×4, y 64×3
	// x 64×4, y 64×3
	// x 22×4, y 22×3
}
