// Command mlpbench trains a multilayer perceptron on an MNIST-format data set
// with nnlib and prints one JSON line of measurements, so that nnlib's speed
// can be compared with other implementations on the same machine (see
// peer_torch.py beside it, and compare.sh, which runs both).
//
//	go run ./nnlib/cmd/mlpbench -data /usr/share/datasets/fashion-mnist
//
// The network is 784-h₁-…-10 with ReLU after each hidden layer, He-normal
// initialization for the hidden layers and Glorot (Xavier) normal for the
// output layer, zero biases, and softmax cross-entropy on the logits; it is
// trained with mini-batches reshuffled every epoch. The output fields:
//
//	seconds_per_epoch   median wall time of one epoch
//	samples_per_second  training examples per second at that median
//	gflops              multiply-add work of an epoch (2 FLOP each) / seconds_per_epoch
//	test_accuracy       on the test files after the last epoch
//	allocs_per_step     heap allocations per training step after the first epoch
//	peak_rss_mb         the process's peak resident memory
//	gemm, threads       the matrix-multiply kernel and the worker count
//	dtype               float64, or "float64, float32 products" with -precision float32
//
// Two runs with different random seeds differ by a few tenths of a point of
// test accuracy, whatever the library. To compare nnlib with PyTorch step
// for step, let PyTorch choose the starting weights and the batch order and
// replay them:
//
//	python3 nnlib/cmd/mlpbench/peer_torch.py -dtype float64 -save-run /tmp/run
//	go run ./nnlib/cmd/mlpbench -replay /tmp/run
//
// The per-epoch losses that both print to standard error then agree to
// rounding, and so do the test accuracies.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nnfromscratch/nngo/nnlib"
	"github.com/nnfromscratch/nngo/nnlib/data"
)

type result struct {
	Impl             string   `json:"impl"`
	DType            string   `json:"dtype"`
	GEMM             string   `json:"gemm"`
	Threads          int      `json:"threads"`
	Epochs           int      `json:"epochs"`
	Batch            int      `json:"batch"`
	Hidden           string   `json:"hidden"`
	Opt              string   `json:"opt"`
	LR               float64  `json:"lr"`
	TrainSamples     int      `json:"train_samples"`
	SecondsPerEpoch  float64  `json:"seconds_per_epoch"`
	SamplesPerSecond float64  `json:"samples_per_second"`
	GFLOPS           float64  `json:"gflops"`
	TestAccuracy     float64  `json:"test_accuracy"`
	AllocsPerStep    *float64 `json:"allocs_per_step,omitempty"` // not measured with -replay
	PeakRSSMB        float64  `json:"peak_rss_mb"`
	Replay           bool     `json:"replay,omitempty"` // trained with -replay
}

// config holds the command-line settings.
type config struct {
	dir, hidden, opt, kernel, precision, cpuprofile, replay string
	epochs, batch, threads                                  int
	lr                                                      float64
	seed                                                    uint64
}

func main() {
	var c config
	flag.StringVar(&c.dir, "data", "/usr/share/datasets/fashion-mnist", "folder with the four MNIST-format IDX files (train-images-idx3-ubyte[.gz], …)")
	flag.IntVar(&c.epochs, "epochs", 15, "training epochs")
	flag.IntVar(&c.batch, "batch", 100, "mini-batch size")
	flag.StringVar(&c.hidden, "hidden", "256,256", "hidden layer widths, comma-separated")
	flag.StringVar(&c.opt, "opt", "sgd", "optimizer: sgd or adam")
	flag.Float64Var(&c.lr, "lr", 0.04, "learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed for initialization and shuffling")
	flag.StringVar(&c.kernel, "gemm", "", "matrix-multiply kernel (default: the fastest; see nnlib.GEMMKernels)")
	flag.StringVar(&c.precision, "precision", "float64", "arithmetic of the matrix products: float64, or float32 (PyTorch's default precision; see nnlib.SetGEMMPrecision)")
	flag.IntVar(&c.threads, "threads", 0, "threads for the matrix products (default: one per core)")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	flag.StringVar(&c.replay, "replay", "", "start from the weights and train in the batch order that peer_torch.py -save-run wrote to this folder")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "mlpbench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	dir, epochs, batch, hidden, opt, lr, seed := c.dir, c.epochs, c.batch, c.hidden, c.opt, c.lr, c.seed
	if c.kernel != "" {
		if err := nnlib.UseGEMM(c.kernel); err != nil {
			return err
		}
	}
	if err := nnlib.SetGEMMPrecision(c.precision); err != nil {
		return err
	}
	dtype := "float64"
	if strings.Contains(nnlib.GEMM(), "float32") {
		dtype = "float64, float32 products"
	}
	nnlib.SetGEMMThreads(c.threads)
	threads := c.threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		_, errGz := os.Stat(filepath.Join(dir, f+".gz"))
		_, errRaw := os.Stat(filepath.Join(dir, f))
		if errGz != nil && errRaw != nil {
			return fmt.Errorf("%s has no %s(.gz); for Fashion-MNIST on Debian: apt-get install dataset-fashion-mnist, then -data /usr/share/datasets/fashion-mnist", dir, f)
		}
	}
	train, test, err := data.LoadMNIST(dir)
	if err != nil {
		return err
	}
	widths, err := parseWidths(hidden)
	if err != nil {
		return err
	}
	var optimizer nnlib.Optimizer
	switch opt {
	case "sgd":
		optimizer = &nnlib.SGD{LearningRate: lr}
	case "adam":
		optimizer = &nnlib.Adam{LearningRate: lr}
	default:
		return fmt.Errorf("-opt %q: want sgd or adam", opt)
	}

	rng := rand.New(rand.NewPCG(seed, 2))
	net := newMLP(train.X.RawMatrix().Cols, widths, train.Y.RawMatrix().Cols, rng)
	n := train.Len()
	steps := (n + batch - 1) / batch
	var mallocs uint64
	var ms runtime.MemStats
	t := &nnlib.Trainer{
		Loss:      nnlib.SoftmaxCrossEntropy{},
		Optimizer: optimizer,
		Epochs:    epochs,
		BatchSize: batch,
		RNG:       rng,
		OnEpoch: func(h *nnlib.History) error {
			if h.Epochs() == 1 {
				runtime.ReadMemStats(&ms)
				mallocs = ms.Mallocs
			}
			fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.6f  %.3f s\n", h.Epochs(), epochs, h.TrainLoss[h.Epochs()-1], h.Duration[h.Epochs()-1].Seconds())
			return nil
		},
	}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var durations []time.Duration
	var allocs *float64 // the replay loop is not the Trainer's: not measured
	if c.replay != "" {
		if durations, err = replay(c.replay, net, train, epochs, batch, optimizer); err != nil {
			return err
		}
	} else {
		h, err := t.Fit(net, train.X, train.Y, nil, nil)
		if err != nil {
			return err
		}
		runtime.ReadMemStats(&ms)
		a := 0.0
		if h.Epochs() > 1 {
			a = round(float64(ms.Mallocs-mallocs)/float64((h.Epochs()-1)*steps), 2)
		}
		allocs = &a
		durations = h.Duration
	}

	pred := nnlib.ArgMax(nnlib.Predict(net, test.X))
	secs := median(durations)
	res := result{
		Impl:             "nnlib",
		DType:            dtype,
		GEMM:             nnlib.GEMM(),
		Threads:          threads,
		Epochs:           epochs,
		Batch:            batch,
		Hidden:           hidden,
		Opt:              opt,
		LR:               lr,
		TrainSamples:     n,
		SecondsPerEpoch:  round(secs, 4),
		SamplesPerSecond: round(float64(n)/secs, 1),
		GFLOPS:           round(epochFLOP(n, train.X.RawMatrix().Cols, widths, 10)/secs/1e9, 1),
		TestAccuracy:     round(nnlib.Accuracy(test.Labels, pred), 4),
		AllocsPerStep:    allocs,
		Replay:           c.replay != "",
		PeakRSSMB:        round(peakRSSMB(), 1),
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// newMLP returns in-h₁-…-out with ReLU after each hidden layer, He-normal
// hidden layers and a Glorot-normal output layer.
func newMLP(in int, hidden []int, out int, rng *rand.Rand) *nnlib.Sequential {
	var layers []nnlib.Layer
	for _, h := range hidden {
		layers = append(layers, nnlib.NewLinear(in, h, nnlib.HeNormal, rng), &nnlib.ReLU{})
		in = h
	}
	layers = append(layers, nnlib.NewLinear(in, out, nnlib.XavierNormal, rng))
	return nnlib.NewSequential(layers...)
}

// epochFLOP counts the floating-point operations of the matrix products in
// one epoch over n examples: per example, forward d·h multiply-adds for each
// layer, backward the same for ∂L/∂W and again for ∂L/∂x except for the
// first layer, whose input needs no gradient. A multiply-add is 2 FLOP.
func epochFLOP(n, in int, hidden []int, out int) float64 {
	sizes := append(append([]int{in}, hidden...), out)
	var macs float64
	for i := 0; i+1 < len(sizes); i++ {
		w := float64(sizes[i] * sizes[i+1])
		macs += 2 * w // forward, ∂L/∂W
		if i > 0 {
			macs += w // ∂L/∂x
		}
	}
	return 2 * macs * float64(n)
}

func parseWidths(s string) ([]int, error) {
	var ws []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		w, err := strconv.Atoi(f)
		if err != nil || w <= 0 {
			return nil, fmt.Errorf("-hidden %q: want positive widths separated by commas, e.g. 256,256", s)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

func median(ds []time.Duration) float64 {
	s := make([]float64, len(ds))
	for i, d := range ds {
		s[i] = d.Seconds()
	}
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func round(v float64, digits int) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
	return r
}
