package gql_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// TestColumnQueries runs the column queries over graphtest's column
// warehouse: Table.columns, columnLineage and impact(columns:).
func TestColumnQueries(t *testing.T) {
	g, err := sqlite.Open(filepath.Join(t.TempDir(), "lineage.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	if err := g.PutJobs(context.Background(), graphtest.ColumnWarehouse()); err != nil {
		t.Fatal(err)
	}
	srv := MustServer(t, g, gql.Config{})
	for _, c := range []struct{ name, query, want string }{
		{"columns", `{ table(name: "sales.orders") { columns { name declared jobCount uses { job { id } kind line unresolved } } } }`,
			`{"table":{"columns":[` +
				`{"name":"*","declared":false,"jobCount":1,"uses":[{"job":{"id":"j_star"},"kind":"VALUE","line":1,"unresolved":true}]},` +
				`{"name":"amount","declared":false,"jobCount":1,"uses":[{"job":{"id":"j_value"},"kind":"VALUE","line":2,"unresolved":false}]},` +
				`{"name":"customer_id","declared":false,"jobCount":1,"uses":[{"job":{"id":"j_other"},"kind":"JOIN","line":4,"unresolved":false}]},` +
				`{"name":"id","declared":false,"jobCount":2,"uses":[{"job":{"id":"j_filter"},"kind":"VALUE","line":1,"unresolved":false},{"job":{"id":"j_value"},"kind":"VALUE","line":2,"unresolved":false}]},` +
				`{"name":"status","declared":false,"jobCount":1,"uses":[{"job":{"id":"j_filter"},"kind":"FILTER","line":3,"unresolved":false}]}]}}`},
		{"column lineage", `{ columnLineage(table: "sales.orders", column: "status") { start columns edges { job source target } truncated } }`,
			`{"columnLineage":{"start":"sales.orders.status","columns":["dw.copy.status","sales.orders.status"],` +
				`"edges":[{"job":"j_star","source":"sales.orders.*","target":"dw.copy.*"}],"truncated":false}}`},
		{"column lineage upstream", `{ columnLineage(table: "dw.rev", column: "amount", direction: UPSTREAM) { columns } }`,
			`{"columnLineage":{"columns":["dw.rev.amount","sales.orders.amount"]}}`},
		{"impact of a column", `{ impact(table: "sales.orders", columns: ["status"]) {
			columns derived totals { owners mustAct informed }
			mustAct { owner { handle } role jobs { job { id } role reason uses { name kind line } } }
			mayUse { owner { handle } jobs { job { id } reason } }
			informed { owner { handle } hops }
			spared { handle } } }`,
			`{"impact":{"columns":["status"],"derived":["dw.copy.status"],"totals":{"owners":4,"mustAct":1,"informed":1},` +
				`"mustAct":[{"owner":{"handle":"bob"},"role":"MUST_ACT","jobs":[{"job":{"id":"j_filter"},"role":"MUST_ACT","reason":"uses sales.orders.status (filter)","uses":[{"name":"sales.orders.status","kind":"FILTER","line":3}]}]}],` +
				`"mayUse":[{"owner":{"handle":"carol"},"jobs":[{"job":{"id":"j_star"},"reason":"may use status: it reads sales.orders.* and the table's columns are unknown"}]},` +
				`{"owner":{"handle":"erin"},"jobs":[{"job":{"id":"j_nocols"},"reason":"reads sales.orders but its column lineage is unknown"}]}],` +
				`"informed":[{"owner":{"handle":"gina"},"hops":2}],"spared":[{"handle":"alice"},{"handle":"dave"}]}}`},
		{"table-wide impact has no columns", `{ impact(table: "sales.orders", depth: 1) { columns spared { handle } mustAct { owner { handle } role } } }`,
			`{"impact":{"columns":[],"spared":[],"mustAct":[{"owner":{"handle":"alice"},"role":"MUST_ACT"},{"owner":{"handle":"bob"},"role":"MUST_ACT"},{"owner":{"handle":"carol"},"role":"MUST_ACT"},{"owner":{"handle":"dave"},"role":"MUST_ACT"},{"owner":{"handle":"erin"},"role":"MUST_ACT"}]}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := srv.do(t, c.query, nil, false)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			if string(r.Data) != c.want {
				t.Errorf("got  %s\nwant %s", r.Data, c.want)
			}
		})
	}
	for _, c := range []struct{ name, query, code string }{
		{"no columns", `{ impact(table: "sales.orders", columns: []) { columns } }`, "BAD_USER_INPUT"},
		{"star", `{ impact(table: "sales.orders", columns: ["*"]) { columns } }`, "BAD_USER_INPUT"},
		{"unknown table", `{ table(name: "no.such") { columns { name } } }`, "NOT_FOUND"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := srv.do(t, c.query, nil, false)
			if len(r.Errors) == 0 || r.Errors[0].code() != c.code {
				t.Errorf("got %+v, want a %s error", r.Errors, c.code)
			}
		})
	}
}
