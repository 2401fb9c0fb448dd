package campaigns_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/mock"
)

// deadPid returns the pid of a process that has exited.
func deadPid(tb testing.TB) int {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		tb.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestRestartTakesOver: a process killed while holding a campaign's lease
// leaves it behind. Restarted on the same host, lineage sees that the
// holder is gone and takes over at once; a holder it cannot check (another
// host) is waited for at most the lease's 30 s, and the refusal says who
// holds the campaign and for how long.
func TestRestartTakesOver(t *testing.T) {
	host, _ := os.Hostname()
	for _, tt := range []struct {
		name, holder string
		atOnce       bool
	}{
		{"SameHostDeadPid", fmt.Sprintf("%s:%d:0123456789ab", host, deadPid(t)), true},
		{"SamePidEarlierProcess", fmt.Sprintf("%s:%d:0123456789ab", host, os.Getpid()), true},
		{"OtherHost", "elsewhere.example:42:0123456789ab", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := MustOpen(t)
			MustPutJobs(t, store, warehouse...)
			clk := newClock()
			builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
			ctx, kill := context.WithCancel(actorCtx())
			tr := mock.Wrap(builtin)
			tr.EnsureTicketsFn = func(_ context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
				kill() // killed while creating tickets
				return nil, ctx.Err()
			}
			dead := MustService(t, store, tr, clk, tt.holder)
			p := MustStart(t, dead, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
			id := p.Campaign.ID
			_, _ = dead.Sync(ctx, id)
			// kill -9 leaves the lease as the last renewal wrote it.
			if ok, err := store.AcquireLease(context.Background(), id, tt.holder, clk.Now(), clk.Now().Add(campaigns.DefaultLeaseTTL)); err != nil || !ok {
				t.Fatal(ok, err)
			}
			restarted := &campaigns.Service{Graph: store, Store: store, Tracker: builtin, Now: clk.Now}
			if !tt.atOnce {
				_, err := restarted.Sync(actorCtx(), id)
				if !errors.Is(err, campaigns.ErrBusy) || !strings.Contains(err.Error(), tt.holder) || !strings.Contains(err.Error(), "30s more") {
					t.Fatalf("sync under a live lease: %v", err)
				}
				clk.Advance(30 * time.Second)
			}
			c := MustSync(t, restarted, id)
			for _, tg := range c.Targets {
				if tks, _ := store.FindTickets(context.Background(), id, tg.Owner); len(tks) != 1 || tg.TicketKey != tks[0].Key {
					t.Fatalf("owner %s: tickets %v, target %+v", tg.Owner, tks, tg)
				}
			}
			_, evs := MustEvents(t, restarted, id)
			if took := hasEvent(evs, "lease_taken_over", "", tt.holder); took != tt.atOnce {
				t.Fatalf("lease_taken_over event: %v, want %v (%+v)", took, tt.atOnce, evs)
			}
		})
	}
	if campaigns.DefaultLeaseTTL > 30*time.Second {
		t.Fatalf("DefaultLeaseTTL %s: a restart on another host would wait longer than 30s", campaigns.DefaultLeaseTTL)
	}
}

// TestBuiltinLostAnswers: on the built-in tracker, each write (creation,
// reopening, reminder, closing) is done and then reported as failed once, as
// a lost answer would be; later steps retry. Nothing is done twice.
func TestBuiltinLostAnswers(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now).(*campaigns.Builtin)
	tr := mock.Wrap(builtin)
	var lost [4]atomic.Bool
	lose := func(i int, err error) error {
		if err == nil && lost[i].CompareAndSwap(false, true) {
			return lineage.Errorf(lineage.EUNAVAILABLE, "The answer was lost.")
		}
		return err
	}
	tr.EnsureTicketsFn = func(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
		res, err := builtin.EnsureTickets(ctx, reqs)
		if err = lose(0, err); err != nil {
			return nil, err
		}
		return res, nil
	}
	tr.ReopenFn = func(ctx context.Context, key, ref, body string) error {
		return lose(1, builtin.Reopen(ctx, key, ref, body))
	}
	tr.RemindFn = func(ctx context.Context, key, ref, subject, body string) error {
		return lose(2, builtin.Remind(ctx, key, ref, subject, body))
	}
	tr.CloseFn = func(ctx context.Context, key, ref, body string) error {
		return lose(3, builtin.Close(ctx, key, ref, body))
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire", Deadline: clk.Now().Add(48 * time.Hour)})
	id := p.Campaign.ID
	c := MustSync(t, svc, id)
	c = MustSync(t, svc, id)
	key := target(t, c, "alice").TicketKey
	if _, err := builtin.SetStatus(context.Background(), key, lineage.TicketDone, "alice", ""); err != nil {
		t.Fatal(err)
	}
	MustSync(t, svc, id)
	MustSync(t, svc, id)
	clk.Advance(49 * time.Hour)
	MustSync(t, svc, id)
	MustSync(t, svc, id)
	if _, err := svc.Cancel(actorCtx(), id, "Not needed."); err != nil {
		t.Fatal(err)
	}
	MustSync(t, svc, id)
	for i := range lost {
		if !lost[i].Load() {
			t.Fatalf("write %d never lost its answer", i)
		}
	}
	c, _ = svc.Campaign(context.Background(), id)
	for _, tg := range c.Targets {
		tks, err := store.FindTickets(context.Background(), id, tg.Owner)
		if err != nil || len(tks) != 1 {
			t.Fatalf("owner %s: %d tickets (%v)", tg.Owner, len(tks), err)
		}
		n := map[string]int{}
		for _, cm := range tks[0].Comments {
			for _, what := range []string{"This ticket was closed", "Reminder:", "The lineage campaign"} {
				if strings.HasPrefix(cm.Body, what) {
					n[what]++
				}
			}
		}
		want := map[string]int{"Reminder:": 1, "The lineage campaign": 1}
		if tg.Owner == "alice" {
			want["This ticket was closed"] = 1
		}
		for _, what := range []string{"This ticket was closed", "Reminder:", "The lineage campaign"} {
			if n[what] != want[what] {
				t.Errorf("owner %s: %d comments with %q, want %d", tg.Owner, n[what], what, want[what])
			}
		}
	}
}
