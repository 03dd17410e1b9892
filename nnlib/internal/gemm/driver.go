package gemm

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// workspace holds one thread's packing buffers for arithmetic in T. They
// grow to the largest size needed and are then reused, so that a call
// allocates nothing.
type workspace[T elem] struct {
	a, b       []T
	tile       []float64 // an edge tile of C
	abuf, bbuf []T       // backing arrays of a and b (a, b are 64-byte aligned views)
}

// aligned returns a 64-byte aligned slice of length n, reusing *backing
// when it is large enough.
func aligned[T elem](backing *[]T, n int) []T {
	const pad = 64 / 4 // elements, enough for float32 and float64
	if cap(*backing) < n+pad {
		*backing = make([]T, n+pad)
	}
	s := (*backing)[:n+pad]
	size := int(unsafe.Sizeof(s[0]))
	off := (64 - int(uintptr(unsafe.Pointer(&s[0]))&63)) & 63 / size
	return s[off : off+n]
}

// grow makes room for na packed values of A, nb of B and the edge tile.
func (w *workspace[T]) grow(kn *packed[T], na, nb int) {
	if len(w.a) < na {
		w.a = aligned(&w.abuf, na)
	}
	if len(w.b) < nb {
		w.b = aligned(&w.bbuf, nb)
	}
	if len(w.tile) < kn.mr*kn.nr {
		w.tile = make([]float64, kn.mr*kn.nr)
	}
}

// convert sets dst[i] = T(src[i]) for the values of src (a copy when T is
// float64).
func convert[T elem](dst []T, src []float64) {
	var zero T
	if unsafe.Sizeof(zero) == 8 {
		copy(unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)), src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(v)
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }

// blockK returns the depth of the k blocks: k cut into nearly equal blocks
// of at most about kn.kc, their depth a multiple of 4 (the kernels'
// unrolling). With kc = 320, k = 784 gives 264 + 264 + 256 rather than
// 320 + 320 + 144.
func blockK[T elem](kn *packed[T], k int) int {
	nb := (k + kn.kc - 1) / kn.kc
	return min(k, roundUp((k+nb-1)/nb, 4))
}

// serial computes C = alpha·op(A)·op(B) + beta·C on the calling thread with
// the packed, blocked algorithm (alpha ≠ 0, k > 0, arguments checked):
//
//	for each block of nc columns of op(B)      (jc)
//	  for each block of kc rows of op(B)       (pc)   pack B block → w.b
//	    for each block of mc rows of op(A)     (ic)   pack A block → w.a
//	      for each mr-row panel of the A block (ir)   stays in L1
//	        for each nr-column panel of B      (jr)   streams from L2
//	          micro-kernel: mr×nr tile of C += Ã panel · B̃ panel
func serial[T elem](w *workspace[T], kn *packed[T], aTrans, bTrans bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	kb := blockK(kn, k)
	w.grow(kn, roundUp(min(kn.mc, m), kn.mr)*kb, roundUp(min(kn.nc, n), kn.nr)*kb)
	for jc := 0; jc < n; jc += kn.nc {
		nc := min(kn.nc, n-jc)
		for pc := 0; pc < k; pc += kb {
			kc := min(kb, k-pc)
			packB(kn, w.b, bTrans, b, ldb, pc, kc, jc, nc)
			bt := beta // the first k block scales C, the next ones add to it
			if pc > 0 {
				bt = 1
			}
			for ic := 0; ic < m; ic += kn.mc {
				mc := min(kn.mc, m-ic)
				packA(kn, w.a, aTrans, a, lda, ic, mc, pc, kc)
				macro(kn, w.tile, w.a, w.b, mc, nc, kc, alpha, bt, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro runs the micro-kernel over a packed mc×kc block of A (ap) and a
// packed kc×nc block of B (bp), updating the mc×nc block of C that starts
// at c[0].
func macro[T elem](kn *packed[T], tile []float64, ap, bp []T, mc, nc, kc int, alpha, beta float64, c []float64, ldc int) {
	mr, nr := kn.mr, kn.nr
	tile = tile[:mr*nr]
	for ir := 0; ir < mc; ir += mr {
		mm := min(mr, mc-ir)
		micro := kn.micro
		if mm < mr && kn.edge != nil {
			micro = kn.edge[mm-1] // computes only the mm valid rows
		}
		a := &ap[ir*kc]
		for jr := 0; jr < nc; jr += nr {
			nn := min(nr, nc-jr)
			b := &bp[jr*kc]
			if nn == nr && (mm == mr || kn.edge != nil) {
				micro(kc, a, b, nr, &c[ir*ldc+jr], ldc, alpha, beta)
				continue
			}
			// Edge tile: compute the zero-padded tile into a buffer and
			// copy out the valid part. math.FMA rounds as the kernels'
			// fused store does, so the result does not depend on where
			// the tile boundaries fall.
			micro(kc, a, b, nr, &tile[0], nr, alpha, 0)
			for i := 0; i < mm; i++ {
				crow := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nn]
				trow := tile[i*nr : i*nr+nn]
				if beta == 0 {
					copy(crow, trow)
					continue
				}
				for j, t := range trow {
					crow[j] = math.FMA(beta, crow[j], t)
				}
			}
		}
	}
}

// packA copies rows ic…ic+mc-1, columns pc…pc+kc-1 of op(A) into dst as
// panels of mr rows: panel r holds, for each p, the mr values
// op(A)[ic+r·mr+i, pc+p], i = 0…mr-1, zero beyond the last row, converted
// to T (rounded to nearest when T is float32).
func packA[T elem](kn *packed[T], dst []T, trans bool, a []float64, lda, ic, mc, pc, kc int) {
	// op(A)[i, p] is a[p·lda + i] when trans: the mr values of a panel's
	// step p lie side by side in a, as a panel of B does without trans.
	packPanels(dst, kn.mr, kn.copyA, kn.gatherA, trans, a, lda, ic, mc, pc, kc)
}

// packB copies rows pc…pc+kc-1, columns jc…jc+nc-1 of op(B) into dst as
// panels of nr columns: panel r holds, for each p, the nr values
// op(B)[pc+p, jc+r·nr+j], j = 0…nr-1, zero beyond the last column,
// converted to T.
func packB[T elem](kn *packed[T], dst []T, trans bool, b []float64, ldb, pc, kc, jc, nc int) {
	packPanels(dst, kn.nr, kn.copyB, kn.gatherB, !trans, b, ldb, jc, nc, pc, kc)
}

// packPanels packs the part of a matrix that packA and packB ask for, as
// panels w wide: panel r holds, for each p < kc, the w values
// x(q0+r·w+i, p0+p), i = 0…w-1, zero beyond q0+nq, converted to T. When
// contiguous, x(q, p) = src[p·ld + q] (the w values of a step lie side by
// side in src; copyAll, if not nil, packs all full panels in one pass);
// otherwise x(q, p) = src[q·ld + p] (a row of src becomes a column of the
// panel; gatherOne, if not nil, packs one full panel).
func packPanels[T elem](dst []T, w int, copyAll func(dst *T, src *float64, ld, k, np, pstride int),
	gatherOne func(dst *T, src *float64, ld, k int), contiguous bool, src []float64, ld, q0, nq, p0, kc int) {
	r0 := 0
	if np := nq / w; contiguous && copyAll != nil && np > 0 {
		// The full panels in one pass along the rows of src.
		s := src[p0*ld+q0:]
		_ = s[(kc-1)*ld+np*w-1]
		_ = dst[np*w*kc-1]
		copyAll(&dst[0], &s[0], ld, kc, np, w*kc)
		r0 = np * w
	}
	for r := r0; r < nq; r += w {
		n := min(w, nq-r)
		panel := dst[r*kc : r*kc+w*kc]
		if contiguous {
			// w contiguous values per p.
			s := src[p0*ld+q0+r:]
			for p := 0; p < kc; p++ {
				d := panel[p*w : p*w+w]
				convert(d, s[p*ld:p*ld+n])
				clear(d[n:])
			}
			continue
		}
		s := src[(q0+r)*ld+p0:]
		if n == w && gatherOne != nil {
			_ = s[(w-1)*ld+kc-1]
			gatherOne(&panel[0], &s[0], ld, kc)
			continue
		}
		for i := 0; i < n; i++ {
			row := s[i*ld : i*ld+kc]
			d := panel[i:]
			for p, v := range row {
				d[p*w] = T(v)
			}
		}
		for i := n; i < w; i++ {
			for p := 0; p < kc; p++ {
				panel[p*w+i] = 0
			}
		}
	}
}

// job is one Dgemm call with arithmetic in T shared by the threads of the
// pool. C is cut into chunks of whole tiles along N (splitN: chunks of
// columns) or M (chunks of rows). The operand that every chunk needs in
// full (op(A) for splitN, op(B) otherwise) is packed once, for all k
// blocks, into shared; each chunk packs its own part of the other operand.
// Threads take chunks in turn until none is left, so a thread that the OS
// holds back simply does fewer of them. Every element of C is still
// computed by one thread with the same k blocks in the same order, whatever
// the number of threads.
type job[T elem] struct {
	kn             *packed[T]
	aTrans, bTrans bool
	m, n, k        int
	alpha, beta    float64
	a, b, c        []float64
	lda, ldb, ldc  int
	kb             int // depth of the k blocks
	splitN         bool
	chunk, chunks  int          // chunk size (rows or columns) and count
	shared         []T          // packed op(A) (splitN) or op(B)
	sharedBuf      []T          // backing array of shared
	sharedRows     int          // rows (splitN) or columns of shared, rounded up to mr or nr
	gen            uint64       // number of the job, for the signals
	snext, sdone   atomic.Int32 // next shared panel to pack, panels packed
	next           atomic.Int32 // next chunk to compute
}

// workspaceOf returns the workspace of wk for arithmetic in T.
func workspaceOf[T elem](wk *worker) *workspace[T] {
	if w, ok := any(&wk.d).(*workspace[T]); ok {
		return w
	}
	return any(&wk.s).(*workspace[T])
}

// packShared packs the operand that all chunks use (k block pc starts at
// shared[sharedRows·pc]). The panels are handed out one at a time to the
// threads that have arrived, the caller at least. A thread that finds no
// panel left waits on ready until the last one is packed; the thread that
// packs the last panel sets every thread's ready signal.
func (j *job[T]) packShared(p *pool, ready *signal) {
	kn := j.kn
	unit := kn.nr
	if j.splitN {
		unit = kn.mr
	}
	per := j.sharedRows / unit // panels per k block
	total := int32(per * ((j.k + j.kb - 1) / j.kb))
	for {
		i := j.snext.Add(1) - 1
		if i >= total {
			break
		}
		pc := int(i) / per * j.kb
		kc := min(j.kb, j.k-pc)
		lo := int(i) % per * unit
		s := j.shared[j.sharedRows*pc+lo*kc:]
		if j.splitN {
			packA(kn, s, j.aTrans, j.a, j.lda, lo, min(unit, j.m-lo), pc, kc)
		} else {
			packB(kn, s, j.bTrans, j.b, j.ldb, pc, kc, lo, min(unit, j.n-lo))
		}
		if j.sdone.Add(1) == total {
			p.self.ready.set(j.gen)
			for _, wk := range p.workers {
				wk.ready.set(j.gen)
			}
			return
		}
	}
	ready.waitFor(j.gen)
}

// work helps pack the shared operand, then computes chunks until none is
// left.
func (j *job[T]) work(p *pool, wk *worker) {
	kn := j.kn
	w := workspaceOf[T](wk)
	j.packShared(p, wk.ready)
	if j.splitN {
		w.grow(kn, 0, roundUp(j.chunk, kn.nr)*j.kb)
	} else {
		w.grow(kn, roundUp(j.chunk, kn.mr)*j.kb, 0)
	}
	for {
		i := int(j.next.Add(1)) - 1
		if i >= j.chunks {
			return
		}
		lo := i * j.chunk
		for pc := 0; pc < j.k; pc += j.kb {
			kc := min(j.kb, j.k-pc)
			bt := j.beta
			if pc > 0 {
				bt = 1
			}
			s := j.shared[j.sharedRows*pc:]
			if j.splitN {
				nc := min(j.chunk, j.n-lo)
				packB(kn, w.b, j.bTrans, j.b, j.ldb, pc, kc, lo, nc)
				macro(kn, w.tile, s, w.b, j.m, nc, kc, j.alpha, bt, j.c[lo:], j.ldc)
				continue
			}
			mc := min(j.chunk, j.m-lo)
			packA(kn, w.a, j.aTrans, j.a, j.lda, lo, mc, pc, kc)
			for jc := 0; jc < j.n; jc += kn.nc {
				nc := min(kn.nc, j.n-jc)
				macro(kn, w.tile, w.a, s[jc*kc:], mc, nc, kc, j.alpha, bt, j.c[lo*j.ldc+jc:], j.ldc)
			}
		}
	}
}

// signal is a value that only grows, set by any thread and waited on by
// one. The waiter first spins (for up to spinFor, yielding to other
// goroutines), then parks on a channel; set touches the channel only when
// the waiter is parked.
type signal struct {
	v      atomic.Uint64
	parked atomic.Bool
	wake   chan struct{}
}

// spinFor is how long a waiting thread spins before it parks. A parked
// thread takes some microseconds to wake up, and the OS then often runs it
// on the waker's core for a while, so spinning through the gaps between
// the products of a training step pays (the step: 62 GFLOP/s with 5 µs,
// 78–88 with 100–200 µs, on 2 free cores); the price is up to spinFor of
// CPU time taken from other programs after the last product.
// It is atomic so that tests can change it while the pool runs.
var spinFor atomic.Int64

func init() { spinFor.Store(int64(100 * time.Microsecond)) }

func newSignal() *signal { return &signal{wake: make(chan struct{}, 1)} }

// set raises the value to v and wakes the waiter.
func (s *signal) set(v uint64) {
	s.v.Store(v)
	if s.parked.Load() {
		select {
		case s.wake <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// waitFor returns the value once it is at least v.
func (s *signal) waitFor(v uint64) uint64 {
	var start time.Time
	for i := 0; ; i++ {
		if x := s.v.Load(); x >= v {
			return x
		}
		if i&15 == 0 {
			if i == 0 {
				start = time.Now()
			} else if time.Since(start) > time.Duration(spinFor.Load()) {
				break
			}
		}
		runtime.Gosched()
	}
	s.parked.Store(true)
	for s.v.Load() < v {
		<-s.wake
	}
	s.parked.Store(false)
	return s.v.Load()
}

// worker is a thread of the pool (or the caller, pool.self) with its own
// workspaces.
type worker struct {
	d     workspace[float64]
	s     workspace[float32]
	start *signal // set to the job's number to start the worker
	ready *signal // set to the job's number once the shared operand is packed
}

// task is the work of one call shared by the pool: a product (job) or a
// parallel loop (forLoop). Each thread that joins runs work once.
type task interface {
	work(p *pool, wk *worker)
}

// pool runs the work of a call on persistent goroutines, the calling
// goroutine included. A woken worker joins the task only if it is still
// open: the caller closes it once it has run out of work and then waits
// only for the workers that joined, never for one that has yet to wake up.
type pool struct {
	mu      sync.Mutex // held for the whole of a call that uses the pool
	self    worker     // the caller's workspaces and ready signal
	workers []*worker
	task    task // the current task: &jobD, &jobS or &loop
	jobD    job[float64]
	jobS    job[float32]
	loop    forLoop
	gen     uint64       // number of the last task
	state   atomic.Int32 // closed bit | number of workers in the task
	done    *signal      // set by the last worker to leave a closed task
}

const closed = 1 << 30

var (
	thePool = pool{self: worker{ready: newSignal()}, done: newSignal()}
	// spare workspaces for calls made while another goroutine holds the pool.
	spare = sync.Pool{New: func() any { return new(worker) }}
)

func (p *pool) run(wk *worker) {
	var started uint64
	for {
		started = wk.start.waitFor(started + 1)
		if !p.join() {
			continue // the task was finished without this worker
		}
		t, gen := p.task, p.gen
		t.work(p, wk)
		if p.state.Add(-1) == closed {
			p.done.set(gen)
		}
	}
}

// join enters the current task if it is still open.
func (p *pool) join() bool {
	for {
		s := p.state.Load()
		if s&closed != 0 {
			return false
		}
		if p.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// open publishes t (the caller holds p.mu) and starts the first helpers
// workers, creating them if needed.
func (p *pool) open(t task, helpers int) {
	p.addWorkers(helpers)
	p.publish(t)
	for _, wk := range p.workers[:helpers] {
		wk.start.set(p.gen)
	}
}

// addWorkers starts workers until there are n.
func (p *pool) addWorkers(n int) {
	for len(p.workers) < n {
		wk := &worker{start: newSignal(), ready: newSignal()}
		p.workers = append(p.workers, wk)
		go p.run(wk)
	}
}

// publish makes t the open task; the caller then starts workers.
func (p *pool) publish(t task) {
	p.task = t
	p.gen++
	p.state.Store(0)
}

// close closes the task once the caller has run out of work and waits for
// the workers that joined it.
func (p *pool) close() {
	if p.state.Add(closed) != closed {
		p.done.waitFor(p.gen) // for the workers still at work
	}
	p.task = nil
}

// parallelMinFlops is the size m·n·k from which a product is split between
// threads (smaller ones do not repay the waking of a thread).
var parallelMinFlops = 1 << 20

// chunksPerThread sets the chunk size: about this many chunks per thread,
// so that a thread slowed down by other programs does fewer of them.
var chunksPerThread = 4

// run computes the product with kernel kn, split between threads when
// large; j is the pool's job for arithmetic in T.
func run[T elem](j *job[T], kn *packed[T], aTrans, bTrans bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := &thePool
	if !p.mu.TryLock() {
		// Another goroutine is using the pool: compute serially on a spare workspace.
		wk := spare.Get().(*worker)
		serial(workspaceOf[T](wk), kn, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		spare.Put(wk)
		return
	}
	defer p.mu.Unlock()
	self := workspaceOf[T](&p.self)
	t := Threads()
	if t <= 1 || m*n*k < parallelMinFlops {
		serial(self, kn, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	// Split along N when M ≤ N: op(A) (m×k) is then the operand packed
	// once and shared, otherwise op(B) (k×n); the smaller one is shared.
	splitN := m <= n
	dim, unit, other := m, kn.mr, n
	if splitN {
		dim, unit, other = n, kn.nr, m
	}
	tiles := (dim + unit - 1) / unit
	chunk := max(1, tiles/(chunksPerThread*t)) * unit
	if splitN {
		chunk = min(chunk, max(unit, kn.nc/unit*unit))
	}
	chunks := (dim + chunk - 1) / chunk
	if chunks <= 1 {
		serial(self, kn, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}

	// Publish the job, open it and start the helpers.
	j.kn, j.aTrans, j.bTrans = kn, aTrans, bTrans
	j.m, j.n, j.k, j.alpha, j.beta = m, n, k, alpha, beta
	j.a, j.b, j.c, j.lda, j.ldb, j.ldc = a, b, c, lda, ldb, ldc
	j.kb, j.splitN, j.chunk, j.chunks = blockK(kn, k), splitN, chunk, chunks
	if splitN {
		j.sharedRows = roundUp(other, kn.mr)
	} else {
		j.sharedRows = roundUp(other, kn.nr)
	}
	if len(j.shared) < j.sharedRows*k {
		j.shared = aligned(&j.sharedBuf, j.sharedRows*k)
	}
	j.gen = p.gen + 1
	j.next.Store(0)
	j.snext.Store(0)
	j.sdone.Store(0)
	p.open(j, min(t, chunks)-1)
	j.work(p, &p.self)
	p.close()
	// Drop the references to the caller's matrices.
	j.a, j.b, j.c = nil, nil, nil
}
