package viz

import (
	"cmp"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file lays a plot out at the size it is drawn: how many tick
// labels fit, where the legend goes so that it covers no data, and the
// label of a log-scale y axis. A builder knows the data but not the
// size; the size is known only when PNG, GridPNG or a Show function
// draws the plot.

// corner is a corner of the data area.
type corner struct{ top, left bool }

// allCorners lists the corners in the default order of preference: top
// right, top left, bottom right, bottom left.
var allCorners = []corner{{true, false}, {true, true}, {false, false}, {false, true}}

// Legend box geometry, in points: the padding of the box around the
// entries, the least distance kept between the box and the data, and
// the gap between a plot and a legend drawn to its right.
const (
	legendPadX    = 4
	legendPadY    = 2
	legendGap     = 3
	pointGap      = 5 // for scatter points, which have a radius
	outsideMargin = 8
)

// keepForHeadroom is the least fraction of its height the data keeps
// when the y axis grows to make room for the legend above it; below
// that, the legend goes to the right of the plot instead.
const keepForHeadroom = 0.6

// setCorner puts l in corner c of the data area, a little in from the
// edges.
func setCorner(l *plot.Legend, c corner) {
	l.Top, l.Left = c.top, c.left
	l.XOffs = -vg.Points(6)
	if c.left {
		l.XOffs = vg.Points(6)
	}
	l.YOffs = -vg.Points(4)
	if !c.top {
		l.YOffs = vg.Points(4)
	}
}

// legendFit is what a builder records about its plot so that the legend
// can be placed when the plot is drawn.
type legendFit struct {
	// lines are the curves the legend should not cover and points the
	// markers, in data coordinates.
	lines  []plotter.XYs
	points plotter.XYs
	// corners are the corners the legend may go in, in order of
	// preference.
	corners []corner
	// headroom allows the y axis to grow above the data to make room
	// for the legend; plots whose axes show a fixed box do not allow it.
	headroom bool

	// The legend placement the builder chose; a legend moved since, by
	// the caller, stays where the caller put it.
	top, left    bool
	xOffs, yOffs vg.Length
}

// placedBy reports whether l is where the builder put it.
func (f *legendFit) placedBy(l plot.Legend) bool {
	return l.Top == f.top && l.Left == f.left && l.XOffs == f.xOffs && l.YOffs == f.yOffs
}

// placeLegend records fit for p and puts p's legend in the corner that
// covers the least data when p is drawn at the size Show uses; the
// corner is chosen again for the size p is drawn at. Call it once the
// axis ranges and the preferred size are set.
func placeLegend(p *plot.Plot, fit *legendFit) {
	if len(fit.corners) == 0 {
		fit.corners = allCorners
	}
	w, h := preferredSize(p)
	d := newDrawing(p)
	d.fit = fit
	d.layout(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	p.Legend.Top, p.Legend.Left = d.legend.Top, d.legend.Left
	p.Legend.XOffs, p.Legend.YOffs = d.legend.XOffs, d.legend.YOffs
	fit.top, fit.left = p.Legend.Top, p.Legend.Left
	fit.xOffs, fit.yOffs = p.Legend.XOffs, p.Legend.YOffs
	updateMeta(p, func(m *meta) { m.legend = fit })
}

// drawing is a plot prepared for drawing at one size. The plot itself
// is not changed: q is a shallow copy whose axes the layout may change,
// and the legend is drawn on a box after the plot.
type drawing struct {
	q         *plot.Plot
	legend    plot.Legend
	hasLegend bool
	fit       *legendFit // nil: the legend stays where the plot has it
	// outside is the width taken right of the plot for the legend, or 0
	// when the legend is inside the data area.
	outside vg.Length
	// yLabel, when not empty, is the y axis label, drawn centred on
	// the axis by the drawing rather than by plot (see newDrawing).
	yLabel      string
	yLabelStyle text.Style
}

func newDrawing(p *plot.Plot) *drawing {
	q := *p
	d := &drawing{q: &q, legend: p.Legend}
	d.hasLegend = p.Legend.Rectangle(draw.Canvas{}).Size().Y > 0
	q.Legend = plot.NewLegend()
	if m, ok := metaOf(p); ok && m.legend != nil && m.legend.placedBy(p.Legend) {
		d.fit = m.legend
	}
	// plot centres the y label on the axis when it draws it, but it
	// makes room for it (GlyphBoxes) around the value halfway between
	// Min and Max, which on a log scale is near the top: a long label
	// pushes the data area down and leaves a blank band. A one-space
	// label takes the same width and needs no room; the drawing draws
	// the real label.
	if _, linear := p.Y.Scale.(plot.LinearScale); !linear && p.Y.Label.Text != "" {
		d.yLabel, d.yLabelStyle = p.Y.Label.Text, p.Y.Label.TextStyle
		q.Y.Label.Text = " "
	}
	return d
}

// layout fits the ticks and places the legend for drawing on c.
func (d *drawing) layout(c draw.Canvas) {
	d.outside = 0
	fitTicks(d.q, c)
	if d.hasLegend && d.fit != nil {
		d.placeLegend(c)
	}
}

// draw draws the plot on c; call layout first.
func (d *drawing) draw(c draw.Canvas) {
	pc := c
	pc.Max.X -= d.outside
	d.q.Draw(pc)
	da := d.q.DataCanvas(pc)
	if d.yLabel != "" {
		sty := d.yLabelStyle
		sty.Rotation += math.Pi / 2
		x := pc.Min.X + d.yLabelStyle.Height(d.yLabel) - d.yLabelStyle.FontExtents().Descent
		pc.FillText(sty, vg.Point{X: x, Y: (da.Min.Y + da.Max.Y) / 2}, d.yLabel)
	}
	if !d.hasLegend {
		return
	}
	if d.outside > 0 {
		lc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: pc.Max.X, Y: da.Min.Y},
			Max: vg.Point{X: c.Max.X, Y: da.Max.Y},
		}}
		l := d.legend
		l.Top, l.Left = true, true
		l.XOffs, l.YOffs = vg.Points(outsideMargin/2+legendPadX), 0
		drawLegend(lc, l)
		return
	}
	drawLegend(da, d.legend)
}

// dataArea returns the data area of the plot drawn on c.
func (d *drawing) dataArea(c draw.Canvas) draw.Canvas {
	pc := c
	pc.Max.X -= d.outside
	return d.q.DataCanvas(pc)
}

// placeLegend chooses where the legend goes on c: the first corner, in
// the fit's order, where it covers no data; else room made above the
// data by growing the y axis; else to the right of the plot; else the
// corner where it covers the least.
func (d *drawing) placeLegend(c draw.Canvas) {
	f, l := d.fit, &d.legend
	da := d.q.DataCanvas(c)
	lines, points := f.samples(d.q, da)
	best, bestN := f.corners[0], math.MaxInt
	for _, k := range f.corners {
		setCorner(l, k)
		box := legendBox(*l, da)
		n := countIn(lines, grow(box, legendGap)) + countIn(points, grow(box, pointGap))
		if n == 0 {
			return
		}
		if n < bestN {
			best, bestN = k, n
		}
	}
	var (
		roomCorner corner
		roomMax    float64
		roomKeep   float64
	)
	if f.headroom {
		for _, k := range f.corners {
			if !k.top {
				continue
			}
			if yMax, keep, ok := d.headroom(c, k); ok && keep > roomKeep {
				roomCorner, roomMax, roomKeep = k, yMax, keep
			}
		}
	}
	useRoom := func() {
		setCorner(l, roomCorner)
		d.q.Y.Max = roomMax
	}
	if roomKeep >= keepForHeadroom {
		useRoom()
		return
	}
	size := legendBox(*l, da).Size()
	if w := size.X + outsideMargin; w <= 0.35*(c.Max.X-c.Min.X) {
		setCorner(l, best) // for the record; the legend is drawn outside
		d.outside = w
		return
	}
	if roomKeep >= 0.3 {
		useRoom()
		return
	}
	setCorner(l, best)
}

// headroom returns the y axis maximum that leaves the legend in top
// corner k above all data under it, and the fraction of the height the
// data keeps; ok is false when no such maximum exists (a scale that is
// neither linear nor logarithmic, or a legend as tall as the plot).
func (d *drawing) headroom(c draw.Canvas, k corner) (yMax, keep float64, ok bool) {
	q := *d.q
	l := d.legend
	setCorner(&l, k)
	keep = 1
	for range 5 {
		da := q.DataCanvas(c)
		lines, points := d.fit.samples(&q, da)
		box := legendBox(l, da)
		h := float64(da.Max.Y - da.Min.Y)
		top, found := 0.0, false
		for _, s := range []struct {
			pts []vg.Point
			gap vg.Length
		}{{lines, legendGap}, {points, pointGap}} {
			b := grow(box, s.gap)
			for _, p := range s.pts {
				if p.X >= b.Min.X && p.X <= b.Max.X && p.Y > b.Min.Y {
					top = math.Max(top, float64(p.Y-da.Min.Y)/h+float64(s.gap-legendGap)/h)
					found = true
				}
			}
		}
		if !found {
			return q.Y.Max, keep, true
		}
		free := float64(box.Min.Y-legendGap-da.Min.Y) / h
		if free < 0.1 || top <= 0 {
			return 0, 0, false
		}
		ratio := math.Min(free/top, 0.995)
		var max float64
		switch q.Y.Scale.(type) {
		case plot.LinearScale:
			max = q.Y.Min + (q.Y.Max-q.Y.Min)/ratio
		case plot.LogScale:
			if !(q.Y.Min > 0) {
				return 0, 0, false
			}
			max = q.Y.Min * math.Pow(q.Y.Max/q.Y.Min, 1/ratio)
		default:
			return 0, 0, false
		}
		if math.IsInf(max, 0) || math.IsNaN(max) {
			return 0, 0, false
		}
		q.Y.Max = max
		keep *= ratio
	}
	return q.Y.Max, keep, true
}

// samples returns points along the fit's lines, no more than 2 points
// apart, and the fit's points, in the coordinates of q drawn with data
// area da; points outside da are left out.
func (f *legendFit) samples(q *plot.Plot, da draw.Canvas) (lines, points []vg.Point) {
	trX, trY := q.Transforms(&da)
	_, logX := q.X.Scale.(plot.LogScale)
	_, logY := q.Y.Scale.(plot.LogScale)
	drawable := func(xy plotter.XY) bool {
		if math.IsNaN(xy.X) || math.IsNaN(xy.Y) || math.IsInf(xy.X, 0) || math.IsInf(xy.Y, 0) {
			return false
		}
		return !(logX && (xy.X <= 0 || q.X.Min <= 0)) && !(logY && (xy.Y <= 0 || q.Y.Min <= 0))
	}
	r := da.Rectangle
	for _, line := range f.lines {
		var prev vg.Point
		have := false
		for _, xy := range line {
			if !drawable(xy) {
				have = false
				continue
			}
			p := vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
			if !have {
				if inside(r, p) {
					lines = append(lines, p)
				}
			} else {
				lines = appendSegment(lines, prev, p, r)
			}
			prev, have = p, true
		}
	}
	for _, xy := range f.points {
		if !drawable(xy) {
			continue
		}
		if p := (vg.Point{X: trX(xy.X), Y: trY(xy.Y)}); inside(r, p) {
			points = append(points, p)
		}
	}
	return lines, points
}

// appendSegment appends points along the part of the segment from a to
// b that lies in r, at most 2 points apart, leaving out a.
func appendSegment(pts []vg.Point, a, b vg.Point, r vg.Rectangle) []vg.Point {
	// Liang–Barsky clipping of a + t·(b − a), t ∈ [0, 1].
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return pts
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
	}
	if t0 > t1 {
		return pts
	}
	n := max(1, int(math.Ceil(math.Hypot(dx, dy)*(t1-t0)/2)))
	for i := 0; i <= n; i++ {
		t := t0 + (t1-t0)*float64(i)/float64(n)
		if t == 0 {
			continue
		}
		// Clamped: rounding may put the ends a hair outside r.
		x := min(max(a.X+vg.Length(t*dx), r.Min.X), r.Max.X)
		y := min(max(a.Y+vg.Length(t*dy), r.Min.Y), r.Max.Y)
		pts = append(pts, vg.Point{X: x, Y: y})
	}
	return pts
}

func inside(r vg.Rectangle, p vg.Point) bool {
	return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y
}

func countIn(pts []vg.Point, r vg.Rectangle) int {
	n := 0
	for _, p := range pts {
		if inside(r, p) {
			n++
		}
	}
	return n
}

// grow returns r with m added on every side.
func grow(r vg.Rectangle, m vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: r.Min.X - m, Y: r.Min.Y - m}, Max: vg.Point{X: r.Max.X + m, Y: r.Max.Y + m}}
}

// legendBox returns the box drawLegend draws around l in the data area
// da, placed as plot.Legend.Draw places it.
func legendBox(l plot.Legend, da draw.Canvas) vg.Rectangle {
	size := l.Rectangle(da).Size()
	x0 := da.Max.X + l.XOffs - size.X
	if l.Left {
		x0 = da.Min.X + l.XOffs
	}
	y0 := da.Min.Y + l.YOffs
	if l.Top {
		y0 = da.Max.Y + l.YOffs - l.TextStyle.FontExtents().Descent - size.Y
	}
	return vg.Rectangle{
		Min: vg.Point{X: x0 - legendPadX, Y: y0 - legendPadY},
		Max: vg.Point{X: x0 + size.X + legendPadX, Y: y0 + size.Y + legendPadY},
	}
}

// drawLegend draws l over a translucent white box, so that curves
// passing under it do not cross its text.
func drawLegend(c draw.Canvas, l plot.Legend) {
	box := legendBox(l, c)
	c.SetColor(color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xE0})
	c.Fill(box.Path())
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 0xCC}, Width: vg.Points(0.5)})
	c.Stroke(box.Path())
	l.Draw(c)
}

// Least gaps between neighbouring tick labels, in points.
const (
	tickGapX = 8
	tickGapY = 3
)

// fitTicks lowers the number of labels of q's niceTicks and logTicks
// axes until neighbouring labels do not overlap when q is drawn on c.
// Other tick markers are left alone.
func fitTicks(q *plot.Plot, c draw.Canvas) {
	da := q.DataCanvas(c)
	axes := []struct {
		a          *plot.Axis
		length     vg.Length
		horizontal bool
	}{{&q.X, da.Max.X - da.Min.X, true}, {&q.Y, da.Max.Y - da.Min.Y, false}}
	for _, ax := range axes {
		a := ax.a
		if !(a.Max > a.Min) {
			continue
		}
		switch t := a.Tick.Marker.(type) {
		case niceTicks:
			n := t.n
			if n <= 0 {
				n = 6
			}
			for ; n > 2; n-- {
				if labelsFit(a, niceTicks{integer: t.integer, n: n}, ax.length, ax.horizontal) {
					break
				}
			}
			a.Tick.Marker = niceTicks{integer: t.integer, n: n}
		case logTicks:
			if !(a.Min > 0) {
				continue
			}
			n := t.maxLabels
			if n <= 0 {
				n = defaultLogLabels
			}
			for ; n > 2; n-- {
				if labelsFit(a, logTicks{maxLabels: n}, ax.length, ax.horizontal) {
					break
				}
			}
			a.Tick.Marker = logTicks{maxLabels: n}
		}
	}
}

// labelsFit reports whether the labels that m puts on a, of the given
// length, keep the least gap between neighbours.
func labelsFit(a *plot.Axis, m plot.Ticker, length vg.Length, horizontal bool) bool {
	type label struct{ pos, size vg.Length }
	var labels []label
	for _, t := range m.Ticks(a.Min, a.Max) {
		if t.IsMinor() || t.Value < a.Min || t.Value > a.Max {
			continue
		}
		size := a.Tick.Label.Height(t.Label)
		if horizontal {
			size = a.Tick.Label.Width(t.Label)
		}
		labels = append(labels, label{pos: vg.Length(a.Norm(t.Value)) * length, size: size})
	}
	gap := vg.Length(tickGapY)
	if horizontal {
		gap = tickGapX
	}
	slices.SortFunc(labels, func(a, b label) int { return cmp.Compare(a.pos, b.pos) })
	for i := 1; i < len(labels); i++ {
		a, b := labels[i-1], labels[i]
		if b.pos-a.pos-(a.size+b.size)/2 < gap {
			return false
		}
	}
	return true
}
