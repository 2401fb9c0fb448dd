package graphtest

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

// ColumnGraph is a store with column lineage, as BenchColumnReads reads it.
type ColumnGraph interface {
	lineage.GraphStore
	lineage.ColumnStore
}

// BenchColumnReads measures the column-scoped impact (lineage
// ComputeColumnImpact, default depth) of one column of typical tables and
// of the hub, beside the table-level impact of the same tables in the same
// run. setup returns a store holding w, generated with Config.Columns > 0;
// it runs once, when the first sub-benchmark that -bench selects starts, so
// that a pattern such as 'Reads/Impact' that names this benchmark but none
// of its sub-benchmarks does not build (or load) the column warehouse. The
// store is closed at the end when it is an io.Closer. Each reports p50 and
// p99 latency in ms and the owners found per query.
func BenchColumnReads(b *testing.B, setup func(b *testing.B) (ColumnGraph, *synth.Warehouse)) {
	var once sync.Once
	var queries map[string]columnQuery
	var store ColumnGraph
	defer func() {
		if c, ok := store.(io.Closer); ok {
			c.Close()
		}
	}()
	for _, name := range []string{"Table/Typical", "Column/Typical", "Table/Hub", "Column/Hub"} {
		b.Run(name, func(b *testing.B) {
			once.Do(func() { store, queries = columnQueries(b, setup) })
			q, ok := queries[name]
			if !ok {
				b.Fatal("the column benchmark's setup failed in an earlier sub-benchmark")
			}
			lat, owners := timeQueries(b, name, q.tables, q.run)
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
			b.ReportMetric(float64(owners)/float64(len(lat)), "owners/op")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// columnQuery is one query of BenchColumnReads: the tables it rotates over
// and what it runs for each.
type columnQuery struct {
	tables []string
	run    func(t string) (int, error)
}

// columnQueries runs setup and returns its store and BenchColumnReads'
// queries by name.
func columnQueries(b *testing.B, setup func(b *testing.B) (ColumnGraph, *synth.Warehouse)) (ColumnGraph, map[string]columnQuery) {
	s, w := setup(b)
	if w.Config.Columns <= 0 {
		b.Fatal("the warehouse has no columns: generate it with Config.Columns > 0")
	}
	ctx := context.Background()
	idx := make(map[string]int, len(w.Tables))
	for i, t := range w.Tables {
		idx[t] = i
	}
	// The column to change: the first column past the common ones, as a
	// migration of a business column would.
	column := func(t string) string { return w.TableColumns(idx[t])[min(4, w.Config.Columns-1)] }
	typical, hub := w.Typical(50), w.Hub()
	tableImpact := func(t string) (int, error) {
		im, err := s.Impact(ctx, t, 0)
		if err != nil {
			return 0, err
		}
		return len(im.Owners), nil
	}
	columnImpact := func(t string) (int, error) {
		im, err := lineage.ComputeColumnImpact(ctx, s, s, t, []string{column(t)}, 0)
		if err != nil {
			return 0, err
		}
		return len(im.Owners), nil
	}
	return s, map[string]columnQuery{
		"Table/Typical":  {typical, tableImpact},
		"Column/Typical": {typical, columnImpact},
		"Table/Hub":      {[]string{hub}, tableImpact},
		"Column/Hub":     {[]string{hub}, columnImpact},
	}
}
