package check

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// minInitEntries is the smallest matrix NormalInit accepts: with fewer
// entries the sample statistics are too noisy to tell a right scale from a
// wrong one.
const minInitEntries = 10000

// NormalInit checks a weight initializer written in a notebook (chapter 01):
// fill must overwrite every entry of an in×out matrix W with independent
// draws from N(0, wantStd²), for example He's σ = √(2/in).
//
// It fills a zero in×out matrix with a seeded RNG, so the check is
// repeatable, and compares the sample with N(0, wantStd²):
//
//	every entry changed, none NaN or ±Inf, W still in×out
//	|mean| ≤ 4·wantStd/√N                 (N = in·out entries)
//	|std/wantStd − 1| ≤ 3%
//	|excess kurtosis| ≤ 0.3               (0 for a normal, −1.2 for a uniform)
//
// in·out must be at least 10 000, so that these statistics are reliable.
func NormalInit(name string, fill func(w *mat.Dense, rng *rand.Rand), in, out int, wantStd float64) bool {
	switch {
	case fill == nil:
		return report(name, false, "got a nil function")
	case in*out < minInitEntries || in <= 0 || out <= 0:
		return report(name, false, fmt.Sprintf("the check needs a matrix of at least %d entries, not %d×%d", minInitEntries, in, out))
	case !(wantStd > 0):
		return report(name, false, fmt.Sprintf("the check needs a positive standard deviation, not %g", wantStd))
	}
	w := mat.NewDense(in, out, nil)
	rng := rand.New(rand.NewPCG(7, 11))
	if err := safely(func() { fill(w, rng) }); err != nil {
		return report(name, false, "it panicked: "+err.Error())
	}
	if r, c := w.Dims(); r != in || c != out {
		return report(name, false, fmt.Sprintf("W is now %d×%d, want %d×%d: fill the matrix in place, with Set", r, c, in, out))
	}
	vals := make([]float64, 0, in*out)
	zeros := 0
	for i := range in {
		for j := range out {
			v := w.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return report(name, false, fmt.Sprintf("entry (%d, %d) is %v", i, j, v))
			}
			if v == 0 {
				zeros++
			}
			vals = append(vals, v)
		}
	}
	if zeros > 0 {
		return report(name, false, fmt.Sprintf("%d of %d entries are still 0: fill every entry of W", zeros, in*out))
	}
	mean, std, kurt := sampleMoments(vals)
	n := float64(len(vals))
	switch {
	case std == 0:
		return report(name, false, fmt.Sprintf("every entry is %s: draw each entry separately", num(vals[0])))
	case math.Abs(mean) > 4*wantStd/math.Sqrt(n):
		return report(name, false, fmt.Sprintf("the mean is %s, want about 0: draw around zero", num(mean)))
	case std > 1.03*wantStd:
		return report(name, false, fmt.Sprintf("the standard deviation is %s, want %s (%.2f times too large)", num(std), num(wantStd), std/wantStd))
	case std < 0.97*wantStd:
		return report(name, false, fmt.Sprintf("the standard deviation is %s, want %s (%.2f times too small)", num(std), num(wantStd), wantStd/std))
	case math.Abs(kurt) > 0.3:
		return report(name, false, fmt.Sprintf("the values are not normally distributed (excess kurtosis %.2f; a normal has 0, a uniform −1.2): draw with rng.NormFloat64()", kurt))
	}
	return report(name, true, "")
}

// sampleMoments returns the mean, the (population) standard deviation and the
// excess kurtosis E[(v − mean)⁴]/std⁴ − 3 of vals.
func sampleMoments(vals []float64) (mean, std, kurt float64) {
	for _, v := range vals {
		mean += v
	}
	n := float64(len(vals))
	mean /= n
	var m2, m4 float64
	for _, v := range vals {
		d := (v - mean) * (v - mean)
		m2 += d
		m4 += d * d
	}
	m2 /= n
	m4 /= n
	if m2 == 0 {
		return mean, 0, 0
	}
	return mean, math.Sqrt(m2), m4/(m2*m2) - 3
}
