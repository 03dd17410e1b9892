package gemm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
)

// recorder counts how often each index is visited and records the chunks.
type recorder struct {
	hits   []atomic.Int32
	mu     sync.Mutex
	chunks [][2]int
}

func (r *recorder) Range(lo, hi int) {
	for i := lo; i < hi; i++ {
		r.hits[i].Add(1)
	}
	r.mu.Lock()
	r.chunks = append(r.chunks, [2]int{lo, hi})
	r.mu.Unlock()
}

// wakeLoops makes ParallelFor wake sleeping pool threads for the rest of
// the test, so that it takes its parallel path whenever it can.
func wakeLoops(t testing.TB) {
	wakeForLoops.Store(true)
	t.Cleanup(func() { wakeForLoops.Store(false) })
}

// TestParallelForCoverage checks that every index of [0, n) is visited
// exactly once, in chunks of at least grain indices (one chunk when n <
// 2·grain), for many n, grains and thread counts.
func TestParallelForCoverage(t *testing.T) {
	restore(t)
	wakeLoops(t)
	ns := []int{0, 1, 2, 3, 5, 7, 8, 16, 31, 100, 127, 1000, 4097, 65537}
	grains := []int{-1, 0, 1, 2, 3, 10, 64, 1000, 5000}
	for _, th := range []int{1, 2, 3, 5} {
		SetThreads(th)
		for _, n := range ns {
			for _, grain := range grains {
				r := &recorder{hits: make([]atomic.Int32, n)}
				ParallelFor(n, grain, r)
				for i := range r.hits {
					if h := r.hits[i].Load(); h != 1 {
						t.Fatalf("threads=%d n=%d grain=%d: index %d visited %d times", th, n, grain, i, h)
					}
				}
				g := max(grain, 1)
				for _, c := range r.chunks {
					if c[0] >= c[1] || (c[1]-c[0] < g && !(len(r.chunks) == 1 && c == [2]int{0, n})) {
						t.Fatalf("threads=%d n=%d grain=%d: chunk %v", th, n, grain, c)
					}
				}
				serial := th == 1 || n < 2*g
				if n > 0 && serial && len(r.chunks) != 1 {
					t.Fatalf("threads=%d n=%d grain=%d: %d chunks, want 1", th, n, grain, len(r.chunks))
				}
				if !serial && len(r.chunks) < 2 {
					t.Fatalf("threads=%d n=%d grain=%d: %d chunks, want several", th, n, grain, len(r.chunks))
				}
			}
		}
	}
}

// meeting is a body whose first chunk waits until another chunk has begun:
// it returns only if two threads run the loop at once.
type meeting struct {
	first   atomic.Bool
	arrived chan struct{}
	met     atomic.Bool
	onOther func()
}

func (m *meeting) Range(lo, hi int) {
	if m.first.CompareAndSwap(false, true) {
		select {
		case <-m.arrived:
			m.met.Store(true)
		case <-time.After(5 * time.Second):
		}
		return
	}
	select {
	case m.arrived <- struct{}{}:
	default:
	}
	if m.onOther != nil {
		m.onOther()
	}
}

// TestParallelForThreads checks that with 2 threads two chunks really run
// at once.
func TestParallelForThreads(t *testing.T) {
	restore(t)
	wakeLoops(t)
	SetThreads(2)
	m := &meeting{arrived: make(chan struct{}, 1)}
	ParallelFor(100, 10, m)
	if !m.met.Load() {
		t.Fatal("no two chunks ran at the same time")
	}
}

type panicErr struct{ msg string }

// panicker panics in the chunks that contain index at.
type panicker struct {
	at  int
	err *panicErr
}

func (p *panicker) Range(lo, hi int) {
	if lo <= p.at && p.at < hi {
		panic(p.err)
	}
}

// catch runs f and returns the value it panicked with.
func catch(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// TestParallelForPanic checks that a panic in a body reaches the caller of
// ParallelFor with its value, whichever thread ran the chunk, and that the
// pool works afterwards.
func TestParallelForPanic(t *testing.T) {
	restore(t)
	wakeLoops(t)
	for _, th := range []int{1, 2} {
		SetThreads(th)
		for _, at := range []int{0, 500, 999} {
			e := &panicErr{fmt.Sprint("index ", at)}
			if v := catch(func() { ParallelFor(1000, 10, &panicker{at, e}) }); v != e {
				t.Errorf("threads=%d, panic at %d: ParallelFor panicked with %v, want %v", th, at, v, e)
			}
		}
	}
	// A chunk that certainly runs on a pool thread panics: the first chunk
	// waits until another one has begun, and that one panics.
	SetThreads(2)
	e := &panicErr{"on a pool thread"}
	m := &meeting{arrived: make(chan struct{}, 1), onOther: func() { panic(e) }}
	if v := catch(func() { ParallelFor(100, 10, m) }); v != e || !m.met.Load() {
		t.Errorf("panic on a pool thread: ParallelFor panicked with %v (met: %v), want %v", v, m.met.Load(), e)
	}
	// The pool still works.
	r := &recorder{hits: make([]atomic.Int32, 1000)}
	ParallelFor(1000, 10, r)
	for i := range r.hits {
		if r.hits[i].Load() != 1 {
			t.Fatalf("after a panic: index %d visited %d times", i, r.hits[i].Load())
		}
	}
	if len(r.chunks) < 2 {
		t.Errorf("after a panic: %d chunks, want several", len(r.chunks))
	}
	var rng = rand.New(rand.NewPCG(31, 32))
	check(t, rng, gemmCase{tA: blas.NoTrans, tB: blas.NoTrans, m: 200, n: 200, k: 100, alpha: 1, beta: 0})
}

// TestParallelForSleeping checks that ParallelFor uses only awake pool
// threads: with the pool's thread asleep it runs serially and leaves it
// asleep, and right after a parallel product (the thread spins for a
// while) it uses it.
func TestParallelForSleeping(t *testing.T) {
	restore(t)
	withSmallParallel(t)
	use(t, kernels[len(kernels)-1].kind, Float64) // a packed kernel: it uses the pool
	SetThreads(2)
	rng := rand.New(rand.NewPCG(35, 36))
	pr := newProblem(rng, gemmCase{tA: blas.NoTrans, tB: blas.NoTrans, m: 64, n: 64, k: 64, alpha: 1, beta: 0})
	product := func() {
		c := make([]float64, len(pr.c0))
		Dgemm(blas.NoTrans, blas.NoTrans, 64, 64, 64, 1, pr.a, pr.lda, pr.b, pr.ldb, 0, c, pr.ldc)
	}
	product() // creates the pool's thread
	wk := thePool.workers[0]
	deadline := time.Now().Add(5 * time.Second)
	for !wk.start.parked.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the pool's thread did not go to sleep in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
	r := &recorder{hits: make([]atomic.Int32, 1000)}
	ParallelFor(1000, 10, r)
	if len(r.chunks) != 1 || r.chunks[0] != [2]int{0, 1000} {
		t.Errorf("with the pool asleep: chunks %v, want one [0 1000]", r.chunks)
	}
	if !wk.start.parked.Load() {
		t.Error("ParallelFor woke the pool's thread")
	}
	// The product wakes the thread (which may take a while: it may join
	// after the product is done). Spinning for a minute once awake, it is
	// still awake when ParallelFor starts (with the default 100 µs it
	// might fall asleep first on a busy machine).
	old := spinFor.Swap(int64(time.Minute))
	defer spinFor.Store(old)
	product()
	for wk.start.parked.Load() {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatal("the pool's thread did not wake up in 5 s")
		}
		time.Sleep(10 * time.Microsecond)
	}
	r = &recorder{hits: make([]atomic.Int32, 1000)}
	ParallelFor(1000, 10, r)
	if len(r.chunks) < 2 {
		t.Errorf("right after a parallel product: chunks %v, want several", r.chunks)
	}
}

// axpy is y += a·x as a Ranger.
type axpy struct {
	a    float64
	x, y []float64
}

func (b *axpy) Range(lo, hi int) {
	x, y := b.x[lo:hi], b.y[lo:hi]
	for i, v := range x {
		y[i] += b.a * v
	}
}

// relu is y = max(0, x) as a Ranger.
type relu struct{ x, y []float64 }

func (b *relu) Range(lo, hi int) {
	x, y := b.x[lo:hi], b.y[lo:hi]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// TestParallelForAllocs checks that a parallel loop allocates nothing.
func TestParallelForAllocs(t *testing.T) {
	restore(t)
	wakeLoops(t)
	SetThreads(2)
	body := &axpy{a: 0.5, x: make([]float64, 100000), y: make([]float64, 100000)}
	ParallelFor(len(body.x), 1000, body)
	if n := testing.AllocsPerRun(20, func() { ParallelFor(len(body.x), 1000, body) }); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

// nested runs a product and a parallel loop inside each chunk.
type nested struct {
	a, b   []float64
	c      [][]float64 // C of the chunk that starts at lo: c[lo]
	r      *recorder
	mu     sync.Mutex
	starts []int
}

func (nb *nested) Range(lo, hi int) {
	Dgemm(blas.NoTrans, blas.NoTrans, 60, 60, 60, 1, nb.a, 60, nb.b, 60, 0, nb.c[lo], 60)
	ParallelFor(hi-lo, 1, rangeShift{lo, nb.r})
	nb.mu.Lock()
	nb.starts = append(nb.starts, lo)
	nb.mu.Unlock()
}

type rangeShift struct {
	off int
	r   *recorder
}

func (s rangeShift) Range(lo, hi int) { s.r.Range(lo+s.off, hi+s.off) }

// TestParallelForConcurrent runs parallel loops while other goroutines run
// products (and loops whose chunks multiply and loop again): a busy pool
// makes the call serial, never a deadlock, and every result is right.
func TestParallelForConcurrent(t *testing.T) {
	restore(t)
	withSmallParallel(t)
	SetThreads(2)
	rng := rand.New(rand.NewPCG(33, 34))
	pr := newProblem(rng, gemmCase{tA: blas.Trans, tB: blas.NoTrans, m: 150, n: 170, k: 200, alpha: 1, beta: 0})
	a, b := randSlice(rng, 3600), randSlice(rng, 3600)
	want := make([]float64, 3600)
	refGemm(blas.NoTrans, blas.NoTrans, 60, 60, 60, 1, a, 60, b, 60, 0, want, 60)
	errs := make(chan error, 6)
	for g := range 6 {
		go func() {
			for it := range 30 {
				switch g % 3 {
				case 0: // products through the pool
					c := make([]float64, len(pr.c0))
					Dgemm(blas.Trans, blas.NoTrans, 150, 170, 200, 1, pr.a, pr.lda, pr.b, pr.ldb, 0, c, pr.ldc)
					for i := range c {
						if d := c[i] - pr.want[i]; d > 1e-9 || d < -1e-9 {
							errs <- fmt.Errorf("goroutine %d: product %d wrong at %d", g, it, i)
							return
						}
					}
				case 1: // parallel loops
					r := &recorder{hits: make([]atomic.Int32, 5000)}
					ParallelFor(5000, 100, r)
					for i := range r.hits {
						if r.hits[i].Load() != 1 {
							errs <- fmt.Errorf("goroutine %d: loop %d: index %d visited %d times", g, it, i, r.hits[i].Load())
							return
						}
					}
				case 2: // loops whose chunks multiply and loop
					nb := &nested{a: a, b: b, c: make([][]float64, 64), r: &recorder{hits: make([]atomic.Int32, 64)}}
					for i := range nb.c {
						nb.c[i] = make([]float64, 3600)
					}
					ParallelFor(64, 8, nb)
					for i := range nb.r.hits {
						if nb.r.hits[i].Load() != 1 {
							errs <- fmt.Errorf("goroutine %d: nested loop %d: index %d visited %d times", g, it, i, nb.r.hits[i].Load())
							return
						}
					}
					for _, lo := range nb.starts {
						c := nb.c[lo]
						for i := range c {
							if d := c[i] - want[i]; d > 1e-9 || d < -1e-9 {
								errs <- fmt.Errorf("goroutine %d: nested product wrong at %d", g, i)
								return
							}
						}
					}
				}
			}
			errs <- nil
		}()
	}
	timeout := time.After(60 * time.Second)
	for range 6 {
		select {
		case err := <-errs:
			if err != nil {
				t.Error(err)
			}
		case <-timeout:
			t.Fatal(errors.New("deadlock: goroutines did not finish in 60 s"))
		}
	}
}

// BenchmarkParallelFor compares element-wise loops of a training step run
// serially (a plain call of Range) and by ParallelFor on 1 and 2 threads:
// the optimizer's axpy y += a·x over the MLP's 270k parameters, a ReLU over
// a 100×256 batch, and axpy at other sizes to find where two threads start
// to pay. In threads=2 the calls follow each other closely, so the pool's
// thread stays awake, as in a training step. The "slept" variants sleep
// 1 ms (untimed) before each call, so that the pool's thread has gone to
// sleep (and the caller's core has idled: compare with serial/slept):
// ParallelFor then runs serially, and "wake" shows what waking the
// thread would cost instead.
//
//	go test -run '^$' -bench ParallelFor -count 5 ./nnlib/internal/gemm/
func BenchmarkParallelFor(b *testing.B) {
	rng := rand.New(rand.NewPCG(41, 42))
	type loop struct {
		name  string
		n     int
		body  Ranger
		bytes int // memory traffic per index
	}
	var loops []loop
	for _, n := range []int{2000, 4000, 8000, 25600, 64000, 270000, 1000000} {
		loops = append(loops, loop{fmt.Sprintf("axpy/n=%d", n), n, &axpy{a: 1e-3, x: randSlice(rng, n), y: randSlice(rng, n)}, 24})
	}
	loops = append(loops, loop{"relu/n=25600", 25600, &relu{x: randSlice(rng, 25600), y: make([]float64, 25600)}, 16})
	const grain = 1000
	modes := []struct {
		name        string
		threads     int // 0: a plain call of Range
		slept, wake bool
	}{
		{"serial", 0, false, false},
		{"threads=1", 1, false, false},
		{"threads=2", 2, false, true},
		{"serial/slept", 0, true, false},
		{"threads=2/slept", 2, true, false},
		{"threads=2/slept/wake", 2, true, true},
	}
	for _, l := range loops {
		for _, md := range modes {
			b.Run(l.name+"/"+md.name, func(b *testing.B) {
				restore(b)
				SetThreads(max(md.threads, 1))
				if md.wake {
					wakeLoops(b)
				}
				for b.Loop() {
					if md.slept {
						b.StopTimer()
						time.Sleep(time.Millisecond)
						b.StartTimer()
					}
					if md.threads == 0 {
						l.body.Range(0, l.n)
					} else {
						ParallelFor(l.n, grain, l.body)
					}
				}
				b.ReportMetric(float64(l.n)*float64(l.bytes)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "GB/s")
			})
		}
	}
}
