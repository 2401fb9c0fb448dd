package gql_test

import (
	"context"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// TestImpactOwnerPages checks that owners, mustAct and informed page with
// first and offset, in the order of the whole list.
func TestImpactOwnerPages(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{})
	handles := func(q string) string {
		t.Helper()
		r := srv.do(t, q, nil, false)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", q, r.Errors)
		}
		return string(r.Data)
	}
	all := handles(`{ impact(table: "ods.orders") { owners { owner { handle } } } }`)
	if want := `{"impact":{"owners":[{"owner":{"handle":"bob"}},{"owner":{"handle":"erin"}},{"owner":{"handle":"carol"}},{"owner":{"handle":"dan"}}]}}`; all != want {
		t.Fatalf("all owners = %s, want %s", all, want)
	}
	for _, c := range []struct{ args, want string }{
		{`first: 2`, `[{"owner":{"handle":"bob"}},{"owner":{"handle":"erin"}}]`},
		{`first: 2, offset: 2`, `[{"owner":{"handle":"carol"}},{"owner":{"handle":"dan"}}]`},
		{`offset: 3`, `[{"owner":{"handle":"dan"}}]`},
		{`first: 5, offset: 9`, `[]`},
	} {
		got := handles(`{ impact(table: "ods.orders") { owners(` + c.args + `) { owner { handle } } } }`)
		if want := `{"impact":{"owners":` + c.want + `}}`; got != want {
			t.Errorf("owners(%s) = %s, want %s", c.args, got, want)
		}
	}
	if got, want := handles(`{ impact(table: "ods.orders") { mustAct(offset: 1) { owner { handle } } informed(first: 1) { owner { handle } } } }`),
		`{"impact":{"mustAct":[{"owner":{"handle":"erin"}}],"informed":[{"owner":{"handle":"carol"}}]}}`; got != want {
		t.Errorf("paged mustAct and informed = %s, want %s", got, want)
	}
	for _, c := range []struct{ args, field string }{{`first: 0`, "first"}, {`first: 1001`, "first"}, {`offset: -1`, "offset"}} {
		r := srv.do(t, `{ impact(table: "ods.orders") { owners(`+c.args+`) { hops } } }`, nil, false)
		if len(r.Errors) != 1 || r.Errors[0].code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != c.field {
			t.Errorf("owners(%s): errors %+v, want one BAD_USER_INPUT error on field %s", c.args, r.Errors, c.field)
		}
	}
}

// mustOpenBobThrice returns the fixture graph where bob reads ods.orders
// with three jobs (etl/dwd_orders, etl/dwd_orders_b, etl/dwd_orders_c).
func mustOpenBobThrice(t *testing.T) *sqlite.Store {
	t.Helper()
	g := MustOpenGraph(t)
	if err := g.PutJobs(context.Background(), []lineage.JobPut{
		put("etl/dwd_orders_b", "bob", []string{"ods.orders"}, []string{"dwd.orders_b"}),
		put("etl/dwd_orders_c", "bob", []string{"ods.orders"}, []string{"dwd.orders_c"}),
	}); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestImpactJobPages checks that an owner's jobs page with first and offset
// and that jobCount counts them all.
func TestImpactJobPages(t *testing.T) {
	g := mustOpenBobThrice(t)
	srv := MustServer(t, g, gql.Config{})
	job := func(id string) string { return `{"job":{"id":"` + id + `"}}` }
	for _, c := range []struct{ args, want string }{
		{``, job("etl/dwd_orders") + "," + job("etl/dwd_orders_b") + "," + job("etl/dwd_orders_c")},
		{`(first: 1)`, job("etl/dwd_orders")},
		{`(first: 1, offset: 2)`, job("etl/dwd_orders_c")},
		{`(offset: 1)`, job("etl/dwd_orders_b") + "," + job("etl/dwd_orders_c")},
		{`(offset: 3)`, ``},
	} {
		r := srv.do(t, `{ impact(table: "ods.orders") { owners(first: 1) { owner { handle } jobCount jobs`+c.args+` { job { id } } } } }`, nil, false)
		want := `{"impact":{"owners":[{"owner":{"handle":"bob"},"jobCount":3,"jobs":[` + c.want + `]}]}}`
		if len(r.Errors) > 0 || string(r.Data) != want {
			t.Errorf("jobs%s = %s %+v, want %s", c.args, r.Data, r.Errors, want)
		}
	}
	r := srv.do(t, `{ impact(table: "ods.orders") { owners { jobs(first: 0) { hops } } } }`, nil, false)
	if len(r.Errors) == 0 || r.Errors[0].code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "first" {
		t.Errorf("jobs(first: 0): errors %+v, want BAD_USER_INPUT on field first", r.Errors)
	}
}
