package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
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
