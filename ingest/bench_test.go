package ingest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/ingest"
)

// BenchmarkIngest ingests a synthetic repository into SQLite: cold (an
// empty store) and with no change. INGEST_BENCH_JOBS sets its size (default
// 2000); BENCHMARKS.md records the 100k-script run.
//
//	INGEST_BENCH_JOBS=100000 go test ./ingest -run '^$' -bench Ingest -benchtime 1x
func BenchmarkIngest(b *testing.B) {
	n := 2000
	if s := os.Getenv("INGEST_BENCH_JOBS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("INGEST_BENCH_JOBS=%q: want a positive number", s)
		}
	}
	dir := MustSynthRepo(b, n)
	run := func(b *testing.B, db string) *ingest.Summary {
		st, err := sqlite.Open(db)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		s, err := (&ingest.Ingester{Graph: st}).Run(context.Background(), dir, ingest.Options{Source: "synth"})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	b.Run("cold", func(b *testing.B) {
		for i := range b.N {
			s := run(b, filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
			if len(s.Added) != n {
				b.Fatalf("added %d of %d (failed %d)", len(s.Added), n, len(s.Failed))
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
	b.Run("unchanged", func(b *testing.B) {
		db := filepath.Join(b.TempDir(), "warm.db")
		run(b, db)
		b.ResetTimer()
		for range b.N {
			if s := run(b, db); s.Unchanged != n {
				b.Fatalf("unchanged %d of %d", s.Unchanged, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
}

// MustDBTProject writes a generated dbt project of n models into dir: 50
// seeds, 100 declared sources, staging models reading a source, the rest
// in intermediate/ and marts/ folders (with +schema and +meta owners by
// folder) reading one to three earlier models, some incremental with
// {{ this }} and config(alias=...). It is deterministic.
func MustDBTProject(tb testing.TB, dir string, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	MustWrite(tb, dir, "lineage.yaml", "dbt: {database: analytics, schema: prod}\ndefault_owner: data-platform\n")
	MustWrite(tb, dir, "dbt_project.yml", `name: gen
models:
  gen:
    staging:
      +schema: staging
      +meta: {owner: staging-team}
    intermediate:
      +schema: int
    marts:
      +schema: marts
`)
	for i := range 50 {
		MustWrite(tb, dir, fmt.Sprintf("seeds/seed_%d.csv", i), "id,name\n1,a\n")
	}
	var src strings.Builder
	src.WriteString("version: 2\nsources:\n")
	for s := range 10 {
		fmt.Fprintf(&src, "  - name: app%d\n    database: raw\n    tables:\n", s)
		for t := range 10 {
			fmt.Fprintf(&src, "      - name: t%d\n", t)
		}
	}
	MustWrite(tb, dir, "models/staging/sources.yml", src.String())
	staging := n / 10
	for i := range n {
		var b strings.Builder
		var file string
		switch {
		case i < staging:
			file = fmt.Sprintf("models/staging/stg_%d.sql", i)
			fmt.Fprintf(&b, "select id, name, updated_at\nfrom {{ source('app%d', 't%d') }}\n", i%10, (i/10)%10)
			if i%5 == 0 {
				fmt.Fprintf(&b, "join {{ ref('seed_%d') }} s using (id)\n", i%50)
			}
		default:
			folder := "intermediate"
			if i > n/2 {
				folder = "marts"
			}
			file = fmt.Sprintf("models/%s/m_%d.sql", folder, i)
			if i%7 == 0 {
				fmt.Fprintf(&b, "{{ config(materialized='incremental', alias='m%d_inc', meta={'owner': 'team-%d'}) }}\n", i, i%50)
			}
			refs := 1 + rng.IntN(3)
			b.WriteString("select a.id, count(*) as n\nfrom ")
			for r := range refs {
				j := rng.IntN(i)
				name := fmt.Sprintf("m_%d", j)
				if j < staging {
					name = fmt.Sprintf("stg_%d", j)
				}
				if r == 0 {
					fmt.Fprintf(&b, "{{ ref('%s') }} a", name)
				} else {
					fmt.Fprintf(&b, "\njoin {{ ref('%s') }} t%d using (id)", name, r)
				}
			}
			if i%7 == 0 {
				b.WriteString("\n{% if is_incremental() %}\nwhere a.updated_at > (select max(updated_at) from {{ this }})\n{% endif %}")
			}
			b.WriteString("\ngroup by a.id\n")
		}
		MustWrite(tb, dir, file, b.String())
	}
}

// BenchmarkIngestDBT ingests a generated dbt project of 5,000 models
// (INGEST_BENCH_MODELS sets another size) into SQLite, cold.
//
//	go test ./ingest -run '^$' -bench IngestDBT -benchtime 1x
func BenchmarkIngestDBT(b *testing.B) {
	n := 5000
	if s := os.Getenv("INGEST_BENCH_MODELS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 10 {
			b.Fatalf("INGEST_BENCH_MODELS=%q: want a number of 10 or more", s)
		}
	}
	dir := filepath.Join(b.TempDir(), "gen")
	MustDBTProject(b, dir, n)
	b.ResetTimer()
	for i := range b.N {
		st, err := sqlite.Open(filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := (&ingest.Ingester{Graph: st}).Run(context.Background(), dir, ingest.Options{Source: "gen"})
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Added) != n+50 || len(s.Failed) > 0 {
			b.Fatalf("added %d of %d models and 50 seeds (failed %v)", len(s.Added), n, s.Failed)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "models/s")
}

// BenchmarkIngestBigQueryETL ingests the shared bigquery-etl fixture (426
// query.sql with metadata.yaml) with the README's lineage.yaml, cold.
func BenchmarkIngestBigQueryETL(b *testing.B) {
	dir := MustCopyFixture(b, "bigquery-etl")
	MustWrite(b, dir, "lineage.yaml", bigqueryETLConfig)
	b.ResetTimer()
	for i := range b.N {
		st, err := sqlite.Open(filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := (&ingest.Ingester{Graph: st}).Run(context.Background(), dir, ingest.Options{})
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Added) != s.Jobs || len(s.Failed) > 0 {
			b.Fatalf("added %d of %d (failed %v)", len(s.Added), s.Jobs, s.Failed)
		}
	}
	b.ReportMetric(426*float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// TestGeneratedDBTProject checks the generator's project on a small size:
// every model writes its relation and reads at least one table.
func TestGeneratedDBTProject(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gen")
	MustDBTProject(t, dir, 200)
	g := newStore(t)
	sum := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{Source: "gen"})
	if len(sum.Failed) > 0 || len(sum.Added) != 250 {
		t.Fatalf("added %d, failed %v", len(sum.Added), sum.Failed)
	}
	for _, w := range sum.Warnings {
		// The one expected warning: is_incremental() is undecided, so
		// the parser reads both branches and unites their tables.
		if !strings.Contains(w.Message, "is_incremental() is unknown") {
			t.Errorf("unexpected warning %v", w)
		}
	}
	j := MustJob(t, g, "gen:models/intermediate/m_28.sql")
	if !slices.Equal(j.Writes, []string{"analytics.prod_int.m28_inc"}) || len(j.Reads) == 0 || j.Owner != "team-28" {
		t.Errorf("m_28: %+v", j)
	}
	j = MustJob(t, g, "gen:models/staging/stg_5.sql")
	if !slices.Equal(j.Reads, []string{"analytics.prod.seed_5", "raw.app5.t0"}) || j.Owner != "staging-team" {
		t.Errorf("stg_5: reads %v owner %q", j.Reads, j.Owner)
	}
}

// TestWriteGeneratedDBTProject writes the generated dbt project to
// $INGEST_DBT_OUT ($INGEST_BENCH_MODELS models, default 5,000) for timing
// `lineage ingest` on it; it skips unless INGEST_DBT_OUT is set.
//
//	INGEST_DBT_OUT=/tmp/gen-dbt go test ./ingest -run TestWriteGeneratedDBTProject
func TestWriteGeneratedDBTProject(t *testing.T) {
	out := os.Getenv("INGEST_DBT_OUT")
	if out == "" {
		t.Skip("set INGEST_DBT_OUT to a directory to write the generated dbt project there")
	}
	n := 5000
	if s := os.Getenv("INGEST_BENCH_MODELS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 10 {
			t.Fatalf("INGEST_BENCH_MODELS=%q: want a number of 10 or more", s)
		}
	}
	MustDBTProject(t, out, n)
}

// BenchmarkScanDBT is the dbt part of BenchmarkIngestDBT alone: walking
// the generated 5,000-model project, reading configs and properties, and
// resolving and rendering every model, without parsing or storing.
func BenchmarkScanDBT(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "gen")
	MustDBTProject(b, dir, 5000)
	b.ResetTimer()
	for range b.N {
		p, err := ingest.Scan(os.DirFS(dir), "gen")
		if err != nil || len(p.Jobs) != 5050 {
			b.Fatalf("scan: %v, %d jobs", err, len(p.Jobs))
		}
	}
}
