package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// blues is a white-to-navy colour ramp (ColorBrewer "Blues", as in
// scikit-learn's confusion-matrix display); it reads the same for
// colour-blind viewers because only the lightness changes.
var blues = []color.RGBA{
	{0xF7, 0xFB, 0xFF, 0xFF}, {0xDE, 0xEB, 0xF7, 0xFF}, {0xC6, 0xDB, 0xEF, 0xFF},
	{0x9E, 0xCA, 0xE1, 0xFF}, {0x6B, 0xAE, 0xD6, 0xFF}, {0x42, 0x92, 0xC6, 0xFF},
	{0x21, 0x71, 0xB5, 0xFF}, {0x08, 0x51, 0x9C, 0xFF}, {0x08, 0x30, 0x6B, 0xFF},
}

// ramp interpolates a colour ramp linearly into n colours.
func ramp(stops []color.RGBA, n int) palette.Palette {
	cs := make([]color.Color, n)
	for i := range cs {
		t := float64(i) / float64(n-1) * float64(len(stops)-1)
		k := min(int(t), len(stops)-2)
		f := t - float64(k)
		a, b := stops[k], stops[k+1]
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-f) + float64(y)*f)) }
		cs[i] = color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
	}
	return colors(cs)
}

type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// luminance is the relative luminance of c in [0, 1] (sRGB weights on
// the gamma-encoded channels, which is close enough to choose a text
// colour).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xFFFF
}

// cmGrid presents a confusion matrix as a GridXYZ with actual class i at
// y = n−1−i, so row 0 is drawn at the top.
type cmGrid [][]int

func (g cmGrid) Dims() (c, r int)    { return len(g), len(g) }
func (g cmGrid) Z(c, r int) float64  { return float64(g[len(g)-1-r][c]) }
func (g cmGrid) X(c int) float64     { return float64(c) }
func (g cmGrid) Y(r int) float64     { return float64(r) }
func (g cmGrid) count(c, r int) int  { return g[len(g)-1-r][c] }
func (g cmGrid) maxCount() (max int) { return maxOf(g) }

func maxOf(cm [][]int) int {
	m := 0
	for _, row := range cm {
		for _, v := range row {
			m = max(m, v)
		}
	}
	return m
}

// ConfusionMatrix draws cm as a heat map with the count written in each
// cell: cm[i][j] is the number of examples of actual class i predicted as
// class j (nnlib.ConfusionMatrix's layout). Rows are actual classes, top
// to bottom; columns are predicted classes, left to right; correct
// predictions lie on the diagonal. classes names the classes on both
// axes; nil names them 0, 1, ….
//
// It returns an error when cm is empty or not square, when len(classes)
// differs from the number of rows, or when a count is negative.
func ConfusionMatrix(cm [][]int, classes []string) (*plot.Plot, error) {
	n := len(cm)
	if n == 0 {
		return nil, fmt.Errorf("viz: ConfusionMatrix: the matrix is empty")
	}
	for i, row := range cm {
		if len(row) != n {
			return nil, fmt.Errorf("viz: ConfusionMatrix: row %d has %d counts but there are %d rows; the matrix must be square (classes × classes)", i, len(row), n)
		}
		for j, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("viz: ConfusionMatrix: count [%d][%d] is %d; counts cannot be negative", i, j, v)
			}
		}
	}
	if classes == nil {
		classes = make([]string, n)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
	}
	if len(classes) != n {
		return nil, fmt.Errorf("viz: ConfusionMatrix: %d class names for a %d×%d matrix; pass one name per row", len(classes), n, n)
	}

	p := newPlot("Confusion matrix", "predicted", "actual")
	g := cmGrid(cm)
	pal := ramp(blues, 256)
	hm := plotter.NewHeatMap(g, pal)
	hm.Min, hm.Max = 0, float64(max(g.maxCount(), 1))
	p.Add(hm)

	// Counts, dark on light cells and white on dark ones.
	size := vg.Length(math.Max(7, math.Min(13, 110/float64(n))))
	var xys plotter.XYs
	var labels []string
	var styles []text.Style
	for c := range n {
		for r := range n {
			v := g.count(c, r)
			xys = append(xys, plotter.XY{X: float64(c), Y: float64(r)})
			labels = append(labels, strconv.Itoa(v))
			fill := pal.Colors()[int(float64(v)/hm.Max*float64(len(pal.Colors())-1)+0.5)]
			ink := color.Color(color.Gray{Y: 0x1A})
			if luminance(fill) < 0.45 {
				ink = color.White
			}
			styles = append(styles, text.Style{
				Color:   ink,
				Font:    font.From(sans, size),
				XAlign:  draw.XCenter,
				YAlign:  draw.YCenter,
				Handler: plot.DefaultTextHandler,
			})
		}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return nil, err
	}
	l.TextStyle = styles
	p.Add(l)

	reversed := make([]string, n)
	for i, c := range classes {
		reversed[n-1-i] = c
	}
	p.NominalX(classes...)
	p.NominalY(reversed...)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	// Long names (Fashion-MNIST's "T-shirt/top") would overlap under
	// narrow columns: slant them.
	widest := vg.Length(0)
	for _, c := range classes {
		widest = max(widest, p.X.Tick.Label.Width(c))
	}
	if widest > 4.2*vg.Inch/vg.Length(n)*0.9 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	preferSize(p, 5.6*vg.Inch, 5*vg.Inch)
	return p, nil
}
