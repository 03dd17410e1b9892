package viz

import (
	"sync"
	"weak"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// meta is what a builder knows about its plot that *plot.Plot has no
// field for: the size Show should use, the y range of the data before
// margins were added (for LogY), the data the legend should not cover,
// and whether the plot is a histogram (ShowGrid keeps those compact).
type meta struct {
	w, h     vg.Length
	yLo, yHi float64
	hasY     bool
	legend   *legendFit
	hist     bool
}

// The table is keyed by weak pointers, so it does not keep plots alive.
var (
	metaMu sync.Mutex
	metas  = map[weak.Pointer[plot.Plot]]meta{}
)

// updateMeta applies f to p's entry.
func updateMeta(p *plot.Plot, f func(*meta)) {
	metaMu.Lock()
	defer metaMu.Unlock()
	for k := range metas { // drop entries of collected plots
		if k.Value() == nil {
			delete(metas, k)
		}
	}
	k := weak.Make(p)
	m := metas[k]
	f(&m)
	metas[k] = m
}

func metaOf(p *plot.Plot) (meta, bool) {
	metaMu.Lock()
	defer metaMu.Unlock()
	m, ok := metas[weak.Make(p)]
	return m, ok
}

// preferSize records the size Show should use for p.
func preferSize(p *plot.Plot, w, h vg.Length) {
	updateMeta(p, func(m *meta) { m.w, m.h = w, h })
}

// preferredSize returns the size Show uses for p: the one its builder
// recorded, else ShowWidth×ShowHeight.
func preferredSize(p *plot.Plot) (w, h vg.Length) {
	if m, ok := metaOf(p); ok && m.w > 0 && m.h > 0 {
		return m.w, m.h
	}
	return ShowWidth, ShowHeight
}

// yMargin is the space added above and below the data, as a fraction of
// its range, so that lines and markers do not touch the frame.
const yMargin = 0.05

// setYRange sets p's y axis to [lo, hi] plus margins, never going below
// zero for data that is not negative, and records [lo, hi] for LogY.
func setYRange(p *plot.Plot, lo, hi float64) {
	updateMeta(p, func(m *meta) { m.yLo, m.yHi, m.hasY = lo, hi, true })
	pad := yMargin * (hi - lo)
	if pad == 0 {
		pad = 0.5 * max(abs(lo), 1)
	}
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	if lo >= 0 && p.Y.Min < 0 {
		p.Y.Min = 0
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
