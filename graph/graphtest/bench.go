package graphtest

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

// BenchSizeEnv selects the warehouse of the benchmarks: "full" (the
// default: 100k tables, 300k jobs) or "small" (10k tables, 30k jobs, also
// chosen by -short).
const BenchSizeEnv = "LINEAGE_BENCH_SIZE"

// BenchConfig returns the warehouse config the benchmarks use, from
// BenchSizeEnv and -short.
func BenchConfig() synth.Config {
	if os.Getenv(BenchSizeEnv) == "small" || os.Getenv(BenchSizeEnv) == "" && testing.Short() {
		return synth.Config{Seed: 1, Tables: 10_000, Jobs: 30_000, Owners: 300, Layers: 6}
	}
	return synth.Config{Seed: 1, Tables: 100_000, Jobs: 300_000, Owners: 300, Layers: 6}
}

var (
	warehouseMu sync.Mutex
	warehouses  = map[synth.Config]*synth.Warehouse{}
)

// BenchWarehouse returns the warehouse for cfg, generated once per process.
func BenchWarehouse(cfg synth.Config) *synth.Warehouse {
	warehouseMu.Lock()
	defer warehouseMu.Unlock()
	w := warehouses[cfg]
	if w == nil {
		w = synth.Generate(cfg)
		warehouses[cfg] = w
	}
	return w
}

// LoadBatch is how many jobs Load puts per PutJobs call.
const LoadBatch = 1000

// Load puts every job and owner of w into s, LoadBatch jobs per call, and
// returns how long the jobs took.
func Load(ctx context.Context, s lineage.GraphStore, w *synth.Warehouse) (time.Duration, error) {
	if err := s.PutOwners(ctx, w.Owners); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := 0; i < len(w.Jobs); i += LoadBatch {
		if err := s.PutJobs(ctx, w.Jobs[i:min(i+LoadBatch, len(w.Jobs))]); err != nil {
			return 0, fmt.Errorf("jobs %d..: %w", i, err)
		}
	}
	return time.Since(start), nil
}

// BenchPut measures PutJobs throughput: each iteration puts one batch of
// LoadBatch new jobs of w into the store from open (empty at first), so the
// store grows as a real ingest would. It reports jobs/s and edges/s.
func BenchPut(b *testing.B, open func(tb testing.TB) lineage.GraphStore, w *synth.Warehouse) {
	s := open(b)
	ctx := context.Background()
	if err := s.PutOwners(ctx, w.Owners); err != nil {
		b.Fatal(err)
	}
	jobs, edges := 0, 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		off := (i * LoadBatch) % len(w.Jobs)
		round := (i * LoadBatch) / len(w.Jobs)
		batch := slices.Clone(w.Jobs[off:min(off+LoadBatch, len(w.Jobs))])
		if round > 0 { // past the end of the warehouse: new ids
			for k := range batch {
				batch[k].Job.ID = fmt.Sprintf("r%d/%s", round, batch[k].Job.ID)
			}
		}
		for _, j := range batch {
			edges += len(j.Reads) + len(j.Writes)
		}
		jobs += len(batch)
		b.StartTimer()
		if err := s.PutJobs(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(jobs)/sec, "jobs/s")
	b.ReportMetric(float64(edges)/sec, "edges/s")
}

// BenchReads runs the read benchmarks on s, which must hold w (see Load):
// a downstream walk (default cap and depth) and an impact (default depth)
// from the hub table and from typical tables, and a search for typical
// table names, each beside the same query as a plain BFS (or scan) over
// in-memory slices of w. Each reports p50 and
// p99 latency in ms, the in-memory p50 in µs, and the ratio of the p50s.
// Run with a fixed count for stable percentiles: -benchtime=200x.
func BenchReads(b *testing.B, s lineage.GraphStore, w *synth.Warehouse) {
	mem := NewMemGraph(w)
	typical := w.Typical(50)
	if len(typical) == 0 {
		b.Fatal("the warehouse has no typical table")
	}
	hub := w.Hub()
	ctx := context.Background()
	queries := []struct {
		name   string
		tables []string
		run    func(table string) (int, error)
		mem    func(table string) int
	}{
		{"Downstream/Hub", []string{hub}, walkQuery(ctx, s), mem.walkN},
		{"Downstream/Typical", typical, walkQuery(ctx, s), mem.walkN},
		{"Impact/Hub", []string{hub}, impactQuery(ctx, s), mem.impactN},
		{"Impact/Typical", typical, impactQuery(ctx, s), mem.impactN},
		{"Search", searchTerms(typical), searchQuery(ctx, s), mem.searchN},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			lat, nodes := timeQueries(b, q.name, q.tables, q.run)
			b.StopTimer()
			var memLat []time.Duration
			memNodes := 0
			for i := range max(len(lat), 100) {
				t := q.tables[i%len(q.tables)]
				start := time.Now()
				memNodes += q.mem(t)
				memLat = append(memLat, time.Since(start))
			}
			p50, p99 := percentile(lat, 50), percentile(lat, 99)
			m50 := percentile(memLat, 50)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(float64(m50.Nanoseconds())/1e3, "mem-p50-µs")
			b.ReportMetric(float64(p50)/float64(max(m50, 1)), "x-mem")
			b.ReportMetric(float64(nodes)/float64(len(lat)), "nodes/op")
			b.ReportMetric(0, "ns/op") // latency percentiles say more
			_ = memNodes
		})
	}
}

func walkQuery(ctx context.Context, s lineage.GraphStore) func(string) (int, error) {
	return func(t string) (int, error) {
		g, err := s.Walk(ctx, lineage.WalkFilter{Table: t, Direction: lineage.Downstream})
		if err != nil {
			return 0, err
		}
		return len(g.Tables) + len(g.Jobs), nil
	}
}

func impactQuery(ctx context.Context, s lineage.GraphStore) func(string) (int, error) {
	return func(t string) (int, error) {
		im, err := s.Impact(ctx, t, 0)
		if err != nil {
			return 0, err
		}
		return im.Jobs + im.Tables, nil
	}
}

func searchQuery(ctx context.Context, s lineage.GraphStore) func(string) (int, error) {
	return func(q string) (int, error) {
		p, err := s.Search(ctx, lineage.SearchFilter{Query: q})
		if err != nil {
			return 0, err
		}
		return len(p.Hits), nil
	}
}

// searchTerms returns what a user might type to find each table: the part
// after the schema, less its last two digits ("orders_0001" for
// "dw_sales.orders_000123").
func searchTerms(tables []string) []string {
	var out []string
	for _, t := range tables {
		_, name, _ := strings.Cut(t, ".")
		out = append(out, name[:max(1, len(name)-2)])
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// percentile returns the p-th percentile of d (nearest rank).
// timeQueries runs query over tables in turn for b's loop and returns the
// latency of each call and the sum of what the calls returned.
func timeQueries(b *testing.B, name string, tables []string, query func(string) (int, error)) ([]time.Duration, int) {
	var lat []time.Duration
	total := 0
	for i := 0; b.Loop(); i++ {
		t := tables[i%len(tables)]
		start := time.Now()
		n, err := query(t)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatalf("%s %s: %v", name, t, err)
		}
		total += n
	}
	return lat, total
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

// MemGraph is w as adjacency slices, the baseline the benchmarks compare
// stores against: the fastest a walk can be with the graph in memory.
type MemGraph struct {
	tableIdx map[string]int32
	readers  [][]int32 // table → jobs reading it
	writes   [][]int32 // job → tables it writes
	jobName  []string
	tblName  []string
	owners   []string
}

// NewMemGraph builds the adjacency of w.
func NewMemGraph(w *synth.Warehouse) *MemGraph {
	m := &MemGraph{tableIdx: make(map[string]int32, len(w.Tables)), readers: make([][]int32, len(w.Tables)), tblName: w.Tables}
	for i, t := range w.Tables {
		m.tableIdx[t] = int32(i)
	}
	for _, o := range w.Owners {
		m.owners = append(m.owners, o.Handle)
	}
	m.writes = make([][]int32, len(w.Jobs))
	for j, jp := range w.Jobs {
		m.jobName = append(m.jobName, jp.Job.ID)
		for _, t := range jp.Reads {
			ti := m.tableIdx[strings.ToLower(t)]
			m.readers[ti] = append(m.readers[ti], int32(j))
		}
		for _, t := range jp.Writes {
			m.writes[j] = append(m.writes[j], m.tableIdx[strings.ToLower(t)])
		}
	}
	return m
}

// searchN is a substring search over all table names, job ids and owner
// handles, like Search's first page; it returns the number of hits.
func (m *MemGraph) searchN(q string) int {
	n := 0
	for _, names := range [][]string{m.tblName, m.jobName, m.owners} {
		for _, name := range names {
			if strings.Contains(strings.ToLower(name), q) {
				n++
			}
		}
	}
	return min(n, lineage.DefaultPage)
}

// walkN is a downstream walk with the default depth and node cap; it
// returns the number of nodes reached.
func (m *MemGraph) walkN(table string) int {
	start := m.tableIdx[table]
	seenT := map[int32]bool{start: true}
	seenJ := map[int32]bool{}
	frontier := []int32{start}
	n := 1
	for hop := 1; hop <= lineage.DefaultDepth && len(frontier) > 0; hop++ {
		var next []int32
		for _, t := range frontier {
			for _, j := range m.readers[t] {
				if seenJ[j] {
					continue
				}
				if n == lineage.DefaultNodes {
					return n
				}
				seenJ[j] = true
				n++
				for _, wt := range m.writes[j] {
					if !seenT[wt] {
						seenT[wt] = true
						next = append(next, wt)
					}
				}
			}
		}
		for range next {
			if n == lineage.DefaultNodes {
				return n
			}
			n++
		}
		frontier = next
	}
	return n
}

// impactN is an impact with the default depth; it returns jobs plus
// impacted tables other than the start, like Impact.Jobs + Impact.Tables.
func (m *MemGraph) impactN(table string) int {
	start := m.tableIdx[table]
	hops := map[int32]int{}
	seenT := map[int32]bool{start: true}
	frontier := []int32{start}
	for hop := 1; hop <= lineage.DefaultDepth && len(frontier) > 0; hop++ {
		var next []int32
		for _, t := range frontier {
			for _, j := range m.readers[t] {
				if _, ok := hops[j]; ok {
					continue
				}
				hops[j] = hop
				for _, wt := range m.writes[j] {
					if !seenT[wt] {
						seenT[wt] = true
						next = append(next, wt)
					}
				}
			}
		}
		frontier = next
	}
	return len(hops) + len(seenT) - 1
}

// BenchIndexBuild measures building an in-memory index with build: the
// wall time of each build and the live heap it holds once built (measured
// after a garbage collection, beside the heap before it). It reports
// build-ms and heap-MB.
func BenchIndexBuild(b *testing.B, build func() (any, error)) {
	var total time.Duration
	var heap float64
	n := 0
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		x, err := build()
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
		runtime.KeepAlive(x)
		n++
		b.StartTimer()
	}
	b.ReportMetric(ms(total)/float64(n), "build-ms")
	b.ReportMetric(heap/float64(n), "heap-MB")
	b.ReportMetric(0, "ns/op")
}
