package check

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// rightOnes returns the correct examples of probs and labels with their
// confidences, in index order.
func rightOnes(probs *mat.Dense, labels []int) (idx []int, conf []float64) {
	for i, label := range labels {
		row := probs.RawRowView(i)
		pred := 0
		for c, p := range row {
			if p > row[pred] {
				pred = c
			}
		}
		if pred == label {
			idx, conf = append(idx, i), append(conf, row[pred])
		}
	}
	return idx, conf
}

func TestLeastConfidentCorrect(t *testing.T) {
	good := func(probs *mat.Dense, labels []int, k int) []int {
		idx, conf := rightOnes(probs, labels)
		order := make([]int, len(idx))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return conf[order[a]] < conf[order[b]] })
		var out []int
		for _, o := range order[:min(k, len(order))] {
			out = append(out, idx[o])
		}
		return out
	}
	tests := []struct {
		name string
		f    func(*mat.Dense, []int, int) []int
		ok   bool
		want string // part of the printed line
	}{
		{"right", good, true, "✅ mine: pass"},
		{"nil function", nil, false, "❌ mine: got a nil function"},
		{"keeps wrong predictions", func(probs *mat.Dense, labels []int, k int) []int {
			// ranks every example by the probability of its true class
			idx := make([]int, len(labels))
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return probs.At(idx[a], labels[idx[a]]) < probs.At(idx[b], labels[idx[b]]) })
			return idx[:min(k, len(idx))]
		}, false, "is a wrong prediction"},
		{"most confident first", func(probs *mat.Dense, labels []int, k int) []int {
			idx, conf := rightOnes(probs, labels)
			sort.SliceStable(idx, func(a, b int) bool { return conf[a] > conf[b] })
			return idx[:min(k, len(idx))]
		}, false, "these are the most confident"},
		{"ties broken by the higher index", func(probs *mat.Dense, labels []int, k int) []int {
			out := good(probs, labels, len(labels))
			slices.Reverse(out)
			sort.SliceStable(out, func(a, b int) bool {
				return slices.Max(probs.RawRowView(out[a])) < slices.Max(probs.RawRowView(out[b]))
			})
			return out[:min(k, len(out))]
		}, false, "equal confidences: lower index first: got [3 1 0], want [0 1 3] (among equal confidences the lower index comes first"},
		{"returns k even when fewer are right", func(probs *mat.Dense, labels []int, k int) []int {
			out := good(probs, labels, k)
			for len(out) < k {
				out = append(out, 0)
			}
			return out
		}, false, "k larger than the number of correct examples"},
		{"panics when fewer than k", func(probs *mat.Dense, labels []int, k int) []int {
			out := good(probs, labels, len(labels))
			return out[:k]
		}, false, "it panicked"},
		{"changes probs", func(probs *mat.Dense, labels []int, k int) []int {
			out := good(probs, labels, k)
			probs.Set(0, 0, 0)
			return out
		}, false, "it changed probs or labels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, printed := capture(t, func() bool { return LeastConfidentCorrect("mine", tc.f) })
			if ok != tc.ok {
				t.Errorf("returned %v, want %v; printed %q", ok, tc.ok, printed)
			}
			if !strings.Contains(printed, tc.want) {
				t.Errorf("printed %q, want it to contain %q", printed, tc.want)
			}
			if strings.Count(printed, "\n") != 1 {
				t.Errorf("printed %d lines, want 1: %q", strings.Count(printed, "\n"), printed)
			}
		})
	}
}
