package gql_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql"
)

// countingGraph counts the reads that resolvers make per key and can make
// chosen calls fail or panic.
type countingGraph struct {
	lineage.GraphStore

	mu    sync.Mutex
	calls map[string]int // "Table:ods.orders" -> calls

	// fail, if set, is called before each read; an error it returns is the
	// read's result.
	fail func(method, key string) error
}

func (g *countingGraph) count(method, key string) error {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]int{}
	}
	g.calls[method+":"+key]++
	g.mu.Unlock()
	if g.fail != nil {
		return g.fail(method, key)
	}
	return nil
}

// total returns the number of calls of method, and the largest number of
// calls for any one key.
func (g *countingGraph) total(method string) (calls, maxPerKey int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k, n := range g.calls {
		if strings.HasPrefix(k, method+":") {
			calls += n
			maxPerKey = max(maxPerKey, n)
		}
	}
	return calls, maxPerKey
}

func (g *countingGraph) Table(ctx context.Context, name string) (*lineage.TableInfo, error) {
	if err := g.count("Table", name); err != nil {
		return nil, err
	}
	return g.GraphStore.Table(ctx, name)
}

func (g *countingGraph) Job(ctx context.Context, id string) (*lineage.JobInfo, error) {
	if err := g.count("Job", id); err != nil {
		return nil, err
	}
	return g.GraphStore.Job(ctx, id)
}

func (g *countingGraph) Owner(ctx context.Context, handle string) (*lineage.OwnerInfo, error) {
	if err := g.count("Owner", handle); err != nil {
		return nil, err
	}
	return g.GraphStore.Owner(ctx, handle)
}

func (g *countingGraph) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	if err := g.count("Walk", f.Table); err != nil {
		return nil, err
	}
	return g.GraphStore.Walk(ctx, f)
}

func (g *countingGraph) Counts(ctx context.Context) (lineage.Counts, error) {
	if err := g.count("Counts", ""); err != nil {
		return lineage.Counts{}, err
	}
	return g.GraphStore.Counts(ctx)
}

// TestBatching checks that the fields of list items read each object once
// per request, not once per item and field, and that objects an answer
// carried are not read again.
func TestBatching(t *testing.T) {
	tests := []struct {
		name  string
		query string
		// want calls per method; each key is read at most once.
		want map[string]int
		// atMost bounds calls per method where concurrent resolvers may
		// legitimately save reads (an answer that lands first primes the
		// cache for another list), so the exact count depends on timing.
		atMost map[string]int
	}{
		{
			// A walk returns its jobs' owners: no Owner reads. Each job's
			// reads and writes come from one Job read per job.
			name:  "LineageJobsOwnersReadsWrites",
			query: `{ lineage(table: "ods.orders", depth: 3) { jobs { id owner { email } reads { name } writes { name } } owners { handle } } }`,
			want:  map[string]int{"Walk": 1, "Job": 4, "Owner": 0, "Table": 0},
		},
		{
			// ods.orders' readers are owned by bob and erin: at most one Owner
			// read each (fewer when a reader's Job read, which carries its
			// owner's details, lands first), and each reader's Job read once
			// for reads and writes.
			name:   "TableReadersOwners",
			query:  `{ table(name: "ods.orders") { readers { owner { email } reads { readers { id } } writes { name } } owners { email } } }`,
			want:   map[string]int{"Table": 2, "Job": 2},
			atMost: map[string]int{"Owner": 3},
		},
		{
			// Impact carries its owners: Target-like lists need no reads.
			name:  "ImpactOwners",
			query: `{ impact(table: "ods.orders") { mustAct { owner { email jobs { id } } } } }`,
			want:  map[string]int{"Owner": 2, "Job": 2},
		},
		{
			// etl/dwd_orders reads both ods.orders and ods.customers: it
			// is read once for the two lists it is in.
			name:  "SharedJob",
			query: `{ lineage(table: "dwd.orders", direction: UPSTREAM, depth: 1) { tables { name readers { id reads { name } } } } }`,
			want:  map[string]int{"Walk": 1, "Table": 3, "Job": 4},
		},
		{
			// A job's script comes with the Job read its reads and writes
			// need: still one read per job.
			name:  "Scripts",
			query: `{ lineage(table: "ods.orders", depth: 3) { jobs { id script reads { name } } } table(name: "ods.orders") { writers { script } } }`,
			want:  map[string]int{"Walk": 1, "Table": 1, "Job": 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &countingGraph{GraphStore: MustOpenGraph(t)}
			srv := MustServer(t, g, gql.Config{})
			var out map[string]any
			if err := client.New(srv.h).Post(tt.query, &out); err != nil {
				t.Fatal(err)
			}
			for method, max := range tt.atMost {
				calls, perKey := g.total(method)
				if calls > max {
					t.Errorf("%s: %d calls, want at most %d (%v)", method, calls, max, g.calls)
				}
				if perKey > 1 {
					t.Errorf("%s: a key was read %d times in one request", method, perKey)
				}
			}
			for method, want := range tt.want {
				calls, perKey := g.total(method)
				if calls != want {
					t.Errorf("%s: %d calls, want %d (%v)", method, calls, want, g.calls)
				}
				if perKey > 1 {
					t.Errorf("%s: a key was read %d times in one request", method, perKey)
				}
			}
		})
	}
}

// TestLoadBudget checks that a request cannot read more objects one by one
// than Config.MaxLoads allows.
func TestLoadBudget(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{MaxLoads: 3})
	r := srv.do(t, `{ lineage(table: "ods.orders", depth: 3) { jobs { id reads { name } } } }`, nil, false)
	if len(r.Errors) == 0 || r.Errors[0].code() != gql.CodeBadUserInput || !strings.Contains(r.Errors[0].Message, "more than 3 objects") {
		t.Fatalf("errors = %+v, want BAD_USER_INPUT about 3 objects", r.Errors)
	}
	if p := pathString(r.Errors[0].Path); !strings.HasPrefix(p, `["lineage","jobs",`) {
		t.Errorf("path %s", p)
	}
	// Within the budget the same query works.
	srv = MustServer(t, MustOpenGraph(t), gql.Config{MaxLoads: 4})
	if r := srv.do(t, `{ lineage(table: "ods.orders", depth: 3) { jobs { id reads { name } } } }`, nil, false); len(r.Errors) != 0 {
		t.Fatalf("errors = %+v", r.Errors)
	}
}

// TestScriptBudget checks that one request returns at most 16 MiB of
// script text, failing the items past it by path, not the whole answer.
func TestScriptBudget(t *testing.T) {
	g := MustOpenGraph(t)
	var jobs []lineage.JobPut
	for i := range 20 {
		jobs = append(jobs, withScript(put(fmt.Sprintf("big/%02d", i), "", []string{"big.src"}, nil), strings.Repeat("-", lineage.MaxScriptBytes)))
	}
	if err := g.PutJobs(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
	srv := MustServer(t, g, gql.Config{})
	r := srv.do(t, `{ table(name: "big.src") { readers { id script } } }`, nil, false)
	if len(r.Errors) != 4 {
		t.Fatalf("%d errors, want 4 (16 scripts of 1 MiB fit): %+v", len(r.Errors), r.Errors)
	}
	for _, e := range r.Errors {
		if e.code() != gql.CodeBadUserInput || !strings.Contains(e.Message, "script text") || !strings.HasPrefix(pathString(e.Path), `["table","readers",`) {
			t.Errorf("error %+v, want BAD_USER_INPUT about script text at a reader's path", e)
		}
	}
	// One job's script alone is fine.
	if r := srv.do(t, `{ job(id: "big/19") { script } }`, nil, false); len(r.Errors) != 0 {
		t.Fatalf("errors = %+v", r.Errors)
	}
}

// TestItemErrors checks that a failure on one item of a list names that
// item's path and leaves the others alone.
func TestItemErrors(t *testing.T) {
	g := &countingGraph{GraphStore: MustOpenGraph(t), fail: func(method, key string) error {
		if method == "Job" && key == "fin/revenue" {
			return lineage.Errorf(lineage.EUNAVAILABLE, "The store is busy; retry.")
		}
		return nil
	}}
	srv := MustServer(t, g, gql.Config{})
	r := srv.do(t, `{ table(name: "ods.orders") { readers { id writes { name } } } }`, nil, false)
	if len(r.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", r.Errors)
	}
	e := r.Errors[0]
	if e.code() != gql.CodeUnavailable || pathString(e.Path) != `["table","readers",1,"writes"]` || e.Message != "The store is busy; retry." {
		t.Errorf("error %+v", e)
	}
	// The item's non-null list nulls the item's parent list (the schema's
	// [Job!]! cannot hold a hole), so the table is null; the error says where.
	if string(r.Data) != `{"table":null}` {
		t.Errorf("data %s", r.Data)
	}
	if s := srv.log.String(); s != "" {
		t.Errorf("an UNAVAILABLE error was logged: %s", s)
	}
}

// TestInternalErrors checks that an untranslated error or a panic is shown
// as "Internal error." with code INTERNAL and logged once with its chain.
func TestInternalErrors(t *testing.T) {
	cause := fmt.Errorf("sqlite: read table: %w", fmt.Errorf("disk I/O error (secret path /var/db)"))
	tests := []struct {
		name    string
		fail    func(method, key string) error
		query   string
		path    string
		logWant string
	}{
		{
			name:    "Error",
			fail:    func(m, k string) error { return cause },
			query:   `{ counts { tables } }`,
			path:    `["counts"]`,
			logWant: "sqlite: read table: disk I/O error (secret path /var/db)",
		},
		{
			name: "Panic",
			fail: func(m, k string) error {
				if m == "Job" {
					panic("boom in job " + k)
				}
				return nil
			},
			query:   `{ table(name: "dws.revenue_daily") { readers { reads { name } } } }`,
			path:    `["table","readers",0,"reads"]`,
			logWant: "boom in job mkt/funnel",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &countingGraph{GraphStore: MustOpenGraph(t), fail: tt.fail}
			srv := MustServer(t, g, gql.Config{})
			r := srv.do(t, tt.query, nil, false)
			if len(r.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", r.Errors)
			}
			e := r.Errors[0]
			if e.code() != gql.CodeInternal || e.Message != "Internal error." || pathString(e.Path) != tt.path {
				t.Errorf("error %+v", e)
			}
			raw, _ := json.Marshal(r)
			if strings.Contains(string(raw), "secret") || strings.Contains(string(raw), "boom") {
				t.Errorf("response leaks the cause: %s", raw)
			}
			log := srv.log.String()
			if n := strings.Count(log, "\n"); n != 1 {
				t.Errorf("logged %d lines, want 1:\n%s", n, log)
			}
			if !strings.Contains(log, tt.logWant) {
				t.Errorf("log lacks %q:\n%s", tt.logWant, log)
			}
			if tt.name == "Panic" && !strings.Contains(log, "goroutine") {
				t.Errorf("panic logged without its stack:\n%s", log)
			}
		})
	}
}

// mutations lists every mutation of the schema with arguments that would be
// valid with a token.
var mutations = map[string]string{
	"startCampaign":   `mutation { startCampaign(input: {table: "ods.orders", title: "Retire", dryRun: true}) { dryRun } }`,
	"cancelCampaign":  `mutation { cancelCampaign(id: "c1", reason: "no longer needed") { id } }`,
	"syncCampaign":    `mutation { syncCampaign(id: "c1") { id } }`,
	"remindCampaign":  `mutation { remindCampaign(id: "c1") { id } }`,
	"setTicketStatus": `mutation { setTicketStatus(key: "LIN-1", status: DONE, comment: "done") { key } }`,
}

// TestMutationsNeedToken checks, for every mutation in the schema, that
// without a token the answer is UNAUTHENTICATED at the mutation's path.
func TestMutationsNeedToken(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{})
	var schema struct {
		Schema struct {
			MutationType struct {
				Fields []struct{ Name string }
			}
		} `json:"__schema"`
	}
	client.New(srv.h).MustPost(`{ __schema { mutationType { fields { name } } } }`, &schema)
	if len(schema.Schema.MutationType.Fields) != len(mutations) {
		t.Errorf("schema has %d mutations, the test knows %d", len(schema.Schema.MutationType.Fields), len(mutations))
	}
	for _, f := range schema.Schema.MutationType.Fields {
		t.Run(f.Name, func(t *testing.T) {
			q, ok := mutations[f.Name]
			if !ok {
				t.Fatalf("mutation %s is not tested", f.Name)
			}
			r := srv.do(t, q, nil, false)
			if len(r.Errors) != 1 || r.Errors[0].code() != gql.CodeUnauthenticated || pathString(r.Errors[0].Path) != `["`+f.Name+`"]` {
				t.Errorf("without token: %+v", r.Errors)
			}
			if !strings.Contains(r.Errors[0].Message, "Authorization: Bearer") {
				t.Errorf("message %q does not say how to authenticate", r.Errors[0].Message)
			}
			// With a token the request gets past authentication (here to
			// UNAVAILABLE: this server has no campaign service).
			r = srv.do(t, q, nil, true)
			if len(r.Errors) != 1 || r.Errors[0].code() != gql.CodeUnavailable {
				t.Errorf("with token: %+v", r.Errors)
			}
		})
	}
}

// TestTokens checks the HTTP side of authentication.
func TestTokens(t *testing.T) {
	open := MustServer(t, MustOpenGraph(t), gql.Config{})
	closed := MustServer(t, MustOpenGraph(t), gql.Config{RequireTokenForReads: true})
	const q = `{ counts { jobs } }`
	tests := []struct {
		name   string
		srv    *server
		header string
		status int
		code   string
	}{
		{"OpenNoToken", open, "", 200, ""},
		{"OpenWithToken", open, "Bearer " + testToken, 200, ""},
		{"OpenUnknownToken", open, "Bearer 0000000000000000000000", 401, gql.CodeUnauthenticated},
		{"ClosedNoToken", closed, "", 401, gql.CodeUnauthenticated},
		{"ClosedWithToken", closed, "Bearer " + testToken, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"`+q+`"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			w := httptest.NewRecorder()
			tt.srv.h.ServeHTTP(w, req)
			var r response
			if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if w.Code != tt.status {
				t.Errorf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			switch {
			case tt.code == "" && len(r.Errors) != 0:
				t.Errorf("errors %+v", r.Errors)
			case tt.code != "" && (len(r.Errors) != 1 || r.Errors[0].code() != tt.code):
				t.Errorf("errors %+v, want %s", r.Errors, tt.code)
			}
		})
	}
}

// TestHTTPLimits checks the body limit, GET and refused methods.
func TestHTTPLimits(t *testing.T) {
	srv := MustServer(t, MustOpenGraph(t), gql.Config{MaxBodyBytes: 200})

	t.Run("BodyTooLarge", func(t *testing.T) {
		body := `{"query":"{ counts { jobs } }","variables":{"pad":"` + strings.Repeat("x", 300) + `"}}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.h.ServeHTTP(w, req)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), gql.CodeTooLarge) {
			t.Errorf("status %d: %s", w.Code, w.Body)
		}
	})
	t.Run("ChunkedBodyTooLarge", func(t *testing.T) {
		body := `{"query":"{ counts { jobs } }","variables":{"pad":"` + strings.Repeat("x", 300) + `"}}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.ContentLength = -1 // as a chunked upload arrives
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.h.ServeHTTP(w, req)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "larger than the limit of 200 bytes") {
			t.Errorf("status %d: %s", w.Code, w.Body)
		}
	})
	t.Run("NotJSON", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": `))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.h.ServeHTTP(w, req)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), gql.CodeBadRequest) {
			t.Errorf("status %d: %s", w.Code, w.Body)
		}
	})
	t.Run("GET", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ counts { jobs } }`), nil)
		w := httptest.NewRecorder()
		srv.h.ServeHTTP(w, req)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"jobs":6`) {
			t.Errorf("status %d: %s", w.Code, w.Body)
		}
	})
	t.Run("MutationOverGET", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`mutation { syncCampaign(id: "x") { id } }`), nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		w := httptest.NewRecorder()
		srv.h.ServeHTTP(w, req)
		if w.Code < 400 {
			t.Errorf("a mutation over GET got status %d: %s", w.Code, w.Body)
		}
	})
	if s := srv.log.String(); s != "" {
		t.Errorf("request errors were logged as internal:\n%s", s)
	}
}

// TestTimeout checks that the request deadline reaches the store and comes
// back as UNAVAILABLE, not as an internal error.
func TestTimeout(t *testing.T) {
	g := &countingGraph{GraphStore: MustOpenGraph(t)}
	g.fail = func(method, key string) error {
		if method == "Walk" {
			return context.DeadlineExceeded // what a store returns when ctx expires
		}
		return nil
	}
	srv := MustServer(t, g, gql.Config{})
	r := srv.do(t, `{ lineage(table: "ods.orders") { truncated } }`, nil, false)
	if len(r.Errors) != 1 || r.Errors[0].code() != gql.CodeUnavailable {
		t.Fatalf("errors = %+v", r.Errors)
	}
	if s := srv.log.String(); s != "" {
		t.Errorf("a timeout was logged as internal: %s", s)
	}
}

// TestPlaygroundExamples checks that every example the playground opens
// with (ui/web/src/playground/examples.graphql, bundled into the UI build) is
// valid against the schema and runs on the fixture, which uses the sample
// warehouse's names.
func TestPlaygroundExamples(t *testing.T) {
	b, err := os.ReadFile("../ui/web/src/playground/examples.graphql")
	if err != nil {
		t.Fatal(err)
	}
	examples := string(b)
	srv := MustServer(t, MustOpenGraph(t), gql.Config{})
	for _, op := range []string{"Downstream", "Upstream", "Table", "Impact", "Search", "Parse", "Campaigns", "PreviewCampaign"} {
		t.Run(op, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": examples, "operationName": op})
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testToken)
			w := httptest.NewRecorder()
			srv.h.ServeHTTP(w, req)
			var r response
			if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			for _, e := range r.Errors {
				// Without a campaign service or parser the campaign examples
				// are UNAVAILABLE; anything else is a broken example.
				if e.code() != gql.CodeUnavailable {
					t.Errorf("%s: %+v", op, e)
				}
			}
		})
	}
}
