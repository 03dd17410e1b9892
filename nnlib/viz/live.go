package viz

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot/vg"

	"github.com/nnfromscratch/nngo/nnlib"
)

// liveInterval is the least time between two notebook updates from
// Live; updates in between are skipped (the last epoch is always shown).
const liveInterval = 200 * time.Millisecond

// Live shows the progress of a training run. In a GoNB notebook it keeps
// one output block up to date: a progress bar ("epoch 3/20"), the latest
// losses and accuracies, and the loss curve so far. Elsewhere it prints
// one line per epoch. Its methods fit nnlib.Trainer's callbacks:
//
//	live := viz.NewLive("MLP on MNIST", 20)
//	t := &nnlib.Trainer{..., Epochs: 20, OnEpoch: live.OnEpoch, OnBatch: live.OnBatch}
//	h, err := t.Fit(net, x, y, valX, valY)
//	...
//	err = live.Done()
//
// The live block is transient: a saved notebook does not keep it. Done
// replaces it with the final loss curve and a one-line summary, which
// are saved; it returns once the kernel has them, so they are not lost
// when the cell's program ends right after. Live is safe for use from
// several goroutines.
type Live struct {
	title  string
	epochs int
	id     string // gonbui display ID of the live block
	start  time.Time

	mu         sync.Mutex
	h          *nnlib.History // copy of the latest history
	curve      string         // latest loss curve, base64 PNG
	lastUpdate time.Time      // of the notebook block
}

// NewLive returns a Live display for a run of the given number of
// epochs (0 if unknown); title heads the block and the final plot.
func NewLive(title string, epochs int) *Live {
	return &Live{
		title:  title,
		epochs: max(epochs, 0),
		id:     "nnlib-live-" + gonbui.UniqueId(),
		start:  time.Now(),
	}
}

// OnEpoch records the history after an epoch and updates the display;
// it has the type of nnlib.Trainer.OnEpoch. In a notebook it redraws at
// most every 200 ms (and always at the last epoch); outside one it
// prints a line such as
//
//	epoch 3/20  loss 0.4123  val 0.4400  acc 0.912  val acc 0.905
//
// for each epoch, or for every k-th epoch when there are more than 100
// (about 50 lines in all).
//
// It returns the learner-facing error when a loss is NaN or ±Inf, which
// stops the Trainer: a diverged run does not recover.
func (l *Live) OnEpoch(h *nnlib.History) error {
	if h == nil {
		return errors.New("viz: Live.OnEpoch: the history is nil")
	}
	e := h.Epochs()
	hc := copyHistory(h)
	lossErr := checkEpochs("training loss", hc.TrainLoss, lossAdvice)
	if lossErr == nil {
		lossErr = checkEpochs("validation loss", hc.ValLoss, lossAdvice)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	l.h = hc
	if !gonbui.IsNotebook {
		if e == 1 || e == l.epochs || e%l.printEvery() == 0 || lossErr != nil {
			if _, err := fmt.Fprintln(out(), l.epochLine()); err != nil {
				return err
			}
		}
		return lossErr
	}
	if lossErr == nil && e != l.epochs && e != 1 && time.Since(l.lastUpdate) < liveInterval {
		return nil
	}
	l.lastUpdate = time.Now()
	if lossErr == nil {
		if err := l.renderCurve(); err != nil {
			return err
		}
	}
	gonbui.UpdateHTML(l.id, l.blockHTML(float64(e), l.progressText(), lossErr))
	if e == l.epochs || lossErr != nil {
		// The last update of the run: make sure the kernel has it
		// before the program may end.
		syncNotebook()
	}
	if err := gonbui.Error(); err != nil {
		return fmt.Errorf("viz: updating the notebook failed: %w", err)
	}
	return lossErr
}

// OnBatch updates the progress text within an epoch; it has the type of
// nnlib.Trainer.OnBatch. epoch counts from 1 and batch is the number of
// batches done in this epoch, out of batches. In a notebook it updates at
// most every 200 ms; outside one it does nothing, since OnEpoch prints.
func (l *Live) OnBatch(epoch, batch, batches int, loss float64) {
	if !gonbui.IsNotebook {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.lastUpdate) < liveInterval {
		return
	}
	l.lastUpdate = time.Now()
	done := float64(epoch - 1)
	if batches > 0 {
		done += float64(batch) / float64(batches)
	}
	gonbui.UpdateHTML(l.id, l.blockHTML(done, l.batchText(epoch, batch, batches, loss), nil))
}

// Done ends the display. In a notebook it clears the live block and
// shows, as permanent output, the final loss curve and a one-line
// summary; elsewhere it prints the summary and writes the loss curve as
// a PNG, like Show. It returns an error if no epoch was recorded or the
// final curve cannot be drawn.
func (l *Live) Done() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h == nil || l.h.Epochs() == 0 {
		if gonbui.IsNotebook {
			gonbui.UpdateHTML(l.id, "")
			syncNotebook()
		}
		return errors.New("viz: Live.Done: no epoch was recorded; pass live.OnEpoch as the Trainer's OnEpoch")
	}
	summary := l.summary()
	p, err := LossCurves(l.h)
	if err != nil {
		if gonbui.IsNotebook {
			gonbui.UpdateHTML(l.id, "")
			gonbui.DisplayHTML(summaryHTML(summary, err))
			syncNotebook()
		} else {
			fmt.Fprintln(out(), summary)
		}
		return err
	}
	if l.title != "" {
		p.Title.Text = l.title
	}
	b, err := PNG(p, ShowWidth, ShowHeight)
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		gonbui.UpdateHTML(l.id, "")
		gonbui.DisplayPng(b)
		gonbui.DisplayHTML(summaryHTML(summary, nil))
		syncNotebook()
		if err := gonbui.Error(); err != nil {
			return fmt.Errorf("viz: updating the notebook failed: %w", err)
		}
		return nil
	}
	if _, err := fmt.Fprintln(out(), summary); err != nil {
		return err
	}
	return display(b, "plot", p.Title.Text)
}

// printEvery is the epoch stride of the printed lines.
func (l *Live) printEvery() int {
	if l.epochs <= 100 {
		return 1
	}
	return (l.epochs + 49) / 50
}

// renderCurve draws the loss curve so far into l.curve.
func (l *Live) renderCurve() error {
	p, err := LossCurves(l.h)
	if err != nil {
		return err
	}
	b, err := PNG(p, 5*vg.Inch, 3.2*vg.Inch)
	if err != nil {
		return err
	}
	l.curve = base64.StdEncoding.EncodeToString(b)
	return nil
}

// epochOf returns "epoch 3/20", or "epoch 3" when the total is unknown.
func (l *Live) epochOf(e int) string {
	if l.epochs > 0 {
		return fmt.Sprintf("epoch %d/%d", e, l.epochs)
	}
	return fmt.Sprintf("epoch %d", e)
}

// metrics formats the latest values of the history, separated by sep.
func (l *Live) metrics(sep string) string {
	h := l.h
	var parts []string
	last := func(vs []float64) float64 { return vs[len(vs)-1] }
	if len(h.TrainLoss) > 0 {
		parts = append(parts, fmt.Sprintf("loss %.4f", last(h.TrainLoss)))
	}
	if len(h.ValLoss) > 0 {
		parts = append(parts, fmt.Sprintf("val %.4f", last(h.ValLoss)))
	}
	if len(h.TrainAccuracy) > 0 {
		parts = append(parts, fmt.Sprintf("acc %.3f", last(h.TrainAccuracy)))
	}
	if len(h.ValAccuracy) > 0 {
		parts = append(parts, fmt.Sprintf("val acc %.3f", last(h.ValAccuracy)))
	}
	return strings.Join(parts, sep)
}

func (l *Live) epochLine() string {
	return l.epochOf(l.h.Epochs()) + "  " + l.metrics("  ")
}

func (l *Live) progressText() string {
	return fmt.Sprintf("%s · %s", l.epochOf(l.h.Epochs()), fmtDuration(time.Since(l.start)))
}

func (l *Live) batchText(epoch, batch, batches int, loss float64) string {
	return fmt.Sprintf("%s · batch %d/%d · batch loss %.4f · %s", l.epochOf(epoch), batch, batches, loss, fmtDuration(time.Since(l.start)))
}

// blockHTML is the live block: title, a progress bar at done epochs
// (fractional within an epoch) of l.epochs, the progress text, the
// latest metrics, and the loss curve so far; err, if not nil, is shown
// in red.
func (l *Live) blockHTML(done float64, progressText string, err error) string {
	var b strings.Builder
	b.WriteString(`<div style="font-family: sans-serif; font-size: 13px; line-height: 1.6">`)
	if l.title != "" {
		fmt.Fprintf(&b, "<b>%s</b><br>", html.EscapeString(l.title))
	}
	if l.epochs > 0 {
		fmt.Fprintf(&b, `<progress value="%.3f" max="%d" style="width: 300px; vertical-align: middle"></progress> `,
			min(max(done, 0), float64(l.epochs)), l.epochs)
	}
	b.WriteString(html.EscapeString(progressText))
	if l.h != nil && l.h.Epochs() > 0 {
		fmt.Fprintf(&b, "<br><code>%s</code>", html.EscapeString(l.metrics(" · ")))
	}
	if err != nil {
		fmt.Fprintf(&b, `<br><span style="color: #D55E00">%s</span>`, html.EscapeString(err.Error()))
	}
	if l.curve != "" {
		fmt.Fprintf(&b, `<br><img src="data:image/png;base64,%s" style="max-width: 100%%">`, l.curve)
	}
	b.WriteString("</div>")
	return b.String()
}

// summary is the one-line report Done gives.
func (l *Live) summary() string {
	h := l.h
	var b strings.Builder
	if l.title != "" {
		b.WriteString(l.title + ": ")
	}
	fmt.Fprintf(&b, "%d epochs in %s · %s", h.Epochs(), fmtDuration(time.Since(l.start)), l.metrics(" · "))
	if h.StoppedEarly {
		fmt.Fprintf(&b, " · stopped early, kept epoch %d", h.BestEpoch)
	}
	return b.String()
}

func summaryHTML(summary string, err error) string {
	s := `<div style="font-family: sans-serif; font-size: 13px">` + html.EscapeString(summary)
	if err != nil {
		s += `<br><span style="color: #D55E00">` + html.EscapeString(err.Error()) + `</span>`
	}
	return s + "</div>"
}

// fmtDuration formats d as "850 ms", "12.3 s" or "4 min 05 s".
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	default:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
}

// copyHistory copies h's slices, which the Trainer keeps appending to.
func copyHistory(h *nnlib.History) *nnlib.History {
	c := *h
	c.TrainLoss = slices.Clone(h.TrainLoss)
	c.ValLoss = slices.Clone(h.ValLoss)
	c.TrainAccuracy = slices.Clone(h.TrainAccuracy)
	c.ValAccuracy = slices.Clone(h.ValAccuracy)
	c.LearningRate = slices.Clone(h.LearningRate)
	c.Duration = slices.Clone(h.Duration)
	return &c
}
