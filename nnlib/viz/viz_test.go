package viz

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/nnfromscratch/nngo/nnlib"
)

// pixels is the size in pixels of a length at DPI.
func pixels(l vg.Length) int { return int(float64(l)/72*float64(DPI) + 0.5) }

// decode decodes a PNG and checks its size.
func decode(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: w, Y: h}) {
		t.Fatalf("PNG is %v, want %d×%d", got, w, h)
	}
	return img
}

func TestBuildersRenderPNG(t *testing.T) {
	plots := samplePlots(t)
	if len(plots) < 10 {
		t.Fatalf("only %d sample plots", len(plots))
	}
	for name, p := range plots {
		t.Run(name, func(t *testing.T) {
			b, err := PNG(p, 5*vg.Inch, 3*vg.Inch)
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b, pixels(5*vg.Inch), pixels(3*vg.Inch))
			// Something besides the white background was drawn.
			if dark := countDark(img); dark < 500 {
				t.Errorf("only %d dark pixels; the plot looks empty", dark)
			}
		})
	}
}

func countDark(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if luminance(img.At(x, y)) < 0.5 {
				n++
			}
		}
	}
	return n
}

func TestPNGAndSVGErrors(t *testing.T) {
	if _, err := PNG(nil, vg.Inch, vg.Inch); err == nil {
		t.Error("PNG(nil) gave no error")
	}
	p, _ := LossCurves(sampleHistory())
	if _, err := PNG(p, 0, vg.Inch); err == nil {
		t.Error("PNG with zero width gave no error")
	}
	s, err := SVG(p, 4*vg.Inch, 3*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "<svg") || !strings.Contains(s, "</svg>") {
		t.Errorf("SVG output is not an SVG document: %.100q", s)
	}
}

// A drawing panic inside gonum/plot comes back as an error.
func TestPNGRecoversPanic(t *testing.T) {
	p := newPlot("bad", "", "")
	h := plotter.NewHeatMap(cmGrid{{1}}, colors(nil)) // empty palette panics
	p.Add(h)
	_, err := PNG(p, 2*vg.Inch, 2*vg.Inch)
	if err == nil || !strings.Contains(err.Error(), "viz: drawing the plot failed") {
		t.Errorf("err = %v, want a drawing error", err)
	}
}

func TestGridPNG(t *testing.T) {
	var hists []*plot.Plot
	for i := range 7 {
		vs := make([]float64, 100)
		for k := range vs {
			vs[k] = math.Sin(float64(k*(i+1))) * float64(i+1)
		}
		p, err := Histogram("layer", vs, 10)
		if err != nil {
			t.Fatal(err)
		}
		hists = append(hists, p)
	}
	hists[3] = nil // a blank tile
	b, err := GridPNG(3, 9*vg.Inch, 6*vg.Inch, hists...)
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, pixels(9*vg.Inch), pixels(6*vg.Inch))

	// More columns than plots: one row.
	if _, err := GridPNG(10, 6*vg.Inch, 2*vg.Inch, hists[:2]...); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		cols  int
		plots []*plot.Plot
	}{{0, hists}, {3, nil}, {2, []*plot.Plot{nil, nil}}} {
		if _, err := GridPNG(c.cols, 6*vg.Inch, 4*vg.Inch, c.plots...); err == nil {
			t.Errorf("GridPNG(%d, %d plots) gave no error", c.cols, len(c.plots))
		}
	}
}

func TestHistoryCurveErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	diverged := func() *nnlib.History {
		h := &nnlib.History{}
		for e := 1; e <= 20; e++ {
			v := 1 / float64(e)
			if e >= 12 {
				v = nan
			}
			h.TrainLoss = append(h.TrainLoss, v)
		}
		return h
	}
	tests := []struct {
		name     string
		build    func(*nnlib.History) (*plot.Plot, error)
		h        *nnlib.History
		want     string
		sentinel error
	}{
		{"NaN from epoch 12", LossCurves, diverged(),
			"viz: training loss is NaN from epoch 12 on; try a smaller learning rate", plotter.ErrNaN},
		{"Inf at one epoch", LossCurves, &nnlib.History{TrainLoss: []float64{1, 0.5, 0.4, 0.3}, ValLoss: []float64{1, 0.6, inf, 0.5}},
			"viz: validation loss is +Inf at epoch 3; try a smaller learning rate", plotter.ErrInfinity},
		{"NaN from the start", LossCurves, &nnlib.History{TrainLoss: []float64{nan, nan}},
			"viz: training loss is NaN from the first epoch on; try a smaller learning rate", plotter.ErrNaN},
		{"accuracy NaN", AccuracyCurves, &nnlib.History{TrainLoss: []float64{1, 0.5}, TrainAccuracy: []float64{0.5, 0.7}, ValAccuracy: []float64{0.4, nan}},
			"viz: validation accuracy is NaN from epoch 2 on; accuracy is NaN when the set it is measured on is empty; check the split sizes", plotter.ErrNaN},
		{"empty history", LossCurves, &nnlib.History{}, "viz: LossCurves: the history has no epochs", nil},
		{"nil history", AccuracyCurves, nil, "viz: AccuracyCurves: the history has no epochs", nil},
		{"no accuracy", AccuracyCurves, &nnlib.History{TrainLoss: []float64{1, 0.5}}, "viz: AccuracyCurves: the history has no accuracy", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.build(tc.h)
			if err == nil {
				t.Fatalf("no error (plot %v)", p != nil)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n got %q\nwant %q", err, tc.want)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("error %q does not wrap %v", err, tc.sentinel)
			}
		})
	}
}

func TestLossCurvesContent(t *testing.T) {
	// Training loss only, one epoch: still a plot.
	if _, err := LossCurves(&nnlib.History{TrainLoss: []float64{0.7}}); err != nil {
		t.Errorf("one epoch: %v", err)
	}
	h := sampleHistory()
	p, err := LossCurves(h)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 1 || p.X.Max != 20 {
		t.Errorf("x axis [%g, %g], want epochs [1, 20]", p.X.Min, p.X.Max)
	}
	if p.X.Label.Text != "epoch" || p.Y.Label.Text != "loss" {
		t.Errorf("axis labels %q, %q", p.X.Label.Text, p.Y.Label.Text)
	}
	// The y range covers both curves.
	lo, hi := minMax(append(append([]float64{}, h.TrainLoss...), h.ValLoss...))
	if p.Y.Min > lo || p.Y.Max < hi {
		t.Errorf("y axis [%g, %g] does not cover the losses [%g, %g]", p.Y.Min, p.Y.Max, lo, hi)
	}
	// Early stopping adds a legend entry: the legend is taller than
	// without it.
	c := draw.New(vgimg.New(6*vg.Inch, 4*vg.Inch))
	withBest := p.Legend.Rectangle(c).Size().Y
	h.StoppedEarly = false
	p2, _ := LossCurves(h)
	if without := p2.Legend.Rectangle(c).Size().Y; withBest <= without {
		t.Errorf("legend height %v with the best-epoch mark, %v without", withBest, without)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi  float64
		integer bool
		want    []string
	}{
		{0.08, 1.06, false, []string{"0.2", "0.4", "0.6", "0.8", "1.0"}},
		{1, 20, true, []string{"5", "10", "15", "20"}},
		{1, 3, true, []string{"1", "2", "3"}},
		{-3, 3, false, []string{"-3", "-2", "-1", "0", "1", "2", "3"}},
	} {
		var got []string
		for _, tk := range (niceTicks{integer: c.integer}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("ticks on [%g, %g]: %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

func TestLogY(t *testing.T) {
	loss := Series{Name: "SGD", Y: []float64{2, 0.5, 0.1, 0.02, 0.005}}
	p, err := Lines("loss", "epoch", "loss", loss)
	if err != nil {
		t.Fatal(err)
	}
	if err := LogY(p); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("y scale is %T, want plot.LogScale", p.Y.Scale)
	}
	if !(p.Y.Min > 0 && p.Y.Min < 0.005 && p.Y.Max > 2) {
		t.Errorf("log y range [%g, %g] does not cover [0.005, 2]", p.Y.Min, p.Y.Max)
	}
	var labels []string
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "0.01 0.1 1" {
		t.Errorf("log tick labels %v, want [0.01 0.1 1]", labels)
	}
	if _, err := PNG(p, 4*vg.Inch, 3*vg.Inch); err != nil {
		t.Fatal(err)
	}
	// A short range gets 2× and 5× labels too.
	var short []string
	for _, tk := range (logTicks{}).Ticks(0.15, 0.9) {
		if tk.Label != "" {
			short = append(short, tk.Label)
		}
	}
	if strings.Join(short, " ") != "0.2 0.5" {
		t.Errorf("log tick labels on [0.15, 0.9]: %v, want [0.2 0.5]", short)
	}

	neg, _ := Lines("x", "", "", Series{Y: []float64{-1, 1}})
	if err := LogY(neg); err == nil || !strings.Contains(err.Error(), "log-scale y axis needs positive values") {
		t.Errorf("LogY with negative data: %v", err)
	}
}

func TestLinesErrors(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		series []Series
		want   string
	}{
		{nil, `viz: Lines "t": no series to plot`},
		{[]Series{{Name: "SGD"}}, `viz: Lines "t": SGD has no points`},
		{[]Series{{Name: "SGD", X: []float64{1, 2}, Y: []float64{1, 2, 3}}}, `viz: Lines "t": SGD has 2 x values but 3 y values`},
		{[]Series{{Name: "ok", Y: []float64{1}}, {Name: "Adam lr=1", Y: []float64{1, 2, 3, 4, nan}}},
			`viz: Lines "t": Adam lr=1 has y NaN at point 5 (x = 5); if it is a loss, the run diverged: try a smaller learning rate`},
		{[]Series{{X: []float64{1, math.Inf(-1)}, Y: []float64{1, 2}}}, `viz: Lines "t": series 1 has x -Inf at point 2`},
	} {
		_, err := Lines("t", "x", "y", c.series...)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
	p, err := Lines("t", "x", "y", Series{Name: "a", X: []float64{0.1, 0.2, 0.4}, Y: []float64{3, 2, 1}}, Series{Y: []float64{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 0.1 || p.X.Max != 2 {
		t.Errorf("x range [%g, %g], want [0.1, 2] (nil X means 1, 2, …)", p.X.Min, p.X.Max)
	}
}

func TestActivation(t *testing.T) {
	p, err := Activation("tanh", math.Tanh, func(z float64) float64 { return 1 - math.Tanh(z)*math.Tanh(z) }, -4, 4)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != -4 || p.X.Max != 4 || p.Y.Min > -1 || p.Y.Max < 1 {
		t.Errorf("ranges x [%g, %g] y [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := Activation("exp", math.Exp, nil, -2, 2); err != nil {
		t.Errorf("df nil: %v", err)
	}
	for _, c := range []struct {
		f, df  func(float64) float64
		lo, hi float64
		want   string
	}{
		{nil, nil, -1, 1, `viz: Activation "g": f is nil`},
		{math.Tanh, nil, 1, 1, `viz: Activation "g": the range [1, 1] is empty or infinite`},
		{math.Tanh, nil, math.Inf(-1), 1, `viz: Activation "g": the range [-Inf, 1] is empty or infinite`},
		{math.Log, nil, -1, 1, `viz: Activation "g": f(-1) is NaN; plot a range where the function is finite`},
		{math.Tanh, func(z float64) float64 { return 1 / z }, -1, 1, `viz: Activation "g": f′(0) is +Inf`},
	} {
		_, err := Activation("g", c.f, c.df, c.lo, c.hi)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
}

func TestHistogram(t *testing.T) {
	vs := []float64{1, 2, math.NaN(), 3, math.Inf(1)}
	_, err := Histogram("layer 3", vs, 10)
	want := `viz: Histogram "layer 3": 2 of 5 values are NaN or ±Inf (the first, at index 2, is NaN)`
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, plotter.ErrNaN) {
		t.Errorf("error\n got %v\nwant %q…", err, want)
	}
	if _, err := Histogram("empty", nil, 10); err == nil {
		t.Error("empty values gave no error")
	}
	// All values equal (dead ReLUs): one bar centred on the value.
	p, err := Histogram("dead", make([]float64, 50), 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != -0.5 || p.X.Max != 0.5 || p.Y.Max < 50 {
		t.Errorf("constant values: x [%g, %g], y max %g", p.X.Min, p.X.Max, p.Y.Max)
	}
	if _, err := PNG(p, 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Error(err)
	}
	// bins ≤ 0 picks √n within [10, 60].
	many := make([]float64, 400)
	for i := range many {
		many[i] = float64(i)
	}
	if _, err := Histogram("auto", many, 0); err != nil {
		t.Fatal(err)
	}
	h, err := binValues(many, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Bins) != 20 {
		t.Errorf("auto bins for 400 values: %d, want √400 = 20", len(h.Bins))
	}
	if h, _ := binValues(many[:9], -1); len(h.Bins) != 10 {
		t.Errorf("auto bins for 9 values: %d, want at least 10", len(h.Bins))
	}
	for _, c := range []struct {
		v        float64
		decimals int
		want     string
	}{{-0.0002, 3, "0.000"}, {0.12345, 3, "0.123"}, {0, 300, "0"}, {1e-9, 11, "1.00e-09"}, {-2.5, 0, "-2"}} {
		if got := fmtStat(c.v, c.decimals); got != c.want {
			t.Errorf("fmtStat(%g, %d) = %q, want %q", c.v, c.decimals, got, c.want)
		}
	}
}

func TestScatterErrors(t *testing.T) {
	x, y := []float64{1, 2, 3}, []float64{1, 2, 3}
	for _, c := range []struct {
		x, y    []float64
		labels  []int
		classes []string
		want    string
	}{
		{x, y[:2], []int{0, 1, 0}, nil, `viz: Scatter "s": 3 x values, 2 y values and 3 labels`},
		{x, y, []int{0, 3, 1}, []string{"a", "b"}, `viz: Scatter "s": label 3 of point 1 is not a class index in [0, 2)`},
		{x, y, []int{0, -1, 1}, nil, `viz: Scatter "s": label -1 of point 1 is not a class index`},
		{x, []float64{1, math.NaN(), 3}, []int{0, 1, 0}, nil, `viz: Scatter "s": point 1 is (2, NaN), which has a NaN coordinate`},
		{nil, nil, nil, nil, `viz: Scatter "s": no points`},
	} {
		_, err := Scatter("s", "x", "y", c.x, c.y, c.labels, c.classes)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
	// Many points: smaller, translucent markers, still one legend entry
	// per class.
	n := 6000
	bx, by, bl := make([]float64, n), make([]float64, n), make([]int, n)
	for i := range n {
		bx[i], by[i], bl[i] = math.Cos(float64(i)), math.Sin(float64(i)*1.3), i%10
	}
	p, err := Scatter("MNIST embedding", "", "", bx, by, bl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PNG(p, 4*vg.Inch, 4*vg.Inch); err != nil {
		t.Fatal(err)
	}
}

// pixelAt returns the colour of the image at data coordinates (x, y) of
// p drawn at w×h.
func pixelAt(t *testing.T, p *plot.Plot, w, h vg.Length, pts ...[2]float64) []color.Color {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
	dc := draw.New(c)
	d := newDrawing(p)
	d.layout(dc)
	d.draw(dc)
	da := d.dataArea(dc)
	trX, trY := d.q.Transforms(&da)
	img := c.Image()
	var out []color.Color
	for _, pt := range pts {
		px := int(float64(trX(pt[0])) / 72 * float64(DPI))
		py := img.Bounds().Dy() - int(float64(trY(pt[1]))/72*float64(DPI))
		out = append(out, img.At(px, py))
	}
	return out
}

func TestConfusionMatrix(t *testing.T) {
	// Row 0 (actual class 0) is drawn at the top: its big count makes
	// the top-left cell dark, and the bottom-left cell stays light.
	cm := [][]int{{90, 10, 0}, {0, 5, 5}, {1, 2, 3}}
	p, err := ConfusionMatrix(cm, []string{"cat", "dog", "T-shirt/top"})
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Label.Text != "predicted" || p.Y.Label.Text != "actual" {
		t.Errorf("axis labels %q, %q", p.X.Label.Text, p.Y.Label.Text)
	}
	// Cell centres: column j at x = j, actual row i at y = n−1−i. Sample
	// a bit off-centre to miss the count text.
	cols := pixelAt(t, p, 5*vg.Inch, 5*vg.Inch, [2]float64{-0.35, 2.35}, [2]float64{-0.35, 0.35})
	topLeft, bottomLeft := luminance(cols[0]), luminance(cols[1])
	if !(topLeft < 0.3 && bottomLeft > 0.8) {
		t.Errorf("top-left cell luminance %.2f, bottom-left %.2f; want row 0 (count 90) dark at the top", topLeft, bottomLeft)
	}
	// Tick labels: predicted classes left to right, actual top to bottom.
	var xs, ys []string
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		xs = append(xs, tk.Label)
	}
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		ys = append(ys, tk.Label)
	}
	if strings.Join(xs, ",") != "cat,dog,T-shirt/top" || strings.Join(ys, ",") != "T-shirt/top,dog,cat" {
		t.Errorf("x ticks %v (left to right), y ticks %v (bottom to top)", xs, ys)
	}
	if w, h := preferredSize(p); w != 5.6*vg.Inch || h != 5*vg.Inch {
		t.Errorf("preferred size %v×%v", w, h)
	}

	for _, c := range []struct {
		cm      [][]int
		classes []string
		want    string
	}{
		{nil, nil, "viz: ConfusionMatrix: the matrix is empty"},
		{[][]int{{1, 2}, {3}}, nil, "viz: ConfusionMatrix: row 1 has 1 counts but there are 2 rows"},
		{[][]int{{1, 2, 3}, {3, 4, 5}}, nil, "viz: ConfusionMatrix: row 0 has 3 counts but there are 2 rows"},
		{[][]int{{1, 2}, {3, 4}}, []string{"a", "b", "c"}, "viz: ConfusionMatrix: 3 class names for a 2×2 matrix"},
		{[][]int{{1, -2}, {3, 4}}, nil, "viz: ConfusionMatrix: count [0][1] is -2"},
	} {
		_, err := ConfusionMatrix(c.cm, c.classes)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
	// All zeros draws (no division by zero).
	z, err := ConfusionMatrix([][]int{{0, 0}, {0, 0}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PNG(z, 3*vg.Inch, 3*vg.Inch); err != nil {
		t.Error(err)
	}
}

func TestDecisionBoundary(t *testing.T) {
	pts := mat.NewDense(4, 2, []float64{-1, -1, -1, 1, 1, -1, 1, 1})
	labels := []int{0, 0, 1, 1}
	left := func(x, y float64) int {
		if x < 0 {
			return 0
		}
		return 1
	}
	p, err := DecisionBoundary(left, pts, labels, []string{"left", "right"})
	if err != nil {
		t.Fatal(err)
	}
	// The box is the points' bounding box plus 10%.
	if p.X.Min != -1.2 || p.X.Max != 1.2 || p.Y.Min != -1.2 || p.Y.Max != 1.2 {
		t.Errorf("box [%g, %g] × [%g, %g], want [-1.2, 1.2]²", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	// The left half is shaded with a tint of class 0's colour, the right
	// half with class 1's.
	cols := pixelAt(t, p, 5*vg.Inch, 5*vg.Inch, [2]float64{-0.5, 0}, [2]float64{0.5, 0})
	for i, c := range cols {
		want := tint(Color(i), 0.28)
		r, g, b, _ := c.RGBA()
		if d := math.Abs(float64(r>>8)-float64(want.R)) + math.Abs(float64(g>>8)-float64(want.G)) + math.Abs(float64(b>>8)-float64(want.B)); d > 12 {
			t.Errorf("region of class %d is %v, want about %v", i, c, want)
		}
	}

	for _, c := range []struct {
		predict func(x, y float64) int
		pts     *mat.Dense
		labels  []int
		want    string
	}{
		{nil, pts, labels, "viz: DecisionBoundary: predict is nil"},
		{left, mat.NewDense(2, 3, nil), []int{0, 1}, "viz: DecisionBoundary: points is 2×3; it must be n×2"},
		{left, pts, []int{0, 1}, "viz: DecisionBoundary: 2 labels for 4 points"},
		{func(x, y float64) int { return 2 }, pts, labels, "viz: DecisionBoundary: predict(-1.192, 1.192) returned class 2, but there are 2 classes (0 to 1)"},
		{left, mat.NewDense(2, 2, []float64{0, math.Inf(1), 1, 1}), []int{0, 1}, "viz: DecisionBoundary: point 0 is (0, +Inf)"},
	} {
		_, err := DecisionBoundary(c.predict, c.pts, c.labels, []string{"left", "right"})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
}

func TestContour(t *testing.T) {
	bowl := func(x, y float64) float64 { return x*x + 4*y*y }
	path := Path{Name: "SGD", X: []float64{2, 1, 0.5}, Y: []float64{1, 0.2, 0}}
	p, err := Contour(bowl, -3, 3, -2, 2, path)
	if err != nil {
		t.Fatal(err)
	}
	// The axes keep the box even though nothing else limits them.
	if p.X.Min != -3 || p.X.Max != 3 || p.Y.Min != -2 || p.Y.Max != 2 {
		t.Errorf("box [%g, %g] × [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	far := Path{Name: "diverging", X: []float64{0, 50, -900}, Y: []float64{0, 40, 700}}
	p, err = Contour(bowl, -3, 3, -2, 2, far)
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Max != 3 || p.Y.Max != 2 {
		t.Errorf("a path leaving the box changed the axes to [%g, %g] × [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := PNG(p, 4*vg.Inch, 4*vg.Inch); err != nil {
		t.Error(err)
	}

	nan := math.NaN()
	for _, c := range []struct {
		f     func(x, y float64) float64
		box   [4]float64
		paths []Path
		want  string
	}{
		{nil, [4]float64{-1, 1, -1, 1}, nil, "viz: Contour: f is nil"},
		{bowl, [4]float64{1, -1, -1, 1}, nil, "viz: Contour: the box [1, -1] × [-1, 1] is empty or infinite"},
		{func(x, y float64) float64 { return math.Log(x) }, [4]float64{-1, 1, -1, 1}, nil, "viz: Contour: f(-1, -1) is NaN; choose a box where the loss is finite"},
		{bowl, [4]float64{-1, 1, -1, 1}, []Path{{Name: "Adam", X: []float64{1, 2}, Y: []float64{1}}}, `viz: Contour: path "Adam" has 2 x values but 1 y values`},
		{bowl, [4]float64{-1, 1, -1, 1}, []Path{{X: nil, Y: nil}}, `viz: Contour: path "path 1" has no points`},
		{bowl, [4]float64{-1, 1, -1, 1}, []Path{{Name: "SGD lr=2", X: []float64{1, -3, 9, nan}, Y: []float64{1, 1, 1, 1}}},
			`viz: Contour: path "SGD lr=2" is NaN at step 3; the optimizer diverged: try a smaller learning rate`},
	} {
		_, err := Contour(c.f, c.box[0], c.box[1], c.box[2], c.box[3], c.paths...)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
}

// The traced level-1 line of x² + y² is one closed loop on the unit
// circle.
func TestTraceCircle(t *testing.T) {
	const n = 41
	s := &surface{xs: make([]float64, n), ys: make([]float64, n), z: make([][]float64, n)}
	for k := range n {
		s.xs[k] = -2 + 4*float64(k)/(n-1)
		s.ys[k] = s.xs[k]
	}
	for r := range n {
		s.z[r] = make([]float64, n)
		for c := range n {
			s.z[r][c] = s.xs[c]*s.xs[c] + s.ys[r]*s.ys[r]
		}
	}
	lines := trace(s, 1)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1 closed loop", len(lines))
	}
	line := lines[0]
	if line[0] != line[len(line)-1] {
		t.Errorf("loop is not closed: starts %v, ends %v", line[0], line[len(line)-1])
	}
	if len(line) < 40 {
		t.Errorf("only %d points on the circle", len(line))
	}
	for _, q := range line {
		if r := math.Hypot(float64(q.X), float64(q.Y)); math.Abs(r-1) > 0.02 {
			t.Fatalf("point %v at radius %.4f, want 1", q, r)
		}
	}
	// A saddle, z = x·y, at level 0.3: two open branches.
	for r := range n {
		for c := range n {
			s.z[r][c] = s.xs[c] * s.ys[r]
		}
	}
	if got := len(trace(s, 0.3)); got != 2 {
		t.Errorf("x·y = 0.3 traced as %d lines, want 2 hyperbola branches", got)
	}
}

func TestImageGrid(t *testing.T) {
	digits := sampleDigits(7)
	img, err := ImageGrid(digits, 28, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 3 columns and 3 rows of 84-pixel cells with 8-pixel gaps.
	if got := img.Bounds().Size(); got != (image.Point{X: 3*84 + 4*8, Y: 3*84 + 4*8}) {
		t.Errorf("grid is %v, want 284×284", got)
	}
	// Pixel (14, 2) of image 1 (a bar: 0 at the top edge, bright in the
	// middle column) lands at 3× its position in the second cell.
	x0 := 8 + 84 + 8
	if v := luminance(img.At(x0+3*14+1, 8+3*14+1)); v < 0.9 {
		t.Errorf("centre of the bar has luminance %.2f, want white", v)
	}
	if v := luminance(img.At(x0+1, 8+1)); v > 0.1 {
		t.Errorf("corner of image 1 has luminance %.2f, want black", v)
	}

	caps := []string{"0 → 0", "1 → 7", "0 → 0", "1 → 1", "0 → 0", "1 → 1", "a long caption here"}
	withCaps, err := ImageGrid(digits, 28, 3, caps)
	if err != nil {
		t.Fatal(err)
	}
	b := withCaps.Bounds().Size()
	if b.X <= 284 || b.Y <= 284 {
		t.Errorf("with captions the grid is %v; want it wider (long caption) and taller than 284×284", b)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, withCaps); err != nil {
		t.Fatal(err)
	}
	decode(t, buf.Bytes(), b.X, b.Y)
	if !mistaken("3 → 5") || mistaken("3 → 3") || mistaken("cat") {
		t.Error("mistaken does not tell wrong predictions from right ones")
	}

	bad := mat.NewDense(2, 784, nil)
	bad.Set(1, 10, math.NaN())
	for _, c := range []struct {
		m        *mat.Dense
		side     int
		cols     int
		captions []string
		want     string
	}{
		{digits, 27, 3, nil, "viz: ImageGrid: images is 7×784, but 27×27 pictures need 729 values per row"},
		{digits, 28, 0, nil, "viz: ImageGrid: cols is 0"},
		{digits, 28, 3, []string{"a"}, "viz: ImageGrid: 1 captions for 7 images"},
		{bad, 28, 3, nil, "viz: ImageGrid: pixel 10 of image 1 is NaN"},
		{nil, 28, 3, nil, "viz: ImageGrid: images is nil"},
	} {
		_, err := ImageGrid(c.m, c.side, c.cols, c.captions)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("error\n got %v\nwant %q…", err, c.want)
		}
	}
}

// captureOutput points the package's printing and plot folder at test
// values and returns the buffer and folder.
func captureOutput(t *testing.T) (*bytes.Buffer, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(PlotDirEnv, dir)
	var buf bytes.Buffer
	stdout = &buf
	t.Cleanup(func() { stdout = nil })
	return &buf, dir
}

// writtenFiles returns the paths printed as "viz: wrote PATH".
func writtenFiles(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if p, ok := strings.CutPrefix(line, "viz: wrote "); ok {
			paths = append(paths, p)
		}
	}
	return paths
}

func TestShowOutsideNotebook(t *testing.T) {
	buf, dir := captureOutput(t)
	loss, _ := LossCurves(sampleHistory())
	cm, _ := ConfusionMatrix([][]int{{3, 1}, {0, 4}}, nil)
	if err := Show(loss); err != nil {
		t.Fatal(err)
	}
	if err := Show(cm); err != nil {
		t.Fatal(err)
	}
	if err := ShowSize(loss, 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	img, _ := ImageGrid(sampleDigits(4), 28, 2, nil)
	if err := ShowImage(img); err != nil {
		t.Fatal(err)
	}
	hists := make([]*plot.Plot, 10)
	for i := range hists {
		hists[i], _ = Histogram("layer", []float64{1, 2, 2, 3, float64(i)}, 5)
	}
	if err := ShowGrid(5, hists...); err != nil {
		t.Fatal(err)
	}
	paths := writtenFiles(t, buf.String())
	if len(paths) != 5 {
		t.Fatalf("printed %d paths, want 5:\n%s", len(paths), buf)
	}
	// 5×2 tiles of 3.2×2.4 in, at the DPI that makes 16 in at most
	// 1400 pixels wide.
	gridDPI := math.Floor(gridMaxPixels / 16.0)
	want := []struct {
		name string
		w, h int
	}{
		{"plot-*-training-and-validation-loss.png", pixels(6 * vg.Inch), pixels(4 * vg.Inch)},
		{"plot-*-confusion-matrix.png", pixels(5.6 * vg.Inch), pixels(5 * vg.Inch)},
		{"plot-*-training-and-validation-loss.png", pixels(3 * vg.Inch), pixels(2 * vg.Inch)},
		{"image-*.png", 2*84 + 3*8, 2*84 + 3*8},
		{"grid-*.png", int(16*gridDPI + 0.5), int(4.8*gridDPI + 0.5)},
	}
	seen := map[string]bool{}
	for i, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%s is not in %s", p, dir)
		}
		if ok, _ := filepath.Match(want[i].name, filepath.Base(p)); !ok {
			t.Errorf("file %d is %s, want %s", i, filepath.Base(p), want[i].name)
		}
		if seen[p] {
			t.Errorf("%s written twice", p)
		}
		seen[p] = true
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		decode(t, b, want[i].w, want[i].h)
	}

	// Nil plots and images give errors, not silence.
	if err := Show(nil); err == nil {
		t.Error("Show(nil) gave no error")
	}
	if err := ShowImage(nil); err == nil {
		t.Error("ShowImage(nil) gave no error")
	}
	if err := ShowGrid(0, loss); err == nil {
		t.Error("ShowGrid(0, …) gave no error")
	}
}

func TestShowUnwritableFolder(t *testing.T) {
	_, dir := captureOutput(t)
	file := filepath.Join(dir, "not-a-folder")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PlotDirEnv, filepath.Join(file, "plots"))
	p, _ := LossCurves(sampleHistory())
	err := Show(p)
	if err == nil || !strings.Contains(err.Error(), PlotDirEnv) {
		t.Errorf("error %v; want one that names %s", err, PlotDirEnv)
	}
}

func TestPlotDirDefault(t *testing.T) {
	t.Setenv(PlotDirEnv, "")
	if got, want := PlotDir(), filepath.Join(os.TempDir(), "nnlib-plots"); got != want {
		t.Errorf("PlotDir() = %q, want %q", got, want)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Training and validation loss": "training-and-validation-loss",
		"  σ(z) & σ′(z)!  ":            "z-z",
		"":                             "",
		"MLP on MNIST, lr=0.1":         "mlp-on-mnist-lr-0-1",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLiveOutsideNotebook(t *testing.T) {
	buf, _ := captureOutput(t)
	live := NewLive("XOR", 3)
	h := &nnlib.History{}
	for e := 1; e <= 3; e++ {
		h.TrainLoss = append(h.TrainLoss, 1/float64(e))
		h.ValLoss = append(h.ValLoss, 1.1/float64(e))
		h.TrainAccuracy = append(h.TrainAccuracy, 0.5+0.1*float64(e))
		live.OnBatch(e, 1, 2, 0.5) // prints nothing outside a notebook
		if err := live.OnEpoch(h); err != nil {
			t.Fatal(err)
		}
	}
	// Live copied the history: changing it afterwards does not matter.
	h.TrainLoss[2] = math.NaN()
	if err := live.Done(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"epoch 1/3  loss 1.0000  val 1.1000  acc 0.600",
		"epoch 2/3  loss 0.5000  val 0.5500  acc 0.700",
		"epoch 3/3  loss 0.3333  val 0.3667  acc 0.800",
	}
	if len(lines) != 5 {
		t.Fatalf("printed %d lines, want 3 epochs, a summary and a path:\n%s", len(lines), buf)
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d\n got %q\nwant %q", i+1, lines[i], w)
		}
	}
	if !strings.HasPrefix(lines[3], "XOR: 3 epochs in ") || !strings.HasSuffix(lines[3], "loss 0.3333 · val 0.3667 · acc 0.800") {
		t.Errorf("summary %q", lines[3])
	}
	paths := writtenFiles(t, buf.String())
	if len(paths) != 1 || !strings.HasSuffix(paths[0], "-xor.png") {
		t.Fatalf("Done wrote %v, want one plot named after the title", paths)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	decode(t, b, pixels(ShowWidth), pixels(ShowHeight))
}

func TestLiveErrors(t *testing.T) {
	buf, _ := captureOutput(t)
	live := NewLive("", 0)
	if err := live.Done(); err == nil || !strings.Contains(err.Error(), "no epoch was recorded") {
		t.Errorf("Done before any epoch: %v", err)
	}
	if err := live.OnEpoch(nil); err == nil {
		t.Error("OnEpoch(nil) gave no error")
	}
	h := &nnlib.History{TrainLoss: []float64{2, 9, math.NaN()}}
	err := live.OnEpoch(h)
	want := "viz: training loss is NaN from epoch 3 on; try a smaller learning rate"
	if err == nil || err.Error() != want {
		t.Errorf("OnEpoch on a diverged run: %v, want %q", err, want)
	}
	if got := strings.TrimSpace(buf.String()); got != "epoch 3  loss NaN" {
		t.Errorf("printed %q, want the diverged epoch", got)
	}
	if err := live.Done(); err == nil || err.Error() != want {
		t.Errorf("Done after divergence: %v", err)
	}
}

// With more than 100 epochs Live prints about 50 lines.
func TestLivePrintsEveryKthEpoch(t *testing.T) {
	buf, _ := captureOutput(t)
	live := NewLive("long", 1000)
	h := &nnlib.History{}
	for e := 1; e <= 1000; e++ {
		h.TrainLoss = append(h.TrainLoss, 1/float64(e))
		if err := live.OnEpoch(h); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) < 45 || len(lines) > 55 {
		t.Errorf("printed %d lines for 1000 epochs, want about 50", len(lines))
	}
	if !strings.HasPrefix(lines[0], "epoch 1/1000 ") || !strings.HasPrefix(lines[len(lines)-1], "epoch 1000/1000 ") {
		t.Errorf("first and last lines %q, %q", lines[0], lines[len(lines)-1])
	}
}

func TestLiveHTML(t *testing.T) {
	live := NewLive("MLP <MNIST>", 20)
	h := sampleHistory()
	h.TrainLoss, h.ValLoss = h.TrainLoss[:3], h.ValLoss[:3]
	h.TrainAccuracy, h.ValAccuracy = h.TrainAccuracy[:3], h.ValAccuracy[:3]
	live.h = copyHistory(h)
	if err := live.renderCurve(); err != nil {
		t.Fatal(err)
	}
	s := live.blockHTML(2.5, live.batchText(3, 120, 240, 0.41234), nil)
	for _, want := range []string{
		"<b>MLP &lt;MNIST&gt;</b>",
		`<progress value="2.500" max="20"`,
		"epoch 3/20 · batch 120/240 · batch loss 0.4123",
		"loss 0.6468 · val 0.7196 · acc 0.725 · val acc 0.695",
		`<img src="data:image/png;base64,`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("live HTML lacks %q:\n%.400s", want, s)
		}
	}
	if s := live.blockHTML(25, "x", errors.New("viz: boom")); !strings.Contains(s, `value="20.000"`) || !strings.Contains(s, "viz: boom") {
		t.Errorf("progress not clamped or error missing: %.300s", s)
	}
}

// Live's methods have the types of nnlib.Trainer's callbacks.
func TestLiveFitsTrainer(t *testing.T) {
	live := NewLive("", 1)
	tr := nnlib.Trainer{OnEpoch: live.OnEpoch, OnBatch: live.OnBatch}
	if tr.OnEpoch == nil || tr.OnBatch == nil {
		t.Fatal("callbacks not set")
	}
}
