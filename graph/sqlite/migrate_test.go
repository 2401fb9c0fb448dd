package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

func userVersion(tb testing.TB, s *Store) int {
	tb.Helper()
	var v int
	if err := s.w.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for i := range 3 {
		s, err := Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if v := userVersion(t, s); v != len(migrations) {
			t.Errorf("open %d: user_version %d, want %d", i, v, len(migrations))
		}
		if i == 0 {
			if err := s.PutJobs(context.Background(), []lineage.JobPut{{Job: lineage.Job{ID: "j"}, Reads: []string{"t.a"}}}); err != nil {
				t.Fatal(err)
			}
		}
		if c, err := s.Counts(context.Background()); err != nil || c.Jobs != 1 {
			t.Errorf("open %d: counts %+v, %v; want the one job", i, c, err)
		}
		var mode string
		if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		var fk int
		if err := s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], "INSERT INTO tables(name) VALUES ('old.table')", "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := userVersion(t, s); v != len(migrations) {
		t.Errorf("user_version after migrating = %d, want %d", v, len(migrations))
	}
	if _, err := s.Table(context.Background(), "old.table"); err != nil {
		t.Errorf("table stored before the migration: %v", err)
	}
	if _, err := s.Campaigns(context.Background(), lineage.CampaignFilter{}); err != nil {
		t.Errorf("campaigns after migrating: %v", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
	if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open = %v, want EINVALID saying the schema is newer", err)
	}
}

// TestSearchUsesTrigramIndex checks that a search of 3 bytes or more reads
// the trigram index rather than every name, and that the index follows
// inserts and deletes of jobs.
func TestSearchUsesTrigramIndex(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+searchSQL(7, true),
		sql.Named("exact", "abc"), sql.Named("segdot", "%.abc"), sql.Named("segslash", "%/abc"), sql.Named("segcolon", "%:abc"),
		sql.Named("prefix", "abc%"), sql.Named("infix", "%abc%"), sql.Named("like", "%abc%"),
		sql.Named("rank", -1), sql.Named("name", ""), sql.Named("kind", -1), sql.Named("limit", 10))
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	rows.Close()
	if p := strings.Join(plan, "; "); !strings.Contains(p, "VIRTUAL TABLE INDEX") {
		t.Errorf("search plan does not use the trigram index: %s", p)
	}

	err = s.PutJobs(ctx, []lineage.JobPut{{Job: lineage.Job{ID: "etl/Load_Orders.sql", Owner: "ordersteam"}, Reads: []string{"raw.orders"}}})
	if err != nil {
		t.Fatal(err)
	}
	search := func() []string {
		p, err := s.Search(ctx, lineage.SearchFilter{Query: "ORDERS"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range p.Hits {
			out = append(out, string(h.Kind)+":"+h.Name)
		}
		return out
	}
	if got, want := strings.Join(search(), " "), "TABLE:raw.orders OWNER:ordersteam JOB:etl/Load_Orders.sql"; got != want {
		t.Errorf("search after put = %s, want %s", got, want)
	}
	if err := s.DeleteJob(ctx, "etl/Load_Orders.sql"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(search(), " "), "TABLE:raw.orders OWNER:ordersteam"; got != want {
		t.Errorf("search after delete = %s, want %s", got, want)
	}
}

// TestMigrateScripts upgrades a file written before job scripts were kept
// (schema version 3): its jobs come back without script text, and scripts
// can be stored and dropped afterwards.
func TestMigrateScripts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	steps := append(slices.Clone(migrations[:3]),
		"INSERT INTO jobs(name, source, path, dialect, hash) VALUES ('old/job.sql', 'repo', 'old/job.sql', 'mysql', 'h1')",
		"PRAGMA user_version = 3")
	for _, q := range steps {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if v := userVersion(t, s); v != len(migrations) {
		t.Errorf("user_version after migrating = %d, want %d", v, len(migrations))
	}
	j, err := s.Job(ctx, "old/job.sql")
	if err != nil {
		t.Fatalf("job stored before the migration: %v", err)
	}
	if j.Script != "" || j.Hash != "h1" {
		t.Errorf("old job = %+v, want hash h1 and no script", j)
	}
	put := lineage.JobPut{Job: lineage.Job{ID: "old/job.sql", Source: "repo", Hash: "h2"}, Reads: []string{"t.a"}, Script: "SELECT * FROM t.a"}
	if err := s.PutJobs(ctx, []lineage.JobPut{put}); err != nil {
		t.Fatal(err)
	}
	if j, err := s.Job(ctx, "old/job.sql"); err != nil || j.Script != put.Script {
		t.Errorf("after put: %+v, %v; want script %q", j, err, put.Script)
	}
	if err := s.DeleteJob(ctx, "old/job.sql"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.w.QueryRow("SELECT count(*) FROM job_scripts").Scan(&n); err != nil || n != 0 {
		t.Errorf("job_scripts rows after deleting the job = %d, %v; want 0 (cascade)", n, err)
	}
}
