package gql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql"
)

// TestDirectSameAsGqlgen sends the same requests to a handler that answers
// plain lineage walks itself (direct.go) and to one that runs everything
// through gqlgen's executor, and requires the same status, content type and
// body, byte for byte; and that direct answered the walks it should, and
// nothing else.
func TestDirectSameAsGqlgen(t *testing.T) {
	g := MustOpenGraph(t)
	ctx := context.Background()
	// Strings that JSON must escape, twice: once as gqlgen escapes a
	// string, once as encoding/json then escapes HTML and line separators.
	odd := lineage.JobPut{
		Job: lineage.Job{ID: "odd/<job> & \"q\"", Source: "src\\\t\u2028\u2029", Path: "p\x01\x1f\n\r.sql",
			Dialect: "spark", Hash: "h\xff\xfeinvalid-utf8 é 漢 🙂", Owner: "odd"},
		Reads:     []string{"dws.revenue_daily"},
		Writes:    []string{"mkt.odd"},
		OwnerInfo: lineage.Owner{Handle: "odd", Email: "<odd>&@shop.example", JiraUser: "\"quoted\"", Team: "équipe\u2028"},
	}
	if err := g.PutJobs(ctx, []lineage.JobPut{odd}); err != nil {
		t.Fatal(err)
	}
	withDirect := gql.NewHandler(gql.Config{Graph: g})
	viaGqlgen := gql.NewHandler(gql.Config{Graph: g, NoDirect: true})

	const all = `root { name __typename } direction depth truncated __typename
		tables { name __typename } owners { handle email jiraUser team __typename }
		jobs { id source path dialect hash __typename owner { handle email jiraUser team __typename } }
		edges { job table kind __typename }`
	type req struct {
		query  string
		vars   map[string]any
		op     string
		direct bool // direct should answer it
	}
	reqs := []req{
		// The load test's query.
		{query: `query($t: String!, $d: Int, $l: Int) { lineage(table: $t, direction: DOWNSTREAM, depth: $d, limit: $l) { truncated tables { name } jobs { id owner { handle } } edges { job table kind } } }`,
			vars: map[string]any{"t": "raw.orders", "d": 2, "l": 100}, direct: true},
		{query: `{ lineage(table: "raw.orders") { ` + all + ` } }`, direct: true},
		{query: `{ lineage(table: "raw.orders", limit: 100000, depth: 50) { tables { name } } }`, direct: true},
		{query: `{ lineage(table: " RAW.Orders ", depth: 1) { ` + all + ` } }`, direct: true},
		{query: `{ w: lineage(table: "mkt.odd", direction: UPSTREAM, depth: 5) { a: tables { b: name } j: jobs { k: owner { l: email m: team n: jiraUser } p: path s: source h: hash i: id } e: edges { x: kind y: job z: table } t: truncated } }`, direct: true},
		{query: `{ lineage(table: "ods.orders", direction: BOTH, limit: 2) { ` + all + ` } }`, direct: true},
		{query: `query($d: Direction) { lineage(table: "ods.customers", direction: $d) { ` + all + ` } }`, vars: map[string]any{"d": "UPSTREAM"}, direct: true},
		{query: `query($d: Int, $l: Int) { lineage(table: "ods.customers", depth: $d, limit: $l) { ` + all + ` } }`, vars: map[string]any{"d": nil}, direct: true},
		{query: `query A { counts { tables } } query B { lineage(table: "raw.orders") { tables { name } } }`, op: "B", direct: true},
		// Errors: gqlgen reports them, after direct gave way.
		{query: `{ lineage(table: "") { tables { name } } }`},
		{query: `{ lineage(table: "raw.orders", depth: 51) { tables { name } } }`},
		{query: `{ lineage(table: "raw.orders", limit: -1) { tables { name } } }`},
		{query: `query($t: String!) { lineage(table: $t) { tables { name } } }`, vars: map[string]any{"t": 7}},
		{query: `{ lineage(table: "raw.orders") { tables { nam } } }`},
		{query: `{ lineage(table: "no.such_table") { ` + all + ` } }`},
		// Not plain: gqlgen answers.
		{query: `{ lineage(table: "raw.orders") { tables { ...T } } } fragment T on Table { name }`},
		{query: `{ lineage(table: "raw.orders") { tables { ... on Table { name } } } }`},
		{query: `{ lineage(table: "raw.orders") { tables { name @include(if: true) } } }`},
		{query: `{ lineage(table: "raw.orders") { tables { name } tables { name } } }`},
		{query: `{ lineage(table: "raw.orders") { tables { name readers { id } } } }`},
		{query: `{ lineage(table: "raw.orders") { nodes { __typename } } }`},
		{query: `{ lineage(table: "raw.orders") { jobs { id script } } }`},
		{query: `{ lineage(table: "raw.orders") { owners { jobs { id } } } }`},
		{query: `{ lineage(table: "raw.orders") { root { downstream(depth: 1) { tables { name } } } } }`},
		{query: `{ a: lineage(table: "raw.orders") { truncated } b: lineage(table: "ods.orders") { truncated } }`},
		{query: `{ counts { tables } }`},
		{query: `mutation { startCampaign(input: {table: "raw.orders", title: "x"}) { campaign { id } } }`},
	}
	// The depth and complexity limits hold before direct is asked.
	limited := []http.Handler{
		gql.NewHandler(gql.Config{Graph: g, MaxDepth: 2, MaxComplexity: 40}),
		gql.NewHandler(gql.Config{Graph: g, MaxDepth: 2, MaxComplexity: 40, NoDirect: true}),
	}
	for _, q := range []string{
		`{ lineage(table: "raw.orders") { jobs { owner { handle } } } }`,
		`{ lineage(table: "raw.orders", depth: 50, limit: 100000) { tables { name } } }`,
	} {
		body, _ := json.Marshal(map[string]any{"query": q})
		var got [2]*httptest.ResponseRecorder
		for i, h := range limited {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			got[i] = httptest.NewRecorder()
			h.ServeHTTP(got[i], req)
		}
		if got[0].Code != got[1].Code || !bytes.Equal(got[0].Body.Bytes(), got[1].Body.Bytes()) || !bytes.Contains(got[0].Body.Bytes(), []byte(`"errors"`)) {
			t.Errorf("%s over the limits:\ndirect: %d %s\ngqlgen: %d %s", q, got[0].Code, got[0].Body, got[1].Code, got[1].Body)
		}
	}
	if n := gql.DirectServed(limited[0]); n != 0 {
		t.Errorf("direct answered %d operations over the limits", n)
	}

	want := int64(0)
	for _, r := range reqs {
		body, _ := json.Marshal(map[string]any{"query": r.query, "variables": r.vars, "operationName": r.op})
		send := func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		before := gql.DirectServed(withDirect)
		a, b := send(withDirect), send(viaGqlgen)
		served := gql.DirectServed(withDirect) - before
		if a.Code != b.Code || a.Header().Get("Content-Type") != b.Header().Get("Content-Type") || !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
			t.Errorf("%s\ndirect: %d %s %s\ngqlgen: %d %s %s", r.query, a.Code, a.Header().Get("Content-Type"), a.Body, b.Code, b.Header().Get("Content-Type"), b.Body)
		}
		if r.direct != (served == 1) {
			t.Errorf("%s: direct answered %d times, want direct=%v (%s)", r.query, served, r.direct, a.Body)
		}
		if r.direct {
			want++
		}
	}
	// GET goes through the same executor.
	get := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ lineage(table: "raw.orders") { tables { name } } }`), nil)
	rec := httptest.NewRecorder()
	withDirect.ServeHTTP(rec, get)
	if want++; rec.Code != http.StatusOK || gql.DirectServed(withDirect) != want {
		t.Errorf("GET: %d %s, direct answered %d of %d", rec.Code, rec.Body, gql.DirectServed(withDirect), want)
	}
}
