package parser

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	tidb "github.com/pingcap/tidb/pkg/parser"
)

type benchInput struct {
	sql, dialect string
	stmts        int
}

// benchInputs returns the corpus scripts and the golden job scripts; with
// parsable set, only those that TiDB parses as they are (so that the raw
// parse is not flattered by quick failures).
func benchInputs(tb testing.TB, parsable bool) (in []benchInput, bytes int64, stmts int) {
	p := New()
	raw := tidb.New()
	add := func(sql, dialect string) {
		if parsable {
			if _, _, err := raw.ParseSQL(sql); err != nil {
				return
			}
		}
		res, err := p.Parse(sql, Options{Dialect: dialect})
		n := 1
		if err == nil {
			n = len(res.Statements)
		}
		in = append(in, benchInput{sql, dialect, n})
		bytes += int64(len(sql))
		stmts += n
	}
	for _, c := range loadCorpus(tb) {
		add(c.SQL, c.Dialect)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "scripts", "*.sql"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		add(string(src), scriptOptions(f, string(src)).Dialect)
	}
	return in, bytes, stmts
}

func runOurs(p *Parser, in []benchInput) {
	for _, c := range in {
		p.Parse(c.sql, Options{Dialect: c.dialect})
	}
}

func runRaw(p *tidb.Parser, in []benchInput) {
	for _, c := range in {
		p.ParseSQL(c.sql)
	}
}

// BenchmarkParse measures extraction (lineage) beside TiDB's raw ParseSQL
// of the same scripts, on all inputs and on those TiDB parses unchanged.
func BenchmarkParse(b *testing.B) {
	for _, set := range []struct {
		name     string
		parsable bool
	}{{"all", false}, {"tidb-parsable", true}} {
		in, size, stmts := benchInputs(b, set.parsable)
		b.Run("lineage/"+set.name, func(b *testing.B) {
			p := New()
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				runOurs(p, in)
			}
			b.ReportMetric(float64(stmts)*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
		})
		b.Run("tidb/"+set.name, func(b *testing.B) {
			p := tidb.New()
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				runRaw(p, in)
			}
			b.ReportMetric(float64(stmts)*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
		})
	}
}

// BenchmarkRatio reports our speed as a fraction of TiDB's raw parse speed
// on the same scripts (1.0 = as fast; the target is at least 0.7),
// alternating the two so that machine noise hits both alike:
// "speed-ratio" from wall time, "cpu-ratio" from the process's CPU time,
// which other processes on a shared machine disturb much less.
func BenchmarkRatio(b *testing.B) {
	for _, set := range []struct {
		name     string
		parsable bool
	}{{"all", false}, {"tidb-parsable", true}} {
		in, _, _ := benchInputs(b, set.parsable)
		b.Run(set.name, func(b *testing.B) {
			p, raw := New(), tidb.New()
			var ours, theirs, oursCPU, theirsCPU time.Duration
			for b.Loop() {
				c0, t0 := processCPU(), time.Now()
				runOurs(p, in)
				c1, t1 := processCPU(), time.Now()
				runRaw(raw, in)
				theirsCPU += processCPU() - c1
				theirs += time.Since(t1)
				ours += t1.Sub(t0)
				oursCPU += c1 - c0
			}
			b.ReportMetric(float64(theirs)/float64(ours), "speed-ratio")
			if oursCPU > 0 {
				b.ReportMetric(float64(theirsCPU)/float64(oursCPU), "cpu-ratio")
			}
		})
	}
}
