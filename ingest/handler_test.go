package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/ingest"
)

const testToken = "0123456789abcdef0123"

// MustServe starts the ingest API over g behind the token middleware, as
// lineage serve mounts it.
func MustServe(tb testing.TB, g lineage.GraphStore, maxBody int64) *httptest.Server {
	tb.Helper()
	tokens, err := auth.Parse(strings.NewReader("ci:"+testToken), "test")
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(tokens.Middleware(ingest.NewHandler(ingest.HandlerConfig{Graph: g, MaxBodyBytes: maxBody}), false))
	tb.Cleanup(srv.Close)
	return srv
}

// call sends one request and returns the status and the decoded JSON body.
func call(tb testing.TB, srv *httptest.Server, method, path, token, body string) (int, map[string]any) {
	tb.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatalf("%s %s: %d, body is not a JSON object: %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

// errOf returns the "error" member of an answer.
func errOf(body map[string]any) map[string]any {
	e, _ := body["error"].(map[string]any)
	return e
}

func TestPush(t *testing.T) {
	g := newStore(t)
	srv := MustServe(t, g, 0)
	script := `INSERT OVERWRITE TABLE mart.daily SELECT dt, count(*) FROM stg.orders GROUP BY dt;`
	push := func(fields map[string]any) string {
		b, _ := json.Marshal(fields)
		return string(b)
	}
	ok := map[string]any{"source": "repo-a", "path": "jobs/daily.sql", "owner": "@Alice", "dialect": "spark", "script": script,
		"ownerInfo": map[string]any{"email": "alice@example.com", "team": "core"}}
	with := func(k string, v any) string {
		m := map[string]any{}
		for k, v := range ok {
			m[k] = v
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return push(m)
	}

	tests := []struct {
		name, token, body string
		status            int
		code, field       string
	}{
		{"no token", "", push(ok), 401, lineage.EUNAUTHORIZED, ""},
		{"missing path", testToken, with("path", nil), 400, lineage.EINVALID, "path"},
		{"empty script", testToken, with("script", " "), 400, lineage.EINVALID, "script"},
		{"unknown dialect", testToken, with("dialect", "cobol"), 400, lineage.EINVALID, "dialect"},
		{"unknown field", testToken, with("scrpt", "x"), 400, lineage.EINVALID, "scrpt"},
		{"wrong type", testToken, with("vars", []string{"a"}), 400, lineage.EINVALID, "vars"},
		{"not json", testToken, "{", 400, lineage.EINVALID, "body"},
		{"empty body", testToken, "", 400, lineage.EINVALID, "body"},
		{"other owner info", testToken, with("ownerInfo", map[string]any{"handle": "bob"}), 400, lineage.EINVALID, "ownerInfo.handle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, "POST", "/api/v1/jobs", tt.token, tt.body)
			e := errOf(body)
			if status != tt.status || e["code"] != tt.code || (tt.field != "" && e["field"] != tt.field) || e["message"] == "" {
				t.Fatalf("got %d %v, want %d code %s field %s", status, body, tt.status, tt.code, tt.field)
			}
			if c, _ := g.Counts(context.Background()); c.Jobs != 0 {
				t.Fatalf("a refused push stored a job")
			}
		})
	}

	t.Run("parse error", func(t *testing.T) {
		status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, with("script", brokenSQL))
		e := errOf(body)
		if status != 400 || e["field"] != "script" || e["line"] != 2.0 || e["column"] == nil {
			t.Fatalf("got %d %v, want 400 with field script, line and column", status, body)
		}
	})

	t.Run("ok", func(t *testing.T) {
		status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, push(ok))
		if status != 200 {
			t.Fatalf("got %d %v", status, body)
		}
		job := body["job"].(map[string]any)
		if job["id"] != "repo-a:jobs/daily.sql" || job["owner"] != "alice" || job["hash"] == "" {
			t.Errorf("job = %v", job)
		}
		if !reflect.DeepEqual(body["reads"], []any{"stg.orders"}) || !reflect.DeepEqual(body["writes"], []any{"mart.daily"}) {
			t.Errorf("lineage = %v -> %v", body["reads"], body["writes"])
		}
		info, err := g.Job(context.Background(), "repo-a:jobs/daily.sql")
		if err != nil || info.Owner != "alice" || info.OwnerInfo.Email != "alice@example.com" || info.Source != "repo-a" {
			t.Fatalf("stored %+v, %v", info, err)
		}
		if info.Script != script {
			t.Errorf("stored script = %q, want the pushed one %q", info.Script, script)
		}
	})

	t.Run("script too long to keep", func(t *testing.T) {
		long := script + "\n-- " + strings.Repeat("x", lineage.MaxScriptBytes) + "\n"
		status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, with("script", long))
		if status != 200 || !strings.Contains(fmt.Sprint(body["warnings"]), "its text is not") {
			t.Fatalf("got %d %.300v, want 200 with a warning that the text is not kept", status, body)
		}
		info, err := g.Job(context.Background(), "repo-a:jobs/daily.sql")
		if err != nil || info.Script != "" || !slices.Equal(info.Writes, []string{"mart.daily"}) {
			t.Fatalf("stored %.300v, %v; want the lineage without script text", info, err)
		}
		if status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, push(ok)); status != 200 {
			t.Fatalf("push again: got %d %v", status, body)
		}
	})

	t.Run("list", func(t *testing.T) {
		status, body := call(t, srv, "GET", "/api/v1/jobs?source=repo-a", "", "")
		jobs, _ := body["jobs"].([]any)
		if status != 200 || len(jobs) != 1 {
			t.Fatalf("got %d %v", status, body)
		}
		status, body = call(t, srv, "GET", "/api/v1/jobs?first=x", "", "")
		if status != 400 || errOf(body)["field"] != "first" {
			t.Fatalf("got %d %v", status, body)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if status, body := call(t, srv, "DELETE", "/api/v1/jobs/repo-a:jobs/daily.sql", "", ""); status != 401 {
			t.Fatalf("no token: got %d %v", status, body)
		}
		if status, body := call(t, srv, "DELETE", "/api/v1/jobs/repo-a:jobs/daily.sql", testToken, ""); status != 200 || body["deleted"] != "repo-a:jobs/daily.sql" {
			t.Fatalf("got %d %v", status, body)
		}
		if _, err := g.Job(context.Background(), "repo-a:jobs/daily.sql"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
			t.Fatalf("job still there: %v", err)
		}
		status, body := call(t, srv, "DELETE", "/api/v1/jobs/repo-a:jobs/daily.sql", testToken, "")
		if status != 404 || errOf(body)["code"] != lineage.ENOTFOUND {
			t.Fatalf("second delete: got %d %v", status, body)
		}
	})
}

func TestPushBodyLimit(t *testing.T) {
	srv := MustServe(t, newStore(t), 64)
	body := `{"path": "a.sql", "script": "` + strings.Repeat("x", 100) + `"}`
	status, out := call(t, srv, "POST", "/api/v1/jobs", testToken, body)
	if status != http.StatusRequestEntityTooLarge || errOf(out)["field"] != "body" {
		t.Fatalf("got %d %v", status, out)
	}
}

// olEvent is a COMPLETE event as the OpenLineage Spark integration sends it.
const olEvent = `{
  "eventType": "COMPLETE",
  "eventTime": "2024-06-01T02:13:07.123Z",
  "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.9.1/integration/spark",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  "run": {"runId": "0190b2c4-8d2e-7c1a-9f3b-2f6d1e4a5b6c", "facets": {"spark_version": {"version": "3.5.1"}}},
  "job": {
    "namespace": "spark-prod",
    "name": "daily_orders.insert_into_mart",
    "facets": {"ownership": {"_producer": "x", "_schemaURL": "y", "owners": [{"name": "user:Alice", "type": "MAINTAINER"}]}}
  },
  "inputs": [
    {"namespace": "hive://metastore:9083", "name": "stg.orders", "facets": {"schema": {"fields": [{"name": "id", "type": "bigint"}]}}},
    {"namespace": "hive://metastore:9083", "name": "Ref.Calendar"}
  ],
  "outputs": [{"namespace": "hive://metastore:9083", "name": "mart.orders_daily", "outputFacets": {}}]
}`

func TestOpenLineage(t *testing.T) {
	g := newStore(t)
	srv := MustServe(t, g, 0)
	replace := func(old, new string) string {
		if !strings.Contains(olEvent, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return strings.Replace(olEvent, old, new, 1)
	}
	tests := []struct {
		name, token, body string
		status            int
		field             string
	}{
		{"no token", "", olEvent, 401, ""},
		{"bad event type", testToken, replace(`"COMPLETE"`, `"DONE"`), 400, "eventType"},
		{"no event time", testToken, replace(`"eventTime": "2024-06-01T02:13:07.123Z",`, ``), 400, "eventTime"},
		{"bad event time", testToken, replace(`2024-06-01T02:13:07.123Z`, `yesterday`), 400, "eventTime"},
		{"no producer", testToken, replace(`"producer": "https://github.com/OpenLineage/OpenLineage/tree/1.9.1/integration/spark",`, ``), 400, "producer"},
		{"bad run id", testToken, replace(`0190b2c4-8d2e-7c1a-9f3b-2f6d1e4a5b6c`, `42`), 400, "run.runId"},
		{"no job name", testToken, replace(`"name": "daily_orders.insert_into_mart",`, ``), 400, "job.name"},
		{"empty namespace", testToken, replace(`"namespace": "spark-prod"`, `"namespace": ""`), 400, "job.namespace"},
		{"input without name", testToken, replace(`"name": "Ref.Calendar"`, `"nme": "Ref.Calendar"`), 400, "inputs[1].name"},
		{"output not an array", testToken, replace(`"outputs": [{"namespace": "hive://metastore:9083", "name": "mart.orders_daily", "outputFacets": {}}]`, `"outputs": {}`), 400, "outputs"},
		{"owner without name", testToken, replace(`{"name": "user:Alice", "type": "MAINTAINER"}`, `{"type": "MAINTAINER"}`), 400, "job.facets.ownership.owners[0].name"},
		{"not json", testToken, olEvent[:100], 400, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, srv, "POST", "/api/v1/lineage", tt.token, tt.body)
			if status != tt.status || (tt.field != "" && errOf(body)["field"] != tt.field) {
				t.Fatalf("got %d %v, want %d field %s", status, body, tt.status, tt.field)
			}
			if c, _ := g.Counts(context.Background()); c.Jobs != 0 {
				t.Fatalf("a malformed event stored a job")
			}
		})
	}

	t.Run("START changes nothing", func(t *testing.T) {
		status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, replace(`"COMPLETE"`, `"START"`))
		if status != 200 || body["stored"] != false {
			t.Fatalf("got %d %v", status, body)
		}
		if c, _ := g.Counts(context.Background()); c.Jobs != 0 {
			t.Fatalf("a START event stored a job")
		}
	})

	t.Run("COMPLETE", func(t *testing.T) {
		status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, olEvent)
		if status != 201 || body["stored"] != true {
			t.Fatalf("got %d %v", status, body)
		}
		j, err := g.Job(context.Background(), "spark-prod:daily_orders.insert_into_mart")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(j.Reads)
		if j.Source != "spark-prod" || j.Owner != "alice" || !slices.Equal(j.Reads, []string{"ref.calendar", "stg.orders"}) || !slices.Equal(j.Writes, []string{"mart.orders_daily"}) || j.Hash == "" {
			t.Fatalf("stored %+v", j)
		}
	})

	t.Run("COMPLETE without ownership keeps the owner", func(t *testing.T) {
		ev := replace(`"facets": {"ownership": {"_producer": "x", "_schemaURL": "y", "owners": [{"name": "user:Alice", "type": "MAINTAINER"}]}}`, `"facets": {}`)
		ev = strings.Replace(ev, `{"namespace": "hive://metastore:9083", "name": "Ref.Calendar"}`, `{"namespace": "hive://metastore:9083", "name": "ref.holidays"}`, 1)
		status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, ev)
		if status != 201 {
			t.Fatalf("got %d %v", status, body)
		}
		j, err := g.Job(context.Background(), "spark-prod:daily_orders.insert_into_mart")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(j.Reads)
		if j.Owner != "alice" || !slices.Equal(j.Reads, []string{"ref.holidays", "stg.orders"}) {
			t.Fatalf("stored %+v", j)
		}
	})

	const query = "INSERT INTO mart.orders_daily\nSELECT * FROM stg.orders JOIN ref.calendar USING (dt)"
	sqlFacet := `"facets": {"sql": {"_producer": "x", "_schemaURL": "y", "query": ` + strconv.Quote(query) + `}, "ownership"`
	script := func() string {
		t.Helper()
		j, err := g.Job(context.Background(), "spark-prod:daily_orders.insert_into_mart")
		if err != nil {
			t.Fatal(err)
		}
		return j.Script
	}
	t.Run("COMPLETE with a sql facet stores its query", func(t *testing.T) {
		status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, replace(`"facets": {"ownership"`, sqlFacet))
		if status != 201 {
			t.Fatalf("got %d %v", status, body)
		}
		if got := script(); got != query {
			t.Fatalf("script = %q, want the facet's query", got)
		}
	})
	t.Run("COMPLETE without a sql facet keeps the query", func(t *testing.T) {
		if status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, olEvent); status != 201 {
			t.Fatalf("got %d %v", status, body)
		}
		if got := script(); got != query {
			t.Fatalf("script = %q, want the query of the earlier event", got)
		}
	})
	t.Run("sql facet too long to keep", func(t *testing.T) {
		long := `"facets": {"sql": {"query": "` + strings.Repeat("x", lineage.MaxScriptBytes+1) + `"}, "ownership"`
		status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, replace(`"facets": {"ownership"`, long))
		if status != 201 || !strings.Contains(fmt.Sprint(body["message"]), "job.facets.sql.query") {
			t.Fatalf("got %d %.300v, want 201 with a message naming job.facets.sql.query", status, body)
		}
		if got := script(); got != "" {
			t.Fatalf("script = %.100q, want none", got)
		}
	})
}

// TestIngestThroughServer runs the fixture repository through the push API
// (lineage ingest --server) and checks it gives the graph a local ingest
// gives.
func TestIngestThroughServer(t *testing.T) {
	dir := MustCopyRepo(t)
	local := newStore(t)
	MustRun(t, &ingest.Ingester{Graph: local}, dir, ingest.Options{})

	remote := newStore(t)
	srv := MustServe(t, remote, 0)
	client := &ingest.Client{BaseURL: srv.URL, Token: testToken, HTTP: srv.Client()}
	in := &ingest.Ingester{Client: client, Workers: 3}
	s := MustRun(t, in, dir, ingest.Options{})
	if got := countsOf(s); got != (counts{added: 7}) {
		t.Fatalf("first push: %+v %v", got, s.Failed)
	}
	if l, r := MustSnapshot(t, local), MustSnapshot(t, remote); !reflect.DeepEqual(l, r) {
		t.Fatalf("pushed graph differs from the local one:\nlocal  %+v\nremote %+v", l, r)
	}

	s = MustRun(t, in, dir, ingest.Options{})
	if got := countsOf(s); got != (counts{unchanged: 7}) {
		t.Fatalf("second push: %+v", got)
	}

	MustWrite(t, dir, "misc/report.sql", brokenSQL)
	MustWrite(t, dir, "CODEOWNERS", "")
	if err := removeFile(dir, "mysql/sync.sql"); err != nil {
		t.Fatal(err)
	}
	s = MustRun(t, in, dir, ingest.Options{})
	if len(s.Failed) != 1 || s.Failed[0].File != "misc/report.sql" || s.Failed[0].Line == 0 ||
		!slices.Equal(s.Removed, []string{"fixture:mysql/sync.sql"}) || !slices.Equal(s.Updated, []string{"fixture:etl/customers.sql"}) {
		t.Fatalf("third push: %+v", s)
	}

	bad := &ingest.Ingester{Client: &ingest.Client{BaseURL: srv.URL, Token: "wrong-token-0123456789", HTTP: srv.Client()}}
	MustWrite(t, dir, "misc/other.sql", "INSERT INTO a.b SELECT * FROM c.d")
	if _, err := bad.Run(context.Background(), dir, ingest.Options{}); lineage.ErrorCode(err) != lineage.EUNAUTHORIZED {
		t.Fatalf("bad token: err = %v", err)
	}
}

// TestOpenLineageLargeEvent posts an event naming 150,000 input datasets,
// a third of them repeats in other case, and checks what is stored. Its
// deduplication was once quadratic: 27 s of CPU, past the server's write
// timeout (graph/sqlite TestNormalizeTablesLinear counts the work).
func TestOpenLineageLargeEvent(t *testing.T) {
	g := newStore(t)
	srv := MustServe(t, g, 16<<20)
	var b strings.Builder
	b.WriteString(`{"eventType": "COMPLETE", "eventTime": "2024-06-01T02:13:07Z", "producer": "test",
		"run": {"runId": "0190b2c4-8d2e-7c1a-9f3b-2f6d1e4a5b6c"},
		"job": {"namespace": "spark", "name": "wide"},
		"outputs": [{"namespace": "h", "name": "mart.wide"}], "inputs": [`)
	const n = 150_000
	distinct := 0
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		name := fmt.Sprintf("s%d.t%d", i%5, i)
		if i%3 == 2 {
			name = strings.ToUpper(fmt.Sprintf("s%d.t%d", (i-1)%5, i-1))
		} else {
			distinct++
		}
		fmt.Fprintf(&b, `{"namespace":"h","name":%q}`, name)
	}
	b.WriteString(`]}`)
	status, body := call(t, srv, "POST", "/api/v1/lineage", testToken, b.String())
	if status != http.StatusCreated || body["stored"] != true {
		t.Fatalf("got %d %v", status, errOf(body))
	}
	if reads, _ := body["reads"].([]any); len(reads) != distinct {
		t.Fatalf("answered %d reads, want %d", len(reads), distinct)
	}
	j, err := g.Job(context.Background(), "spark:wide")
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Reads) != distinct || !slices.Contains(j.Reads, "s1.t1") || slices.Contains(j.Reads, "S1.T1") {
		t.Fatalf("stored %d reads, want %d", len(j.Reads), distinct)
	}
}
