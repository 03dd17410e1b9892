package viz

import (
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/nnfromscratch/nngo/nnlib"
)

// sampleHistory is a 20-epoch classification run that overfits after
// epoch 14, where early stopping ends it.
func sampleHistory() *nnlib.History {
	h := &nnlib.History{BestEpoch: 14, StoppedEarly: true}
	for e := 1; e <= 20; e++ {
		t := float64(e)
		h.TrainLoss = append(h.TrainLoss, 0.08+1.2*math.Exp(-t/4))
		h.ValLoss = append(h.ValLoss, 0.2+1.1*math.Exp(-t/4)+0.002*(t-14)*(t-14)*float64(boolInt(t > 14)))
		h.TrainAccuracy = append(h.TrainAccuracy, 0.98-0.6*math.Exp(-t/3.5))
		h.ValAccuracy = append(h.ValAccuracy, 0.95-0.6*math.Exp(-t/3.5)-0.002*max(t-14, 0))
	}
	return h
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// blobs returns n points per class around three centres, with labels.
func blobs(n int, rng *rand.Rand) (*mat.Dense, []int) {
	centres := [][2]float64{{-1.5, -1}, {1.5, -0.8}, {0, 1.6}}
	x := mat.NewDense(3*n, 2, nil)
	labels := make([]int, 3*n)
	for c, ctr := range centres {
		for i := range n {
			r := c*n + i
			x.Set(r, 0, ctr[0]+0.6*rng.NormFloat64())
			x.Set(r, 1, ctr[1]+0.6*rng.NormFloat64())
			labels[r] = c
		}
	}
	return x, labels
}

// nearestCentre is a stand-in classifier for the three blobs.
func nearestCentre(x, y float64) int {
	centres := [][2]float64{{-1.5, -1}, {1.5, -0.8}, {0, 1.6}}
	best, bestD := 0, math.Inf(1)
	for c, ctr := range centres {
		if d := math.Hypot(x-ctr[0], y-ctr[1]); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// sampleDigits draws n crude 28×28 "digits" (rings and bars) in [0, 1].
func sampleDigits(n int) *mat.Dense {
	m := mat.NewDense(n, 28*28, nil)
	for i := range n {
		for py := range 28 {
			for px := range 28 {
				dx, dy := float64(px)-13.5, float64(py)-13.5
				var v float64
				if i%2 == 0 {
					v = math.Exp(-math.Pow(math.Hypot(dx, dy*0.8)-8, 2) / 4)
				} else {
					v = math.Exp(-dx * dx / 3)
					if math.Abs(dy) > 10 {
						v = 0
					}
				}
				m.Set(i, py*28+px, v)
			}
		}
	}
	return m
}

// rosenbrock is the banana-shaped test surface (a=1, b=10, flattened).
func rosenbrock(x, y float64) float64 { return (1-x)*(1-x) + 10*(y-x*x)*(y-x*x) }

// gdPath runs gradient descent with momentum on rosenbrock.
func gdPath(lr, beta float64, steps int) Path {
	x, y, vx, vy := -1.5, 2.0, 0.0, 0.0
	p := Path{X: []float64{x}, Y: []float64{y}}
	for range steps {
		gx := -2*(1-x) - 40*x*(y-x*x)
		gy := 20 * (y - x*x)
		vx, vy = beta*vx-lr*gx, beta*vy-lr*gy
		x, y = x+vx, y+vy
		p.X, p.Y = append(p.X, x), append(p.Y, y)
	}
	return p
}

func named(name string, p Path) Path {
	p.Name = name
	return p
}

// samplePlots builds one plot of every kind with realistic data.
func samplePlots(t *testing.T) map[string]*plot.Plot {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	h := sampleHistory()
	must := func(p *plot.Plot, err error) *plot.Plot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var sgd, momentum, adam Series
	sgd.Name, momentum.Name, adam.Name = "SGD", "momentum", "Adam"
	for e := 1; e <= 50; e++ {
		t := float64(e)
		sgd.Y = append(sgd.Y, 2.3*math.Exp(-t/30)+0.3)
		momentum.Y = append(momentum.Y, 2.3*math.Exp(-t/10)+0.12)
		adam.Y = append(adam.Y, 2.3*math.Exp(-t/4)+0.05+0.01*rng.Float64())
	}
	pts, labels := blobs(60, rng)
	classes := []string{"setosa", "versicolor", "virginica"}
	cm := [][]int{{48, 2, 0}, {3, 41, 6}, {0, 5, 45}}
	weights := make([]float64, 2000)
	for i := range weights {
		weights[i] = 0.7 * rng.NormFloat64()
	}
	col := func(m *mat.Dense, j int) []float64 { return mat.Col(nil, j, m) }
	return map[string]*plot.Plot{
		"loss":      must(LossCurves(h)),
		"accuracy":  must(AccuracyCurves(h)),
		"lines":     must(Lines("Optimizers on MNIST", "epoch", "training loss", sgd, momentum, adam)),
		"sigmoid":   must(Activation("sigmoid", sigmoid, func(z float64) float64 { s := sigmoid(z); return s * (1 - s) }, -6, 6)),
		"relu":      must(Activation("ReLU", func(z float64) float64 { return max(z, 0) }, func(z float64) float64 { return float64(boolInt(z > 0)) }, -3, 3)),
		"histogram": must(Histogram("layer 1 weights", weights, 40)),
		"scatter":   must(Scatter("Iris-like blobs", "petal length", "petal width", col(pts, 0), col(pts, 1), labels, classes)),
		"boundary":  must(DecisionBoundary(nearestCentre, pts, labels, classes)),
		"contour":   must(Contour(rosenbrock, -2, 2, -1, 3, named("gradient descent", gdPath(0.012, 0, 40)), named("momentum", gdPath(0.002, 0.9, 150)))),
		"confusion": must(ConfusionMatrix(cm, classes)),
		"fashion":   must(ConfusionMatrix(fashionCM(rng), fashionClasses)),
		"bars": must(Bars("Seconds per epoch", "seconds per epoch",
			[]string{"per example (gonum)", "whole batch (gonum)", "nnlib, avx512, 2 threads", "nnlib, float32 products"},
			[]float64{14.9, 5.25, 1.3, 0.95})),
	}
}

// extraSamples are plots of awkward data: a log-scale loss over twelve
// orders of magnitude with a long y label, saturated tanh outputs, and
// values within ±1e-6.
func extraSamples(t *testing.T) map[string]*plot.Plot {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	var sgd, adam, adamW Series
	sgd.Name, adam.Name, adamW.Name = "SGD, lr = 10⁻²", "Adam", "AdamW, λ = 10⁻⁴"
	for e := 1; e <= 200; e++ {
		t := float64(e)
		sgd.Y = append(sgd.Y, 80*math.Exp(-t/60)+1e-3*(1+0.3*rng.Float64()))
		adam.Y = append(adam.Y, 50*math.Pow(1e-12, t/200)*(1+0.5*rng.Float64()))
		adamW.Y = append(adamW.Y, 60*math.Pow(1e-11, t/200)*(1+0.5*rng.Float64())+2e-10)
	}
	logLoss, err := Lines("Loss over 12 orders of magnitude", "epoch", "training loss", sgd, adam, adamW)
	if err != nil {
		t.Fatal(err)
	}
	if err := LogY(logLoss); err != nil {
		t.Fatal(err)
	}
	tanh := make([]float64, 3000)
	for i := range tanh {
		tanh[i] = math.Tanh(6 * rng.NormFloat64())
	}
	tanh[0], tanh[1], tanh[2] = -1, 0.9999999999999999, 1
	tiny := make([]float64, 2000)
	for i := range tiny {
		tiny[i] = 1e-6 * math.Tanh(rng.NormFloat64())
	}
	must := func(p *plot.Plot, err error) *plot.Plot {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return map[string]*plot.Plot{
		"log-loss":  logLoss,
		"hist-tanh": must(Histogram("saturated tanh outputs", tanh, 40)),
		"hist-tiny": must(Histogram("gradients of layer 1 (w₁₀)", tiny, 30)),
	}
}

// lineGrid is four plots of three runs each, for a two-column ShowGrid.
func lineGrid(t *testing.T) []*plot.Plot {
	t.Helper()
	var plots []*plot.Plot
	for k, lr := range []float64{0.001, 0.01, 0.1, 1} {
		var a, b, c Series
		a.Name, b.Name, c.Name = "SGD", "momentum 0.9", "Adam"
		for e := 1; e <= 40; e++ {
			t := float64(e)
			switch k {
			case 3: // accuracies: the curves fill the top of the plot
				a.Y = append(a.Y, 0.95-0.5*math.Exp(-t/12))
				b.Y = append(b.Y, 0.97-0.5*math.Exp(-t/5))
				c.Y = append(c.Y, 0.98-0.5*math.Exp(-t/2))
			default:
				s := 1 + 10*lr
				a.Y = append(a.Y, 2.3*math.Exp(-t*lr*s/0.2)+0.3)
				b.Y = append(b.Y, 2.3*math.Exp(-t*lr*s/0.05)+0.15)
				c.Y = append(c.Y, 2.2*math.Exp(-t/4)+0.05)
			}
		}
		title, ylabel := fmt.Sprintf("learning rate %g", lr), "loss"
		if k == 3 {
			title, ylabel = "validation accuracy", "accuracy"
		}
		p, err := Lines(title, "epoch", ylabel, a, b, c)
		if err != nil {
			t.Fatal(err)
		}
		plots = append(plots, p)
	}
	return plots
}

var fashionClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// fashionCM is a 10-class confusion matrix of about 1000 examples per
// class, mostly right.
func fashionCM(rng *rand.Rand) [][]int {
	cm := make([][]int, 10)
	for i := range cm {
		cm[i] = make([]int, 10)
		left := 1000
		for j := range cm[i] {
			if j != i {
				cm[i][j] = rng.IntN(40)
				if (i == 0 || i == 6) && (j == 0 || j == 6 || j == 2) {
					cm[i][j] += 120
				}
				left -= cm[i][j]
			}
		}
		cm[i][i] = left
	}
	return cm
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// TestWriteSamples writes every kind of plot as a PNG into
// $VIZ_SAMPLES, for looking at them; it is skipped when that is unset.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("VIZ_SAMPLES")
	if dir == "" {
		t.Skip("set VIZ_SAMPLES to a folder to write sample PNGs")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, p := range samplePlots(t) {
		w, h := preferredSize(p)
		b, err := PNG(p, w, h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var hists []*plot.Plot
	rng := rand.New(rand.NewPCG(3, 4))
	for layer := 1; layer <= 10; layer++ {
		vs := make([]float64, 1000)
		s := math.Pow(0.6, float64(layer))
		for i := range vs {
			vs[i] = math.Tanh(s * 2 * rng.NormFloat64())
		}
		p, err := Histogram(fmt.Sprintf("layer %d", layer), vs, 30)
		if err != nil {
			t.Fatal(err)
		}
		hists = append(hists, p)
	}
	write := func(name string, b []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := showGridPNG(5, 2, hists)
	write("grid", b, err)
	for name, p := range extraSamples(t) {
		w, h := preferredSize(p)
		b, err := PNG(p, w, h)
		write(name, b, err)
	}
	lines := lineGrid(t)
	rows, _ := gridShape(2, lines)
	b, err = showGridPNG(2, rows, lines)
	write("grid-lines", b, err)
	img, err := ImageGrid(sampleDigits(12), 28, 6, []string{"0 → 0", "1 → 1", "0 → 6", "1 → 1", "0 → 0", "1 → 7", "0 → 0", "1 → 1", "0 → 0", "1 → 1", "0 → 0", "1 → 1"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "digits.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
