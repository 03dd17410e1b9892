package nnlib

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestArgMax(t *testing.T) {
	m := mat.NewDense(4, 3, []float64{
		0.1, 0.7, 0.2,
		5, -1, 5, // tie: the first
		math.NaN(), -2, -3, // NaN skipped
		-1, -0.5, 3,
	})
	if got, want := ArgMax(m), []int{1, 0, 1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("ArgMax = %v, want %v", got, want)
	}
	// A view with a stride larger than its width.
	big := mat.NewDense(3, 4, []float64{
		9, 1, 2, 9,
		9, 3, 0, 9,
		9, 0, 0, 9,
	})
	if got, want := ArgMax(big.Slice(0, 3, 1, 3).(*mat.Dense)), []int{1, 0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("ArgMax of a view = %v, want %v", got, want)
	}
}

// The hand example for the classification metrics: three classes, and
// class 2 is never predicted.
//
//	yTrue 0 0 1 1 2 2 2
//	yPred 0 1 1 1 0 0 1
var (
	metTrue = []int{0, 0, 1, 1, 2, 2, 2}
	metPred = []int{0, 1, 1, 1, 0, 0, 1}
)

func TestAccuracy(t *testing.T) {
	if got := Accuracy(metTrue, metPred); got != 3.0/7 {
		t.Errorf("Accuracy = %v, want 3/7", got)
	}
	if got := Accuracy([]int{1, 2}, []int{1, 2}); got != 1 {
		t.Errorf("Accuracy of perfect predictions = %v", got)
	}
	if got := Accuracy(nil, nil); !math.IsNaN(got) {
		t.Errorf("Accuracy of no examples = %v, want NaN", got)
	}
}

func TestConfusionMatrix(t *testing.T) {
	want := [][]int{
		{1, 1, 0}, // actual 0: one right, one taken for 1
		{0, 2, 0},
		{2, 1, 0}, // actual 2: never predicted as 2
	}
	if got := ConfusionMatrix(metTrue, metPred, 3); !reflect.DeepEqual(got, want) {
		t.Errorf("ConfusionMatrix = %v, want %v", got, want)
	}
}

func TestPrecisionRecallF1(t *testing.T) {
	p, r, f1 := PrecisionRecallF1(metTrue, metPred, 3)
	// Class 0: predicted 3 times, right once; 2 actual, 1 found.
	// Class 1: predicted 4 times, right twice; 2 actual, both found.
	// Class 2: never predicted, so precision is 0/0 → 0; recall 0/3.
	wantP := []float64{1.0 / 3, 0.5, 0}
	wantR := []float64{0.5, 1, 0}
	wantF1 := []float64{0.4, 2.0 / 3, 0} // 2·(1/3)·(1/2)/(5/6) = 0.4
	for c := range 3 {
		if !closeRel(p[c], wantP[c], 1e-15) || !closeRel(r[c], wantR[c], 1e-15) || !closeRel(f1[c], wantF1[c], 1e-15) {
			t.Errorf("class %d: precision, recall, F1 = %v, %v, %v; want %v, %v, %v", c, p[c], r[c], f1[c], wantP[c], wantR[c], wantF1[c])
		}
	}
	// A class absent from yTrue and never predicted scores 0 everywhere.
	p, r, f1 = PrecisionRecallF1([]int{0, 1}, []int{0, 1}, 3)
	if p[2] != 0 || r[2] != 0 || f1[2] != 0 || p[0] != 1 || r[1] != 1 {
		t.Errorf("absent class: %v %v %v", p, r, f1)
	}
}

func TestAverages(t *testing.T) {
	if got := MacroAverage([]float64{1.0 / 3, 0.5, 0}); !closeRel(got, 5.0/18, 1e-15) {
		t.Errorf("MacroAverage = %v, want 5/18", got)
	}
	if got := WeightedAverage([]float64{1.0 / 3, 0.5, 0}, []int{2, 2, 3}); !closeRel(got, 5.0/21, 1e-15) {
		t.Errorf("WeightedAverage = %v, want (2/3 + 1)/7 = 5/21", got)
	}
	if got := WeightedAverage([]float64{0.5}, []int{0}); got != 0 {
		t.Errorf("WeightedAverage with no support = %v, want 0", got)
	}
	if got := Support(metTrue, 4); !reflect.DeepEqual(got, []int{2, 2, 3, 0}) {
		t.Errorf("Support = %v", got)
	}
}

func TestClassificationReport(t *testing.T) {
	r := ClassificationReport(metTrue, metPred, []string{"cat", "dog", "bird"})
	// scikit-learn's layout: names right-aligned to the width of
	// "weighted avg", then columns 9 wide with two decimals.
	want := strings.Join([]string{
		"              precision    recall  f1-score   support",
		"",
		"         cat       0.33      0.50      0.40         2",
		"         dog       0.50      1.00      0.67         2",
		"        bird       0.00      0.00      0.00         3",
		"",
		"    accuracy                           0.43         7",
		"   macro avg       0.28      0.50      0.36         7",
		"weighted avg       0.24      0.43      0.30         7",
		"",
	}, "\n")
	if got := r.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	if r.Accuracy != 3.0/7 || !reflect.DeepEqual(r.Support, []int{2, 2, 3}) {
		t.Errorf("report fields: accuracy %v, support %v", r.Accuracy, r.Support)
	}
	// Without names the classes are numbered up to the largest label.
	r = ClassificationReport([]int{0, 2}, []int{0, 1}, nil)
	if !reflect.DeepEqual(r.Classes, []string{"0", "1", "2"}) {
		t.Errorf("default class names %v", r.Classes)
	}
	// A long class name widens the first column.
	long := ClassificationReport([]int{0, 1}, []int{0, 1}, []string{"a", "a rather long name"}).String()
	if !strings.Contains(long, "\na rather long name       1.00") || !strings.Contains(long, "\n      weighted avg") {
		t.Errorf("long names not aligned:\n%s", long)
	}
}

func TestR2(t *testing.T) {
	yTrue := mat.NewDense(4, 1, []float64{1, 2, 3, 4})
	// SS_res = 0.25 + 0 + 0.25 + 0 = 0.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5.
	if got := R2(yTrue, mat.NewDense(4, 1, []float64{1.5, 2, 2.5, 4})); !closeRel(got, 0.9, 1e-15) {
		t.Errorf("R2 = %v, want 0.9", got)
	}
	if got := R2(yTrue, yTrue); got != 1 {
		t.Errorf("R2 of a perfect fit = %v, want 1", got)
	}
	if got := R2(yTrue, mat.NewDense(4, 1, []float64{2.5, 2.5, 2.5, 2.5})); got != 0 {
		t.Errorf("R2 of predicting the mean = %v, want 0", got)
	}
	if got := R2(yTrue, mat.NewDense(4, 1, []float64{4, 3, 2, 1})); !closeRel(got, -3, 1e-15) {
		t.Errorf("R2 of a reversed fit = %v, want 1 − 20/5 = −3", got)
	}
	// Two columns are averaged; a constant column fitted exactly scores 1.
	two := mat.NewDense(4, 2, []float64{1, 7, 2, 7, 3, 7, 4, 7})
	pred := mat.NewDense(4, 2, []float64{1.5, 7, 2, 7, 2.5, 7, 4, 7})
	if got := R2(two, pred); !closeRel(got, 0.95, 1e-15) {
		t.Errorf("R2 over two columns = %v, want (0.9 + 1)/2", got)
	}
	pred.Set(0, 1, 8) // the constant column is now missed: it scores 0
	if got := R2(two, pred); !closeRel(got, 0.45, 1e-15) {
		t.Errorf("R2 with a missed constant column = %v, want (0.9 + 0)/2", got)
	}
	if err := shapePanic(func() { R2(yTrue, two) }); err == nil {
		t.Errorf("R2 with different shapes: no *ShapeError")
	}
}

func TestMetricPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"length", func() { Accuracy([]int{1, 2}, []int{1}) }, "yTrue has 2 labels but yPred has 1"},
		{"label too large", func() { ConfusionMatrix([]int{0, 3}, []int{0, 1}, 3) }, "yTrue[1] is 3; labels must be in [0, 3)"},
		{"negative prediction", func() { PrecisionRecallF1([]int{0, 1}, []int{0, -1}, 2) }, "yPred[1] is -1"},
		{"no classes", func() { ConfusionMatrix(nil, nil, 0) }, "classes is 0"},
		{"report names", func() { ClassificationReport([]int{0, 2}, []int{0, 1}, []string{"a", "b"}) }, "yTrue[1] is 2"},
		{"weights", func() { WeightedAverage([]float64{1, 2}, []int{1}) }, "2 scores but 1 supports"},
	}
	for _, tt := range tests {
		msg := func() (msg string) {
			defer func() { msg, _ = recover().(string) }()
			tt.f()
			return ""
		}()
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: panic %q, want it to contain %q", tt.name, msg, tt.want)
		}
	}
}
