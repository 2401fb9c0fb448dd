package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

// manyNames returns n table names, every third one a repeat of an earlier
// name in other case and with surrounding space, and the distinct
// normalized names in order of first mention.
func manyNames(n int) (names, want []string) {
	for i := range n {
		if i%3 == 2 {
			names = append(names, "  "+strings.ToUpper(names[i-1])+" ")
			continue
		}
		t := fmt.Sprintf("db%d.t%d", i%7, i)
		names = append(names, t)
		want = append(want, t)
	}
	return names, want
}

// TestNormalizeTablesLinear checks the deduplication of a job's tables on
// 150,000 names: the result, and that it looks each name up once (it once
// scanned the names kept so far for each name: 27 s of CPU for one
// OpenLineage event of that size).
func TestNormalizeTablesLinear(t *testing.T) {
	for _, n := range []int{1500, 150_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			names, want := manyNames(n)
			before := dedupLookups.Load()
			got, err := normalizeTables("jobs[0].reads", names)
			if err != nil {
				t.Fatal(err)
			}
			if lookups := dedupLookups.Load() - before; lookups != int64(n) {
				t.Errorf("%d names took %d set lookups, want one per name", n, lookups)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d names, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("name %d: got %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

// TestPutJobsManyTables stores one job reading 150,000 tables (50,000 of
// them named twice) and reads it back.
func TestPutJobsManyTables(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "lineage.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	names, want := manyNames(150_000)
	if err := s.PutJobs(ctx, []lineage.JobPut{{Job: lineage.Job{ID: "big", Source: "ol", Path: "big"}, Reads: names, Writes: []string{"out.t", "OUT.T"}}}); err != nil {
		t.Fatal(err)
	}
	j, err := s.Job(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Reads) != len(want) || len(j.Writes) != 1 || j.Writes[0] != "out.t" {
		t.Fatalf("stored %d reads (want %d) and writes %v", len(j.Reads), len(want), j.Writes)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Tables != len(want)+1 || c.Edges != len(want)+1 {
		t.Fatalf("counts %+v, want %d tables and edges", c, len(want)+1)
	}
}

// BenchmarkNormalizeTables shows the cost per name staying flat as the
// names grow (quadratic deduplication made it grow with n).
func BenchmarkNormalizeTables(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 150_000} {
		names, _ := manyNames(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := normalizeTables("reads", names); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/name")
		})
	}
}
