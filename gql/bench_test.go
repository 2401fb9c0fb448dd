package gql_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/index"
	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/graph/synth"
)

// BenchmarkLineage measures one GraphQL lineage query in process, the one
// bench/loadtest.sh sends (over the same 10k-table synthetic warehouse,
// indexed as `lineage serve` serves it), without HTTP transport. For
// profiling the handler:
//
//	go test ./gql -run '^$' -bench Lineage -benchtime 3000x -cpuprofile /tmp/cpu.prof
func BenchmarkLineage(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "synth.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w := synth.Generate(synth.Config{Seed: 1, Tables: 10000, Jobs: 30000, Owners: 1000})
	if err := st.PutOwners(ctx, w.Owners); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(w.Jobs); i += 5000 {
		if err := st.PutJobs(ctx, w.Jobs[i:min(i+5000, len(w.Jobs))]); err != nil {
			b.Fatal(err)
		}
	}
	x, err := index.Open(ctx, st, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	handlers := map[string]http.Handler{
		"Direct": gql.NewHandler(gql.Config{Graph: x}),
		"Gqlgen": gql.NewHandler(gql.Config{Graph: x, NoDirect: true}),
	}
	tables := w.Typical(64)
	const query = `query($t: String!, $d: Int, $l: Int) { lineage(table: $t, direction: DOWNSTREAM, depth: $d, limit: $l) { truncated tables { name } jobs { id owner { handle } } edges { job table kind } } }`
	for _, shape := range []struct{ depth, limit int }{{1, 500}, {2, 100}} {
		for _, exec := range []string{"Direct", "Gqlgen"} {
			h := handlers[exec]
			b.Run(fmt.Sprintf("Depth%d/%s", shape.depth, exec), func(b *testing.B) {
				bytes := 0
				for i := 0; b.Loop(); i++ {
					body := fmt.Sprintf(`{"query":%q,"variables":{"t":%q,"d":%d,"l":%d}}`, query, tables[i%len(tables)], shape.depth, shape.limit)
					req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
						b.Fatalf("%d %s", rec.Code, rec.Body.String())
					}
					bytes += rec.Body.Len()
				}
				b.ReportMetric(float64(bytes)/float64(b.N), "B/answer")
			})
		}
	}
}
