package viz

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// PlotDirEnv names the environment variable that sets the folder where
// the Show functions write PNG files when not running in a notebook.
const PlotDirEnv = "NNLIB_PLOT_DIR"

// Default display sizes.
const (
	// ShowWidth and ShowHeight are the size Show renders a plot at.
	ShowWidth  = 6 * vg.Inch
	ShowHeight = 4 * vg.Inch

	// gridTileW and gridTileH are the size of one histogram in
	// ShowGrid; other plots get tiles that share gridWidth, within
	// [lineTileMinW, lineTileMaxW], gridTileAspect as high as wide.
	// gridMaxPixels caps the width of the whole grid, lowering the DPI
	// for wide grids so they fit a notebook column.
	gridTileW      = 3.2 * vg.Inch
	gridTileH      = 2.4 * vg.Inch
	gridWidth      = 11 * vg.Inch
	lineTileMinW   = 3.6 * vg.Inch
	lineTileMaxW   = 6 * vg.Inch
	gridTileAspect = 0.7
	gridMaxPixels  = 1400
)

// stdout, when not nil, replaces os.Stdout for the lines the package
// prints; tests set it. os.Stdout is looked up at each print, so that
// redirecting it (as go test does for examples) works.
var stdout io.Writer

func out() io.Writer {
	if stdout != nil {
		return stdout
	}
	return os.Stdout
}

// Show displays p inline in a GoNB notebook, otherwise as a PNG file
// whose path it prints (see the package documentation). Plots are 6×4
// inches, except those whose builder says otherwise (ConfusionMatrix,
// Contour, Scatter and DecisionBoundary are nearly square).
func Show(p *plot.Plot) error {
	if p == nil {
		return errors.New("viz: Show: the plot is nil; check the error returned with it")
	}
	w, h := preferredSize(p)
	return ShowSize(p, w, h)
}

// ShowSize is Show with a chosen size, e.g. ShowSize(p, 8*vg.Inch,
// 3*vg.Inch) for a wide plot.
func ShowSize(p *plot.Plot, w, h vg.Length) error {
	if p == nil {
		return errors.New("viz: Show: the plot is nil; check the error returned with it")
	}
	b, err := PNG(p, w, h)
	if err != nil {
		return err
	}
	return display(b, "plot", p.Title.Text)
}

// ShowImage displays img (for example from ImageGrid) like Show.
func ShowImage(img image.Image) error {
	if img == nil {
		return errors.New("viz: ShowImage: the image is nil; check the error returned with it")
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("viz: ShowImage: encoding PNG: %w", err)
	}
	return display(b.Bytes(), "image", "")
}

// ShowGrid displays plots side by side, cols to a row, like Show. A grid
// of histograms gets compact 3.2×2.4 inch tiles; other plots share about
// 11 inches of width, each tile between 3.6 and 6 inches wide and 0.7
// times as high (5.5×3.85 inches for two columns). Wide grids are
// rendered at a lower DPI so that the whole grid is at most 1400 pixels
// wide. Nil plots leave a blank tile. Use GridPNG for a chosen size.
func ShowGrid(cols int, plots ...*plot.Plot) error {
	rows, err := gridShape(cols, plots)
	if err != nil {
		return err
	}
	b, err := showGridPNG(cols, rows, plots)
	if err != nil {
		return err
	}
	return display(b, "grid", "")
}

// showGridPNG renders the grid ShowGrid shows.
func showGridPNG(cols, rows int, plots []*plot.Plot) ([]byte, error) {
	c := min(cols, len(plots))
	tw, th := gridTile(c, plots)
	w, h := vg.Length(c)*tw, vg.Length(rows)*th
	dpi := min(DPI, int(math.Floor(gridMaxPixels/float64(w/vg.Inch))))
	return gridPNG(cols, w, h, max(dpi, 1), plots)
}

// gridTile returns the tile size ShowGrid uses for plots in cols
// columns.
func gridTile(cols int, plots []*plot.Plot) (w, h vg.Length) {
	hists := true
	for _, p := range plots {
		if p == nil {
			continue
		}
		if m, ok := metaOf(p); !ok || !m.hist {
			hists = false
		}
	}
	if hists {
		return gridTileW, gridTileH
	}
	w = min(max(gridWidth/vg.Length(cols), lineTileMinW), lineTileMaxW)
	return w, gridTileAspect * w
}

// display shows a PNG inline in a notebook, or writes it to the plot
// folder and prints the path. In a notebook it waits until the kernel
// has the PNG (see syncNotebook), so that a cell whose program ends
// right after still shows it.
func display(b []byte, kind, title string) error {
	if gonbui.IsNotebook {
		gonbui.DisplayPng(b)
		syncNotebook()
		if err := gonbui.Error(); err != nil {
			return fmt.Errorf("viz: sending the PNG to the notebook failed: %w", err)
		}
		return nil
	}
	path, err := writePNGFile(b, kind, title)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out(), "viz: wrote %s\n", path)
	return err
}

// syncTimeout is the longest syncNotebook waits for the kernel.
var syncTimeout = 10 * time.Second

// syncGaveUp is set once the kernel did not answer within syncTimeout;
// later displays of the program then do not wait.
var syncGaveUp atomic.Bool

// syncNotebook waits until GoNB has received everything sent to it so
// far. GoNB reads display messages from a pipe while the cell's program
// runs and drops what is still unread when the program exits; gonbui.Sync
// sends a request down the same pipe and waits for the answer. It waits
// forever when no answer comes (a kernel that does not answer, a pipe
// that broke during the request), so syncNotebook waits at most
// syncTimeout, and stops early when gonbui reports a pipe error. Outside
// a notebook it returns at once.
func syncNotebook() {
	if !gonbui.IsNotebook || gonbui.Error() != nil || syncGaveUp.Load() {
		return
	}
	done := make(chan struct{})
	go func() {
		gonbui.Sync()
		close(done)
	}()
	timeout := time.NewTimer(syncTimeout)
	defer timeout.Stop()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for {
		select {
		case <-done:
			return
		case <-poll.C:
			if gonbui.Error() != nil {
				return
			}
		case <-timeout.C:
			syncGaveUp.Store(true)
			return
		}
	}
}

// PlotDir returns the folder where plots are written outside a notebook:
// $NNLIB_PLOT_DIR when set, else os.TempDir()/nnlib-plots.
func PlotDir() string {
	if d := os.Getenv(PlotDirEnv); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "nnlib-plots")
}

var (
	fileMu  sync.Mutex
	fileSeq int
)

// writePNGFile writes b to a new file in PlotDir named
// kind-N[-title].png, with N counting up from 1 and never overwriting an
// existing file.
func writePNGFile(b []byte, kind, title string) (string, error) {
	dir := PlotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("viz: cannot create the plot folder: %w; set %s to a writable folder", err, PlotDirEnv)
	}
	fileMu.Lock()
	defer fileMu.Unlock()
	slug := slugify(title)
	for range 100000 {
		fileSeq++
		name := fmt.Sprintf("%s-%d.png", kind, fileSeq)
		if slug != "" {
			name = fmt.Sprintf("%s-%d-%s.png", kind, fileSeq, slug)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("viz: cannot write the plot: %w; set %s to a writable folder", err, PlotDirEnv)
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("viz: writing %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("viz: no free file name in %s; empty the folder or set %s", dir, PlotDirEnv)
}

// slugify turns a title into a short lower-case file-name part:
// "Training and validation loss" → "training-and-validation-loss".
func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
