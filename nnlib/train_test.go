package nnlib

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// mlp returns a Linear–ReLU–…–Linear network with the given widths.
func mlp(rng *rand.Rand, widths ...int) *Sequential {
	var layers []Layer
	for i := 0; i+1 < len(widths); i++ {
		if i > 0 {
			layers = append(layers, &ReLU{})
		}
		layers = append(layers, NewLinear(widths[i], widths[i+1], HeNormal, rng))
	}
	return NewSequential(layers...)
}

// randomClasses returns n random examples with d features and one-hot
// targets over k classes.
func randomClasses(rng *rand.Rand, n, d, k int) (x, y *mat.Dense) {
	x, y = mat.NewDense(n, d, nil), mat.NewDense(n, k, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, rng.NormFloat64())
		}
		y.Set(i, rng.IntN(k), 1)
	}
	return x, y
}

// weights returns copies of the values of all params of net.
func weights(net Layer) []*mat.Dense {
	var w []*mat.Dense
	for _, p := range net.Params() {
		w = append(w, mat.DenseCopyOf(p.Value))
	}
	return w
}

func sameWeights(a, b []*mat.Dense) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !mat.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestTrainStepAllocatesNothing(t *testing.T) {
	for _, opt := range []Optimizer{&SGD{}, &Momentum{}, &Adam{}, &AdamW{}} {
		rng := rand.New(rand.NewPCG(1, 2))
		x, y := randomClasses(rng, 40, 4, 3)
		tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: opt, Epochs: 1, BatchSize: 8, RNG: rng, Regularizer: L2{Lambda: 1e-3}}
		r, err := tr.prepare(mlp(rng, 4, 16, 16, 3), x, y, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		idx := []int{3, 17, 5, 0, 39, 22, 8, 11}
		for range 2 { // first steps allocate the optimizer state and layer buffers
			if _, _, cause := r.step(idx); cause != "" {
				t.Fatal(cause)
			}
		}
		allocs := testing.AllocsPerRun(50, func() {
			if _, _, cause := r.step(idx); cause != "" {
				t.Fatal(cause)
			}
		})
		if allocs != 0 {
			t.Errorf("%T: one training step (gather, forward, loss, backward, penalty, step) allocates %v times, want 0", opt, allocs)
		}
	}
}

// BenchmarkTrainStep times one training step of the 784-256-256-10 MLP
// on a batch of 100 (gather, forward, loss, backward, update), with SGD and
// with Adam.
func BenchmarkTrainStep(b *testing.B) {
	for _, opt := range []Optimizer{&SGD{LearningRate: 0.01}, &Adam{}} {
		b.Run(fmt.Sprintf("%T", opt)[len("*nnlib."):], func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, y := randomClasses(rng, 1000, 784, 10)
			tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: opt, Epochs: 1, BatchSize: 100, RNG: rng}
			r, err := tr.prepare(mlp(rng, 784, 256, 256, 10), x, y, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			perm := rng.Perm(1000)
			r.step(perm[:100])
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				start := (i % 10) * 100
				if _, _, cause := r.step(perm[start : start+100]); cause != "" {
					b.Fatal(cause)
				}
			}
		})
	}
}

// The earlier course shuffled the features but not the labels. gather
// must take row idx[i] of x and of y into row i of both batches.
func TestGatherKeepsExamplesAligned(t *testing.T) {
	n := 11
	x, y := mat.NewDense(n, 3, nil), mat.NewDense(n, 2, nil)
	for i := range n {
		x.SetRow(i, []float64{float64(i), -float64(i), 100 + float64(i)})
		y.SetRow(i, []float64{10 * float64(i), 1})
	}
	idx := rand.New(rand.NewPCG(3, 4)).Perm(n)[:5]
	xb, yb := mat.NewDense(5, 3, nil), mat.NewDense(5, 2, nil)
	var g gatherLoop
	g.gather(xb, x, idx)
	g.gather(yb, y, idx)
	for i, j := range idx {
		if !slices.Equal(xb.RawRowView(i), x.RawRowView(j)) || !slices.Equal(yb.RawRowView(i), y.RawRowView(j)) {
			t.Errorf("batch row %d: x %v, y %v; want example %d: x %v, y %v", i, xb.RawRowView(i), yb.RawRowView(i), j, x.RawRowView(j), y.RawRowView(j))
		}
		if yb.At(i, 0) != 10*xb.At(i, 0) {
			t.Errorf("batch row %d: y %v does not belong to x %v", i, yb.At(i, 0), xb.At(i, 0))
		}
	}
}

// passLayer passes x through unchanged and has one parameter, so Fit has
// something to train; alignLoss checks that every y row belongs to its x
// row (y = 10·x₀) in every batch Fit builds.
type passLayer struct{ p *Param }

func (l *passLayer) Forward(x *mat.Dense) *mat.Dense { return x }
func (l *passLayer) Backward(dy *mat.Dense) *mat.Dense {
	l.p.Grad.Zero()
	return dy
}
func (l *passLayer) Params() []*Param { return []*Param{l.p} }

type alignLoss struct {
	batches, rows, misaligned *int
}

func (l alignLoss) Value(yHat, y *mat.Dense) float64 {
	n, _ := y.Dims()
	*l.batches++
	*l.rows += n
	for i := range n {
		if y.At(i, 0) != 10*yHat.At(i, 0) {
			*l.misaligned++
		}
	}
	return 0
}
func (l alignLoss) Grad(yHat, y *mat.Dense) *mat.Dense {
	r, c := yHat.Dims()
	return mat.NewDense(r, c, nil)
}

func TestFitBatchesKeepExamplesAligned(t *testing.T) {
	n := 23 // with BatchSize 5: 4 full batches and a last one of 3
	x, y := mat.NewDense(n, 2, nil), mat.NewDense(n, 2, nil)
	for i := range n {
		x.SetRow(i, []float64{float64(i), 0})
		y.SetRow(i, []float64{10 * float64(i), 0})
	}
	var batches, rows, misaligned int
	tr := &Trainer{
		Loss: alignLoss{&batches, &rows, &misaligned}, Optimizer: &SGD{}, Epochs: 3, BatchSize: 5,
		RNG: rand.New(rand.NewPCG(5, 6)),
	}
	net := &passLayer{&Param{Name: "W", Value: mat.NewDense(1, 1, nil), Grad: mat.NewDense(1, 1, nil)}}
	var calls [][3]int
	tr.OnBatch = func(epoch, batch, nb int, _ float64) { calls = append(calls, [3]int{epoch, batch, nb}) }
	if _, err := tr.Fit(net, x, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	if misaligned != 0 {
		t.Errorf("%d of %d batch rows had a target from another example", misaligned, rows)
	}
	// One probe batch, then 3 epochs of 5 batches covering all 23 rows.
	if batches != 1+3*5 || rows != 5+3*n {
		t.Errorf("loss saw %d batches and %d rows, want %d and %d", batches, rows, 1+3*5, 5+3*n)
	}
	if len(calls) != 15 || calls[4] != [3]int{1, 5, 5} || calls[14] != [3]int{3, 5, 5} {
		t.Errorf("OnBatch calls %v, want (epoch, batch, 5) for 3 epochs of 5 batches", calls)
	}
}

// If x and y were shuffled apart, a network could not learn y from x.
func TestFitLearnsLabelsThatDependOnFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 400
	x, y := mat.NewDense(n, 2, nil), mat.NewDense(n, 2, nil)
	for i := range n {
		a, b := rng.Float64()*2-1, rng.Float64()*2-1
		x.SetRow(i, []float64{a, b})
		if a > b {
			y.Set(i, 1, 1)
		} else {
			y.Set(i, 0, 1)
		}
	}
	net := mlp(rng, 2, 8, 2)
	tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &Adam{LearningRate: 0.02}, Epochs: 30, BatchSize: 16, RNG: rng}
	h, err := tr.Fit(net, x, y, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	acc := Accuracy(ArgMax(y), ArgMax(Predict(net, x)))
	if acc < 0.97 {
		t.Errorf("accuracy %.3f on y = [x₀ > x₁], want ≥ 0.97", acc)
	}
	if last := h.TrainAccuracy[h.Epochs()-1]; last < 0.95 {
		t.Errorf("History.TrainAccuracy ends at %.3f, want ≥ 0.95", last)
	}
}

// iris reads data/iris.csv (at the repository root) into features and
// class labels 0, 1, 2 in order of first appearance.
func iris(t *testing.T) (x *mat.Dense, labels []int, classes []string) {
	t.Helper()
	f, err := os.Open("../data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(records[0], ","); got != "sepal_length,sepal_width,petal_length,petal_width,species" {
		t.Fatalf("unexpected header %q", got)
	}
	records = records[1:]
	x = mat.NewDense(len(records), 4, nil)
	for i, rec := range records {
		for j := range 4 {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				t.Fatalf("row %d: %v", i+2, err)
			}
			x.Set(i, j, v)
		}
		c := slices.Index(classes, rec[4])
		if c < 0 {
			c = len(classes)
			classes = append(classes, rec[4])
		}
		labels = append(labels, c)
	}
	return x, labels, classes
}

// irisSplit splits Iris per class (stratified): testFrac of each class
// goes to the test set. It standardizes both sets with the training
// set's mean and standard deviation and one-hot encodes the labels.
func irisSplit(t *testing.T, rng *rand.Rand, testFrac float64) (xTrain, yTrain, xTest, yTest *mat.Dense) {
	x, labels, classes := iris(t)
	var trainIdx, testIdx []int
	for c := range classes {
		var idx []int
		for i, l := range labels {
			if l == c {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		nTest := int(math.Round(testFrac * float64(len(idx))))
		testIdx = append(testIdx, idx[:nTest]...)
		trainIdx = append(trainIdx, idx[nTest:]...)
	}
	pick := func(idx []int) (*mat.Dense, *mat.Dense) {
		xs, ys := mat.NewDense(len(idx), 4, nil), mat.NewDense(len(idx), len(classes), nil)
		for i, j := range idx {
			xs.SetRow(i, x.RawRowView(j))
			ys.Set(i, labels[j], 1)
		}
		return xs, ys
	}
	xTrain, yTrain = pick(trainIdx)
	xTest, yTest = pick(testIdx)
	n := float64(len(trainIdx))
	for j := range 4 {
		col := mat.Col(nil, j, xTrain)
		mean := 0.0
		for _, v := range col {
			mean += v / n
		}
		variance := 0.0
		for _, v := range col {
			variance += (v - mean) * (v - mean) / n
		}
		std := math.Sqrt(variance)
		for _, m := range []*mat.Dense{xTrain, xTest} {
			r, _ := m.Dims()
			for i := range r {
				m.Set(i, j, (m.At(i, j)-mean)/std)
			}
		}
	}
	return xTrain, yTrain, xTest, yTest
}

// trainIris trains a 4-16-3 network with dropout on a stratified 70/30
// split of Iris drawn with the given seed. It returns the History, the
// weights and the test accuracy.
func trainIris(t *testing.T, seed uint64) (*History, []*mat.Dense, float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	xTrain, yTrain, xTest, yTest := irisSplit(t, rng, 0.3)
	net := NewSequential(
		NewLinear(4, 16, HeNormal, rng), &ReLU{},
		NewDropout(0.1, rng),
		NewLinear(16, 3, XavierNormal, rng),
	)
	tr := &Trainer{
		Loss: SoftmaxCrossEntropy{}, Optimizer: &Adam{LearningRate: 0.01}, Epochs: 100, BatchSize: 16, RNG: rng,
		Regularizer: L2{Lambda: 1e-4}, Schedule: CosineDecay{Initial: 0.01, Epochs: 100},
	}
	h, err := tr.Fit(net, xTrain, yTrain, xTest, yTest)
	if err != nil {
		t.Fatal(err)
	}
	return h, weights(net), Accuracy(ArgMax(yTest), ArgMax(Predict(net, xTest)))
}

// irisSeed picks the split and initialization of TestFitIris. Over seeds
// 1–30 this setup averages 96% test accuracy (lowest 89%, from splits
// that put more of the overlapping versicolor/virginica examples in the
// test set); seed 1 gives 97.8% (44 of 45).
const irisSeed = 1

func TestFitIris(t *testing.T) {
	start := time.Now()
	h1, w1, acc := trainIris(t, irisSeed)
	t.Logf("Iris: test accuracy %.4f after %d epochs in %v", acc, h1.Epochs(), time.Since(start))
	if acc < 0.95 {
		t.Errorf("Iris test accuracy %.4f, want ≥ 0.95", acc)
	}
	if h1.Epochs() != 100 || len(h1.ValAccuracy) != 100 || len(h1.TrainAccuracy) != 100 || len(h1.LearningRate) != 100 || len(h1.Duration) != 100 {
		t.Errorf("History lengths: %d epochs, %d val accuracies, %d train accuracies, %d rates, %d durations",
			h1.Epochs(), len(h1.ValAccuracy), len(h1.TrainAccuracy), len(h1.LearningRate), len(h1.Duration))
	}
	if h1.TrainLoss[99] >= h1.TrainLoss[0]/3 {
		t.Errorf("training loss went from %v to %v; want it to fall", h1.TrainLoss[0], h1.TrainLoss[99])
	}
	if h1.ValAccuracy[99] != acc {
		t.Errorf("last ValAccuracy %v, but Predict on the same set gives %v", h1.ValAccuracy[99], acc)
	}
	if h1.LearningRate[0] != 0.01 || math.Abs(h1.LearningRate[50]-0.005) > 1e-15 {
		t.Errorf("learning rates %v, %v; want the cosine schedule's 0.01, 0.005", h1.LearningRate[0], h1.LearningRate[50])
	}
	if h1.BestEpoch < 1 || h1.BestEpoch > 100 || h1.ValLoss[h1.BestEpoch-1] != slices.Min(h1.ValLoss) {
		t.Errorf("BestEpoch %d is not the epoch of the lowest validation loss", h1.BestEpoch)
	}

	// Same seed, same run: bit-identical history (apart from wall times)
	// and weights.
	h2, w2, _ := trainIris(t, irisSeed)
	h1.Duration, h2.Duration = nil, nil
	if !reflect.DeepEqual(h1, h2) {
		t.Errorf("two runs with the same seed gave different histories")
	}
	if !sameWeights(w1, w2) {
		t.Errorf("two runs with the same seed gave different weights")
	}
}

func TestFitDivergence(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x, labels, _ := iris(t) // not standardized: features up to 7.9
	y := mat.NewDense(len(labels), 1, nil)
	for i, l := range labels {
		y.Set(i, 0, float64(l))
	}
	for _, tt := range []struct {
		name    string
		lr      float64
		raiseAt int // epoch after which the learning rate becomes 1e6
	}{
		{"learning rate 1e6", 1e6, 0},
		{"learning rate raised after epoch 2", 1e-3, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			net := mlp(rng, 4, 16, 1)
			opt := &SGD{LearningRate: tt.lr}
			snapshots := [][]*mat.Dense{weights(net)} // weights at the start of each epoch
			tr := &Trainer{Loss: MSE{}, Optimizer: opt, Epochs: 20, BatchSize: 10, RNG: rng, OnEpoch: func(h *History) error {
				snapshots = append(snapshots, weights(net))
				if h.Epochs() == tt.raiseAt {
					opt.LearningRate = 1e6
				}
				return nil
			}}
			h, err := tr.Fit(net, x, y, nil, nil)
			var de *DivergenceError
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a *DivergenceError", err)
			}
			t.Log(err)
			for _, want := range []string{"training diverged in epoch", "try a smaller learning rate (now 1e+06)", "standardize the inputs"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q should contain %q", err, want)
				}
			}
			if de.Epoch <= tt.raiseAt || de.Batch < 1 || de.Batch > 15 || de.Batches != 15 || de.LearningRate != 1e6 {
				t.Errorf("DivergenceError %+v", de)
			}
			for _, p := range net.Params() {
				if _, _, bad := nonFinite(p.Value); bad {
					t.Fatalf("param %s has NaN or ±Inf weights after the divergence", p.Name)
				}
			}
			if !sameWeights(weights(net), snapshots[de.Epoch-1]) {
				t.Errorf("weights were not restored to their values at the start of epoch %d", de.Epoch)
			}
			if h == nil || h.Epochs() != de.Epoch-1 {
				t.Errorf("History %+v, want one with the %d complete epochs", h, de.Epoch-1)
			}
		})
	}
}

// zeroLoss has a zero gradient, so only the regularizer moves weights.
type zeroLoss struct{}

func (zeroLoss) Value(yHat, y *mat.Dense) float64 { return 0 }
func (zeroLoss) Grad(yHat, y *mat.Dense) *mat.Dense {
	r, c := yHat.Dims()
	return mat.NewDense(r, c, nil)
}

func TestFitRegularizerSkipsBiases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	lin := NewLinear(3, 2, HeNormal, rng)
	lin.B.Value.SetRow(0, []float64{1, -1})
	w0, b0 := mat.DenseCopyOf(lin.W.Value), mat.DenseCopyOf(lin.B.Value)
	x, y := randomClasses(rng, 4, 3, 2)
	tr := &Trainer{Loss: zeroLoss{}, Optimizer: &SGD{LearningRate: 0.1}, Epochs: 1, BatchSize: 4, RNG: rng, Regularizer: L2{Lambda: 0.5}}
	if _, err := tr.Fit(NewSequential(lin), x, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	// One step: W ← W − 0.1·0.5·W = 0.95·W; b unchanged.
	var want mat.Dense
	want.Scale(0.95, w0)
	if !mat.EqualApprox(lin.W.Value, &want, 1e-15) {
		t.Errorf("W after one L2 step = %v, want 0.95·W₀ = %v", mat.Formatted(lin.W.Value), mat.Formatted(&want))
	}
	if !mat.Equal(lin.B.Value, b0) {
		t.Errorf("the L2 penalty changed the bias: %v → %v", mat.Formatted(b0), mat.Formatted(lin.B.Value))
	}
}

func TestFitSettingErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := randomClasses(rng, 20, 4, 3)
	good := func() *Trainer {
		return &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &Adam{}, Epochs: 2, BatchSize: 8, RNG: rand.New(rand.NewPCG(1, 2))}
	}
	net := func() Layer { return mlp(rand.New(rand.NewPCG(1, 2)), 4, 5, 3) }
	x5, _ := randomClasses(rng, 20, 5, 3)
	y2 := mat.NewDense(20, 2, nil)
	tests := []struct {
		name   string
		change func(t *Trainer)
		net    Layer
		x, y   *mat.Dense
		vx, vy *mat.Dense
		want   string
	}{
		{"epochs", func(t *Trainer) { t.Epochs = 0 }, nil, nil, nil, nil, nil, "Trainer.Epochs is 0"},
		{"batch size", func(t *Trainer) { t.BatchSize = -1 }, nil, nil, nil, nil, nil, "Trainer.BatchSize is -1"},
		{"loss", func(t *Trainer) { t.Loss = nil }, nil, nil, nil, nil, nil, "Trainer.Loss is nil; set it, e.g. nnlib.SoftmaxCrossEntropy{}"},
		{"optimizer", func(t *Trainer) { t.Optimizer = nil }, nil, nil, nil, nil, nil, "Trainer.Optimizer is nil; set it, e.g. &nnlib.Adam{}"},
		{"rng", func(t *Trainer) { t.RNG = nil }, nil, nil, nil, nil, nil, "Trainer.RNG is nil; set it to a seeded generator, e.g. rand.New(rand.NewPCG(1, 2))"},
		{"patience", func(t *Trainer) { t.Patience = -2 }, nil, nil, nil, nil, nil, "Trainer.Patience is -2"},
		{"learning rate", func(t *Trainer) { t.Optimizer = &Adam{LearningRate: -0.1} }, nil, nil, nil, nil, nil, "Adam.LearningRate is -0.1; it must be > 0"},
		{"regularizer", func(t *Trainer) { t.Regularizer = L2{Lambda: -1} }, nil, nil, nil, nil, nil, "L2"},
		{"schedule", func(t *Trainer) { t.Schedule = StepDecay{Initial: 0.1} }, nil, nil, nil, nil, nil, "StepDecay.Every is 0"},
		{"schedule without SetRate", func(t *Trainer) {
			t.Optimizer = struct{ Optimizer }{&SGD{}}
			t.Schedule = ExponentialDecay{Initial: 0.1, Gamma: 0.9}
		}, nil, nil, nil, nil, nil, "has no SetRate method"},
		{"dropout rate", nil, NewSequential(NewLinear(4, 3, nil, rng), NewDropout(1.5, rng)), nil, nil, nil, nil, "Dropout rate 1.5"},
		{"rows", nil, nil, nil, mat.NewDense(19, 3, nil), nil, nil, "x has 20 rows but y has 19"},
		{"val rows", nil, nil, nil, nil, mat.NewDense(5, 4, nil), mat.NewDense(6, 3, nil), "valX has 5 rows but valY has 6"},
		{"val columns", nil, nil, nil, nil, mat.NewDense(5, 3, nil), mat.NewDense(5, 3, nil), "valX has 3 columns but x has 4"},
		{"val target columns", nil, nil, nil, nil, mat.NewDense(5, 4, nil), mat.NewDense(5, 2, nil), "valY has 2 columns but y has 3"},
		{"only valX", nil, nil, nil, nil, mat.NewDense(5, 4, nil), nil, "pass both valX and valY"},
		{"x columns", nil, nil, x5, nil, nil, nil, "the network does not accept x (20×5): Linear.Forward: got 8×5, want n×4"},
		{"y columns", nil, nil, nil, y2, nil, nil, "the network's output (8×3 per batch) does not match y (20×2)"},
		{"NaN in x", nil, nil, func() *mat.Dense { m := mat.DenseCopyOf(x); m.Set(3, 2, math.NaN()); return m }(), nil, nil, nil, "x[3, 2] is NaN"},
		{"nil net", nil, Layer(nil), nil, nil, nil, nil, "net is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := good()
			if tt.change != nil {
				tt.change(tr)
			}
			n := tt.net
			if n == nil && tt.name != "nil net" {
				n = net()
			}
			xx, yy := x, y
			if tt.x != nil {
				xx = tt.x
			}
			if tt.y != nil {
				yy = tt.y
			}
			h, err := tr.Fit(n, xx, yy, tt.vx, tt.vy)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if h != nil {
				t.Errorf("a History came with a settings error")
			}
		})
	}

	// The shape errors are wrapped *ShapeErrors.
	_, err := good().Fit(net(), x5, y, nil, nil)
	var se *ShapeError
	if !errors.As(err, &se) || se.Op != "Linear.Forward" {
		t.Errorf("error %v does not wrap the *ShapeError of Linear.Forward", err)
	}
}

func TestFitEarlyStoppingRestoresBestWeights(t *testing.T) {
	// Train on y = 2x but validate on y = −2x: the better the network
	// fits the training data, the worse the validation loss, so the best
	// epoch is the first.
	rng := rand.New(rand.NewPCG(11, 12))
	n := 64
	x, y := mat.NewDense(n, 1, nil), mat.NewDense(n, 1, nil)
	vx, vy := mat.NewDense(n, 1, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		v := rng.NormFloat64()
		x.Set(i, 0, v)
		y.Set(i, 0, 2*v)
		vx.Set(i, 0, v)
		vy.Set(i, 0, -2*v)
	}
	lin := NewLinear(1, 1, Normal{Std: 0.01}, rng)
	net := NewSequential(lin)
	var snapshots [][]*mat.Dense
	tr := &Trainer{
		Loss: MSE{}, Optimizer: &SGD{LearningRate: 0.05}, Epochs: 50, BatchSize: 8, RNG: rng, Patience: 3,
		OnEpoch: func(h *History) error {
			snapshots = append(snapshots, weights(net))
			return nil
		},
	}
	h, err := tr.Fit(net, x, y, vx, vy)
	if err != nil {
		t.Fatal(err)
	}
	if !h.StoppedEarly || h.Epochs() != h.BestEpoch+3 {
		t.Fatalf("StoppedEarly %v after %d epochs with BestEpoch %d; want a stop 3 epochs after the best", h.StoppedEarly, h.Epochs(), h.BestEpoch)
	}
	if h.BestEpoch != 1 {
		t.Errorf("BestEpoch %d, want 1 (validation loss %v)", h.BestEpoch, h.ValLoss)
	}
	if !sameWeights(weights(net), snapshots[h.BestEpoch-1]) {
		t.Errorf("weights %v are not those of the best epoch %v", lin.W.Value.At(0, 0), snapshots[h.BestEpoch-1][0].At(0, 0))
	}
	if sameWeights(snapshots[h.BestEpoch-1], snapshots[len(snapshots)-1]) {
		t.Errorf("the weights did not change after the best epoch, so the test proves nothing")
	}

	// Without validation data the training loss is watched; it keeps
	// falling here, so no early stop.
	tr.OnEpoch = nil
	tr.Epochs = 10
	h, err = tr.Fit(net, x, y, nil, nil)
	if err != nil || h.StoppedEarly || h.Epochs() != 10 || h.BestEpoch != 10 {
		t.Errorf("training loss watched: err %v, StoppedEarly %v, %d epochs, best %d; want 10 epochs, best 10", err, h.StoppedEarly, h.Epochs(), h.BestEpoch)
	}
}

func TestFitOnEpoch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := randomClasses(rng, 30, 4, 3)
	errBoom := errors.New("boom")
	calls := 0
	tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &SGD{}, Epochs: 10, BatchSize: 8, RNG: rng,
		OnEpoch: func(h *History) error {
			calls++
			if h.Epochs() != calls {
				t.Errorf("call %d sees a History of %d epochs", calls, h.Epochs())
			}
			if calls == 4 {
				return errBoom
			}
			return nil
		}}
	h, err := tr.Fit(mlp(rng, 4, 5, 3), x, y, nil, nil)
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "after epoch 4") {
		t.Errorf("error %v, want one wrapping the callback's error, naming epoch 4", err)
	}
	if calls != 4 || h.Epochs() != 4 {
		t.Errorf("%d calls and %d epochs, want training to stop at the error after epoch 4", calls, h.Epochs())
	}

	calls = 0
	tr.OnEpoch = func(h *History) error {
		calls++
		if calls == 2 {
			return ErrStop
		}
		return nil
	}
	h, err = tr.Fit(mlp(rng, 4, 5, 3), x, y, nil, nil)
	if err != nil || h.Epochs() != 2 || calls != 2 {
		t.Errorf("ErrStop: err %v, %d epochs; want nil and 2", err, h.Epochs())
	}
}

func TestFitHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, _ := randomClasses(rng, 30, 2, 2)
	// Regression: no accuracies.
	reg := mat.NewDense(30, 2, nil)
	reg.Apply(func(i, j int, _ float64) float64 { return x.At(i, 0) * float64(j+3) }, reg)
	tr := &Trainer{Loss: MSE{}, Optimizer: &SGD{LearningRate: 0.05}, Epochs: 3, BatchSize: 7, RNG: rng,
		Schedule: StepDecay{Initial: 0.1, Gamma: 0.5, Every: 2}}
	h, err := tr.Fit(mlp(rng, 2, 4, 2), x, reg, x, reg)
	if err != nil {
		t.Fatal(err)
	}
	if h.TrainAccuracy != nil || h.ValAccuracy != nil {
		t.Errorf("regression targets got accuracies %v %v", h.TrainAccuracy, h.ValAccuracy)
	}
	if !slices.Equal(h.LearningRate, []float64{0.1, 0.1, 0.05}) {
		t.Errorf("learning rates %v, want the schedule's [0.1 0.1 0.05]", h.LearningRate)
	}
	if len(h.ValLoss) != 3 || len(h.Duration) != 3 {
		t.Errorf("ValLoss %v, Duration %v", h.ValLoss, h.Duration)
	}

	// Binary targets in one column with BinaryCrossEntropy: accuracy by
	// thresholding at 0.5; no RateSetter: no learning rates.
	bin := mat.NewDense(30, 1, nil)
	for i := range 30 {
		if x.At(i, 0) > 0 {
			bin.Set(i, 0, 1)
		}
	}
	net := NewSequential(NewLinear(2, 1, nil, rng), &Sigmoid{})
	tr = &Trainer{Loss: BinaryCrossEntropy{}, Optimizer: struct{ Optimizer }{&SGD{LearningRate: 0.5}}, Epochs: 40, BatchSize: 30, RNG: rng}
	h, err = tr.Fit(net, x, bin, x, bin)
	if err != nil {
		t.Fatal(err)
	}
	if h.LearningRate != nil {
		t.Errorf("an optimizer without Rate got learning rates %v", h.LearningRate)
	}
	// Full batch, so the epoch's training accuracy is that of the weights
	// before its step; check the validation accuracy against Predict.
	p := Predict(net, x)
	right := 0
	for i := range 30 {
		if (p.At(i, 0) > 0.5) == (bin.At(i, 0) == 1) {
			right++
		}
	}
	if got := h.ValAccuracy[39]; got != float64(right)/30 || got < 0.9 {
		t.Errorf("ValAccuracy %v, want %v (≥ 0.9)", got, float64(right)/30)
	}
	if len(h.TrainAccuracy) != 40 {
		t.Errorf("TrainAccuracy %v", h.TrainAccuracy)
	}
}

// poison is an optimizer that runs SGD but writes NaN into the first weight
// at step number at (1-based), to test how Fit notices damaged weights.
type poison struct {
	SGD
	at, steps int
}

func (o *poison) Step(params []*Param) {
	o.SGD.Step(params)
	o.steps++
	if o.steps == o.at {
		params[0].Value.Set(0, 0, math.NaN())
	}
}

// Fit does not scan the weights after every step: a NaN weight must show
// in the next batch's loss (through ReLU too), or in the check at the end
// of the epoch when it appears in the epoch's last step. Either way the
// weights end finite, back at the start of the epoch.
func TestFitNoticesNaNWeights(t *testing.T) {
	for _, tc := range []struct {
		name      string
		at        int // step that damages a weight; 5 batches per epoch
		wantEpoch int
		wantBatch int
		wantCause string
	}{
		{"mid-epoch", 7, 2, 3, "the loss is NaN"},
		{"last step of an epoch", 10, 2, 5, "became NaN or ±Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, y := randomClasses(rng, 50, 4, 3)
			net := mlp(rng, 4, 8, 3)
			tr := &Trainer{Loss: SoftmaxCrossEntropy{}, Optimizer: &poison{SGD: SGD{LearningRate: 0.1}, at: tc.at},
				Epochs: 3, BatchSize: 10, RNG: rng}
			_, err := tr.Fit(net, x, y, nil, nil)
			var de *DivergenceError
			if !errors.As(err, &de) {
				t.Fatalf("Fit returned %v, want a *DivergenceError", err)
			}
			if de.Epoch != tc.wantEpoch || de.Batch != tc.wantBatch || !strings.Contains(de.Cause, tc.wantCause) {
				t.Errorf("got epoch %d, batch %d, cause %q; want epoch %d, batch %d, cause containing %q",
					de.Epoch, de.Batch, de.Cause, tc.wantEpoch, tc.wantBatch, tc.wantCause)
			}
			for _, p := range net.Params() {
				if !allFinite(p.Value) {
					t.Errorf("%s holds NaN or ±Inf after Fit returned", p.Name)
				}
			}
		})
	}
}

func TestReLUKeepsNaN(t *testing.T) {
	r := &ReLU{}
	for _, z := range []float64{math.NaN(), math.Copysign(math.NaN(), -1)} {
		if got := r.Func(z); !math.IsNaN(got) {
			t.Errorf("ReLU.Func(%v) = %v, want NaN", z, got)
		}
	}
	for z, want := range map[float64]float64{-2: 0, math.Copysign(0, -1): 0, 0: 0, 3: 3, math.Inf(1): math.Inf(1), math.Inf(-1): 0} {
		if got := r.Func(z); got != want || math.Signbit(got) {
			t.Errorf("ReLU.Func(%v) = %v, want %v", z, got, want)
		}
	}
}
