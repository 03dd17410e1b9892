package check

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// LeastConfidentCorrect checks a function written in a notebook (chapter
// 09) that returns the indices of the k examples a classifier got right
// with the least confidence:
//
//	pred[i]    = argmax_c probs[i][c]              (the first one on ties)
//	correct    = {i : pred[i] = labels[i]}
//	confidence = probs[i][pred[i]]
//
// f must return the correct examples sorted by confidence, lowest first,
// the lower index first among equal confidences, at most k of them (all
// of them when there are fewer than k, and none for k = 0). probs is n×k
// with one row of class probabilities per example.
//
// It runs f on small hand-made cases, each aimed at one mistake: keeping
// wrong predictions, sorting the wrong way, breaking ties the other way,
// returning more than k, and failing when fewer than k examples are
// correct. f must not change probs or labels.
func LeastConfidentCorrect(name string, f func(probs *mat.Dense, labels []int, k int) []int) bool {
	if f == nil {
		return report(name, false, "got a nil function")
	}
	cases := []struct {
		what   string
		probs  []float64 // rows of 3 class probabilities
		labels []int
		k      int
	}{
		{"4 examples, all right, k = 2",
			[]float64{0.9, 0.05, 0.05, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1}, []int{0, 1, 2, 0}, 2},
		{"wrong predictions must be left out",
			[]float64{0.4, 0.35, 0.25, 0.2, 0.7, 0.1, 0.34, 0.33, 0.33, 0.1, 0.1, 0.8}, []int{1, 1, 2, 2}, 2},
		{"k larger than the number of correct examples",
			[]float64{0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4}, []int{0, 2, 2}, 5},
		{"equal confidences: lower index first",
			[]float64{0.6, 0.2, 0.2, 0.2, 0.6, 0.2, 0.9, 0.05, 0.05, 0.2, 0.2, 0.6}, []int{0, 1, 0, 2}, 3},
		{"k = 0",
			[]float64{0.6, 0.2, 0.2, 0.2, 0.6, 0.2}, []int{0, 1}, 0},
		{"no correct example",
			[]float64{0.6, 0.2, 0.2, 0.2, 0.6, 0.2}, []int{1, 0}, 2},
	}
	for _, tc := range cases {
		n := len(tc.labels)
		probs := mat.NewDense(n, 3, slices.Clone(tc.probs))
		labels := slices.Clone(tc.labels)
		want := leastConfidentCorrectRef(probs, labels, tc.k)
		var got []int
		err := safely(func() { got = f(probs, labels, tc.k) })
		switch {
		case err != nil:
			return report(name, false, fmt.Sprintf("%s: it panicked: %v", tc.what, err))
		case !slices.Equal(probs.RawMatrix().Data, tc.probs) || !slices.Equal(labels, tc.labels):
			return report(name, false, tc.what+": it changed probs or labels; work on copies")
		case len(got) == 0 && len(want) == 0:
			continue
		case slices.Equal(got, want):
			continue
		}
		return report(name, false, fmt.Sprintf("%s: got %v, want %v%s", tc.what, got, want, rankingHint(probs, labels, got, want, tc.k)))
	}
	return report(name, true, "")
}

// leastConfidentCorrectRef is the reference answer of LeastConfidentCorrect.
func leastConfidentCorrectRef(probs *mat.Dense, labels []int, k int) []int {
	conf := make(map[int]float64)
	var idx []int
	for i, label := range labels {
		row := probs.RawRowView(i)
		pred := 0
		for c, p := range row {
			if p > row[pred] {
				pred = c
			}
		}
		if pred == label {
			idx = append(idx, i)
			conf[i] = row[pred]
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case conf[a] < conf[b]:
			return -1
		case conf[a] > conf[b]:
			return 1
		}
		return 0
	})
	return idx[:min(k, len(idx))]
}

// rankingHint guesses what went wrong when got differs from want.
func rankingHint(probs *mat.Dense, labels []int, got, want []int, k int) string {
	ok := leastConfidentCorrectRef(probs, labels, len(labels)) // every correct index
	for _, i := range got {
		if i < 0 || i >= len(labels) {
			return fmt.Sprintf(" (index %d is out of range)", i)
		}
		if !slices.Contains(ok, i) {
			return fmt.Sprintf(" (example %d is a wrong prediction: keep only those whose predicted class is the label)", i)
		}
	}
	switch {
	case len(got) > k:
		return fmt.Sprintf(" (at most k = %d indices)", k)
	case len(got) < len(want):
		return " (too few: take min(k, number of correct examples))"
	}
	if len(got) == len(want) {
		sameConf := true
		for r := range got {
			sameConf = sameConf && maxOf(probs.RawRowView(got[r])) == maxOf(probs.RawRowView(want[r]))
		}
		if sameConf {
			return " (among equal confidences the lower index comes first: use a stable sort, or compare the indices on ties)"
		}
	}
	rev := slices.Clone(ok)
	slices.Reverse(rev)
	if slices.Equal(got, rev[:min(len(got), len(rev))]) {
		return " (these are the most confident: sort by confidence, lowest first)"
	}
	return " (sort the correct examples by the probability of their predicted class, lowest first)"
}

// maxOf returns the largest value of row.
func maxOf(row []float64) float64 { return slices.Max(row) }
