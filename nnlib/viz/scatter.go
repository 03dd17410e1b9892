package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// edgeColor outlines scatter points so that overlapping points and
// points on a shaded region stay apart.
var edgeColor = color.RGBA{0x22, 0x22, 0x22, 0xB0}

// Scatter plots the points (x[i], y[i]) with one colour and marker shape
// per class, labels[i] being the class of point i, and a legend of the
// class names. classes may be nil to name the classes 0, 1, ….
//
// It returns an error when x, y and labels differ in length, when a label
// is outside [0, len(classes)), and for NaN or ±Inf coordinates.
func Scatter(title, xLabel, yLabel string, x, y []float64, labels []int, classes []string) (*plot.Plot, error) {
	if len(x) != len(y) || len(x) != len(labels) {
		return nil, fmt.Errorf("viz: Scatter %q: %d x values, %d y values and %d labels; pass one of each per point", title, len(x), len(y), len(labels))
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("viz: Scatter %q: no points", title)
	}
	classes, err := checkLabels("Scatter "+strconv.Quote(title), labels, classes)
	if err != nil {
		return nil, err
	}
	for i := range x {
		if err := checkPoint("Scatter "+strconv.Quote(title), i, x[i], y[i]); err != nil {
			return nil, err
		}
	}
	p := newPlot(title, xLabel, yLabel)
	addGrid(p)
	if err := addClassPoints(p, x, y, labels, classes); err != nil {
		return nil, err
	}
	xlo, xhi := minMax(x)
	pad := yMargin * (xhi - xlo)
	if pad == 0 {
		pad = 1
	}
	p.X.Min, p.X.Max = xlo-pad, xhi+pad
	ylo, yhi := minMax(y)
	setYRange(p, ylo, yhi)
	preferSize(p, 6*vg.Inch, 5*vg.Inch)
	placeLegend(p, &legendFit{points: xyPoints(x, y), headroom: true})
	return p, nil
}

// checkLabels checks that every label indexes classes, and names the
// classes 0, 1, … when classes is nil.
func checkLabels(op string, labels []int, classes []string) ([]string, error) {
	if classes == nil {
		n := 0
		for _, l := range labels {
			n = max(n, l+1)
		}
		classes = make([]string, n)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("viz: %s: no classes", op)
	}
	for i, l := range labels {
		if l < 0 || l >= len(classes) {
			return nil, fmt.Errorf("viz: %s: label %d of point %d is not a class index in [0, %d); labels are class indices (0, 1, …), one name per class in classes", op, l, i, len(classes))
		}
	}
	return classes, nil
}

func checkPoint(op string, i int, x, y float64) error {
	for _, v := range []float64{x, y} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad, sentinel := describe(v)
			return &dataError{msg: fmt.Sprintf("viz: %s: point %d is (%s, %s), which has a %s coordinate; drop or fix it before plotting", op, i, fmtG(x), fmtG(y), bad), err: sentinel}
		}
	}
	return nil
}

// addClassPoints adds one scatter per class, sized for the number of
// points, with a legend entry per class.
func addClassPoints(p *plot.Plot, x, y []float64, labels []int, classes []string) error {
	n := len(x)
	radius := vg.Points(3.4)
	var edge color.Color = edgeColor
	switch {
	case n > 5000:
		radius, edge = vg.Points(1.4), nil
	case n > 1000:
		radius, edge = vg.Points(2.2), nil
	}
	byClass := make([]plotter.XYs, len(classes))
	for i := range x {
		byClass[labels[i]] = append(byClass[labels[i]], plotter.XY{X: x[i], Y: y[i]})
	}
	for c, xys := range byClass {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		col := Color(c)
		if n > 1000 {
			r, g, b, _ := col.RGBA()
			col = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xA0}
		}
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: radius, Shape: markerFor(c, edge)}
		p.Add(s)
		// The legend shows a full-size, opaque marker whatever the point size.
		thumb := *s
		thumb.GlyphStyle = draw.GlyphStyle{Color: Color(c), Radius: vg.Points(3.4), Shape: markerFor(c, edgeColor)}
		p.Legend.Add(classes[c], &thumb)
	}
	return nil
}

// xyPoints pairs x and y.
func xyPoints(x, y []float64) plotter.XYs {
	xys := make(plotter.XYs, len(x))
	for i := range x {
		xys[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return xys
}

// boundaryGrid is the number of cells per side of the grid that
// DecisionBoundary and DecisionBoundaryBatch classify.
const boundaryGrid = 160

// DecisionBoundary shades the plane by the class predict gives each
// point, in light versions of the class colours, and draws the labelled
// points on top. points is n×2 (one point per row), labels[i] is the
// class of row i, and classes names the classes (nil: 0, 1, …). The
// shaded box is the points' bounding box plus 10% on each side; predict
// is called once for each cell of a 160×160 grid of it, 25,600 calls:
//
//	predict := func(x, y float64) int {
//		return nnlib.ArgMax(nnlib.Predict(net, mat.NewDense(1, 2, []float64{x, y})))[0]
//	}
//	p, err := viz.DecisionBoundary(predict, ds.X, ds.Labels, ds.Classes)
//
// For a network, DecisionBoundaryBatch draws the same picture with one
// call to predict, which is much faster.
//
// It returns an error when points is not n×2, when labels has another
// length, when a label or a predicted class is outside [0, len(classes)),
// and for NaN or ±Inf coordinates.
func DecisionBoundary(predict func(x, y float64) int, points *mat.Dense, labels []int, classes []string) (*plot.Plot, error) {
	const op = "DecisionBoundary"
	if predict == nil {
		return nil, fmt.Errorf("viz: %s: predict is nil", op)
	}
	return decisionBoundary(op, func(grid *mat.Dense, classes int) ([]int, error) {
		m, _ := grid.Dims()
		out := make([]int, m)
		for r := range m {
			x, y := grid.At(r, 0), grid.At(r, 1)
			c := predict(x, y)
			if c < 0 || c >= classes {
				return nil, fmt.Errorf("viz: %s: predict(%s, %s) returned class %d, but there are %d classes (0 to %d)", op, fmtG(x), fmtG(y), c, classes, classes-1)
			}
			out[r] = c
		}
		return out, nil
	}, points, labels, classes)
}

// DecisionBoundaryBatch is DecisionBoundary with a predict that
// classifies all the cells of the grid in one call: grid is m×2, one
// cell centre (x, y) per row (m = 160·160 = 25,600), and predict returns
// the m classes, one per row, in order. A network classifies the whole
// grid in one forward pass:
//
//	predict := func(grid *mat.Dense) []int {
//		return nnlib.ArgMax(nnlib.Predict(net, grid))
//	}
//	p, err := viz.DecisionBoundaryBatch(predict, ds.X, ds.Labels, ds.Classes)
//
// predict must not keep grid, whose contents are valid only during the
// call. It returns the errors DecisionBoundary returns, and an error
// when predict returns other than m classes.
func DecisionBoundaryBatch(predict func(grid *mat.Dense) []int, points *mat.Dense, labels []int, classes []string) (*plot.Plot, error) {
	const op = "DecisionBoundaryBatch"
	if predict == nil {
		return nil, fmt.Errorf("viz: %s: predict is nil", op)
	}
	return decisionBoundary(op, func(grid *mat.Dense, classes int) ([]int, error) {
		m, _ := grid.Dims()
		out := predict(grid)
		if len(out) != m {
			return nil, fmt.Errorf("viz: %s: predict returned %d classes for a grid of %d points; return one class per row of the grid", op, len(out), m)
		}
		for r, c := range out {
			if c < 0 || c >= classes {
				return nil, fmt.Errorf("viz: %s: predict returned class %d for grid row %d, the point (%s, %s), but there are %d classes (0 to %d)",
					op, c, r, fmtG(grid.At(r, 0)), fmtG(grid.At(r, 1)), classes, classes-1)
			}
		}
		return out, nil
	}, points, labels, classes)
}

// decisionBoundary draws the plot of DecisionBoundary; classify returns
// the class of each row of an m×2 grid of cell centres, each checked to
// be in [0, classes).
func decisionBoundary(op string, classify func(grid *mat.Dense, classes int) ([]int, error), points *mat.Dense, labels []int, classes []string) (*plot.Plot, error) {
	if points == nil {
		return nil, fmt.Errorf("viz: %s: points is nil", op)
	}
	n, d := points.Dims()
	if d != 2 {
		return nil, fmt.Errorf("viz: %s: points is %d×%d; it must be n×2 (two features per row); pick two columns or reduce the data to 2-D first", op, n, d)
	}
	if len(labels) != n {
		return nil, fmt.Errorf("viz: %s: %d labels for %d points; pass one label per row", op, len(labels), n)
	}
	classes, err := checkLabels(op, labels, classes)
	if err != nil {
		return nil, err
	}
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = points.At(i, 0), points.At(i, 1)
		if err := checkPoint(op, i, x[i], y[i]); err != nil {
			return nil, err
		}
	}
	xMin, xMax := padRange(x)
	yMin, yMax := padRange(y)

	// Row j·160 + i of the grid, and pixel (i, j) of the image, is the
	// cell whose centre is (xMin + (i+½)·dx, yMax − (j+½)·dy): row by
	// row from the top, left to right.
	dx, dy := (xMax-xMin)/boundaryGrid, (yMax-yMin)/boundaryGrid
	grid := mat.NewDense(boundaryGrid*boundaryGrid, 2, nil)
	for j := range boundaryGrid {
		cy := yMax - (float64(j)+0.5)*dy
		for i := range boundaryGrid {
			grid.Set(j*boundaryGrid+i, 0, xMin+(float64(i)+0.5)*dx)
			grid.Set(j*boundaryGrid+i, 1, cy)
		}
	}
	cells, err := classify(grid, len(classes))
	if err != nil {
		return nil, err
	}
	tints := make([]color.RGBA, len(classes))
	for c := range tints {
		tints[c] = tint(Color(c), 0.28)
	}
	img := image.NewRGBA(image.Rect(0, 0, boundaryGrid, boundaryGrid))
	for j := range boundaryGrid {
		for i := range boundaryGrid {
			img.SetRGBA(i, j, tints[cells[j*boundaryGrid+i]])
		}
	}
	p := newPlot("Decision boundary", "x₁", "x₂")
	p.Add(plotter.NewImage(img, xMin, yMin, xMax, yMax))
	if err := addClassPoints(p, x, y, labels, classes); err != nil {
		return nil, err
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xMin, xMax, yMin, yMax
	p.X.Padding, p.Y.Padding = 0, 0
	preferSize(p, 6*vg.Inch, 5*vg.Inch)
	placeLegend(p, &legendFit{points: xyPoints(x, y)}) // the shading fills the box: no head room
	return p, nil
}

// padRange returns the range of vs widened by 10% on each side (by 1
// when all values are equal).
func padRange(vs []float64) (lo, hi float64) {
	lo, hi = vs[0], vs[0]
	for _, v := range vs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	pad := 0.1 * (hi - lo)
	if pad == 0 {
		pad = 1
	}
	return lo - pad, hi + pad
}

// tint mixes c with white: strength 1 is c, 0 is white.
func tint(c color.Color, strength float64) color.RGBA {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8(math.Round(255 - (255-float64(v>>8))*strength)) }
	return color.RGBA{mix(r), mix(g), mix(b), 0xFF}
}
