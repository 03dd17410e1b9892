package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nnfromscratch/nngo/nnlib"
)

// Series is one named line for Lines: the points (X[i], Y[i]). A nil X
// means 1, 2, …, len(Y) (epochs or steps).
type Series struct {
	Name string
	X, Y []float64
}

// maxMarked is the largest number of points for which lines also show a
// marker at each point; longer lines are drawn plain.
const maxMarked = 30

// LossCurves plots the training loss and, when the history has one, the
// validation loss against the epoch (1, 2, …). When early stopping ended
// the run, a dotted vertical line marks History.BestEpoch, the epoch whose
// weights were kept.
//
// It returns an error for an empty history and for NaN or ±Inf losses,
// naming the epoch where they start.
func LossCurves(h *nnlib.History) (*plot.Plot, error) {
	if h == nil || len(h.TrainLoss) == 0 {
		return nil, fmt.Errorf("viz: LossCurves: the history has no epochs; pass the *History that Trainer.Fit returns")
	}
	curves := []historyCurve{{"training loss", "train", h.TrainLoss}}
	if len(h.ValLoss) > 0 {
		curves = append(curves, historyCurve{"validation loss", "validation", h.ValLoss})
	}
	title := "Loss"
	if len(curves) > 1 {
		title = "Training and validation loss"
	}
	return historyPlot(h, title, "loss", curves, lossAdvice)
}

// AccuracyCurves plots the training accuracy and, when the history has
// one, the validation accuracy against the epoch (1, 2, …), marking
// History.BestEpoch like LossCurves. It returns an error when the history
// has no accuracy (a regression run) and for NaN or ±Inf values.
func AccuracyCurves(h *nnlib.History) (*plot.Plot, error) {
	if h == nil || len(h.TrainLoss) == 0 && len(h.TrainAccuracy) == 0 {
		return nil, fmt.Errorf("viz: AccuracyCurves: the history has no epochs; pass the *History that Trainer.Fit returns")
	}
	var curves []historyCurve
	if len(h.TrainAccuracy) > 0 {
		curves = append(curves, historyCurve{"training accuracy", "train", h.TrainAccuracy})
	}
	if len(h.ValAccuracy) > 0 {
		curves = append(curves, historyCurve{"validation accuracy", "validation", h.ValAccuracy})
	}
	if len(curves) == 0 {
		return nil, fmt.Errorf("viz: AccuracyCurves: the history has no accuracy (a regression run records only the loss); plot it with LossCurves")
	}
	title := "Accuracy"
	if len(curves) > 1 {
		title = "Training and validation accuracy"
	}
	return historyPlot(h, title, "accuracy", curves, accuracyAdvice)
}

const (
	lossAdvice     = "try a smaller learning rate"
	accuracyAdvice = "accuracy is NaN when the set it is measured on is empty; check the split sizes"
)

// historyCurve is one per-epoch slice of a History.
type historyCurve struct {
	what   string // for messages: "training loss"
	legend string
	vs     []float64
}

func historyPlot(h *nnlib.History, title, yLabel string, curves []historyCurve, advice string) (*plot.Plot, error) {
	for _, c := range curves {
		if err := checkEpochs(c.what, c.vs, advice); err != nil {
			return nil, err
		}
	}
	p := newPlot(title, "epoch", yLabel)
	addGrid(p)
	var allY []float64
	fit := &legendFit{headroom: true}
	n := 0
	for i, c := range curves {
		xys := make(plotter.XYs, len(c.vs))
		for k, v := range c.vs {
			xys[k] = plotter.XY{X: float64(k + 1), Y: v}
		}
		allY = append(allY, c.vs...)
		n = max(n, len(c.vs))
		if err := addLine(p, c.legend, xys, i); err != nil {
			return nil, err
		}
		fit.lines = append(fit.lines, xys)
	}
	p.X.Tick.Marker = niceTicks{integer: true}
	p.X.Min = 1
	lo, hi := minMax(allY)
	setYRange(p, lo, hi)
	if h.StoppedEarly && h.BestEpoch >= 1 && h.BestEpoch <= n {
		if err := markBest(p, h.BestEpoch, allY); err != nil {
			return nil, err
		}
	}
	placeLegend(p, fit)
	return p, nil
}

// checkEpochs returns the learner-facing error for the first NaN or ±Inf
// in a per-epoch slice, or nil.
func checkEpochs(what string, vs []float64, advice string) error {
	i := badValue(vs)
	if i < 0 {
		return nil
	}
	name, sentinel := describe(vs[i])
	where := fmt.Sprintf("at epoch %d", i+1)
	if badValue(vs[i:]) == 0 && allBad(vs[i:]) {
		where = fmt.Sprintf("from epoch %d on", i+1)
		if i == 0 {
			where = "from the first epoch on"
		}
	}
	return &dataError{msg: fmt.Sprintf("viz: %s is %s %s; %s", what, name, where, advice), err: sentinel}
}

func allBad(vs []float64) bool {
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// addLine adds the i-th styled line to p, with a marker at each point
// when there are few points, and a legend entry when name is not empty.
func addLine(p *plot.Plot, name string, xys plotter.XYs, i int) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("viz: %s: %w", name, err)
	}
	l.LineStyle = lineStyle(i)
	thumbs := []plot.Thumbnailer{l}
	p.Add(l)
	if len(xys) <= maxMarked {
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("viz: %s: %w", name, err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: Color(i), Radius: vg.Points(3), Shape: markerFor(i, color.White)}
		p.Add(s)
		thumbs = append(thumbs, s)
	}
	if name != "" {
		p.Legend.Add(name, thumbs...)
	}
	return nil
}

// markBest draws a dotted vertical line at the best epoch across the
// y range of ys.
func markBest(p *plot.Plot, best int, ys []float64) error {
	lo, hi := minMax(ys)
	x := float64(best)
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
	if err != nil {
		return err
	}
	l.LineStyle = draw.LineStyle{Color: mutedColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(1.5), vg.Points(3)}}
	p.Add(l)
	p.Legend.Add(fmt.Sprintf("best epoch %d (kept)", best), l)
	return nil
}

// Lines plots one line per series on shared axes, each in its own colour
// and dash pattern, with a legend of the series names. It is the plot for
// comparing runs: one loss curve per optimizer or per learning rate.
// Call LogY on the result for losses that span orders of magnitude.
//
// It returns an error when there is no series, when a series is empty or
// len(X) ≠ len(Y), and for NaN or ±Inf values.
func Lines(title, xLabel, yLabel string, series ...Series) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("viz: Lines %q: no series to plot", title)
	}
	p := newPlot(title, xLabel, yLabel)
	addGrid(p)
	var allY []float64
	fit := &legendFit{headroom: true}
	integerX := true
	for i, s := range series {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		if len(s.Y) == 0 {
			return nil, fmt.Errorf("viz: Lines %q: %s has no points", title, name)
		}
		if s.X != nil && len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("viz: Lines %q: %s has %d x values but %d y values; they must match (or leave X nil for 1, 2, …)", title, name, len(s.X), len(s.Y))
		}
		xys := make(plotter.XYs, len(s.Y))
		for k, y := range s.Y {
			x := float64(k + 1)
			if s.X != nil {
				x = s.X[k]
				integerX = false
			}
			xys[k] = plotter.XY{X: x, Y: y}
		}
		if err := checkSeries(title, name, xys); err != nil {
			return nil, err
		}
		for _, xy := range xys {
			allY = append(allY, xy.Y)
		}
		if err := addLine(p, s.Name, xys, i); err != nil {
			return nil, err
		}
		fit.lines = append(fit.lines, xys)
	}
	if integerX {
		p.X.Tick.Marker = niceTicks{integer: true}
	}
	lo, hi := minMax(allY)
	setYRange(p, lo, hi)
	placeLegend(p, fit)
	return p, nil
}

// checkSeries reports the first NaN or ±Inf in a series.
func checkSeries(title, name string, xys plotter.XYs) error {
	for k, xy := range xys {
		for _, c := range []struct {
			axis string
			v    float64
		}{{"x", xy.X}, {"y", xy.Y}} {
			if !math.IsNaN(c.v) && !math.IsInf(c.v, 0) {
				continue
			}
			bad, sentinel := describe(c.v)
			where := fmt.Sprintf("at point %d", k+1)
			if c.axis == "y" && !math.IsNaN(xy.X) && !math.IsInf(xy.X, 0) {
				where += fmt.Sprintf(" (x = %s)", fmtG(xy.X))
			}
			return &dataError{
				msg: fmt.Sprintf("viz: Lines %q: %s has %s %s %s; if it is a loss, the run diverged: try a smaller learning rate", title, name, c.axis, bad, where),
				err: sentinel,
			}
		}
	}
	return nil
}

// activationSamples is the number of points at which Activation
// evaluates f and f′.
const activationSamples = 401

// Activation plots an activation function f and its derivative df on
// [lo, hi], with the legend "f" and "f′" and thin lines through the
// origin. df may be nil to plot f alone. For an nnlib activation:
//
//	a := &nnlib.Tanh{}
//	p, err := viz.Activation("tanh", a.Func, a.Deriv, -4, 4)
//
// It returns an error when lo ≥ hi, when f is nil, or when f or df is NaN
// or ±Inf somewhere on [lo, hi].
func Activation(name string, f, df func(float64) float64, lo, hi float64) (*plot.Plot, error) {
	if f == nil {
		return nil, fmt.Errorf("viz: Activation %q: f is nil", name)
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("viz: Activation %q: the range [%s, %s] is empty or infinite; pass lo < hi, e.g. -5, 5", name, fmtG(lo), fmtG(hi))
	}
	funcs := []struct {
		legend string
		f      func(float64) float64
	}{{"f", f}, {"f′", df}}
	p := newPlot(name, "z", "")
	addGrid(p)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	fit := &legendFit{headroom: true}
	var lines []*plotter.Line
	for i, fn := range funcs {
		if fn.f == nil {
			continue
		}
		xys := make(plotter.XYs, activationSamples)
		for k := range xys {
			z := lo + (hi-lo)*float64(k)/float64(activationSamples-1)
			v := fn.f(z)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad, sentinel := describe(v)
				return nil, &dataError{msg: fmt.Sprintf("viz: Activation %q: %s(%s) is %s; plot a range where the function is finite", name, fn.legend, fmtG(z), bad), err: sentinel}
			}
			xys[k] = plotter.XY{X: z, Y: v}
			ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
		}
		fit.lines = append(fit.lines, xys)
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.LineStyle = lineStyle(i)
		l.LineStyle.Width = vg.Points(2.4)
		lines = append(lines, l)
		p.Legend.Add(fn.legend, l)
	}
	// Axes through the origin, drawn under the curves.
	axis := draw.LineStyle{Color: mutedColor, Width: vg.Points(0.8)}
	if ylo <= 0 && 0 <= yhi {
		l, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: 0}, {X: hi, Y: 0}})
		l.LineStyle = axis
		p.Add(l)
	}
	if lo <= 0 && 0 <= hi {
		l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: ylo}, {X: 0, Y: yhi}})
		l.LineStyle = axis
		p.Add(l)
	}
	for _, l := range lines {
		p.Add(l)
	}
	setYRange(p, ylo, yhi)
	placeLegend(p, fit)
	return p, nil
}

// minMax returns the smallest and largest of vs.
func minMax(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
