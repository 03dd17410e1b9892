package viz

import (
	"bytes"
	"fmt"
	"math"

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
// the same row and column line up (plot.Align), and each plot is laid
// out for its tile, as PNG lays a plot out for its size. A nil plot
// leaves its tile blank. Several histograms side by side:
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
		drawings := make([][]*drawing, rows)
		grid := make([][]*plot.Plot, rows)
		for r := range grid {
			drawings[r] = make([]*drawing, cols)
			grid[r] = make([]*plot.Plot, cols)
			for k := range cols {
				if i := r*cols + k; i < len(plots) && plots[i] != nil {
					d := newDrawing(plots[i])
					drawings[r][k], grid[r][k] = d, d.q
				}
			}
		}
		t := draw.Tiles{
			Rows: rows, Cols: cols,
			PadX: vg.Points(14), PadY: vg.Points(14),
			PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10),
		}
		// Lay each plot out in its tile, then align the tiles again,
		// since the layout may change the axes.
		canvases := plot.Align(grid, t, c)
		for r := range drawings {
			for k, d := range drawings[r] {
				if d != nil {
					d.layout(canvases[r][k])
				}
			}
		}
		canvases = plot.Align(grid, t, c)
		for r := range drawings {
			alignTitles(drawings[r], canvases[r])
			for k, d := range drawings[r] {
				if d != nil {
					d.draw(canvases[r][k])
				}
			}
		}
		return nil
	})
}

// alignTitles puts the titles of a row of tiles at the same height.
// plot.Align lines up the data areas, so a plot whose top tick label
// sticks out above its data area gets a taller tile and its title ends
// up higher than its neighbours'. Lowering the top of such a tile and
// its title padding by the same amount keeps its data area in place.
func alignTitles(row []*drawing, canvases []draw.Canvas) {
	top := vg.Length(math.Inf(1))
	for k, d := range row {
		if d != nil && d.q.Title.Text != "" {
			top = min(top, canvases[k].Max.Y)
		}
	}
	for k, d := range row {
		if d == nil || d.q.Title.Text == "" {
			continue
		}
		lower := min(canvases[k].Max.Y-top, d.q.Title.Padding)
		canvases[k].Max.Y -= lower
		d.q.Title.Padding -= lower
	}
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

// drawPlot draws p on c, laid out for the size of c: as many tick
// labels as fit, and the legend, on a light box, where it covers no data
// (see drawing). p itself is not changed.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	d := newDrawing(p)
	d.layout(c)
	d.draw(c)
}
