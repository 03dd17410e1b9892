package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split divides d into training, validation and test sets holding about
// trainFrac, valFrac and 1 − trainFrac − valFrac of the rows:
//
//	nTrain = round(trainFrac·n)
//	nVal   = round((trainFrac + valFrac)·n) − nTrain
//	nTest  = n − nTrain − nVal
//
// Every row lands in exactly one set. The rows are shuffled with rng
// first; with rng nil the order is kept (the first rows train). With
// stratified true the rule is applied to each class separately, so every
// set keeps the class proportions of d (needs d.Labels); the rows of each
// set are then shuffled with rng so the classes are mixed.
//
// valFrac may be 0 (val is then nil), and the fractions may sum to 1 (test
// is then nil). It returns an error if trainFrac is outside (0, 1), valFrac
// outside [0, 1), the sum is above 1, or a set that should have rows would
// be empty. Fit preprocessing such as a [Standardizer] on train only.
func Split(d *Dataset, trainFrac, valFrac float64, stratified bool, rng *rand.Rand) (train, val, test *Dataset, err error) {
	const eps = 1e-9
	switch {
	case !(trainFrac > 0 && trainFrac < 1):
		return nil, nil, nil, fmt.Errorf("nnlib/data: Split: trainFrac %v must be in (0, 1)", trainFrac)
	case !(valFrac >= 0 && valFrac < 1):
		return nil, nil, nil, fmt.Errorf("nnlib/data: Split: valFrac %v must be in [0, 1)", valFrac)
	case trainFrac+valFrac > 1+eps:
		return nil, nil, nil, fmt.Errorf("nnlib/data: Split: trainFrac + valFrac = %v is more than 1", trainFrac+valFrac)
	}
	n := d.Len()
	if n == 0 {
		return nil, nil, nil, fmt.Errorf("nnlib/data: Split: the data set is empty")
	}
	testFrac := 1 - trainFrac - valFrac
	cut := func(rows []int) (a, b, c []int) {
		m := len(rows)
		i := int(math.Round(trainFrac * float64(m)))
		j := int(math.Round((trainFrac + valFrac) * float64(m)))
		if testFrac <= eps {
			j = m
		}
		return rows[:i], rows[i:j], rows[j:]
	}
	shuffle := func(rows []int) {
		if rng != nil {
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		}
	}

	var tr, va, te []int
	if stratified {
		if d.Labels == nil {
			return nil, nil, nil, fmt.Errorf("nnlib/data: Split: a stratified split needs class labels, and this data set has none (regression targets?); use stratified false")
		}
		byClass := map[int][]int{}
		var classes []int // in order of first appearance, so the result does not depend on map order
		for i, l := range d.Labels {
			if _, ok := byClass[l]; !ok {
				classes = append(classes, l)
			}
			byClass[l] = append(byClass[l], i)
		}
		for _, c := range classes {
			rows := byClass[c]
			shuffle(rows)
			a, b, e := cut(rows)
			tr, va, te = append(tr, a...), append(va, b...), append(te, e...)
		}
		shuffle(tr)
		shuffle(va)
		shuffle(te)
	} else {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = i
		}
		shuffle(rows)
		tr, va, te = cut(rows)
	}

	for _, s := range []struct {
		name string
		frac float64
		rows []int
	}{{"training", trainFrac, tr}, {"validation", valFrac, va}, {"test", testFrac, te}} {
		if s.frac > eps && len(s.rows) == 0 {
			return nil, nil, nil, fmt.Errorf("nnlib/data: Split: the %s set would be empty (%.3g of %d rows); use a larger fraction or more data", s.name, s.frac, n)
		}
	}
	train = d.Subset(tr)
	if len(va) > 0 {
		val = d.Subset(va)
	}
	if len(te) > 0 {
		test = d.Subset(te)
	}
	return train, val, test, nil
}
