package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/ingest"
)

// BenchmarkIngest ingests a synthetic repository into SQLite: cold (an
// empty store) and with no change. INGEST_BENCH_JOBS sets its size (default
// 2000); BENCHMARKS.md records the 100k-script run.
//
//	INGEST_BENCH_JOBS=100000 go test ./ingest -run '^$' -bench Ingest -benchtime 1x
func BenchmarkIngest(b *testing.B) {
	n := 2000
	if s := os.Getenv("INGEST_BENCH_JOBS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("INGEST_BENCH_JOBS=%q: want a positive number", s)
		}
	}
	dir := MustSynthRepo(b, n)
	run := func(b *testing.B, db string) *ingest.Summary {
		st, err := sqlite.Open(db)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		s, err := (&ingest.Ingester{Graph: st}).Run(context.Background(), dir, ingest.Options{Source: "synth"})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	b.Run("cold", func(b *testing.B) {
		for i := range b.N {
			s := run(b, filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
			if len(s.Added) != n {
				b.Fatalf("added %d of %d (failed %d)", len(s.Added), n, len(s.Failed))
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
	b.Run("unchanged", func(b *testing.B) {
		db := filepath.Join(b.TempDir(), "warm.db")
		run(b, db)
		b.ResetTimer()
		for range b.N {
			if s := run(b, db); s.Unchanged != n {
				b.Fatalf("unchanged %d of %d", s.Unchanged, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
}
