package viz

import (
	"image/color"
	"math"
	"strconv"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DPI is the resolution, in dots per inch, at which PNG, GridPNG and the
// Show functions render plots. A 6×4 inch plot at 128 DPI is 768×512
// pixels, which fits a notebook column and stays sharp.
var DPI = 128

// okabeIto is the Okabe–Ito palette (Okabe & Ito, "Color Universal
// Design", 2002), ordered so that the first colours are the most
// distinct from each other and from white. Yellow comes last: it is hard
// to see on a white background.
var okabeIto = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	color.RGBA{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, // orange
	color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	color.RGBA{0x00, 0x00, 0x00, 0xFF}, // black
	color.RGBA{0xF0, 0xE4, 0x42, 0xFF}, // yellow
}

// Color returns the i-th colour of the package's colour-blind-friendly
// palette (Okabe–Ito: blue, vermillion, bluish green, reddish purple,
// orange, sky blue, black, yellow), cycling when i ≥ 8. Series, classes
// and paths are coloured in this order, so a plot drawn by hand with
// Color(i) matches the package's plots.
func Color(i int) color.Color {
	if i < 0 {
		i = -i
	}
	return okabeIto[i%len(okabeIto)]
}

// dashes gives each series a dash pattern as well as a colour, so lines
// stay apart in greyscale prints too.
var dashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(7), vg.Points(2), vg.Points(2), vg.Points(2)},
	{vg.Points(10), vg.Points(4)},
}

func dash(i int) []vg.Length { return dashes[i%len(dashes)] }

var (
	sans       = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold   = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	gridColor  = color.Gray{Y: 0xDD}
	axisColor  = color.Gray{Y: 0x40}
	mutedColor = color.Gray{Y: 0x70}
)

// Font sizes, chosen for a 6×4 inch plot; they also stay readable in the
// 3.2×2.4 inch tiles of ShowGrid.
const (
	titleSize  = 14
	labelSize  = 12
	tickSize   = 10.5
	legendSize = 11
)

// newPlot returns a plot with the package's fonts, axis labels and
// legend style. The grid is added by the caller (addGrid) so it is drawn
// under the data.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansBold, titleSize)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Label.TextStyle.Color = axisColor
		a.Label.Padding = vg.Points(4)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Tick.Label.Color = axisColor
		a.Tick.LineStyle.Color = axisColor
		a.Tick.Length = vg.Points(4)
		a.LineStyle.Color = axisColor
		a.Padding = vg.Points(4)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sans, legendSize)
	p.Legend.TextStyle.Color = color.Black
	p.Legend.ThumbnailWidth = vg.Points(26)
	p.Legend.Padding = vg.Points(2)
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.YOffs = -vg.Points(4)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	return p
}

// addGrid adds light grid lines at the major ticks.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}
	g.Horizontal = g.Vertical
	p.Add(g)
}

// lineStyle is the style of the i-th series.
func lineStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: Color(i), Width: vg.Points(2), Dashes: dash(i)}
}

// placeLegend moves the legend into the corner of the data area that
// holds the fewest of the points (xs[k], ys[k]); it keeps the top right
// when that corner is as empty as any other. Call it after p.Add, once
// the axis ranges are known.
func placeLegend(p *plot.Plot, xs, ys []float64) {
	xr, yr := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if len(xs) == 0 || !(xr > 0) || !(yr > 0) {
		return
	}
	norm := func(a plot.Axis, v float64) float64 {
		if _, ok := a.Scale.(plot.LogScale); ok && v > 0 && a.Min > 0 {
			return math.Log(v/a.Min) / math.Log(a.Max/a.Min)
		}
		return (v - a.Min) / (a.Max - a.Min)
	}
	// Corners in order of preference: top right, top left, bottom
	// right, bottom left. A corner box covers 40% × 35% of the area.
	type corner struct{ top, left bool }
	corners := []corner{{true, false}, {true, true}, {false, false}, {false, true}}
	best, bestN := 0, math.MaxInt
	for ci, c := range corners {
		n := 0
		for k := range xs {
			u, v := norm(p.X, xs[k]), norm(p.Y, ys[k])
			inX := (c.left && u < 0.4) || (!c.left && u > 0.6)
			inY := (c.top && v > 0.65) || (!c.top && v < 0.35)
			if inX && inY {
				n++
			}
		}
		if n < bestN {
			best, bestN = ci, n
		}
	}
	c := corners[best]
	p.Legend.Top, p.Legend.Left = c.top, c.left
	p.Legend.XOffs = -vg.Points(6)
	if c.left {
		p.Legend.XOffs = vg.Points(6)
	}
	p.Legend.YOffs = -vg.Points(4)
	if !c.top {
		p.Legend.YOffs = vg.Points(4)
	}
}

// niceTicks labels about six round values (steps of 1, 2, 2.5 or 5
// times a power of ten) with a minor tick between each; with integer
// set, only whole numbers (epochs, steps). plot's DefaultTicks labels
// as few as three values, too few to read a loss off a curve.
type niceTicks struct{ integer bool }

func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if t.integer {
		step = math.Max(1, math.Round(step))
	}
	decimals := 0
	for d := 0; d < 15; d++ {
		s := step * math.Pow(10, float64(d))
		if math.Abs(s-math.Round(s)) < 1e-9*s {
			decimals = d
			break
		}
	}
	var ticks []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > hi+1e-9*step {
			break
		}
		if math.Abs(v) < 1e-12*step {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
		if half := v + step/2; half <= hi && (!t.integer || half == math.Trunc(half)) {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	if half := first - step/2; half >= lo && (!t.integer || half == math.Trunc(half)) {
		ticks = append(ticks, plot.Tick{Value: half})
	}
	return ticks
}

// logTicks marks a logarithmic axis: powers of ten, and also 2× and 5×
// when fewer than two powers of ten fall in range (a loss going from 0.9
// to 0.2), and every multiple when even those are too few.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	first := math.Floor(math.Log10(lo))
	last := math.Ceil(math.Log10(hi))
	count := func(labelled func(m int) bool) int {
		n := 0
		for e := first; e <= last; e++ {
			for m := 1; m <= 9; m++ {
				if v := float64(m) * math.Pow(10, e); v >= lo && v <= hi && labelled(m) {
					n++
				}
			}
		}
		return n
	}
	rules := []func(m int) bool{
		func(m int) bool { return m == 1 },
		func(m int) bool { return m == 1 || m == 2 || m == 5 },
		func(m int) bool { return true },
	}
	rule := rules[len(rules)-1]
	for _, r := range rules {
		if count(r) >= 2 {
			rule = r
			break
		}
	}
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, e)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if rule(m) {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// LogY switches the y axis of p to a logarithmic scale, with tick labels
// at powers of ten (and at 2× and 5× on short ranges). It is meant for
// loss curves that span several orders of magnitude:
//
//	p, err := viz.Lines("SGD vs Adam", "epoch", "loss", sgd, adam)
//	...
//	err = viz.LogY(p)
//
// Call it after the data has been added. It returns an error, and leaves
// p unchanged, when the smallest y value is zero or negative.
func LogY(p *plot.Plot) error {
	lo, hi := p.Y.Min, p.Y.Max
	if m, ok := metaOf(p); ok && m.hasY {
		lo, hi = m.yLo, m.yHi
	}
	if !(lo > 0) {
		return &dataError{msg: "viz: a log-scale y axis needs positive values, but the smallest y is " +
			fmtG(lo) + "; plot the values on a linear axis or shift them above 0"}
	}
	f := 1.1
	if hi > lo {
		f = math.Pow(hi/lo, yMargin)
	}
	p.Y.Min, p.Y.Max = lo/f, hi*f
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	return nil
}

// dataError is a message for the learner; it can wrap plotter.ErrNaN or
// plotter.ErrInfinity so callers can test with errors.Is.
type dataError struct {
	msg string
	err error
}

func (e *dataError) Error() string { return e.msg }
func (e *dataError) Unwrap() error { return e.err }

// badValue returns the index of the first NaN or ±Inf in vs, or -1.
func badValue(vs []float64) int {
	for i, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// describe names a non-finite value ("NaN", "+Inf", "-Inf") and returns
// the plotter error it corresponds to.
func describe(v float64) (string, error) {
	switch {
	case math.IsNaN(v):
		return "NaN", plotter.ErrNaN
	case math.IsInf(v, 1):
		return "+Inf", plotter.ErrInfinity
	default:
		return "-Inf", plotter.ErrInfinity
	}
}

// fmtG formats v compactly for messages and labels.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
