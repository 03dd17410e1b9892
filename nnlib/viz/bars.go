package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bars compares a few quantities (timings, speed-ups, shares of a peak):
// one horizontal bar per name, values[i] long, the names listed top to
// bottom in the order given and each value written at the end of its bar.
// The value axis, labelled valueLabel, starts at 0.
//
// It returns an error when names and values differ in length, when there
// are no values, or when a value is negative, NaN or ±Inf.
func Bars(title, valueLabel string, names []string, values []float64) (*plot.Plot, error) {
	switch {
	case len(values) == 0:
		return nil, fmt.Errorf("viz: Bars %q: no values", title)
	case len(names) != len(values):
		return nil, fmt.Errorf("viz: Bars %q: %d names for %d values; give one name per value", title, len(names), len(values))
	}
	if i := badValue(values); i >= 0 {
		bad, sentinel := describe(values[i])
		return nil, &dataError{msg: fmt.Sprintf("viz: Bars %q: the value of %q is %s", title, names[i], bad), err: sentinel}
	}
	n := len(values)
	rev := make(plotter.Values, n) // bottom to top, so that names[0] is on top
	revNames := make([]string, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	top := 0.0
	for i, v := range values {
		if v < 0 {
			return nil, fmt.Errorf("viz: Bars %q: the value of %q is %s; bars start at 0 and need values ≥ 0", title, names[i], fmtG(v))
		}
		j := n - 1 - i
		rev[j], revNames[j] = v, " "+names[i] // a space keeps the first glyph off the edge
		labels.XYs[j] = plotter.XY{X: v, Y: float64(j)}
		labels.Labels[j] = " " + barLabel(v)
		top = math.Max(top, v)
	}
	p := newPlot(title, valueLabel, "")
	addGrid(p)
	bars, err := plotter.NewBarChart(rev, vg.Points(14))
	if err != nil {
		return nil, fmt.Errorf("viz: Bars %q: %w", title, err)
	}
	bars.Horizontal = true
	c := Color(0).(color.RGBA)
	bars.Color = color.RGBA{c.R, c.G, c.B, 0xD0}
	bars.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	lbl, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("viz: Bars %q: %w", title, err)
	}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i] = text.Style{Color: axisColor, Font: font.From(sans, tickSize),
			XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: p.Title.TextStyle.Handler}
	}
	p.Add(bars, lbl)
	p.NominalY(revNames...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	// Room on the right for the longest label at the end of a bar.
	p.X.Min, p.X.Max = 0, 1.18*top
	if top == 0 {
		p.X.Max = 1
	}
	return p, nil
}

// barLabel formats a bar's value with three significant digits, without
// an exponent for everyday magnitudes.
func barLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	if math.Abs(v) >= 1e6 || math.Abs(v) < 1e-3 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(math.Abs(v)))))
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
