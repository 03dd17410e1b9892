package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// rowIDs returns column 0 of X, which numbered sets to the row's index.
func rowIDs(d *Dataset) []int {
	if d == nil {
		return nil
	}
	ids := make([]int, d.Len())
	for i := range ids {
		ids[i] = int(d.X.At(i, 0))
	}
	return ids
}

func TestSplitSizesAndCoverage(t *testing.T) {
	d := numbered(100)
	for _, tc := range []struct {
		train, val        float64
		stratified        bool
		nTrain, nVal, nTe int
	}{
		{0.7, 0.15, false, 70, 15, 15},
		{0.8, 0, false, 80, 0, 20},
		{0.6, 0.4, false, 60, 40, 0},
		{0.5, 0.25, true, 0, 0, 0}, // sizes checked per class below
	} {
		rng := rand.New(rand.NewPCG(7, 8))
		train, val, test, err := Split(d, tc.train, tc.val, tc.stratified, rng)
		if err != nil {
			t.Fatal(err)
		}
		all := slices.Concat(rowIDs(train), rowIDs(val), rowIDs(test))
		slices.Sort(all)
		for i, id := range all {
			if id != i {
				t.Fatalf("%+v: rows are not each used exactly once: %v", tc, all)
			}
		}
		if !tc.stratified {
			if train.Len() != tc.nTrain || val.Len() != tc.nVal || test.Len() != tc.nTe {
				t.Fatalf("%+v: sizes %d/%d/%d, want %d/%d/%d", tc, train.Len(), val.Len(), test.Len(), tc.nTrain, tc.nVal, tc.nTe)
			}
		}
		if tc.val == 0 && val != nil {
			t.Fatalf("valFrac 0 gave a validation set of %d rows, want nil", val.Len())
		}
		if tc.train+tc.val == 1 && test != nil {
			t.Fatalf("fractions summing to 1 gave a test set of %d rows, want nil", test.Len())
		}
		for _, s := range []*Dataset{train, val, test} {
			if s == nil {
				continue
			}
			for r, id := range rowIDs(s) {
				if s.Labels[r] != id%3 || s.Y.At(r, id%3) != 1 || s.X.At(r, 1) != -float64(id) {
					t.Fatalf("row %d of a split: features, label and target disagree", r)
				}
			}
		}
	}
}

func TestSplitStratifiedKeepsProportions(t *testing.T) {
	// 60 of class 0, 30 of class 1, 10 of class 2, in blocks.
	labels := make([]int, 100)
	for i := range labels {
		switch {
		case i >= 90:
			labels[i] = 2
		case i >= 60:
			labels[i] = 1
		}
	}
	d := &Dataset{X: mat.NewDense(100, 1, nil), Labels: labels, Classes: []string{"a", "b", "c"}, Y: OneHot(labels, 3)}
	for i := range 100 {
		d.X.Set(i, 0, float64(i))
	}
	train, val, test, err := Split(d, 0.6, 0.2, true, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    *Dataset
		want []int
	}{{"train", train, []int{36, 18, 6}}, {"val", val, []int{12, 6, 2}}, {"test", test, []int{12, 6, 2}}} {
		if got := c.d.ClassCounts(); !slices.Equal(got, c.want) {
			t.Errorf("%s class counts %v, want %v", c.name, got, c.want)
		}
	}
	// The classes are mixed, not left in blocks.
	if slices.IsSorted(train.Labels) {
		t.Errorf("training labels are still sorted by class: %v", train.Labels)
	}

	// With 10 rows of class 2, an unstratified 10% validation set often
	// has none of them; a stratified one has exactly 1 whatever the seed.
	for seed := range uint64(20) {
		_, val, _, err := Split(d, 0.8, 0.1, true, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if got := val.ClassCounts(); !slices.Equal(got, []int{6, 3, 1}) {
			t.Fatalf("seed %d: validation class counts %v, want [6 3 1]", seed, got)
		}
	}
}

func TestSplitDeterministic(t *testing.T) {
	d := numbered(50)
	split := func(seed uint64) []int {
		train, _, _, err := Split(d, 0.5, 0.2, false, rand.New(rand.NewPCG(seed, 1)))
		if err != nil {
			t.Fatal(err)
		}
		return rowIDs(train)
	}
	if !slices.Equal(split(1), split(1)) {
		t.Fatal("the same seed gave different splits")
	}
	if slices.Equal(split(1), split(2)) {
		t.Fatal("different seeds gave the same split")
	}
	train, val, test, err := Split(d, 0.5, 0.2, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := slices.Concat(rowIDs(train), rowIDs(val), rowIDs(test)); !slices.IsSorted(ids) {
		t.Fatalf("a nil RNG changed the order: %v", ids)
	}
}

func TestSplitErrors(t *testing.T) {
	d := numbered(10)
	for _, tc := range []struct {
		train, val float64
		stratified bool
		data       *Dataset
		want       string
	}{
		{0, 0.2, false, d, "trainFrac 0 must be in (0, 1)"},
		{1, 0, false, d, "trainFrac 1 must be in (0, 1)"},
		{-0.5, 0.2, false, d, "trainFrac -0.5"},
		{math.NaN(), 0.2, false, d, "trainFrac NaN"},
		{0.5, -0.1, false, d, "valFrac -0.1 must be in [0, 1)"},
		{0.5, 1, false, d, "valFrac 1"},
		{0.7, 0.4, false, d, "is more than 1"},
		{0.8, 0.04, false, d, "validation set would be empty"},
		{0.9, 0.05, false, d, "test set would be empty"},
		{0.5, 0.2, true, &Dataset{X: mat.NewDense(10, 1, nil), Y: mat.NewDense(10, 1, nil)}, "stratified split needs class labels"},
		{0.5, 0.2, false, &Dataset{}, "empty"},
	} {
		_, _, _, err := Split(tc.data, tc.train, tc.val, tc.stratified, nil)
		wantErr(t, err, tc.want)
	}
}
