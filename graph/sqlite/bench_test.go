package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/index"
	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/graph/synth"
)

// BenchCacheEnv names a directory where built benchmark databases are kept
// across runs. Without it they live in a temporary directory removed when
// the test binary exits.
const BenchCacheEnv = "LINEAGE_BENCH_CACHE"

var (
	benchDirOnce sync.Once
	benchDir     string
	benchDirErr  error
	benchDBMu    sync.Mutex
	benchDBs     = map[synth.Config]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" && os.Getenv(BenchCacheEnv) == "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB returns the path of a database holding the warehouse of cfg,
// building it the first time (once per process, or once per cache
// directory when BenchCacheEnv is set).
func benchDB(b *testing.B, cfg synth.Config) string {
	b.Helper()
	benchDirOnce.Do(func() {
		if benchDir = os.Getenv(BenchCacheEnv); benchDir != "" {
			benchDirErr = os.MkdirAll(benchDir, 0o755)
			return
		}
		benchDir, benchDirErr = os.MkdirTemp("", "lineage-bench-")
	})
	if benchDirErr != nil {
		b.Fatal(benchDirErr)
	}
	benchDBMu.Lock()
	defer benchDBMu.Unlock()
	if p, ok := benchDBs[cfg]; ok {
		return p
	}
	path := filepath.Join(benchDir, fmt.Sprintf("synth-s%d-t%d-j%d-o%d-l%d-c%d.db", cfg.Seed, cfg.Tables, cfg.Jobs, cfg.Owners, cfg.Layers, cfg.Columns))
	done := path + ".done"
	if _, err := os.Stat(done); err != nil {
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		s, err := sqlite.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		w := graphtest.BenchWarehouse(cfg)
		took, err := graphtest.Load(context.Background(), s, w)
		if err != nil {
			b.Fatal(err)
		}
		edges := 0
		for _, j := range w.Jobs {
			edges += len(j.Reads) + len(j.Writes)
		}
		b.Logf("built %s: %d jobs, %d edges in %v (%.0f jobs/s, %.0f edges/s)", filepath.Base(path), len(w.Jobs), edges,
			took.Round(time.Millisecond), float64(len(w.Jobs))/took.Seconds(), float64(edges)/took.Seconds())
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	benchDBs[cfg] = path
	return path
}

// BenchmarkPut measures PutJobs throughput into a growing store, batches of
// graphtest.LoadBatch jobs of the benchmark warehouse.
func BenchmarkPut(b *testing.B) {
	w := graphtest.BenchWarehouse(graphtest.BenchConfig())
	graphtest.BenchPut(b, func(tb testing.TB) lineage.GraphStore { return MustOpen(tb) }, w)
}

// BenchmarkReads measures walk and impact latency on the benchmark
// warehouse (LINEAGE_BENCH_SIZE=full|small) against an in-memory BFS.
//
//	go test ./graph/sqlite -run '^$' -bench Reads -benchtime 200x
func BenchmarkReads(b *testing.B) {
	cfg := graphtest.BenchConfig()
	path := benchDB(b, cfg)
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	graphtest.BenchReads(b, s, graphtest.BenchWarehouse(cfg))
}

// BenchmarkIndexReads is BenchmarkReads with graph/index answering walks
// and impacts from memory, on the same database and warehouse.
//
//	go test ./graph/sqlite -run '^$' -bench 'IndexReads' -benchtime 200x
func BenchmarkIndexReads(b *testing.B) {
	cfg := graphtest.BenchConfig()
	path := benchDB(b, cfg)
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	x, err := index.Open(context.Background(), s, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	graphtest.BenchReads(b, x, graphtest.BenchWarehouse(cfg))
}

// BenchmarkIndexBuild measures building graph/index from the benchmark
// database: the time to load it and the heap it holds afterwards.
//
//	go test ./graph/sqlite -run '^$' -bench 'IndexBuild' -benchtime 3x
func BenchmarkIndexBuild(b *testing.B) {
	cfg := graphtest.BenchConfig()
	path := benchDB(b, cfg)
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	graphtest.BenchIndexBuild(b, func() (any, error) { return index.Open(context.Background(), s, index.Options{}) })
}

// BenchmarkColumnReads measures the column-scoped impact of one column
// beside the table-level impact, on the benchmark warehouse with 20 columns
// a table, and logs the database size with and without columns.
//
//	go test ./graph/sqlite -run '^$' -bench ColumnReads -benchtime 200x
func BenchmarkColumnReads(b *testing.B) {
	graphtest.BenchColumnReads(b, func(b *testing.B) (graphtest.ColumnGraph, *synth.Warehouse) {
		cfg := graphtest.BenchConfig()
		cfg.Columns = 20
		path := benchDB(b, cfg)
		plain := benchDB(b, graphtest.BenchConfig())
		for _, p := range []string{plain, path} {
			if st, err := os.Stat(p); err == nil {
				b.Logf("%s: %.1f MB", filepath.Base(p), float64(st.Size())/1e6)
			}
		}
		s, err := sqlite.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		w := graphtest.BenchWarehouse(cfg)
		refs, flows := w.ColumnStats()
		b.Logf("%d column uses, %d column flow edges", refs, flows)
		return s, w
	})
}
