package gemm

import "sync/atomic"

// Ranger is the body of a parallel loop: Range(lo, hi) does the work of the
// indices lo ≤ i < hi. A long-lived value (a pointer to a struct holding the
// loop's operands) makes a call to ParallelFor allocate nothing.
type Ranger interface {
	Range(lo, hi int)
}

// forChunksPerThread is the number of chunks per thread that ParallelFor
// cuts [0, n) into (when grain allows): a thread slowed down by other
// programs then does fewer of them.
var forChunksPerThread = 4

// wakeForLoops makes ParallelFor wake sleeping pool threads too (for
// tests that need two threads at once).
var wakeForLoops atomic.Bool

// ParallelFor runs body.Range over [0, n) cut into contiguous chunks of at
// least grain indices (grain < 1 counts as 1), on the calling goroutine and
// the awake threads of the pool that runs Dgemm (up to Threads() threads
// in all), and returns when every chunk is done. Each index lies in
// exactly one chunk; chunks run concurrently and in no fixed order, so
// Range must only write what its own indices own.
//
// The pool's threads stay awake (spinning) for 100 µs after each Dgemm or
// ParallelFor that used them, then sleep. ParallelFor uses only awake
// threads: waking a sleeping one takes about 130 µs on the machine of the
// package documentation before it starts to work (and 2–25 µs of the
// caller's time), more than the element-wise loops of a training step
// take. In a training step, where products and loops alternate, the
// threads are awake; the first loop after a pause runs serially.
//
// It runs body.Range(0, n) on the caller alone when n < 2·grain, when
// Threads() is 1, when no pool thread is awake, or when the pool is busy
// (a Dgemm or ParallelFor in another goroutine, or a call from inside a
// body): it never waits for the pool. If Range panics, the remaining
// chunks are skipped, the chunks under way finish, and ParallelFor panics
// with the first panic's value in the caller (with the caller's stack, not
// the body's). Range must not call runtime.Goexit (as testing's FailNow
// does). Pass a pointer to a long-lived value as body: converting a struct
// value to Ranger allocates.
//
// With the pool's thread awake, a call costs about a microsecond beyond
// the work, so grain should be some thousands of cheap element-wise
// operations: two threads pay from about 4000 additions y += a·x (see the
// package documentation).
func ParallelFor(n, grain int, body Ranger) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	t := Threads()
	if t <= 1 || n/2 < grain {
		body.Range(0, n)
		return
	}
	p := &thePool
	if !p.mu.TryLock() {
		body.Range(0, n)
		return
	}
	defer p.mu.Unlock()
	// The pool's threads that are awake (spinning after a recent call),
	// at most t-1 of them.
	wake := wakeForLoops.Load()
	if wake {
		p.addWorkers(t - 1)
	}
	awake := 0
	for _, wk := range p.workers[:min(t-1, len(p.workers))] {
		if wake || !wk.start.parked.Load() {
			awake++
		}
	}
	if awake == 0 {
		body.Range(0, n)
		return
	}
	chunks := min(n/grain, forChunksPerThread*(awake+1))
	l := &p.loop
	l.body, l.n, l.chunks = body, n, chunks
	l.next.Store(0)
	l.panicked.Store(false)
	p.publish(l)
	started := 0
	for _, wk := range p.workers[:min(t-1, len(p.workers))] {
		if started < chunks-1 && (wake || !wk.start.parked.Load()) {
			wk.start.set(p.gen)
			started++
		}
	}
	l.run()
	p.close()
	l.body = nil
	if l.panicked.Load() {
		v := l.panicVal
		l.panicVal = nil
		panic(v)
	}
}

// forLoop is a ParallelFor call shared by the threads of the pool: chunk i
// of [0, n) is [i·q + min(i, r), (i+1)·q + min(i+1, r)) with n = q·chunks + r.
type forLoop struct {
	body      Ranger
	n, chunks int
	next      atomic.Int32 // next chunk to run
	panicked  atomic.Bool  // set by the first panic
	panicVal  any          // its value, written by the thread that set panicked
}

func (l *forLoop) work(p *pool, wk *worker) { l.run() }

// run runs chunks until none is left, recovering a panic in body.
func (l *forLoop) run() {
	defer func() {
		if v := recover(); v != nil {
			if l.panicked.CompareAndSwap(false, true) {
				l.panicVal = v
			}
			l.next.Store(int32(l.chunks)) // skip the chunks not yet started
		}
	}()
	q, r := l.n/l.chunks, l.n%l.chunks
	for {
		i := int(l.next.Add(1)) - 1
		if i >= l.chunks {
			return
		}
		l.body.Range(i*q+min(i, r), (i+1)*q+min(i+1, r))
	}
}
