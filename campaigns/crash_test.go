package campaigns_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/mock"
)

// TestCrashRestart stops the service at each point of a campaign start:
// right after storing it, and after each ticket creation (the tickets made,
// the targets not yet updated), without releasing its lease, as a killed
// process would. A new service over the same database file then finishes
// the job: every owner ends with exactly one ticket.
func TestCrashRestart(t *testing.T) {
	const owners = 7
	var specs []string
	for i := range owners {
		specs = append(specs, fmt.Sprintf("job%d owner%d old.table > out%d", i, i, i))
	}
	for crashAfter := -1; crashAfter <= owners; crashAfter++ {
		name := fmt.Sprintf("AfterCreating%d", crashAfter)
		if crashAfter < 0 {
			name = "AfterStoring"
		}
		t.Run(name, func(t *testing.T) {
			store, path := MustOpen(t)
			MustPutJobs(t, store, specs...)
			clk := newClock()
			builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
			ctx, crash := context.WithCancel(lineage.WithActor(context.Background(), "tester"))
			tr := mock.Wrap(builtin)
			tr.EnsureTicketsFn = func(_ context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
				// The process dies after crashAfter tickets exist in the
				// tracker and before any answer reaches the service.
				if _, err := builtin.EnsureTickets(context.Background(), reqs[:min(crashAfter, len(reqs))]); err != nil {
					t.Error(err)
				}
				crash()
				return nil, ctx.Err()
			}
			first := MustService(t, store, tr, clk, "dead-replica")
			p, err := first.Start(ctx, campaigns.StartInput{Table: "old.table", Title: "Retire old.table"})
			if err != nil {
				t.Fatal(err)
			}
			id := p.Campaign.ID
			if crashAfter >= 0 {
				_, _ = first.Sync(ctx, id) // dies inside
			}
			// A killed process keeps its lease until it expires.
			if ok, err := store.AcquireLease(context.Background(), id, "dead-replica", clk.Now(), clk.Now().Add(campaigns.DefaultLeaseTTL)); err != nil || !ok {
				t.Fatal(ok, err)
			}
			store.Close()

			// Restart over the same file.
			store2 := MustOpenPath(t, path)
			second := MustService(t, store2, campaigns.NewBuiltinTracker(store2, "http://ui", clk.Now), clk, "new-replica")
			if _, err := second.Sync(actorCtx(), id); lineage.ErrorCode(err) != lineage.ECONFLICT {
				t.Fatalf("sync under the dead replica's live lease: %v", err)
			}
			clk.Advance(campaigns.DefaultLeaseTTL + time.Second)
			c := MustSync(t, second, id)
			c = MustSync(t, second, id)
			if len(c.Targets) != owners {
				t.Fatalf("%d targets, want %d", len(c.Targets), owners)
			}
			for _, tg := range c.Targets {
				tks, err := store2.FindTickets(context.Background(), id, tg.Owner)
				if err != nil || len(tks) != 1 {
					t.Fatalf("owner %s has %d tickets (%v)", tg.Owner, len(tks), err)
				}
				if tg.TicketKey != tks[0].Key || tg.State != lineage.TargetOpen {
					t.Fatalf("target %+v, ticket %s", tg, tks[0].Key)
				}
			}
		})
	}
}
