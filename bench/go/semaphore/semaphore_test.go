// Go's side of bench/semaphore_bench.cpp: x/sync's semaphore.Weighted and a
// chan struct{} semaphore on the same workloads. Debian's
// golang-golang-x-sync-dev puts x/sync under /usr/share/gocode, so it builds
// offline in GOPATH mode (scripts/run-bench does this):
//
//	cd bench/go/semaphore && GOPATH=/usr/share/gocode GO111MODULE=off go test -bench . -count 5
package semaphore_bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/semaphore"
)

type sem interface {
	Acquire()
	Release()
}

type weighted struct {
	ctx context.Context
	s   *semaphore.Weighted
}

func (w weighted) Acquire() {
	if err := w.s.Acquire(w.ctx, 1); err != nil {
		panic(err)
	}
}
func (w weighted) Release() { w.s.Release(1) }

type chanSem chan struct{}

func (c chanSem) Acquire() { c <- struct{}{} }
func (c chanSem) Release() { <-c }

func newWeighted(n int64) sem { return weighted{context.Background(), semaphore.NewWeighted(n)} }
func newChan(n int64) sem     { return make(chanSem, n) }

func uncontended(b *testing.B, s sem) {
	for i := 0; i < b.N; i++ {
		s.Acquire()
		s.Release()
	}
}

// g goroutines share b.N operations on s; ns/op is wall time per operation.
func contended(b *testing.B, s sem, g int) {
	var work uint64
	var wg sync.WaitGroup
	per := b.N / g
	b.ResetTimer()
	for k := 0; k < g; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				s.Acquire()
				atomic.AddUint64(&work, 1)
				s.Release()
			}
		}()
	}
	wg.Wait()
}

func BenchmarkSemaphore(b *testing.B) {
	b.Run("Weighted/Uncontended", func(b *testing.B) { uncontended(b, newWeighted(1)) })
	b.Run("Chan/Uncontended", func(b *testing.B) { uncontended(b, newChan(1)) })
	b.Run("Weighted/G=8/size=4", func(b *testing.B) { contended(b, newWeighted(4), 8) })
	b.Run("Chan/G=8/size=4", func(b *testing.B) { contended(b, newChan(4), 8) })
}
