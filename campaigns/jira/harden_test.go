package jira_test

// Fault tests of campaigns on the Jira tracker against a fake Jira that
// behaves as Jira Cloud does: its search lags behind writes (up to the 60 s
// bound lineage assumes), answers get lost after the work was done, Jira
// asks for long Retry-After waits, replicas run side by side and processes
// die. Each ends with 0 duplicate tickets, comments and notifications. The
// clock is a fake one that the tests advance, so nothing sleeps.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/campaigns/jira"
	"github.com/lineagehq/lineage/campaigns/jira/jiratest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// syncClock is a fake clock safe for the fake Jira's goroutines.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *syncClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a warehouse of owners reading big.table in a SQLite file, a
// fake Jira with a search lag, and a fake clock shared by all.
type harness struct {
	tb    testing.TB
	cloud bool
	clk   *syncClock
	srv   *jiratest.Server
	path  string
	store *sqlite.Store
	// onSleep, if set, runs inside a tracker's wait after the clock moved.
	onSleep func(d time.Duration)
}

func newHarness(tb testing.TB, cloud bool, lag time.Duration, owners int) *harness {
	h := &harness{tb: tb, cloud: cloud, clk: &syncClock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}}
	h.path = filepath.Join(tb.TempDir(), "lineage.db")
	h.store = mustStore(tb, h.path)
	mustWarehouse(tb, h.store, owners)
	h.srv = MustFake(tb, cloud, func(o *jiratest.Options) { o.SearchLag = lag; o.Now = h.clk.Now })
	return h
}

// tracker returns a tracker whose waits advance the fake clock.
func (h *harness) tracker() *jira.Tracker {
	return MustTracker(h.tb, h.srv.URL, h.cloud, nil, func(c *jira.Config) {
		c.Now = h.clk.Now
		c.SearchLag = time.Minute
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			h.clk.Advance(d)
			if h.onSleep != nil {
				h.onSleep(d)
			}
			return ctx.Err()
		}
	})
}

// service returns a service on store (the harness's when nil).
func (h *harness) service(store *sqlite.Store, holder string) *campaigns.Service {
	if store == nil {
		store = h.store
	}
	return &campaigns.Service{Graph: store, Store: store, Tracker: h.tracker(), Now: h.clk.Now, Holder: holder}
}

func (h *harness) api() string {
	if h.cloud {
		return "3"
	}
	return "2"
}

// settle steps the campaign with each service in turn, the clock moving 15 s
// after each round, until done holds (at most 40 rounds: ten minutes).
func (h *harness) settle(id string, done func(*lineage.Campaign) bool, svcs ...*campaigns.Service) *lineage.Campaign {
	h.tb.Helper()
	for range 40 {
		for _, s := range svcs {
			_, _ = s.Sync(lineage.WithActor(context.Background(), "tester"), id)
		}
		h.clk.Advance(15 * time.Second)
		c, err := svcs[0].Campaign(context.Background(), id)
		if err != nil {
			h.tb.Fatal(err)
		}
		if done(c) {
			return c
		}
	}
	c, _ := svcs[0].Campaign(context.Background(), id)
	h.tb.Fatalf("campaign did not settle: %+v", c.Targets)
	return nil
}

func allTickets(c *lineage.Campaign) bool {
	for _, t := range c.Targets {
		if t.TicketKey == "" {
			return false
		}
	}
	return true
}

// checkOnePerOwner fails unless every owner has exactly one issue and its
// target names it.
func (h *harness) checkOnePerOwner(c *lineage.Campaign, owners int) {
	h.tb.Helper()
	if len(c.Targets) != owners {
		h.tb.Fatalf("%d targets, want %d", len(c.Targets), owners)
	}
	for _, tg := range c.Targets {
		if n := h.srv.CountLabel(jira.OwnerLabel(tg.Owner)); n != 1 {
			h.tb.Fatalf("owner %s has %d issues", tg.Owner, n)
		}
		if is, ok := h.srv.Issue(tg.TicketKey); !ok || !strings.Contains(strings.Join(is.Labels, " "), jira.OwnerLabel(tg.Owner)) {
			h.tb.Fatalf("target %s names issue %s: %+v", tg.Owner, tg.TicketKey, is)
		}
	}
	if n := len(h.srv.Issues()); n != owners {
		h.tb.Fatalf("%d issues, want %d", n, owners)
	}
}

// comments counts the comments of an issue containing text.
func (h *harness) comments(key, text string) int {
	is, _ := h.srv.Issue(key)
	n := 0
	for _, c := range is.Comments {
		if strings.Contains(c.Body, text) {
			n++
		}
	}
	return n
}

func (h *harness) notifications(key string) int {
	n := 0
	for _, x := range h.srv.Notifications() {
		if x.Key == key {
			n++
		}
	}
	return n
}

func cloudName(cloud bool) string { return map[bool]string{true: "Cloud", false: "DataCenter"}[cloud] }

// TestLaggingSearchNoDuplicate loses the answer of the bulk create while
// Jira's search lags 5 s or 60 s behind: the tickets are found once the
// search catches up, never created twice.
func TestLaggingSearchNoDuplicate(t *testing.T) {
	const owners = 20
	for _, cloud := range []bool{true, false} {
		for _, lag := range []time.Duration{5 * time.Second, time.Minute} {
			t.Run(fmt.Sprintf("%s/Lag%s", cloudName(cloud), lag), func(t *testing.T) {
				h := newHarness(t, cloud, lag, owners)
				svc := h.service(nil, "r1")
				h.srv.Inject(jiratest.Fault{Method: http.MethodPost, PathPrefix: "/rest/api/" + h.api() + "/issue/bulk", LoseAnswer: true, Times: 1})
				p, err := svc.Start(lineage.WithActor(context.Background(), "tester"), campaigns.StartInput{Table: "big.table", Title: "Retire big.table"})
				if err != nil {
					t.Fatal(err)
				}
				c := h.settle(p.Campaign.ID, allTickets, svc)
				h.checkOnePerOwner(c, owners)
				// Later steps poll statuses through the lagging search too.
				for range 6 {
					if c, err = svc.Sync(lineage.WithActor(context.Background(), "tester"), c.ID); err != nil {
						t.Fatal(err)
					}
					h.clk.Advance(15 * time.Second)
				}
				h.checkOnePerOwner(c, owners)
				for _, tg := range c.Targets {
					if tg.State != lineage.TargetOpen {
						t.Fatalf("target %+v", tg)
					}
				}
			})
		}
	}
}

// TestLostAnswersEveryWrite runs a campaign through creation, a reopening,
// an overdue reminder and a cancellation while Jira's search lags 60 s and
// the answer to each kind of write (bulk create, comment, transition,
// notify) is lost once after Jira did the work.
func TestLostAnswersEveryWrite(t *testing.T) {
	const owners = 3
	for _, cloud := range []bool{true, false} {
		t.Run(cloudName(cloud), func(t *testing.T) {
			h := newHarness(t, cloud, time.Minute, owners)
			svc := h.service(nil, "r1")
			ctx := lineage.WithActor(context.Background(), "tester")
			lose := func(method, path string) {
				h.srv.Inject(jiratest.Fault{Method: method, PathPrefix: path, LoseAnswer: true, Times: 1})
			}
			lose(http.MethodPost, "/rest/api/"+h.api()+"/issue/bulk")
			p, err := svc.Start(ctx, campaigns.StartInput{Table: "big.table", Title: "Retire big.table", Deadline: h.clk.Now().Add(48 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			c := h.settle(p.Campaign.ID, allTickets, svc)
			h.checkOnePerOwner(c, owners)

			// Closed in Jira while its job still reads the table: reopened
			// once, with one comment, though both answers are lost.
			key := c.Targets[0].TicketKey
			h.srv.SetCategory(key, "done")
			lose(http.MethodPost, "/rest/api/"+h.api()+"/issue/"+key+"/comment")
			lose(http.MethodPost, "/rest/api/2/issue/"+key+"/transitions")
			reopened := func(*lineage.Campaign) bool { is, _ := h.srv.Issue(key); return is.Category == "new" }
			h.settle(c.ID, reopened, svc)
			for range 8 { // the search shows "done" for a minute more
				_, _ = svc.Sync(ctx, c.ID)
				h.clk.Advance(15 * time.Second)
			}
			if n := h.comments(key, "still reads big.table"); n != 1 {
				t.Fatalf("%d reopening comments on %s, want 1", n, key)
			}
			if is, _ := h.srv.Issue(key); is.Category != "new" {
				t.Fatalf("%s is %s", key, is.Category)
			}
			if cloud {
				// Cloud reconciles the issues this process just wrote, so
				// the step does not read back a stale "done" either.
				evs, _ := svc.Events(ctx, c.ID)
				n := 0
				for _, e := range evs {
					if e.Kind == "reopened" {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d reopened events, want 1", n)
				}
			}

			// Overdue: one reminder per ticket, though one answer is lost.
			h.clk.Advance(49 * time.Hour)
			lose(http.MethodPost, "/rest/api/2/issue/"+c.Targets[1].TicketKey+"/notify")
			for range 6 {
				_, _ = svc.Sync(ctx, c.ID)
				h.clk.Advance(15 * time.Second)
			}
			for _, tg := range c.Targets {
				if n := h.notifications(tg.TicketKey); n != 1 {
					t.Fatalf("%d notifications on %s, want 1", n, tg.TicketKey)
				}
			}

			// Cancelled: one closing comment per ticket, all done.
			k2 := c.Targets[2].TicketKey
			lose(http.MethodPost, "/rest/api/"+h.api()+"/issue/"+k2+"/comment")
			lose(http.MethodPost, "/rest/api/2/issue/"+k2+"/transitions")
			if _, err := svc.Cancel(ctx, c.ID, "Not needed."); err != nil {
				t.Fatal(err)
			}
			for range 4 {
				_, _ = svc.Sync(ctx, c.ID)
				h.clk.Advance(15 * time.Second)
			}
			for _, tg := range c.Targets {
				is, _ := h.srv.Issue(tg.TicketKey)
				if n := h.comments(tg.TicketKey, "Not needed."); n != 1 || is.Category != "done" {
					t.Fatalf("%s: %d cancellation comments, status %s; want 1, done", tg.TicketKey, n, is.Category)
				}
			}
			h.checkOnePerOwner(c, owners)
		})
	}
}

// TestReplicasLaggingLossy runs two replicas' steps side by side on one
// database file while the search lags 60 s and bulk answers get lost.
func TestReplicasLaggingLossy(t *testing.T) {
	const owners = 60
	h := newHarness(t, true, time.Minute, owners)
	a := h.service(nil, "replica-a")
	b := h.service(mustStore(t, h.path), "replica-b")
	h.srv.Inject(jiratest.Fault{Method: http.MethodPost, PathPrefix: "/rest/api/3/issue/bulk", LoseAnswer: true, Times: 2})
	p, err := a.Start(lineage.WithActor(context.Background(), "tester"), campaigns.StartInput{Table: "big.table", Title: "Retire big.table"})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; ; round++ {
		if round > 40 {
			t.Fatal("tickets not settled after 40 rounds")
		}
		var wg sync.WaitGroup
		for _, s := range []*campaigns.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = s.Sync(lineage.WithActor(context.Background(), "tester"), p.Campaign.ID)
			}()
		}
		wg.Wait()
		h.clk.Advance(15 * time.Second)
		c, err := a.Campaign(context.Background(), p.Campaign.ID)
		if err != nil {
			t.Fatal(err)
		}
		if allTickets(c) {
			h.checkOnePerOwner(c, owners)
			return
		}
	}
}

// TestRetryAfterLongerThanLease: Jira answers the bulk create 429 with a
// Retry-After longer than the lease; meanwhile another replica steps the
// campaign. No step waits past its lease, and a step whose wait ran past
// it (a paused process) writes nothing after it.
func TestRetryAfterLongerThanLease(t *testing.T) {
	const owners = 10
	for _, tt := range []struct {
		name, retryAfter string
		pause            time.Duration // how long the wait really lasts
	}{
		{"RetryAfter5m", "300", 0},
		{"PausedPastLease", "10", 6 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, true, 5*time.Second, owners)
			a := h.service(nil, "replica-a")
			b := h.service(mustStore(t, h.path), "replica-b")
			var waits []time.Duration
			h.srv.Inject(jiratest.Fault{Method: http.MethodPost, PathPrefix: "/rest/api/3/issue/bulk", Status: 429, RetryAfter: tt.retryAfter, Times: 1})
			ctx := lineage.WithActor(context.Background(), "tester")
			p, err := a.Start(ctx, campaigns.StartInput{Table: "big.table", Title: "Retire big.table"})
			if err != nil {
				t.Fatal(err)
			}
			id := p.Campaign.ID
			h.onSleep = func(d time.Duration) {
				// Replica b steps while a waits.
				waits = append(waits, d)
				h.clk.Advance(tt.pause)
				_, _ = b.Sync(ctx, id)
			}
			_, err = a.Sync(ctx, id)
			for _, w := range waits {
				if w >= campaigns.DefaultLeaseTTL {
					t.Errorf("a step waited %s, longer than its lease", w)
				}
			}
			if tt.pause > 0 && (len(waits) != 1 || lineage.ErrorCode(err) != lineage.ECONFLICT || !strings.Contains(err.Error(), "lost its lease")) {
				t.Errorf("waits %v; a's step: %v; want one wait and the step stopped for its lost lease", waits, err)
			}
			h.onSleep = nil
			h.clk.Advance(6 * time.Minute) // past Retry-After and the search lag
			c := h.settle(id, allTickets, a, b)
			h.checkOnePerOwner(c, owners)
		})
	}
}

// deadHolder is the lease holder of a process on this host that has this
// process's pid but is not this process: one killed before a restart that
// got the same pid, as happens in a container.
func deadHolder(n int) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:dead%08d", host, os.Getpid(), n)
}

// TestJiraKillAtEachWrite kills the process (its context ends and its lease
// is left behind) right after Jira did each kind of write, with a 60 s
// search lag, and restarts it at once: the new process takes the campaign
// over without waiting for the lease, and nothing is duplicated.
func TestJiraKillAtEachWrite(t *testing.T) {
	const owners = 3
	for _, cloud := range []bool{true, false} {
		t.Run(cloudName(cloud), func(t *testing.T) {
			h := newHarness(t, cloud, time.Minute, owners)
			var id string
			var keys []string
			procs := 0
			// run starts a process and steps it (with step, default Sync)
			// until Jira's write at path kills it.
			run := func(method, path string, step func(ctx context.Context, s *campaigns.Service) error) {
				t.Helper()
				procs++
				store := mustStore(t, h.path)
				s := h.service(store, deadHolder(procs))
				ctx, kill := context.WithCancel(lineage.WithActor(context.Background(), "tester"))
				defer kill()
				h.srv.Inject(jiratest.Fault{Method: method, PathPrefix: path, LoseAnswer: true, Then: kill, Times: 1})
				if step == nil {
					step = func(ctx context.Context, s *campaigns.Service) error { _, err := s.Sync(ctx, id); return err }
				}
				for range 40 {
					err := step(ctx, s)
					if ctx.Err() != nil {
						break
					}
					if lineage.ErrorCode(err) == lineage.ECONFLICT && errors.Is(err, campaigns.ErrBusy) {
						t.Fatalf("process %d did not take over from its dead predecessor: %v", procs, err)
					}
					h.clk.Advance(15 * time.Second)
				}
				if ctx.Err() == nil {
					t.Fatalf("process %d was never killed at %s %s", procs, method, path)
				}
				// A killed process keeps its lease until it expires.
				now := h.clk.Now()
				if ok, err := store.AcquireLease(context.Background(), id, s.Holder, now, now.Add(campaigns.DefaultLeaseTTL)); err != nil || !ok {
					t.Fatal(ok, err)
				}
			}
			first := h.service(nil, deadHolder(0))
			p, err := first.Start(lineage.WithActor(context.Background(), "tester"), campaigns.StartInput{Table: "big.table", Title: "Retire big.table", Deadline: h.clk.Now().Add(48 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			id = p.Campaign.ID
			run(http.MethodPost, "/rest/api/"+h.api()+"/issue/bulk", nil)
			// The next process must not create the tickets again.
			probe := h.service(mustStore(t, h.path), "")
			c := h.settle(id, allTickets, probe)
			h.checkOnePerOwner(c, owners)
			for _, tg := range c.Targets {
				keys = append(keys, tg.TicketKey)
			}
			h.srv.SetCategory(keys[0], "done")
			run(http.MethodPost, "/rest/api/"+h.api()+"/issue/"+keys[0]+"/comment", nil)
			run(http.MethodPost, "/rest/api/2/issue/"+keys[0]+"/transitions", nil)
			h.clk.Advance(49 * time.Hour)
			run(http.MethodPut, "/rest/api/2/issue/"+keys[1]+"/properties/", nil)
			run(http.MethodPost, "/rest/api/2/issue/"+keys[2]+"/notify", nil)
			cancel := func(ctx context.Context, s *campaigns.Service) error {
				_, err := s.Cancel(ctx, id, "Not needed.")
				return err
			}
			run(http.MethodPost, "/rest/api/"+h.api()+"/issue/"+keys[1]+"/comment", cancel)
			run(http.MethodPost, "/rest/api/2/issue/"+keys[2]+"/transitions", nil)
			last := h.service(mustStore(t, h.path), "")
			for range 8 {
				if _, err := last.Sync(lineage.WithActor(context.Background(), "tester"), id); err != nil {
					t.Fatal(err)
				}
				h.clk.Advance(15 * time.Second)
			}
			c, _ = last.Campaign(context.Background(), id)
			h.checkOnePerOwner(c, owners)
			evs, _ := last.Events(context.Background(), id)
			takeovers := 0
			for _, e := range evs {
				if e.Kind == "lease_taken_over" {
					takeovers++
				}
			}
			// Every restart but the one after the 49 hours (the lease had
			// expired by then) took over a dead process's live lease.
			if takeovers != procs-1 {
				t.Errorf("%d takeovers of a dead process's lease, want %d", takeovers, procs-1)
			}
			if n := h.comments(keys[0], "still reads big.table"); n != 1 {
				t.Fatalf("%d reopening comments, want 1", n)
			}
			for _, k := range keys {
				is, _ := h.srv.Issue(k)
				// keys[1]'s reminder was recorded and then the process died:
				// at most one e-mail, here none (it never went out).
				if n := h.notifications(k); n > 1 || (k != keys[1] && n != 1) {
					t.Fatalf("%d notifications on %s", n, k)
				}
				if n := h.comments(k, "Not needed."); n != 1 || is.Category != "done" {
					t.Fatalf("%s: %d cancellation comments, status %s", k, n, is.Category)
				}
			}
		})
	}
}

// TestReconcileIssues: on Jira Cloud, searches soon after this process wrote
// to an issue ask Jira to reconcile it (reconcileIssues), so a second
// EnsureTickets finds tickets just created and a status just changed reads
// back as it is, although the search lags a minute.
func TestReconcileIssues(t *testing.T) {
	h := newHarness(t, true, time.Minute, 0)
	tr := h.tracker()
	ctx := context.Background()
	first := mustEnsure(t, tr, reqs("c1", "alice", "bob", "carol"))
	again := mustEnsure(t, tr, reqs("c1", "alice", "bob", "carol"))
	for i := range first {
		if again[i].Err != nil || again[i].Ticket == nil || again[i].Ticket.Key != first[i].Ticket.Key {
			t.Fatalf("second EnsureTickets: %+v, first %+v", again[i], first[i])
		}
	}
	if n := len(h.srv.Issues()); n != 3 || h.srv.Reconciled() == 0 {
		t.Fatalf("%d issues, %d reconciled ids", n, h.srv.Reconciled())
	}
	key := first[0].Ticket.Key
	h.srv.SetCategory(key, "done")
	h.clk.Advance(2 * time.Minute) // the search shows it done, and forgets our writes
	if tks, err := tr.Tickets(ctx, []string{key}); err != nil || tks[0].Status != lineage.TicketDone {
		t.Fatalf("tickets %+v, %v", tks, err)
	}
	if err := tr.Reopen(ctx, key, "c1/alice/reopened-0", "Job x still reads the table."); err != nil {
		t.Fatal(err)
	}
	if tks, err := tr.Tickets(ctx, []string{key}); err != nil || tks[0].Status != lineage.TicketTodo {
		t.Fatalf("just after reopening: %+v, %v; want TODO", tks, err)
	}
}
