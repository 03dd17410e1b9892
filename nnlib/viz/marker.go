package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// marker is a filled point shape with an optional outline. It replaces
// plot's glyphs, whose hollow shapes are drawn with hairlines that are
// hard to see at notebook size.
type marker struct {
	shape int         // index into markerShapes; -1 is a circle
	edge  color.Color // outline colour, or nil for none
}

// markerShapes are polygons with vertices on the unit circle, given as
// angles in degrees; nil is a circle. In order: circle, triangle,
// square, diamond, downward triangle, plus, cross, hexagon.
var markerShapes = [][]vg.Point{
	nil,
	polygon(90, 210, 330),
	polygon(45, 135, 225, 315),
	polygon(0, 90, 180, 270),
	polygon(270, 30, 150),
	plusShape(0),
	plusShape(45),
	polygon(0, 60, 120, 180, 240, 300),
}

func polygon(degrees ...float64) []vg.Point {
	pts := make([]vg.Point, len(degrees))
	for i, d := range degrees {
		a := d * math.Pi / 180
		pts[i] = vg.Point{X: vg.Length(math.Cos(a)), Y: vg.Length(math.Sin(a))}
	}
	return pts
}

// plusShape is a thick plus sign rotated by deg degrees, as a polygon.
func plusShape(deg float64) []vg.Point {
	const a, b = 1.0, 0.32 // arm length and half width
	raw := [][2]float64{{b, b}, {b, a}, {-b, a}, {-b, b}, {-a, b}, {-a, -b}, {-b, -b}, {-b, -a}, {b, -a}, {b, -b}, {a, -b}, {a, b}}
	s, c := math.Sincos(deg * math.Pi / 180)
	pts := make([]vg.Point, len(raw))
	for i, p := range raw {
		pts[i] = vg.Point{X: vg.Length(c*p[0] - s*p[1]), Y: vg.Length(s*p[0] + c*p[1])}
	}
	return pts
}

// markerFor returns the i-th class or series marker.
func markerFor(i int, edge color.Color) marker {
	return marker{shape: i % len(markerShapes), edge: edge}
}

// DrawGlyph implements draw.GlyphDrawer.
func (m marker) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	r := sty.Radius
	if m.shape < 0 || markerShapes[m.shape] == nil {
		p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		p.Arc(pt, r, 0, 2*math.Pi)
	} else {
		// Polygons look smaller than a circle of the same radius.
		r *= 1.2
		for i, v := range markerShapes[m.shape] {
			q := vg.Point{X: pt.X + v.X*r, Y: pt.Y + v.Y*r}
			if i == 0 {
				p.Move(q)
			} else {
				p.Line(q)
			}
		}
	}
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
	if m.edge != nil {
		c.SetLineStyle(draw.LineStyle{Color: m.edge, Width: vg.Points(0.7)})
		c.Stroke(p)
	}
}
