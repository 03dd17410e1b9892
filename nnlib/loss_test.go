package nnlib

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// gradToer is a loss with the allocation-free GradTo.
type gradToer interface {
	Loss
	GradTo(dst, yHat, y *mat.Dense)
}

// TestLossGradients checks every loss's Grad against central differences of
// its Value, with inputs away from kinks (MAE at ŷ = y) and from the clamp
// of the probability losses.
func TestLossGradients(t *testing.T) {
	rng := ltRNG(30)
	const n, k = 4, 3
	distRows := func(m *mat.Dense) *mat.Dense { // rows scaled to sum to 1
		for i := 0; i < n; i++ {
			row := m.RawRowView(i)
			floats.Scale(1/floats.Sum(row), row)
		}
		return m
	}
	oneHot := mat.NewDense(n, k, []float64{1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0})
	tests := []struct {
		name    string
		loss    gradToer
		yHat, y *mat.Dense
	}{
		{"MSE", MSE{}, ltRand(rng, n, k, -2, 2), ltRand(rng, n, k, -2, 2)},
		{"MAE", MAE{}, ltAwayFromZero(rng, n, k), mat.NewDense(n, k, nil)},
		{"RMSE", RMSE{}, ltRand(rng, n, k, -2, 2), ltRand(rng, n, k, -2, 2)},
		{"BinaryCrossEntropy", BinaryCrossEntropy{}, ltRand(rng, n, k, 0.05, 0.95), ltRand(rng, n, k, 0, 1)},
		{"BinaryCrossEntropy 0/1 targets", BinaryCrossEntropy{}, ltRand(rng, n, k, 0.05, 0.95), oneHot},
		{"CrossEntropy one-hot", CrossEntropy{}, distRows(ltRand(rng, n, k, 0.1, 1)), oneHot},
		{"CrossEntropy soft targets", CrossEntropy{}, distRows(ltRand(rng, n, k, 0.1, 1)), distRows(ltRand(rng, n, k, 0, 1))},
		{"SoftmaxCrossEntropy one-hot", SoftmaxCrossEntropy{}, ltRand(rng, n, k, -3, 3), oneHot},
		{"SoftmaxCrossEntropy soft targets", SoftmaxCrossEntropy{}, ltRand(rng, n, k, -3, 3), distRows(ltRand(rng, n, k, 0, 1))},
		{"SoftmaxCrossEntropy unnormalized targets", SoftmaxCrossEntropy{}, ltRand(rng, n, k, -3, 3), ltRand(rng, n, k, 0, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grad := tt.loss.Grad(tt.yHat, tt.y)
			num := NumericGradient(func() float64 { return tt.loss.Value(tt.yHat, tt.y) }, tt.yHat)
			if e := RelError(grad, num); !(e <= 1e-6) {
				t.Errorf("Grad vs numeric gradient of Value: relative error %g, want ≤ 1e-6\ngrad %v\nnum  %v",
					e, mat.Formatted(grad), mat.Formatted(num))
			}
			// gonum's diff/fd as a second, independent oracle.
			data := tt.yHat.RawMatrix().Data
			orig := append([]float64(nil), data...)
			want := fd.Gradient(nil, func(v []float64) float64 {
				copy(data, v)
				defer copy(data, orig)
				return tt.loss.Value(tt.yHat, tt.y)
			}, orig, &fd.Settings{Formula: fd.Central})
			if !floats.EqualApprox(grad.RawMatrix().Data, want, 1e-6) {
				t.Errorf("Grad %v, diff/fd %v", grad.RawMatrix().Data, want)
			}
			// GradTo writes the same values, into a dst of another shape too.
			dst := mat.NewDense(7, 2, nil)
			tt.loss.GradTo(dst, tt.yHat, tt.y)
			if !ltEqualData(dst, grad) {
				t.Error("GradTo differs from Grad")
			}
		})
	}
}

// TestLossHandValues compares losses and gradients with values worked out
// by hand; they catch the earlier courses' bugs (MSE gradient divided by n
// twice, MAE and RMSE returning the MSE gradient).
func TestLossHandValues(t *testing.T) {
	yHat := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	y := mat.NewDense(2, 2, []float64{0, 2, 3, 6})
	// Errors ŷ − y = [1 0; 0 −2], n·k = 4.
	rmse := math.Sqrt(1.25)
	tests := []struct {
		name  string
		loss  Loss
		value float64
		grad  []float64
	}{
		// MSE = (1 + 4)/4; grad 2e/4. Dividing by n = 2 again gives [0.25 0; 0 −0.5].
		{"MSE", MSE{}, 1.25, []float64{0.5, 0, 0, -1}},
		// MAE = (1 + 2)/4; grad sign(e)/4 with sign(0) = 0.
		{"MAE", MAE{}, 0.75, []float64{0.25, 0, 0, -0.25}},
		// RMSE = √1.25; grad e/(4·√1.25).
		{"RMSE", RMSE{}, rmse, []float64{1 / (4 * rmse), 0, 0, -2 / (4 * rmse)}},
	}
	for _, tt := range tests {
		if v := tt.loss.Value(yHat, y); !ltClose(v, tt.value, 1e-15) {
			t.Errorf("%s value %g, want %g", tt.name, v, tt.value)
		}
		g := tt.loss.Grad(yHat, y)
		for i, want := range tt.grad {
			if got := g.RawMatrix().Data[i]; !ltClose(got, want, 1e-15) {
				t.Errorf("%s grad[%d] = %g, want %g", tt.name, i, got, want)
			}
		}
	}
	if g := (RMSE{}).Grad(y, y); mat.Sum(g) != 0 || math.IsNaN(g.At(0, 0)) {
		t.Errorf("RMSE grad at ŷ = y: %v, want zeros", g.RawMatrix().Data)
	}

	// SoftmaxCrossEntropy on logits [1 2 3] with target class 2:
	// L = log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²).
	z := mat.NewDense(1, 3, []float64{1, 2, 3})
	oneHot := mat.NewDense(1, 3, []float64{0, 0, 1})
	if v, want := (SoftmaxCrossEntropy{}).Value(z, oneHot), 0.40760596444438; !ltClose(v, want, 1e-13) {
		t.Errorf("SoftmaxCrossEntropy = %.14f, want %.14f", v, want)
	}
	g := (SoftmaxCrossEntropy{}).Grad(z, oneHot)
	sum := math.E + math.E*math.E + math.E*math.E*math.E
	for j, want := range []float64{math.E / sum, math.E * math.E / sum, math.E*math.E*math.E/sum - 1} {
		if !ltClose(g.At(0, j), want, 1e-15) {
			t.Errorf("SoftmaxCrossEntropy grad[%d] = %g, want softmax − y = %g", j, g.At(0, j), want)
		}
	}
	// The same batch twice: mean over n, so the value is the same and the
	// gradient halves.
	z2 := mat.NewDense(2, 3, []float64{1, 2, 3, 1, 2, 3})
	y2 := mat.NewDense(2, 3, []float64{0, 0, 1, 0, 0, 1})
	if v := (SoftmaxCrossEntropy{}).Value(z2, y2); !ltClose(v, 0.40760596444438, 1e-13) {
		t.Errorf("SoftmaxCrossEntropy on 2 equal rows = %g", v)
	}
	if g2 := (SoftmaxCrossEntropy{}).Grad(z2, y2); !ltClose(g2.At(1, 2), g.At(0, 2)/2, 1e-16) {
		t.Errorf("SoftmaxCrossEntropy grad with n = 2: %g, want %g", g2.At(1, 2), g.At(0, 2)/2)
	}

	// CrossEntropy on probabilities [0.2 0.7 0.1], class 1: −log 0.7, and
	// mean over n only (not n·k).
	p := mat.NewDense(1, 3, []float64{0.2, 0.7, 0.1})
	c1 := mat.NewDense(1, 3, []float64{0, 1, 0})
	if v := (CrossEntropy{}).Value(p, c1); !ltClose(v, -math.Log(0.7), 1e-15) {
		t.Errorf("CrossEntropy = %g, want −log 0.7 = %g", v, -math.Log(0.7))
	}
	if g := (CrossEntropy{}).Grad(p, c1); !ltClose(g.At(0, 1), -1/0.7, 1e-14) || g.At(0, 0) != 0 {
		t.Errorf("CrossEntropy grad = %v, want [0 −1/0.7 0]", g.RawMatrix().Data)
	}
	// BinaryCrossEntropy: mean over all elements of −[y log ŷ + (1−y) log(1−ŷ)].
	bp := mat.NewDense(1, 2, []float64{0.8, 0.2})
	by := mat.NewDense(1, 2, []float64{1, 1})
	want := -(math.Log(0.8) + math.Log(0.2)) / 2
	if v := (BinaryCrossEntropy{}).Value(bp, by); !ltClose(v, want, 1e-15) {
		t.Errorf("BinaryCrossEntropy = %g, want %g", v, want)
	}
	if g := (BinaryCrossEntropy{}).Grad(bp, by); !ltClose(g.At(0, 0), -1/0.8/2, 1e-15) {
		t.Errorf("BinaryCrossEntropy grad[0] = %g, want −1/(0.8·2)", g.At(0, 0))
	}
}

// TestLossClamping checks that predictions of exactly 0 or 1 give large but
// finite losses and gradients, never NaN or Inf.
func TestLossClamping(t *testing.T) {
	finite := func(name string, v float64) {
		t.Helper()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %g, want finite", name, v)
		}
	}
	yHat := mat.NewDense(1, 4, []float64{0, 1, 0, 1})
	y := mat.NewDense(1, 4, []float64{1, 0, 0, 1})
	bce := BinaryCrossEntropy{}
	// Two elements are certain and wrong (−log 0 clamped to 100), two certain and right (0).
	if v := bce.Value(yHat, y); v != 50 {
		t.Errorf("BinaryCrossEntropy with ŷ ∈ {0, 1} = %g, want (100 + 100)/4 = 50", v)
	}
	for _, g := range bce.Grad(yHat, y).RawMatrix().Data {
		finite("BinaryCrossEntropy grad", g)
	}

	probs := mat.NewDense(1, 3, []float64{0, 1, 0})
	target := mat.NewDense(1, 3, []float64{1, 0, 0})
	if v := (CrossEntropy{}).Value(probs, target); v != 100 {
		t.Errorf("CrossEntropy with ŷ = 0 for the true class = %g, want 100", v)
	}
	for _, g := range (CrossEntropy{}).Grad(probs, target).RawMatrix().Data {
		finite("CrossEntropy grad", g)
	}

	logits := mat.NewDense(1, 2, []float64{1000, -1000})
	wrong := mat.NewDense(1, 2, []float64{0, 1})
	if v := (SoftmaxCrossEntropy{}).Value(logits, wrong); v != 2000 {
		t.Errorf("SoftmaxCrossEntropy of logits [1000 −1000] for class 1 = %g, want 2000", v)
	}
	for _, g := range (SoftmaxCrossEntropy{}).Grad(logits, wrong).RawMatrix().Data {
		finite("SoftmaxCrossEntropy grad", g)
	}
}

func TestLossShapePanics(t *testing.T) {
	yHat := mat.NewDense(3, 2, nil)
	y := mat.NewDense(3, 1, nil)
	for _, l := range []gradToer{MSE{}, MAE{}, RMSE{}, BinaryCrossEntropy{}, CrossEntropy{}, SoftmaxCrossEntropy{}} {
		se := ltShapePanic(t, func() { l.Value(yHat, y) })
		if se.Got != "ŷ 3×2" || se.Want != "3×1 (the shape of y)" {
			t.Errorf("%T.Value: %q", l, se.Error())
		}
		ltShapePanic(t, func() { l.Grad(yHat, y) })
		ltShapePanic(t, func() { l.GradTo(new(mat.Dense), yHat, y) })
	}
	se := ltShapePanic(t, func() { MSE{}.Value(yHat, y) })
	if got, want := se.Error(), "nnlib: MSE.Value: got ŷ 3×2, want 3×1 (the shape of y)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

// TestGradToAllocations checks that GradTo allocates nothing once dst has
// room, also when the batch size changes back and forth.
func TestGradToAllocations(t *testing.T) {
	rng := ltRNG(31)
	big, bigY := ltRand(rng, 32, 10, 0.1, 0.9), ltRand(rng, 32, 10, 0, 1)
	small, smallY := ltRand(rng, 8, 10, 0.1, 0.9), ltRand(rng, 8, 10, 0, 1)
	for _, l := range []gradToer{MSE{}, MAE{}, RMSE{}, BinaryCrossEntropy{}, CrossEntropy{}, SoftmaxCrossEntropy{}} {
		dst := new(mat.Dense)
		l.GradTo(dst, big, bigY)
		a := testing.AllocsPerRun(20, func() {
			l.GradTo(dst, small, smallY)
			l.GradTo(dst, big, bigY)
		})
		if a != 0 {
			t.Errorf("%T.GradTo allocates %v times per call pair, want 0", l, a)
		}
	}
}
