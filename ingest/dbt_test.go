package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// realworldRepos is the shared corpus of real repository layouts.
const realworldRepos = "../../shared/corpus/realworld/repos"

// MustCopyFixture copies a repository of the shared corpus into a
// temporary directory, where the test may add a lineage.yaml; the corpus
// itself is read-only.
func MustCopyFixture(tb testing.TB, name string) string {
	tb.Helper()
	src := filepath.Join(realworldRepos, name)
	if _, err := os.Stat(src); err != nil {
		tb.Skipf("fixture %s is missing (the shared corpus sits at ../shared beside the worktree): %v", src, err)
	}
	dst := filepath.Join(tb.TempDir(), name)
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// MustEdit replaces old by new in a file of dir, failing when old is not there.
func MustEdit(tb testing.TB, dir, name, old, new string) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		tb.Fatalf("%s lacks %q", name, old)
	}
	MustWrite(tb, dir, name, strings.Replace(string(data), old, new, 1))
}

// MustJob returns a stored job with its lineage.
func MustJob(tb testing.TB, g lineage.GraphStore, id string) *lineage.JobInfo {
	tb.Helper()
	j, err := g.Job(context.Background(), id)
	if err != nil {
		tb.Fatalf("job %s: %v", id, err)
	}
	return j
}

// jaffleConfig is the lineage.yaml the README gives for a dbt project.
const jaffleConfig = `source: jaffle_shop
dbt:
  database: analytics
  schema: dbt_prod
default_owner: data-platform
`

// MustJaffle copies the jaffle_shop fixture with a lineage.yaml and owners
// in the three places dbt keeps them: +meta by folder in dbt_project.yml
// (the whole project, and staging/), and config.meta of one model.
func MustJaffle(tb testing.TB) string {
	tb.Helper()
	dir := MustCopyFixture(tb, "jaffle_shop")
	MustWrite(tb, dir, "lineage.yaml", jaffleConfig)
	MustEdit(tb, dir, "dbt_project.yml", "      materialized: table\n      staging:\n        materialized: view",
		"      materialized: table\n      +meta: {owner: analytics@jaffle.example}\n      staging:\n        materialized: view\n        +meta:\n          owner: \"@staging-team\"")
	MustEdit(tb, dir, "models/schema.yml", "  - name: orders\n", "  - name: orders\n    config:\n      meta: {owner: orders-team}\n")
	return dir
}

func TestDBTJaffleShop(t *testing.T) {
	dir := MustJaffle(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	sum := MustRun(t, in, dir, ingest.Options{})
	if len(sum.Failed) > 0 {
		t.Fatalf("failed: %v", sum.Failed)
	}
	rel := func(n string) string { return "analytics.dbt_prod." + n }
	tests := []struct {
		id, owner     string
		reads, writes []string
	}{
		{"models/staging/stg_customers.sql", "staging-team", []string{rel("raw_customers")}, []string{rel("stg_customers")}},
		{"models/staging/stg_orders.sql", "staging-team", []string{rel("raw_orders")}, []string{rel("stg_orders")}},
		{"models/staging/stg_payments.sql", "staging-team", []string{rel("raw_payments")}, []string{rel("stg_payments")}},
		{"models/customers.sql", "analytics@jaffle.example", []string{rel("stg_customers"), rel("stg_orders"), rel("stg_payments")}, []string{rel("customers")}},
		{"models/orders.sql", "orders-team", []string{rel("stg_orders"), rel("stg_payments")}, []string{rel("orders")}},
		{"seeds/raw_orders.csv", "data-platform", []string{}, []string{rel("raw_orders")}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			j := MustJob(t, g, "jaffle_shop:"+tt.id)
			if !slices.Equal(j.Reads, tt.reads) || !slices.Equal(j.Writes, tt.writes) {
				t.Errorf("reads %v writes %v, want %v %v", j.Reads, j.Writes, tt.reads, tt.writes)
			}
			if j.Owner != tt.owner {
				t.Errorf("owner %q, want %q", j.Owner, tt.owner)
			}
		})
	}
	// The seed's impact reaches the marts, with their owners.
	imp, err := g.Impact(context.Background(), rel("raw_orders"), 3)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range imp.Owners {
		for _, j := range o.Jobs {
			got[j.Job.ID] = o.Owner.Handle
		}
	}
	want := map[string]string{
		"jaffle_shop:models/staging/stg_orders.sql": "staging-team",
		"jaffle_shop:models/customers.sql":          "analytics@jaffle.example",
		"jaffle_shop:models/orders.sql":             "orders-team",
	}
	for id, owner := range want {
		if got[id] != owner {
			t.Errorf("impact of raw_orders: job %s owner %q, want %q (all: %v)", id, got[id], owner, got)
		}
	}
	o, err := g.Owner(context.Background(), "analytics@jaffle.example")
	if err != nil || o.Email != "analytics@jaffle.example" {
		t.Errorf("owner details %+v, %v: want the e-mail kept", o, err)
	}

	// A second run changes nothing.
	sum = MustRun(t, in, dir, ingest.Options{})
	if sum.Unchanged != 8 || len(sum.Added)+len(sum.Updated) != 0 {
		t.Errorf("second run: %+v", sum.Counts)
	}
}

// scanWarnings returns the plan's warnings as FILE:LINE: MESSAGE lines.
func scanWarnings(p *ingest.Plan) string {
	var b strings.Builder
	for _, w := range p.Warnings {
		b.WriteString(w.Error() + "\n")
	}
	return b.String()
}

func jobByPath(tb testing.TB, p *ingest.Plan, path string) ingest.Spec {
	tb.Helper()
	for _, s := range p.Jobs {
		if s.Path == path {
			return s
		}
	}
	tb.Fatalf("no job for %s; jobs: %v", path, p.Jobs)
	return ingest.Spec{}
}

func TestDBTNames(t *testing.T) {
	fsys := fstest.MapFS{
		"lineage.yaml": {Data: []byte("dbt: {database: WH, schema: prod}\ndefault_owner: fallback\n")},
		"proj/dbt_project.yml": {Data: []byte(`name: shop
model-paths: ["models"]
vars:
  region: eu
models:
  shop:
    marts:
      +schema: marts
      finance:
        +database: fin_db
        +alias: ignored_by_config
    legacy:
      enabled: false
seeds:
  shop:
    +schema: raw
`)},
		"proj/models/sources.yml": {Data: []byte(`version: 2
sources:
  - name: app
    database: raw_db
    schema: app_prod
    tables:
      - name: events
        identifier: evts
      - name: users
  - name: crm
    tables:
      - name: accounts
models:
  - name: stg_events
    config: {alias: events_clean}
`)},
		"proj/models/marts/finance/revenue.sql":  {Data: []byte("{{ config(alias='rev', materialized='incremental') }}\nselect * from {{ ref('stg_events') }} e\njoin {{ ref('shop', 'countries') }} c on c.id = e.country\n{% if is_incremental() %}\nwhere e.ts > (select max(ts) from {{ this }})\n{% endif %}\n")},
		"proj/models/marts/orders.sql":           {Data: []byte("{{\n  config(\n    schema='sales'\n  )\n}}\nselect * from {{ source('crm', 'accounts') }} where region = '{{ var(\"region\") }}'\n")},
		"proj/models/staging/stg_events.sql":     {Data: []byte("select * from {{ source('app', 'events') }} join {{ source('app','users') }} using (uid)\n")},
		"proj/models/legacy/old.sql":             {Data: []byte("select 1\n")},
		"proj/models/staging/eph.sql":            {Data: []byte("{{ config(materialized='ephemeral') }}\nselect * from {{ source('app', 'users') }}\n")},
		"proj/models/marts/uses_eph.sql":         {Data: []byte("select * from {{ ref('eph') }} e\njoin {{ ref('stg_events') }} s using (uid)\n")},
		"proj/models/marts/dyn.sql":              {Data: []byte("{%- set rel = ref('stg_events') -%}\nselect * from {{ rel }}\n")},
		"proj/macros/m.sql":                      {Data: []byte("{% macro m() %}select 1{% endmacro %}\n")},
		"proj/target/compiled/shop/models/x.sql": {Data: []byte("select 1\n")},
		"proj/analyses/a.sql":                    {Data: []byte("select 1\n")},
		"proj/scripts/grants.sql":                {Data: []byte("insert into audit.grants select * from x\n")},
		"proj/seeds/countries.csv":               {Data: []byte("id,name\n")},
		"proj/snapshots/snap.sql":                {Data: []byte("{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='ts') }}\nselect * from {{ ref('orders') }}\n{% endsnapshot %}\n")},
		"other/plain.sql":                        {Data: []byte("insert into x select * from y\n")},
	}
	p, err := ingest.Scan(fsys, "s")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, kind    string
		writes, reads []string
	}{
		// config(alias) beats +alias; +database by folder; custom schema = target_custom.
		{"proj/models/marts/finance/revenue.sql", "dbt model", []string{"fin_db.prod_marts.rev"}, []string{"wh.prod.events_clean", "wh.prod_raw.countries"}},
		// config(schema) in the model beats +schema of its folder.
		{"proj/models/marts/orders.sql", "dbt model", []string{"wh.prod_sales.orders"}, []string{"wh.crm.accounts"}},
		// A source's database, schema and identifier; schema defaults to its name.
		{"proj/models/staging/stg_events.sql", "dbt model", []string{"wh.prod.events_clean"}, []string{"raw_db.app_prod.evts", "raw_db.app_prod.users"}},
		{"proj/seeds/countries.csv", "dbt seed", []string{"wh.prod_raw.countries"}, nil},
		// A snapshot is named by its block; target_schema is taken as is.
		{"proj/snapshots/snap.sql", "dbt snapshot", []string{"wh.snapshots.orders_snapshot"}, []string{"wh.prod_sales.orders"}},
		{"other/plain.sql", "", nil, nil},
		// An ephemeral model is no job: who refs it reads what it reads.
		{"proj/models/marts/uses_eph.sql", "dbt model", []string{"wh.prod_marts.uses_eph"}, []string{"raw_db.app_prod.users", "wh.prod.events_clean"}},
		// A ref in a {% statement %} is a dependency, as dbt counts it.
		{"proj/models/marts/dyn.sql", "dbt model", []string{"wh.prod_marts.dyn"}, []string{"wh.prod.events_clean"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := jobByPath(t, p, tt.path)
			if s.Kind != tt.kind || !slices.Equal(s.Writes, tt.writes) || !slices.Equal(s.Reads, tt.reads) {
				t.Errorf("kind %q writes %v reads %v; want %q %v %v", s.Kind, s.Writes, s.Reads, tt.kind, tt.writes, tt.reads)
			}
		})
	}
	for _, s := range p.Jobs {
		if strings.Contains(s.Path, "legacy") || s.Path == "proj/models/staging/eph.sql" || strings.Contains(s.Path, "macros") || strings.Contains(s.Path, "target") || strings.Contains(s.Path, "analyses") {
			t.Errorf("%s is a job: disabled and ephemeral models, macros, analyses and compiled files are not", s.Path)
		}
	}
	// SQL beside the project that dbt does not read stays a script.
	jobByPath(t, p, "proj/scripts/grants.sql")
	if w := scanWarnings(p); w != "" {
		t.Errorf("warnings:\n%s", w)
	}

	// Through the parser: the rendered text keeps the file's lines, and
	// a model reading {{ this }} does not read itself.
	g := newStore(t)
	sum, err := (&ingest.Ingester{Graph: g}).RunFS(context.Background(), fsys, ingest.Options{Source: "s"})
	if err != nil || len(sum.Failed) > 0 {
		t.Fatalf("run: %v %v", err, sum.Failed)
	}
	j := MustJob(t, g, "s:proj/models/marts/finance/revenue.sql")
	if !slices.Equal(j.Reads, []string{"wh.prod.events_clean", "wh.prod_raw.countries"}) || !slices.Equal(j.Writes, []string{"fin_db.prod_marts.rev"}) {
		t.Errorf("revenue: reads %v writes %v", j.Reads, j.Writes)
	}
	if !strings.Contains(j.Script, "{{ ref('stg_events') }}") {
		t.Errorf("the stored script is not the model as written:\n%s", j.Script)
	}
	j = MustJob(t, g, "s:proj/models/marts/uses_eph.sql")
	if !slices.Equal(j.Reads, []string{"raw_db.app_prod.users", "wh.prod.events_clean"}) {
		t.Errorf("uses_eph reads %v: want no CTE of the ephemeral model", j.Reads)
	}
	j = MustJob(t, g, "s:other/plain.sql")
	if !slices.Equal(j.Writes, []string{"x"}) {
		t.Errorf("a plain script beside a dbt project: writes %v", j.Writes)
	}
}

func TestDBTBadInput(t *testing.T) {
	base := fstest.MapFS{
		"lineage.yaml":       {Data: []byte("dbt: {schema: prod}\n")},
		"dbt_project.yml":    {Data: []byte("name: p\n")},
		"models/good.sql":    {Data: []byte("select 1 as x\n")},
		"models/dyn_cfg.sql": {Data: []byte("{{ config(schema=var('s'), alias='x') }}\nselect 1 as y\n")},
		"models/broken.sql":  {Data: []byte("{{\n  config(alias='broken')\n}}\nselect 1 as x, 'oops\n")},
		"models/bad.sql":     {Data: []byte("select *\nfrom {{ ref('nope') }}\njoin {{ source('ghost', 't') }} using (id)\n{{ my_macro('x') }}\n")},
	}
	p, err := ingest.Scan(base, "s")
	if err != nil {
		t.Fatal(err)
	}
	w := scanWarnings(p)
	for _, want := range []string{
		"models/bad.sql:2: {{ ref('nope') }}: no model, seed or snapshot named nope in this repository; read as prod.nope",
		"models/bad.sql:3: {{ source('ghost', 't') }}: source ghost.t is not declared in a sources: block",
		"models/dyn_cfg.sql:1: config(schema=var('s')) is an expression ingest cannot evaluate; schema is taken from the project's other configs",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	g := newStore(t)
	sum, err := (&ingest.Ingester{Graph: g}).RunFS(context.Background(), base, ingest.Options{Source: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) > 0 {
		t.Errorf("failed: %v", sum.Failed)
	}
	// Every job is stored: the one with a missing ref and an unknown
	// macro, and the one the parser cannot read, which still writes its
	// relation and reads its ref.
	j := MustJob(t, g, "s:models/bad.sql")
	if !slices.Equal(j.Writes, []string{"prod.bad"}) || !slices.Contains(j.Reads, "prod.nope") || !slices.Contains(j.Reads, "ghost.t") {
		t.Errorf("bad.sql: reads %v writes %v", j.Reads, j.Writes)
	}
	if j := MustJob(t, g, "s:models/dyn_cfg.sql"); !slices.Equal(j.Writes, []string{"prod.x"}) {
		t.Errorf("dyn_cfg.sql writes %v: want the alias, without the schema it cannot know", j.Writes)
	}
	j = MustJob(t, g, "s:models/broken.sql")
	if !slices.Equal(j.Writes, []string{"prod.broken"}) || len(j.Reads) != 0 {
		t.Errorf("broken.sql: reads %v writes %v", j.Reads, j.Writes)
	}
	var macro, broken bool
	for _, w := range sum.Warnings {
		if w.File == "models/bad.sql" && w.Line == 4 && strings.Contains(w.Message, "my_macro") {
			macro = true
		}
		if w.File == "models/broken.sql" && w.Line == 4 && strings.Contains(w.Message, "stored with the lineage its layout gives") {
			broken = true
		}
	}
	if !macro || !broken {
		t.Errorf("want warnings for the unknown macro (bad.sql:4) and the unparsable model (broken.sql:4: the line of the file, after a three-line config); got %v", sum.Warnings)
	}
}

// jaffleManifest is a compiled manifest of jaffle_shop in the shape dbt
// documents (https://schemas.getdbt.com/dbt/manifest/v12.json), trimmed
// to the fields ingest reads and a few it does not. Its relations are in
// a database and schema the templates would not give, so a test can tell
// which one was used.
func jaffleManifest(version string) string {
	node := func(kind, name, file, deps, code, extra string) string {
		return `"` + kind + `.jaffle_shop.` + name + `": {
      "resource_type": "` + kind + `", "name": "` + name + `", "package_name": "jaffle_shop",
      "path": "` + name + `.sql", "original_file_path": "` + file + `",
      "unique_id": "` + kind + `.jaffle_shop.` + name + `", "fqn": ["jaffle_shop", "` + name + `"],
      "database": "prod_wh", "schema": "jaffle", "alias": "` + name + `",
      "relation_name": "\"prod_wh\".\"jaffle\".\"` + name + `\"",
      "depends_on": {"macros": [], "nodes": [` + deps + `]},
      "compiled_code": "` + code + `",
      "config": {"enabled": true, "materialized": "table"` + extra + `},
      "meta": {}, "tags": [], "columns": {}}`
	}
	return `{
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/` + version + `.json", "dbt_version": "1.8.2",
    "generated_at": "2024-06-01T00:00:00Z", "project_name": "jaffle_shop", "adapter_type": "postgres"},
  "nodes": {
    ` + node("seed", "raw_orders", "seeds/raw_orders.csv", ``, ``, ``) + `,
    ` + node("model", "stg_orders", "models/staging/stg_orders.sql", `"seed.jaffle_shop.raw_orders"`,
		`select id as order_id from \"prod_wh\".\"jaffle\".\"raw_orders\"`, `, "meta": {"owner": "ops@jaffle.example"}`) + `,
    ` + node("model", "orders", "models/orders.sql", `"model.jaffle_shop.stg_orders", "model.jaffle_shop.eph_payments"`,
		`select * from \"prod_wh\".\"jaffle\".\"stg_orders\" join \"raw\".\"stripe\".\"payment\" using (order_id) join audit.log using (order_id)`, `, "group": "finance"`) + `,    "model.jaffle_shop.eph_payments": {"resource_type": "model", "name": "eph_payments", "package_name": "jaffle_shop",
      "original_file_path": "models/eph_payments.sql", "relation_name": null, "database": "prod_wh", "schema": "jaffle", "alias": "eph_payments",
      "depends_on": {"nodes": ["source.jaffle_shop.stripe.payments"]}, "config": {"materialized": "ephemeral"}},
    "test.jaffle_shop.not_null_orders_order_id": {"resource_type": "test", "name": "not_null_orders_order_id", "package_name": "jaffle_shop",
      "original_file_path": "models/schema.yml", "depends_on": {"nodes": ["model.jaffle_shop.orders"]}, "config": {}}
  },
  "sources": {
    "source.jaffle_shop.stripe.payments": {"resource_type": "source", "name": "payments", "source_name": "stripe",
      "database": "raw", "schema": "stripe", "identifier": "payment", "relation_name": "\"raw\".\"stripe\".\"payment\""}
  },
  "groups": {
    "group.jaffle_shop.finance": {"name": "finance", "resource_type": "group", "package_name": "jaffle_shop",
      "owner": {"name": "Finance", "email": "finance@jaffle.example"}}
  },
  "macros": {}, "docs": {}, "exposures": {}, "metrics": {}, "selectors": {}, "disabled": {},
  "parent_map": {}, "child_map": {}, "group_map": {}, "semantic_models": {}
}`
}

func TestDBTManifest(t *testing.T) {
	dir := MustJaffle(t)
	MustWrite(t, dir, "target/manifest.json", jaffleManifest("v12"))
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	sum := MustRun(t, in, dir, ingest.Options{})
	if len(sum.Failed) > 0 {
		t.Fatalf("failed: %v", sum.Failed)
	}
	if sum.Jobs != 3 {
		t.Errorf("jobs %d, want the manifest's 3 (seed and two models; tests are not jobs)", sum.Jobs)
	}
	tests := []struct {
		id, owner     string
		reads, writes []string
	}{
		{"models/staging/stg_orders.sql", "ops@jaffle.example", []string{"prod_wh.jaffle.raw_orders"}, []string{"prod_wh.jaffle.stg_orders"}},
		// depends_on gives the source (through an ephemeral model); the
		// compiled code adds what it reads without a ref.
		{"models/orders.sql", "finance@jaffle.example", []string{"audit.log", "prod_wh.jaffle.stg_orders", "raw.stripe.payment"}, []string{"prod_wh.jaffle.orders"}},
		{"seeds/raw_orders.csv", "data-platform", []string{}, []string{"prod_wh.jaffle.raw_orders"}},
	}
	for _, tt := range tests {
		j := MustJob(t, g, "jaffle_shop:"+tt.id)
		if !slices.Equal(j.Reads, tt.reads) || !slices.Equal(j.Writes, tt.writes) || j.Owner != tt.owner {
			t.Errorf("%s: reads %v writes %v owner %q; want %v %v %q", tt.id, j.Reads, j.Writes, j.Owner, tt.reads, tt.writes, tt.owner)
		}
	}
	if o, err := g.Owner(context.Background(), "finance@jaffle.example"); err != nil || o.Team != "finance" {
		t.Errorf("group owner details %+v, %v", o, err)
	}

	// A manifest of a version ingest does not know is a warning naming it,
	// and the project is read from its templates instead.
	MustWrite(t, dir, "target/manifest.json", jaffleManifest("v99"))
	sum = MustRun(t, in, dir, ingest.Options{})
	found := false
	for _, w := range sum.Warnings {
		if w.File == "target/manifest.json" && strings.Contains(w.Message, `"https://schemas.getdbt.com/dbt/manifest/v99.json" is not a manifest version ingest reads`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about the manifest's version: %v", sum.Warnings)
	}
	j := MustJob(t, g, "jaffle_shop:models/orders.sql")
	if !slices.Equal(j.Writes, []string{"analytics.dbt_prod.orders"}) {
		t.Errorf("after an unknown manifest: orders writes %v, want the templates' relation", j.Writes)
	}
	if sum.Jobs != 8 {
		t.Errorf("jobs %d, want 8 from the templates", sum.Jobs)
	}
}

// TestDBTThroughServer pushes a dbt project through the push endpoint: the
// server builds the same lineage and owners as a local ingest (the
// rendered model is what it parses, so scripts and hashes differ), seeds
// go without SQL, and a second push sends nothing.
func TestDBTThroughServer(t *testing.T) {
	dir := MustJaffle(t)
	local := newStore(t)
	MustRun(t, &ingest.Ingester{Graph: local}, dir, ingest.Options{})

	remote := newStore(t)
	srv := MustServe(t, remote, 0)
	in := &ingest.Ingester{Client: &ingest.Client{BaseURL: srv.URL, Token: testToken, HTTP: srv.Client()}}
	s := MustRun(t, in, dir, ingest.Options{})
	if len(s.Added) != 8 || len(s.Failed) > 0 {
		t.Fatalf("push: added %v failed %v", s.Added, s.Failed)
	}
	l, r := MustSnapshot(t, local), MustSnapshot(t, remote)
	for id, lj := range l {
		rj := r[id]
		if !slices.Equal(lj.Reads, rj.Reads) || !slices.Equal(lj.Writes, rj.Writes) || lj.Owner != rj.Owner || lj.OwnerInfo != rj.OwnerInfo {
			t.Errorf("%s: local %v %v %q %+v, pushed %v %v %q %+v", id, lj.Reads, lj.Writes, lj.Owner, lj.OwnerInfo, rj.Reads, rj.Writes, rj.Owner, rj.OwnerInfo)
		}
	}
	if len(r) != len(l) {
		t.Errorf("pushed %d jobs, local %d", len(r), len(l))
	}
	if s = MustRun(t, in, dir, ingest.Options{}); s.Unchanged != 8 {
		t.Errorf("second push: %+v", s.Counts)
	}
}

func TestDBTManifestPath(t *testing.T) {
	dir := MustJaffle(t)
	MustWrite(t, dir, "build/compiled.json", jaffleManifest("v11"))
	MustWrite(t, dir, "lineage.yaml", "source: jaffle_shop\ndbt:\n  database: analytics\n  schema: dbt_prod\n  manifest: build/compiled.json\n")
	p, err := ingest.Scan(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	if s := jobByPath(t, p, "models/orders.sql"); !slices.Equal(s.Writes, []string{"prod_wh.jaffle.orders"}) || !strings.HasPrefix(s.WritesFrom, "dbt manifest build/compiled.json") {
		t.Errorf("orders: writes %v from %q, want the manifest's", s.Writes, s.WritesFrom)
	}
	MustWrite(t, dir, "lineage.yaml", "source: jaffle_shop\ndbt:\n  schema: dbt_prod\n  manifest: build/missing.json\n")
	p, err = ingest.Scan(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	if w := scanWarnings(p); !strings.Contains(w, "lineage.yaml: dbt: manifest: build/missing.json does not exist; the models are read from their templates") {
		t.Errorf("warnings:\n%s", w)
	}
	if s := jobByPath(t, p, "models/orders.sql"); !slices.Equal(s.Writes, []string{"dbt_prod.orders"}) {
		t.Errorf("orders: writes %v, want the templates' relation", s.Writes)
	}
}

// TestDBTBrokenProject: a dbt_project.yml or a properties file that is not
// YAML fails the project with file and line; its stored jobs keep their
// lineage (they are not read as plain scripts, nor removed). With a broken
// properties file, scripts outside dbt's directories are still ingested;
// with a broken dbt_project.yml, which says where those are, nothing under
// it changes.
func TestDBTBrokenProject(t *testing.T) {
	dir := MustJaffle(t)
	MustWrite(t, dir, "scripts/grants.sql", "insert into audit.grants select * from analytics.dbt_prod.orders\n")
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})
	before := MustSnapshot(t, g)

	tests := []struct {
		name, file, content, want string
		updated                   []string
	}{
		{"properties", "models/schema.yml", "models:\n  - name: orders\n    config: {alias: [\n", "models/schema.yml:", []string{"jaffle_shop:scripts/grants.sql"}},
		{"project", "dbt_project.yml", "name: jaffle_shop\nmodels: [oops\n", "dbt_project.yml:", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer MustWrite(t, dir, tt.file, string(data))
			MustWrite(t, dir, tt.file, tt.content)
			MustWrite(t, dir, "scripts/grants.sql", "insert into audit.grants_"+tt.name+" select * from analytics.dbt_prod.orders\n")
			sum := MustRun(t, in, dir, ingest.Options{})
			if len(sum.Failed) != 1 || !strings.HasPrefix(sum.Failed[0].Error(), tt.want) || sum.Failed[0].Line == 0 ||
				!strings.Contains(sum.Failed[0].Message, "the dbt project's jobs are left as they are") {
				t.Errorf("failed %v, want one failure at %s with its line", sum.Failed, tt.want)
			}
			if len(sum.Removed) > 0 || !slices.Equal(sum.Updated, tt.updated) {
				t.Errorf("removed %v, updated %v: want %v updated", sum.Removed, sum.Updated, tt.updated)
			}
			after := MustSnapshot(t, g)
			for id, j := range before {
				if id != "jaffle_shop:scripts/grants.sql" && !reflect.DeepEqual(after[id], j) {
					t.Errorf("%s changed:\n%+v\n%+v", id, j, after[id])
				}
			}
		})
	}
}

func TestDBTCustomSchema(t *testing.T) {
	files := func(cfg string) fstest.MapFS {
		return fstest.MapFS{
			"lineage.yaml":                 {Data: []byte(cfg)},
			"dbt_project.yml":              {Data: []byte("name: p\nmodels:\n  p:\n    marts:\n      +schema: marts\n")},
			"models/marts/a.sql":           {Data: []byte("select 1 as x\n")},
			"macros/get_custom_schema.sql": {Data: []byte("-- prod uses the custom schema alone\n{% macro generate_schema_name(custom_schema_name, node) -%}\n  {{ custom_schema_name | trim }}\n{%- endmacro %}\n")},
		}
	}
	tests := []struct{ cfg, want string }{
		{"dbt: {schema: prod}\n", "prod_marts.a"},
		{"dbt: {schema: prod, custom_schema: append}\n", "prod_marts.a"},
		{"dbt: {schema: prod, custom_schema: replace}\n", "marts.a"},
	}
	for _, tt := range tests {
		p, err := ingest.Scan(files(tt.cfg), "s")
		if err != nil {
			t.Fatal(err)
		}
		if s := jobByPath(t, p, "models/marts/a.sql"); !slices.Equal(s.Writes, []string{tt.want}) {
			t.Errorf("%s: writes %v, want %s", tt.cfg, s.Writes, tt.want)
		}
		if w := scanWarnings(p); !strings.Contains(w, "macros/get_custom_schema.sql:2: the project overrides dbt's generate_schema_name") {
			t.Errorf("no warning about the macro:\n%s", w)
		}
	}
	_, err := ingest.ParseConfig([]byte("dbt:\n  custom_schema: sometimes\n"))
	if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(lineage.ErrorMessage(err), "lineage.yaml:2:18: custom_schema is append") {
		t.Errorf("bad custom_schema: %v", err)
	}
}
