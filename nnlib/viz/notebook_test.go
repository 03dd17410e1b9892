//go:build unix

package viz

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot/vg"

	"github.com/nnfromscratch/nngo/nnlib"
)

// fakeKernel stands in for GoNB: it makes the two named pipes gonbui
// talks through, decodes what the program sends and, like GoNB, answers
// sync requests (gonbui.Sync) on the pipe back, unless told not to.
type fakeKernel struct {
	msgs   chan *protocol.DisplayData
	back   chan *os.File // the kernel→program pipe, once open
	silent atomic.Bool   // do not answer sync requests
}

// kernelStarted is set once a fake kernel ran: gonbui opens its pipes
// once per process and keeps them, so a second fake kernel (go test
// -count=2) would not be reached.
var kernelStarted bool

func startFakeKernel(t *testing.T) *fakeKernel {
	t.Helper()
	if kernelStarted {
		t.Skip("gonbui keeps the pipes of the first fake kernel for the life of the process")
	}
	kernelStarted = true
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "gonb_pipe"), filepath.Join(dir, "gonb_pipe_back")
	for _, p := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, fromKernel)
	k := &fakeKernel{msgs: make(chan *protocol.DisplayData, 100), back: make(chan *os.File, 1)}
	var (
		backFile *os.File
		enc      *gob.Encoder
	)
	go func() {
		f, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			close(k.msgs)
			return
		}
		defer f.Close()
		dec := gob.NewDecoder(f)
		for {
			var d protocol.DisplayData
			if err := dec.Decode(&d); err != nil {
				close(k.msgs)
				return
			}
			if id, ok := syncRequest(&d); ok && !k.silent.Load() {
				if enc == nil {
					backFile = <-k.back
					k.back <- backFile // for the cleanup
					enc = gob.NewEncoder(backFile)
				}
				if err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: id}); err != nil {
					t.Errorf("fake kernel: answering sync %d: %v", id, err)
				}
			}
			k.msgs <- &d
		}
	}()
	go func() {
		f, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err == nil {
			k.back <- f
		}
	}()
	saved := gonbui.IsNotebook
	gonbui.IsNotebook = true
	t.Cleanup(func() {
		gonbui.IsNotebook = saved
		select {
		case f := <-k.back:
			f.Close()
		default:
		}
	})
	return k
}

// next returns the next message the program sent.
func (k *fakeKernel) next(t *testing.T) *protocol.DisplayData {
	t.Helper()
	select {
	case d, ok := <-k.msgs:
		if !ok {
			t.Fatal("the pipe to the kernel closed")
		}
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("no message from the program within 20 s")
	}
	return nil
}

// syncRequest returns the ID of a gonbui.Sync request.
func syncRequest(d *protocol.DisplayData) (int, bool) {
	v, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue)
	if !ok || v.Address != protocol.GonbuiSyncAddress {
		return 0, false
	}
	id, ok := v.Value.(int)
	return id, ok
}

// expectSync checks that the next message is a sync request: the
// program waits until the kernel has what it sent before.
func (k *fakeKernel) expectSync(t *testing.T, after string) {
	t.Helper()
	if _, ok := syncRequest(k.next(t)); !ok {
		t.Fatalf("no sync request after %s: a program that ends now can lose it", after)
	}
}

// checkPNG checks that a message is an inline PNG of the given size.
func checkPNG(t *testing.T, d *protocol.DisplayData, w, h int) {
	t.Helper()
	b, ok := d.Data[protocol.MIMEImagePNG].([]byte)
	if !ok {
		t.Fatalf("message is not a PNG: %v", keys(d))
	}
	if d.DisplayID != "" {
		t.Errorf("a permanent PNG has display ID %q", d.DisplayID)
	}
	decode(t, b, w, h)
}

func keys(d *protocol.DisplayData) []protocol.MIMEType {
	var ks []protocol.MIMEType
	for k := range d.Data {
		ks = append(ks, k)
	}
	return ks
}

func htmlOf(t *testing.T, d *protocol.DisplayData) string {
	t.Helper()
	s, ok := d.Data[protocol.MIMETextHTML].(string)
	if !ok {
		t.Fatalf("message is not HTML: %v", keys(d))
	}
	return s
}

// In a notebook the Show functions and Live send display messages and
// write no files.
func TestNotebookDisplay(t *testing.T) {
	buf, dir := captureOutput(t)
	k := startFakeKernel(t)

	p, err := LossCurves(sampleHistory())
	if err != nil {
		t.Fatal(err)
	}
	if err := Show(p); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, k.next(t), pixels(ShowWidth), pixels(ShowHeight))
	k.expectSync(t, "Show")
	img, _ := ImageGrid(sampleDigits(2), 28, 2, nil)
	if err := ShowImage(img); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, k.next(t), 2*84+3*8, 84+2*8)
	k.expectSync(t, "ShowImage")
	if err := ShowSize(p, 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, k.next(t), pixels(3*vg.Inch), pixels(2*vg.Inch))
	k.expectSync(t, "ShowSize")
	if err := ShowGrid(2, p, p); err != nil {
		t.Fatal(err)
	}
	// Two line plots: 5.5×3.85 inch tiles, at the DPI that makes the
	// 11 inches at most 1400 pixels wide.
	gridDPI := math.Floor(gridMaxPixels / 11.0)
	checkPNG(t, k.next(t), int(11*gridDPI+0.5), int(3.85*gridDPI+0.5))
	k.expectSync(t, "ShowGrid")

	live := NewLive("MNIST", 3)
	h := &nnlib.History{}
	var ids []string
	for e := 1; e <= 3; e++ {
		h.TrainLoss = append(h.TrainLoss, 1/float64(e))
		h.TrainAccuracy = append(h.TrainAccuracy, 0.5+0.1*float64(e))
		if e == 2 {
			live.lastUpdate = time.Time{} // let the batch update through
			live.OnBatch(2, 50, 100, 0.61)
			d := k.next(t)
			s := htmlOf(t, d)
			if !strings.Contains(s, "epoch 2/3 · batch 50/100 · batch loss 0.6100") || !strings.Contains(s, `<progress value="1.500" max="3"`) {
				t.Errorf("batch update:\n%.300s", s)
			}
			ids = append(ids, d.DisplayID)
			// A second batch right away is throttled: nothing is sent.
			live.OnBatch(2, 51, 100, 0.6)
		}
		live.lastUpdate = time.Time{}
		if err := live.OnEpoch(h); err != nil {
			t.Fatal(err)
		}
		d := k.next(t)
		s := htmlOf(t, d)
		for _, want := range []string{
			"<b>MNIST</b>",
			`<progress value="` + []string{"1.000", "2.000", "3.000"}[e-1] + `" max="3"`,
			"epoch " + string(rune('0'+e)) + "/3",
			`<img src="data:image/png;base64,`,
		} {
			if !strings.Contains(s, want) {
				t.Errorf("epoch %d: live HTML lacks %q", e, want)
			}
		}
		// The inline loss curve decodes.
		b64 := s[strings.Index(s, "base64,")+len("base64,"):]
		b64 = b64[:strings.Index(b64, `"`)]
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("epoch %d: inline PNG: %v", e, err)
		}
		ids = append(ids, d.DisplayID)
		if e == 3 {
			// The last epoch's update is waited for; earlier ones are not
			// (the next message would be a sync request).
			k.expectSync(t, "the last epoch")
		}
	}
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("live updates went to display IDs %q; want one ID for all", ids)
		}
	}

	if err := live.Done(); err != nil {
		t.Fatal(err)
	}
	// Done clears the live block, then shows the final plot and a
	// summary as permanent outputs.
	clear := k.next(t)
	if clear.DisplayID != ids[0] || htmlOf(t, clear) != "" {
		t.Errorf("first message after Done: ID %q, HTML %q; want the live block cleared", clear.DisplayID, htmlOf(t, clear))
	}
	checkPNG(t, k.next(t), pixels(ShowWidth), pixels(ShowHeight))
	sum := k.next(t)
	if s := htmlOf(t, sum); sum.DisplayID != "" || !strings.Contains(s, "MNIST: 3 epochs in") || !strings.Contains(s, "loss 0.3333 · acc 0.800") {
		t.Errorf("summary (ID %q): %s", sum.DisplayID, s)
	}
	k.expectSync(t, "Live.Done")

	// A kernel that does not answer: Show waits syncTimeout, not
	// forever, and later displays do not wait at all.
	k.silent.Store(true)
	savedTimeout := syncTimeout
	syncTimeout = 300 * time.Millisecond
	t.Cleanup(func() { syncTimeout = savedTimeout; syncGaveUp.Store(false) })
	start := time.Now()
	if err := Show(p); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Show took %v with a kernel that does not answer; want about %v", d, syncTimeout)
	}
	checkPNG(t, k.next(t), pixels(ShowWidth), pixels(ShowHeight))
	k.expectSync(t, "Show")
	if err := Show(p); err != nil {
		t.Fatal(err)
	}
	if err := ShowImage(img); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, k.next(t), pixels(ShowWidth), pixels(ShowHeight))
	checkPNG(t, k.next(t), 2*84+3*8, 84+2*8) // no sync request between

	if buf.Len() != 0 {
		t.Errorf("printed in a notebook: %q", buf)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("wrote %d files in a notebook", len(files))
	}
	select {
	case d := <-k.msgs:
		t.Errorf("unexpected extra message %v", keys(d))
	default:
	}
}
