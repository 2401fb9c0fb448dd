package ingest_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// declared returns the columns the store says are declared for table.
func declared(tb testing.TB, g lineage.GraphStore, table string) []string {
	tb.Helper()
	infos, err := g.(lineage.ColumnStore).Columns(context.Background(), table)
	if err != nil {
		tb.Fatalf("columns of %s: %v", table, err)
	}
	var out []string
	for _, ci := range infos {
		if ci.Declared {
			out = append(out, ci.Name)
		}
	}
	return out
}

// refsOf returns a stored job's column uses of table as "column kind"
// strings, with "?" after unresolved ones.
func refsOf(tb testing.TB, g lineage.GraphStore, id, table string) []string {
	tb.Helper()
	var out []string
	for _, r := range MustJob(tb, g, id).Columns.Refs {
		if r.Table == table {
			s := r.Column + " " + string(r.Kind)
			if r.Unresolved {
				s += "?"
			}
			out = append(out, s)
		}
	}
	return out
}

// MustColumnImpact returns the role of each job concerned by a change of
// table's columns.
func MustColumnImpact(tb testing.TB, g lineage.GraphStore, table string, cols ...string) map[string]lineage.ImpactRole {
	tb.Helper()
	im, err := lineage.ComputeColumnImpact(context.Background(), g, g.(lineage.ColumnStore), table, cols, 1)
	if err != nil {
		tb.Fatalf("impact of %s %v: %v", table, cols, err)
	}
	return impactRoles(im)
}

const warehouseSchema = `{
  "dw.orders": ["id", "customer_id", "amount", "Status", "dt"],
  "dw.customers": ["id", "name"]
}
`

// TestSchemaFileResolvesStar: a SELECT * job ingested before anyone
// declared its table's columns may use any column; once a schema file
// declares them, the next ingest of the job's repository parses it again
// (though its script did not change), its star becomes named columns, and
// a column change lists it as must act.
func TestSchemaFileResolvesStar(t *testing.T) {
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}

	jobs := filepath.Join(t.TempDir(), "jobs")
	MustWrite(t, jobs, "lineage.yaml", "source: jobs\ndefault_owner: team-jobs\n")
	MustWrite(t, jobs, "copy.sql", "INSERT INTO mart.orders_copy SELECT * FROM dw.orders;\n")
	MustWrite(t, jobs, "by_id.sql", "INSERT INTO mart.order_ids SELECT id FROM dw.orders;\n")
	MustWrite(t, jobs, "other.sql", "INSERT INTO mart.events_copy SELECT * FROM dw.events;\n")
	if s := MustRun(t, in, jobs, ingest.Options{}); countsOf(s) != (counts{added: 3}) {
		t.Fatalf("first ingest of jobs: %+v %v", countsOf(s), s.Failed)
	}
	if got := refsOf(t, g, "jobs:copy.sql", "dw.orders"); !slices.Equal(got, []string{"* VALUE?"}) {
		t.Fatalf("before any schema, copy.sql uses %v of dw.orders, want an unresolved star", got)
	}
	if got := MustColumnImpact(t, g, "dw.orders", "status"); got["jobs:copy.sql"] != lineage.ImpactMayUse {
		t.Fatalf("before any schema, dropping dw.orders.status: %v, want copy.sql as MAY_USE", got)
	}
	// Nothing changed: nothing is parsed again, the star jobs included.
	if s := MustRun(t, in, jobs, ingest.Options{}); countsOf(s) != (counts{unchanged: 3}) {
		t.Fatalf("second ingest of jobs: %+v", countsOf(s))
	}

	wh := filepath.Join(t.TempDir(), "warehouse")
	MustWrite(t, wh, "lineage.yaml", "source: warehouse\ndefault_owner: dba\nschemas: [schemas/warehouse.json]\n")
	MustWrite(t, wh, "schemas/warehouse.json", warehouseSchema)
	if s := MustRun(t, in, wh, ingest.Options{}); countsOf(s) != (counts{added: 1}) {
		t.Fatalf("ingest of the schema file: %+v %v", countsOf(s), s.Failed)
	}
	sf := MustJob(t, g, "warehouse:schemas/warehouse.json")
	if sf.Owner != "dba" || len(sf.Reads)+len(sf.Writes) != 0 {
		t.Fatalf("the schema file's job: %+v", sf)
	}
	if got, want := declared(t, g, "dw.orders"), []string{"amount", "customer_id", "dt", "id", "status"}; !slices.Equal(got, want) {
		t.Fatalf("declared columns of dw.orders = %v, want %v", got, want)
	}

	// The next ingest of the jobs parses copy.sql again, and only it:
	// other.sql's star is over a table nobody declared.
	s := MustRun(t, in, jobs, ingest.Options{})
	if countsOf(s) != (counts{updated: 1, unchanged: 2}) || !slices.Equal(s.Updated, []string{"jobs:copy.sql"}) {
		t.Fatalf("ingest of jobs after the schema: %+v %v", countsOf(s), s.Updated)
	}
	got := refsOf(t, g, "jobs:copy.sql", "dw.orders")
	want := []string{"amount VALUE", "customer_id VALUE", "dt VALUE", "id VALUE", "status VALUE"}
	if !slices.Equal(got, want) {
		t.Fatalf("after the schema, copy.sql uses %v of dw.orders, want %v", got, want)
	}
	im, err := lineage.ComputeColumnImpact(context.Background(), g, g.(lineage.ColumnStore), "dw.orders", []string{"status"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if roles := impactRoles(im); !reflect.DeepEqual(roles, map[string]lineage.ImpactRole{"jobs:copy.sql": lineage.ImpactMustAct}) {
		t.Fatalf("dropping dw.orders.status concerns %v, want copy.sql as MUST_ACT and by_id.sql spared", roles)
	}
	// Resolved, the job is no longer parsed on every run.
	if s := MustRun(t, in, jobs, ingest.Options{}); countsOf(s) != (counts{unchanged: 3}) {
		t.Fatalf("ingest of jobs once more: %+v %v", countsOf(s), s.Updated)
	}
}

// TestSchemaFileSameRun: a script reading a table the repository's own
// schema file declares resolves its star on the first ingest.
func TestSchemaFileSameRun(t *testing.T) {
	g := newStore(t)
	dir := filepath.Join(t.TempDir(), "wh")
	MustWrite(t, dir, "lineage.yaml", "source: wh\ndefault_db: dw\nschemas:\n  - schemas/tables.yaml\n")
	MustWrite(t, dir, "schemas/tables.yaml", "# the warehouse's DDL lives in the DBA's repository\norders: [id, amount]\ndw.customers:\n  - id\n  - name\n")
	MustWrite(t, dir, "copy.sql", "INSERT INTO mart.orders_copy SELECT * FROM orders;\n")
	s := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if countsOf(s) != (counts{added: 2}) {
		t.Fatalf("ingest: %+v %v", countsOf(s), s.Failed)
	}
	if got := refsOf(t, g, "wh:copy.sql", "dw.orders"); !slices.Equal(got, []string{"amount VALUE", "id VALUE"}) {
		t.Fatalf("copy.sql uses %v of dw.orders", got)
	}
	if got := declared(t, g, "dw.customers"); !slices.Equal(got, []string{"id", "name"}) {
		t.Fatalf("declared columns of dw.customers = %v", got)
	}
	if len(s.Reparsed) != 0 {
		t.Errorf("first run parsed again %v", s.Reparsed)
	}

	// A column added to the schema file: copy.sql, unchanged, is parsed
	// again in the same run and its star now names it.
	MustWrite(t, dir, "schemas/tables.yaml", "orders: [id, amount, status]\ndw.customers: [id, name]\n")
	s = MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if !slices.Equal(s.Updated, []string{"wh:schemas/tables.yaml"}) || !slices.Equal(s.Reparsed, []string{"wh:copy.sql"}) {
		t.Fatalf("after editing the schema: updated %v, parsed again %v", s.Updated, s.Reparsed)
	}
	if got := refsOf(t, g, "wh:copy.sql", "dw.orders"); !slices.Equal(got, []string{"amount VALUE", "id VALUE", "status VALUE"}) {
		t.Fatalf("after editing the schema, copy.sql uses %v of dw.orders", got)
	}
	if s = MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{}); countsOf(s) != (counts{unchanged: 2}) || len(s.Reparsed) != 0 {
		t.Fatalf("third run: %+v, parsed again %v", countsOf(s), s.Reparsed)
	}
}

func TestSchemaFileErrors(t *testing.T) {
	tests := []struct {
		name, file, content string
		line                int
		msg                 string
	}{
		{"not JSON", "s.json", "{\n  \"dw.orders\": [\"id\",\n}\n", 3, "not valid JSON"},
		{"not an object", "s.json", "[\"dw.orders\"]", 1, "want an object"},
		{"columns not a list", "s.json", "{\n  \"dw.orders\": \"id\"\n}", 2, "must be a list"},
		{"column not a string", "s.json", "{\n  \"dw.orders\": [\"id\",\n   42]\n}", 3, "column 2 must be a name"},
		{"empty column", "s.json", "{\"dw.orders\": [\"id\", \" \"]}", 1, "column 2 must not be empty"},
		{"no column", "s.json", "{\"dw.a\": [\"x\"],\n \"dw.orders\": []}", 2, "lists no column"},
		{"table twice", "s.json", "{\"dw.orders\": [\"id\"],\n \"DW.Orders\": [\"x\"]}", 2, "listed twice; the first is on line 1"},
		{"more after", "s.json", "{\"dw.orders\": [\"id\"]}\n{}", 2, "more after"},
		{"truncated", "s.json", "{\"dw.orders\": [\"id\"", 1, "ends too soon"},
		{"not YAML", "s.yaml", "dw.orders: [id\n", 1, "expected"},
		{"YAML columns not a list", "s.yaml", "dw.a: [x]\ndw.orders: id\n", 2, "must be a list"},
		{"YAML column a map", "s.yaml", "dw.orders:\n  - id\n  - {name: amount}\n", 3, "column 2 must be a name"},
		{"YAML not a mapping", "s.yaml", "- dw.orders\n", 1, "want a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newStore(t)
			in := &ingest.Ingester{Graph: g}
			dir := filepath.Join(t.TempDir(), "wh")
			MustWrite(t, dir, "lineage.yaml", "source: wh\nschemas: [schemas/"+tt.file+"]\n")
			MustWrite(t, dir, "schemas/"+tt.file, "{\"dw.orders\": [\"id\", \"amount\"]}")
			MustRun(t, in, dir, ingest.Options{})
			MustWrite(t, dir, "schemas/"+tt.file, tt.content)
			s := MustRun(t, in, dir, ingest.Options{})
			if len(s.Failed) != 1 {
				t.Fatalf("failures: %v", s.Failed)
			}
			f := s.Failed[0]
			if f.File != "schemas/"+tt.file || f.Line != tt.line || !strings.Contains(f.Message, tt.msg) {
				t.Fatalf("failure %s, want schemas/%s:%d: ...%s...", f.Error(), tt.file, tt.line, tt.msg)
			}
			// Nothing lost: the columns stored before stay.
			if got := declared(t, g, "dw.orders"); !slices.Equal(got, []string{"amount", "id"}) {
				t.Fatalf("declared columns after a bad schema file = %v, want the earlier ones", got)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "wh")
		MustWrite(t, dir, "lineage.yaml", "source: wh\nschemas: [schemas/none.json]\n")
		s := MustRun(t, &ingest.Ingester{Graph: newStore(t)}, dir, ingest.Options{})
		if len(s.Failed) != 1 || s.Failed[0].File != "schemas/none.json" {
			t.Fatalf("failures: %v", s.Failed)
		}
	})
	for _, bad := range []struct{ yaml, msg string }{
		{"schemas: [schemas/warehouse.csv]", ".json, .yaml or .yml"},
		{"schemas: [../other/warehouse.json]", "inside the repository"},
		{"schemas: [a.json, ./a.json]", "listed twice"},
		{"schemas: a.json", "line 1"},
	} {
		t.Run(bad.yaml, func(t *testing.T) {
			_, err := ingest.ParseConfig([]byte(bad.yaml + "\n"))
			if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(lineage.ErrorMessage(err), bad.msg) || !strings.Contains(lineage.ErrorMessage(err), "lineage.yaml") {
				t.Fatalf("err = %v, want EINVALID in lineage.yaml saying %q", err, bad.msg)
			}
		})
	}
}

// TestPushDeclares: a pushed job's declarations are checked, naming the
// field, and a job of declarations alone (a schema file) needs no script.
func TestPushDeclares(t *testing.T) {
	g := newStore(t)
	srv := MustServe(t, g, 0)
	status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, `{"source": "wh", "path": "schemas/w.json", "declares": [{"table": "dw.orders", "columns": ["id", ""]}]}`)
	if status != 400 || errOf(body)["field"] != "declares[0].columns[1]" {
		t.Fatalf("got %d %v, want 400 naming declares[0].columns[1]", status, body)
	}
	status, body = call(t, srv, "POST", "/api/v1/jobs", testToken, `{"source": "wh", "path": "schemas/w.json", "declares": [{"table": "DW.Orders", "columns": ["ID", "amount"]}]}`)
	if status != 200 {
		t.Fatalf("got %d %v", status, body)
	}
	if got := declared(t, g, "dw.orders"); !slices.Equal(got, []string{"amount", "id"}) {
		t.Fatalf("declared %v", got)
	}
}

func TestPushDocumentedInvalid(t *testing.T) {
	srv := MustServe(t, newStore(t), 0)
	status, body := call(t, srv, "POST", "/api/v1/jobs", testToken, `{"source": "a", "path": "m.sql", "script": "select 1 as x", "writes": ["dw.m"], "documented": [{"table": "", "columns": ["x"]}]}`)
	if status != 400 || errOf(body)["field"] != "documented[0].table" {
		t.Fatalf("got %d %v, want 400 naming documented[0].table", status, body)
	}
}
