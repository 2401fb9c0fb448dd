package neo4j

import (
	"context"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/index"
	"github.com/lineagehq/lineage/graph/synth"
)

// BenchmarkPut measures PutJobs throughput into a growing store, batches of
// graphtest.LoadBatch jobs of the benchmark warehouse. It empties the
// database at NEO4J_TEST_URI first.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7687 go test ./graph/neo4j -run '^$' -bench Put -benchtime 100x
func BenchmarkPut(b *testing.B) {
	w := graphtest.BenchWarehouse(graphtest.BenchConfig())
	graphtest.BenchPut(b, func(tb testing.TB) lineage.GraphStore { return MustOpen(tb) }, w)
}

// BenchmarkReads measures walk and impact latency on the benchmark
// warehouse (LINEAGE_BENCH_SIZE=full|small) against an in-memory BFS. It
// loads the warehouse into the database at NEO4J_TEST_URI unless the
// database already holds exactly that warehouse (so a second run skips the
// load), logging the load's throughput.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7687 go test ./graph/neo4j -run '^$' -bench Reads -benchtime 200x -timeout 60m
func BenchmarkReads(b *testing.B) {
	s, w := benchStore(b)
	b.ResetTimer()
	graphtest.BenchReads(b, s, w)
}

// BenchmarkIndexReads is BenchmarkReads with graph/index answering walks
// and impacts from memory, kept current by the store's graph version.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7687 go test ./graph/neo4j -run '^$' -bench IndexReads -benchtime 200x -timeout 60m
func BenchmarkIndexReads(b *testing.B) {
	s, w := benchStore(b)
	start := time.Now()
	x, err := index.Open(context.Background(), s, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("index built in %v", time.Since(start).Round(time.Millisecond))
	b.ResetTimer()
	graphtest.BenchReads(b, x, w)
}

// benchStore opens the store at NEO4J_TEST_URI holding the benchmark
// warehouse, loading it unless the database holds it already.
func benchStore(b *testing.B) (*Store, *synth.Warehouse) {
	cfg := graphtest.BenchConfig()
	w := graphtest.BenchWarehouse(cfg)
	ctx := context.Background()
	s, err := Open(ctx, testConfig(b))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	edges := 0
	for _, j := range w.Jobs {
		edges += len(j.Reads) + len(j.Writes)
	}
	have, err := s.Counts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	st := w.Stats()
	if have.Jobs != len(w.Jobs) || have.Edges != edges {
		b.Logf("loading the warehouse (%d tables, %d jobs, %d edges); the database held %+v", st.Tables, len(w.Jobs), edges, have)
		MustClear(b, s)
		took, err := graphtest.Load(ctx, s, w)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d jobs, %d edges in %v (%.0f jobs/s, %.0f edges/s)", len(w.Jobs), edges,
			took.Round(time.Millisecond), float64(len(w.Jobs))/took.Seconds(), float64(edges)/took.Seconds())
	}
	return s, w
}

// BenchmarkColumnReads measures the column-scoped impact of one column
// beside the table-level impact (graphtest.BenchColumnReads) on the
// benchmark warehouse with 20 columns a table, loading it into the database
// at NEO4J_TEST_URI unless the database already holds it.
//
//	NEO4J_TEST_URI=bolt://127.0.0.1:7687 go test ./graph/neo4j -run '^$' -bench ColumnReads -benchtime 200x -timeout 120m
func BenchmarkColumnReads(b *testing.B) {
	graphtest.BenchColumnReads(b, func(b *testing.B) (graphtest.ColumnGraph, *synth.Warehouse) {
		cfg := graphtest.BenchConfig()
		cfg.Columns = 20
		w := graphtest.BenchWarehouse(cfg)
		ctx := context.Background()
		s, err := Open(ctx, testConfig(b))
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		have, err := s.Counts(ctx)
		if err != nil {
			b.Fatal(err)
		}
		loaded := have.Jobs == len(w.Jobs)
		if loaded {
			cols, err := s.Columns(ctx, w.Jobs[0].Reads[0])
			loaded = err == nil && len(cols) > 0
		}
		refs, flows := w.ColumnStats()
		if !loaded {
			b.Logf("loading the warehouse with columns (%d jobs, %d column uses, %d column flow edges); the database held %+v", len(w.Jobs), refs, flows, have)
			MustClear(b, s)
			took, err := graphtest.Load(ctx, s, w)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("loaded in %v (%.0f jobs/s)", took.Round(time.Millisecond), float64(len(w.Jobs))/took.Seconds())
		}
		return s, w
	})
}
