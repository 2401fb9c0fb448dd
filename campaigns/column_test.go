package campaigns_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/graph/graphtest"
)

// TestColumnCampaign runs a column-scoped campaign on graphtest's column
// warehouse with the built-in tracker: only the owners who use the column
// (bob, in WHERE) or may use it (carol's SELECT *, erin's job without
// column lineage) are targets; bob's ticket closed while his job still
// filters on the column is reopened with a comment naming the job and the
// column; a job that starts using the column mid-campaign adds its owner;
// bob's target completes once his job no longer uses the column, even
// though it still reads the table.
func TestColumnCampaign(t *testing.T) {
	ctx := actorCtx()
	store, _ := MustOpen(t)
	graphtest.MustPutJobs(t, store, graphtest.ColumnWarehouse()...)
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "r1")
	svc.Columns = store

	if _, err := svc.Start(ctx, campaigns.StartInput{Table: "sales.orders", Title: "x", Columns: []string{}}); lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("empty column list: %v, want EINVALID", err)
	}
	if _, err := svc.Start(ctx, campaigns.StartInput{Table: "sales.orders", Title: "x", Columns: []string{"status"}, Change: "SHRINK"}); lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("bad change: %v, want EINVALID", err)
	}
	p := MustStart(t, svc, campaigns.StartInput{Table: "sales.orders", Title: "Drop sales.orders.status", Columns: []string{"Status"}})
	id := p.Campaign.ID
	if got := owners(&p.Campaign); !slices.Equal(got, []string{"bob", "carol", "erin"}) {
		t.Fatalf("targets %v, want bob carol erin (alice and dave spared; gina is downstream, and the campaign is DIRECT)", got)
	}
	if p.Campaign.Change != lineage.ChangeDrop || !slices.Equal(p.Campaign.Columns, []string{"status"}) {
		t.Fatalf("campaign columns %v change %q", p.Campaign.Columns, p.Campaign.Change)
	}
	if d := target(t, &p.Campaign, "carol").Detail; !strings.Contains(d, "May use sales.orders.status") || !strings.Contains(d, "j_star") {
		t.Errorf("carol's detail %q; want it to say she may use the column, through j_star", d)
	}
	c, err := svc.Campaign(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Columns, []string{"status"}) || c.Change != lineage.ChangeDrop {
		t.Fatalf("stored campaign columns %v change %q", c.Columns, c.Change)
	}

	c = MustSync(t, svc, id)
	bob := target(t, c, "bob")
	if bob.Verification != lineage.VerifyStillReading || !strings.Contains(bob.Detail, "j_filter") || !strings.Contains(bob.Detail, "sales.orders.status") {
		t.Fatalf("bob after a step: %+v", bob)
	}
	// carol's star and erin's unknown columns cannot be verified by name:
	// they complete when they close their ticket.
	for _, o := range []string{"carol", "erin"} {
		if tg := target(t, c, o); tg.Verification != lineage.VerifyUnknown || !strings.Contains(tg.Detail, "may use sales.orders.status") {
			t.Errorf("%s: %+v; want unverified, saying the job may use the column", o, tg)
		}
	}
	// carol closes her ticket: that confirms it, and her target completes.
	if _, err := svc.SetBuiltinTicketStatus(ctx, target(t, c, "carol").TicketKey, lineage.TicketDone, "j_star copes"); err != nil {
		t.Fatal(err)
	}
	c = MustSync(t, svc, id)
	if tg := target(t, c, "carol"); tg.State != lineage.TargetComplete || tg.Verification != lineage.VerifyUnknown {
		t.Errorf("carol after confirming: %+v", tg)
	}
	if _, evs := MustEvents(t, svc, id); !hasEvent(evs, "target_complete", "carol", "confirmed that j_star") {
		t.Errorf("no completion event saying carol confirmed j_star")
	}

	// bob closes his ticket too early: it is reopened, naming job and column.
	if _, err := svc.SetBuiltinTicketStatus(ctx, bob.TicketKey, lineage.TicketDone, "done?"); err != nil {
		t.Fatal(err)
	}
	c = MustSync(t, svc, id)
	if tg := target(t, c, "bob"); tg.State == lineage.TargetComplete || tg.TicketStatus != lineage.TicketTodo {
		t.Fatalf("bob's early close was not reopened: %+v", tg)
	}
	tks, err := svc.Tickets(ctx, []string{bob.TicketKey})
	if err != nil {
		t.Fatal(err)
	}
	var comments []string
	for _, cm := range tks[0].Comments {
		comments = append(comments, cm.Body)
	}
	if !slices.ContainsFunc(comments, func(s string) bool {
		return strings.Contains(s, "j_filter (line 3)") && strings.Contains(s, "sales.orders.status")
	}) {
		t.Errorf("no reopen comment naming j_filter and sales.orders.status: %q", comments)
	}

	// dave starts filtering on status mid-campaign: he becomes a target.
	dave := graphtest.WithColumns(graphtest.J("j_other", "dave", graphtest.L("sales.orders"), nil),
		[]lineage.ColumnRef{graphtest.Ref("sales.orders.customer_id", lineage.UseJoin, 4), graphtest.Ref("sales.orders.status", lineage.UseFilter, 5)})
	graphtest.MustPutJobs(t, store, dave)
	c = MustSync(t, svc, id)
	if got := owners(c); !slices.Equal(got, []string{"bob", "carol", "dave", "erin"}) {
		t.Fatalf("after dave's change: targets %v", got)
	}

	// bob's job stops using status but still reads the table: he is done
	// once he closes the ticket.
	bobJob := graphtest.WithColumns(graphtest.J("j_filter", "bob", graphtest.L("sales.orders"), graphtest.L("dw.open")),
		[]lineage.ColumnRef{graphtest.Ref("sales.orders.id", lineage.UseValue, 1)})
	graphtest.MustPutJobs(t, store, bobJob)
	if _, err := svc.SetBuiltinTicketStatus(ctx, bob.TicketKey, lineage.TicketDone, "moved off status"); err != nil {
		t.Fatal(err)
	}
	c = MustSync(t, svc, id)
	if tg := target(t, c, "bob"); tg.State != lineage.TargetComplete || tg.Verification != lineage.VerifyClean {
		t.Fatalf("bob after moving off the column: %+v", tg)
	}
}

// TestWatchersOnTickets checks that a ticket names the further owners its
// jobs name (bigquery-etl's metadata.yaml lists several owners), without
// the target's own owner.
func TestWatchersOnTickets(t *testing.T) {
	store, _ := MustOpen(t)
	j := graphtest.J("j1", "alice", graphtest.L("a.t"), graphtest.L("b.u"))
	j.Watchers = graphtest.L("bob@example.com", "alice", "carol")
	graphtest.MustPutJobs(t, store, j, graphtest.J("j2", "dave", graphtest.L("a.t"), nil))
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "r1")
	svc.Watchers = store
	p := MustStart(t, svc, campaigns.StartInput{Table: "a.t", Title: "Retire a.t", DryRun: true})
	if w := target(t, &p.Campaign, "alice").Watchers; !slices.Equal(w, []string{"bob@example.com", "carol"}) {
		t.Fatalf("alice's watchers %v", w)
	}
	if w := target(t, &p.Campaign, "dave").Watchers; len(w) != 0 {
		t.Fatalf("dave's watchers %v, want none", w)
	}
	for _, tk := range p.Tickets {
		named := strings.Contains(tk.Description, "bob@example.com, carol")
		if named != (tk.Owner.Handle == "alice") {
			t.Errorf("ticket of %s names the watchers: %v\n%s", tk.Owner.Handle, named, tk.Description)
		}
	}
}
