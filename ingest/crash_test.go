package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/graph/synth"
	"github.com/lineagehq/lineage/ingest"
)

// The crash test re-runs this test binary as a child that ingests a
// repository into a SQLite file and kills itself with SIGKILL part-way.
const (
	envChild      = "INGEST_CRASH_CHILD" // "1" in the child
	envDir        = "INGEST_CRASH_DIR"
	envDB         = "INGEST_CRASH_DB"
	envKillStored = "INGEST_CRASH_KILL_DONE" // kill once this many jobs are settled
	envKillGone   = "INGEST_CRASH_KILL_GONE" // or once this many are removed
	crashSource   = "synth"
	crashBatch    = 20
	crashWorkers  = 2
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(crashChild())
	}
	os.Exit(m.Run())
}

// crashChild ingests and kills its own process, the way `kill -9` would,
// when the progress reaches the point the parent asked for. It returns
// only if it never got there.
func crashChild() int {
	killDone, _ := strconv.Atoi(os.Getenv(envKillStored))
	killGone, _ := strconv.Atoi(os.Getenv(envKillGone))
	st, err := openSQLiteChild(os.Getenv(envDB))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	in := &ingest.Ingester{Graph: st, BatchSize: crashBatch, Workers: crashWorkers, Progress: func(p ingest.Progress) {
		if (killDone > 0 && p.Added+p.Updated >= killDone) || (killGone > 0 && p.Removed >= killGone) {
			self, _ := os.FindProcess(os.Getpid())
			self.Kill() // SIGKILL: no deferred call, no Close, no flush
		}
	}}
	if _, err := in.Run(context.Background(), os.Getenv(envDir), ingest.Options{Source: crashSource}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	fmt.Fprintln(os.Stderr, "the child finished without being killed")
	return 4
}

// runKilled runs a child ingest of dir into db that is killed at the point
// given by env, and checks that it was.
func runKilled(t *testing.T, dir, db string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=1", envDir+"="+dir, envDB+"="+db)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("child: %v, want it killed by a signal; output:\n%s", err, out)
	}
}

// MustSynthRepo writes a synthetic repository of n jobs to a new directory.
func MustSynthRepo(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "repo")
	w := synth.Generate(synth.Config{Seed: 7, Tables: n / 2, Jobs: n, Owners: 25, Layers: 5})
	if err := synth.WriteRepo(dir, w); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// MustChangeRepo edits, deletes, breaks and adds scripts of a synthetic
// repository: every 7th script edited, every 11th deleted (with its
// workflow entry left dangling only where noted), every 50th broken.
func MustChangeRepo(tb testing.TB, dir string) {
	tb.Helper()
	var scripts []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".sql") {
			scripts = append(scripts, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	for i, p := range scripts {
		switch {
		case i%50 == 3:
			if err := os.WriteFile(p, []byte(brokenSQL), 0o644); err != nil {
				tb.Fatal(err)
			}
		case i%7 == 0:
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			edited := strings.Replace(string(data), "FROM ", "FROM extra.t"+strconv.Itoa(i)+" x"+strconv.Itoa(i)+" CROSS JOIN ", 1)
			if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	// Deleting a workflow's script would make the workflow fail; delete
	// whole workflow directories instead, and add scripts of their own.
	entries, err := filepath.Glob(filepath.Join(dir, "*", "*", "main.sch.yaml"))
	if err != nil || len(entries) < 4 {
		tb.Fatalf("workflows: %v, %v", entries, err)
	}
	for _, wf := range entries[:len(entries)/4] {
		if err := os.RemoveAll(filepath.Dir(wf)); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range 30 {
		MustWrite(tb, dir, fmt.Sprintf("adhoc/new_%02d.sql", i), fmt.Sprintf("INSERT INTO adhoc.t%d SELECT * FROM adhoc.src%d;\n", i, i%5))
	}
}

// TestCrashRecovery kills ingests part-way and checks that running again
// gives exactly the graph that uninterrupted runs give.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("re-runs the test binary; skipped with -short")
	}
	tests := []struct {
		name string
		// before runs on both stores first, uninterrupted.
		before bool
		// change is applied to the repository between before and the
		// killed run.
		change bool
		env    []string
	}{
		{"first ingest killed after a third", false, false, []string{envKillStored + "=200"}},
		{"update killed after two batches", true, true, []string{envKillStored + "=40"}},
		{"update killed while removing", true, true, []string{envKillGone + "=20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := MustSynthRepo(t, 600)
			tmp := t.TempDir()
			killedDB, cleanDB := filepath.Join(tmp, "killed.db"), filepath.Join(tmp, "clean.db")
			ingestAll := func(db string) *ingest.Summary {
				st, err := sqlite.Open(db)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				return MustRun(t, &ingest.Ingester{Graph: st, BatchSize: crashBatch, Workers: crashWorkers}, dir, ingest.Options{Source: crashSource})
			}
			if tt.before {
				ingestAll(killedDB)
				ingestAll(cleanDB)
			}
			if tt.change {
				MustChangeRepo(t, dir)
			}
			runKilled(t, dir, killedDB, tt.env...)
			resumed := ingestAll(killedDB)
			clean := ingestAll(cleanDB)
			if resumed.Unchanged <= clean.Unchanged {
				t.Errorf("the resumed run found %d jobs unchanged, the clean one %d: the killed run stored nothing?", resumed.Unchanged, clean.Unchanged)
			}
			if len(clean.Failed) == 0 && tt.change {
				t.Errorf("the changed repository has no broken script")
			}

			a, b := MustOpenSQLite(t, killedDB), MustOpenSQLite(t, cleanDB)
			ga, gb := MustSnapshot(t, a), MustSnapshot(t, b)
			if len(ga) < 500 || !reflect.DeepEqual(ga, gb) {
				for id, j := range gb {
					if !reflect.DeepEqual(ga[id], j) {
						t.Errorf("job %s:\n after the kill %+v\n clean          %+v", id, ga[id], j)
						break
					}
				}
				t.Fatalf("graphs differ: %d jobs after the kill, %d clean", len(ga), len(gb))
			}
			ca, err := a.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := b.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ca != cb {
				t.Fatalf("counts differ: %+v after the kill, %+v clean", ca, cb)
			}
		})
	}
}
