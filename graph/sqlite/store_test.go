package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lineage.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.MustPutJobs(t, s,
		graphtest.J("j1", "alice", graphtest.L("raw.a"), graphtest.L("stg.b")),
		graphtest.J("j2", "bob", graphtest.L("stg.b"), graphtest.L("dw.c")),
	)
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "alice", Email: "a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	c := graphtest.NewCampaign("raw.a", time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), "alice", "bob")
	graphtest.MustCreateCampaign(t, s, c)
	ev := &lineage.Event{CampaignID: c.ID, Actor: "system", Kind: "created"}
	if err := s.AppendEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	tk := &lineage.Ticket{CampaignID: c.ID, Owner: "alice", Summary: "Move off raw.a"}
	if err := s.CreateTicket(ctx, tk); err != nil {
		t.Fatal(err)
	}
	walk := lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream, Depth: 3}
	beforeWalk := fmt.Sprintf("%+v", graphtest.MustWalk(t, s, walk))
	beforeCounts := graphtest.MustCounts(t, s)
	beforeCampaign := fmt.Sprintf("%+v", *graphtest.MustCampaign(t, s, c.ID))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = MustOpenPath(t, path)
	if got := fmt.Sprintf("%+v", graphtest.MustWalk(t, s, walk)); got != beforeWalk {
		t.Errorf("walk after reopen:\n got %s\nwant %s", got, beforeWalk)
	}
	if got := graphtest.MustCounts(t, s); got != beforeCounts {
		t.Errorf("counts after reopen = %+v, want %+v", got, beforeCounts)
	}
	if got := fmt.Sprintf("%+v", *graphtest.MustCampaign(t, s, c.ID)); got != beforeCampaign {
		t.Errorf("campaign after reopen:\n got %s\nwant %s", got, beforeCampaign)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil || len(evs) != 1 || evs[0].ID != ev.ID {
		t.Errorf("events after reopen = %+v, %v; want the one event %d", evs, err, ev.ID)
	}
	if got, err := s.Ticket(ctx, tk.Key); err != nil || got.Summary != tk.Summary {
		t.Errorf("ticket after reopen = %+v, %v", got, err)
	}
	next := &lineage.Ticket{CampaignID: c.ID, Owner: "bob", Summary: "Move off raw.a"}
	if err := s.CreateTicket(ctx, next); err != nil || next.Key != "LIN-2" {
		t.Errorf("next ticket after reopen = %q, %v; want LIN-2", next.Key, err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, code, mention string
	}{
		{"Empty", "", lineage.EINVALID, "empty"},
		{"NoDirectory", filepath.Join(dir, "missing", "lineage.db"), lineage.EINVALID, filepath.Join(dir, "missing")},
		{"Directory", dir, lineage.EINVALID, "is a directory"},
		{"NotADatabase", notDB, lineage.EINVALID, notDB},
		{"Memory", ":memory:", lineage.EINVALID, "not a file path"},
		{"QuestionMark", filepath.Join(dir, "a?b.db"), lineage.EINVALID, "'?'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := sqlite.Open(c.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", c.path)
			}
			if lineage.ErrorCode(err) != c.code || !strings.Contains(lineage.ErrorMessage(err), c.mention) {
				t.Errorf("Open(%q) = %v (code %s, message %q); want code %s and a message mentioning %q",
					c.path, err, lineage.ErrorCode(err), lineage.ErrorMessage(err), c.code, c.mention)
			}
		})
	}
	t.Run("ReadOnlyDirectory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores directory permissions")
		}
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(ro, "lineage.db")
		s, err := sqlite.Open(path)
		if err == nil {
			s.Close()
			t.Fatal("Open in a read-only directory succeeded")
		}
		if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(lineage.ErrorMessage(err), path) {
			t.Errorf("Open = %v; want EINVALID naming %s", err, path)
		}
	})
}

func TestCancelledContext(t *testing.T) {
	s := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.PutJobs(ctx, []lineage.JobPut{graphtest.J("j", "", nil, nil)})
	if lineage.ErrorCode(err) != lineage.EUNAVAILABLE {
		t.Errorf("PutJobs with a cancelled context = %v, want EUNAVAILABLE", err)
	}
	if c := graphtest.MustCounts(t, s); c.Jobs != 0 {
		t.Errorf("a cancelled PutJobs stored %d jobs", c.Jobs)
	}
}

// crashEnv names the database a child process of TestCrashLosesNothing
// writes to until it is killed.
const crashEnv = "LINEAGE_SQLITE_CRASH_CHILD"

// crashBatch is batch b of the crash test: crashBatchSize jobs, each reading
// a shared hub table and writing its own.
func crashBatch(b int) []lineage.JobPut {
	var jobs []lineage.JobPut
	for i := range crashBatchSize {
		id := fmt.Sprintf("b%05d/j%02d", b, i)
		jobs = append(jobs, graphtest.J(id, fmt.Sprintf("owner%d", i%3), graphtest.L("crash.hub", fmt.Sprintf("crash.in%d", b%7)),
			graphtest.L(fmt.Sprintf("crash.out%05d_%02d", b, i))))
	}
	return jobs
}

const crashBatchSize = 40

// TestCrashLosesNothing runs a child process that writes batches and prints
// the number of each batch once PutJobs returns, kills it with SIGKILL, and
// checks that every acknowledged batch is stored whole and that the file
// passes PRAGMA integrity_check.
func TestCrashLosesNothing(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNothing$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		n, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			continue
		}
		b, err := strconv.Atoi(n)
		if err != nil || b != acked+1 {
			cmd.Process.Kill()
			t.Fatalf("child printed %q after ack %d", line, acked)
		}
		acked = b
		if acked == 30 {
			// The child is writing batch 31 now, or about to.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	cmd.Wait()
	if acked < 30 {
		t.Fatalf("child stopped after ack %d; see its output above", acked)
	}

	s := MustOpenPath(t, path)
	ctx := context.Background()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for b := 0; b <= acked+1; b++ {
		var present int
		for _, jp := range crashBatch(b) {
			j, err := s.Job(ctx, jp.Job.ID)
			if lineage.ErrorCode(err) == lineage.ENOTFOUND {
				continue
			}
			if err != nil {
				t.Fatalf("Job(%s): %v", jp.Job.ID, err)
			}
			present++
			if len(j.Reads) != 2 || len(j.Writes) != 1 {
				t.Errorf("job %s after the crash: reads %v writes %v; want 2 reads, 1 write", jp.Job.ID, j.Reads, j.Writes)
			}
		}
		switch {
		case b <= acked && present != crashBatchSize:
			t.Errorf("acknowledged batch %d: %d of %d jobs present after the crash", b, present, crashBatchSize)
		case b > acked && present != 0 && present != crashBatchSize:
			t.Errorf("unacknowledged batch %d is half stored: %d of %d jobs", b, present, crashBatchSize)
		}
	}
	hub, err := s.Table(ctx, "crash.hub")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hub.Readers); n < (acked+1)*crashBatchSize || n%crashBatchSize != 0 {
		t.Errorf("crash.hub has %d readers; want all %d acknowledged jobs, in whole batches", n, (acked+1)*crashBatchSize)
	}
}

// crashChild writes batches to path until killed, printing "ack N" after
// batch N is stored.
func crashChild(path string) {
	s, err := sqlite.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	for b := 0; ; b++ {
		if err := s.PutJobs(context.Background(), crashBatch(b)); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", b)
	}
}

// TestOpenRefusesDamagedFile damages one page of an index and checks that
// Open refuses the file, saying what quick_check found and how to repair
// it, and that the repair it names gives a file Open accepts.
func TestOpenRefusesDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lineage.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []lineage.JobPut
	for i := range 2000 {
		jobs = append(jobs, lineage.JobPut{Job: lineage.Job{ID: fmt.Sprintf("j%04d", i), Source: "s", Path: "p"}, Reads: []string{fmt.Sprintf("raw.t%d", i%300)}, Writes: []string{fmt.Sprintf("dw.t%d", i)}})
	}
	if err := s.PutJobs(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var pageSize, root int64
	if err := raw.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = 'edges_tbl'").Scan(&root); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xff", 64)), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	f.Close()

	_, err = sqlite.Open(path)
	if lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("Open of a damaged file = %v, want EINVALID", err)
	}
	msg := lineage.ErrorMessage(err)
	for _, want := range []string{path, "damaged", "quick_check", "backup", "mv " + path + " " + path + ".damaged", "lineage ingest -graph sqlite:" + path} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}

	// The way out it names works: the file moved aside, a new store opens
	// at the same path.
	if err := os.Rename(path, path+".damaged"); err != nil {
		t.Fatal(err)
	}
	os.Rename(path+"-wal", path+".damaged-wal")
	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open after moving the damaged file aside: %v", err)
	}
	s.Close()
}

// walFrames returns the offsets of the frames of the WAL file b and
// whether each is a commit frame.
func walFrames(tb testing.TB, b []byte) (offsets []int, commits []bool) {
	tb.Helper()
	if len(b) < 32 {
		tb.Fatalf("WAL of %d bytes", len(b))
	}
	pageSize := int(binary.BigEndian.Uint32(b[8:]))
	for off := 32; off+24+pageSize <= len(b); off += 24 + pageSize {
		offsets = append(offsets, off)
		commits = append(commits, binary.BigEndian.Uint32(b[off+4:]) != 0)
	}
	return offsets, commits
}

// TestOpenRefusesDamagedWAL damages one frame of a write-ahead log that
// holds three more transactions and checks that Open refuses the store
// (SQLite would drop the two transactions after the damage without a
// word), that an intact log and a log whose last transaction was torn
// open as before, and that the way out the message names works.
func TestOpenRefusesDamagedWAL(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s, err := sqlite.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"j1", "j2", "j3"} {
		if err := s.PutJobs(context.Background(), []lineage.JobPut{{Job: lineage.Job{ID: id, Source: "s", Path: id}, Reads: []string{"raw." + id}, Writes: []string{"dw." + id}}}); err != nil {
			t.Fatal(err)
		}
	}
	db, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.ReadFile(live + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	offsets, commits := walFrames(t, wal)
	var commitAt []int
	for i, c := range commits {
		if c {
			commitAt = append(commitAt, i)
		}
	}
	if len(commitAt) < 3 {
		t.Fatalf("the WAL holds %d commits, want at least 3", len(commitAt))
	}
	// A copy of the files as a crash would leave them, changed by change.
	copyAs := func(name string, change func(wal []byte) []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, db, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+"-wal", change(slices.Clone(wal)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jobs := func(p string) []string {
		t.Helper()
		st, err := sqlite.Open(p)
		if err != nil {
			t.Fatalf("Open %s: %v", filepath.Base(p), err)
		}
		defer st.Close()
		var ids []string
		for _, id := range []string{"j1", "j2", "j3"} {
			if _, err := st.Job(context.Background(), id); err == nil {
				ids = append(ids, id)
			}
		}
		return ids
	}

	if got := jobs(copyAs("intact.db", func(w []byte) []byte { return w })); !slices.Equal(got, []string{"j1", "j2", "j3"}) {
		t.Fatalf("intact log: jobs %v", got)
	}
	// The last transaction torn in mid-write was never acknowledged.
	torn := copyAs("torn.db", func(w []byte) []byte { return w[:offsets[commitAt[len(commitAt)-1]]+100] })
	if got := jobs(torn); !slices.Equal(got, []string{"j1", "j2"}) {
		t.Fatalf("torn log: jobs %v", got)
	}

	// Damage the first frame after the commit of j1: j2 and j3 follow.
	bad := copyAs("bad.db", func(w []byte) []byte {
		off := offsets[commitAt[len(commitAt)-3]+1]
		w[off+24+100] ^= 0xff
		return w
	})
	_, err = sqlite.Open(bad)
	if lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("Open with a damaged log = %v, want EINVALID", err)
	}
	msg := lineage.ErrorMessage(err)
	for _, want := range []string{bad + "-wal", "2 committed transaction(s)", "sqlite3 " + bad + " 'PRAGMA wal_checkpoint(TRUNCATE)'", "backup"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 is not installed (apt-get install sqlite3): the way out is not tried")
	}
	if out, err := exec.Command("sqlite3", bad, "PRAGMA wal_checkpoint(TRUNCATE)").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	if got := jobs(bad); !slices.Equal(got, []string{"j1"}) {
		t.Fatalf("after accepting the loss: jobs %v, want j1", got)
	}
}
