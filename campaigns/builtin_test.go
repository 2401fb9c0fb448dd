package campaigns_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
)

func TestBuiltin(t *testing.T) {
	ctx := context.Background()
	store, _ := MustOpen(t)
	clk := newClock()
	tr := campaigns.NewBuiltinTracker(store, "http://ui/", clk.Now)
	if tr.Name() != "builtin" {
		t.Fatalf("name %q", tr.Name())
	}
	reqs := []lineage.TicketRequest{
		{CampaignID: "c1", Owner: lineage.Owner{Handle: "alice"}, Summary: "Retire", Description: "d"},
		{CampaignID: "c1", Owner: lineage.Owner{Handle: "bob"}, Summary: "Retire", Description: "d"},
		{CampaignID: "c1", Owner: lineage.Owner{Handle: ""}, Summary: "Retire"},
		{CampaignID: "c1", Owner: lineage.Owner{Handle: "carol"}, Summary: ""}, // the store refuses
	}
	res, err := tr.EnsureTickets(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Ticket == nil || res[1].Ticket == nil || res[2].Err == nil || lineage.ErrorCode(res[3].Err) != lineage.EINVALID {
		t.Fatalf("results %+v", res)
	}
	alice := res[0].Ticket
	if alice.URL != "http://ui/tickets/"+alice.Key || alice.Status != lineage.TicketTodo || alice.Assignee != "alice" {
		t.Fatalf("ticket %+v", alice)
	}
	again, err := tr.EnsureTickets(ctx, reqs[:2])
	if err != nil || again[0].Ticket.Key != alice.Key || again[1].Ticket.Key != res[1].Ticket.Key {
		t.Fatalf("second ensure %+v %v", again, err)
	}
	for _, op := range []func() error{
		func() error { return tr.Comment(ctx, alice.Key, "", "hello") },
		func() error { return tr.Close(ctx, alice.Key, "", "closing") },
		func() error { return tr.Reopen(ctx, alice.Key, "", "reopening") },
		func() error { return tr.Remind(ctx, alice.Key, "", "Soon", "Please.") },
	} {
		if err := op(); err != nil {
			t.Fatal(err)
		}
	}
	tks, err := tr.Tickets(ctx, []string{alice.Key, "LIN-999"})
	if err != nil || len(tks) != 1 {
		t.Fatalf("tickets %+v %v", tks, err)
	}
	var bodies []string
	for _, c := range tks[0].Comments {
		bodies = append(bodies, c.Body)
	}
	if tks[0].Status != lineage.TicketTodo || strings.Join(bodies, "|") != "hello|closing|reopening|Reminder: Soon\n\nPlease." {
		t.Fatalf("ticket %+v", tks[0])
	}
	if err := tr.Comment(ctx, "LIN-999", "", "x"); lineage.ErrorCode(err) != lineage.ENOTFOUND {
		t.Fatalf("comment on a missing ticket: %v", err)
	}
}
