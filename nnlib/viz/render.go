package viz

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PNG renders p as a w×h PNG at DPI dots per inch; the image is
// w·DPI/72 × h·DPI/72 pixels (vg lengths are in points, 72 to the inch).
func PNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	return renderPNG(w, h, DPI, func(c draw.Canvas) error {
		if p == nil {
			return fmt.Errorf("viz: PNG: the plot is nil; check the error returned with it")
		}
		drawPlot(p, c)
		return nil
	})
}

// SVG renders p as a w×h SVG document.
func SVG(p *plot.Plot, w, h vg.Length) (s string, err error) {
	if p == nil {
		return "", fmt.Errorf("viz: SVG: the plot is nil; check the error returned with it")
	}
	if !(w > 0 && h > 0) {
		return "", fmt.Errorf("viz: SVG: size %v×%v; width and height must be positive", w, h)
	}
	defer recoverDraw(&err)
	c := vgsvg.New(w, h)
	drawPlot(p, draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("viz: encoding SVG: %w", err)
	}
	return b.String(), nil
}

// GridPNG renders plots into one w×h PNG (at DPI dots per inch), as a
// grid with cols columns filled row by row. The data areas of plots in
// the same row and column line up (plot.Align). A nil plot leaves its
// tile blank. Several histograms side by side:
//
//	b, err := viz.GridPNG(5, 15*vg.Inch, 6*vg.Inch, hists...)
//
// ShowGrid picks the size and shows the result.
func GridPNG(cols int, w, h vg.Length, plots ...*plot.Plot) ([]byte, error) {
	return gridPNG(cols, w, h, DPI, plots)
}

func gridPNG(cols int, w, h vg.Length, dpi int, plots []*plot.Plot) ([]byte, error) {
	rows, err := gridShape(cols, plots)
	if err != nil {
		return nil, err
	}
	cols = min(cols, len(plots))
	return renderPNG(w, h, dpi, func(c draw.Canvas) error {
		grid := make([][]*plot.Plot, rows)
		for r := range grid {
			grid[r] = make([]*plot.Plot, cols)
			for k := range cols {
				if i := r*cols + k; i < len(plots) {
					grid[r][k] = plots[i]
				}
			}
		}
		t := draw.Tiles{
			Rows: rows, Cols: cols,
			PadX: vg.Points(14), PadY: vg.Points(14),
			PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10),
		}
		canvases := plot.Align(grid, t, c)
		for r := range grid {
			for k, p := range grid[r] {
				if p != nil {
					drawPlot(p, canvases[r][k])
				}
			}
		}
		return nil
	})
}

// gridShape checks the arguments of a grid and returns its row count.
func gridShape(cols int, plots []*plot.Plot) (rows int, err error) {
	if cols < 1 {
		return 0, fmt.Errorf("viz: grid with %d columns; pass cols ≥ 1", cols)
	}
	some := false
	for _, p := range plots {
		some = some || p != nil
	}
	if !some {
		return 0, fmt.Errorf("viz: grid of %d plots has nothing to draw; check the errors returned with the plots", len(plots))
	}
	cols = min(cols, len(plots))
	return (len(plots) + cols - 1) / cols, nil
}

// renderPNG draws onto a fresh w×h image canvas and encodes it as PNG.
func renderPNG(w, h vg.Length, dpi int, drawTo func(draw.Canvas) error) (b []byte, err error) {
	if !(w > 0 && h > 0) {
		return nil, fmt.Errorf("viz: PNG size %v×%v; width and height must be positive (e.g. 6*vg.Inch, 4*vg.Inch)", w, h)
	}
	if dpi < 1 {
		return nil, fmt.Errorf("viz: DPI is %d; it must be positive (the default is 128)", dpi)
	}
	defer recoverDraw(&err)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	if err := drawTo(draw.New(c)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("viz: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// recoverDraw turns a panic inside gonum/plot's drawing code (a log axis
// over negative values, a palette without colours) into an error, so a
// notebook cell reports it instead of crashing.
func recoverDraw(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("viz: drawing the plot failed: %v", r)
	}
}

// drawPlot draws p on c, with the legend on a light box so that curves
// passing under it do not cross its text. p itself is not changed: a
// shallow copy with an empty legend draws the plot, and a plotter added
// last to the copy draws the box and the legend.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	if r := p.Legend.Rectangle(c); r.Size().Y <= 0 {
		p.Draw(c)
		return
	}
	q := *p
	q.Legend = plot.NewLegend()
	q.Add(boxedLegend{p.Legend})
	q.Draw(c)
}

// boxedLegend draws a legend over a translucent white box.
type boxedLegend struct{ l plot.Legend }

// Plot implements plot.Plotter; c is the data area, which the legend is
// placed in, as plot.Legend.Draw places it.
func (b boxedLegend) Plot(c draw.Canvas, _ *plot.Plot) {
	l := b.l
	size := l.Rectangle(c).Size()
	x0 := c.Max.X + l.XOffs - size.X
	if l.Left {
		x0 = c.Min.X + l.XOffs
	}
	y0 := c.Min.Y + l.YOffs
	if l.Top {
		y0 = c.Max.Y + l.YOffs - l.TextStyle.FontExtents().Descent - size.Y
	}
	const padX, padY = 4, 2
	box := vg.Rectangle{
		Min: vg.Point{X: x0 - padX, Y: y0 - padY},
		Max: vg.Point{X: x0 + size.X + padX, Y: y0 + size.Y + padY},
	}
	c.SetColor(color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xE0})
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0xCC}, Width: vg.Points(0.5)})
	c.Stroke(box.Path())
	l.Draw(c)
}
