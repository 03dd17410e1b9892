package viz

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
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

// The package's fonts: DejaVu Sans, registered with gonum/plot's font
// cache under the typeface "DejaVu". It covers far more of Unicode than
// Liberation Sans, plot's default, and its subscript and superscript
// digits are proportional, so "w₁₀" and "10⁻³" set tightly instead of
// with a digit-wide gap after each small figure.
var (
	sans       = font.Font{Typeface: "DejaVu", Variant: "Sans"}
	sansBold   = font.Font{Typeface: "DejaVu", Variant: "Sans", Weight: xfont.WeightBold}
	gridColor  = color.Gray{Y: 0xDD}
	axisColor  = color.Gray{Y: 0x40}
	mutedColor = color.Gray{Y: 0x70}
)

func init() {
	var coll font.Collection
	for _, f := range []struct {
		font font.Font
		ttf  []byte
	}{{sans, dejavusans.TTF}, {sansBold, dejavusansbold.TTF}} {
		face, err := opentype.Parse(f.ttf)
		if err != nil {
			panic("viz: parsing the embedded DejaVu font: " + err.Error())
		}
		coll = append(coll, font.Face{Font: f.font, Face: face})
	}
	font.DefaultCache.Add(coll)
}

// Font sizes, chosen for a 6×4 inch plot; they also stay readable in the
// tiles of ShowGrid.
const (
	titleSize  = 13
	labelSize  = 11.5
	tickSize   = 10
	legendSize = 10.5
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
	setCorner(&p.Legend, corner{top: true})
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

// niceTicks labels about n round values (steps of 1, 2, 2.5 or 5 times
// a power of ten; n = 0 means 6) with a minor tick between each; with
// integer set, only whole numbers (epochs, steps). plot's DefaultTicks
// labels as few as three values, too few to read a loss off a curve.
// Values that would need more than four decimals, or that reach 10⁵,
// are labelled in compact exponent form ("5e-7", "1.5e5"). When a plot
// is drawn, n is lowered until the labels fit the axis (see fitTicks).
type niceTicks struct {
	integer bool
	n       int
}

func (t niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	n := t.n
	if n <= 0 {
		n = 6
	}
	raw := (hi - lo) / float64(n)
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
	first := math.Ceil(lo/step-1e-9) * step
	var values []float64
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > hi+1e-9*step {
			break
		}
		if math.Abs(v) < 1e-12*step {
			v = 0
		}
		values = append(values, v)
	}
	largest := 0.0
	for _, v := range values {
		largest = math.Max(largest, math.Abs(v))
	}
	format := func(v float64) string { return strconv.FormatFloat(v, 'f', decimals, 64) }
	if decimals > 4 || largest >= 1e5 {
		// Enough significant digits to tell neighbouring labels apart.
		digits := int(math.Floor(math.Log10(largest))-math.Floor(math.Log10(step))) + 1
		if s := step / math.Pow(10, math.Floor(math.Log10(step))); math.Abs(s-math.Round(s)) > 1e-9 {
			digits++ // a step of 2.5·10ᵏ
		}
		digits = min(max(digits, 1), 15)
		format = func(v float64) string { return compactG(v, digits) }
	}
	var ticks []plot.Tick
	for _, v := range values {
		ticks = append(ticks, plot.Tick{Value: v, Label: format(v)})
		if half := v + step/2; half <= hi && (!t.integer || half == math.Trunc(half)) {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	if half := first - step/2; half >= lo && (!t.integer || half == math.Trunc(half)) {
		ticks = append(ticks, plot.Tick{Value: half})
	}
	return ticks
}

// compactG formats v with at most digits significant digits in the
// shortest of plain and exponent form, with a bare exponent: "0.25",
// "5e-7", "-1.5e5", "0".
func compactG(v float64, digits int) string {
	if v == 0 {
		return "0"
	}
	s := strconv.FormatFloat(v, 'g', digits, 64)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	sign := ""
	switch exp[0] {
	case '-':
		sign, exp = "-", exp[1:]
	case '+':
		exp = exp[1:]
	}
	return mant + "e" + sign + strings.TrimLeft(exp, "0")
}

// defaultLogLabels is the most decades logTicks labels unless a plot is
// drawn too short for them.
const defaultLogLabels = 7

// logTicks marks a logarithmic axis. Over a wide range it labels powers
// of ten, every k-th decade (10⁻¹⁰, 10⁻⁸, …, 1, 100) so that at most
// maxLabels labels appear (0 means 7), with unlabelled ticks at the
// other decades, or at 2×…9× within each decade when every decade is
// labelled and there are few. On a short range it labels 2× and 5× as
// well (a loss going from 0.9 to 0.2), and every multiple when even
// those are too few.
type logTicks struct{ maxLabels int }

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	maxLabels := t.maxLabels
	if maxLabels <= 0 {
		maxLabels = defaultLogLabels
	}
	first := int(math.Floor(math.Log10(lo)))
	last := int(math.Ceil(math.Log10(hi)))
	inRange := func(v float64) bool { return v >= lo*(1-1e-12) && v <= hi*(1+1e-12) }
	var decades []int // powers of ten in range
	for e := first; e <= last; e++ {
		if inRange(math.Pow(10, float64(e))) {
			decades = append(decades, e)
		}
	}
	var ticks []plot.Tick
	if len(decades) >= 2 {
		// Label the decades that are multiples of k, the least k that
		// keeps the labels within maxLabels.
		k := 1
		for ; ; k++ {
			n := 0
			for _, e := range decades {
				if e%k == 0 {
					n++
				}
			}
			if n <= maxLabels || k >= len(decades) {
				break
			}
		}
		// Unlabelled decades are minor ticks, thinned to about 40.
		minor := max(1, (len(decades)+39)/40)
		plain := true
		for _, e := range decades {
			if e%k == 0 && (e < -3 || e > 4) {
				plain = false
			}
		}
		for _, e := range decades {
			v := math.Pow(10, float64(e))
			switch {
			case e%k == 0:
				ticks = append(ticks, plot.Tick{Value: v, Label: decadeLabel(e, plain)})
			case e%minor == 0:
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
		if k == 1 && len(decades) <= 12 {
			for e := first; e <= last; e++ {
				for m := 2; m <= 9; m++ {
					if v := float64(m) * math.Pow(10, float64(e)); inRange(v) {
						ticks = append(ticks, plot.Tick{Value: v})
					}
				}
			}
		}
		return ticks
	}
	count := func(labelled func(m int) bool) int {
		n := 0
		for e := first; e <= last; e++ {
			for m := 1; m <= 9; m++ {
				if v := float64(m) * math.Pow(10, float64(e)); inRange(v) && labelled(m) {
					n++
				}
			}
		}
		return n
	}
	rule := func(m int) bool { return true }
	if count(func(m int) bool { return m == 1 || m == 2 || m == 5 }) >= 2 {
		rule = func(m int) bool { return m == 1 || m == 2 || m == 5 }
	}
	for e := first; e <= last; e++ {
		for m := 1; m <= 9; m++ {
			v := float64(m) * math.Pow(10, float64(e))
			if !inRange(v) {
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

// decadeLabel labels 10^e: in plain form ("0.001" to "10000") when
// every labelled decade fits it, else as a power of ten ("10⁻⁸", "10⁰",
// "10⁵").
func decadeLabel(e int, plain bool) string {
	if plain {
		return strconv.FormatFloat(math.Pow(10, float64(e)), 'f', -1, 64)
	}
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	sup := []rune(digits)
	var b strings.Builder
	b.WriteString("10")
	if e < 0 {
		b.WriteRune('⁻')
		e = -e
	}
	for _, d := range strconv.Itoa(e) {
		b.WriteRune(sup[d-'0'])
	}
	return b.String()
}

// LogY switches the y axis of p to a logarithmic scale, with tick labels
// at powers of ten (every k-th one over many orders of magnitude, and 2×
// and 5× too over less than one). It is meant for loss curves that span
// several orders of magnitude:
//
//	p, err := viz.Lines("SGD vs Adam", "epoch", "loss", sgd, adam)
//	...
//	err = viz.LogY(p)
//
// The legend moves to the corner that is free on the log scale, and the
// y label stays centred on the axis. Call LogY after the data has been
// added. It returns an error, and leaves p unchanged, when the smallest
// y value is zero or negative.
func LogY(p *plot.Plot) error {
	lo, hi := p.Y.Min, p.Y.Max
	m, ok := metaOf(p)
	if ok && m.hasY {
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
	if ok && m.legend != nil && m.legend.placedBy(p.Legend) {
		placeLegend(p, m.legend)
	}
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
