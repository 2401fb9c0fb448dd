package index_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/index"
	"github.com/lineagehq/lineage/graph/sqlite"
	"github.com/lineagehq/lineage/graph/synth"
)

// indexed is a full store whose graph reads go through an index.
type indexed struct {
	*index.Index
	lineage.CampaignStore
	lineage.TicketStore
	lineage.ColumnStore
	lineage.WatcherStore
}

// openSQLite opens a SQLite store on a new temporary file.
func openSQLite(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return openSQLitePath(tb, filepath.Join(tb.TempDir(), "lineage.db"))
}

func openSQLitePath(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustIndex(tb testing.TB, s index.Source, opt index.Options) *index.Index {
	tb.Helper()
	x, err := index.Open(context.Background(), s, opt)
	if err != nil {
		tb.Fatalf("index.Open: %v", err)
	}
	return x
}

// TestConformance runs the store conformance suite on SQLite with the index
// answering walks and impacts.
func TestConformance(t *testing.T) {
	graphtest.TestAll(t, func(tb testing.TB) graphtest.Store {
		s := openSQLite(tb)
		return indexed{Index: mustIndex(tb, s, index.Options{}), CampaignStore: s, TicketStore: s, ColumnStore: s, WatcherStore: s}
	}, graphtest.Config{})
}

// normalize makes nil and empty lists alike, as graphtest allows.
func normalize(v any) string {
	return fmt.Sprintf("%+v", v)
}

// compare checks that the index answers every walk and impact from tables
// exactly as the store does.
func compare(t *testing.T, s lineage.GraphStore, x *index.Index, tables []string, r *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	dirs := []lineage.Direction{lineage.Downstream, lineage.Upstream, lineage.Both}
	for i, tb := range tables {
		f := lineage.WalkFilter{Table: tb, Direction: dirs[i%3], Depth: 1 + r.IntN(4), MaxNodes: []int{0, 1, 2, 7, 40, 1000}[r.IntN(6)]}
		want, err1 := s.Walk(ctx, f)
		got, err2 := x.Walk(ctx, f)
		if fmt.Sprint(err1) != fmt.Sprint(err2) || !sameJSON(want, got) {
			t.Fatalf("Walk(%+v):\nindex %v %s\nstore %v %s", f, err2, normalize(got), err1, normalize(want))
		}
		depth := 1 + r.IntN(4)
		wi, err1 := s.Impact(ctx, tb, depth)
		gi, err2 := x.Impact(ctx, tb, depth)
		if fmt.Sprint(err1) != fmt.Sprint(err2) || !sameJSON(wi, gi) {
			t.Fatalf("Impact(%s, %d):\nindex %v %s\nstore %v %s", tb, depth, err2, normalize(gi), err1, normalize(wi))
		}
	}
}

// sameJSON compares results with nil and empty lists alike.
func sameJSON(a, b any) bool {
	return reflect.DeepEqual(roundTrip(a), roundTrip(b))
}

// TestSameAsStore compares the index with the store on a synthetic
// warehouse, then again after replacing, adding and deleting jobs, and
// after another store handle on the same file changed it.
func TestSameAsStore(t *testing.T) {
	ctx := context.Background()
	w := synth.Generate(synth.Config{Seed: 3, Tables: 600, Jobs: 1800, Owners: 40, Layers: 5})
	path := filepath.Join(t.TempDir(), "lineage.db")
	s := openSQLitePath(t, path)
	if _, err := graphtest.Load(ctx, s, w); err != nil {
		t.Fatal(err)
	}
	x := mustIndex(t, s, index.Options{Poll: time.Millisecond})
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) []string {
		out := []string{w.Hub()}
		for range n {
			out = append(out, w.Tables[r.IntN(len(w.Tables))])
		}
		return append(out, "no.such_table", "")
	}
	compare(t, s, x, pick(150), r)

	// Writes through the index: replace jobs with other edges and owners,
	// add new jobs and tables, delete some.
	var batch []lineage.JobPut
	for i := range 300 {
		jp := w.Jobs[r.IntN(len(w.Jobs))]
		jp.Reads = []string{w.Tables[r.IntN(len(w.Tables))], fmt.Sprintf("new.t%d", i%17)}
		jp.Job.Owner = fmt.Sprintf("owner%d", i%7)
		batch = append(batch, jp)
		batch = append(batch, graphtest.J(fmt.Sprintf("new/job%d", i), "", []string{fmt.Sprintf("new.t%d", i%17)}, []string{w.Tables[r.IntN(len(w.Tables))]}))
	}
	if err := x.PutJobs(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		id := w.Jobs[r.IntN(len(w.Jobs))].Job.ID
		if err := x.DeleteJob(ctx, id); err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
			t.Fatal(err)
		}
	}
	if err := x.PutOwners(ctx, []lineage.Owner{{Handle: "owner3", Email: "o3@example.com"}}); err != nil {
		t.Fatal(err)
	}
	compare(t, s, x, append(pick(150), "new.t3", "new.t16"), r)

	// Writes through a second handle on the same file: the index sees them
	// after Poll.
	other := openSQLitePath(t, path)
	graphtest.MustPutJobs(t, other, graphtest.J("other/job", "zed", []string{w.Hub()}, []string{"other.out"}))
	if err := other.DeleteJob(ctx, w.Jobs[0].Job.ID); err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	compare(t, s, x, append(pick(50), "other.out"), r)
}

// helperEnv names the database a child process writes to in
// TestSecondProcess.
const helperEnv = "LINEAGE_INDEX_TEST_WRITER"

// TestWriterProcess is the child of TestSecondProcess: it writes one job to
// the database named by helperEnv and exits. Run alone it does nothing.
func TestWriterProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("the writer of TestSecondProcess")
	}
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	graphtest.MustPutJobs(t, s, graphtest.J("child/job", "carol", graphtest.L("raw.a"), graphtest.L("child.out")))
}

// TestSecondProcess proves that a write by another process is seen: once
// Poll has passed since it, the next read answers with it.
func TestSecondProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lineage.db")
	s := openSQLitePath(t, path)
	graphtest.MustPutJobs(t, s, graphtest.J("j1", "alice", graphtest.L("raw.a"), graphtest.L("stg.b")))
	const poll = 50 * time.Millisecond
	x := mustIndex(t, s, index.Options{Poll: poll})
	if im := graphtest.MustImpact(t, x, "raw.a", 1); im.Jobs != 1 {
		t.Fatalf("impact before the child wrote: %d jobs, want 1", im.Jobs)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestWriterProcess$", "-test.count", "1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("writer process: %v\n%s", err, out)
	}
	time.Sleep(poll)
	im := graphtest.MustImpact(t, x, "raw.a", 1)
	if im.Jobs != 2 {
		t.Fatalf("impact after the child wrote and Poll passed: %d jobs, want 2: %+v", im.Jobs, im)
	}
	g := graphtest.MustWalk(t, x, lineage.WalkFilter{Table: "child.out", Direction: lineage.Upstream})
	if len(g.Jobs) != 1 || g.Jobs[0].ID != "child/job" || len(g.Owners) != 1 || g.Owners[0].Handle != "carol" {
		t.Errorf("upstream of child.out = %+v, want child/job owned by carol", g)
	}
	// And the store agrees.
	want, err := s.Impact(ctx, "raw.a", 1)
	if err != nil || !sameJSON(want, im) {
		t.Errorf("store impact %+v, %v; index %+v", want, err, im)
	}
}

// roundTrip turns v into plain maps and lists through JSON, so that nil and
// empty lists compare alike.
func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return dropEmpty(out)
}

func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			if l, ok := e.([]any); ok && len(l) == 0 {
				delete(x, k)
				continue
			}
			x[k] = dropEmpty(e)
		}
	case []any:
		for i := range x {
			x[i] = dropEmpty(x[i])
		}
	}
	return v
}
