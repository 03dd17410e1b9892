package nnlib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// The classification metrics take class labels as []int, one per example,
// in 0..classes−1; get them from a network's output or from one-hot
// targets with [ArgMax]. Mismatched lengths and labels out of range are
// programming errors and panic with a message that says which argument
// and which index; shape mismatches of matrices panic with a *ShapeError.
// Taught in notebook 08-metrics.

// ArgMax returns, for each row of m, the column index of its largest
// entry (the first one on ties; NaN entries are skipped unless the whole
// row is NaN, which gives 0). For an n×k matrix of scores or one-hot
// targets it returns n class labels.
func ArgMax(m *mat.Dense) []int {
	r, _ := m.Dims()
	out := make([]int, r)
	raw := m.RawMatrix()
	for i := range r {
		out[i] = argMaxRow(raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols])
	}
	return out
}

// argMaxRow returns the index of the largest entry of row (the first on
// ties), ignoring NaN.
func argMaxRow(row []float64) int {
	best, bestV := 0, math.Inf(-1)
	for j, v := range row {
		if v > bestV {
			best, bestV = j, v
		}
	}
	return best
}

// Accuracy returns the fraction of examples whose predicted label equals
// the true one:
//
//	accuracy = #{i : yPred[i] = yTrue[i]} / n
//
// It returns NaN for n = 0 and panics if the lengths differ.
func Accuracy(yTrue, yPred []int) float64 {
	checkLabelLengths("Accuracy", yTrue, yPred)
	if len(yTrue) == 0 {
		return math.NaN()
	}
	right := 0
	for i, t := range yTrue {
		if yPred[i] == t {
			right++
		}
	}
	return float64(right) / float64(len(yTrue))
}

// ConfusionMatrix counts how often each class was predicted as each
// class: cm[i][j] is the number of examples of actual class i predicted as
// class j (rows actual, columns predicted, as in scikit-learn). The
// diagonal holds the right answers. It panics if the lengths differ or a
// label is outside 0..classes−1.
func ConfusionMatrix(yTrue, yPred []int, classes int) [][]int {
	checkLabels("ConfusionMatrix", yTrue, yPred, classes)
	cells := make([]int, classes*classes)
	cm := make([][]int, classes)
	for i := range cm {
		cm[i] = cells[i*classes : (i+1)*classes : (i+1)*classes]
	}
	for i, t := range yTrue {
		cm[t][yPred[i]]++
	}
	return cm
}

// PrecisionRecallF1 returns, for each class c, with TP, FP and FN the
// true positives, false positives and false negatives of c:
//
//	precision[c] = TP / (TP + FP)   (of the examples predicted c, the fraction that are c)
//	recall[c]    = TP / (TP + FN)   (of the examples of class c, the fraction found)
//	f1[c]        = 2·precision·recall / (precision + recall)
//
// A ratio whose denominator is 0 (a class never predicted, or absent from
// yTrue) is 0, like scikit-learn's zero_division=0. It panics like
// [ConfusionMatrix].
func PrecisionRecallF1(yTrue, yPred []int, classes int) (precision, recall, f1 []float64) {
	cm := ConfusionMatrix(yTrue, yPred, classes)
	precision = make([]float64, classes)
	recall = make([]float64, classes)
	f1 = make([]float64, classes)
	for c := range classes {
		tp := cm[c][c]
		predicted, actual := 0, 0
		for k := range classes {
			predicted += cm[k][c]
			actual += cm[c][k]
		}
		precision[c] = ratio(tp, predicted)
		recall[c] = ratio(tp, actual)
		if s := precision[c] + recall[c]; s > 0 {
			f1[c] = 2 * precision[c] * recall[c] / s
		}
	}
	return precision, recall, f1
}

// Support returns how many examples of each class yTrue holds (the
// weights of [WeightedAverage]). It panics if a label is outside
// 0..classes−1.
func Support(yTrue []int, classes int) []int {
	checkLabels("Support", yTrue, yTrue, classes)
	s := make([]int, classes)
	for _, t := range yTrue {
		s[t]++
	}
	return s
}

// MacroAverage returns the unweighted mean of per-class scores, so every
// class counts the same however rare it is:
//
//	macro = Σ v[c] / classes
//
// It returns NaN for an empty v.
func MacroAverage(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// WeightedAverage returns the mean of per-class scores weighted by each
// class's support (number of true examples, see [Support]):
//
//	weighted = Σ v[c]·support[c] / Σ support[c]
//
// It returns 0 when the total support is 0 and panics if the lengths
// differ.
func WeightedAverage(v []float64, support []int) float64 {
	if len(v) != len(support) {
		panic(fmt.Sprintf("nnlib: WeightedAverage: %d scores but %d supports; pass one support per class", len(v), len(support)))
	}
	sum, total := 0.0, 0
	for c, x := range v {
		sum += x * float64(support[c])
		total += support[c]
	}
	if total == 0 {
		return 0
	}
	return sum / float64(total)
}

// Report is a per-class summary of a classifier's predictions. Its String
// method prints it in the layout of scikit-learn's
// classification_report:
//
//	              precision    recall  f1-score   support
//
//	      setosa       1.00      1.00      1.00        10
//	  versicolor       1.00      0.90      0.95        10
//	   virginica       0.91      1.00      0.95        10
//
//	    accuracy                           0.97        30
//	   macro avg       0.97      0.97      0.97        30
//	weighted avg       0.97      0.97      0.97        30
type Report struct {
	Classes   []string  // class names, one per class
	Precision []float64 // per class, see PrecisionRecallF1
	Recall    []float64
	F1        []float64
	Support   []int   // true examples of each class
	Accuracy  float64 // fraction of all examples classified right
}

// ClassificationReport computes a [Report] for labels in
// 0..len(classNames)−1. With classNames nil the classes are named "0",
// "1", ... up to the largest label seen. It panics like [ConfusionMatrix].
func ClassificationReport(yTrue, yPred []int, classNames []string) *Report {
	checkLabelLengths("ClassificationReport", yTrue, yPred)
	if classNames == nil {
		n := 0
		for i := range yTrue {
			n = max(n, yTrue[i]+1, yPred[i]+1)
		}
		for c := range n {
			classNames = append(classNames, strconv.Itoa(c))
		}
	}
	classes := len(classNames)
	p, r, f1 := PrecisionRecallF1(yTrue, yPred, classes)
	return &Report{
		Classes:   classNames,
		Precision: p,
		Recall:    r,
		F1:        f1,
		Support:   Support(yTrue, classes),
		Accuracy:  Accuracy(yTrue, yPred),
	}
}

// String formats the report as a table with two decimals: one row per
// class, then accuracy, the macro average and the support-weighted
// average.
func (r *Report) String() string {
	width := len("weighted avg")
	for _, name := range r.Classes {
		width = max(width, len([]rune(name)))
	}
	total := 0
	for _, s := range r.Support {
		total += s
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support")
	row := func(name string, p, rc, f float64, support int) {
		fmt.Fprintf(&b, "%*s  %9.2f %9.2f %9.2f %9d\n", width, name, p, rc, f, support)
	}
	for c, name := range r.Classes {
		row(name, r.Precision[c], r.Recall[c], r.F1[c], r.Support[c])
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%*s  %9s %9s %9.2f %9d\n", width, "accuracy", "", "", r.Accuracy, total)
	row("macro avg", MacroAverage(r.Precision), MacroAverage(r.Recall), MacroAverage(r.F1), total)
	row("weighted avg", WeightedAverage(r.Precision, r.Support), WeightedAverage(r.Recall, r.Support),
		WeightedAverage(r.F1, r.Support), total)
	return b.String()
}

// R2 returns the coefficient of determination of a regression, averaged
// over the k output columns (scikit-learn's r2_score with
// multioutput="uniform_average"). For column j with mean ȳ:
//
//	R²ⱼ = 1 − Σᵢ (yᵢ − ŷᵢ)² / Σᵢ (yᵢ − ȳ)²
//
// 1 is a perfect fit, 0 is no better than predicting the mean, and it can
// be negative. A constant column (zero denominator) scores 1 when fitted
// exactly and 0 otherwise. yTrue and yPred are n×k; it panics with a
// *ShapeError if the shapes differ.
func R2(yTrue, yPred *mat.Dense) float64 {
	n, k := yTrue.Dims()
	if pr, pc := yPred.Dims(); pr != n || pc != k {
		panic(&ShapeError{Op: "R2 (yPred)", Got: dims(pr, pc), Want: dims(n, k) + " like yTrue"})
	}
	t, p := yTrue.RawMatrix(), yPred.RawMatrix()
	sum := 0.0
	for j := range k {
		mean := 0.0
		for i := range n {
			mean += t.Data[i*t.Stride+j]
		}
		mean /= float64(n)
		var res, tot float64
		for i := range n {
			yi := t.Data[i*t.Stride+j]
			d := yi - p.Data[i*p.Stride+j]
			res += d * d
			tot += (yi - mean) * (yi - mean)
		}
		switch {
		case tot != 0:
			sum += 1 - res/tot
		case res == 0:
			sum++
		}
	}
	return sum / float64(k)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func checkLabelLengths(fn string, yTrue, yPred []int) {
	if len(yTrue) != len(yPred) {
		panic(fmt.Sprintf("nnlib: %s: yTrue has %d labels but yPred has %d; pass one label per example in both", fn, len(yTrue), len(yPred)))
	}
}

func checkLabels(fn string, yTrue, yPred []int, classes int) {
	if classes <= 0 {
		panic(fmt.Sprintf("nnlib: %s: classes is %d; it must be ≥ 1", fn, classes))
	}
	checkLabelLengths(fn, yTrue, yPred)
	for i := range yTrue {
		if t := yTrue[i]; t < 0 || t >= classes {
			panic(fmt.Sprintf("nnlib: %s: yTrue[%d] is %d; labels must be in [0, %d)", fn, i, t, classes))
		}
		if p := yPred[i]; p < 0 || p >= classes {
			panic(fmt.Sprintf("nnlib: %s: yPred[%d] is %d; labels must be in [0, %d)", fn, i, p, classes))
		}
	}
}
