package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Histogram plots the distribution of values (weights or activations of
// a layer) with the given number of equal-width bins; bins ≤ 0 picks
// √n, between 10 and 60. The legend gives the mean and standard
// deviation. Several histograms side by side, one per layer, go through
// ShowGrid or GridPNG.
//
// It returns an error when values is empty or has NaN or ±Inf values.
func Histogram(title string, values []float64, bins int) (*plot.Plot, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("viz: Histogram %q: no values", title)
	}
	if i := badValue(values); i >= 0 {
		bad, sentinel := describe(values[i])
		count := 0
		for _, v := range values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				count++
			}
		}
		return nil, &dataError{
			msg: fmt.Sprintf("viz: Histogram %q: %d of %d values are NaN or ±Inf (the first, at index %d, is %s); the values overflowed: try a smaller learning rate or a smaller initial weight scale",
				title, count, len(values), i, bad),
			err: sentinel,
		}
	}
	h, err := binValues(values, bins)
	if err != nil {
		return nil, fmt.Errorf("viz: Histogram %q: %w", title, err)
	}
	lo, hi := minMax(values)
	mean, std := meanStd(values)
	c := Color(0).(color.RGBA)
	h.FillColor = color.RGBA{c.R, c.G, c.B, 0xD0}
	h.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}

	p := newPlot(title, "value", "count")
	addGrid(p)
	p.Add(h)
	tallest := 0.0
	for _, b := range h.Bins {
		tallest = math.Max(tallest, b.Weight)
	}
	// The legend, drawn above the bars, may raise the top further.
	p.Y.Min, p.Y.Max = 0, 1.08*tallest
	decimals := max(0, 2-int(math.Floor(math.Log10(math.Max(std, 1e-300)))))
	if std == 0 {
		decimals = max(0, 2-int(math.Floor(math.Log10(math.Max(math.Abs(mean), 1e-300)))))
	}
	p.Legend.Add(fmt.Sprintf("mean %s", fmtStat(mean, decimals)))
	p.Legend.Add(fmt.Sprintf("std %s", fmtStat(std, decimals)))
	p.Legend.ThumbnailWidth = 0
	// The statistics go above the bars, on the side with the lower bars
	// if they fit there. The outline of the bars is what they must not
	// cover.
	left, right := 0.0, 0.0
	outline := make(plotter.XYs, 0, 2*len(h.Bins))
	for _, b := range h.Bins {
		if (b.Min+b.Max)/2 < (lo+hi)/2 {
			left = math.Max(left, b.Weight)
		} else {
			right = math.Max(right, b.Weight)
		}
		outline = append(outline, plotter.XY{X: b.Min, Y: b.Weight}, plotter.XY{X: b.Max, Y: b.Weight})
	}
	corners := []corner{{top: true}, {top: true, left: true}}
	if left < right {
		corners[0], corners[1] = corners[1], corners[0]
	}
	updateMeta(p, func(m *meta) { m.hist = true })
	placeLegend(p, &legendFit{lines: []plotter.XYs{outline}, corners: corners, headroom: true})
	return p, nil
}

// fmtStat formats a mean or standard deviation with the given number of
// decimals (three significant digits of the standard deviation), or in
// exponent form when that would take more than six decimals or the value
// is very large.
func fmtStat(v float64, decimals int) string {
	if v == 0 {
		return "0"
	}
	if decimals > 6 || math.Abs(v) >= 1e5 {
		return fmt.Sprintf("%.2e", v)
	}
	s := fmt.Sprintf("%.*f", decimals, v)
	if s == "-"+fmt.Sprintf("%.*f", decimals, 0.0) {
		s = s[1:] // no "-0.000"
	}
	return s
}

// binValues bins finite values into a histogram of equal-width bins;
// bins ≤ 0 picks √n, between 10 and 60. Value v goes into bin
// ⌊bins·(v − min)/(max − min)⌋, and the maximum into the last bin.
// (plot's NewHist computes the bin of the maximum by rounding, which can
// give one past the last bin and panic: for {−1, 0.9999999999999999, 1},
// whatever the number of bins.)
func binValues(values []float64, bins int) (*plotter.Histogram, error) {
	if bins <= 0 {
		bins = min(max(int(math.Sqrt(float64(len(values)))), 10), 60)
	}
	lo, hi := minMax(values)
	// Halves, so that hi − lo cannot overflow.
	span := hi/2 - lo/2
	if lo == hi || !(span > 0) {
		// All values equal (a layer of dead ReLUs gives all zeros): one
		// bar centred on the value rather than plot's [v, v+1].
		return &plotter.Histogram{
			Bins:  []plotter.HistogramBin{{Min: lo - 0.5, Max: lo + 0.5, Weight: float64(len(values))}},
			Width: 1,
		}, nil
	}
	n := float64(bins)
	h := &plotter.Histogram{Bins: make([]plotter.HistogramBin, bins), Width: 2 * (span / n)}
	edge := func(i int) float64 {
		half := span * (float64(i) / n)
		return lo + half + half
	}
	for i := range h.Bins {
		h.Bins[i].Min, h.Bins[i].Max = edge(i), edge(i+1)
	}
	h.Bins[bins-1].Max = hi
	for _, v := range values {
		k := int(n * ((v/2 - lo/2) / span))
		h.Bins[min(max(k, 0), bins-1)].Weight++
	}
	return h, nil
}

// meanStd returns the mean and the (population) standard deviation.
func meanStd(values []float64) (mean, std float64) {
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	for _, v := range values {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(values)))
}
