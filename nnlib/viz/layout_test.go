package viz

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Saturated tanh outputs hold both −1 and 0.9999999999999999; plot's
// NewHist rounds the bin of the maximum one past the last bin and
// panics, for any number of bins.
func TestHistogramSaturatedValues(t *testing.T) {
	vs := []float64{-1, 0.9999999999999999, 1}
	for bins := 1; bins <= 100; bins++ {
		p, err := Histogram("x", vs, bins)
		if err != nil {
			t.Fatalf("%d bins: %v", bins, err)
		}
		if _, err := PNG(p, 3*vg.Inch, 2*vg.Inch); err != nil {
			t.Fatalf("%d bins: %v", bins, err)
		}
		h, err := binValues(vs, bins)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Bins) != bins {
			t.Fatalf("%d bins requested, %d made", bins, len(h.Bins))
		}
		total := 0.0
		for _, b := range h.Bins {
			total += b.Weight
		}
		first, last := h.Bins[0], h.Bins[bins-1]
		if total != 3 || first.Weight < 1 || last.Weight < 1 || first.Min != -1 || last.Max != 1 {
			t.Fatalf("%d bins: total %g, first bin %+v, last bin %+v; want 3 values, −1 in the first bin and 1 in the last", bins, total, first, last)
		}
	}
	// Values spread over the whole float64 range do not overflow.
	h, err := binValues([]float64{-math.MaxFloat64, 0, math.MaxFloat64}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := []float64{h.Bins[0].Weight, h.Bins[1].Weight, h.Bins[2].Weight, h.Bins[3].Weight}; got[0] != 1 || got[2] != 1 || got[3] != 1 {
		t.Errorf("bins over ±MaxFloat64: %v, want [1 0 1 1]", got)
	}
	for _, b := range h.Bins {
		if math.IsInf(b.Min, 0) || math.IsInf(b.Max, 0) || !(b.Min < b.Max) {
			t.Errorf("bin [%g, %g] over ±MaxFloat64", b.Min, b.Max)
		}
	}
	// NaN and ±Inf are still errors.
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		if _, err := Histogram("x", []float64{-1, bad, 1}, 10); err == nil {
			t.Errorf("Histogram with %g gave no error", bad)
		}
	}
}

// Tick labels on tiny (and huge) ranges are short, distinct and read
// back as the tick values.
func TestNiceTicksCompact(t *testing.T) {
	for _, r := range [][2]float64{{-1e-5, 1e-5}, {-1e-6, 1e-6}, {-3e-9, 2e-9}, {0.00012, 0.00019}, {0, 3e5}, {-2.5e12, 1e12}} {
		var labels []string
		for _, tk := range (niceTicks{}).Ticks(r[0], r[1]) {
			if tk.IsMinor() {
				continue
			}
			labels = append(labels, tk.Label)
			if len(tk.Label) > 7 {
				t.Errorf("ticks on [%g, %g]: label %q is long", r[0], r[1], tk.Label)
			}
			v, err := strconv.ParseFloat(tk.Label, 64)
			if err != nil || math.Abs(v-tk.Value) > 1e-9*math.Max(math.Abs(r[0]), math.Abs(r[1])) {
				t.Errorf("ticks on [%g, %g]: label %q for value %g", r[0], r[1], tk.Label, tk.Value)
			}
		}
		if len(labels) < 3 || len(labels) > 8 {
			t.Errorf("ticks on [%g, %g]: %d labels %v, want 3 to 8", r[0], r[1], len(labels), labels)
		}
		seen := map[string]bool{}
		for _, l := range labels {
			if seen[l] {
				t.Errorf("ticks on [%g, %g]: label %q twice in %v", r[0], r[1], l, labels)
			}
			seen[l] = true
		}
	}
	if got := compactG(-5e-7, 2); got != "-5e-7" {
		t.Errorf("compactG(-5e-7) = %q", got)
	}
	// A histogram of values within ±1e-6, in a grid tile: the x labels
	// do not overlap.
	rng := rand.New(rand.NewPCG(1, 1))
	vs := make([]float64, 500)
	for i := range vs {
		vs[i] = 1e-6 * math.Tanh(rng.NormFloat64())
	}
	p, err := Histogram("tiny", vs, 30)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]vg.Length{{gridTileW, gridTileH}, {ShowWidth, ShowHeight}} {
		c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: size[0], Y: size[1]}}}
		d := newDrawing(p)
		d.layout(c)
		da := d.dataArea(c)
		if !labelsFit(&d.q.X, d.q.X.Tick.Marker, da.Max.X-da.Min.X, true) {
			t.Errorf("x tick labels overlap at %v×%v", size[0], size[1])
		}
		n := 0
		for _, tk := range d.q.X.Tick.Marker.Ticks(d.q.X.Min, d.q.X.Max) {
			if !tk.IsMinor() {
				n++
			}
		}
		if n < 2 {
			t.Errorf("only %d x tick labels at %v×%v", n, size[0], size[1])
		}
	}
}

// logLabels returns the labelled ticks of logTicks on [lo, hi].
func logLabels(lo, hi float64, max int) (values []float64, labels []string) {
	for _, tk := range (logTicks{maxLabels: max}).Ticks(lo, hi) {
		if !tk.IsMinor() {
			values, labels = append(values, tk.Value), append(labels, tk.Label)
		}
	}
	return values, labels
}

// Over many decades LogY labels every k-th one, at most 7 labels.
func TestLogTicksManyDecades(t *testing.T) {
	for _, r := range [][2]float64{{1e-10, 1e11}, {1e-35, 1e3}, {3e-300, 1e300}, {1e-10, 1e2}} {
		values, labels := logLabels(r[0], r[1], 0)
		if len(labels) < 3 || len(labels) > defaultLogLabels {
			t.Errorf("[%g, %g]: %d labels %v, want 3 to %d", r[0], r[1], len(labels), labels, defaultLogLabels)
			continue
		}
		// Labelled values are powers of ten, evenly spaced in exponent,
		// and include 1 when it is in range.
		step := math.Round(math.Log10(values[1]) - math.Log10(values[0]))
		hasOne := false
		for i, v := range values {
			e := math.Log10(v)
			if math.Abs(e-math.Round(e)) > 1e-9 {
				t.Errorf("[%g, %g]: label %q at %g is not a power of ten", r[0], r[1], labels[i], v)
			}
			if i > 0 && math.Abs(math.Round(e-math.Log10(values[i-1]))-step) > 0 {
				t.Errorf("[%g, %g]: labels %v are not evenly spaced", r[0], r[1], labels)
			}
			hasOne = hasOne || v == 1
		}
		if r[0] <= 1 && r[1] >= 1 && !hasOne {
			t.Errorf("[%g, %g]: labels %v leave out 1", r[0], r[1], labels)
		}
	}
	if _, labels := logLabels(1e-10, 1e2, 0); strings.Join(labels, " ") != "10⁻¹⁰ 10⁻⁸ 10⁻⁶ 10⁻⁴ 10⁻² 10⁰ 10²" {
		t.Errorf("labels on [1e-10, 100]: %v", labels)
	}
	if _, labels := logLabels(1e-10, 1e2, 4); len(labels) > 4 {
		t.Errorf("labels on [1e-10, 100] with at most 4: %v", labels)
	}
	// Minor ticks stay unlabelled and mark the other decades.
	ticks := (logTicks{}).Ticks(1e-35, 1e3)
	minor := 0
	for _, tk := range ticks {
		if tk.IsMinor() {
			minor++
		}
	}
	if minor < 20 {
		t.Errorf("%d minor ticks on [1e-35, 1e3], want the unlabelled decades", minor)
	}
}

// series returns a Series of n points y(1), …, y(n).
func series(name string, n int, y func(x float64) float64) Series {
	s := Series{Name: name}
	for i := 1; i <= n; i++ {
		s.Y = append(s.Y, y(float64(i)))
	}
	return s
}

// covered returns how many sampled data points lie under the legend of
// p drawn at w×h, and whether the legend went outside the data area.
func covered(t *testing.T, p *plot.Plot, w, h vg.Length) (n int, outside bool) {
	t.Helper()
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
	d := newDrawing(p)
	if d.fit == nil {
		t.Fatal("the plot has no legend data")
	}
	d.layout(c)
	da := d.dataArea(c)
	if d.outside > 0 {
		if da.Max.X > c.Max.X-d.outside {
			t.Errorf("data area reaches %v, into the legend's %v", da.Max.X, c.Max.X-d.outside)
		}
		return 0, true
	}
	lines, points := d.fit.samples(d.q, da)
	box := legendBox(d.legend, da)
	return countIn(lines, box) + countIn(points, box), false
}

// After LogY the legend moves to the corner that is free on the log
// scale.
func TestLogYMovesLegend(t *testing.T) {
	fall := series("falling", 50, func(x float64) float64 { return 1e3 * math.Pow(1e-9, (x-1)/49) })
	flat := Series{Name: "flat"}
	for x := 26; x <= 50; x++ {
		flat.X, flat.Y = append(flat.X, float64(x)), append(flat.Y, 300)
	}
	p, err := Lines("runs", "epoch", "loss", fall, flat)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Legend.Top || p.Legend.Left {
		t.Fatalf("linear axis: legend top %v left %v, want the free top right", p.Legend.Top, p.Legend.Left)
	}
	if err := LogY(p); err != nil {
		t.Fatal(err)
	}
	// On the log scale the flat run fills the top right and the falling
	// one the top left and bottom right.
	if p.Legend.Top || !p.Legend.Left {
		t.Errorf("log axis: legend top %v left %v, want the bottom left", p.Legend.Top, p.Legend.Left)
	}
	if n, _ := covered(t, p, ShowWidth, ShowHeight); n != 0 {
		t.Errorf("the legend covers %d data points on the log scale", n)
	}
}

// axisLine finds the y axis line of a rendered plot: the longest
// vertical run of dark pixels in the left third. It returns the column
// and the first and last rows.
func axisLine(img image.Image) (x, top, bottom int) {
	b := img.Bounds()
	best := 0
	for cx := b.Min.X; cx < b.Min.X+b.Dx()/3; cx++ {
		run := 0
		for cy := b.Min.Y; cy < b.Max.Y; cy++ {
			if luminance(img.At(cx, cy)) < 0.7 {
				run++
				if run > best {
					best, x, top, bottom = run, cx, cy-run+1, cy
				}
			} else {
				run = 0
			}
		}
	}
	return x, top, bottom
}

// A long y label on a log axis is centred on the axis and leaves no
// blank band above the data: plot makes room for it around the value
// halfway between Min and Max, near the top of a log axis.
func TestLogYLabel(t *testing.T) {
	run := series("Adam", 100, func(x float64) float64 { return 1e2 * math.Pow(1e-12, (x-1)/99) })
	render := func(logY bool) image.Image {
		p, err := Lines("Adam", "epoch", "training loss", run)
		if err != nil {
			t.Fatal(err)
		}
		if logY {
			if err := LogY(p); err != nil {
				t.Fatal(err)
			}
		}
		b, err := PNG(p, ShowWidth, ShowHeight)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	_, linTop, _ := axisLine(render(false))
	img := render(true)
	x, top, bottom := axisLine(img)
	if top-linTop > 4 {
		t.Errorf("the log plot's data area starts %d pixels lower than the linear plot's (row %d, not %d): a blank band under the title", top-linTop, top, linTop)
	}
	// The label is the dark pixels left of the tick labels.
	lo, hi := -1, -1
	for cy := 0; cy < img.Bounds().Dy(); cy++ {
		for cx := 0; cx < pixels(vg.Points(labelSize)); cx++ {
			if luminance(img.At(cx, cy)) < 0.6 {
				if lo < 0 {
					lo = cy
				}
				hi = cy
			}
		}
	}
	if lo < 0 {
		t.Fatalf("no y label found left of the axis at column %d", x)
	}
	if d := (lo + hi - top - bottom) / 2; d < -4 || d > 4 {
		t.Errorf("y label spans rows %d–%d, off the centre of the axis (%d–%d) by %d pixels", lo, hi, top, bottom, d)
	}
}

// Legends in small plots: measured at the size the plot is drawn,
// the legend covers no data.
func TestLegendCoversNoData(t *testing.T) {
	grid := lineGrid(t)
	names := []string{"SGD", "momentum 0.9", "Adam with a long name"}
	var runs []Series
	for i, name := range names {
		// Curves that sweep through every corner's box at some size.
		runs = append(runs, series(name, 60, func(x float64) float64 {
			return 1 + math.Sin(x/9+float64(i))*0.8 + 0.1*float64(i)
		}))
	}
	wavy, err := Lines("waves", "step", "value", runs...)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := Lines("flat at the top", "epoch", "accuracy",
		series("train", 30, func(x float64) float64 { return 0.99 - 0.01*math.Exp(-x) }),
		series("validation", 30, func(x float64) float64 { return 0.98 - 0.01*math.Exp(-x) }),
		series("test", 30, func(x float64) float64 { return 0.97 }))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	pts, labels := blobs(80, rng)
	scatter, err := Scatter("blobs", "x", "y", mat.Col(nil, 0, pts), mat.Col(nil, 1, pts), labels, []string{"setosa", "versicolor", "virginica"})
	if err != nil {
		t.Fatal(err)
	}
	plots := append(grid, wavy, flat, scatter)
	for i, p := range plots {
		for _, size := range [][2]vg.Length{{3.2 * vg.Inch, 2.4 * vg.Inch}, {4.5 * vg.Inch, 3.2 * vg.Inch}, {ShowWidth, ShowHeight}} {
			if n, _ := covered(t, p, size[0], size[1]); n != 0 {
				t.Errorf("plot %d (%q) at %v×%v: the legend covers %d data points", i, p.Title.Text, size[0], size[1], n)
			}
		}
	}
	// A legend the caller placed stays there.
	p, _ := Lines("mine", "x", "y", runs...)
	p.Legend.Top, p.Legend.Left = false, false
	d := newDrawing(p)
	d.layout(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 3 * vg.Inch, Y: 2 * vg.Inch}}})
	if d.legend.Top || d.legend.Left || d.q.Y.Max != p.Y.Max || d.outside != 0 {
		t.Errorf("a legend moved by the caller was moved again: top %v left %v, y max %g (was %g), outside %v", d.legend.Top, d.legend.Left, d.q.Y.Max, p.Y.Max, d.outside)
	}
	// Drawing does not change the plot.
	before := p.Y.Max
	if _, err := PNG(grid[0], 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if grid[0].Y.Max != before && p.Y.Max != before {
		t.Error("drawing changed the plot's y range")
	}
}

// ShowGrid makes line plots larger than histograms: two columns share
// about 11 inches.
func TestGridTile(t *testing.T) {
	lines := lineGrid(t)
	w, h := gridTile(2, lines)
	if w != 5.5*vg.Inch || h != gridTileAspect*5.5*vg.Inch {
		t.Errorf("line tiles in 2 columns: %v×%v, want 5.5 in wide", w, h)
	}
	if w, _ := gridTile(8, lines); w != lineTileMinW {
		t.Errorf("line tiles in 8 columns: %v wide, want %v", w, lineTileMinW)
	}
	hist, _ := Histogram("h", []float64{1, 2, 3}, 3)
	if w, h := gridTile(2, []*plot.Plot{hist, nil, hist}); w != gridTileW || h != gridTileH {
		t.Errorf("histogram tiles: %v×%v, want %v×%v", w, h, gridTileW, gridTileH)
	}
	if w, _ := gridTile(2, []*plot.Plot{hist, lines[0]}); w != 5.5*vg.Inch {
		t.Errorf("mixed tiles: %v wide, want the line plot size", w)
	}
}

// Contour's title and axis labels can be changed after it is built.
func TestContourTexts(t *testing.T) {
	bowl := func(x, y float64) float64 { return x*x + y*y }
	p, err := Contour(bowl, -1, 1, -1, 1, Path{Name: "GD", X: []float64{1, 0.5}, Y: []float64{1, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Title.Text != "Loss surface" || p.X.Label.Text != "w₁" || p.Y.Label.Text != "w₂" {
		t.Errorf("default texts %q, %q, %q", p.Title.Text, p.X.Label.Text, p.Y.Label.Text)
	}
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = "Paraboloid", "θ₁₀", "bias b"
	s, err := SVG(p, 5*vg.Inch, 4*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Paraboloid", "θ₁₀", "bias b"} {
		if !strings.Contains(s, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	for _, old := range []string{"Loss surface", "w₁", "w₂"} {
		if strings.Contains(s, old) {
			t.Errorf("the SVG still has %q", old)
		}
	}
}

// DecisionBoundaryBatch calls predict once and draws the same picture as
// DecisionBoundary.
func TestDecisionBoundaryBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	pts, labels := blobs(30, rng)
	classes := []string{"a", "b", "c"}
	calls := 0
	batch := func(grid *mat.Dense) []int {
		calls++
		m, d := grid.Dims()
		if m != boundaryGrid*boundaryGrid || d != 2 {
			t.Errorf("grid is %d×%d, want %d×2", m, d, boundaryGrid*boundaryGrid)
		}
		out := make([]int, m)
		for r := range m {
			out[r] = nearestCentre(grid.At(r, 0), grid.At(r, 1))
		}
		return out
	}
	pb, err := DecisionBoundaryBatch(batch, pts, labels, classes)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("predict called %d times, want 1", calls)
	}
	single := 0
	ps, err := DecisionBoundary(func(x, y float64) int { single++; return nearestCentre(x, y) }, pts, labels, classes)
	if err != nil {
		t.Fatal(err)
	}
	if single != boundaryGrid*boundaryGrid {
		t.Errorf("DecisionBoundary called predict %d times, want %d", single, boundaryGrid*boundaryGrid)
	}
	a, err := PNG(pb, 5*vg.Inch, 4*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(ps, 5*vg.Inch, 4*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("DecisionBoundaryBatch and DecisionBoundary draw different pictures")
	}

	for _, c := range []struct {
		predict func(*mat.Dense) []int
		want    string
	}{
		{nil, "viz: DecisionBoundaryBatch: predict is nil"},
		{func(g *mat.Dense) []int { return make([]int, 10) }, "viz: DecisionBoundaryBatch: predict returned 10 classes for a grid of 25600 points"},
		{func(g *mat.Dense) []int { out := make([]int, 25600); out[5] = 3; return out },
			"viz: DecisionBoundaryBatch: predict returned class 3 for grid row 5"},
	} {
		_, err := DecisionBoundaryBatch(c.predict, pts, labels, classes)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
	if _, err := DecisionBoundaryBatch(batch, mat.NewDense(2, 3, nil), []int{0, 1}, nil); err == nil || !strings.Contains(err.Error(), "it must be n×2") {
		t.Errorf("3 columns: %v", err)
	}
}

// The font sets subscript digits tightly: "₁₀" is narrower than "10".
// (Liberation Sans gives them the full width of a digit, which leaves a
// gap after each.)
func TestFontSubscripts(t *testing.T) {
	for _, f := range []font.Font{sans, sansBold} {
		face := font.DefaultCache.Lookup(f, 12)
		if face.Face == nil || face.Font.Typeface != f.Typeface {
			t.Fatalf("font %v is not registered", f)
		}
		sub, digits := face.Width("₁₀"), face.Width("10")
		if sub > 0.8*digits {
			t.Errorf("%v: width of ₁₀ is %v, of 10 %v; want subscripts at most 0.8 as wide", f.Name(), sub, digits)
		}
	}
	// Every character the package and the course put in labels has a
	// glyph.
	face := font.DefaultCache.Lookup(sans, 12)
	var buf []rune
	for _, r := range "αβγδεηθλμσφψωΔΣ∇∂′″·×−±≈≤≥→←∞√∑⁰¹²³⁴⁵⁶⁷⁸⁹⁻₀₁₂₃₄₅₆₇₈₉ŷ" {
		buf = append(buf, r)
	}
	var sb strings.Builder
	for _, r := range buf {
		i, err := face.Face.GlyphIndex(nil, r)
		if err != nil || i == 0 {
			sb.WriteRune(r)
		}
	}
	if sb.Len() > 0 {
		t.Errorf("no glyph for %q", sb.String())
	}
}

// samples leaves out what lies outside the data area and keeps points
// along long segments close together.
func TestSamples(t *testing.T) {
	p := newPlot("", "", "")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 10, 0, 10
	fit := &legendFit{lines: []plotter.XYs{{{X: -100, Y: 5}, {X: 100, Y: 5}}}, points: plotter.XYs{{X: 5, Y: 5}, {X: 50, Y: 5}}}
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 4 * vg.Inch, Y: 3 * vg.Inch}}}
	da := p.DataCanvas(c)
	lines, points := fit.samples(p, da)
	if len(points) != 1 {
		t.Errorf("%d points kept, want the one inside", len(points))
	}
	width := float64(da.Max.X - da.Min.X)
	if n := len(lines); n < int(width/2) || n > int(width/2)+3 {
		t.Errorf("%d samples across a data area %.0f points wide; want one every 2 points", n, width)
	}
	for _, q := range lines {
		if !inside(da.Rectangle, q) {
			t.Fatalf("sample %v outside the data area %v", q, da.Rectangle)
		}
	}
}
