package graphtest

import (
	"context"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/synth"
)

// BenchColumnReads measures the column-scoped impact (lineage
// ComputeColumnImpact, default depth) of one column of typical tables and
// of the hub, beside the table-level impact of the same tables in the same
// run. s must hold w, generated with Config.Columns > 0. Each reports p50
// and p99 latency in ms and the owners found per query.
func BenchColumnReads(b *testing.B, s interface {
	lineage.GraphStore
	lineage.ColumnStore
}, w *synth.Warehouse) {
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
	queries := []struct {
		name   string
		tables []string
		run    func(t string) (int, error)
	}{
		{"Table/Typical", typical, tableImpact},
		{"Column/Typical", typical, columnImpact},
		{"Table/Hub", []string{hub}, tableImpact},
		{"Column/Hub", []string{hub}, columnImpact},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			lat, owners := timeQueries(b, q.name, q.tables, q.run)
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
			b.ReportMetric(float64(owners)/float64(len(lat)), "owners/op")
			b.ReportMetric(0, "ns/op")
		})
	}
}
