package viz_test

import (
	"bytes"
	"fmt"
	"image/png"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"

	"github.com/nnfromscratch/nngo/nnlib"
	"github.com/nnfromscratch/nngo/nnlib/viz"
)

func ExampleLossCurves() {
	h := &nnlib.History{
		TrainLoss: []float64{0.92, 0.51, 0.33, 0.26, 0.22},
		ValLoss:   []float64{0.95, 0.58, 0.41, 0.38, 0.40},
		BestEpoch: 4, StoppedEarly: true,
	}
	p, err := viz.LossCurves(h)
	if err != nil {
		fmt.Println(err)
		return
	}
	// In a notebook: viz.Show(p). Here, render it and look at the size.
	b, err := viz.PNG(p, 6*vg.Inch, 4*vg.Inch)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	fmt.Printf("%d×%d PNG, err %v\n", cfg.Width, cfg.Height, err)
	// Output:
	// 768×512 PNG, err <nil>
}

// A run that diverged has NaN losses; the error says where they start
// and what to try.
func ExampleLossCurves_diverged() {
	h := &nnlib.History{TrainLoss: []float64{2.3, 5.1, 4e12, math.NaN(), math.NaN()}}
	_, err := viz.LossCurves(h)
	fmt.Println(err)
	// Output:
	// viz: training loss is NaN from epoch 4 on; try a smaller learning rate
}

// Several runs on one plot, on a log scale.
func ExampleLines() {
	sgd := viz.Series{Name: "SGD", Y: []float64{2.3, 1.1, 0.6, 0.35, 0.21}}
	adam := viz.Series{Name: "Adam", Y: []float64{2.3, 0.4, 0.09, 0.03, 0.01}}
	p, err := viz.Lines("Optimizers", "epoch", "training loss", sgd, adam)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := viz.LogY(p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y from %.4f to %.2f\n", p.Y.Min, p.Y.Max)
	// Output:
	// y from 0.0076 to 3.02
}

// Outside a notebook, Live prints one line per epoch; live.Done() would
// then print a summary and write the final plot.
func ExampleLive() {
	live := viz.NewLive("XOR", 3)
	h := &nnlib.History{}
	for _, loss := range []float64{0.6931, 0.4210, 0.1187} {
		h.TrainLoss = append(h.TrainLoss, loss) // what Trainer.Fit does after each epoch
		if err := live.OnEpoch(h); err != nil {
			fmt.Println(err)
			return
		}
	}
	// Output:
	// epoch 1/3  loss 0.6931
	// epoch 2/3  loss 0.4210
	// epoch 3/3  loss 0.1187
}

func ExampleImageGrid() {
	// Two 28×28 "images": black, and a white square in the middle.
	x := mat.NewDense(2, 28*28, nil)
	for r := 10; r < 18; r++ {
		for c := 10; c < 18; c++ {
			x.Set(1, r*28+c, 1)
		}
	}
	img, err := viz.ImageGrid(x, 28, 2, []string{"0 → 0", "8 → 3"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "pixels wide") // 2 × 84 plus 3 gaps of 8
	// Output:
	// 192 pixels wide
}

func ExampleConfusionMatrix() {
	cm := [][]int{ // rows: actual class, columns: predicted class
		{48, 2, 0},
		{3, 41, 6},
		{0, 5, 45},
	}
	p, err := viz.ConfusionMatrix(cm, []string{"setosa", "versicolor", "virginica"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.X.Label.Text, "/", p.Y.Label.Text)

	_, err = viz.ConfusionMatrix(cm, []string{"setosa", "versicolor"})
	fmt.Println(err)
	// Output:
	// predicted / actual
	// viz: ConfusionMatrix: 2 class names for a 3×3 matrix; pass one name per row
}
