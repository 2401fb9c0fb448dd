package parser

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// largeN is the size of BenchmarkLargeScript's script.
var largeN = 200_000

// largeScript returns a script of n one-line INSERTs, each reading and
// writing its own tables.
func largeScript(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "INSERT INTO dw.t%d SELECT a, b, count(*) FROM raw.s%d WHERE d = '2024-01-01' GROUP BY a, b;\n", i%1000, i%997)
	}
	return b.String()
}

// peakRSS returns the process's peak resident set in bytes (Linux), or 0.
func peakRSS() int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkLargeScript parses a script of 200,000 one-line INSERTs and
// reports the heap the Parse call needed at its peak (heap-MB: live heap
// right after Parse, before the result is dropped) and the process's peak
// RSS (run it alone, -run '^$' -bench LargeScript -benchtime 1x, for an
// RSS that is the script's).
func BenchmarkLargeScript(b *testing.B) {
	n := largeN
	script := largeScript(n)
	p := New()
	var ms runtime.MemStats
	var heap uint64
	b.SetBytes(int64(len(script)))
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.HeapAlloc
		res, err := p.Parse(script, Options{Dialect: "hive"})
		if err != nil || len(res.Statements) != n {
			b.Fatalf("%v, %d statements", err, len(res.Statements))
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc-before)
		runtime.KeepAlive(res)
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
	}
}

func init() {
	if v, err := strconv.Atoi(os.Getenv("LINEAGE_LARGE_N")); err == nil && v > 0 {
		largeN = v
	}
}

// TestStreamChunks: parsing a script a few bytes at a time (every chunk
// cut at a line end, inside statements, strings and comments) gives the
// same result as parsing it in one piece.
func TestStreamChunks(t *testing.T) {
	files := loadRealWorld(t)
	big, small := New(), New()
	defer func() { streamChunk = 1 << 20 }()
	n := 0
	for i, f := range files {
		if i%7 != 0 { // a sample of every corpus keeps the test quick
			continue
		}
		n++
		want, werr := big.Parse(f.SQL, Options{Dialect: f.Dialect, Vars: f.Vars, File: f.ID})
		streamChunk = 64
		got, gerr := small.Parse(f.SQL, Options{Dialect: f.Dialect, Vars: f.Vars, File: f.ID})
		streamChunk = 1 << 20
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("%s: error %v in one piece, %v in chunks", f.ID, werr, gerr)
		}
		if werr == nil && fmt.Sprintf("%+v", *want) != fmt.Sprintf("%+v", *got) {
			t.Fatalf("%s: results differ:\none piece: %+v\nchunks:    %+v", f.ID, *want, *got)
		}
	}
	if n == 0 {
		t.Fatal("no file compared")
	}
}
