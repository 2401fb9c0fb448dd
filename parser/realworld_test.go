package parser

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// The real-world corpora (../shared/corpus/realworld/*.jsonl: Hive's and
// Spark's own test scripts, TPC-DS, bigquery-etl, Trino's product tests and
// benchmarks) are test data: TestRealWorld parses every file with its
// dialect and vars, checks that none panics, hangs or needs unbounded
// memory, and counts per corpus the files that parse clean (every statement
// "parsed", none through the token fallback). A count may rise but never
// fall below the ratchet in testdata/realworld_ratchet.json.
var (
	realworldFails  = flag.Int("realworld.fails", 0, "TestRealWorld: log the first N fallback reasons of each corpus")
	realworldUpdate = flag.Bool("realworld.update", false, "TestRealWorld: raise the ratchet to the current clean counts (never lowers it)")
	realworldDump   = flag.String("realworld.dump", "", "TestRealWorld: write every fallback warning (corpus, file id, warning, statement line) to this file")
)

const (
	realworldDir     = "../../shared/corpus/realworld" // ../shared beside the repository
	realworldRatchet = "testdata/realworld_ratchet.json"
	// realworldHang is how long one file may take before the test calls it
	// a hang. Files take milliseconds; this is far beyond any slow machine.
	realworldHang = 60 * time.Second
	// realworldHeap bounds the heap in use after any one file, so that a
	// quadratic buffer or a leak across files shows up as a failure.
	realworldHeap = 1 << 30
)

// realworldFile is one line of a realworld JSONL file.
type realworldFile struct {
	ID      string            `json:"id"`
	Corpus  string            `json:"corpus"`
	Dialect string            `json:"dialect"`
	Vars    map[string]string `json:"vars"`
	SQL     string            `json:"sql"`
}

func loadRealWorld(tb testing.TB) []realworldFile {
	tb.Helper()
	return readJSONL(tb, filepath.Join(realworldDir, "*.jsonl"),
		"no real-world corpus in "+realworldDir+" (../shared must sit beside the repository)",
		func(f realworldFile) error {
			if f.Corpus == "" || f.ID == "" {
				return errors.New("no corpus or id")
			}
			return nil
		})
}

// realworldOutcome is what parsing one file gave.
type realworldOutcome struct {
	res   *Result
	err   error
	panic any
}

// parseWithDeadline parses f on its own goroutine; ok is false if it did
// not finish within the hang limit (the Parser is then abandoned with its
// goroutine, and the caller must make a new one).
func parseWithDeadline(p *Parser, f realworldFile) (out realworldOutcome, ok bool) {
	done := make(chan realworldOutcome, 1)
	go func() {
		var o realworldOutcome
		defer func() {
			if r := recover(); r != nil {
				o.panic = r
			}
			done <- o
		}()
		o.res, o.err = p.Parse(f.SQL, Options{Dialect: f.Dialect, Vars: f.Vars, File: f.ID})
	}()
	timer := time.NewTimer(realworldHang)
	defer timer.Stop()
	select {
	case out = <-done:
		return out, true
	case <-timer.C:
		return realworldOutcome{}, false
	}
}

// realworldClean reports whether a parse is clean: no error, every statement
// parsed. reason says why not.
func realworldClean(o realworldOutcome) (clean bool, reason string) {
	if o.err != nil {
		return false, "error: " + o.err.Error()
	}
	for _, st := range o.res.Statements {
		if st.Confidence != Parsed {
			for _, w := range o.res.Warnings {
				if w.Line == st.Line && strings.HasPrefix(w.Message, "statement ") {
					return false, w.String()
				}
			}
			return false, fmt.Sprintf("line %d: fallback", st.Line)
		}
	}
	return true, ""
}

type realworldTally struct{ files, clean int }

func TestRealWorld(t *testing.T) {
	files := loadRealWorld(t)
	var dump *bufio.Writer
	if *realworldDump != "" {
		fh, err := os.Create(*realworldDump)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		dump = bufio.NewWriter(fh)
		defer dump.Flush()
	}
	tallies := map[string]*realworldTally{}
	fails := map[string][]string{}
	p := New()
	var ms runtime.MemStats
	for i, f := range files {
		tl := tallies[f.Corpus]
		if tl == nil {
			tl = &realworldTally{}
			tallies[f.Corpus] = tl
		}
		tl.files++
		o, ok := parseWithDeadline(p, f)
		if !ok {
			t.Errorf("%s %s: Parse did not finish within %v", f.Corpus, f.ID, realworldHang)
			p = New()
			continue
		}
		if o.panic != nil {
			t.Errorf("%s %s: panic: %v", f.Corpus, f.ID, o.panic)
			p = New()
			continue
		}
		if o.err != nil {
			var pe *Error
			if !errors.As(o.err, &pe) || pe.Line < 1 || pe.Column < 1 || pe.File != f.ID {
				t.Errorf("%s %s: error without file and position: %v", f.Corpus, f.ID, o.err)
			}
		} else if o.res.Reads == nil || o.res.Writes == nil {
			t.Errorf("%s %s: nil reads or writes", f.Corpus, f.ID)
		}
		clean, reason := realworldClean(o)
		if clean {
			tl.clean++
		} else if len(fails[f.Corpus]) < *realworldFails {
			fails[f.Corpus] = append(fails[f.Corpus], f.ID+": "+reason)
		}
		if dump != nil && o.res != nil {
			for _, w := range o.res.Warnings {
				if strings.HasPrefix(w.Message, "statement ") {
					fmt.Fprintf(dump, "%s\t%s\t%s\t%s\n", f.Corpus, f.ID, w.String(), realworldLine(f.SQL, w.Line))
				}
			}
		}
		if dump != nil && o.err != nil {
			fmt.Fprintf(dump, "%s\t%s\tERROR %v\t\n", f.Corpus, f.ID, o.err)
		}
		if i%64 == 63 {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > realworldHeap {
				t.Fatalf("after %s %s: heap in use %d MB, over the %d MB bound", f.Corpus, f.ID, ms.HeapInuse>>20, realworldHeap>>20)
			}
		}
	}

	ratchet := map[string]int{}
	data, err := os.ReadFile(realworldRatchet)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &ratchet); err != nil {
		t.Fatalf("%s: %v", realworldRatchet, err)
	}
	names := make([]string, 0, len(tallies))
	for c := range tallies {
		names = append(names, c)
	}
	sort.Strings(names)
	raised := false
	for _, c := range names {
		tl := tallies[c]
		want, known := ratchet[c]
		t.Logf("%-16s %4d/%4d clean (%5.1f%%), ratchet %d", c, tl.clean, tl.files, 100*float64(tl.clean)/float64(tl.files), want)
		for _, r := range fails[c] {
			t.Logf("    %s", r)
		}
		switch {
		case !known:
			t.Errorf("corpus %s has no entry in %s (clean count now %d)", c, realworldRatchet, tl.clean)
		case tl.clean < want:
			t.Errorf("corpus %s: %d files parse clean, fewer than the ratchet's %d", c, tl.clean, want)
		case tl.clean > want:
			raised = true
		}
	}
	for c := range ratchet {
		if tallies[c] == nil {
			t.Errorf("%s names corpus %s, which has no files", realworldRatchet, c)
		}
	}
	if raised && *realworldUpdate && !t.Failed() {
		for _, c := range names {
			ratchet[c] = max(ratchet[c], tallies[c].clean)
		}
		out, err := json.MarshalIndent(ratchet, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(realworldRatchet, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("ratchet raised in %s", realworldRatchet)
	} else if raised {
		t.Logf("clean counts went up: raise the ratchet in %s to the counts above (go test ./parser -run TestRealWorld -realworld.update)", realworldRatchet)
	}
}

// realworldLine returns the statement's first line of text, for the dump.
func realworldLine(sql string, line int) string {
	lines := strings.SplitN(sql, "\n", line+1)
	if line < 1 || line > len(lines) {
		return ""
	}
	s := strings.TrimSpace(lines[line-1])
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.ReplaceAll(s, "\t", " ")
}

// TestFallbackSuperset: for every statement of the real-world corpora that
// TiDB parses, the token fallback run on the same statement finds every
// table the parse found (a fallback may be less sure, never lose a table).
func TestFallbackSuperset(t *testing.T) {
	files := loadRealWorld(t)
	type miss struct{ corpus, id, kind, table, side string }
	var misses []miss
	var checked int
	var cur realworldFile
	debugFallback = func(s *stmt, pr, pw, fr, fw []tname) {
		checked++
		has := func(list []tname, n tname) bool {
			for _, x := range list {
				if x.s == n.s {
					return true
				}
			}
			return false
		}
		for _, n := range pr {
			// A name that is also a CTE of the statement: the parse knows
			// the CTE's scope (a CTE defined inside a subquery is not
			// visible outside it), the fallback drops the name everywhere.
			if s.ctes[n.s] {
				continue
			}
			if !has(fr, n) && !has(fw, n) {
				misses = append(misses, miss{cur.Corpus, cur.ID, s.kind, n.s, "read"})
			}
		}
		for _, n := range pw {
			if !has(fw, n) && !has(fr, n) {
				misses = append(misses, miss{cur.Corpus, cur.ID, s.kind, n.s, "written"})
			}
		}
	}
	defer func() { debugFallback = nil }()
	p := New()
	for _, f := range files {
		cur = f
		if o, ok := parseWithDeadline(p, f); !ok || o.panic != nil {
			t.Fatalf("%s %s: hang or panic", f.Corpus, f.ID)
		}
	}
	if checked == 0 {
		t.Fatal("no statement checked")
	}
	t.Logf("%d parsed statements checked, %d tables missed by the fallback", checked, len(misses))
	for i, m := range misses {
		if i == 40 {
			t.Logf("...")
			break
		}
		t.Errorf("%s %s: the fallback misses %s table %s of a %s statement", m.corpus, m.id, m.side, m.table, m.kind)
	}
}

// BenchmarkRealWorld parses every real-world file (MB/s of SQL), for the
// comparison with sqlglot in BENCHMARKS.md (testdata/sqlglot_realworld.py
// measures sqlglot on the same files).
func BenchmarkRealWorld(b *testing.B) {
	files := loadRealWorld(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.SQL))
	}
	p := New()
	b.SetBytes(size)
	b.ReportAllocs()
	c0 := processCPU()
	for b.Loop() {
		for _, f := range files {
			p.Parse(f.SQL, Options{Dialect: f.Dialect, Vars: f.Vars, File: f.ID})
		}
	}
	// Process CPU time (the garbage collector's threads included), which a
	// loaded machine disturbs less than wall time.
	if cpu := processCPU() - c0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}
