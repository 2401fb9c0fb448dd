package graphtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

// C is a short way to write a column name "table.column" (the column is
// after the last dot).
func C(name string) lineage.ColumnName {
	i := strings.LastIndexByte(name, '.')
	return lineage.ColumnName{Table: name[:i], Column: name[i+1:]}
}

// Ref is a column use for tests.
func Ref(name string, kind lineage.ColumnUseKind, line int) lineage.ColumnRef {
	return lineage.ColumnRef{ColumnName: C(name), Kind: kind, Line: line}
}

// Flow is a column flow for tests.
func Flow(target string, sources ...string) lineage.ColumnFlow {
	f := lineage.ColumnFlow{Target: C(target)}
	for _, s := range sources {
		f.Sources = append(f.Sources, C(s))
	}
	return f
}

// WithColumns returns jp with its column lineage set.
func WithColumns(jp lineage.JobPut, refs []lineage.ColumnRef, flows ...lineage.ColumnFlow) lineage.JobPut {
	jp.Columns.Refs = refs
	jp.Columns.Flows = flows
	return jp
}

// ColumnWarehouse is a small warehouse with column lineage: sales.orders
// (id, amount, status, customer_id) read by jobs that use a column as a
// value, only in WHERE, through SELECT *, not the changed columns, or with
// no column lineage at all; and jobs further down using derived columns.
func ColumnWarehouse() []lineage.JobPut {
	const o = "sales.orders"
	star := lineage.ColumnRef{ColumnName: C(o + ".*"), Kind: lineage.UseValue, Line: 1, Unresolved: true}
	return []lineage.JobPut{
		WithColumns(J("j_value", "alice", L(o), L("dw.rev")),
			[]lineage.ColumnRef{Ref(o+".id", lineage.UseValue, 2), Ref(o+".amount", lineage.UseValue, 2)},
			Flow("dw.rev.id", o+".id"), Flow("dw.rev.amount", o+".amount")),
		WithColumns(J("j_filter", "bob", L(o), L("dw.open")),
			[]lineage.ColumnRef{Ref(o+".id", lineage.UseValue, 1), Ref(o+".status", lineage.UseFilter, 3)},
			Flow("dw.open.id", o+".id")),
		WithColumns(J("j_star", "carol", L(o), L("dw.copy")), []lineage.ColumnRef{star},
			Flow("dw.copy.*", o+".*")),
		WithColumns(J("j_other", "dave", L(o), nil),
			[]lineage.ColumnRef{Ref(o+".customer_id", lineage.UseJoin, 4)}),
		J("j_nocols", "erin", L(o), nil),
		WithColumns(J("j_down", "frank", L("dw.rev"), nil),
			[]lineage.ColumnRef{Ref("dw.rev.amount", lineage.UseFilter, 1)}),
		WithColumns(J("j_down2", "gina", L("dw.copy"), nil),
			[]lineage.ColumnRef{Ref("dw.copy.status", lineage.UseGrouping, 1)}),
	}
}

func testColumnsStored(t *testing.T, s Store) {
	jp := WithColumns(J("j1", "alice", L("A.T"), L("b.u")),
		[]lineage.ColumnRef{Ref("a.t.X", "", 3), Ref("a.t.x", "", 3), Ref("a.t.y", lineage.UseFilter, 4)},
		Flow("b.u.x", "a.t.x", "a.t.y"), Flow("b.u.x", "a.t.x"))
	jp.Columns.Declares = []lineage.TableSchema{{Table: "B.U", Columns: L("x", "Z", "x")}}
	MustPutJobs(t, s, jp)
	want := lineage.JobColumns{
		Refs:     []lineage.ColumnRef{Ref("a.t.x", lineage.UseOther, 3), Ref("a.t.y", lineage.UseFilter, 4)},
		Flows:    []lineage.ColumnFlow{Flow("b.u.x", "a.t.x", "a.t.y")},
		Declares: []lineage.TableSchema{{Table: "b.u", Columns: L("x", "z")}},
	}
	same(t, "j1 columns", MustJob(t, s, "j1").Columns, want)

	t.Run("Replace", func(t *testing.T) {
		MustPutJobs(t, s, WithColumns(J("j1", "alice", L("a.t"), L("b.u")), []lineage.ColumnRef{Ref("a.t.y", lineage.UseJoin, 1)}))
		same(t, "j1 columns", MustJob(t, s, "j1").Columns, lineage.JobColumns{Refs: []lineage.ColumnRef{Ref("a.t.y", lineage.UseJoin, 1)}})
		MustPutJobs(t, s, J("j1", "alice", L("a.t"), L("b.u")))
		same(t, "j1 columns after a put without", MustJob(t, s, "j1").Columns, lineage.JobColumns{})
	})
	t.Run("Invalid", func(t *testing.T) {
		bad := WithColumns(J("j2", "", L("a.t"), nil), []lineage.ColumnRef{Ref("a.t.x", "READ", 1)})
		err := s.PutJobs(context.Background(), []lineage.JobPut{J("j3", "", nil, nil), bad})
		if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), "jobs[1].columns.refs[0].kind") {
			t.Fatalf("bad kind: got %v, want EINVALID naming jobs[1].columns.refs[0].kind", err)
		}
		if _, err := s.Job(context.Background(), "j3"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
			t.Fatalf("j3 after a failed batch: %v, want ENOTFOUND", err)
		}
	})
}

func testColumns(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, ColumnWarehouse()...)
	cols, err := s.Columns(ctx, "Sales.Orders")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		var uses []string
		for _, u := range c.Uses {
			uses = append(uses, fmt.Sprintf("%s:%s:%d:%v", u.Job.ID, u.Kind, u.Line, u.Unresolved))
		}
		got = append(got, fmt.Sprintf("%s decl=%v uses=%v writers=%v", c.Name, c.Declared, uses, c.Writers))
	}
	same(t, "sales.orders columns", got, L(
		"* decl=false uses=[j_star:VALUE:1:true] writers=[]",
		"amount decl=false uses=[j_value:VALUE:2:false] writers=[]",
		"customer_id decl=false uses=[j_other:JOIN:4:false] writers=[]",
		"id decl=false uses=[j_filter:VALUE:1:false j_value:VALUE:2:false] writers=[]",
		"status decl=false uses=[j_filter:FILTER:3:false] writers=[]",
	))
	rev, err := s.Columns(ctx, "dw.rev")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "dw.rev.amount writers", rev[0].Name+fmt.Sprint(rev[0].Writers), "amount[j_value]")
	if _, err := s.Columns(ctx, "no.such"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Errorf("Columns of an unknown table: %v, want ENOTFOUND", err)
	}

	edges, err := s.ColumnEdges(ctx, []lineage.ColumnName{C("sales.orders.id"), C("sales.orders.*")}, lineage.Downstream)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "edges from orders.id and orders.*", edges, []lineage.ColumnEdge{
		{Job: "j_star", Source: C("sales.orders.*"), Target: C("dw.copy.*")},
		{Job: "j_filter", Source: C("sales.orders.id"), Target: C("dw.open.id")},
		{Job: "j_value", Source: C("sales.orders.id"), Target: C("dw.rev.id")},
	})
	up, err := s.ColumnEdges(ctx, []lineage.ColumnName{C("dw.rev.amount"), C("no.such.col")}, lineage.Upstream)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "edges into dw.rev.amount", up, []lineage.ColumnEdge{{Job: "j_value", Source: C("sales.orders.amount"), Target: C("dw.rev.amount")}})
	if _, err := s.ColumnEdges(ctx, nil, "SIDEWAYS"); lineage.ErrorCode(err) != lineage.EINVALID {
		t.Errorf("bad direction: %v, want EINVALID", err)
	}
}

// ColumnImpactSummary is a compact form of a column impact: one line per
// owner, "role hops handle: job(uses) ...", then the spared owners.
func ColumnImpactSummary(im *lineage.Impact) []string {
	var out []string
	for _, o := range im.Owners {
		var jobs []string
		for _, j := range o.Jobs {
			var uses []string
			for _, u := range j.Uses {
				uses = append(uses, fmt.Sprintf("%s:%s", u.ColumnName, u.Kind))
			}
			jobs = append(jobs, fmt.Sprintf("%s%v", j.Job.ID, uses))
		}
		out = append(out, fmt.Sprintf("%s %d %s: %s", o.Role, o.Hops, o.Owner.Handle, strings.Join(jobs, " ")))
	}
	var spared []string
	for _, o := range im.Spared {
		spared = append(spared, o.Handle)
	}
	return append(out, "spared: "+strings.Join(spared, " "))
}

func testColumnImpact(t *testing.T, s Store) {
	ctx := context.Background()
	MustPutJobs(t, s, ColumnWarehouse()...)
	if err := s.PutOwners(ctx, []lineage.Owner{{Handle: "bob", Email: "bob@example.com"}}); err != nil {
		t.Fatal(err)
	}
	im, err := lineage.ComputeColumnImpact(ctx, s, s, "sales.orders", L("Status"), 3)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "drop status", ColumnImpactSummary(im), L(
		"MUST_ACT 1 bob: j_filter[sales.orders.status:FILTER]",
		"MAY_USE 1 carol: j_star[sales.orders.*:VALUE]",
		"MAY_USE 1 erin: j_nocols[]",
		"INFORMED 2 gina: j_down2[dw.copy.status:GROUPING]",
		"spared: alice dave",
	))
	same(t, "bob's details", im.Owners[0].Owner.Email, "bob@example.com")
	same(t, "derived from status", im.Derived, []lineage.ColumnName{C("dw.copy.status")})

	im, err = lineage.ComputeColumnImpact(ctx, s, s, "sales.orders", L("amount", "amount"), 3)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "drop amount", ColumnImpactSummary(im), L(
		"MUST_ACT 1 alice: j_value[sales.orders.amount:VALUE]",
		"MAY_USE 1 carol: j_star[sales.orders.*:VALUE]",
		"MAY_USE 1 erin: j_nocols[]",
		"INFORMED 2 frank: j_down[dw.rev.amount:FILTER]",
		"spared: bob dave",
	))
	im, err = lineage.ComputeColumnImpact(ctx, s, s, "sales.orders", L("amount"), 1)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "drop amount, depth 1", len(im.Owners), 3)

	for _, bad := range []struct {
		table string
		cols  []string
		code  string
	}{
		{"sales.orders", nil, lineage.EINVALID},
		{"sales.orders", L("*"), lineage.EINVALID},
		{"no.such", L("x"), lineage.ENOTFOUND},
	} {
		if _, err := lineage.ComputeColumnImpact(ctx, s, s, bad.table, bad.cols, 3); lineage.ErrorCode(err) != bad.code {
			t.Errorf("impact %s %v: %v, want %s", bad.table, bad.cols, err, bad.code)
		}
	}
}

// testWatchers checks that a job's watchers are stored normalized (owner
// and repeats dropped, sorted), replaced with the job, read in bulk, and
// kept on campaign targets.
func testWatchers(t *testing.T, s Store) {
	ctx := context.Background()
	j1 := J("j1", "alice", L("a.t"), nil)
	j1.Watchers = L("Carol", "bob", "alice", "bob")
	MustPutJobs(t, s, j1, J("j2", "bob", L("a.t"), nil))
	same(t, "j1 watchers", MustJob(t, s, "j1").Watchers, L("bob", "carol"))
	got, err := s.Watchers(ctx, L("j1", "j2", "nope"))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "bulk watchers", got, map[string][]string{"j1": L("bob", "carol")})

	j1.Watchers = L("dave")
	MustPutJobs(t, s, j1)
	same(t, "j1 watchers replaced", MustJob(t, s, "j1").Watchers, L("dave"))
	j1.Watchers = nil
	MustPutJobs(t, s, j1)
	same(t, "j1 watchers removed", len(MustJob(t, s, "j1").Watchers), 0)

	bad := J("j3", "", nil, nil)
	bad.Watchers = L("ok", " ")
	if err := s.PutJobs(ctx, []lineage.JobPut{bad}); lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), "jobs[0].watchers[1]") {
		t.Fatalf("empty watcher: %v, want EINVALID naming jobs[0].watchers[1]", err)
	}

	c := &lineage.Campaign{Table: "a.t", Title: "t", Targets: []lineage.Target{{Owner: "alice", Jobs: L("j1"), Watchers: L("Erin", "alice", "dave")}}}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Campaign(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "target watchers", stored.Targets[0].Watchers, L("dave", "erin"))
}
