package gql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// testToken is the bearer token of the actor "ci" in these tests.
const testToken = "0123456789abcdef0123"

// fixture is a small warehouse:
//
//	raw.orders -> etl/ods_orders (alice) -> ods.orders
//	ods.orders, ods.customers -> etl/dwd_orders (bob) -> dwd.orders
//	ods.orders -> fin/revenue (erin) -> fin.revenue
//	dwd.orders -> etl/dws_daily (carol) -> dws.revenue_daily
//	dws.revenue_daily -> mkt/funnel (dan) -> mkt.funnel
//	ods.customers -> adhoc/x (no owner) -> sandbox.x
var fixture = []lineage.JobPut{
	withScript(put("etl/ods_orders", "alice", []string{"raw.orders"}, []string{"ods.orders"}), odsOrdersSQL),
	put("etl/dwd_orders", "bob", []string{"ods.orders", "ods.customers"}, []string{"dwd.orders"}),
	put("fin/revenue", "erin", []string{"ods.orders"}, []string{"fin.revenue"}),
	put("etl/dws_daily", "carol", []string{"dwd.orders"}, []string{"dws.revenue_daily"}),
	put("mkt/funnel", "dan", []string{"dws.revenue_daily"}, []string{"mkt.funnel"}),
	put("adhoc/x", "", []string{"ods.customers"}, []string{"sandbox.x"}),
}

// odsOrdersSQL is the script of etl/ods_orders; the other jobs have none.
const odsOrdersSQL = "-- Orders of the day.\nINSERT OVERWRITE TABLE ods.orders\nSELECT * FROM raw.orders WHERE dt = '${ds}';\n"

func withScript(p lineage.JobPut, script string) lineage.JobPut {
	p.Script = script
	return p
}

func put(id, owner string, reads, writes []string) lineage.JobPut {
	p := lineage.JobPut{
		Job:    lineage.Job{ID: id, Source: "test", Path: id + ".sql", Dialect: "spark", Hash: "h-" + id, Owner: owner},
		Reads:  reads,
		Writes: writes,
	}
	if owner != "" {
		p.OwnerInfo = lineage.Owner{Handle: owner, Email: owner + "@shop.example", JiraUser: "j" + owner, Team: "team-" + owner}
	}
	return p
}

// MustOpenGraph returns a SQLite store in a temporary directory holding the
// fixture.
func MustOpenGraph(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "lineage.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.PutJobs(context.Background(), fixture); err != nil {
		tb.Fatal(err)
	}
	return s
}

// server is a handler under test with what it logged.
type server struct {
	h   http.Handler
	log *syncBuffer
}

// MustServer returns the GraphQL handler over g behind the auth middleware,
// as `lineage serve` mounts it. cfg.Graph is set to g.
func MustServer(tb testing.TB, g lineage.GraphStore, cfg gql.Config) *server {
	tb.Helper()
	tokens, err := auth.Parse(strings.NewReader("ci:"+testToken), "test")
	if err != nil {
		tb.Fatal(err)
	}
	buf := &syncBuffer{}
	cfg.Graph = g
	cfg.Logger = slog.New(slog.NewJSONHandler(buf, nil))
	return &server{h: tokens.Middleware(gql.NewHandler(cfg), false), log: buf}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// gqlError is an error as the API sends it.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// do posts a query as JSON, with the bearer token if token is set, and
// returns the HTTP status and the decoded body.
func (s *server) do(tb testing.TB, query string, vars map[string]any, token bool) response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token {
		req.Header.Set("Authorization", "Bearer "+testToken)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	var r response
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
		tb.Fatalf("status %d, body %q: %v", w.Code, w.Body.String(), err)
	}
	r.status = w.Code
	return r
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

func pathString(p []any) string {
	b, _ := json.Marshal(p)
	return string(b)
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestQueries runs every query of the schema through gqlgen's client on the
// fixture and compares the answer with what the fixture implies.
func TestQueries(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{})
	c := client.New(srv.h)

	tests := []struct {
		name  string
		query string
		want  string // JSON of data
	}{
		{
			name:  "Table",
			query: `{ table(name: " ODS.Orders ") { name readers { id owner { handle email team } } writers { id path } owners { handle jiraUser } } }`,
			want: `{"table":{"name":"ods.orders",
				"readers":[{"id":"etl/dwd_orders","owner":{"handle":"bob","email":"bob@shop.example","team":"team-bob"}},{"id":"fin/revenue","owner":{"handle":"erin","email":"erin@shop.example","team":"team-erin"}}],
				"writers":[{"id":"etl/ods_orders","path":"etl/ods_orders.sql"}],
				"owners":[{"handle":"alice","jiraUser":"jalice"}]}}`,
		},
		{
			name:  "TableWithoutOwners",
			query: `{ table(name: "sandbox.x") { writers { id owner { handle } } owners { handle } } }`,
			want:  `{"table":{"writers":[{"id":"adhoc/x","owner":null}],"owners":[]}}`,
		},
		{
			name:  "Job",
			query: `{ job(id: "etl/dwd_orders") { id source path dialect hash owner { handle } reads { name } writes { name } } }`,
			want: `{"job":{"id":"etl/dwd_orders","source":"test","path":"etl/dwd_orders.sql","dialect":"spark","hash":"h-etl/dwd_orders",
				"owner":{"handle":"bob"},"reads":[{"name":"ods.customers"},{"name":"ods.orders"}],"writes":[{"name":"dwd.orders"}]}}`,
		},
		{
			name:  "JobScript",
			query: `{ job(id: "etl/ods_orders") { id script } }`,
			want:  `{"job":{"id":"etl/ods_orders","script":` + strconv.Quote(odsOrdersSQL) + `}}`,
		},
		{
			name:  "JobWithoutScript",
			query: `{ job(id: "etl/dwd_orders") { script } }`,
			want:  `{"job":{"script":null}}`,
		},
		{
			name:  "ScriptsOfWalkedJobs",
			query: `{ lineage(table: "raw.orders", depth: 1) { jobs { id script } } }`,
			want:  `{"lineage":{"jobs":[{"id":"etl/ods_orders","script":` + strconv.Quote(odsOrdersSQL) + `}]}}`,
		},
		{
			name:  "Owner",
			query: `{ owner(handle: "Bob") { handle email jiraUser team jobs { id reads { name } } } }`,
			want: `{"owner":{"handle":"bob","email":"bob@shop.example","jiraUser":"jbob","team":"team-bob",
				"jobs":[{"id":"etl/dwd_orders","reads":[{"name":"ods.customers"},{"name":"ods.orders"}]}]}}`,
		},
		{
			name:  "LineageDownstream",
			query: `{ lineage(table: "ods.orders", direction: DOWNSTREAM, depth: 3) { root { name } direction depth truncated tables { name } jobs { id } owners { handle } edges { job table kind } } }`,
			want: `{"lineage":{"root":{"name":"ods.orders"},"direction":"DOWNSTREAM","depth":3,"truncated":false,
				"tables":[{"name":"dwd.orders"},{"name":"dws.revenue_daily"},{"name":"fin.revenue"},{"name":"mkt.funnel"},{"name":"ods.orders"}],
				"jobs":[{"id":"etl/dwd_orders"},{"id":"etl/dws_daily"},{"id":"fin/revenue"},{"id":"mkt/funnel"}],
				"owners":[{"handle":"bob"},{"handle":"carol"},{"handle":"dan"},{"handle":"erin"}],
				"edges":[{"job":"etl/dwd_orders","table":"dwd.orders","kind":"WRITES"},{"job":"etl/dwd_orders","table":"ods.orders","kind":"READS"},
					{"job":"etl/dws_daily","table":"dwd.orders","kind":"READS"},{"job":"etl/dws_daily","table":"dws.revenue_daily","kind":"WRITES"},
					{"job":"fin/revenue","table":"fin.revenue","kind":"WRITES"},{"job":"fin/revenue","table":"ods.orders","kind":"READS"},
					{"job":"mkt/funnel","table":"dws.revenue_daily","kind":"READS"},{"job":"mkt/funnel","table":"mkt.funnel","kind":"WRITES"}]}}`,
		},
		{
			name:  "LineageNodesAndTruncation",
			query: `{ lineage(table: "ods.orders", depth: 1, limit: 2) { truncated nodes { __typename ... on Table { name } ... on Job { id owner { email } } ... on Owner { handle } } } }`,
			want:  "", // checked below: the cap of 2 cuts a walk that reaches 5 tables plus jobs
		},
		{
			name:  "LineageUpstreamDefaultDepth",
			query: `{ lineage(table: "mkt.funnel", direction: UPSTREAM) { depth tables { name } } }`,
			want:  `{"lineage":{"depth":3,"tables":[{"name":"dwd.orders"},{"name":"dws.revenue_daily"},{"name":"mkt.funnel"},{"name":"ods.customers"},{"name":"ods.orders"}]}}`,
		},
		{
			name:  "TableUpstreamDownstream",
			query: `{ table(name: "dwd.orders") { upstream(depth: 1) { tables { name } } downstream(depth: 1) { jobs { id } } } }`,
			want:  `{"table":{"upstream":{"tables":[{"name":"dwd.orders"},{"name":"ods.customers"},{"name":"ods.orders"}]},"downstream":{"jobs":[{"id":"etl/dws_daily"}]}}}`,
		},
		{
			name: "Impact",
			query: `{ impact(table: "ods.orders", depth: 3) { table { name } depth truncated
				totals { owners mustAct informed jobs tables }
				mustAct { owner { handle email } hops direct jobs { job { id } hops reads { name } writes { name } } tables { name } }
				informed { owner { handle } hops direct } } }`,
			want: `{"impact":{"table":{"name":"ods.orders"},"depth":3,"truncated":false,
				"totals":{"owners":4,"mustAct":2,"informed":2,"jobs":4,"tables":4},
				"mustAct":[{"owner":{"handle":"bob","email":"bob@shop.example"},"hops":1,"direct":true,"jobs":[{"job":{"id":"etl/dwd_orders"},"hops":1,"reads":[{"name":"ods.orders"}],"writes":[{"name":"dwd.orders"}]}],"tables":[{"name":"ods.orders"}]},
					{"owner":{"handle":"erin","email":"erin@shop.example"},"hops":1,"direct":true,"jobs":[{"job":{"id":"fin/revenue"},"hops":1,"reads":[{"name":"ods.orders"}],"writes":[{"name":"fin.revenue"}]}],"tables":[{"name":"ods.orders"}]}],
				"informed":[{"owner":{"handle":"carol"},"hops":2,"direct":false},{"owner":{"handle":"dan"},"hops":3,"direct":false}]}}`,
		},
		{
			name:  "Counts",
			query: `{ counts { tables jobs owners edges } }`,
			want:  `{"counts":{"tables":8,"jobs":6,"owners":5,"edges":13}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			if err := c.Post(tt.query, &got); err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				return
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
			}
		})
	}

	t.Run("LineageTruncated", func(t *testing.T) {
		var got struct {
			Lineage struct {
				Truncated bool
				Nodes     []map[string]any
			}
		}
		c.MustPost(`{ lineage(table: "ods.orders", depth: 3, limit: 2) { truncated nodes { __typename ... on Table { name } ... on Job { id owner { email } } ... on Owner { handle } } } }`, &got)
		if !got.Lineage.Truncated {
			t.Error("truncated = false, want true with limit 2")
		}
		var tablesAndJobs int
		for _, n := range got.Lineage.Nodes {
			if n["__typename"] != "Owner" {
				tablesAndJobs++
			}
			if n["__typename"] == "Job" && n["owner"] == nil {
				t.Errorf("job %v has no owner", n["id"])
			}
		}
		if tablesAndJobs > 2 {
			t.Errorf("%d tables and jobs, want at most 2: %v", tablesAndJobs, got.Lineage.Nodes)
		}
	})

	t.Run("SearchPages", func(t *testing.T) {
		type page struct {
			Search struct {
				Hits []struct{ Kind, Name string }
				// Nodes mirror hits.
				Nodes    []map[string]any
				PageInfo struct {
					EndCursor   *string
					HasNextPage bool
				}
			}
		}
		q := `query($after: String) { search(query: "orders", first: 2, after: $after) {
			hits { kind name }
			nodes { __typename ... on Table { name } ... on Job { id owner { handle } } ... on Owner { handle } }
			pageInfo { endCursor hasNextPage } } }`
		var names []string
		var after any
		for i := 0; ; i++ {
			if i > 10 {
				t.Fatal("paging does not end")
			}
			var p page
			c.MustPost(q, &p, client.Var("after", after))
			if len(p.Search.Hits) != len(p.Search.Nodes) {
				t.Fatalf("%d hits, %d nodes", len(p.Search.Hits), len(p.Search.Nodes))
			}
			for j, h := range p.Search.Hits {
				n := p.Search.Nodes[j]
				names = append(names, h.Kind+":"+h.Name)
				switch h.Kind {
				case "TABLE":
					if n["__typename"] != "Table" || n["name"] != h.Name {
						t.Errorf("hit %v, node %v", h, n)
					}
				case "JOB":
					if n["__typename"] != "Job" || n["id"] != h.Name || n["owner"] == nil {
						t.Errorf("hit %v, node %v", h, n)
					}
				}
			}
			if !p.Search.PageInfo.HasNextPage {
				break
			}
			after = *p.Search.PageInfo.EndCursor
		}
		// Every table, job and owner whose name contains "orders".
		want := []string{"JOB:etl/dwd_orders", "JOB:etl/ods_orders", "TABLE:dwd.orders", "TABLE:ods.orders", "TABLE:raw.orders"}
		got := append([]string(nil), names...)
		sortStrings(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("search found %v, want %v", names, want)
		}
	})

	t.Run("SearchKinds", func(t *testing.T) {
		var got struct {
			Search struct{ Nodes []map[string]any }
		}
		c.MustPost(`{ search(query: "a", kinds: [OWNER]) { nodes { __typename ... on Owner { handle email } } } }`, &got)
		if len(got.Search.Nodes) == 0 {
			t.Fatal("no owners found for a")
		}
		for _, n := range got.Search.Nodes {
			if n["__typename"] != "Owner" || n["email"] != n["handle"].(string)+"@shop.example" {
				t.Errorf("node %v", n)
			}
		}
	})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestErrors checks the code, path and field of each kind of failure.
func TestErrors(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{MaxDepth: 6})

	tests := []struct {
		name   string
		query  string
		token  bool
		status int
		code   string
		path   string // JSON, "null" when the error is not a field's
		field  string
		data   string // JSON of data, "" to skip
	}{
		{name: "UnknownTable", query: `{ table(name: "no.such") { name } }`,
			status: 200, code: "NOT_FOUND", path: `["table"]`, data: `{"table":null}`},
		{name: "UnknownJob", query: `{ job(id: "nope") { id } }`,
			status: 200, code: "NOT_FOUND", path: `["job"]`},
		{name: "UnknownOwner", query: `{ owner(handle: "nobody") { handle } }`,
			status: 200, code: "NOT_FOUND", path: `["owner"]`},
		{name: "UnknownLineageTable", query: `{ lineage(table: "no.such") { truncated } }`,
			status: 200, code: "NOT_FOUND", path: `["lineage"]`},
		{name: "EmptyTableName", query: `{ table(name: "  ") { name } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["table"]`, field: "name"},
		{name: "DepthTooLarge", query: `{ lineage(table: "ods.orders", depth: 51) { truncated } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["lineage"]`, field: "depth"},
		{name: "DepthNegative", query: `{ impact(table: "ods.orders", depth: -1) { depth } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["impact"]`, field: "depth"},
		{name: "NestedBadDepth", query: `{ table(name: "ods.orders") { name downstream(depth: 0, limit: -5) { truncated } } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["table","downstream"]`, field: "limit", data: `{"table":null}`},
		{name: "BadLimit", query: `{ lineage(table: "ods.orders", limit: 100001) { truncated } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["lineage"]`, field: "limit"},
		{name: "BadPageSize", query: `{ search(query: "o", first: 5000) { hits { name } } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["search"]`, field: "first", data: `null`},
		{name: "BadCursor", query: `{ search(query: "o", after: "garbage!") { hits { name } } }`,
			status: 200, code: "BAD_USER_INPUT", path: `["search"]`, field: "after"},
		{name: "OverComplex", query: `{ table(name: "ods.orders") { readers { reads { readers { reads { name } } } } } }`,
			status: 200, code: "COMPLEXITY_LIMIT_EXCEEDED", path: `null`},
		{name: "TooDeep", query: `{ table(name: "ods.orders") { readers { owner { jobs { owner { jobs { id } } } } } } }`,
			status: 200, code: "DEPTH_LIMIT_EXCEEDED", path: `null`},
		{name: "UnknownField", query: `{ table(name: "ods.orders") { colour } }`,
			status: 422, code: "GRAPHQL_VALIDATION_FAILED", path: `null`},
		{name: "BadDirection", query: `{ lineage(table: "ods.orders", direction: SIDEWAYS) { truncated } }`,
			status: 422, code: "GRAPHQL_VALIDATION_FAILED", path: `null`},
		{name: "SyntaxError", query: `{ table(name: "ods.orders" { name } }`,
			status: 422, code: "GRAPHQL_PARSE_FAILED", path: `null`},
		{name: "BadTime", query: `mutation { startCampaign(input: {table: "ods.orders", title: "t", deadline: "next week"}) { dryRun } }`, token: true,
			status: 200, code: "BAD_USER_INPUT", path: `["startCampaign","input","deadline"]`},
		{name: "CampaignsNotConfigured", query: `{ campaigns { nodes { id } } }`,
			status: 200, code: "UNAVAILABLE", path: `["campaigns"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.do(t, tt.query, nil, tt.token)
			if r.status != tt.status {
				t.Errorf("status %d, want %d", r.status, tt.status)
			}
			if len(r.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", r.Errors)
			}
			e := r.Errors[0]
			if e.code() != tt.code {
				t.Errorf("code %q, want %q (%s)", e.code(), tt.code, e.Message)
			}
			if p := pathString(e.Path); p != tt.path {
				t.Errorf("path %s, want %s", p, tt.path)
			}
			if f, _ := e.Extensions["field"].(string); f != tt.field {
				t.Errorf("field %q, want %q", f, tt.field)
			}
			if e.Message == "" || strings.Contains(e.Message, "sqlite") {
				t.Errorf("message %q is empty or leaks internals", e.Message)
			}
			if tt.data != "" && string(r.Data) != tt.data {
				t.Errorf("data %s, want %s", r.Data, tt.data)
			}
		})
	}
	if s := srv.log.String(); s != "" {
		t.Errorf("user errors were logged:\n%s", s)
	}
}
