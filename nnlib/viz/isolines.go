package viz

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// isolines draws contour lines of a sampled surface, found by marching
// squares and joined into polylines through the grid edges they cross.
//
// plotter.Contour is not used: on curved valleys such as the Rosenbrock
// function its loop excision (plotter/contour.go, linearPathsIn in
// gonum/plot v0.17.0) never returns. Joining by edge index cannot loop:
// every crossed edge is shared by at most two cells, so the pieces form
// simple paths and cycles.
type isolines struct {
	s      *surface
	lines  [][][]vg.Point // per level: polylines in data coordinates
	styles []draw.LineStyle
}

// newIsolines traces the given levels of s; styles[k] draws level k.
func newIsolines(s *surface, levels []float64, styles []draw.LineStyle) *isolines {
	iso := &isolines{s: s, styles: styles}
	for _, z := range levels {
		iso.lines = append(iso.lines, trace(s, z))
	}
	return iso
}

// trace returns the polylines where s crosses level z. Grid values equal
// to z count as above it.
func trace(s *surface, z float64) [][]vg.Point {
	nc, nr := len(s.xs), len(s.ys)
	above := func(r, c int) bool { return s.z[r][c] >= z }
	// Edge IDs: 2·(r·nc+c) is the edge from (r, c) to (r, c+1); one
	// more is the edge from (r, c) to (r+1, c).
	hEdge := func(r, c int) int { return 2 * (r*nc + c) }
	vEdge := func(r, c int) int { return 2*(r*nc+c) + 1 }
	point := func(id int) vg.Point {
		k := id / 2
		r, c := k/nc, k%nc
		r2, c2 := r, c+1
		if id%2 == 1 {
			r2, c2 = r+1, c
		}
		z1, z2 := s.z[r][c], s.z[r2][c2]
		t := (z - z1) / (z2 - z1)
		return vg.Point{
			X: vg.Length(s.xs[c] + t*(s.xs[c2]-s.xs[c])),
			Y: vg.Length(s.ys[r] + t*(s.ys[r2]-s.ys[r])),
		}
	}
	adj := map[int][]int{}
	link := func(a, b int) {
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	for r := range nr - 1 {
		for c := range nc - 1 {
			a, b, cc, d := above(r, c), above(r, c+1), above(r+1, c+1), above(r+1, c)
			var crossed []int // bottom, right, top, left, in that order
			if a != b {
				crossed = append(crossed, hEdge(r, c))
			}
			if b != cc {
				crossed = append(crossed, vEdge(r, c+1))
			}
			if d != cc {
				crossed = append(crossed, hEdge(r+1, c))
			}
			if a != d {
				crossed = append(crossed, vEdge(r, c))
			}
			switch len(crossed) {
			case 2:
				link(crossed[0], crossed[1])
			case 4:
				// Saddle: the centre value decides which pair of
				// opposite corners is joined.
				centre := (s.z[r][c]+s.z[r][c+1]+s.z[r+1][c+1]+s.z[r+1][c])/4 >= z
				if centre == a {
					link(crossed[0], crossed[1]) // cut off corner b
					link(crossed[2], crossed[3]) // cut off corner d
				} else {
					link(crossed[0], crossed[3]) // cut off corner a
					link(crossed[1], crossed[2]) // cut off corner c
				}
			}
		}
	}
	seen := map[int]bool{}
	var lines [][]vg.Point
	walk := func(start int) {
		var pts []vg.Point
		prev, cur := -1, start
		for {
			seen[cur] = true
			pts = append(pts, point(cur))
			next := -1
			for _, n := range adj[cur] {
				if n != prev && !seen[n] {
					next = n
					break
				}
			}
			if next < 0 {
				// Close a cycle back to its start.
				for _, n := range adj[cur] {
					if n == start && n != prev && len(pts) > 2 {
						pts = append(pts, pts[0])
					}
				}
				break
			}
			prev, cur = cur, next
		}
		if len(pts) > 1 {
			lines = append(lines, pts)
		}
	}
	// Open lines start at an end (an edge on the grid's border); what
	// is left are closed loops.
	for id, n := range adj {
		if len(n) == 1 && !seen[id] {
			walk(id)
		}
	}
	for id := range adj {
		if !seen[id] {
			walk(id)
		}
	}
	return lines
}

// Plot implements plot.Plotter.
func (iso *isolines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for k, lines := range iso.lines {
		for _, line := range lines {
			pts := make([]vg.Point, len(line))
			for i, q := range line {
				pts[i] = vg.Point{X: trX(float64(q.X)), Y: trY(float64(q.Y))}
			}
			c.StrokeLines(iso.styles[k], c.ClipLinesXY(pts)...)
		}
	}
}

// DataRange implements plot.DataRanger.
func (iso *isolines) DataRange() (xmin, xmax, ymin, ymax float64) {
	s := iso.s
	return s.xs[0], s.xs[len(s.xs)-1], s.ys[0], s.ys[len(s.ys)-1]
}
