package campaigns_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
)

// TestStory runs a whole campaign on the sample warehouse with the built-in
// tracker: start, tickets, a ticket closed while the job still reads the
// table (reopened), the job edited and re-ingested, the ticket closed
// (target complete), a new reader appearing (new target), and completion.
func TestStory(t *testing.T) {
	ctx := actorCtx()
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	tr := campaigns.NewBuiltinTracker(store, "http://localhost:8080", clk.Now)
	svc := MustService(t, store, tr, clk, "replica-1")
	if svc.TrackerName() != "builtin" {
		t.Fatalf("tracker %q", svc.TrackerName())
	}

	// Start: the two direct readers become targets, stored before any ticket.
	p := MustStart(t, svc, campaigns.StartInput{
		Table: "raw.orders", Replacement: "raw.orders_v2", Title: "Retire raw.orders",
		Message: "raw.orders is replaced by raw.orders_v2.", Deadline: clk.Now().Add(30 * 24 * time.Hour),
	})
	id := p.Campaign.ID
	if id == "" || p.DryRun || !slices.Equal(owners(&p.Campaign), []string{"alice", "bob"}) || len(p.Tickets) != 2 {
		t.Fatalf("preview: id %q, owners %v, %d tickets", id, owners(&p.Campaign), len(p.Tickets))
	}
	c, err := svc.Campaign(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range c.Targets {
		if tg.State != lineage.TargetPending || tg.TicketKey != "" || tg.Role != lineage.RoleAct {
			t.Fatalf("stored target before any step: %+v", tg)
		}
	}
	if c.Creator != "tester" || c.State != lineage.CampaignActive {
		t.Fatalf("campaign %+v", c)
	}

	// Step: one ticket per owner, in the store, linking to the UI.
	c = MustSync(t, svc, id)
	alice, bob := target(t, c, "alice"), target(t, c, "bob")
	for _, tg := range []lineage.Target{alice, bob} {
		if tg.State != lineage.TargetOpen || !strings.HasPrefix(tg.TicketKey, "LIN-") || tg.TicketURL != "http://localhost:8080/tickets/"+tg.TicketKey ||
			tg.TicketStatus != lineage.TicketTodo || tg.Verification != lineage.VerifyStillReading {
			t.Fatalf("after first step: %+v", tg)
		}
	}
	tks, err := svc.Tickets(ctx, []string{alice.TicketKey})
	if err != nil || len(tks) != 1 || !strings.Contains(tks[0].Description, "etl/daily_sales") || tks[0].Assignee != "alice" {
		t.Fatalf("alice's ticket: %+v, %v", tks, err)
	}

	// Alice closes her ticket while etl/daily_sales still reads raw.orders:
	// it is reopened with a comment naming the job.
	if _, err := svc.SetBuiltinTicketStatus(lineage.WithActor(ctx, "alice-token"), alice.TicketKey, lineage.TicketDone, "Done, I think."); err != nil {
		t.Fatal(err)
	}
	c = MustSync(t, svc, id)
	alice = target(t, c, "alice")
	if alice.State != lineage.TargetOpen || alice.TicketStatus != lineage.TicketTodo || alice.Verification != lineage.VerifyStillReading ||
		!strings.Contains(alice.Detail, "etl/daily_sales") {
		t.Fatalf("alice after closing too early: %+v", alice)
	}
	tks, _ = svc.Tickets(ctx, []string{alice.TicketKey})
	last := tks[0].Comments[len(tks[0].Comments)-1]
	if tks[0].Status != lineage.TicketTodo || !strings.Contains(last.Body, "etl/daily_sales still reads raw.orders") || !strings.Contains(last.Body, "raw.orders_v2") {
		t.Fatalf("reopened ticket: %+v", tks[0])
	}

	// Alice edits the job, it is re-ingested with its new lineage, and she
	// closes the ticket: her target is complete.
	MustPutJobs(t, store, "etl/daily_sales alice raw.orders_v2 > mart.sales")
	if _, err := svc.SetBuiltinTicketStatus(lineage.WithActor(ctx, "alice-token"), alice.TicketKey, lineage.TicketDone, "Moved to raw.orders_v2."); err != nil {
		t.Fatal(err)
	}
	c = MustSync(t, svc, id)
	if alice = target(t, c, "alice"); alice.State != lineage.TargetComplete || alice.Verification != lineage.VerifyClean {
		t.Fatalf("alice after migrating: %+v", alice)
	}

	// Erin starts reading raw.orders during the campaign: a new target with
	// a new ticket.
	MustPutJobs(t, store, "adhoc/orders_check erin raw.orders > tmp.check")
	c = MustSync(t, svc, id)
	erin := target(t, c, "erin")
	if erin.Role != lineage.RoleAct || erin.State != lineage.TargetOpen || erin.TicketKey == "" || !slices.Contains(erin.Jobs, "adhoc/orders_check") {
		t.Fatalf("erin: %+v", erin)
	}
	if c.State != lineage.CampaignActive {
		t.Fatalf("campaign completed early")
	}

	// Bob migrates and closes; Erin drops her job and closes: complete.
	MustPutJobs(t, store, "etl/customers bob raw.orders_v2 raw.customers > mart.customers")
	if err := store.DeleteJob(context.Background(), "adhoc/orders_check"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{bob.TicketKey, erin.TicketKey} {
		if _, err := svc.SetBuiltinTicketStatus(ctx, k, lineage.TicketDone, ""); err != nil {
			t.Fatal(err)
		}
	}
	c = MustSync(t, svc, id)
	if c.State != lineage.CampaignComplete || c.CompletedAt.IsZero() {
		t.Fatalf("campaign %s, targets %+v", c.State, c.Targets)
	}

	kinds, evs := MustEvents(t, svc, id)
	for _, want := range []struct{ kind, owner, contains string }{
		{"created", "", "2 owner(s) to act"},
		{"unowned_jobs", "", "adhoc/orphan"},
		{"ticket_created", "alice", alice.TicketKey},
		{"ticket_status", "alice", "TODO to DONE"},
		{"reopened", "alice", "etl/daily_sales still reads raw.orders"},
		{"target_complete", "alice", "no job of alice reads raw.orders"},
		{"target_added", "erin", "adhoc/orders_check started reading raw.orders"},
		{"ticket_created", "erin", erin.TicketKey},
		{"completed", "", "adhoc/orphan"},
	} {
		if !hasEvent(evs, want.kind, want.owner, want.contains) {
			t.Errorf("no %s event for %q containing %q in %v", want.kind, want.owner, want.contains, kinds)
		}
	}
	for _, e := range evs {
		if e.At.IsZero() || e.Actor == "" {
			t.Errorf("event without time or actor: %+v", e)
		}
	}
	if !hasEvent(evs, "ticket_status", "alice", "") || !slices.ContainsFunc(evs, func(e lineage.Event) bool { return e.Actor == "alice-token" }) {
		t.Errorf("alice's own changes are not attributed to her token: %v", evs)
	}
	if count(kinds, "completed") != 1 || count(kinds, "ticket_created") != 3 {
		t.Errorf("kinds %v", kinds)
	}
	// A completed campaign stays as it is.
	if c2 := MustSync(t, svc, id); c2.State != lineage.CampaignComplete {
		t.Fatalf("state %s", c2.State)
	}
}

// TestTransitive informs owners further downstream and closes their
// tickets once everyone upstream has moved.
func TestTransitive(t *testing.T) {
	ctx := actorCtx()
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire raw.orders", Reach: lineage.ReachTransitive})
	c := &p.Campaign
	roles := map[string]lineage.TargetRole{}
	for _, tg := range c.Targets {
		roles[tg.Owner] = tg.Role
	}
	if roles["alice"] != lineage.RoleAct || roles["bob"] != lineage.RoleAct || roles["carol"] != lineage.RoleInform || roles["dave"] != lineage.RoleInform || len(roles) != 4 {
		t.Fatalf("roles %v", roles)
	}
	if carol := target(t, c, "carol"); carol.Hops != 2 || !slices.Equal(carol.Tables, []string{"mart.sales"}) {
		t.Fatalf("carol %+v", carol)
	}
	for _, r := range p.Tickets {
		if r.Owner.Handle == "carol" && !strings.HasPrefix(r.Summary, "[FYI]") {
			t.Fatalf("informational ticket summary %q", r.Summary)
		}
	}
	c = MustSync(t, svc, c.ID)
	MustPutJobs(t, store, "etl/daily_sales alice raw.orders_v2 > mart.sales", "etl/customers bob raw.orders_v2 raw.customers > mart.customers")
	for _, o := range []string{"alice", "bob"} {
		if _, err := svc.SetBuiltinTicketStatus(ctx, target(t, c, o).TicketKey, lineage.TicketDone, ""); err != nil {
			t.Fatal(err)
		}
	}
	c = MustSync(t, svc, c.ID)
	if c.State != lineage.CampaignComplete {
		t.Fatalf("state %s: %+v", c.State, c.Targets)
	}
	carol := target(t, c, "carol")
	tks, _ := svc.Tickets(ctx, []string{carol.TicketKey})
	if carol.State != lineage.TargetComplete || tks[0].Status != lineage.TicketDone || !strings.Contains(tks[0].Comments[0].Body, "closing this informational ticket") {
		t.Fatalf("carol %+v, ticket %+v", carol, tks[0])
	}
}
