package ingest_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// jaffleSources declares a source with columns (and one without) beside
// jaffle_shop's staging models; refunds.sql reads it through a star.
const jaffleSources = `version: 2
sources:
  - name: shop
    schema: raw_shop
    meta: {owner: "@shop-team"}
    tables:
      - name: refunds
        columns:
          - name: refund_id
            tests: [unique]
          - name: Order_ID
          - name: amount
      - name: coupons
`

// declaresOf returns what a stored job declares, by table.
func declaresOf(tb testing.TB, g lineage.GraphStore, id string) map[string][]string {
	tb.Helper()
	m := map[string][]string{}
	for _, d := range MustJob(tb, g, id).Columns.Declares {
		m[d.Table] = d.Columns
	}
	return m
}

// TestDBTColumns: the columns: of jaffle_shop's models and of a source
// are declared; a model's SELECT * over the source resolves in the same
// run; a job elsewhere reading a model through a star, ingested before the
// project, resolves on its next ingest and becomes must act.
func TestDBTColumns(t *testing.T) {
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	rel := func(n string) string { return "analytics.dbt_prod." + n }

	jobs := filepath.Join(t.TempDir(), "jobs")
	MustWrite(t, jobs, "lineage.yaml", "source: jobs\ndefault_owner: team-jobs\n")
	MustWrite(t, jobs, "copy.sql", "INSERT INTO mart.customers_copy SELECT * FROM analytics.dbt_prod.customers;\n")
	MustWrite(t, jobs, "names.sql", "INSERT INTO mart.customer_ids SELECT customer_id FROM analytics.dbt_prod.customers;\n")
	MustRun(t, in, jobs, ingest.Options{})
	if got := MustColumnImpact(t, g, rel("customers"), "first_name"); got["jobs:copy.sql"] != lineage.ImpactMayUse {
		t.Fatalf("before the dbt project, changing customers.first_name: %v, want copy.sql as MAY_USE", got)
	}

	dir := MustJaffle(t)
	MustWrite(t, dir, "models/staging/sources.yml", jaffleSources)
	MustWrite(t, dir, "models/refunds.sql", "select * from {{ source('shop', 'refunds') }}\n")
	sum := MustRun(t, in, dir, ingest.Options{})
	if len(sum.Failed) > 0 {
		t.Fatalf("failed: %v", sum.Failed)
	}

	// A model declares its columns: and the columns its SQL outputs
	// (stg_orders' yml lists two of its four).
	if got, want := declaresOf(t, g, "jaffle_shop:models/staging/stg_orders.sql"), map[string][]string{
		rel("stg_orders"): {"customer_id", "order_date", "order_id", "status"},
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("stg_orders declares %v, want %v", got, want)
	}
	if got := declaresOf(t, g, "jaffle_shop:models/customers.sql")[rel("customers")]; !slices.Contains(got, "first_name") || !slices.Contains(got, "total_order_amount") {
		t.Errorf("customers declares %v, want its columns: from schema.yml", got)
	}
	// The source's columns are declared by a job of the file declaring
	// them, owned by the source's meta.owner; it reads and writes nothing.
	src := MustJob(t, g, "jaffle_shop:models/staging/sources.yml")
	if src.Owner != "shop-team" || len(src.Reads)+len(src.Writes) != 0 {
		t.Errorf("sources job: %+v", src)
	}
	if got, want := declaresOf(t, g, src.ID), map[string][]string{"analytics.raw_shop.refunds": {"amount", "order_id", "refund_id"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("sources job declares %v, want %v", got, want)
	}
	// refunds.sql's star over the source resolved in the same run, and its
	// output columns flow into the model's relation.
	if got := refsOf(t, g, "jaffle_shop:models/refunds.sql", "analytics.raw_shop.refunds"); !slices.Equal(got, []string{"amount VALUE", "order_id VALUE", "refund_id VALUE"}) {
		t.Errorf("refunds.sql uses %v of the source, want its three declared columns", got)
	}
	edges := MustJob(t, g, "jaffle_shop:models/refunds.sql").Columns.Flows
	if len(edges) != 3 || edges[0].Target != (lineage.ColumnName{Table: rel("refunds"), Column: "amount"}) {
		t.Errorf("refunds.sql flows %+v, want amount, order_id, refund_id into %s", edges, rel("refunds"))
	}
	if got := MustColumnImpact(t, g, "analytics.raw_shop.refunds", "order_id"); got["jaffle_shop:models/refunds.sql"] != lineage.ImpactMustAct {
		t.Errorf("changing the source's order_id: %v, want refunds.sql as MUST_ACT", got)
	}

	// The jobs repository's next ingest resolves copy.sql's star.
	s := MustRun(t, in, jobs, ingest.Options{})
	if !slices.Equal(s.Updated, []string{"jobs:copy.sql"}) {
		t.Fatalf("next ingest of jobs updated %v, want copy.sql", s.Updated)
	}
	got := MustColumnImpact(t, g, rel("customers"), "first_name")
	if got["jobs:copy.sql"] != lineage.ImpactMustAct {
		t.Fatalf("after the dbt project, changing customers.first_name: %v, want copy.sql as MUST_ACT", got)
	}
	if _, listed := got["jobs:names.sql"]; listed {
		t.Fatalf("names.sql, which uses customer_id only, is listed: %v", got)
	}

	// A column added to the yml changes the model's job, and only it.
	MustEdit(t, dir, "models/staging/schema.yml", "  - name: stg_orders\n    columns:\n", "  - name: stg_orders\n    columns:\n      - name: loaded_at\n")
	if s := MustRun(t, in, dir, ingest.Options{}); !slices.Equal(s.Updated, []string{"jaffle_shop:models/staging/stg_orders.sql"}) ||
		!slices.Equal(s.Reparsed, []string{"jaffle_shop:models/customers.sql", "jaffle_shop:models/orders.sql"}) {
		t.Errorf("after adding a column to stg_orders' yml, updated %v, parsed again %v (want its two readers)", s.Updated, s.Reparsed)
	}
	if got := refsOf(t, g, "jaffle_shop:models/orders.sql", rel("stg_orders")); !slices.Contains(got, "loaded_at VALUE") {
		t.Errorf("orders.sql's star over stg_orders does not name the new column: %v", got)
	}
	// The source file gone, its job goes with its declarations.
	if err := removeFile(dir, "models/staging/sources.yml"); err != nil {
		t.Fatal(err)
	}
	if s := MustRun(t, in, dir, ingest.Options{}); !slices.Contains(s.Removed, src.ID) {
		t.Errorf("sources.yml removed, but its job stays: removed %v", s.Removed)
	}
	if got := declared(t, g, "analytics.raw_shop.refunds"); len(got) != 0 {
		t.Errorf("the source's columns are still declared: %v", got)
	}
}

// TestDBTColumnsBadNames: a column name the graph cannot keep is a warning
// naming the file; the model keeps its other columns.
func TestDBTColumnsBadNames(t *testing.T) {
	dir := MustJaffle(t)
	MustEdit(t, dir, "models/staging/schema.yml", "  - name: stg_orders\n    columns:\n", "  - name: stg_orders\n    columns:\n      - name: \"\"\n")
	g := newStore(t)
	sum := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if len(sum.Failed) > 0 {
		t.Fatalf("failed: %v", sum.Failed)
	}
	found := false
	for _, w := range sum.Warnings {
		found = found || w.File == "models/staging/schema.yml" && strings.Contains(w.Message, "not a column name")
	}
	if !found {
		t.Errorf("no warning for the empty column name: %v", sum.Warnings)
	}
	if got := declaresOf(t, g, "jaffle_shop:models/staging/stg_orders.sql")["analytics.dbt_prod.stg_orders"]; !slices.Contains(got, "status") {
		t.Errorf("stg_orders declares %v", got)
	}
}

// TestDBTManifestColumns: with a manifest, nodes.*.columns and
// sources.*.columns are declared as the templates' columns: are.
func TestDBTManifestColumns(t *testing.T) {
	dir := MustJaffle(t)
	var m map[string]any
	if err := json.Unmarshal([]byte(jaffleManifest("v12")), &m); err != nil {
		t.Fatal(err)
	}
	cols := func(names ...string) map[string]any {
		out := map[string]any{}
		for _, n := range names {
			out[n] = map[string]any{"name": n, "description": "", "data_type": nil}
		}
		return out
	}
	m["nodes"].(map[string]any)["model.jaffle_shop.stg_orders"].(map[string]any)["columns"] = cols("order_id", "Status")
	srcNode := m["sources"].(map[string]any)["source.jaffle_shop.stripe.payments"].(map[string]any)
	srcNode["columns"] = cols("id", "orderid", "amount")
	srcNode["original_file_path"] = "models/staging/sources.yml"
	data, _ := json.Marshal(m)
	MustWrite(t, dir, "target/manifest.json", string(data))

	g := newStore(t)
	sum := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if len(sum.Failed) > 0 {
		t.Fatalf("failed: %v", sum.Failed)
	}
	// stg_orders: the manifest's columns, and those of its compiled SQL.
	if got, want := declaresOf(t, g, "jaffle_shop:models/staging/stg_orders.sql"), map[string][]string{"prod_wh.jaffle.stg_orders": {"order_id", "status"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("stg_orders declares %v, want %v", got, want)
	}
	if got, want := declaresOf(t, g, "jaffle_shop:models/staging/sources.yml"), map[string][]string{"raw.stripe.payment": {"amount", "id", "orderid"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("the sources job declares %v, want %v", got, want)
	}
	// orders.sql's compiled SELECT * over the source now names columns.
	if got := refsOf(t, g, "jaffle_shop:models/orders.sql", "raw.stripe.payment"); !slices.Contains(got, "amount VALUE") {
		t.Errorf("orders.sql uses %v of the source", got)
	}
}

// TestColumnsThroughServer: pushed through the server, a dbt project with
// columns: and a schema file give the column lineage a local ingest gives,
// stars over the repository's own declared tables resolved.
func TestColumnsThroughServer(t *testing.T) {
	dir := MustJaffle(t)
	MustWrite(t, dir, "lineage.yaml", jaffleConfig+"schemas: [warehouse.yaml]\n")
	MustWrite(t, dir, "warehouse.yaml", "dw.events: [id, kind, at]\n")
	MustWrite(t, dir, "jobs/events.sql", "INSERT INTO mart.events SELECT * FROM dw.events;\n")
	MustWrite(t, dir, "models/staging/sources.yml", jaffleSources)
	MustWrite(t, dir, "models/refunds.sql", "select * from {{ source('shop', 'refunds') }}\n")
	local := newStore(t)
	if s := MustRun(t, &ingest.Ingester{Graph: local}, dir, ingest.Options{}); len(s.Failed) > 0 {
		t.Fatalf("local: %v", s.Failed)
	}
	remote := newStore(t)
	srv := MustServe(t, remote, 0)
	in := &ingest.Ingester{Client: &ingest.Client{BaseURL: srv.URL, Token: testToken, HTTP: srv.Client()}}
	if s := MustRun(t, in, dir, ingest.Options{}); len(s.Failed) > 0 {
		t.Fatalf("push: %v", s.Failed)
	}
	l, r := MustSnapshot(t, local), MustSnapshot(t, remote)
	if len(l) != len(r) {
		t.Fatalf("pushed %d jobs, local %d", len(r), len(l))
	}
	for id, lj := range l {
		if !reflect.DeepEqual(lj.Columns, r[id].Columns) {
			t.Errorf("%s: local columns %+v\npushed %+v", id, lj.Columns, r[id].Columns)
		}
	}
	if got := refsOf(t, remote, "jaffle_shop:jobs/events.sql", "dw.events"); !slices.Equal(got, []string{"at VALUE", "id VALUE", "kind VALUE"}) {
		t.Errorf("pushed events.sql uses %v of dw.events", got)
	}
	if s := MustRun(t, in, dir, ingest.Options{}); len(s.Added)+len(s.Updated) != 0 {
		t.Errorf("second push: %+v", s.Counts)
	}
}
