package ingest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/ingest"
)

// MustCopyRepo copies testdata/repo into a temporary directory that the
// test may change.
func MustCopyRepo(tb testing.TB) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "repo")
	err := filepath.WalkDir("testdata/repo", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/repo", p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}

// MustWrite writes a file of the repository in dir.
func MustWrite(tb testing.TB, dir, name, content string) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// MustRun ingests dir and fails the test on a run error.
func MustRun(tb testing.TB, in *ingest.Ingester, dir string, opts ingest.Options) *ingest.Summary {
	tb.Helper()
	sum, err := in.Run(context.Background(), dir, opts)
	if err != nil {
		tb.Fatalf("Run: %v", err)
	}
	return sum
}

// MustSnapshot returns every job of the store with its lineage and owner.
func MustSnapshot(tb testing.TB, g lineage.GraphStore) map[string]lineage.JobInfo {
	tb.Helper()
	ctx := context.Background()
	out := map[string]lineage.JobInfo{}
	f := lineage.JobFilter{First: lineage.MaxPage}
	for {
		page, err := g.Jobs(ctx, f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, j := range page.Jobs {
			info, err := g.Job(ctx, j.ID)
			if err != nil {
				tb.Fatal(err)
			}
			slices.Sort(info.Reads)
			slices.Sort(info.Writes)
			if len(info.Reads) == 0 {
				info.Reads = nil
			}
			if len(info.Writes) == 0 {
				info.Writes = nil
			}
			out[j.ID] = *info
		}
		if !page.HasNext {
			return out
		}
		f.After = page.EndCursor
	}
}

// brokenSQL is a script half written: nothing can be made of it.
const brokenSQL = "-- work in progress\nSELECT dt, sum(amount) FROM\n"

type counts struct{ added, updated, unchanged, removed, failed int }

func countsOf(s *ingest.Summary) counts {
	return counts{len(s.Added), len(s.Updated), s.Unchanged, len(s.Removed), len(s.Failed)}
}

func TestScan(t *testing.T) {
	plan, err := ingest.Scan(os.DirFS("testdata/repo"), "")
	if err != nil {
		t.Fatal(err)
	}
	if plan.Source != "fixture" || !plan.Complete || plan.Skipped != 1 || len(plan.Failures) != 0 {
		t.Fatalf("plan: source %q complete %v skipped %d failures %v", plan.Source, plan.Complete, plan.Skipped, plan.Failures)
	}
	tests := []struct {
		id, path, owner, ownerFrom, dialect string
	}{
		{"fixture:etl/customers.sql", "etl/customers.sql", "carol", "CODEOWNERS CODEOWNERS:2", "spark"},
		{"fixture:etl/legacy_export.sql", "etl/legacy_export.sql", "platform", "lineage.yaml default_owner", "spark"},
		{"fixture:misc/report.sql", "misc/report.sql", "platform", "lineage.yaml default_owner", "spark"},
		{"fixture:mysql/sync.sql", "mysql/sync.sql", "platform", "lineage.yaml default_owner", "mysql"},
		{"fixture:wf/build", "wf/build.sql", "bob", "workflow wf/main.sch.yaml:1", "spark"},
		{"fixture:wf/load", "wf/load.hql", "alice", "workflow wf/main.sch.yaml:3", "hive"},
		{"fixture:wf/publish", "etl/publish.sql", "bob", "workflow wf/main.sch.yaml:1", "spark"},
	}
	if len(plan.Jobs) != len(tests) {
		t.Fatalf("got %d jobs, want %d: %+v", len(plan.Jobs), len(tests), plan.Jobs)
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got := plan.Jobs[i]
			if got.ID != tt.id || got.Path != tt.path || got.Owner != tt.owner || got.OwnerFrom != tt.ownerFrom || got.Dialect != tt.dialect {
				t.Errorf("got %+v\nwant id %s path %s owner %s (%s) dialect %s", got, tt.id, tt.path, tt.owner, tt.ownerFrom, tt.dialect)
			}
			if got.Vars["ds"] != "2024-06-01" {
				t.Errorf("vars = %v, want ds from lineage.yaml", got.Vars)
			}
		})
	}
}

// TestRunIncremental walks a fixture repository through a series of
// changes; each step checks the summary and the stored graph.
func TestRunIncremental(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g, Workers: 2, BatchSize: 3}
	var beforeBreak lineage.JobInfo

	steps := []struct {
		name   string
		change func(t *testing.T)
		want   counts
		check  func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo)
	}{
		{"first ingest", nil, counts{added: 7}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			j := graph["fixture:wf/load"]
			if !reflect.DeepEqual(j.Reads, []string{"raw.orders"}) || !reflect.DeepEqual(j.Writes, []string{"stg.orders"}) {
				t.Errorf("wf/load lineage = %v -> %v", j.Reads, j.Writes)
			}
			if j.Owner != "alice" || j.OwnerInfo.Email != "alice@example.com" || j.OwnerInfo.JiraUser != "alice.j" || j.OwnerInfo.Team != "core" {
				t.Errorf("wf/load owner = %q %+v", j.Owner, j.OwnerInfo)
			}
			if j.Source != "fixture" || j.Path != "wf/load.hql" || j.Dialect != "hive" || len(j.Hash) != 64 {
				t.Errorf("wf/load job = %+v", j.Job)
			}
			if s.Skipped != 1 || s.Jobs != 7 {
				t.Errorf("skipped %d jobs %d", s.Skipped, s.Jobs)
			}
		}},
		{"no change", nil, counts{unchanged: 7}, nil},
		{"one script edited", func(t *testing.T) {
			MustWrite(t, dir, "misc/report.sql", "CREATE TABLE rpt.top_customers AS\nSELECT c.id FROM stg.customers c JOIN crm.accounts a ON a.id = c.id;\n")
		}, counts{updated: 1, unchanged: 6}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			if !slices.Equal(s.Updated, []string{"fixture:misc/report.sql"}) {
				t.Errorf("updated = %v", s.Updated)
			}
			if got := graph["fixture:misc/report.sql"].Reads; !slices.Equal(got, []string{"crm.accounts", "stg.customers"}) {
				t.Errorf("reads = %v", got)
			}
		}},
		{"one script deleted", func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, "etl", "customers.sql")); err != nil {
				t.Fatal(err)
			}
		}, counts{removed: 1, unchanged: 6}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			if _, ok := graph["fixture:etl/customers.sql"]; ok || !slices.Equal(s.Removed, []string{"fixture:etl/customers.sql"}) {
				t.Errorf("removed = %v; still stored: %v", s.Removed, ok)
			}
			beforeBreak = graph["fixture:wf/build"]
		}},
		{"one script broken", func(t *testing.T) {
			MustWrite(t, dir, "wf/build.sql", brokenSQL)
		}, counts{failed: 1, unchanged: 5}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			f := s.Failed[0]
			if f.Job != "fixture:wf/build" || f.File != "wf/build.sql" || f.Line != 2 || f.Column < 1 || f.Message == "" {
				t.Errorf("failure = %+v, want job, file, line, column and message", f)
			}
			if got := graph["fixture:wf/build"]; !reflect.DeepEqual(got, beforeBreak) {
				t.Errorf("broken script lost its lineage:\n got %+v\nwant %+v", got, beforeBreak)
			}
		}},
		{"still broken", nil, counts{failed: 1, unchanged: 5}, nil},
		{"fixed", func(t *testing.T) {
			MustWrite(t, dir, "wf/build.sql", "INSERT OVERWRITE TABLE mart.orders_daily\nSELECT dt FROM stg.orders;\n")
		}, counts{updated: 1, unchanged: 5}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			if got := graph["fixture:wf/build"].Reads; !slices.Equal(got, []string{"stg.orders"}) {
				t.Errorf("reads = %v", got)
			}
		}},
		{"owner changed in CODEOWNERS", func(t *testing.T) {
			MustWrite(t, dir, "CODEOWNERS", "/etl/ @Carol\n")
		}, counts{updated: 1, unchanged: 5}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			j := graph["fixture:etl/legacy_export.sql"]
			if j.Owner != "carol" || j.OwnerInfo.Email != "carol@example.com" {
				t.Errorf("owner = %q %+v", j.Owner, j.OwnerInfo)
			}
		}},
		{"script added", func(t *testing.T) {
			MustWrite(t, dir, "misc/new.hql", "INSERT INTO TABLE rpt.new_t SELECT * FROM stg.orders;\n")
		}, counts{added: 1, unchanged: 6}, func(t *testing.T, s *ingest.Summary, graph map[string]lineage.JobInfo) {
			if j := graph["fixture:misc/new.hql"]; j.Dialect != "hive" || !slices.Equal(j.Writes, []string{"rpt.new_t"}) {
				t.Errorf("new job = %+v", j)
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.change != nil {
				st.change(t)
			}
			s := MustRun(t, in, dir, ingest.Options{})
			if got := countsOf(s); got != st.want {
				t.Fatalf("counts = %+v, want %+v (failed: %v)", got, st.want, s.Failed)
			}
			if st.check != nil {
				st.check(t, s, MustSnapshot(t, g))
			}
		})
	}
}

func TestRunDryRun(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})
	before := MustSnapshot(t, g)

	MustWrite(t, dir, "misc/report.sql", "CREATE TABLE rpt.x AS SELECT 1 FROM stg.orders;\n")
	MustWrite(t, dir, "misc/broken.sql", brokenSQL)
	if err := os.Remove(filepath.Join(dir, "mysql", "sync.sql")); err != nil {
		t.Fatal(err)
	}
	s := MustRun(t, in, dir, ingest.Options{DryRun: true})
	if !s.DryRun || !slices.Equal(s.Updated, []string{"fixture:misc/report.sql"}) || !slices.Equal(s.Removed, []string{"fixture:mysql/sync.sql"}) ||
		len(s.Failed) != 1 || s.Failed[0].File != "misc/broken.sql" || s.Unchanged != 5 {
		t.Fatalf("dry run summary = %+v", s)
	}
	if after := MustSnapshot(t, g); !reflect.DeepEqual(before, after) {
		t.Fatalf("a dry run changed the graph")
	}
}

// TestRunStrict checks that a statement the parser could only pick tables
// from (a fallback) is a warning, or with Strict a failure.
func TestRunStrict(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})
	before := MustSnapshot(t, g)["fixture:misc/report.sql"]
	MustWrite(t, dir, "misc/report.sql", "INSERT OVERWRITE TABLE rpt.top_customers\nSELECT id FROM stg.customers WHERE (((;\n")

	s := MustRun(t, in, dir, ingest.Options{Strict: true})
	if len(s.Failed) != 1 || s.Failed[0].Line != 2 || !strings.Contains(s.Failed[0].Message, "did not parse") {
		t.Fatalf("strict: failed = %+v", s.Failed)
	}
	if got := MustSnapshot(t, g)["fixture:misc/report.sql"]; !reflect.DeepEqual(got, before) {
		t.Fatalf("strict failure changed the job: %+v", got)
	}

	s = MustRun(t, in, dir, ingest.Options{})
	if len(s.Failed) != 0 || len(s.Updated) != 1 || len(s.Warnings) != 1 || s.Warnings[0].Line != 2 || s.Warnings[0].File != "misc/report.sql" {
		t.Fatalf("lenient: %+v", s)
	}

	// Strict judges what is stored too: the script is unchanged now, but its
	// stored lineage came from the fallback, so it fails (and stays stored).
	stored := MustSnapshot(t, g)["fixture:misc/report.sql"]
	s = MustRun(t, in, dir, ingest.Options{Strict: true})
	if len(s.Failed) != 1 || s.Failed[0].File != "misc/report.sql" || s.Failed[0].Line != 2 || len(s.Updated) != 0 {
		t.Fatalf("strict on an unchanged low-confidence script: %+v", s)
	}
	if got := MustSnapshot(t, g)["fixture:misc/report.sql"]; !reflect.DeepEqual(got, stored) {
		t.Fatalf("strict failure changed the stored job: %+v", got)
	}
}

func TestRunSources(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newStore(t)
	ctx := context.Background()
	err := g.PutJobs(ctx, []lineage.JobPut{
		{Job: lineage.Job{ID: "other:a.sql", Source: "other", Path: "a.sql", Hash: "x"}, Reads: []string{"stg.orders"}},
		{Job: lineage.Job{ID: "fixture:gone.sql", Source: "fixture", Path: "gone.sql", Hash: "x"}, Reads: []string{"stg.orders"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if !slices.Equal(s.Removed, []string{"fixture:gone.sql"}) {
		t.Errorf("removed = %v, want only the vanished job of the same source", s.Removed)
	}
	if _, err := g.Job(ctx, "other:a.sql"); err != nil {
		t.Errorf("the other source's job: %v", err)
	}

	// The same repository under another source name is another set of jobs.
	s = MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{Source: "copy"})
	if len(s.Added) != 7 || len(s.Removed) != 0 || !strings.HasPrefix(s.Added[0], "copy:") {
		t.Errorf("second source: added %v removed %v", s.Added, s.Removed)
	}
}

func TestRunBrokenWorkflow(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newStore(t)
	in := &ingest.Ingester{Graph: g}
	MustRun(t, in, dir, ingest.Options{})

	MustWrite(t, dir, "wf/main.sch.yaml", "owner: bob\njobs:\n  - {id: load, script: load.hql\n")
	s := MustRun(t, in, dir, ingest.Options{})
	if len(s.Failed) != 1 || s.Failed[0].File != "wf/main.sch.yaml" || s.Failed[0].Line == 0 {
		t.Fatalf("failed = %+v, want the workflow file with its line", s.Failed)
	}
	if len(s.Removed) != 0 || s.RemovalsSkipped == "" {
		t.Fatalf("removed %v (skipped: %q); the workflow's jobs must be kept", s.Removed, s.RemovalsSkipped)
	}
	if _, err := g.Job(context.Background(), "fixture:wf/load"); err != nil {
		t.Fatalf("workflow job lost: %v", err)
	}
	// Scripts beside the broken file are not taken for scripts of their
	// own meanwhile; etl/publish.sql, elsewhere, is.
	if !slices.Equal(s.Added, []string{"fixture:etl/publish.sql"}) || s.Unchanged != 4 {
		t.Errorf("added %v, unchanged %d; want the 4 other jobs unchanged", s.Added, s.Unchanged)
	}

	MustWrite(t, dir, "wf/main.sch.yaml", "jobs:\n  - {id: load, type: hive, script: missing.hql}\n")
	s = MustRun(t, in, dir, ingest.Options{})
	if len(s.Failed) != 1 || s.Failed[0].Line != 2 || !strings.Contains(s.Failed[0].Message, "missing.hql does not exist") {
		t.Fatalf("failed = %+v", s.Failed)
	}
}

func TestRunConfigErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"unknown dialect", "lineage.yaml", "source: x\ndialects:\n  \"a/\": klingon\n", `lineage.yaml:3:9: unknown dialect "klingon"`},
		{"unknown setting", "lineage.yaml", "source: x\ndefault_ownr: bob\n", `lineage.yaml:2:15: unknown setting "default_ownr"`},
		{"bad yaml", "lineage.yaml", "source: [x\n", "lineage.yaml: line 1"},
		{"bad default dialect", "lineage.yaml", "default_dialect: cobol\n", "lineage.yaml:1:18: unknown dialect"},
		{"bad CODEOWNERS pattern", "CODEOWNERS", "/etl/ @carol\n[abc] @bob\n", "CODEOWNERS:2:1: pattern"},
		{"bad CODEOWNERS owner", ".github/CODEOWNERS", "/etl/ @\n", `.github/CODEOWNERS:1:7: owner "@"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := MustCopyRepo(t)
			MustWrite(t, dir, tt.file, tt.content)
			g := newStore(t)
			_, err := (&ingest.Ingester{Graph: g}).Run(context.Background(), dir, ingest.Options{})
			if err == nil || lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v (code %s), want EINVALID containing %q", err, lineage.ErrorCode(err), tt.want)
			}
			if c, _ := g.Counts(context.Background()); c.Jobs != 0 {
				t.Fatalf("%d jobs stored despite the error", c.Jobs)
			}
		})
	}
}

func TestRunStoreUnavailable(t *testing.T) {
	dir := MustCopyRepo(t)
	g := newMemStore()
	g.failPut = lineage.Errorf(lineage.EUNAVAILABLE, "down")
	_, err := (&ingest.Ingester{Graph: g}).Run(context.Background(), dir, ingest.Options{})
	if lineage.ErrorCode(err) != lineage.EUNAVAILABLE {
		t.Fatalf("err = %v, want EUNAVAILABLE", err)
	}
}

func TestRunProgress(t *testing.T) {
	dir := MustCopyRepo(t)
	var last ingest.Progress
	calls := 0
	in := &ingest.Ingester{Graph: newStore(t), Progress: func(p ingest.Progress) { last = p; calls++ }}
	MustRun(t, in, dir, ingest.Options{})
	if calls != 7 || last.Done != 7 || last.Total != 7 || last.Added != 7 {
		t.Fatalf("%d calls, last %+v", calls, last)
	}
}

func TestRunNotADirectory(t *testing.T) {
	_, err := (&ingest.Ingester{Graph: newMemStore()}).Run(context.Background(), "testdata/nope", ingest.Options{})
	if lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("err = %v", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want the path error kept", err)
	}
}

func removeFile(dir, name string) error {
	return os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
}

// TestRunStoresScripts checks that each job keeps its script text as read,
// before template variables are filled in, and that a script too long to
// keep still gives its lineage, with a warning.
func TestRunStoresScripts(t *testing.T) {
	dir := MustCopyRepo(t)
	long := "INSERT INTO big.out SELECT * FROM big.src;\n-- " + strings.Repeat("x", lineage.MaxScriptBytes) + "\n"
	MustWrite(t, dir, "misc/huge.sql", long)
	g := newStore(t)
	sum := MustRun(t, &ingest.Ingester{Graph: g}, dir, ingest.Options{})
	if len(sum.Failed) != 0 {
		t.Fatalf("failures: %v", sum.Failed)
	}
	graph := MustSnapshot(t, g)
	for id, path := range map[string]string{"fixture:wf/load": "wf/load.hql", "fixture:misc/report.sql": "misc/report.sql"} {
		want, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		if got := graph[id].Script; got != string(want) {
			t.Errorf("%s script = %q, want the file as read, %q", id, got, want)
		}
	}
	if got := graph["fixture:wf/load"].Script; !strings.Contains(got, "${ds}") {
		t.Errorf("wf/load script = %q, want the template variable left in", got)
	}
	huge := graph["fixture:misc/huge.sql"]
	if huge.Script != "" || !slices.Equal(huge.Writes, []string{"big.out"}) {
		t.Errorf("huge.sql = %.200v, want its lineage without script text", huge)
	}
	var warned bool
	for _, w := range sum.Warnings {
		warned = warned || (w.File == "misc/huge.sql" && strings.Contains(w.Message, "its text is not"))
	}
	if !warned {
		t.Errorf("no warning says huge.sql's text is not kept: %v", sum.Warnings)
	}
}
