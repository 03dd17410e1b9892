package nnlib

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"
)

// ErrStop is the error an OnEpoch callback returns to end training
// cleanly: Fit then returns the History and a nil error.
var ErrStop = errors.New("nnlib: training stopped")

// Trainer fits a network to data by mini-batch gradient descent. Settings
// are exported fields; Loss, Optimizer, RNG, Epochs and BatchSize must be
// set, the rest is optional:
//
//	t := &nnlib.Trainer{
//		Loss:      nnlib.SoftmaxCrossEntropy{},
//		Optimizer: &nnlib.Adam{},
//		Epochs:    50,
//		BatchSize: 32,
//		RNG:       rand.New(rand.NewPCG(1, 2)),
//	}
//	h, err := t.Fit(net, xTrain, yTrain, xVal, yVal)
//
// Taught in notebook 05-the-training-loop.
type Trainer struct {
	Loss      Loss       // the data loss, e.g. SoftmaxCrossEntropy{} or MSE{}
	Optimizer Optimizer  // e.g. &Adam{}; its state carries over between Fit calls
	Epochs    int        // passes over the training data, ≥ 1
	BatchSize int        // examples per step, ≥ 1; larger than the data means full batch
	RNG       *rand.Rand // shuffles the examples before every epoch

	// Regularizer, if set, adds its penalty on every weight matrix (never
	// on biases, see Param.IsBias) to the loss being minimized. The
	// History's losses are data losses without it.
	Regularizer Regularizer

	// Schedule, if set, sets the optimizer's learning rate before each
	// epoch e (0-based) to Schedule.Rate(e), through [RateSetter]; the
	// optimizer keeps the last rate after Fit.
	Schedule Schedule

	// Patience turns on early stopping when > 0: training stops after
	// Patience epochs in a row without a new lowest validation loss (or
	// training loss when there is no validation data), and the weights of
	// the best epoch are put back into the network. 0 means off.
	Patience int

	// OnEpoch, if set, is called after every epoch with the History so
	// far (for live plots or logging). Returning ErrStop ends training
	// cleanly; any other error ends it and Fit returns that error wrapped.
	OnEpoch func(h *History) error

	// OnBatch, if set, is called after every step with the 1-based epoch,
	// the 1-based batch number, the number of batches per epoch and the
	// batch's data loss (for progress bars).
	OnBatch func(epoch, batch, batches int, loss float64)
}

// Fit trains net on x (n×d, one example per row) and targets y (n×k) for
// t.Epochs epochs and returns what happened in a [History]. valX and valY
// (m×d and m×k) are an optional validation set (nil, nil for none),
// evaluated after every epoch in inference mode (Dropout off).
//
// Each epoch shuffles the n examples with t.RNG and splits them into
// ⌈n/BatchSize⌉ batches; the last one is smaller when BatchSize does not
// divide n, and it is used, so every example counts once per epoch. For
// each batch Fit runs, on whole matrices:
//
//	ŷ = net.Forward(x_batch)
//	L = Loss(ŷ, y_batch)                ( + Regularizer on the weights)
//	net.Backward(∂L/∂ŷ)                 ( + ∂penalty/∂W into each W.Grad)
//	Optimizer.Step(net.Params())
//
// The History records per epoch the mean data loss over the epoch's
// examples, the learning rate (when the optimizer is a [RateSetter]), the
// wall time, the validation loss, and accuracies when the targets are
// classes: y with k ≥ 2 columns whose rows are one-hot (or other
// distributions: entries in [0, 1] summing to 1), compared with [ArgMax];
// or a single 0/1 column with BinaryCrossEntropy, with ŷ > 0.5 meaning 1.
// The training accuracy is counted from the batches' predictions during
// the epoch, in training mode.
//
// Fit returns an error, and trains nothing, when a setting is missing or
// out of range (the message names it), when x and y (or valX and valY)
// differ in rows or columns, contain NaN or ±Inf, or do not fit the
// network (the network's *ShapeError is wrapped), and when the
// optimizer's, regularizer's, schedule's or network's Validate method
// reports an error. A nil *History comes with these errors.
//
// If a batch loss becomes NaN or ±Inf, or a weight does (checked at the
// end of each epoch), Fit stops, puts the weights back to their values at the start of
// that epoch, resets the optimizer's state (if it has a Reset method) and
// returns a *[DivergenceError] together with the History of the complete
// epochs, so a model is never left with NaN weights.
//
// When an OnEpoch error other than ErrStop ends training, the network
// keeps the weights of the last epoch. Otherwise, with Patience > 0, the
// network ends with the weights of History.BestEpoch.
func (t *Trainer) Fit(net Layer, x, y, valX, valY *mat.Dense) (*History, error) {
	r, err := t.prepare(net, x, y, valX, valY)
	if err != nil {
		return nil, err
	}
	h := &History{}
	n, _ := x.Dims()
	bs := min(t.BatchSize, n)
	batches := (n + bs - 1) / bs
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	rater, _ := t.Optimizer.(RateSetter)
	best := math.Inf(1)
	for e := range t.Epochs {
		start := time.Now()
		if t.Schedule != nil {
			rater.SetRate(t.Schedule.Rate(e))
		}
		r.save(r.epochStart)
		SetTraining(net, true)
		t.RNG.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var lossSum float64
		right := 0
		diverged := func(batch int, loss float64, cause string) error {
			r.load(r.epochStart)
			if o, isResetter := t.Optimizer.(interface{ Reset() }); isResetter {
				o.Reset()
			}
			lr := math.NaN()
			if rater != nil {
				lr = rater.Rate()
			}
			return &DivergenceError{Epoch: e + 1, Batch: batch, Batches: batches, Loss: loss, LearningRate: lr, Cause: cause}
		}
		var loss float64
		for b := range batches {
			idx := perm[b*bs : min(b*bs+bs, n)]
			var ok int
			var cause string
			loss, ok, cause = r.step(idx)
			if cause != "" {
				return h, diverged(b+1, loss, cause)
			}
			lossSum += loss * float64(len(idx))
			right += ok
			if t.OnBatch != nil {
				t.OnBatch(e+1, b+1, batches, loss)
			}
		}
		if cause := r.nonFiniteParam(); cause != "" {
			return h, diverged(batches, loss, cause)
		}

		h.TrainLoss = append(h.TrainLoss, lossSum/float64(n))
		if r.kind != notClasses {
			h.TrainAccuracy = append(h.TrainAccuracy, float64(right)/float64(n))
		}
		if rater != nil {
			h.LearningRate = append(h.LearningRate, rater.Rate())
		}
		monitored := h.TrainLoss[e]
		if valX != nil {
			loss, acc := r.evaluate(valX, valY)
			h.ValLoss = append(h.ValLoss, loss)
			if r.kind != notClasses {
				h.ValAccuracy = append(h.ValAccuracy, acc)
			}
			monitored = loss
		}
		h.Duration = append(h.Duration, time.Since(start))
		if h.BestEpoch == 0 || monitored < best || math.IsNaN(best) && !math.IsNaN(monitored) {
			best, h.BestEpoch = monitored, e+1
			if t.Patience > 0 {
				r.save(r.best)
			}
		}
		stop := t.Patience > 0 && e+1-h.BestEpoch >= t.Patience && e+1 < t.Epochs
		h.StoppedEarly = stop
		if t.OnEpoch != nil {
			if err := t.OnEpoch(h); errors.Is(err, ErrStop) {
				stop = true
			} else if err != nil {
				return h, fmt.Errorf("nnlib: Trainer.OnEpoch stopped training after epoch %d: %w", e+1, err)
			}
		}
		if stop {
			break
		}
	}
	if t.Patience > 0 {
		r.load(r.best)
	}
	return h, nil
}

// DivergenceError reports a training run whose loss, gradients or
// weights became NaN or ±Inf, usually because the learning rate is too
// large or the inputs are not standardized. Fit has put the weights back
// to their values at the start of Epoch.
type DivergenceError struct {
	Epoch        int     // 1-based epoch in which it happened
	Batch        int     // 1-based batch within the epoch
	Batches      int     // batches per epoch
	Loss         float64 // the batch's data loss (may be NaN or ±Inf)
	LearningRate float64 // the optimizer's learning rate, NaN if it has no Rate method
	Cause        string  // what went non-finite, e.g. "the loss is NaN"
}

func (e *DivergenceError) Error() string {
	lr := "a smaller learning rate"
	if !math.IsNaN(e.LearningRate) {
		lr = fmt.Sprintf("a smaller learning rate (now %g)", e.LearningRate)
	}
	return fmt.Sprintf("nnlib: training diverged in epoch %d, batch %d of %d: %s; "+
		"the weights are back to their values at the start of epoch %d; "+
		"try %s, standardize the inputs (mean 0, standard deviation 1 per column) "+
		"or a smaller initialization", e.Epoch, e.Batch, e.Batches, e.Cause, e.Epoch, lr)
}

// targetKind says how Fit turns targets into classes for accuracy.
type targetKind int

const (
	notClasses    targetKind = iota // regression: no accuracy
	argMaxClasses                   // one-hot rows: class = ArgMax
	binaryClasses                   // one 0/1 column: class = value > 0.5
)

// run holds what one Fit call reuses from step to step: the parameters,
// the batch buffers and the weight snapshots, all allocated once.
type run struct {
	t      *Trainer
	net    Layer
	params []*Param
	x, y   *mat.Dense
	kind   targetKind

	xb, yb     *mat.Dense // batch buffers for full batches
	xl, yl     *mat.Dense // and for the smaller last batch (nil when none)
	dy         *mat.Dense // ∂L/∂ŷ
	gradTo     func(dst, yHat, y *mat.Dense)
	copyRows   gatherLoop  // gathers a batch's examples
	epochStart [][]float64 // weights at the start of the epoch
	best       [][]float64 // weights after the best epoch (with Patience)
}

// prepare checks the settings and the data and allocates the buffers.
func (t *Trainer) prepare(net Layer, x, y, valX, valY *mat.Dense) (*run, error) {
	if err := t.checkSettings(); err != nil {
		return nil, err
	}
	if net == nil {
		return nil, errors.New("nnlib: Trainer.Fit: net is nil; pass a network, e.g. nnlib.NewSequential(...)")
	}
	if err := checkData(x, y, valX, valY); err != nil {
		return nil, err
	}
	for _, v := range []any{t.Optimizer, t.Regularizer, t.Schedule, net} {
		if v, ok := v.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
	}
	params := net.Params()
	if len(params) == 0 {
		return nil, errors.New("nnlib: Trainer.Fit: the network has no parameters to train; add a layer such as nnlib.NewLinear")
	}
	n, d := x.Dims()
	_, k := y.Dims()
	bs := min(t.BatchSize, n)
	r := &run{
		t:      t,
		net:    net,
		params: append([]*Param(nil), params...),
		x:      x,
		y:      y,
		kind:   targetKindOf(y, t.Loss),
		xb:     mat.NewDense(bs, d, nil),
		yb:     mat.NewDense(bs, k, nil),
		dy:     mat.NewDense(bs, k, nil),
	}
	if last := n % bs; last != 0 {
		r.xl, r.yl = mat.NewDense(last, d, nil), mat.NewDense(last, k, nil)
	}
	if g, ok := t.Loss.(interface{ GradTo(dst, yHat, y *mat.Dense) }); ok {
		r.gradTo = g.GradTo
	}
	for _, p := range r.params {
		if p == nil || p.Value == nil {
			return nil, errors.New("nnlib: Trainer.Fit: the network has a nil parameter or a parameter with a nil Value")
		}
		r.epochStart = append(r.epochStart, make([]float64, size(p)))
		if t.Patience > 0 {
			r.best = append(r.best, make([]float64, size(p)))
		}
	}
	if err := r.probe(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkSettings reports a missing or out-of-range Trainer setting.
func (t *Trainer) checkSettings() error {
	switch {
	case t.Loss == nil:
		return errors.New("nnlib: Trainer.Loss is nil; set it, e.g. nnlib.SoftmaxCrossEntropy{} for classes or nnlib.MSE{} for regression")
	case t.Optimizer == nil:
		return errors.New("nnlib: Trainer.Optimizer is nil; set it, e.g. &nnlib.Adam{} or &nnlib.SGD{LearningRate: 0.1}")
	case t.RNG == nil:
		return errors.New("nnlib: Trainer.RNG is nil; set it to a seeded generator, e.g. rand.New(rand.NewPCG(1, 2)) from math/rand/v2")
	case t.Epochs <= 0:
		return fmt.Errorf("nnlib: Trainer.Epochs is %d; it must be ≥ 1 (the number of passes over the data)", t.Epochs)
	case t.BatchSize <= 0:
		return fmt.Errorf("nnlib: Trainer.BatchSize is %d; it must be ≥ 1 (e.g. 32)", t.BatchSize)
	case t.Patience < 0:
		return fmt.Errorf("nnlib: Trainer.Patience is %d; it must be ≥ 0 (0 turns early stopping off)", t.Patience)
	}
	if t.Schedule != nil {
		if _, ok := t.Optimizer.(RateSetter); !ok {
			return fmt.Errorf("nnlib: Trainer.Schedule is set but the optimizer %T has no SetRate method (see nnlib.RateSetter)", t.Optimizer)
		}
	}
	return nil
}

// checkData reports data that Fit cannot train on.
func checkData(x, y, valX, valY *mat.Dense) error {
	if x == nil || y == nil || x.IsEmpty() || y.IsEmpty() {
		return errors.New("nnlib: Trainer.Fit: x and y must be non-empty matrices (one example per row)")
	}
	n, d := x.Dims()
	ny, k := y.Dims()
	if n != ny {
		return fmt.Errorf("nnlib: Trainer.Fit: x has %d rows but y has %d; give one target row per example", n, ny)
	}
	if (valX == nil) != (valY == nil) {
		return errors.New("nnlib: Trainer.Fit: pass both valX and valY, or neither")
	}
	if valX != nil {
		if valX.IsEmpty() || valY.IsEmpty() {
			return errors.New("nnlib: Trainer.Fit: valX and valY are empty; pass nil, nil for no validation set")
		}
		m, vd := valX.Dims()
		my, vk := valY.Dims()
		switch {
		case m != my:
			return fmt.Errorf("nnlib: Trainer.Fit: valX has %d rows but valY has %d; give one target row per example", m, my)
		case vd != d:
			return fmt.Errorf("nnlib: Trainer.Fit: valX has %d columns but x has %d; they must have the same features", vd, d)
		case vk != k:
			return fmt.Errorf("nnlib: Trainer.Fit: valY has %d columns but y has %d; they must have the same targets", vk, k)
		}
	}
	for _, m := range []struct {
		name string
		m    *mat.Dense
	}{{"x", x}, {"y", y}, {"valX", valX}, {"valY", valY}} {
		if m.m == nil {
			continue
		}
		if i, j, ok := nonFinite(m.m); ok {
			return fmt.Errorf("nnlib: Trainer.Fit: %s[%d, %d] is %v; remove or fill in missing values before training", m.name, i, j, m.m.At(i, j))
		}
	}
	return nil
}

// nonFinite returns the position of the first NaN or ±Inf in m.
func nonFinite(m *mat.Dense) (i, j int, found bool) {
	raw := m.RawMatrix()
	for i := range raw.Rows {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// allFinite reports whether m holds no NaN or ±Inf. It is the hot-path
// check: v − v is 0 for every finite v and NaN otherwise.
func allFinite(m *mat.Dense) bool {
	raw := m.RawMatrix()
	if raw.Stride == raw.Cols || raw.Rows == 1 {
		return finiteSlice(raw.Data[:raw.Rows*raw.Cols])
	}
	for i := range raw.Rows {
		if !finiteSlice(raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]) {
			return false
		}
	}
	return true
}

func finiteSlice(s []float64) bool {
	var acc float64
	for _, v := range s {
		acc += v - v // stays 0 unless some v is NaN or ±Inf
	}
	return acc == 0
}

// targetKindOf decides whether y holds classes (see Fit).
func targetKindOf(y *mat.Dense, loss Loss) targetKind {
	_, k := y.Dims()
	raw := y.RawMatrix()
	if k == 1 {
		switch loss.(type) {
		case BinaryCrossEntropy, *BinaryCrossEntropy:
			return binaryClasses
		}
		return notClasses
	}
	for i := range raw.Rows {
		sum := 0.0
		for _, v := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
			if v < 0 || v > 1 {
				return notClasses
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-6 {
			return notClasses
		}
	}
	return argMaxClasses
}

// probe runs the first batch forward in inference mode and through the
// loss, and turns a *ShapeError from either into an error that says
// whether x or y does not fit the network.
func (r *run) probe() (err error) {
	n, d := r.x.Dims()
	_, k := r.y.Dims()
	idx := make([]int, min(r.t.BatchSize, n))
	for i := range idx {
		idx[i] = i
	}
	xb, yb := r.batch(len(idx))
	r.copyRows.gather(xb, r.x, idx)
	r.copyRows.gather(yb, r.y, idx)
	SetTraining(r.net, false)
	defer SetTraining(r.net, true)
	var yHat *mat.Dense
	if se := catchShape(func() { yHat = r.net.Forward(xb) }); se != nil {
		return &fitError{
			msg: fmt.Sprintf("nnlib: Trainer.Fit: the network does not accept x (%s): %s: got %s, want %s; "+
				"x needs as many columns as the first layer has inputs", dims(n, d), se.Op, se.Got, se.Want),
			err: se,
		}
	}
	if se := catchShape(func() { r.t.Loss.Value(yHat, yb) }); se != nil {
		hr, hc := yHat.Dims()
		return &fitError{
			msg: fmt.Sprintf("nnlib: Trainer.Fit: the network's output (%s per batch) does not match y (%s): %s: got %s, want %s; "+
				"the last layer needs as many outputs as y has columns", dims(hr, hc), dims(n, k), se.Op, se.Got, se.Want),
			err: se,
		}
	}
	return nil
}

// fitError is an error message that wraps the *ShapeError behind it.
type fitError struct {
	msg string
	err error
}

func (e *fitError) Error() string { return e.msg }
func (e *fitError) Unwrap() error { return e.err }

// catchShape runs f and returns the *ShapeError it panics with, if any;
// other panics pass through.
func catchShape(f func()) (se *ShapeError) {
	defer func() {
		if v := recover(); v != nil {
			e, ok := v.(*ShapeError)
			if !ok {
				panic(v)
			}
			se = e
		}
	}()
	f()
	return nil
}

// batch returns the x and y buffers for a batch of m examples.
func (r *run) batch(m int) (xb, yb *mat.Dense) {
	if rows, _ := r.xb.Dims(); m == rows {
		return r.xb, r.yb
	}
	return r.xl, r.yl
}

// step trains on the examples idx: gather, forward, loss, backward,
// penalty gradient, optimizer step. It returns the batch's data loss and
// how many examples were classified right (when the targets are
// classes). cause is empty unless the loss is NaN or ±Inf; the weights may
// then be damaged and the caller restores them. In steady state step
// allocates nothing.
func (r *run) step(idx []int) (loss float64, right int, cause string) {
	xb, yb := r.batch(len(idx))
	r.copyRows.gather(xb, r.x, idx)
	r.copyRows.gather(yb, r.y, idx)
	yHat := r.net.Forward(xb)
	loss = r.t.Loss.Value(yHat, yb)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0, fmt.Sprintf("the loss is %v", loss)
	}
	right = countRight(r.kind, yHat, yb)
	var dy *mat.Dense
	if r.gradTo != nil {
		r.gradTo(r.dy, yHat, yb)
		dy = r.dy
	} else {
		dy = r.t.Loss.Grad(yHat, yb)
	}
	backwardParams(r.net, dy)
	AddPenaltyGrad(r.t.Regularizer, r.params)
	r.t.Optimizer.Step(r.params)
	return loss, right, ""
}

// nonFiniteParam reports the first parameter holding a NaN or ±Inf.
//
// Fit calls it once per epoch, not after every step: scanning every weight
// and gradient after each step would cost a fifth of the training time of
// an MNIST network. A step that makes a weight non-finite cannot go
// unnoticed until then: NaN and ±Inf propagate through every layer (ReLU
// keeps a NaN), so the next batch's loss is NaN or ±Inf, and the end of the
// epoch checks the weights of its last step.
func (r *run) nonFiniteParam() (cause string) {
	for i, p := range r.params {
		if !allFinite(p.Value) {
			return fmt.Sprintf("%s became NaN or ±Inf", r.paramName(i))
		}
	}
	return ""
}

// paramName describes parameter i for error messages, e.g.
// "parameter 3 of 6 (W, 16×3)".
func (r *run) paramName(i int) string {
	p := r.params[i]
	rows, cols := p.Value.Dims()
	return fmt.Sprintf("parameter %d of %d (%s, %s)", i+1, len(r.params), p.Name, dims(rows, cols))
}

// countRight counts the rows of yHat whose class matches y's.
func countRight(kind targetKind, yHat, y *mat.Dense) int {
	if kind == notClasses {
		return 0
	}
	p, t := yHat.RawMatrix(), y.RawMatrix()
	right := 0
	for i := range p.Rows {
		pr := p.Data[i*p.Stride : i*p.Stride+p.Cols]
		tr := t.Data[i*t.Stride : i*t.Stride+t.Cols]
		if kind == binaryClasses {
			if (pr[0] > 0.5) == (tr[0] > 0.5) {
				right++
			}
		} else if argMaxRow(pr) == argMaxRow(tr) {
			right++
		}
	}
	return right
}

// evaluate returns the mean loss and the accuracy (NaN when the targets
// are not classes) of the network on x, y in inference mode, in chunks of
// BatchSize rows.
// evalChunk is the fewest rows evaluate passes through the network at once:
// small training batches would make evaluation needlessly slow.
const evalChunk = 512

func (r *run) evaluate(x, y *mat.Dense) (loss, accuracy float64) {
	SetTraining(r.net, false)
	defer SetTraining(r.net, true)
	n, d := x.Dims()
	_, k := y.Dims()
	bs := min(max(r.t.BatchSize, evalChunk), n)
	var sum float64
	right := 0
	for i := 0; i < n; i += bs {
		j := min(i+bs, n)
		xc := x.Slice(i, j, 0, d).(*mat.Dense)
		yc := y.Slice(i, j, 0, k).(*mat.Dense)
		yHat := r.net.Forward(xc)
		sum += r.t.Loss.Value(yHat, yc) * float64(j-i)
		right += countRight(r.kind, yHat, yc)
	}
	accuracy = math.NaN()
	if r.kind != notClasses {
		accuracy = float64(right) / float64(n)
	}
	return sum / float64(n), accuracy
}

// save copies every parameter's Value into snap.
func (r *run) save(snap [][]float64) {
	for i, p := range r.params {
		raw := p.Value.RawMatrix()
		for row := range raw.Rows {
			copy(snap[i][row*raw.Cols:(row+1)*raw.Cols], raw.Data[row*raw.Stride:row*raw.Stride+raw.Cols])
		}
	}
}

// load copies snap back into every parameter's Value.
func (r *run) load(snap [][]float64) {
	for i, p := range r.params {
		raw := p.Value.RawMatrix()
		for row := range raw.Rows {
			copy(raw.Data[row*raw.Stride:row*raw.Stride+raw.Cols], snap[i][row*raw.Cols:(row+1)*raw.Cols])
		}
	}
}
