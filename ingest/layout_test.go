package ingest_test

import (
	"context"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// bigqueryETLConfig is the lineage.yaml the README gives for bigquery-etl.
const bigqueryETLConfig = `source: bigquery-etl
default_dialect: bigquery
include: ["sql/**/query.sql"]
writes:
  "sql/{project}/{dataset}/{table}/query.sql": "{project}.{dataset}.{table}"
`

func TestBigQueryETL(t *testing.T) {
	dir := MustCopyFixture(t, "bigquery-etl")
	MustWrite(t, dir, "lineage.yaml", bigqueryETLConfig)
	g := newStore(t)
	sum := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if sum.Jobs < 400 {
		t.Fatalf("%d jobs; the fixture has 426 query.sql", sum.Jobs)
	}
	if len(sum.Watchers) == 0 {
		t.Error("the summary lists no watchers, though several metadata.yaml files name more than one owner")
	}
	p, err := ingest.Scan(os.DirFS(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	right, withOwner := 0, 0
	var wrong []string
	for _, s := range p.Jobs {
		parts := strings.Split(s.Path, "/") // sql/PROJECT/DATASET/TABLE/query.sql
		want := strings.ToLower(strings.Join(parts[1:4], "."))
		j := MustJob(t, g, s.ID)
		if slices.Contains(j.Writes, want) {
			right++
		} else {
			wrong = append(wrong, s.Path)
		}
		if j.Owner != "" && strings.HasPrefix(s.OwnerFrom, path.Dir(s.Path)+"/metadata.yaml:") {
			withOwner++
		}
	}
	if right*100 < len(p.Jobs)*99 {
		t.Errorf("%d of %d jobs write the table of their directory; these do not: %v", right, len(p.Jobs), wrong)
	}
	if withOwner*100 < len(p.Jobs)*99 {
		t.Errorf("%d of %d jobs have their owner from metadata.yaml", withOwner, len(p.Jobs))
	}

	// metadata.yaml: the first owner owns the job, the others watch it.
	var watched bool
	for _, s := range p.Jobs {
		if len(s.Watchers) > 0 && !slices.Contains(s.Watchers, s.Owner) {
			watched = true
			// The store keeps them with the job, for campaign tickets.
			if got := MustJob(t, g, s.ID).Watchers; !slices.Equal(got, slices.Sorted(slices.Values(s.Watchers))) {
				t.Errorf("%s: stored watchers %v, want %v", s.ID, got, s.Watchers)
			}
		}
	}
	if !watched {
		t.Error("no job has watchers, though several metadata.yaml files name more than one owner")
	}

	// A table that jobs write and other jobs read: its downstream impact
	// crosses several jobs and owners, who get their e-mail.
	const table = "moz-fx-data-shared-prod.subscription_platform_derived.stripe_subscriptions_history_v2"
	imp, err := g.Impact(context.Background(), table, 5)
	if err != nil {
		t.Fatal(err)
	}
	maxHops := 0
	for _, o := range imp.Owners {
		for _, j := range o.Jobs {
			maxHops = max(maxHops, j.Hops)
		}
	}
	if imp.Jobs < 3 || maxHops < 2 {
		t.Errorf("impact of %s: %d jobs, %d hops deep; want several jobs, beyond its direct readers", table, imp.Jobs, maxHops)
	}
	for _, o := range imp.Owners {
		if o.Owner.Email != o.Owner.Handle || !strings.Contains(o.Owner.Email, "@") {
			t.Errorf("owner %+v: want the e-mail of metadata.yaml", o.Owner)
		}
	}
	tinfo, err := g.Table(context.Background(), table)
	if err != nil || len(tinfo.Writers) == 0 {
		t.Errorf("%s has no writer (%v)", table, err)
	}
}

func TestWriteRules(t *testing.T) {
	fsys := fstest.MapFS{
		"lineage.yaml": {Data: []byte(`writes:
  "jobs/{db}/{table}.sql": "{db}.{table}"
  "jobs/legacy/*/{table}.sql": "old.{table}"
  "sql/**/{dataset}/{table}/query.sql": "proj.{dataset}.{table}"
`)},
		"jobs/sales/orders.sql":       {Data: []byte("select * from raw.orders\n")},
		"jobs/legacy/x/items.sql":     {Data: []byte("insert into also.here select * from raw.items\n")},
		"sql/a/b/ds/t1/query.sql":     {Data: []byte("select 1\n")},
		"wf/main.sch.yaml":            {Data: []byte("jobs:\n  - {id: load, type: sql, script: load.sql, writes: [dw.loaded, dw.Audit]}\n  - {id: plain, type: hive, script: plain.q}\n")},
		"wf/load.sql":                 {Data: []byte("select * from raw.events\n")},
		"wf/plain.q":                  {Data: []byte("insert overwrite table dw.p select * from raw.p\n")},
		"unrelated/nothing/query.sql": {Data: []byte("select 1\n")},
	}
	p, err := ingest.Scan(fsys, "s")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, from string
		writes   []string
	}{
		{"s:jobs/sales/orders.sql", "lineage.yaml:2", []string{"sales.orders"}},
		// The last matching rule wins.
		{"s:jobs/legacy/x/items.sql", "lineage.yaml:3", []string{"old.items"}},
		{"s:sql/a/b/ds/t1/query.sql", "lineage.yaml:4", []string{"proj.ds.t1"}},
		{"s:wf/load", "workflow wf/main.sch.yaml:2", []string{"dw.loaded", "dw.audit"}},
		{"s:wf/plain", "", nil},
		{"s:unrelated/nothing/query.sql", "", nil},
	}
	for _, tt := range tests {
		var s *ingest.Spec
		for i := range p.Jobs {
			if p.Jobs[i].ID == tt.id {
				s = &p.Jobs[i]
			}
		}
		if s == nil {
			t.Errorf("no job %s", tt.id)
			continue
		}
		if !slices.Equal(s.Writes, tt.writes) || s.WritesFrom != tt.from {
			t.Errorf("%s: writes %v from %q, want %v from %q", tt.id, s.Writes, s.WritesFrom, tt.writes, tt.from)
		}
	}
	if s := jobByPath(t, p, "wf/plain.q"); s.Dialect != "hive" {
		t.Errorf(".q dialect %q, want hive", s.Dialect)
	}
	// A script that writes tables itself keeps them.
	g := newStore(t)
	if _, err := (&ingest.Ingester{Graph: g}).RunFS(context.Background(), fsys, ingest.Options{Source: "s"}); err != nil {
		t.Fatal(err)
	}
	if j := MustJob(t, g, "s:jobs/legacy/x/items.sql"); !slices.Equal(j.Writes, []string{"also.here", "old.items"}) {
		t.Errorf("items.sql writes %v", j.Writes)
	}
	if j := MustJob(t, g, "s:wf/plain"); !slices.Equal(j.Writes, []string{"dw.p"}) {
		t.Errorf("plain.q writes %v", j.Writes)
	}
}

func TestWriteRuleErrors(t *testing.T) {
	tests := []struct{ name, config, want string }{
		{"table names a part the pattern lacks", "writes:\n  \"sql/{dataset}/{table}/query.sql\": \"{project}.{dataset}.{table}\"\n",
			`lineage.yaml:2:38: table "{project}.{dataset}.{table}" names {project}, which the pattern "sql/{dataset}/{table}/query.sql" does not have (its parts: {dataset}, {table})`},
		{"pattern names a part the table does not use", "\nwrites:\n  \"sql/{project}/{dataset}/{table}/query.sql\": \"{dataset}.{table}\"\n",
			`lineage.yaml:3:3: pattern "sql/{project}/{dataset}/{table}/query.sql" names {project}, which the table "{dataset}.{table}" does not use; write * for a path part that does not matter`},
		{"not a mapping", "writes: [a, b]\n", "lineage.yaml:1:9: want a mapping from path pattern to table"},
		{"unclosed part", "writes:\n  \"sql/{table/query.sql\": \"{table}\"\n", `lineage.yaml:2:3: pattern "sql/{table/query.sql": { without }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ingest.ParseConfig([]byte(tt.config))
			if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(lineage.ErrorMessage(err), tt.want) {
				t.Errorf("got %v, want EINVALID with %q", err, tt.want)
			}
		})
	}

	// A bad rule stops the run before anything changes: what is stored stays.
	dir := MustCopyRepo(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})
	before, _ := g.Counts(context.Background())
	MustWrite(t, dir, "lineage.yaml", "source: fixture\nwrites:\n  \"etl/{file}.sql\": \"dw.{table}\"\n")
	if _, err := in.Run(context.Background(), dir, ingest.Options{}); lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), "{table}") {
		t.Errorf("run with a bad rule: %v", err)
	}
	if after, _ := g.Counts(context.Background()); after != before {
		t.Errorf("counts %+v after a refused run, %+v before", after, before)
	}
}

func TestScriptFiles(t *testing.T) {
	t.Run("suffixes", func(t *testing.T) {
		fsys := fstest.MapFS{
			"a.q": {Data: []byte("select 1\n")}, "b.hql": {Data: []byte("select 1\n")}, "c.sql": {Data: []byte("select 1\n")},
			"d.hive": {Data: []byte("select 1\n")}, "e.pgsql": {Data: []byte("select 1\n")}, "f.py": {Data: []byte("print(1)\n")},
			"g.SQL": {Data: []byte("select 1\n")},
		}
		p, err := ingest.Scan(fsys, "s")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range p.Jobs {
			got = append(got, s.Path+"="+s.Dialect)
		}
		want := []string{"a.q=hive", "b.hql=hive", "c.sql=", "d.hive=hive", "e.pgsql=postgres", "g.SQL="}
		if !slices.Equal(got, want) {
			t.Errorf("jobs %v, want %v", got, want)
		}
	})
	t.Run("include and exclude", func(t *testing.T) {
		fsys := fstest.MapFS{
			"lineage.yaml":            {Data: []byte("include: [\"sql/**/query.sql\", \"*.txt\"]\nexclude: [\"sql/tmp/\"]\n")},
			"sql/p/d/t/query.sql":     {Data: []byte("select 1\n")},
			"sql/p/d/t/view.sql":      {Data: []byte("select 1\n")},
			"sql/tmp/d/t/query.sql":   {Data: []byte("select 1\n")},
			"notes/report.txt":        {Data: []byte("select 1\n")},
			"scripts/other_thing.sql": {Data: []byte("select 1\n")},
		}
		p, err := ingest.Scan(fsys, "s")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range p.Jobs {
			got = append(got, s.Path)
		}
		if want := []string{"notes/report.txt", "sql/p/d/t/query.sql"}; !slices.Equal(got, want) {
			t.Errorf("jobs %v, want %v", got, want)
		}
	})
	t.Run("no script found", func(t *testing.T) {
		fsys := fstest.MapFS{
			"a/x.sqlx": {Data: []byte("select 1\n")}, "a/y.sqlx": {Data: []byte("select 1\n")}, "run.py": {Data: []byte("")},
		}
		g := newStore(t)
		sum, err := (&ingest.Ingester{Graph: g}).RunFS(context.Background(), fsys, ingest.Options{Source: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Warnings) != 1 {
			t.Fatalf("warnings %v, want one saying no script was found", sum.Warnings)
		}
		msg := sum.Warnings[0].Message
		for _, want := range []string{"no job found: looked for files ending in .sql, .hql, .q", "dbt projects (dbt_project.yml)", "the files here end in .sqlx (2), .py (1)", `set include: in lineage.yaml, such as include: ["**/*.sqlx"]`} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q:\n%s", want, msg)
			}
		}
	})
}

func TestOwnerPrecedence(t *testing.T) {
	fsys := fstest.MapFS{
		"lineage.yaml": {Data: []byte("default_owner: fallback\n")},
		"CODEOWNERS":   {Data: []byte("/etl/ @code-team\n/dbt/ @code-team\n")},
		// A workflow's owner comes first, before metadata.yaml.
		"etl/wf.sch.yaml":               {Data: []byte("owner: wf-team\njobs:\n  - {id: j, type: sql, script: a/query.sql}\n  - {id: k, type: sql, script: b/query.sql}\n")},
		"etl/a/query.sql":               {Data: []byte("select 1\n")},
		"etl/a/metadata.yaml":           {Data: []byte("owners: [meta@x.example]\n")},
		"etl/b/query.sql":               {Data: []byte("select 1\n")},
		"etl/c/query.sql":               {Data: []byte("select 1\n")},
		"etl/c/metadata.yaml":           {Data: []byte("owners:\n  - first@x.example\n  - second@x.example\n  - first@x.example\n")},
		"etl/d/query.sql":               {Data: []byte("select 1\n")},
		"etl/d/metadata.yaml":           {Data: []byte("labels: {a: b}\n")},
		"elsewhere/e.sql":               {Data: []byte("select 1\n")},
		"dbt/dbt_project.yml":           {Data: []byte("name: p\nmodels:\n  p:\n    folder:\n      +meta: {owner: project-meta}\n    grouped:\n      +group: fin\n")},
		"dbt/models/props.yml":          {Data: []byte("models:\n  - name: yml_owned\n    meta: {owner: yml-owner}\n  - name: sql_owned\n    meta: {owner: yml-owner}\ngroups:\n  - name: fin\n    owner: {name: Finance, email: fin@x.example}\n")},
		"dbt/models/yml_owned.sql":      {Data: []byte("select 1\n")},
		"dbt/models/sql_owned.sql":      {Data: []byte("{{ config(meta={'owner': 'sql-owner'}) }}\nselect 1\n")},
		"dbt/models/folder/owned.sql":   {Data: []byte("select 1\n")},
		"dbt/models/grouped/g.sql":      {Data: []byte("select 1\n")},
		"dbt/models/grouped/g_meta.sql": {Data: []byte("{{ config(meta={'owner': 'model-wins'}) }}\nselect 1\n")},
	}
	p, err := ingest.Scan(fsys, "s")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, owner, from string }{
		{"etl/a/query.sql", "wf-team", "workflow etl/wf.sch.yaml:1"},
		{"etl/b/query.sql", "wf-team", "workflow etl/wf.sch.yaml:1"},
		{"etl/c/query.sql", "first@x.example", "etl/c/metadata.yaml:2"},
		{"etl/d/query.sql", "code-team", "CODEOWNERS CODEOWNERS:1"},
		{"elsewhere/e.sql", "fallback", "lineage.yaml default_owner"},
		{"dbt/models/sql_owned.sql", "sql-owner", "dbt config(meta) dbt/models/sql_owned.sql:1"},
		{"dbt/models/yml_owned.sql", "yml-owner", "dbt meta.owner in dbt/models/props.yml"},
		{"dbt/models/folder/owned.sql", "project-meta", "dbt meta.owner in dbt/dbt_project.yml:5"},
		{"dbt/models/grouped/g.sql", "fin@x.example", "dbt group fin owner in dbt/models/props.yml"},
		{"dbt/models/grouped/g_meta.sql", "model-wins", "dbt config(meta) dbt/models/grouped/g_meta.sql:1"},
	}
	for _, tt := range tests {
		s := jobByPath(t, p, tt.path)
		if s.Owner != tt.owner || s.OwnerFrom != tt.from {
			t.Errorf("%s: owner %q from %q, want %q from %q", tt.path, s.Owner, s.OwnerFrom, tt.owner, tt.from)
		}
	}
	if s := jobByPath(t, p, "etl/c/query.sql"); !slices.Equal(s.Watchers, []string{"second@x.example"}) {
		t.Errorf("watchers %v", s.Watchers)
	}
}

// TestBrokenMetadata: a metadata.yaml that is not YAML fails its job with
// file and line, and the stored job keeps its owner and lineage.
func TestBrokenMetadata(t *testing.T) {
	dir := t.TempDir()
	MustWrite(t, dir, "lineage.yaml", "source: s\ndefault_owner: fallback\nwrites:\n  \"sql/{ds}/{t}/query.sql\": \"{ds}.{t}\"\n")
	MustWrite(t, dir, "sql/d/t/query.sql", "select * from raw.x\n")
	MustWrite(t, dir, "sql/d/t/metadata.yaml", "owners:\n  - alice@x.example\n")
	MustWrite(t, dir, "sql/d/u/query.sql", "select * from d.t\n")
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})
	before := MustJob(t, g, "s:sql/d/t/query.sql")

	MustWrite(t, dir, "sql/d/t/metadata.yaml", "owners: [alice@x.example\n")
	MustWrite(t, dir, "sql/d/t/query.sql", "select * from raw.y\n")
	sum := MustRun(t, in, dir, ingest.Options{})
	if len(sum.Failed) != 1 || sum.Failed[0].File != "sql/d/t/metadata.yaml" || sum.Failed[0].Line == 0 || sum.Failed[0].Job != "s:sql/d/t/query.sql" {
		t.Errorf("failed %v, want sql/d/t/metadata.yaml with its line", sum.Failed)
	}
	after := MustJob(t, g, "s:sql/d/t/query.sql")
	if after.Owner != "alice@x.example" || !slices.Equal(after.Reads, before.Reads) || !slices.Equal(after.Writes, []string{"d.t"}) {
		t.Errorf("job changed: %+v, was %+v", after, before)
	}
	if sum.Unchanged != 1 {
		t.Errorf("counts %+v: the other job is unchanged", sum.Counts)
	}
}
