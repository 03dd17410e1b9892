package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/nnfromscratch/nngo/nnlib"
	"github.com/nnfromscratch/nngo/nnlib/data"
	"gonum.org/v1/gonum/mat"
)

// replay trains net from the starting point and in the batch order that
// peer_torch.py -save-run wrote to dir (W1.bin, b1.bin, …: each layer's
// weights, in×out, and biases as little-endian float64; perms.bin: one
// permutation of the training examples per epoch as little-endian int64),
// so that nnlib and PyTorch can be compared step for step rather than
// seed against seed. It uses the layers' Forward and Backward and the
// optimizer directly, and returns the time of each epoch.
func replay(dir string, net *nnlib.Sequential, train *data.Dataset, epochs, batch int, opt nnlib.Optimizer) ([]time.Duration, error) {
	li := 0
	for _, l := range net.Layers {
		lin, ok := l.(*nnlib.Linear)
		if !ok {
			continue
		}
		li++
		for _, p := range []*nnlib.Param{lin.W, lin.B} {
			name := fmt.Sprintf("%s%d.bin", map[bool]string{true: "b", false: "W"}[p.IsBias()], li)
			if err := readFloats(filepath.Join(dir, name), p.Value.RawMatrix().Data); err != nil {
				return nil, err
			}
		}
	}
	n, d := train.X.Dims()
	_, k := train.Y.Dims()
	permPath := filepath.Join(dir, "perms.bin")
	raw, err := os.ReadFile(permPath)
	if err != nil {
		return nil, err
	}
	if len(raw) < epochs*n*8 {
		return nil, fmt.Errorf("%s holds %d epochs of %d examples, -epochs is %d: save the run with as many epochs", permPath, len(raw)/8/n, n, epochs)
	}
	loss := nnlib.SoftmaxCrossEntropy{}
	params := net.Params()
	var times []time.Duration
	fullX, fullY := mat.NewDense(batch, d, nil), mat.NewDense(batch, k, nil)
	for e := range epochs {
		start, total := time.Now(), 0.0
		for s := 0; s < n; s += batch {
			m := min(batch, n-s)
			xb, yb := fullX, fullY
			if m < batch { // the last, smaller batch
				xb, yb = mat.NewDense(m, d, nil), mat.NewDense(m, k, nil)
			}
			for r := range m {
				i := binary.LittleEndian.Uint64(raw[8*(e*n+s+r):])
				if i >= uint64(n) {
					return nil, fmt.Errorf("%s: epoch %d holds index %d, but there are %d training examples", permPath, e+1, i, n)
				}
				xb.SetRow(r, train.X.RawRowView(int(i)))
				yb.SetRow(r, train.Y.RawRowView(int(i)))
			}
			yHat := net.Forward(xb)
			total += loss.Value(yHat, yb) * float64(m)
			net.Backward(loss.Grad(yHat, yb))
			opt.Step(params)
		}
		times = append(times, time.Since(start))
		fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.6f  %.3f s (replay)\n", e+1, epochs, total/float64(n), times[e].Seconds())
	}
	return times, nil
}

// readFloats fills dst with the little-endian float64 values of the file
// at path, which must hold exactly len(dst) of them.
func readFloats(path string, dst []float64) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(raw) != 8*len(dst) {
		return fmt.Errorf("%s holds %d values, the network needs %d: save the run with the same -hidden", path, len(raw)/8, len(dst))
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return nil
}
