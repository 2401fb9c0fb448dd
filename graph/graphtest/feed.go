package graphtest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

// deltaSummary lists a delta's contents as sorted lines, so that deltas
// compare whatever order a store returns them in. Tables are left out unless
// the delta is Full (a store may list old tables in a delta too); see
// checkTables.
func deltaSummary(d *lineage.GraphDelta) []string {
	var out []string
	for _, t := range d.Tables {
		if d.Full {
			out = append(out, "table "+t)
		}
	}
	for _, o := range d.Owners {
		out = append(out, "owner "+o.Handle+" "+o.Email)
	}
	for _, j := range d.Jobs {
		r, w := slices.Sorted(slices.Values(j.Reads)), slices.Sorted(slices.Values(j.Writes))
		out = append(out, "job "+j.ID+" owner="+j.Owner+" hash="+j.Hash+" reads="+strings.Join(r, ",")+" writes="+strings.Join(w, ","))
	}
	for _, id := range d.Deleted {
		out = append(out, "deleted "+id)
	}
	slices.Sort(out)
	return out
}

// testGraphFeed checks lineage.GraphFeed, which graph/index follows: the
// version grows with every write, a delta since a version holds exactly
// what changed, and since 0 gives the whole graph.
func testGraphFeed(t *testing.T, s Store) {
	f, ok := s.(lineage.GraphFeed)
	if !ok {
		t.Fatalf("%T does not implement lineage.GraphFeed", s)
	}
	ctx := context.Background()
	version := func() int64 {
		t.Helper()
		v, err := f.GraphVersion(ctx)
		if err != nil {
			t.Fatalf("GraphVersion: %v", err)
		}
		return v
	}
	delta := func(since int64) *lineage.GraphDelta {
		t.Helper()
		d, err := f.GraphDelta(ctx, since)
		if err != nil {
			t.Fatalf("GraphDelta(%d): %v", since, err)
		}
		return d
	}
	v0 := version()
	MustPutJobs(t, s, J("j1", "alice", L("raw.a"), L("stg.b")), J("j2", "", L("stg.b"), L("dw.c")))
	v1 := version()
	if v1 <= v0 {
		t.Fatalf("version after PutJobs = %d, want more than %d", v1, v0)
	}
	full := delta(0)
	if !full.Full || full.Version != v1 {
		t.Errorf("GraphDelta(0): Full %v, Version %d; want true, %d", full.Full, full.Version, v1)
	}
	same(t, "GraphDelta(0)", deltaSummary(full), []string{
		"job j1 owner=alice hash=h-j1 reads=raw.a writes=stg.b",
		"job j2 owner= hash=h-j2 reads=stg.b writes=dw.c",
		"owner alice ",
		"table dw.c", "table raw.a", "table stg.b",
	})
	if d := delta(v1); d.Version != v1 || len(deltaSummary(d)) != 0 {
		t.Errorf("GraphDelta(current) = version %d, %v; want %d and nothing", d.Version, deltaSummary(d), v1)
	}

	MustPutJobs(t, s, J("j2", "bob", L("stg.b", "raw.x"), nil))
	v2 := version()
	if v2 <= v1 {
		t.Fatalf("version after the second PutJobs = %d, want more than %d", v2, v1)
	}
	d := delta(v1)
	if d.Full || d.Version != v2 {
		t.Errorf("GraphDelta(%d): Full %v, Version %d; want false, %d", v1, d.Full, d.Version, v2)
	}
	same(t, "GraphDelta after replacing j2", deltaSummary(d), []string{
		"job j2 owner=bob hash=h-j2 reads=raw.x,stg.b writes=",
		"owner bob ",
	})
	checkTables(t, d, "raw.x")

	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "alice", Email: "a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	v3 := version()
	if err := s.DeleteJob(ctx, "j1"); err != nil {
		t.Fatal(err)
	}
	v4 := version()
	if v3 <= v2 || v4 <= v3 {
		t.Fatalf("versions after PutOwners and DeleteJob = %d, %d; want each more than the one before (%d)", v3, v4, v2)
	}
	same(t, "GraphDelta after PutOwners and DeleteJob", deltaSummary(delta(v2)), []string{
		"deleted j1",
		"owner alice a@example.com",
	})
	// A delta spanning several writes names each node once, as it is now.
	d = delta(v1)
	same(t, "GraphDelta over every write", deltaSummary(d), []string{
		"deleted j1",
		"job j2 owner=bob hash=h-j2 reads=raw.x,stg.b writes=",
		"owner alice a@example.com",
		"owner bob ",
	})
	checkTables(t, d, "raw.x")
	same(t, "GraphDelta(0) at the end", deltaSummary(delta(0)), []string{
		"job j2 owner=bob hash=h-j2 reads=raw.x,stg.b writes=",
		"owner alice a@example.com",
		"owner bob ",
		"table dw.c", "table raw.a", "table raw.x", "table stg.b",
	})
	// A failed write changes nothing, the version included.
	if err := s.PutJobs(ctx, []lineage.JobPut{J("", "", nil, nil)}); err == nil {
		t.Fatal("PutJobs of a job without id succeeded")
	}
	if v := version(); v != v4 {
		t.Errorf("version after a failed PutJobs = %d, want %d", v, v4)
	}
}

// checkTables checks that a delta lists the new tables, and no name that is
// not a table.
func checkTables(t *testing.T, d *lineage.GraphDelta, created ...string) {
	t.Helper()
	for _, c := range created {
		if !slices.Contains(d.Tables, c) {
			t.Errorf("delta tables %v lack the new table %s", d.Tables, c)
		}
	}
	for _, n := range d.Tables {
		if !slices.Contains([]string{"raw.a", "stg.b", "dw.c", "raw.x"}, n) {
			t.Errorf("delta tables %v name %s, which is no table", d.Tables, n)
		}
	}
}
