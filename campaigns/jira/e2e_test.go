package jira_test

// End-to-end tests of campaigns.Service on the Jira tracker against the
// fake Jira, over graph/sqlite: crash and restart, and the 1,000-owner
// benchmark. They live here, not in package campaigns, so that campaigns'
// own tests never link go-jira.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/campaigns/jira"
	"github.com/lineagehq/lineage/campaigns/jira/jiratest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

func mustStore(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustWarehouse stores n jobs, each of its own owner, reading big.table.
func mustWarehouse(tb testing.TB, g lineage.GraphStore, n int) {
	tb.Helper()
	var puts []lineage.JobPut
	for i := range n {
		puts = append(puts, lineage.JobPut{
			Job:   lineage.Job{ID: fmt.Sprintf("etl/job%04d", i), Source: "bench", Path: fmt.Sprintf("job%04d.sql", i), Dialect: "mysql", Hash: "h", Owner: fmt.Sprintf("owner%04d", i)},
			Reads: []string{"big.table"}, Writes: []string{fmt.Sprintf("out.t%04d", i)},
		})
	}
	if err := g.PutJobs(context.Background(), puts); err != nil {
		tb.Fatal(err)
	}
}

type testClock struct{ t time.Time }

func (c *testClock) Now() time.Time { return c.t }

// TestJiraCrashRestart stops the service after storing a campaign and in
// the middle of creating its tickets in bulk (Jira created a chunk, the
// answer never arrived), then restarts it over the same database: the fake
// Jira ends with exactly one issue per owner.
func TestJiraCrashRestart(t *testing.T) {
	const owners = 120
	for _, crashAt := range []int{-1, 1, 50, 51, 100, owners} {
		name := fmt.Sprintf("AfterIssue%d", crashAt)
		if crashAt < 0 {
			name = "AfterStoring"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lineage.db")
			store := mustStore(t, path)
			mustWarehouse(t, store, owners)
			ctx, crash := context.WithCancel(lineage.WithActor(context.Background(), "tester"))
			defer crash()
			srv := MustFake(t, true, func(o *jiratest.Options) {
				o.OnCreate = func(n int) {
					if n == crashAt {
						crash()
					}
				}
			})
			clk := &testClock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
			first := &campaigns.Service{Graph: store, Store: store, Tracker: MustTracker(t, srv.URL, true, &sleeps{}, nil), Now: clk.Now, Holder: "dead"}
			p, err := first.Start(ctx, campaigns.StartInput{Table: "big.table", Title: "Retire big.table"})
			if err != nil {
				t.Fatal(err)
			}
			id := p.Campaign.ID
			if crashAt >= 0 {
				_, _ = first.Sync(ctx, id)
				if ctx.Err() == nil {
					t.Fatal("the crash did not happen")
				}
			}
			created := len(srv.Issues())
			store.Close()

			store2 := mustStore(t, path)
			clk.t = clk.t.Add(campaigns.DefaultLeaseTTL + time.Second)
			second := &campaigns.Service{Graph: store2, Store: store2, Tracker: MustTracker(t, srv.URL, true, &sleeps{}, nil), Now: clk.Now, Holder: "new"}
			c, err := second.Sync(lineage.WithActor(context.Background(), "tester"), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Targets) != owners {
				t.Fatalf("%d targets", len(c.Targets))
			}
			for _, tg := range c.Targets {
				if n := srv.CountLabel(jira.OwnerLabel(tg.Owner)); n != 1 {
					t.Fatalf("owner %s has %d issues (crash after %d created)", tg.Owner, n, created)
				}
				is, ok := srv.Issue(tg.TicketKey)
				if !ok || tg.State != lineage.TargetOpen || is.Labels[2] != jira.OwnerLabel(tg.Owner) {
					t.Fatalf("target %+v, issue %+v", tg, is)
				}
			}
			if n := len(srv.Issues()); n != owners {
				t.Fatalf("%d issues, want %d", n, owners)
			}
		})
	}
}

// TestJiraCampaign checks a campaign on Jira: statuses by polling, a ticket
// closed too early reopened in Jira with a comment, the webhook path, and
// cancellation comments.
func TestJiraCampaign(t *testing.T) {
	ctx := lineage.WithActor(context.Background(), "tester")
	store := mustStore(t, filepath.Join(t.TempDir(), "lineage.db"))
	mustWarehouse(t, store, 3)
	srv := MustFake(t, false, nil)
	clk := &testClock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}
	svc := &campaigns.Service{Graph: store, Store: store, Tracker: MustTracker(t, srv.URL, false, &sleeps{}, nil), Now: clk.Now, Holder: "r1"}
	p, err := svc.Start(ctx, campaigns.StartInput{Table: "big.table", Title: "Retire big.table", Deadline: clk.t.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.Sync(ctx, p.Campaign.ID)
	if err != nil {
		t.Fatal(err)
	}
	t0 := c.Targets[0]
	if t0.TicketURL != srv.URL+"/browse/"+t0.TicketKey || !t0.Unassigned || len(srv.Notifications()) != 0 {
		t.Fatalf("target %+v, %d notifications (none: the tickets are new)", t0, len(srv.Notifications()))
	}
	// Closed in Jira while etl/job0000 still reads big.table: reopened.
	srv.SetCategory(t0.TicketKey, "done")
	if c, err = svc.Sync(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	is, _ := srv.Issue(t0.TicketKey)
	if is.Category != "new" || len(is.Comments) != 1 || !strings.Contains(is.Comments[0].Body, "etl/job0000 still reads big.table") {
		evs, _ := svc.Events(ctx, c.ID)
		t.Fatalf("issue after early close: %+v %+v", is, evs)
	}
	// The webhook reports a status change; the service records it.
	hook, err := jira.NewWebhook("0123456789abcdef", svc.TicketChanged)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetCategory(c.Targets[1].TicketKey, "indeterminate")
	body := fmt.Sprintf(`{"webhookEvent":"jira:issue_updated","issue":{"key":%q,"fields":{"labels":[%q],"status":{"statusCategory":{"key":"indeterminate"}}}}}`,
		c.Targets[1].TicketKey, jira.CampaignLabel(c.ID))
	w := httptest.NewRecorder()
	hook.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hooks/jira?secret=0123456789abcdef", strings.NewReader(body)))
	if w.Code != http.StatusNoContent {
		t.Fatalf("webhook answered %d: %s", w.Code, w.Body)
	}
	if got, _ := svc.Campaign(ctx, c.ID); got.Targets[1].TicketStatus != lineage.TicketInProgress {
		t.Fatalf("webhook status not recorded: %+v", got.Targets[1])
	}
	// Overdue: every open ticket is reminded through Jira's notify endpoint.
	clk.t = clk.t.Add(49 * time.Hour)
	if c, err = svc.Sync(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if n := srv.Notifications(); len(n) != 3 || !strings.HasPrefix(n[0].Subject, "Overdue: Retire big.table") {
		t.Fatalf("notifications %+v", n)
	}
	if c, err = svc.Cancel(ctx, c.ID, "Not needed."); err != nil {
		t.Fatal(err)
	}
	for _, tg := range c.Targets {
		is, _ := srv.Issue(tg.TicketKey)
		if tg.State != lineage.TargetCancelled || is.Category != "done" || !strings.Contains(is.Comments[len(is.Comments)-1].Body, "Not needed.") {
			t.Fatalf("after cancel: %+v %+v", tg, is)
		}
	}
}

// TestCampaignRequests counts the requests a 1,000-owner campaign start
// makes to Jira: one search, then twenty bulk creates.
func TestCampaignRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 owners; skipped with -short")
	}
	res := runCampaign(t, 1000, 0)
	if res.startRequests > 25 || res.issues != 1000 {
		t.Fatalf("%d requests for the start, %d issues", res.startRequests, res.issues)
	}
	t.Logf("start: %d requests (%d bulk), sync: %d requests", res.startRequests, res.bulk, res.syncRequests)
}

type campaignRun struct {
	startRequests, bulk, syncRequests, issues int
	start, sync                               time.Duration
}

// runCampaign starts a campaign with n owners against a fake Jira Cloud with
// the given latency per request, runs its first step (ticket creation) and a
// second (status sync), and reports requests and wall time of each.
func runCampaign(tb testing.TB, n int, latency time.Duration) campaignRun {
	tb.Helper()
	store := mustStore(tb, filepath.Join(tb.TempDir(), "lineage.db"))
	mustWarehouse(tb, store, n)
	srv := MustFake(tb, true, func(o *jiratest.Options) { o.Latency = latency })
	svc := &campaigns.Service{Graph: store, Store: store, Tracker: MustTracker(tb, srv.URL, true, &sleeps{}, nil), Holder: "bench"}
	ctx := lineage.WithActor(context.Background(), "bench")
	var r campaignRun
	t0 := time.Now()
	p, err := svc.Start(ctx, campaigns.StartInput{Table: "big.table", Title: "Retire big.table"})
	if err != nil {
		tb.Fatal(err)
	}
	c, err := svc.Sync(ctx, p.Campaign.ID)
	if err != nil {
		tb.Fatal(err)
	}
	r.start = time.Since(t0)
	r.startRequests = srv.Count("", "")
	r.bulk = srv.Count(http.MethodPost, "/rest/api/3/issue/bulk")
	for _, tg := range c.Targets {
		if tg.TicketKey == "" {
			tb.Fatalf("target without ticket: %+v", tg)
		}
	}
	t1 := time.Now()
	if _, err := svc.Sync(ctx, c.ID); err != nil {
		tb.Fatal(err)
	}
	r.sync = time.Since(t1)
	r.syncRequests = srv.Count("", "") - r.startRequests
	r.issues = len(srv.Issues())
	return r
}

// BenchmarkCampaign1000Owners: go test ./campaigns/jira -run '^$' -bench Campaign1000 -benchtime 3x
func BenchmarkCampaign1000Owners(b *testing.B) {
	var last campaignRun
	var start, sync time.Duration
	for range b.N {
		b.StopTimer()
		// runCampaign times its own phases; setup is outside them.
		last = runCampaign(b, 1000, 50*time.Millisecond)
		start += last.start
		sync += last.sync
		b.StartTimer()
	}
	b.ReportMetric(float64(last.startRequests), "start-requests")
	b.ReportMetric(float64(last.syncRequests), "sync-requests")
	b.ReportMetric(start.Seconds()/float64(b.N), "start-s")
	b.ReportMetric(sync.Seconds()/float64(b.N), "sync-s")
}
