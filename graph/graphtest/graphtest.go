package graphtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

// Store is what a full store implements.
type Store interface {
	lineage.GraphStore
	lineage.CampaignStore
	lineage.TicketStore
	lineage.ColumnStore
	lineage.WatcherStore
}

// Config lists permitted differences between stores. Keep it small: every
// field is a place where callers may see different behaviour.
type Config struct {
	// SkipConcurrency skips the subtests that write from several goroutines
	// at once (for a store whose test server cannot take the load).
	SkipConcurrency bool
}

// test is one named conformance subtest.
type test struct {
	name        string
	concurrency bool
	run         func(t *testing.T, s Store)
}

// tests is the suite, run in order by TestAll.
var tests = []test{
	{name: "PutSameTwice", run: testPutSameTwice},
	{name: "PutReplaces", run: testPutReplaces},
	{name: "PutNormalizes", run: testPutNormalizes},
	{name: "PutAtomic", run: testPutAtomic},
	{name: "PutInvalid", run: testPutInvalid},
	{name: "DeleteJob", run: testDeleteJob},
	{name: "TableAndJob", run: testTableAndJob},
	{name: "JobScript", run: testJobScript},
	{name: "ColumnsStored", run: testColumnsStored},
	{name: "Columns", run: testColumns},
	{name: "ColumnImpact", run: testColumnImpact},
	{name: "Watchers", run: testWatchers},
	{name: "WalkDownstream", run: testWalkDownstream},
	{name: "WalkUpstream", run: testWalkUpstream},
	{name: "WalkBoth", run: testWalkBoth},
	{name: "WalkCycles", run: testWalkCycles},
	{name: "WalkDiamond", run: testWalkDiamond},
	{name: "WalkNodeCap", run: testWalkNodeCap},
	{name: "WalkInvalid", run: testWalkInvalid},
	{name: "Impact", run: testImpact},
	{name: "ImpactCycles", run: testImpactCycles},
	{name: "ImpactDiamond", run: testImpactDiamond},
	{name: "Search", run: testSearch},
	{name: "SearchRanking", run: testSearchRanking},
	{name: "SearchPaging", run: testSearchPaging},
	{name: "SearchInvalid", run: testSearchInvalid},
	{name: "Jobs", run: testJobs},
	{name: "Owners", run: testOwners},
	{name: "NotFound", run: testNotFound},
	{name: "Counts", run: testCounts},
	{name: "ConcurrentWriters", concurrency: true, run: testConcurrentWriters},
	{name: "CampaignCreate", run: testCampaignCreate},
	{name: "CampaignCreateInvalid", run: testCampaignCreateInvalid},
	{name: "CampaignList", run: testCampaignList},
	{name: "CampaignUpdate", run: testCampaignUpdate},
	{name: "CampaignTargets", run: testCampaignTargets},
	{name: "CampaignEvents", run: testCampaignEvents},
	{name: "CampaignLeases", run: testCampaignLeases},
	{name: "Tickets", run: testTickets},
}

// TestAll runs every conformance subtest. open must return an empty store
// and register its cleanup on tb; it is called once per subtest.
func TestAll(t *testing.T, open func(tb testing.TB) Store, c Config) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.concurrency && c.SkipConcurrency {
				t.Skip("skipped by Config.SkipConcurrency")
			}
			s := open(t)
			tt.run(t, s)
		})
	}
}

// J builds a JobPut: a job id, its owner, and reads/writes.
func J(id, owner string, reads, writes []string) lineage.JobPut {
	return lineage.JobPut{
		Job:    lineage.Job{ID: id, Source: "test", Path: id + ".sql", Dialect: "mysql", Hash: "h-" + id, Owner: owner},
		Reads:  reads,
		Writes: writes,
	}
}

// WithScript returns jp with its script text set.
func WithScript(jp lineage.JobPut, script string) lineage.JobPut {
	jp.Script = script
	return jp
}

// L is a short way to write a list of names.
func L(names ...string) []string { return names }

// MustPutJobs stores jobs or fails the test.
func MustPutJobs(tb testing.TB, s lineage.GraphStore, jobs ...lineage.JobPut) {
	tb.Helper()
	if err := s.PutJobs(context.Background(), jobs); err != nil {
		tb.Fatalf("PutJobs: %v", err)
	}
}

// MustWalk walks or fails the test.
func MustWalk(tb testing.TB, s lineage.GraphStore, f lineage.WalkFilter) *lineage.Subgraph {
	tb.Helper()
	g, err := s.Walk(context.Background(), f)
	if err != nil {
		tb.Fatalf("Walk(%+v): %v", f, err)
	}
	return g
}

// MustImpact computes an impact or fails the test.
func MustImpact(tb testing.TB, s lineage.GraphStore, table string, depth int) *lineage.Impact {
	tb.Helper()
	im, err := s.Impact(context.Background(), table, depth)
	if err != nil {
		tb.Fatalf("Impact(%q, %d): %v", table, depth, err)
	}
	return im
}

// MustCounts returns the counts or fails the test.
func MustCounts(tb testing.TB, s lineage.GraphStore) lineage.Counts {
	tb.Helper()
	c, err := s.Counts(context.Background())
	if err != nil {
		tb.Fatalf("Counts: %v", err)
	}
	return c
}

// MustJob returns a job or fails the test.
func MustJob(tb testing.TB, s lineage.GraphStore, id string) *lineage.JobInfo {
	tb.Helper()
	j, err := s.Job(context.Background(), id)
	if err != nil {
		tb.Fatalf("Job(%q): %v", id, err)
	}
	return j
}

// MustTable returns a table or fails the test.
func MustTable(tb testing.TB, s lineage.GraphStore, name string) *lineage.TableInfo {
	tb.Helper()
	ti, err := s.Table(context.Background(), name)
	if err != nil {
		tb.Fatalf("Table(%q): %v", name, err)
	}
	return ti
}

// checkCode fails the test unless err carries code (and, when field is not
// empty, names field).
func checkCode(tb testing.TB, what string, err error, code, field string) {
	tb.Helper()
	if got := lineage.ErrorCode(err); got != code {
		tb.Errorf("%s: got error %v (code %q), want code %q", what, err, got, code)
		return
	}
	if field != "" {
		if got := lineage.ErrorField(err); got != field {
			tb.Errorf("%s: got field %q (%v), want %q", what, got, err, field)
		}
	}
}

// same fails the test unless got and want print the same with %+v, which
// treats nil and empty slices alike and shows times in full.
func same(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want)
	if g != w {
		tb.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
	}
}

// Summary is a compact form of a subgraph for comparisons:
// tables, jobs, owners by handle, and edges as "job>table:R" or ":W".
type Summary struct {
	Tables, Jobs, Owners, Edges []string
	Truncated                   bool
}

// Summarize returns g's summary.
func Summarize(g *lineage.Subgraph) Summary {
	var s Summary
	for _, t := range g.Tables {
		s.Tables = append(s.Tables, t.Name)
	}
	for _, j := range g.Jobs {
		s.Jobs = append(s.Jobs, j.ID)
	}
	for _, o := range g.Owners {
		s.Owners = append(s.Owners, o.Handle)
	}
	for _, e := range g.Edges {
		s.Edges = append(s.Edges, e.Job+">"+e.Table+":"+string(e.Kind)[:1])
	}
	s.Truncated = g.Truncated
	return s
}

// small is the fixture most graph tests use:
//
//	raw.a -j1(alice)-> stg.b -j2(bob)---> dw.c -j4(carol)-> mart.e
//	                         -j3(alice)-> dw.d -j5()------> mart.f
//	raw.x -j3
func small() []lineage.JobPut {
	return []lineage.JobPut{
		J("j1", "alice", L("raw.a"), L("stg.b")),
		J("j2", "bob", L("stg.b"), L("dw.c")),
		J("j3", "alice", L("stg.b", "raw.x"), L("dw.d")),
		J("j4", "carol", L("dw.c"), L("mart.e")),
		J("j5", "", L("dw.d"), L("mart.f")),
	}
}

func testPutSameTwice(t *testing.T, s Store) {
	MustPutJobs(t, s, small()...)
	c1 := MustCounts(t, s)
	g1 := Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "raw.a", Direction: lineage.Both, Depth: 5}))
	MustPutJobs(t, s, small()...)
	c2 := MustCounts(t, s)
	g2 := Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "raw.a", Direction: lineage.Both, Depth: 5}))
	same(t, "counts after second put", c2, c1)
	same(t, "walk after second put", g2, g1)
	same(t, "counts", c1, lineage.Counts{Tables: 7, Jobs: 5, Owners: 3, Edges: 11})
}

func testPutReplaces(t *testing.T, s Store) {
	MustPutJobs(t, s, J("j1", "alice", L("t.a", "t.b"), L("t.c")))
	MustPutJobs(t, s, J("j1", "bob", L("t.a"), L("t.d")))
	j := MustJob(t, s, "j1")
	same(t, "reads", j.Reads, L("t.a"))
	same(t, "writes", j.Writes, L("t.d"))
	same(t, "owner", j.Owner, "bob")
	if ti := MustTable(t, s, "t.b"); len(ti.Readers) != 0 {
		t.Errorf("t.b readers = %v, want none after replace", ti.Readers)
	}
	if ti := MustTable(t, s, "t.c"); len(ti.Writers) != 0 {
		t.Errorf("t.c writers = %v, want none after replace", ti.Writers)
	}
	same(t, "downstream of t.b", Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "t.b", Direction: lineage.Downstream})),
		Summary{Tables: L("t.b")})
	same(t, "counts", MustCounts(t, s), lineage.Counts{Tables: 4, Jobs: 1, Owners: 2, Edges: 2})
	a, err := s.Owner(context.Background(), "alice")
	if err != nil {
		t.Fatalf("Owner(alice): %v", err)
	}
	if len(a.Jobs) != 0 {
		t.Errorf("alice still owns %v after the job moved to bob", a.Jobs)
	}
}

func testPutNormalizes(t *testing.T, s Store) {
	MustPutJobs(t, s, J("  Etl/Job.sql ", " Alice ", L("Sales.Orders", "sales.orders ", "SALES.ORDERS"), L(" Mart.X")))
	j := MustJob(t, s, "Etl/Job.sql")
	same(t, "job", j.Job, lineage.Job{ID: "Etl/Job.sql", Source: "test", Path: "  Etl/Job.sql .sql", Dialect: "mysql", Hash: "h-  Etl/Job.sql ", Owner: "alice"})
	same(t, "reads", j.Reads, L("sales.orders"))
	same(t, "writes", j.Writes, L("mart.x"))
	MustTable(t, s, "SALES.orders")
	if _, err := s.Job(context.Background(), "etl/job.sql"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("job ids keep their case: Job(etl/job.sql) = %v, want ENOTFOUND", err)
	}
	same(t, "counts", MustCounts(t, s), lineage.Counts{Tables: 2, Jobs: 1, Owners: 1, Edges: 2})
}

func testPutAtomic(t *testing.T, s Store) {
	MustPutJobs(t, s, J("keep", "", L("t.a"), L("t.b")))
	before := MustCounts(t, s)
	err := s.PutJobs(context.Background(), []lineage.JobPut{
		J("new1", "dora", L("t.x"), L("t.y")),
		J("keep", "", L("t.z"), nil),
		J("bad", "", L("t.ok", " "), nil),
	})
	checkCode(t, "PutJobs with an empty read", err, lineage.EINVALID, "jobs[2].reads[1]")
	same(t, "counts after failed put", MustCounts(t, s), before)
	if _, err := s.Job(context.Background(), "new1"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("Job(new1) after failed batch = %v, want ENOTFOUND", err)
	}
	same(t, "keep reads", MustJob(t, s, "keep").Reads, L("t.a"))
	if _, err := s.Owner(context.Background(), "dora"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("Owner(dora) after failed batch = %v, want ENOTFOUND", err)
	}
}

func testPutInvalid(t *testing.T, s Store) {
	long := strings.Repeat("x", lineage.MaxNameLen+1)
	cases := []struct {
		name  string
		jobs  []lineage.JobPut
		field string
	}{
		{"EmptyID", []lineage.JobPut{J("ok", "", nil, nil), J(" ", "", nil, nil)}, "jobs[1].job.id"},
		{"LongID", []lineage.JobPut{J(long, "", nil, nil)}, "jobs[0].job.id"},
		{"EmptyRead", []lineage.JobPut{J("a", "", L("t.a", ""), nil)}, "jobs[0].reads[1]"},
		{"EmptyWrite", []lineage.JobPut{J("a", "", nil, L(""))}, "jobs[0].writes[0]"},
		{"LongWrite", []lineage.JobPut{J("a", "", nil, L(long))}, "jobs[0].writes[0]"},
		{"NewlineInRead", []lineage.JobPut{J("a", "", L("t.a\nt.b"), nil)}, "jobs[0].reads[0]"},
		{"LongOwner", []lineage.JobPut{J("a", long, nil, nil)}, "jobs[0].job.owner"},
		{"LongScript", []lineage.JobPut{J("a", "", nil, nil), WithScript(J("b", "", nil, nil), strings.Repeat("x", lineage.MaxScriptBytes+1))}, "jobs[1].script"},
		{"ScriptNotUTF8", []lineage.JobPut{WithScript(J("a", "", nil, nil), "SELECT '\xff'")}, "jobs[0].script"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.PutJobs(context.Background(), c.jobs)
			checkCode(t, "PutJobs", err, lineage.EINVALID, c.field)
		})
	}
	same(t, "counts after invalid puts", MustCounts(t, s), lineage.Counts{})
	checkCode(t, "PutOwners with empty handle",
		s.PutOwners(context.Background(), []lineage.Owner{{Handle: "ok"}, {Handle: ""}}), lineage.EINVALID, "owners[1].handle")
	same(t, "counts after invalid PutOwners", MustCounts(t, s), lineage.Counts{})
	if err := s.PutJobs(context.Background(), nil); err != nil {
		t.Errorf("PutJobs(nil) = %v, want nil", err)
	}
}

func testDeleteJob(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, small()...)
	if err := s.DeleteJob(ctx, "j2"); err != nil {
		t.Fatalf("DeleteJob(j2): %v", err)
	}
	if _, err := s.Job(ctx, "j2"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("Job(j2) after delete = %v, want ENOTFOUND", err)
	}
	checkCode(t, "second DeleteJob(j2)", s.DeleteJob(ctx, "j2"), lineage.ENOTFOUND, "")
	checkCode(t, "DeleteJob(\"\")", s.DeleteJob(ctx, " "), lineage.EINVALID, "id")
	// Tables and owners stay.
	MustTable(t, s, "dw.c")
	b, err := s.Owner(ctx, "bob")
	if err != nil {
		t.Fatalf("Owner(bob) after deleting bob's only job: %v", err)
	}
	same(t, "bob's jobs", b.Jobs, []string(nil))
	same(t, "counts", MustCounts(t, s), lineage.Counts{Tables: 7, Jobs: 4, Owners: 3, Edges: 9})
	same(t, "downstream of stg.b", Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "stg.b", Direction: lineage.Downstream, Depth: 5})),
		Summary{
			Tables: L("dw.d", "mart.f", "stg.b"),
			Jobs:   L("j3", "j5"),
			Owners: L("alice"),
			Edges:  L("j3>dw.d:W", "j3>stg.b:R", "j5>dw.d:R", "j5>mart.f:W"),
		})
}

func testTableAndJob(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, small()...)
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "alice", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"}}); err != nil {
		t.Fatal(err)
	}
	ti := MustTable(t, s, "stg.b")
	var readers, writers []string
	for _, j := range ti.Readers {
		readers = append(readers, j.ID)
	}
	for _, j := range ti.Writers {
		writers = append(writers, j.ID)
	}
	same(t, "stg.b name", ti.Name, "stg.b")
	same(t, "stg.b readers", readers, L("j2", "j3"))
	same(t, "stg.b writers", writers, L("j1"))
	same(t, "stg.b first reader", ti.Readers[0], lineage.Job{ID: "j2", Source: "test", Path: "j2.sql", Dialect: "mysql", Hash: "h-j2", Owner: "bob"})

	j := MustJob(t, s, "j3")
	same(t, "j3", *j, lineage.JobInfo{
		Job:       lineage.Job{ID: "j3", Source: "test", Path: "j3.sql", Dialect: "mysql", Hash: "h-j3", Owner: "alice"},
		Reads:     L("raw.x", "stg.b"),
		Writes:    L("dw.d"),
		OwnerInfo: lineage.Owner{Handle: "alice", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"},
	})
	same(t, "j5 (no owner)", MustJob(t, s, "j5").OwnerInfo, lineage.Owner{})
}

// testJobScript checks that a job's script text is stored as given, comes
// back from Job only, and is replaced (or removed) with the job.
func testJobScript(t *testing.T, s Store) {
	ctx := context.Background()
	script := "-- Orders by day.\r\nINSERT INTO dw.c\n  SELECT * FROM stg.b WHERE dt = '${ds}';\n\n\tunicode: é ✓ 🙂 \x00 NUL kept\n"
	MustPutJobs(t, s, WithScript(J("j1", "alice", L("stg.b"), L("dw.c")), script), J("j2", "", L("dw.c"), nil))
	same(t, "j1 script", MustJob(t, s, "j1").Script, script)
	same(t, "j2 script (none given)", MustJob(t, s, "j2").Script, "")

	t.Run("Replace", func(t *testing.T) {
		MustPutJobs(t, s, WithScript(J("j1", "alice", L("stg.b"), L("dw.c")), "SELECT 2"))
		same(t, "replaced script", MustJob(t, s, "j1").Script, "SELECT 2")
		MustPutJobs(t, s, J("j1", "alice", L("stg.b"), L("dw.c")))
		same(t, "script after a put without one", MustJob(t, s, "j1").Script, "")
		MustPutJobs(t, s, WithScript(J("j1", "alice", L("stg.b"), L("dw.c")), "SELECT 1"), WithScript(J("j1", "alice", L("stg.b"), L("dw.c")), "SELECT 3"))
		same(t, "script after a batch naming the job twice", MustJob(t, s, "j1").Script, "SELECT 3")
	})
	t.Run("Largest", func(t *testing.T) {
		big := strings.Repeat("SELECT 1;\n", lineage.MaxScriptBytes/10) + strings.Repeat("x", lineage.MaxScriptBytes%10)
		MustPutJobs(t, s, WithScript(J("big", "", L("stg.b"), nil), big))
		if got := MustJob(t, s, "big").Script; got != big {
			t.Errorf("script of %d bytes came back as %d bytes", len(big), len(got))
		}
	})
	t.Run("OversizedKeepsStored", func(t *testing.T) {
		err := s.PutJobs(ctx, []lineage.JobPut{
			WithScript(J("j2", "", L("dw.c"), nil), "SELECT 4"),
			WithScript(J("j1", "alice", nil, nil), strings.Repeat("x", lineage.MaxScriptBytes+1)),
		})
		checkCode(t, "PutJobs with an oversized script", err, lineage.EINVALID, "jobs[1].script")
		same(t, "j1 script after the refused batch", MustJob(t, s, "j1").Script, "SELECT 3")
		same(t, "j2 script after the refused batch", MustJob(t, s, "j2").Script, "")
	})
	t.Run("DeleteAndRecreate", func(t *testing.T) {
		if err := s.DeleteJob(ctx, "j1"); err != nil {
			t.Fatal(err)
		}
		MustPutJobs(t, s, J("j1", "alice", L("stg.b"), L("dw.c")))
		same(t, "script of a job put again after delete", MustJob(t, s, "j1").Script, "")
	})
	t.Run("NotInWalks", func(t *testing.T) {
		MustPutJobs(t, s, WithScript(J("j1", "alice", L("stg.b"), L("dw.c")), "SELECT 5"))
		// Job has no script field: walks, tables and listings stay light.
		g := MustWalk(t, s, lineage.WalkFilter{Table: "stg.b", Direction: lineage.Downstream})
		same(t, "walk", Summarize(g), Summary{
			Tables: L("dw.c", "stg.b"), Jobs: L("big", "j1", "j2"), Owners: L("alice"),
			Edges: L("big>stg.b:R", "j1>dw.c:W", "j1>stg.b:R", "j2>dw.c:R"),
		})
		same(t, "counts", MustCounts(t, s), lineage.Counts{Tables: 2, Jobs: 3, Owners: 1, Edges: 4})
	})
}

func testWalkDownstream(t *testing.T, s Store) {
	MustPutJobs(t, s, small()...)
	cases := []struct {
		name  string
		table string
		depth int
		want  Summary
	}{
		{"Depth1", "raw.a", 1, Summary{
			Tables: L("raw.a", "stg.b"), Jobs: L("j1"), Owners: L("alice"),
			Edges: L("j1>raw.a:R", "j1>stg.b:W"),
		}},
		{"Depth2", "raw.a", 2, Summary{
			Tables: L("dw.c", "dw.d", "raw.a", "stg.b"), Jobs: L("j1", "j2", "j3"), Owners: L("alice", "bob"),
			Edges: L("j1>raw.a:R", "j1>stg.b:W", "j2>dw.c:W", "j2>stg.b:R", "j3>dw.d:W", "j3>stg.b:R"),
		}},
		{"Depth3", "raw.a", 3, Summary{
			Tables: L("dw.c", "dw.d", "mart.e", "mart.f", "raw.a", "stg.b"), Jobs: L("j1", "j2", "j3", "j4", "j5"),
			Owners: L("alice", "bob", "carol"),
			Edges: L("j1>raw.a:R", "j1>stg.b:W", "j2>dw.c:W", "j2>stg.b:R", "j3>dw.d:W", "j3>stg.b:R",
				"j4>dw.c:R", "j4>mart.e:W", "j5>dw.d:R", "j5>mart.f:W"),
		}},
		{"DefaultDepth", "raw.a", 0, Summary{
			Tables: L("dw.c", "dw.d", "mart.e", "mart.f", "raw.a", "stg.b"), Jobs: L("j1", "j2", "j3", "j4", "j5"),
			Owners: L("alice", "bob", "carol"),
			Edges: L("j1>raw.a:R", "j1>stg.b:W", "j2>dw.c:W", "j2>stg.b:R", "j3>dw.d:W", "j3>stg.b:R",
				"j4>dw.c:R", "j4>mart.e:W", "j5>dw.d:R", "j5>mart.f:W"),
		}},
		{"SecondSource", "raw.x", 2, Summary{
			Tables: L("dw.d", "mart.f", "raw.x"), Jobs: L("j3", "j5"), Owners: L("alice"),
			Edges: L("j3>dw.d:W", "j3>raw.x:R", "j5>dw.d:R", "j5>mart.f:W"),
		}},
		{"Leaf", "mart.e", 3, Summary{Tables: L("mart.e")}},
		{"CaseInsensitiveName", " DW.C ", 1, Summary{
			Tables: L("dw.c", "mart.e"), Jobs: L("j4"), Owners: L("carol"),
			Edges: L("j4>dw.c:R", "j4>mart.e:W"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := MustWalk(t, s, lineage.WalkFilter{Table: c.table, Direction: lineage.Downstream, Depth: c.depth})
			same(t, "subgraph", Summarize(g), c.want)
		})
	}
	t.Run("OwnerDetails", func(t *testing.T) {
		if err := s.PutOwners(context.Background(), []lineage.Owner{{Handle: "carol", Email: "carol@example.com", Team: "bi"}}); err != nil {
			t.Fatal(err)
		}
		g := MustWalk(t, s, lineage.WalkFilter{Table: "dw.c", Direction: lineage.Downstream, Depth: 1})
		same(t, "owners", g.Owners, []lineage.Owner{{Handle: "carol", Email: "carol@example.com", Team: "bi"}})
		same(t, "jobs", g.Jobs, []lineage.Job{{ID: "j4", Source: "test", Path: "j4.sql", Dialect: "mysql", Hash: "h-j4", Owner: "carol"}})
		same(t, "tables", g.Tables, []lineage.Table{{Name: "dw.c"}, {Name: "mart.e"}})
		same(t, "edges", g.Edges, []lineage.Edge{{Job: "j4", Table: "dw.c", Kind: lineage.Reads}, {Job: "j4", Table: "mart.e", Kind: lineage.Writes}})
	})
}

func testWalkUpstream(t *testing.T, s Store) {
	MustPutJobs(t, s, small()...)
	cases := []struct {
		name  string
		table string
		depth int
		want  Summary
	}{
		{"Depth1", "mart.e", 1, Summary{
			Tables: L("dw.c", "mart.e"), Jobs: L("j4"), Owners: L("carol"),
			Edges: L("j4>dw.c:R", "j4>mart.e:W"),
		}},
		{"Depth2", "mart.e", 2, Summary{
			Tables: L("dw.c", "mart.e", "stg.b"), Jobs: L("j2", "j4"), Owners: L("bob", "carol"),
			Edges: L("j2>dw.c:W", "j2>stg.b:R", "j4>dw.c:R", "j4>mart.e:W"),
		}},
		{"Depth3", "mart.f", 3, Summary{
			Tables: L("dw.d", "mart.f", "raw.a", "raw.x", "stg.b"), Jobs: L("j1", "j3", "j5"), Owners: L("alice"),
			Edges: L("j1>raw.a:R", "j1>stg.b:W", "j3>dw.d:W", "j3>raw.x:R", "j3>stg.b:R", "j5>dw.d:R", "j5>mart.f:W"),
		}},
		{"Source", "raw.a", 3, Summary{Tables: L("raw.a")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := MustWalk(t, s, lineage.WalkFilter{Table: c.table, Direction: lineage.Upstream, Depth: c.depth})
			same(t, "subgraph", Summarize(g), c.want)
		})
	}
}

func testWalkBoth(t *testing.T, s Store) {
	MustPutJobs(t, s, small()...)
	g := MustWalk(t, s, lineage.WalkFilter{Table: "dw.c", Direction: lineage.Both, Depth: 1})
	same(t, "both depth 1", Summarize(g), Summary{
		Tables: L("dw.c", "mart.e", "stg.b"), Jobs: L("j2", "j4"), Owners: L("bob", "carol"),
		Edges: L("j2>dw.c:W", "j2>stg.b:R", "j4>dw.c:R", "j4>mart.e:W"),
	})
	// Both is the union of the two walks, not a walk that turns around:
	// stg.b's other reader j3 is not upstream or downstream of dw.c.
	g = MustWalk(t, s, lineage.WalkFilter{Table: "dw.c", Direction: lineage.Both, Depth: 3})
	same(t, "both depth 3", Summarize(g), Summary{
		Tables: L("dw.c", "mart.e", "raw.a", "stg.b"), Jobs: L("j1", "j2", "j4"), Owners: L("alice", "bob", "carol"),
		Edges: L("j1>raw.a:R", "j1>stg.b:W", "j2>dw.c:W", "j2>stg.b:R", "j4>dw.c:R", "j4>mart.e:W"),
	})
}

func testWalkCycles(t *testing.T, s Store) {
	MustPutJobs(t, s,
		J("self", "", L("loop.t"), L("loop.t")),
		J("ab", "ann", L("cyc.a"), L("cyc.b")),
		J("ba", "ann", L("cyc.b"), L("cyc.a")),
		J("out", "", L("cyc.b"), L("cyc.out")),
	)
	for _, d := range []lineage.Direction{lineage.Downstream, lineage.Upstream, lineage.Both} {
		t.Run("Self"+string(d), func(t *testing.T) {
			g := MustWalk(t, s, lineage.WalkFilter{Table: "loop.t", Direction: d, Depth: lineage.MaxDepth})
			same(t, "subgraph", Summarize(g), Summary{Tables: L("loop.t"), Jobs: L("self"), Edges: L("self>loop.t:R", "self>loop.t:W")})
		})
	}
	g := MustWalk(t, s, lineage.WalkFilter{Table: "cyc.a", Direction: lineage.Downstream, Depth: lineage.MaxDepth})
	same(t, "A->B->A downstream", Summarize(g), Summary{
		Tables: L("cyc.a", "cyc.b", "cyc.out"), Jobs: L("ab", "ba", "out"), Owners: L("ann"),
		Edges: L("ab>cyc.a:R", "ab>cyc.b:W", "ba>cyc.a:W", "ba>cyc.b:R", "out>cyc.b:R", "out>cyc.out:W"),
	})
	g = MustWalk(t, s, lineage.WalkFilter{Table: "cyc.a", Direction: lineage.Upstream, Depth: lineage.MaxDepth})
	same(t, "A->B->A upstream", Summarize(g), Summary{
		Tables: L("cyc.a", "cyc.b"), Jobs: L("ab", "ba"), Owners: L("ann"),
		Edges: L("ab>cyc.a:R", "ab>cyc.b:W", "ba>cyc.a:W", "ba>cyc.b:R"),
	})
	g = MustWalk(t, s, lineage.WalkFilter{Table: "cyc.a", Direction: lineage.Downstream, Depth: 1})
	same(t, "A->B->A downstream depth 1", Summarize(g), Summary{
		Tables: L("cyc.a", "cyc.b"), Jobs: L("ab"), Owners: L("ann"),
		Edges: L("ab>cyc.a:R", "ab>cyc.b:W"),
	})
}

func diamond() []lineage.JobPut {
	return []lineage.JobPut{
		J("left", "lea", L("d.src"), L("d.left")),
		J("right", "rob", L("d.src"), L("d.right")),
		J("merge", "max", L("d.left", "d.right"), L("d.sink")),
	}
}

func testWalkDiamond(t *testing.T, s Store) {
	MustPutJobs(t, s, diamond()...)
	want := Summary{
		Tables: L("d.left", "d.right", "d.sink", "d.src"), Jobs: L("left", "merge", "right"), Owners: L("lea", "max", "rob"),
		Edges: L("left>d.left:W", "left>d.src:R", "merge>d.left:R", "merge>d.right:R", "merge>d.sink:W", "right>d.right:W", "right>d.src:R"),
	}
	same(t, "downstream", Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "d.src", Direction: lineage.Downstream, Depth: 2})), want)
	same(t, "upstream", Summarize(MustWalk(t, s, lineage.WalkFilter{Table: "d.sink", Direction: lineage.Upstream, Depth: 2})), want)
}

func fan(n int) []lineage.JobPut {
	var jobs []lineage.JobPut
	for i := range n {
		jobs = append(jobs, J(fmt.Sprintf("fj%02d", i), "", L("f.src"), L(fmt.Sprintf("f.out%02d", i))))
	}
	return jobs
}

func testWalkNodeCap(t *testing.T, s Store) {
	// Insert in reverse so that stores returning insertion order fail.
	jobs := fan(10)
	slices.Reverse(jobs)
	MustPutJobs(t, s, jobs...)
	cases := []struct {
		name string
		dir  lineage.Direction
		max  int
		want Summary
	}{
		{"One", lineage.Downstream, 1, Summary{Tables: L("f.src"), Truncated: true}},
		{"MidJobs", lineage.Downstream, 5, Summary{
			Tables: L("f.src"), Jobs: L("fj00", "fj01", "fj02", "fj03"),
			Edges: L("fj00>f.src:R", "fj01>f.src:R", "fj02>f.src:R", "fj03>f.src:R"), Truncated: true,
		}},
		{"MidTables", lineage.Downstream, 13, Summary{
			Tables: L("f.out00", "f.out01", "f.src"),
			Jobs:   L("fj00", "fj01", "fj02", "fj03", "fj04", "fj05", "fj06", "fj07", "fj08", "fj09"),
			Edges: L("fj00>f.out00:W", "fj00>f.src:R", "fj01>f.out01:W", "fj01>f.src:R", "fj02>f.src:R", "fj03>f.src:R",
				"fj04>f.src:R", "fj05>f.src:R", "fj06>f.src:R", "fj07>f.src:R", "fj08>f.src:R", "fj09>f.src:R"),
			Truncated: true,
		}},
		{"UpstreamOfOutput", lineage.Upstream, 2, Summary{
			Tables: L("f.out03"), Jobs: L("fj03"), Edges: L("fj03>f.out03:W"), Truncated: true,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			table := "f.src"
			if c.dir == lineage.Upstream {
				table = "f.out03"
			}
			g := MustWalk(t, s, lineage.WalkFilter{Table: table, Direction: c.dir, Depth: 3, MaxNodes: c.max})
			same(t, "subgraph", Summarize(g), c.want)
		})
	}
	t.Run("Exact", func(t *testing.T) {
		g := MustWalk(t, s, lineage.WalkFilter{Table: "f.src", Direction: lineage.Downstream, Depth: 3, MaxNodes: 21})
		if g.Truncated || len(g.Tables) != 11 || len(g.Jobs) != 10 || len(g.Edges) != 20 {
			t.Errorf("cap 21 on a 21-node walk: %d tables, %d jobs, %d edges, truncated %v; want 11, 10, 20, false",
				len(g.Tables), len(g.Jobs), len(g.Edges), g.Truncated)
		}
	})
	t.Run("BothSharesCap", func(t *testing.T) {
		MustPutJobs(t, s, J("feed", "", L("f.raw"), L("f.src")))
		g := MustWalk(t, s, lineage.WalkFilter{Table: "f.src", Direction: lineage.Both, Depth: 3, MaxNodes: 21})
		// Downstream takes all 21 places; the upstream job does not fit.
		if !g.Truncated || len(g.Tables)+len(g.Jobs) != 21 || slices.ContainsFunc(g.Jobs, func(j lineage.Job) bool { return j.ID == "feed" }) {
			t.Errorf("both with cap 21: %d tables, %d jobs, truncated %v; want 21 nodes without job feed, truncated",
				len(g.Tables), len(g.Jobs), g.Truncated)
		}
		g = MustWalk(t, s, lineage.WalkFilter{Table: "f.src", Direction: lineage.Both, Depth: 3, MaxNodes: 23})
		if g.Truncated || len(g.Tables)+len(g.Jobs) != 23 {
			t.Errorf("both with cap 23: %d tables, %d jobs, truncated %v; want 23 nodes, not truncated", len(g.Tables), len(g.Jobs), g.Truncated)
		}
	})
}

func testWalkInvalid(t *testing.T, s Store) {
	MustPutJobs(t, s, small()...)
	cases := []struct {
		name  string
		f     lineage.WalkFilter
		code  string
		field string
	}{
		{"EmptyTable", lineage.WalkFilter{Table: " ", Direction: lineage.Downstream}, lineage.EINVALID, "table"},
		{"DepthNegative", lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream, Depth: -1}, lineage.EINVALID, "depth"},
		{"DepthTooDeep", lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream, Depth: lineage.MaxDepth + 1}, lineage.EINVALID, "depth"},
		{"CapNegative", lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream, MaxNodes: -1}, lineage.EINVALID, "maxNodes"},
		{"CapTooBig", lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream, MaxNodes: lineage.MaxNodes + 1}, lineage.EINVALID, "maxNodes"},
		{"BadDirection", lineage.WalkFilter{Table: "raw.a", Direction: "SIDEWAYS"}, lineage.EINVALID, "direction"},
		{"NoDirection", lineage.WalkFilter{Table: "raw.a"}, lineage.EINVALID, "direction"},
		{"UnknownTable", lineage.WalkFilter{Table: "no.such", Direction: lineage.Upstream}, lineage.ENOTFOUND, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Walk(context.Background(), c.f)
			checkCode(t, "Walk", err, c.code, c.field)
		})
	}
	for _, d := range []int{-1, lineage.MaxDepth + 1} {
		_, err := s.Impact(context.Background(), "raw.a", d)
		checkCode(t, fmt.Sprintf("Impact depth %d", d), err, lineage.EINVALID, "depth")
	}
	_, err := s.Impact(context.Background(), "", 1)
	checkCode(t, "Impact of empty table", err, lineage.EINVALID, "table")
}

// impactSummary is a compact impact: per owner "handle@hops:" then its jobs
// as "id@hops(reads>writes)".
func impactSummary(im *lineage.Impact) []string {
	var out []string
	for _, o := range im.Owners {
		s := fmt.Sprintf("%s@%d:", o.Owner.Handle, o.Hops)
		for _, j := range o.Jobs {
			s += fmt.Sprintf(" %s@%d(%s>%s)", j.Job.ID, j.Hops, strings.Join(j.Reads, ","), strings.Join(j.Writes, ","))
		}
		out = append(out, s)
	}
	return out
}

func testImpact(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, small()...)
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "bob", Email: "bob@example.com", JiraUser: "acc-bob", Team: "core"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		table         string
		depth         int
		want          []string
		jobs, tables  int
		wantTruncated bool
	}{
		{"Depth1", "raw.a", 1, L("alice@1: j1@1(raw.a>stg.b)"), 1, 1, false},
		{"Depth2", "raw.a", 2, L("alice@1: j1@1(raw.a>stg.b) j3@2(stg.b>dw.d)", "bob@2: j2@2(stg.b>dw.c)"), 3, 3, false},
		{"Depth3", "raw.a", 3, L(
			"alice@1: j1@1(raw.a>stg.b) j3@2(stg.b>dw.d)",
			"bob@2: j2@2(stg.b>dw.c)",
			"@3: j5@3(dw.d>mart.f)",
			"carol@3: j4@3(dw.c>mart.e)",
		), 5, 5, false},
		{"DefaultDepth", "raw.a", 0, L(
			"alice@1: j1@1(raw.a>stg.b) j3@2(stg.b>dw.d)",
			"bob@2: j2@2(stg.b>dw.c)",
			"@3: j5@3(dw.d>mart.f)",
			"carol@3: j4@3(dw.c>mart.e)",
		), 5, 5, false},
		{"DirectOwnersTwo", "stg.b", 1, L("alice@1: j3@1(stg.b>dw.d)", "bob@1: j2@1(stg.b>dw.c)"), 2, 2, false},
		{"UnownedDirect", "dw.d", 2, L("@1: j5@1(dw.d>mart.f)"), 1, 1, false},
		{"Leaf", "mart.e", 3, nil, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im := MustImpact(t, s, c.table, c.depth)
			same(t, "owners", impactSummary(im), c.want)
			wantDepth := c.depth
			if wantDepth == 0 {
				wantDepth = lineage.DefaultDepth
			}
			if im.Table != c.table || im.Depth != wantDepth || im.Jobs != c.jobs || im.Tables != c.tables || im.Truncated != c.wantTruncated {
				t.Errorf("impact header = table %q depth %d jobs %d tables %d truncated %v; want %q %d %d %d %v",
					im.Table, im.Depth, im.Jobs, im.Tables, im.Truncated, c.table, wantDepth, c.jobs, c.tables, c.wantTruncated)
			}
		})
	}
	t.Run("Details", func(t *testing.T) {
		im := MustImpact(t, s, "STG.B", 1)
		if im.Table != "stg.b" {
			t.Errorf("Table = %q, want the normalized name stg.b", im.Table)
		}
		same(t, "bob", im.Owners[1], lineage.OwnerImpact{
			Owner: lineage.Owner{Handle: "bob", Email: "bob@example.com", JiraUser: "acc-bob", Team: "core"},
			Hops:  1,
			Jobs: []lineage.ImpactedJob{{
				Job:  lineage.Job{ID: "j2", Source: "test", Path: "j2.sql", Dialect: "mysql", Hash: "h-j2", Owner: "bob"},
				Hops: 1, Reads: L("stg.b"), Writes: L("dw.c"),
			}},
		})
		if !im.Owners[1].Direct() {
			t.Error("bob should be a direct owner")
		}
	})
}

func testImpactCycles(t *testing.T, s Store) {
	MustPutJobs(t, s,
		J("self", "sam", L("loop.t"), L("loop.t", "loop.out")),
		J("ab", "ann", L("cyc.a"), L("cyc.b")),
		J("ba", "bea", L("cyc.b"), L("cyc.a")),
	)
	im := MustImpact(t, s, "loop.t", 5)
	same(t, "self loop", impactSummary(im), L("sam@1: self@1(loop.t>loop.out,loop.t)"))
	if im.Jobs != 1 || im.Tables != 1 {
		t.Errorf("self loop: jobs %d tables %d, want 1 1", im.Jobs, im.Tables)
	}
	im = MustImpact(t, s, "cyc.a", 5)
	same(t, "A->B->A", impactSummary(im), L("ann@1: ab@1(cyc.a>cyc.b)", "bea@2: ba@2(cyc.b>cyc.a)"))
	if im.Jobs != 2 || im.Tables != 1 {
		t.Errorf("A->B->A: jobs %d tables %d, want 2 1", im.Jobs, im.Tables)
	}
}

func testImpactDiamond(t *testing.T, s Store) {
	MustPutJobs(t, s, diamond()...)
	MustPutJobs(t, s, J("also", "lea", L("d.sink"), L("d.report")))
	im := MustImpact(t, s, "d.src", 3)
	same(t, "diamond", impactSummary(im), L(
		"lea@1: left@1(d.src>d.left) also@3(d.sink>d.report)",
		"rob@1: right@1(d.src>d.right)",
		"max@2: merge@2(d.left,d.right>d.sink)",
	))
	if im.Jobs != 4 || im.Tables != 4 {
		t.Errorf("diamond: jobs %d tables %d, want 4 4", im.Jobs, im.Tables)
	}
}

// searchFixture stores names for the search tests and returns nothing.
func searchFixture(t *testing.T, s Store) {
	MustPutJobs(t, s,
		J("etl/orders.sql", "orders-team", L("sales.orders", "sales.order_items"), L("mart.orders_daily")),
		J("ORDERS_LOAD", "alice", L("raw.customers"), L("sales.orders")),
		J("sales.orders", "", L("raw.customers"), nil),
		J("etl/Customers.sql", "alice", L("raw.customers"), L("mart.cust")),
	)
}

func hits(p *lineage.SearchPage) []string {
	var out []string
	for _, h := range p.Hits {
		out = append(out, string(h.Kind)+":"+h.Name)
	}
	return out
}

func testSearch(t *testing.T, s Store) {
	searchFixture(t, s)
	cases := []struct {
		name  string
		f     lineage.SearchFilter
		want  []string
		more  bool
		field string
	}{
		{"LastSegmentThenPrefix", lineage.SearchFilter{Query: "orders"}, L(
			"TABLE:sales.orders", "JOB:sales.orders",
			"JOB:ORDERS_LOAD", "OWNER:orders-team",
			"JOB:etl/orders.sql", "TABLE:mart.orders_daily",
		), false, ""},
		{"ExactFirst", lineage.SearchFilter{Query: "SALES.orders"}, L("TABLE:sales.orders", "JOB:sales.orders"), false, ""},
		{"CaseInsensitive", lineage.SearchFilter{Query: "CUSTOMERS"}, L("TABLE:raw.customers", "JOB:etl/Customers.sql"), false, ""},
		{"Trimmed", lineage.SearchFilter{Query: "  cust "}, L("TABLE:mart.cust", "JOB:etl/Customers.sql", "TABLE:raw.customers"), false, ""},
		{"KindsTable", lineage.SearchFilter{Query: "orders", Kinds: []lineage.NodeKind{lineage.KindTable}}, L(
			"TABLE:sales.orders", "TABLE:mart.orders_daily",
		), false, ""},
		{"KindsJobOwner", lineage.SearchFilter{Query: "orders", Kinds: []lineage.NodeKind{lineage.KindOwner, lineage.KindJob}}, L(
			"JOB:sales.orders", "JOB:ORDERS_LOAD", "OWNER:orders-team", "JOB:etl/orders.sql",
		), false, ""},
		{"UnderscoreIsLiteral", lineage.SearchFilter{Query: "_"}, L("JOB:ORDERS_LOAD", "TABLE:mart.orders_daily", "TABLE:sales.order_items"), false, ""},
		{"PercentIsLiteral", lineage.SearchFilter{Query: "%"}, nil, false, ""},
		{"NoMatch", lineage.SearchFilter{Query: "zzz"}, nil, false, ""},
		{"FirstPage", lineage.SearchFilter{Query: "orders", First: 2}, L("TABLE:sales.orders", "JOB:sales.orders"), true, ""},
		{"OwnerPrefix", lineage.SearchFilter{Query: "ali"}, L("OWNER:alice"), false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := s.Search(context.Background(), c.f)
			if err != nil {
				t.Fatalf("Search(%+v): %v", c.f, err)
			}
			same(t, "hits", hits(p), c.want)
			if p.HasNext != c.more {
				t.Errorf("HasNext = %v, want %v", p.HasNext, c.more)
			}
			if len(p.Hits) > 0 && p.EndCursor == "" {
				t.Error("EndCursor is empty on a non-empty page")
			}
		})
	}
}

// testSearchRanking: the whole name, then the last segment (after '.', '/'
// or ':'), then a prefix, then anywhere; each group by name, then kind; and
// paging one hit at a time crosses the groups in the same order.
func testSearchRanking(t *testing.T, s Store) {
	MustPutJobs(t, s,
		J("etl/orders", "ann", L("orders"), L("ods.orders")),
		J("warehouse:orders", "ann", L("ods.orders"), L("dwd.fact_orders")),
		J("load", "orders-team", L("orders_v2"), L("ods.orders_history")),
	)
	want := L(
		"TABLE:orders",
		"JOB:etl/orders", "TABLE:ods.orders", "JOB:warehouse:orders",
		"OWNER:orders-team", "TABLE:orders_v2",
		"TABLE:dwd.fact_orders", "TABLE:ods.orders_history",
	)
	all, err := s.Search(context.Background(), lineage.SearchFilter{Query: "Orders"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "ranked hits", hits(all), want)
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > len(want) {
			t.Fatal("paging does not end")
		}
		p, err := s.Search(context.Background(), lineage.SearchFilter{Query: "orders", First: 1, After: after})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		got = append(got, hits(p)...)
		if !p.HasNext {
			break
		}
		after = p.EndCursor
	}
	same(t, "pages of one", got, want)
	ods, err := s.Search(context.Background(), lineage.SearchFilter{Query: "ods.orders"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "exact before prefix", hits(ods), L("TABLE:ods.orders", "TABLE:ods.orders_history"))
}

func testSearchPaging(t *testing.T, s Store) {
	var jobs []lineage.JobPut
	for i := range 25 {
		jobs = append(jobs, J(fmt.Sprintf("job/p%02d.sql", i), fmt.Sprintf("p-owner%d", i%4),
			L(fmt.Sprintf("p.in%02d", i)), L(fmt.Sprintf("x.p%02d", i))))
	}
	MustPutJobs(t, s, jobs...)
	all, err := s.Search(context.Background(), lineage.SearchFilter{Query: "p", First: lineage.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	// 25 jobs, 25 p.in tables, 25 x.p tables, 4 owners.
	if len(all.Hits) != 79 || all.HasNext {
		t.Fatalf("search p: %d hits (HasNext %v), want 79 in one page", len(all.Hits), all.HasNext)
	}
	for _, first := range []int{1, 2, 7, 79, 80} {
		t.Run(fmt.Sprint("First", first), func(t *testing.T) {
			var got []lineage.SearchHit
			after := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				p, err := s.Search(context.Background(), lineage.SearchFilter{Query: "p", First: first, After: after})
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				if len(p.Hits) > first {
					t.Fatalf("page %d has %d hits, more than %d", pages, len(p.Hits), first)
				}
				got = append(got, p.Hits...)
				if !p.HasNext {
					break
				}
				after = p.EndCursor
			}
			same(t, "pages joined", got, all.Hits)
		})
	}
}

func testSearchInvalid(t *testing.T, s Store) {
	searchFixture(t, s)
	cases := []struct {
		name  string
		f     lineage.SearchFilter
		field string
	}{
		{"EmptyQuery", lineage.SearchFilter{Query: "  "}, "query"},
		{"BadKind", lineage.SearchFilter{Query: "a", Kinds: []lineage.NodeKind{"COLUMN"}}, "kinds"},
		{"FirstNegative", lineage.SearchFilter{Query: "a", First: -1}, "first"},
		{"FirstTooBig", lineage.SearchFilter{Query: "a", First: lineage.MaxPage + 1}, "first"},
		{"BadCursor", lineage.SearchFilter{Query: "a", After: "!!not a cursor!!"}, "after"},
		{"CursorOfJobs", lineage.SearchFilter{Query: "a", After: jobsCursor(t, s)}, "after"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Search(context.Background(), c.f)
			checkCode(t, "Search", err, lineage.EINVALID, c.field)
		})
	}
}

// jobsCursor returns a cursor from the Jobs listing, which Search must not
// accept.
func jobsCursor(t *testing.T, s Store) string {
	p, err := s.Jobs(context.Background(), lineage.JobFilter{First: 1})
	if err != nil || p.EndCursor == "" {
		t.Fatalf("Jobs(first 1) = %+v, %v; want a cursor", p, err)
	}
	return p.EndCursor
}

func testJobs(t *testing.T, s Store) {
	ctx := context.Background()
	var jobs []lineage.JobPut
	for i := range 7 {
		j := J(fmt.Sprintf("job%d", 6-i), "", L("t.a"), nil)
		if i%2 == 0 {
			j.Job.Source = "repo-a"
		} else {
			j.Job.Source = "repo-b"
		}
		jobs = append(jobs, j)
	}
	MustPutJobs(t, s, jobs...)
	list := func(f lineage.JobFilter) []string {
		t.Helper()
		var ids []string
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			p, err := s.Jobs(ctx, f)
			if err != nil {
				t.Fatalf("Jobs(%+v): %v", f, err)
			}
			if f.First > 0 && len(p.Jobs) > f.First {
				t.Fatalf("page of %d jobs, more than %d", len(p.Jobs), f.First)
			}
			for _, j := range p.Jobs {
				ids = append(ids, j.Source+":"+j.ID)
			}
			if !p.HasNext {
				return ids
			}
			f.After = p.EndCursor
		}
	}
	all := L("repo-a:job0", "repo-b:job1", "repo-a:job2", "repo-b:job3", "repo-a:job4", "repo-b:job5", "repo-a:job6")
	same(t, "all", list(lineage.JobFilter{}), all)
	same(t, "all by 2", list(lineage.JobFilter{First: 2}), all)
	same(t, "all by 7", list(lineage.JobFilter{First: 7}), all)
	same(t, "repo-a by 3", list(lineage.JobFilter{Source: "repo-a", First: 3}), L("repo-a:job0", "repo-a:job2", "repo-a:job4", "repo-a:job6"))
	same(t, "repo-b by 1", list(lineage.JobFilter{Source: "repo-b", First: 1}), L("repo-b:job1", "repo-b:job3", "repo-b:job5"))
	same(t, "unknown source", list(lineage.JobFilter{Source: "nope"}), []string(nil))

	p, err := s.Jobs(ctx, lineage.JobFilter{First: 3})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "first job", p.Jobs[0], lineage.Job{ID: "job0", Source: "repo-a", Path: "job0.sql", Dialect: "mysql", Hash: "h-job0"})
	if !p.HasNext {
		t.Error("HasNext = false on the first page of 3 of 7")
	}

	for _, c := range []struct {
		name  string
		f     lineage.JobFilter
		field string
	}{
		{"FirstNegative", lineage.JobFilter{First: -1}, "first"},
		{"FirstTooBig", lineage.JobFilter{First: lineage.MaxPage + 1}, "first"},
		{"BadCursor", lineage.JobFilter{After: "%%%"}, "after"},
	} {
		_, err := s.Jobs(ctx, c.f)
		checkCode(t, "Jobs "+c.name, err, lineage.EINVALID, c.field)
	}
}

func testOwners(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.PutOwners(ctx, []lineage.Owner{
		{Handle: " Alice ", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"},
		{Handle: "zed", Email: "zed@example.com"},
	}); err != nil {
		t.Fatalf("PutOwners: %v", err)
	}
	MustPutJobs(t, s, J("j2", "ALICE", nil, L("t.a")), J("j1", "alice", nil, L("t.b")))
	bob := J("j3", "bob", nil, nil)
	bob.OwnerInfo = lineage.Owner{Handle: "bob", Email: "bob@example.com", Team: "core"}
	MustPutJobs(t, s, bob)
	// An OwnerInfo naming another handle is ignored.
	other := J("j4", "bob", nil, nil)
	other.OwnerInfo = lineage.Owner{Handle: "mallory", Email: "m@example.com"}
	MustPutJobs(t, s, other)
	// Non-empty fields merge; empty ones keep what is known.
	more := J("j5", "bob", nil, nil)
	more.OwnerInfo = lineage.Owner{Handle: "bob", JiraUser: "acc-bob"}
	MustPutJobs(t, s, more)

	cases := []struct {
		handle string
		want   lineage.OwnerInfo
	}{
		{"alice", lineage.OwnerInfo{Owner: lineage.Owner{Handle: "alice", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"}, Jobs: L("j1", "j2")}},
		{" ALICE", lineage.OwnerInfo{Owner: lineage.Owner{Handle: "alice", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"}, Jobs: L("j1", "j2")}},
		{"bob", lineage.OwnerInfo{Owner: lineage.Owner{Handle: "bob", Email: "bob@example.com", JiraUser: "acc-bob", Team: "core"}, Jobs: L("j3", "j4", "j5")}},
		{"zed", lineage.OwnerInfo{Owner: lineage.Owner{Handle: "zed", Email: "zed@example.com"}}},
	}
	for _, c := range cases {
		o, err := s.Owner(ctx, c.handle)
		if err != nil {
			t.Errorf("Owner(%q): %v", c.handle, err)
			continue
		}
		same(t, "Owner("+c.handle+")", *o, c.want)
	}
	if _, err := s.Owner(ctx, "mallory"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("Owner(mallory) = %v, want ENOTFOUND (OwnerInfo for another handle is ignored)", err)
	}
	// PutOwners replaces details.
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "bob", Team: "platform"}}); err != nil {
		t.Fatal(err)
	}
	o, err := s.Owner(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "bob after PutOwners", o.Owner, lineage.Owner{Handle: "bob", Team: "platform"})
	same(t, "job owner info", MustJob(t, s, "j1").OwnerInfo, lineage.Owner{Handle: "alice", Email: "alice@example.com", JiraUser: "acc-1", Team: "data"})
	same(t, "counts", MustCounts(t, s), lineage.Counts{Tables: 2, Jobs: 5, Owners: 3, Edges: 2})
}

func testNotFound(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, small()...)
	checks := []struct {
		name string
		err  error
	}{
		{"Table", second(s.Table(ctx, "no.such"))},
		{"Job", second(s.Job(ctx, "no-such-job"))},
		{"Owner", second(s.Owner(ctx, "nobody"))},
		{"DeleteJob", s.DeleteJob(ctx, "no-such-job")},
		{"Walk", second(s.Walk(ctx, lineage.WalkFilter{Table: "no.such", Direction: lineage.Downstream}))},
		{"Impact", second(s.Impact(ctx, "no.such", 1))},
	}
	for _, c := range checks {
		checkCode(t, c.name, c.err, lineage.ENOTFOUND, "")
	}
	invalid := []struct {
		name, field string
		err         error
	}{
		{"Table", "name", second(s.Table(ctx, ""))},
		{"Job", "id", second(s.Job(ctx, " "))},
		{"Owner", "handle", second(s.Owner(ctx, ""))},
	}
	for _, c := range invalid {
		checkCode(t, c.name, c.err, lineage.EINVALID, c.field)
	}
}

func second[T any](_ T, err error) error { return err }

func testCounts(t *testing.T, s Store) {
	ctx := context.Background()
	same(t, "empty", MustCounts(t, s), lineage.Counts{})
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	MustPutJobs(t, s, diamond()...)
	same(t, "diamond", MustCounts(t, s), lineage.Counts{Tables: 4, Jobs: 3, Owners: 3, Edges: 7})
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "lonely"}}); err != nil {
		t.Fatal(err)
	}
	same(t, "with an owner without jobs", MustCounts(t, s), lineage.Counts{Tables: 4, Jobs: 3, Owners: 4, Edges: 7})
}

func testConcurrentWriters(t *testing.T, s Store) {
	const writers, batches, perBatch = 4, 10, 5
	ctx := context.Background()
	errc := make(chan error, writers+1)
	done := make(chan struct{})
	for w := range writers {
		go func() {
			for b := range batches {
				var jobs []lineage.JobPut
				for i := range perBatch {
					id := fmt.Sprintf("w%d/b%02d/j%d", w, b, i)
					// All writers share the hub table and the owners.
					jobs = append(jobs,
						J(id, fmt.Sprintf("owner%d", i), L("c.hub", fmt.Sprintf("c.w%d", w)), L(fmt.Sprintf("c.out%d_%d", w, b))))
				}
				// And all rewrite one job.
				jobs = append(jobs, J("shared", "", L(fmt.Sprintf("c.w%d", w)), nil))
				if err := s.PutJobs(ctx, jobs); err != nil {
					errc <- fmt.Errorf("writer %d batch %d: %w", w, b, err)
					return
				}
			}
			errc <- nil
		}()
	}
	go func() { // a reader walking while writers write
		defer close(done)
		for range 20 {
			_, err := s.Walk(ctx, lineage.WalkFilter{Table: "c.hub", Direction: lineage.Downstream})
			if err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
				errc <- fmt.Errorf("reader: %w", err)
				return
			}
		}
	}()
	for range writers {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	<-done
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	n := writers * batches * perBatch
	// Tables: hub, one per writer, one output per batch.
	same(t, "counts", MustCounts(t, s), lineage.Counts{
		Tables: 1 + writers + writers*batches, Jobs: n + 1, Owners: perBatch, Edges: 3*n + 1,
	})
	hub := MustTable(t, s, "c.hub")
	if len(hub.Readers) != n {
		t.Errorf("c.hub has %d readers, want %d", len(hub.Readers), n)
	}
	shared := MustJob(t, s, "shared")
	if len(shared.Reads) != 1 {
		t.Errorf("job shared reads %v, want exactly one table (the last writer's)", shared.Reads)
	}
	g := MustWalk(t, s, lineage.WalkFilter{Table: "c.hub", Direction: lineage.Downstream, Depth: 1, MaxNodes: lineage.MaxNodes})
	if len(g.Jobs) != n || len(g.Tables) != 1+writers*batches {
		t.Errorf("walk from c.hub: %d jobs, %d tables; want %d, %d", len(g.Jobs), len(g.Tables), n, 1+writers*batches)
	}
}
