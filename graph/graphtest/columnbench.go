package graphtest

import (
	"context"
	"slices"
	"testing"
	"time"

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
	queries := []struct {
		name   string
		tables []string
		run    func(t string) (int, error)
	}{
		{"Table/Typical", typical, func(t string) (int, error) {
			im, err := s.Impact(ctx, t, 0)
			if err != nil {
				return 0, err
			}
			return len(im.Owners), nil
		}},
		{"Column/Typical", typical, func(t string) (int, error) {
			im, err := lineage.ComputeColumnImpact(ctx, s, s, t, []string{column(t)}, 0)
			if err != nil {
				return 0, err
			}
			return len(im.Owners), nil
		}},
		{"Table/Hub", []string{hub}, func(t string) (int, error) {
			im, err := s.Impact(ctx, t, 0)
			if err != nil {
				return 0, err
			}
			return len(im.Owners), nil
		}},
		{"Column/Hub", []string{hub}, func(t string) (int, error) {
			im, err := lineage.ComputeColumnImpact(ctx, s, s, t, []string{column(t)}, 0)
			if err != nil {
				return 0, err
			}
			return len(im.Owners), nil
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var lat []time.Duration
			owners := 0
			for i := 0; b.Loop(); i++ {
				t := q.tables[i%len(q.tables)]
				start := time.Now()
				n, err := q.run(t)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatalf("%s %s: %v", q.name, t, err)
				}
				owners += n
			}
			slices.Sort(lat)
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
			b.ReportMetric(float64(owners)/float64(len(lat)), "owners/op")
			b.ReportMetric(0, "ns/op")
		})
	}
}
