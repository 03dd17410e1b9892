package nnlib

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// This file holds the losses, taught in notebook 03-losses. Each is a value
// type with no settings (MSE{}, SoftmaxCrossEntropy{}, …) and uses
// PyTorch's default reduction (a mean). ŷ and y are both n×k; a shape
// mismatch panics with a *ShapeError.
//
// Grad returns a new matrix. GradTo(dst, ŷ, y) writes the same gradient
// into dst, reshaping dst when needed, and allocates nothing when dst
// already has room: that is the one a training loop uses. Grad is GradTo
// into a new matrix, so each gradient has one implementation.

var (
	_ Loss = MSE{}
	_ Loss = MAE{}
	_ Loss = RMSE{}
	_ Loss = BinaryCrossEntropy{}
	_ Loss = CrossEntropy{}
	_ Loss = SoftmaxCrossEntropy{}
)

// logFloor is the smallest value a log inside a loss may take, as in
// PyTorch's BCELoss: log 0 = −Inf becomes −100, so the loss stays finite.
const logFloor = -100

// probFloor keeps the divisions in the probability losses' gradients finite
// when a prediction is exactly 0 or 1 (PyTorch's BCELoss uses 1e-12 too).
const probFloor = 1e-12

// clampedLog returns max(log p, −100).
func clampedLog(p float64) float64 { return math.Max(math.Log(p), logFloor) }

// checkLoss panics with a *ShapeError unless ŷ and y have the same shape,
// and returns that shape n×k.
func checkLoss(op string, yHat, y *mat.Dense) (n, k int) {
	n, k = yHat.Dims()
	if r, c := y.Dims(); r != n || c != k {
		panic(&ShapeError{Op: op, Got: "ŷ " + dims(n, k), Want: dims(r, c) + " (the shape of y)"})
	}
	return n, k
}

// gradDst checks shapes, reshapes dst to n×k and returns its data with n, k.
func gradDst(op string, dst, yHat, y *mat.Dense) (d []float64, n, k int) {
	n, k = checkLoss(op, yHat, y)
	if dst == nil {
		panic("nnlib: " + op + ": dst is nil; pass new(mat.Dense)")
	}
	return reuseDense(dst, n, k).RawMatrix().Data, n, k
}

// newGrad returns the gradient written by gradTo into a new matrix.
func newGrad(gradTo func(dst, yHat, y *mat.Dense), yHat, y *mat.Dense) *mat.Dense {
	var dst mat.Dense
	gradTo(&dst, yHat, y)
	return &dst
}

// sign returns −1, 0 or 1 for v < 0, v = 0, v > 0.
func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// MSE is the mean squared error over all n·k elements:
//
//	L       = 1/(n·k) · Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)²
//	∂L/∂ŷᵢⱼ = 2·(ŷᵢⱼ − yᵢⱼ) / (n·k)
//
// The gradient is divided by n·k once; dividing by n a second time in the
// training loop is a classic bug.
//
// Taught in notebook 03-losses.
type MSE struct{}

// Value returns the mean squared error.
func (MSE) Value(yHat, y *mat.Dense) float64 {
	n, k := checkLoss("MSE.Value", yHat, y)
	return sumSquaredDiff(yHat, y) / float64(n*k)
}

// sumSquaredDiff returns Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)²; the shapes must match.
func sumSquaredDiff(yHat, y *mat.Dense) float64 {
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	var sum float64
	for i := 0; i < pr.Rows; i++ {
		t := rowOf(tr, i)
		for j, p := range rowOf(pr, i) {
			e := p - t[j]
			sum += e * e
		}
	}
	return sum
}

// Grad returns ∂L/∂ŷ = 2·(ŷ − y)/(n·k) as a new n×k matrix.
func (l MSE) Grad(yHat, y *mat.Dense) *mat.Dense { return newGrad(l.GradTo, yHat, y) }

// GradTo writes ∂L/∂ŷ = 2·(ŷ − y)/(n·k) into dst.
func (MSE) GradTo(dst, yHat, y *mat.Dense) {
	d, n, k := gradDst("MSE.GradTo", dst, yHat, y)
	s := 2 / float64(n*k)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		for j, p := range rowOf(pr, i) {
			di[j] = s * (p - t[j])
		}
	}
}

// MAE is the mean absolute error over all n·k elements:
//
//	L       = 1/(n·k) · Σᵢⱼ |ŷᵢⱼ − yᵢⱼ|
//	∂L/∂ŷᵢⱼ = sign(ŷᵢⱼ − yᵢⱼ) / (n·k),   sign(0) = 0
//
// Its gradient has the same size for every wrong prediction, unlike MSE's,
// which is why MAE is less sensitive to outliers.
//
// Taught in notebook 03-losses.
type MAE struct{}

// Value returns the mean absolute error.
func (MAE) Value(yHat, y *mat.Dense) float64 {
	n, k := checkLoss("MAE.Value", yHat, y)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	var sum float64
	for i := 0; i < n; i++ {
		t := rowOf(tr, i)
		for j, p := range rowOf(pr, i) {
			sum += math.Abs(p - t[j])
		}
	}
	return sum / float64(n*k)
}

// Grad returns ∂L/∂ŷ = sign(ŷ − y)/(n·k) as a new n×k matrix.
func (l MAE) Grad(yHat, y *mat.Dense) *mat.Dense { return newGrad(l.GradTo, yHat, y) }

// GradTo writes ∂L/∂ŷ = sign(ŷ − y)/(n·k) into dst.
func (MAE) GradTo(dst, yHat, y *mat.Dense) {
	d, n, k := gradDst("MAE.GradTo", dst, yHat, y)
	s := 1 / float64(n*k)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		for j, p := range rowOf(pr, i) {
			di[j] = s * sign(p-t[j])
		}
	}
}

// RMSE is the root of the mean squared error, in the units of y:
//
//	L       = √MSE = √(1/(n·k) · Σᵢⱼ (ŷᵢⱼ − yᵢⱼ)²)
//	∂L/∂ŷᵢⱼ = (ŷᵢⱼ − yᵢⱼ) / (n·k·L)     (0 when L = 0)
//
// Taught in notebook 03-losses.
type RMSE struct{}

// Value returns √MSE.
func (RMSE) Value(yHat, y *mat.Dense) float64 {
	n, k := checkLoss("RMSE.Value", yHat, y)
	return math.Sqrt(sumSquaredDiff(yHat, y) / float64(n*k))
}

// Grad returns ∂L/∂ŷ = (ŷ − y)/(n·k·RMSE) as a new n×k matrix.
func (l RMSE) Grad(yHat, y *mat.Dense) *mat.Dense { return newGrad(l.GradTo, yHat, y) }

// GradTo writes ∂L/∂ŷ = (ŷ − y)/(n·k·RMSE) into dst, or zeros when RMSE = 0.
func (RMSE) GradTo(dst, yHat, y *mat.Dense) {
	d, n, k := gradDst("RMSE.GradTo", dst, yHat, y)
	nk := float64(n * k)
	rmse := math.Sqrt(sumSquaredDiff(yHat, y) / nk)
	if rmse == 0 {
		clear(d)
		return
	}
	s := 1 / (nk * rmse)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		for j, p := range rowOf(pr, i) {
			di[j] = s * (p - t[j])
		}
	}
}

// BinaryCrossEntropy is the log loss for probabilities ŷ ∈ [0, 1] (for
// example the output of a Sigmoid) and targets y ∈ [0, 1], averaged over
// all n·k elements:
//
//	L       = −1/(n·k) · Σᵢⱼ [yᵢⱼ·log ŷᵢⱼ + (1 − yᵢⱼ)·log(1 − ŷᵢⱼ)]
//	∂L/∂ŷᵢⱼ = (ŷᵢⱼ − yᵢⱼ) / (ŷᵢⱼ·(1 − ŷᵢⱼ)) / (n·k)
//
// As in PyTorch's BCELoss each log is clamped at −100 and the gradient's
// denominator ŷ·(1 − ŷ) at 1e-12, so ŷ = 0 or 1 gives a large but finite
// loss and gradient, never Inf or NaN.
//
// Taught in notebook 03-losses.
type BinaryCrossEntropy struct{}

// Value returns the mean binary cross-entropy.
func (BinaryCrossEntropy) Value(yHat, y *mat.Dense) float64 {
	n, k := checkLoss("BinaryCrossEntropy.Value", yHat, y)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	var sum float64
	for i := 0; i < n; i++ {
		t := rowOf(tr, i)
		for j, p := range rowOf(pr, i) {
			sum -= t[j]*clampedLog(p) + (1-t[j])*clampedLog(1-p)
		}
	}
	return sum / float64(n*k)
}

// Grad returns ∂L/∂ŷ = (ŷ − y)/(ŷ·(1 − ŷ))/(n·k) as a new n×k matrix.
func (l BinaryCrossEntropy) Grad(yHat, y *mat.Dense) *mat.Dense {
	return newGrad(l.GradTo, yHat, y)
}

// GradTo writes ∂L/∂ŷ = (ŷ − y)/(ŷ·(1 − ŷ))/(n·k) into dst.
func (BinaryCrossEntropy) GradTo(dst, yHat, y *mat.Dense) {
	d, n, k := gradDst("BinaryCrossEntropy.GradTo", dst, yHat, y)
	s := 1 / float64(n*k)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		for j, p := range rowOf(pr, i) {
			di[j] = s * (p - t[j]) / math.Max(p*(1-p), probFloor)
		}
	}
}

// CrossEntropy is the categorical cross-entropy for probabilities ŷ (each
// row a distribution over k classes, for example the output of a Softmax)
// and targets y (one-hot rows, or distributions), averaged over the n
// examples:
//
//	L       = −1/n · Σᵢ Σ_c yᵢc·log ŷᵢc
//	∂L/∂ŷᵢc = −yᵢc / (n·ŷᵢc)
//
// Each log is clamped at −100 and ŷ in the gradient's denominator at 1e-12,
// so a zero probability gives a large but finite loss. Prefer
// [SoftmaxCrossEntropy] on logits: it is more accurate and its gradient is
// simpler.
//
// Taught in notebook 03-losses.
type CrossEntropy struct{}

// Value returns the mean cross-entropy.
func (CrossEntropy) Value(yHat, y *mat.Dense) float64 {
	n, _ := checkLoss("CrossEntropy.Value", yHat, y)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	var sum float64
	for i := 0; i < n; i++ {
		t := rowOf(tr, i)
		for j, p := range rowOf(pr, i) {
			if t[j] != 0 {
				sum -= t[j] * clampedLog(p)
			}
		}
	}
	return sum / float64(n)
}

// Grad returns ∂L/∂ŷ = −y/(n·ŷ) as a new n×k matrix.
func (l CrossEntropy) Grad(yHat, y *mat.Dense) *mat.Dense { return newGrad(l.GradTo, yHat, y) }

// GradTo writes ∂L/∂ŷ = −y/(n·ŷ) into dst.
func (CrossEntropy) GradTo(dst, yHat, y *mat.Dense) {
	d, n, k := gradDst("CrossEntropy.GradTo", dst, yHat, y)
	s := -1 / float64(n)
	pr, tr := yHat.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		for j, p := range rowOf(pr, i) {
			di[j] = s * t[j] / math.Max(p, probFloor)
		}
	}
}

// SoftmaxCrossEntropy is [CrossEntropy] applied to softmax(z), computed
// directly from the raw scores (logits) z = ŷ with the log-sum-exp trick:
//
//	log softmax(z)ᵢc = zᵢc − LSE(zᵢ),   LSE(zᵢ) = mᵢ + log Σ_c e^(zᵢc − mᵢ),  mᵢ = max_c zᵢc
//	L       = −1/n · Σᵢ Σ_c yᵢc·(zᵢc − LSE(zᵢ))
//	∂L/∂zᵢc = (softmax(z)ᵢc·Σ_c′ yᵢc′ − yᵢc) / n
//
// For targets whose rows sum to 1 (one-hot labels) the gradient is the
// familiar (softmax(z) − y)/n. No log is ever taken of a rounded
// probability, so the loss is accurate even for very confident wrong
// predictions. This is PyTorch's nn.CrossEntropyLoss. Use it with a
// network whose last layer is Linear (no Softmax layer).
//
// Taught in notebook 03-losses.
type SoftmaxCrossEntropy struct{}

// Value returns the mean cross-entropy of softmax(z) against y.
func (SoftmaxCrossEntropy) Value(z, y *mat.Dense) float64 {
	n, _ := checkLoss("SoftmaxCrossEntropy.Value", z, y)
	zr, tr := z.RawMatrix(), y.RawMatrix()
	var sum float64
	for i := 0; i < n; i++ {
		zi, t := rowOf(zr, i), rowOf(tr, i)
		lse := logSumExp(zi)
		for j, v := range zi {
			if t[j] != 0 {
				sum -= t[j] * (v - lse)
			}
		}
	}
	return sum / float64(n)
}

// logSumExp returns log Σⱼ e^(zⱼ), computed as m + log Σⱼ e^(zⱼ − m) with
// m = maxⱼ zⱼ so that no exponential overflows.
func logSumExp(z []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		if v > m {
			m = v
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	var sum float64
	for _, v := range z {
		sum += math.Exp(v - m)
	}
	return m + math.Log(sum)
}

// Grad returns ∂L/∂z = (softmax(z)·rowsum(y) − y)/n as a new n×k matrix.
func (l SoftmaxCrossEntropy) Grad(z, y *mat.Dense) *mat.Dense { return newGrad(l.GradTo, z, y) }

// GradTo writes ∂L/∂z = (softmax(z)·rowsum(y) − y)/n into dst.
func (SoftmaxCrossEntropy) GradTo(dst, z, y *mat.Dense) {
	d, n, k := gradDst("SoftmaxCrossEntropy.GradTo", dst, z, y)
	s := 1 / float64(n)
	zr, tr := z.RawMatrix(), y.RawMatrix()
	for i := 0; i < n; i++ {
		t, di := rowOf(tr, i), d[i*k:(i+1)*k]
		softmaxRow(di, rowOf(zr, i))
		var mass float64
		for _, v := range t {
			mass += v
		}
		for j, p := range di {
			di[j] = s * (p*mass - t[j])
		}
	}
}
