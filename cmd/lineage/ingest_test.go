package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/ingest"
)

// MustFixtureRepo copies the ingest package's fixture repository into a
// temporary directory.
func MustFixtureRepo(tb testing.TB) string {
	tb.Helper()
	src := filepath.Join("..", "..", "ingest", "testdata", "repo")
	dst := filepath.Join(tb.TempDir(), "repo")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// runIngestCmd runs `lineage ingest ARGS...` and returns its exit code and output.
func runIngestCmd(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	code := runIngest(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func ingestJSON(tb testing.TB, out string) ingest.Summary {
	tb.Helper()
	var s ingest.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		tb.Fatalf("-format json printed %v: %s", err, out)
	}
	return s
}

func TestIngestCommand(t *testing.T) {
	dir := MustFixtureRepo(t)
	graph := "sqlite:" + filepath.Join(t.TempDir(), "lineage.db")
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
		args   []string
		code   int
		check  func(t *testing.T, stdout string)
	}{
		{"first ingest", nil, []string{"-graph", graph, dir}, 0, func(t *testing.T, out string) {
			for _, want := range []string{"Ingested " + dir + " (source fixture)", "added                      7", "skipped (not SQL)          1"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		}},
		{"no change, json", nil, []string{"-graph", graph, "-format", "json", dir}, 0, func(t *testing.T, out string) {
			if s := ingestJSON(t, out); s.Counts != (ingest.SummaryCounts{Jobs: 7, Unchanged: 7, Skipped: 1}) {
				t.Errorf("counts = %+v", s.Counts)
			}
		}},
		{"dry run of an edit", func() { write("misc/report.sql", "CREATE TABLE rpt.x AS SELECT * FROM stg.orders;\n") },
			[]string{"-graph", graph, "-dry-run", dir}, 0, func(t *testing.T, out string) {
				if !strings.Contains(out, "Would update:\n  fixture:misc/report.sql\n") {
					t.Errorf("output:\n%s", out)
				}
			}},
		{"the dry run changed nothing", nil, []string{"-graph", graph, "-format", "json", dir}, 0, func(t *testing.T, out string) {
			if s := ingestJSON(t, out); len(s.Updated) != 1 || s.Updated[0] != "fixture:misc/report.sql" {
				t.Errorf("updated = %v", s.Updated)
			}
		}},
		{"a broken script", func() { write("misc/report.sql", "-- wip\nSELECT a FROM\n") },
			[]string{"-graph", graph, dir}, 1, func(t *testing.T, out string) {
				if !strings.Contains(out, "misc/report.sql:2:14: ") || !strings.Contains(out, "failed                     1") {
					t.Errorf("output:\n%s", out)
				}
			}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.change != nil {
				st.change()
			}
			code, stdout, stderr := runIngestCmd(t, st.args...)
			if code != st.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, st.code, stdout, stderr)
			}
			st.check(t, stdout)
		})
	}
}

func TestIngestUsage(t *testing.T) {
	dir := MustFixtureRepo(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "lineage.db")
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "lineage.yaml"), []byte("default_dialect: cobol\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStderr string
	}{
		{"no directory", []string{"-graph", db}, 2, "want one repository directory"},
		{"two directories", []string{"-graph", db, dir, dir}, 2, "got 2 arguments"},
		{"bad format", []string{"-graph", db, "-format", "xml", dir}, 2, "-format must be text or json"},
		{"bad flag", []string{"-frobnicate", dir}, 2, "flag provided but not defined"},
		{"server without token", []string{"-server", "http://127.0.0.1:1", "-token", "", dir}, 2, "-server needs a token"},
		{"bad store", []string{"-graph", "mysql://x", dir}, 1, "is not a store"},
		{"missing directory", []string{"-graph", db, filepath.Join(dir, "nope")}, 1, "Cannot read the repository"},
		{"subdirectory with its own source", []string{"-graph", db, "-source", "x", filepath.Join(dir, "misc")}, 0, ""},
		{"bad lineage.yaml", []string{"-graph", db, bad}, 1, "lineage.yaml:1:18: unknown dialect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runIngestCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.wantStderr) {
				t.Fatalf("exit %d, want %d; stderr:\n%s\nwant it to contain %q", code, tt.code, stderr, tt.wantStderr)
			}
		})
	}
}

// TestIngestServer pushes a repository through the API, as a data
// repository's CI would with lineage ingest -server.
func TestIngestServer(t *testing.T) {
	dir := MustFixtureRepo(t)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tokens, err := auth.Parse(strings.NewReader("ci:0123456789abcdef0123"), "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tokens.Middleware(ingest.NewHandler(ingest.HandlerConfig{Graph: st}), false))
	defer srv.Close()

	code, stdout, stderr := runIngestCmd(t, "-server", srv.URL, "-token", "0123456789abcdef0123", "-format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if s := ingestJSON(t, stdout); s.Counts.Added != 7 {
		t.Fatalf("counts = %+v", s.Counts)
	}
	c, err := st.Counts(context.Background())
	if err != nil || c.Jobs != 7 {
		t.Fatalf("server store: %+v, %v", c, err)
	}

	code, _, stderr = runIngestCmd(t, "-server", srv.URL, "-token", "wrong-token-0123456789", dir)
	if code != 1 || !strings.Contains(stderr, "not known to this server") && !strings.Contains(stderr, "401") {
		t.Fatalf("bad token: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestIngestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	r := newProgressReporter("auto", &buf) // a buffer is not a terminal: lines
	for i := 1; i <= 250; i++ {
		r.update(ingest.Progress{Total: 250, Done: i, Added: i})
	}
	r.done()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "ingest: 25/250 jobs (10%): 25 added") || !strings.HasPrefix(lines[9], "ingest: 250/250 jobs (100%)") {
		t.Fatalf("progress lines:\n%s", buf.String())
	}

	buf.Reset()
	r = newProgressReporter("bar", &buf)
	for i := 1; i <= 250; i++ {
		r.update(ingest.Progress{Total: 250, Done: i})
	}
	r.done()
	if !strings.Contains(buf.String(), "ingest") || strings.Count(buf.String(), "\n") > 2 {
		t.Fatalf("bar output: %q", buf.String())
	}
}
