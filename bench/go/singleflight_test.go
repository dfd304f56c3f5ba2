// singleflight_test.go: Go's x/sync singleflight.Group.Do on a hot key, the
// peer of bench/singleflight_bench.cpp (same workloads, same names).
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go test -bench . -benchtime 0.2s -count 5 ./bench/go/singleflight_test.go
//
// (Debian's golang-golang-x-sync-dev installs x/sync 0.1.0 there.)
//
//	Do/Alone        one goroutine: every Do leads a call of its own
//	Do/HotKey/G=n   n goroutines Do one key; fn computes for about a
//	                microsecond, so calls overlap and callers join one in flight
//	                (calls/op: the fraction of Do calls that ran fn)
package sfbench

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/singleflight"
)

var sink int64

// fn's work, the same loop as the C++ peer's Spin (n a variable, not folded).
var spinN = 1000

func spin(n int) int64 {
	var x int64
	for i := 0; i < n; i++ {
		x += int64(i) ^ x
	}
	return x
}

func BenchmarkDo(b *testing.B) {
	b.Run("Alone", func(b *testing.B) {
		var g singleflight.Group
		fn := func() (interface{}, error) { return 1, nil }
		for i := 0; i < b.N; i++ {
			v, _, _ := g.Do("hot", fn)
			sink += int64(v.(int))
		}
	})
	for _, n := range []int{2, 8} {
		b.Run(fmt.Sprintf("HotKey/G=%d", n), func(b *testing.B) {
			var g singleflight.Group
			var calls int64
			fn := func() (interface{}, error) {
				atomic.AddInt64(&calls, 1)
				return spin(spinN), nil
			}
			var wg sync.WaitGroup
			per := b.N / n
			b.ResetTimer()
			for t := 0; t < n; t++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < per; i++ {
						g.Do("hot", fn)
					}
				}()
			}
			wg.Wait()
			if per > 0 {
				b.ReportMetric(float64(calls)/float64(per*n), "calls/op")
			}
		})
	}
}
