package viz

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Path is an optimizer trajectory for Contour: the parameters
// (X[k], Y[k]) after step k, starting with the initial point.
type Path struct {
	Name string
	X, Y []float64
}

const (
	// contourGrid is the number of grid points per side at which
	// Contour evaluates f.
	contourGrid = 121
	// contourLevels is the number of contour lines.
	contourLevels = 14
	// maxPathMarkers is the largest path that gets a marker per step.
	maxPathMarkers = 60
)

// surface is f sampled on a regular grid; z[r][c] = f(xs[c], ys[r]).
type surface struct {
	xs, ys []float64
	z      [][]float64
}

func (s *surface) Dims() (c, r int)   { return len(s.xs), len(s.ys) }
func (s *surface) Z(c, r int) float64 { return s.z[r][c] }
func (s *surface) X(c int) float64    { return s.xs[c] }
func (s *surface) Y(r int) float64    { return s.ys[r] }

// contourColors runs from dark slate (low loss) to light grey (high
// loss), so the contours stay behind the coloured paths.
var contourColors = []color.RGBA{
	{0x25, 0x3A, 0x5E, 0xFF},
	{0x5B, 0x7A, 0x99, 0xFF},
	{0xA0, 0xB2, 0xC2, 0xFF},
	{0xCF, 0xD6, 0xDC, 0xFF},
}

// Contour draws contour lines of the loss surface f (marching squares on a
// 121×121 grid) over the box
// [xMin, xMax] × [yMin, yMax] and, on top, optimizer paths as lines with
// a marker per step (for paths up to 60 steps), a large circle at the
// start and a cross at the end of each, and a legend of path names. The
// contour levels are spaced so that the rings are denser near the
// minimum, where the paths end. The axes keep the box even when a path
// leaves it.
//
// The plot is titled "Loss surface" with axes labelled w₁ and w₂, for
// a loss over two weights; for other surfaces set the texts on the
// result, which is drawn with whatever they are when it is shown:
//
//	p, err := viz.Contour(f, -2, 2, -1, 3, paths...)
//	...
//	p.Title.Text = "Rosenbrock function"
//	p.X.Label.Text, p.Y.Label.Text = "x", "y"
//
// It returns an error for an empty or infinite box, when f is nil or is
// NaN or ±Inf somewhere in the box, and for paths with len(X) ≠ len(Y),
// no points, or NaN or ±Inf steps (an optimizer that diverged).
func Contour(f func(x, y float64) float64, xMin, xMax, yMin, yMax float64, paths ...Path) (*plot.Plot, error) {
	if f == nil {
		return nil, fmt.Errorf("viz: Contour: f is nil")
	}
	for _, r := range [][2]float64{{xMin, xMax}, {yMin, yMax}} {
		if !(r[0] < r[1]) || math.IsInf(r[0], 0) || math.IsInf(r[1], 0) {
			return nil, fmt.Errorf("viz: Contour: the box [%s, %s] × [%s, %s] is empty or infinite; pass xMin < xMax and yMin < yMax", fmtG(xMin), fmtG(xMax), fmtG(yMin), fmtG(yMax))
		}
	}
	for i, pa := range paths {
		if err := checkPath(i, pa); err != nil {
			return nil, err
		}
	}
	s := &surface{xs: make([]float64, contourGrid), ys: make([]float64, contourGrid), z: make([][]float64, contourGrid)}
	for k := range contourGrid {
		t := float64(k) / (contourGrid - 1)
		s.xs[k] = xMin + t*(xMax-xMin)
		s.ys[k] = yMin + t*(yMax-yMin)
	}
	all := make([]float64, 0, contourGrid*contourGrid)
	for r, y := range s.ys {
		s.z[r] = make([]float64, contourGrid)
		for c, x := range s.xs {
			v := f(x, y)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad, sentinel := describe(v)
				return nil, &dataError{msg: fmt.Sprintf("viz: Contour: f(%s, %s) is %s; choose a box where the loss is finite", fmtG(x), fmtG(y), bad), err: sentinel}
			}
			s.z[r][c] = v
			all = append(all, v)
		}
	}
	levels := contourLevelsOf(all)

	p := newPlot("Loss surface", "w₁", "w₂")
	// Colours step evenly by level rather than by loss value.
	pal := ramp(contourColors, max(len(levels), 2)).Colors()
	styles := make([]draw.LineStyle, len(levels))
	for k := range levels {
		styles[k] = draw.LineStyle{Color: pal[k], Width: vg.Points(1)}
	}
	p.Add(newIsolines(s, levels, styles))
	fit := &legendFit{} // the axes show the box: no head room
	for i, pa := range paths {
		xys := make(plotter.XYs, len(pa.X))
		for k := range pa.X {
			xys[k] = plotter.XY{X: pa.X[k], Y: pa.Y[k]}
		}
		fit.lines = append(fit.lines, xys)
		fit.points = append(fit.points, xys[0], xys[len(xys)-1])
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: Color(i), Width: vg.Points(2)}
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if len(xys) <= maxPathMarkers {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: Color(i), Radius: vg.Points(2.2), Shape: markerFor(0, color.White)}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		start, _ := plotter.NewScatter(xys[:1])
		start.GlyphStyle = draw.GlyphStyle{Color: Color(i), Radius: vg.Points(5), Shape: markerFor(0, color.Black)}
		end, _ := plotter.NewScatter(xys[len(xys)-1:])
		end.GlyphStyle = draw.GlyphStyle{Color: Color(i), Radius: vg.Points(5.5), Shape: markerFor(6, color.Black)}
		p.Add(start, end)
		name := pa.Name
		if name == "" {
			name = fmt.Sprintf("path %d", i+1)
		}
		p.Legend.Add(name, thumbs...)
	}
	if len(paths) > 0 {
		start := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: color.White, Radius: vg.Points(4.5), Shape: markerFor(0, color.Black)}}
		end := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: color.White, Radius: vg.Points(5), Shape: markerFor(6, color.Black)}}
		p.Legend.Add("start", start)
		p.Legend.Add("end", end)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xMin, xMax, yMin, yMax
	preferSize(p, 6*vg.Inch, 5*vg.Inch)
	placeLegend(p, fit)
	return p, nil
}

func checkPath(i int, pa Path) error {
	name := pa.Name
	if name == "" {
		name = fmt.Sprintf("path %d", i+1)
	}
	if len(pa.X) != len(pa.Y) {
		return fmt.Errorf("viz: Contour: path %q has %d x values but %d y values; they must match", name, len(pa.X), len(pa.Y))
	}
	if len(pa.X) == 0 {
		return fmt.Errorf("viz: Contour: path %q has no points; it should start with the initial point", name)
	}
	for k := range pa.X {
		for _, v := range []float64{pa.X[k], pa.Y[k]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad, sentinel := describe(v)
				return &dataError{msg: fmt.Sprintf("viz: Contour: path %q is %s at step %d; the optimizer diverged: try a smaller learning rate", name, bad, k), err: sentinel}
			}
		}
	}
	return nil
}

// contourLevelsOf picks contour levels at the quantiles ((k/(L+1))² for
// k = 1…L) of the sampled values. Squaring the probabilities puts more
// levels at low loss; for a quadratic bowl it gives evenly spaced rings.
func contourLevelsOf(vs []float64) []float64 {
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	var levels []float64
	for k := 1; k <= contourLevels; k++ {
		q := math.Pow(float64(k)/(contourLevels+1), 2)
		i := int(q * float64(len(sorted)-1))
		// Take the midpoint to the next larger sample, so that no grid
		// value lies exactly on a level.
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		if j == len(sorted) {
			continue
		}
		v := (sorted[i] + sorted[j]) / 2
		if len(levels) == 0 || v > levels[len(levels)-1] {
			levels = append(levels, v)
		}
	}
	return levels
}
