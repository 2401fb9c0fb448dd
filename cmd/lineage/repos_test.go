package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/gql"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// MustJaffleShop copies the shared jaffle_shop dbt project into a
// temporary directory with the README's lineage.yaml, owners in
// dbt_project.yml, and a declared source read by two more models.
func MustJaffleShop(tb testing.TB) string {
	tb.Helper()
	src := filepath.Join("..", "..", "..", "shared", "corpus", "realworld", "repos", "jaffle_shop")
	if _, err := os.Stat(src); err != nil {
		tb.Skipf("fixture %s is missing (the shared corpus sits at ../shared beside the worktree): %v", src, err)
	}
	dir := filepath.Join(tb.TempDir(), "jaffle_shop")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
	write := func(name, content string) {
		tb.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("lineage.yaml", "dbt:\n  database: analytics\n  schema: dbt_prod\ndefault_owner: data-platform\nowners:\n  marketing: {email: marketing@jaffle.example, jira: mkt}\n")
	data, err := os.ReadFile(filepath.Join(dir, "dbt_project.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	project := strings.Replace(string(data), "      materialized: table\n", "      materialized: table\n      +meta: {owner: analytics@jaffle.example}\n", 1)
	project = strings.Replace(project, "        materialized: view\n", "        materialized: view\n        +meta: {owner: staging-team}\n", 1)
	write("dbt_project.yml", project)
	write("models/staging/sources.yml", "version: 2\nsources:\n  - name: app\n    database: raw\n    schema: app_prod\n    tables:\n      - name: events\n        identifier: evts\n")
	write("models/staging/stg_events.sql", "select user_id as customer_id, kind from {{ source('app', 'events') }}\n")
	write("models/customer_events.sql", "{{ config(meta={'owner': 'marketing'}) }}\nselect c.customer_id, e.kind\nfrom {{ ref('customers') }} c\njoin {{ ref('stg_events') }} e using (customer_id)\n")
	return dir
}

// TestIngestDBTImpact ingests a dbt project with `lineage ingest` and asks
// the GraphQL API for the impact of a seed, and the campaign service for
// a dry run on a dbt source.
func TestIngestDBTImpact(t *testing.T) {
	dir := MustJaffleShop(t)
	db := filepath.Join(t.TempDir(), "lineage.db")
	code, out, errOut := runIngestCmd(t, "-graph", "sqlite:"+db, "-progress", "none", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "added                     10") {
		t.Errorf("want 10 jobs added (7 models, 3 seeds):\n%s", out)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	c := client.New(gql.NewHandler(gql.Config{Graph: st, Logger: discardLogger()}))
	var resp struct {
		Impact struct {
			Owners []struct {
				Owner struct{ Handle, Email string }
				Jobs  []struct {
					Job    struct{ ID string }
					Writes []struct{ Name string }
				}
			}
		}
	}
	c.MustPost(`{ impact(table: "analytics.dbt_prod.raw_orders", depth: 4) { owners { owner { handle email } jobs { job { id } writes { name } } } } }`, &resp)
	reached := map[string]string{} // table written -> owner
	for _, o := range resp.Impact.Owners {
		for _, j := range o.Jobs {
			for _, w := range j.Writes {
				reached[w.Name] = o.Owner.Handle
			}
		}
	}
	for table, owner := range map[string]string{
		"analytics.dbt_prod.stg_orders":      "staging-team",
		"analytics.dbt_prod.orders":          "analytics@jaffle.example",
		"analytics.dbt_prod.customers":       "analytics@jaffle.example",
		"analytics.dbt_prod.customer_events": "marketing",
	} {
		if reached[table] != owner {
			t.Errorf("impact of raw_orders: %s owned by %q, want %q (reached: %v)", table, reached[table], owner, reached)
		}
	}

	// The graph view's query: downstream of the seed, every model reached.
	var walk struct {
		Lineage struct {
			Jobs   []struct{ ID string }
			Tables []struct{ Name string }
		}
	}
	c.MustPost(`{ lineage(table: "analytics.dbt_prod.raw_orders", depth: 5) { jobs { id } tables { name } } }`, &walk)
	var tables []string
	for _, tb := range walk.Lineage.Tables {
		tables = append(tables, tb.Name)
	}
	slices.Sort(tables)
	if want := []string{"analytics.dbt_prod.customer_events", "analytics.dbt_prod.customers", "analytics.dbt_prod.orders", "analytics.dbt_prod.raw_orders", "analytics.dbt_prod.stg_orders"}; !slices.Equal(tables, want) {
		t.Errorf("lineage downstream of raw_orders: tables %v, want %v", tables, want)
	}

	// A campaign on the dbt source lists the owners of the models
	// downstream, with the details lineage.yaml gives them.
	svc := &campaigns.Service{Graph: st, Store: st, Tracker: campaigns.NewBuiltinTracker(st, "http://lineage.test", nil)}
	ctx := lineage.WithActor(context.Background(), "ci")
	pv, err := svc.Start(ctx, campaigns.StartInput{Table: "raw.app_prod.evts", Title: "Move app events", Reach: lineage.ReachTransitive, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var owners []string
	for _, tk := range pv.Tickets {
		owners = append(owners, tk.Owner.Handle)
		if tk.Owner.Handle == "marketing" && tk.Owner.Email != "marketing@jaffle.example" {
			t.Errorf("ticket owner %+v lacks lineage.yaml's details", tk.Owner)
		}
	}
	slices.Sort(owners)
	if want := []string{"marketing", "staging-team"}; !slices.Equal(owners, want) {
		t.Errorf("dry run tickets for %v, want %v", owners, want)
	}
	if n, _ := st.Counts(ctx); n.Jobs != 10 {
		t.Errorf("the dry run changed the graph: %+v", n)
	}
}
