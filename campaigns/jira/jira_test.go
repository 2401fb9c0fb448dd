package jira_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns/jira"
	"github.com/lineagehq/lineage/campaigns/jira/jiratest"
)

// sleeps records the waits a tracker asked for instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

// MustTracker returns a tracker on srv, recording its retry waits in sl.
func MustTracker(tb testing.TB, url string, cloud bool, sl *sleeps, mod func(*jira.Config)) *jira.Tracker {
	tb.Helper()
	cfg := jira.Config{URL: url, Project: "DATA", Token: "tok", Cloud: cloud}
	if cloud {
		cfg.User = "bot@example.com"
	}
	if sl != nil {
		cfg.Sleep = sl.sleep
	}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := jira.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return tr
}

// MustFake starts a fake Jira that requires the credentials MustTracker sends.
func MustFake(tb testing.TB, cloud bool, mod func(*jiratest.Options)) *jiratest.Server {
	tb.Helper()
	o := jiratest.Options{Cloud: cloud, Token: "tok"}
	if cloud {
		o.User = "bot@example.com"
	}
	if mod != nil {
		mod(&o)
	}
	return jiratest.New(tb, o)
}

func reqs(campaign string, owners ...string) []lineage.TicketRequest {
	out := make([]lineage.TicketRequest, len(owners))
	for i, o := range owners {
		out[i] = lineage.TicketRequest{
			CampaignID:  campaign,
			Owner:       lineage.Owner{Handle: o},
			Summary:     "Migrate off sales.orders",
			Description: "sales.orders is being retired.\n\nYour jobs: job-" + o,
			Due:         time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		}
	}
	return out
}

func mustEnsure(tb testing.TB, tr *jira.Tracker, rs []lineage.TicketRequest) []lineage.TicketResult {
	tb.Helper()
	res, err := tr.EnsureTickets(context.Background(), rs)
	if err != nil {
		tb.Fatalf("EnsureTickets: %v", err)
	}
	if len(res) != len(rs) {
		tb.Fatalf("got %d results for %d requests", len(res), len(rs))
	}
	return res
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name  string
		cfg   jira.Config
		field string
	}{
		{"NoURL", jira.Config{Project: "DATA", Token: "t"}, "jira.url"},
		{"BadScheme", jira.Config{URL: "ftp://jira", Project: "DATA", Token: "t"}, "jira.url"},
		{"NoHost", jira.Config{URL: "https://", Project: "DATA", Token: "t"}, "jira.url"},
		{"NoProject", jira.Config{URL: "https://jira.example.com", Token: "t"}, "jira.project"},
		{"QuotedProject", jira.Config{URL: "https://jira.example.com", Project: `DA"TA`, Token: "t"}, "jira.project"},
		{"NoToken", jira.Config{URL: "https://jira.example.com", Project: "DATA"}, "jira.token"},
		{"CloudNoUser", jira.Config{URL: "https://x.atlassian.net", Project: "DATA", Token: "t", Cloud: true}, "jira.user"},
		{"EmptyUser", jira.Config{URL: "https://jira.example.com", Project: "DATA", Token: "t", Users: map[string]string{"alice": " "}}, "jira.users.alice"},
		{"EmptyHandle", jira.Config{URL: "https://jira.example.com", Project: "DATA", Token: "t", Users: map[string]string{" ": "x"}}, "jira.users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jira.New(tt.cfg)
			if lineage.ErrorCode(err) != lineage.EINVALID || lineage.ErrorField(err) != tt.field {
				t.Fatalf("got %v (code %q, field %q), want EINVALID on %s", err, lineage.ErrorCode(err), lineage.ErrorField(err), tt.field)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		tr, err := jira.New(jira.Config{URL: "https://jira.example.com/jira/", Project: "DATA", Token: "pat"})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Name() != "jira" || tr.BrowseURL("DATA-1") != "https://jira.example.com/jira/browse/DATA-1" {
			t.Fatalf("name %q, url %q", tr.Name(), tr.BrowseURL("DATA-1"))
		}
	})
}

func TestEnsureTickets(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		t.Run(map[bool]string{true: "Cloud", false: "DataCenter"}[cloud], func(t *testing.T) {
			users := []string{"acc-alice", "alice"}
			srv := MustFake(t, cloud, func(o *jiratest.Options) { o.Users = users })
			user := "alice"
			if cloud {
				user = "acc-alice"
			}
			tr := MustTracker(t, srv.URL, cloud, nil, func(c *jira.Config) { c.Users = map[string]string{"alice": user} })

			res := mustEnsure(t, tr, reqs("c1", "alice", "bob"))
			for _, r := range res {
				if r.Err != nil || r.Ticket == nil {
					t.Fatalf("%s: %v", r.Owner, r.Err)
				}
			}
			alice, bob := res[0].Ticket, res[1].Ticket
			if alice.Unassigned || alice.Assignee != user || !bob.Unassigned || bob.Assignee != "" {
				t.Fatalf("assignment: alice %+v, bob %+v", alice, bob)
			}
			if alice.URL != srv.URL+"/browse/"+alice.Key || alice.Status != lineage.TicketTodo || alice.CampaignID != "c1" {
				t.Fatalf("alice ticket: %+v", alice)
			}
			is, _ := srv.Issue(bob.Key)
			if !strings.Contains(is.Description, "bob, who has no Jira user mapped") || is.Assignee != "" {
				t.Fatalf("unassigned ticket must name its owner: %+v", is)
			}
			if is.DescriptionADF != cloud || is.DueDate != "2025-07-01" {
				t.Fatalf("description ADF %v (cloud %v), due %q", is.DescriptionADF, cloud, is.DueDate)
			}
			if !slices.Equal(is.Labels, []string{"lineage", "lineage-campaign-c1", "lineage-owner-bob"}) {
				t.Fatalf("labels %v", is.Labels)
			}
			if !strings.Contains(is.Description, "Your jobs: job-bob") {
				t.Fatalf("description lost its text: %q", is.Description)
			}

			// Idempotent: asking again returns the same tickets and creates none.
			again := mustEnsure(t, tr, reqs("c1", "bob", "alice", "carol"))
			if again[0].Ticket.Key != bob.Key || again[1].Ticket.Key != alice.Key || again[2].Ticket == nil {
				t.Fatalf("second ensure: %+v", again)
			}
			if again[1].Ticket.Assignee != user || again[1].Ticket.Owner != "alice" {
				t.Fatalf("found ticket lost its assignee or owner: %+v", again[1].Ticket)
			}
			if n := len(srv.Issues()); n != 3 {
				t.Fatalf("%d issues, want 3", n)
			}
			// Another campaign's owner alice gets her own ticket.
			other := mustEnsure(t, tr, reqs("c2", "alice"))
			if other[0].Ticket.Key == alice.Key || srv.CountLabel("lineage-owner-alice") != 2 {
				t.Fatalf("campaign c2 reused c1's ticket")
			}
		})
	}
}

func TestEnsureTicketsBulk(t *testing.T) {
	srv := MustFake(t, true, func(o *jiratest.Options) { o.PageSize = 7; o.RejectSummary = "REJECT" })
	tr := MustTracker(t, srv.URL, true, nil, nil)
	var owners []string
	for i := range 120 {
		owners = append(owners, fmt.Sprintf("owner%03d", i))
	}
	rs := reqs("big", owners...)
	rs[5].Summary = "REJECT me"
	rs[77].Summary = "REJECT me too"
	res := mustEnsure(t, tr, rs)
	if got := srv.Count(http.MethodPost, "/rest/api/3/issue/bulk"); got != 3 {
		t.Fatalf("%d bulk requests for 120 tickets, want 3", got)
	}
	for i, r := range res {
		bad := i == 5 || i == 77
		if bad != (r.Err != nil) || bad == (r.Ticket != nil) {
			t.Fatalf("result %d: %+v", i, r)
		}
		if bad && (lineage.ErrorCode(r.Err) != lineage.EINVALID || !strings.Contains(r.Err.Error(), "summary: The summary is not accepted")) {
			t.Fatalf("result %d error: %v", i, r.Err)
		}
		if !bad {
			is, ok := srv.Issue(r.Ticket.Key)
			if !ok || !slices.Contains(is.Labels, jira.OwnerLabel(owners[i])) {
				t.Fatalf("result %d (%s) paired with the wrong issue %+v", i, owners[i], is)
			}
		}
	}
	// The second pass pages through 118 found tickets 7 at a time and
	// retries only the two failures (which fail again).
	before := srv.Count("", "")
	rs[5].Summary, rs[77].Summary = "fixed", "fixed"
	res = mustEnsure(t, tr, rs)
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("result %d: %v", i, r.Err)
		}
	}
	if n := len(srv.Issues()); n != 120 {
		t.Fatalf("%d issues, want 120", n)
	}
	if got := srv.Count("", "") - before; got != 17+1 {
		t.Fatalf("second pass made %d requests, want 17 searches + 1 bulk", got)
	}
}

// TestEnsureTicketsFixtures checks the JSON of Jira's documentation: a bulk
// answer with partial errors, and one where every item failed (HTTP 400).
func TestEnsureTicketsFixtures(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		status  int
		owners  []string
		keys    []string // "" where an error is expected
		errLike string
	}{
		{"Partial", "bulk_partial.json", 201, []string{"a", "b", "c"}, []string{"ED-24", "", "ED-25"}, "issuetype: The issue type selected is invalid"},
		{"AllFailed", "bulk_all_failed.json", 400, []string{"a"}, []string{""}, "summary: You must specify a summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/rest/api/3/search/jql":
					io.WriteString(w, `{"issues":[],"isLast":true}`)
				case "/rest/api/3/issue/bulk":
					var body struct {
						IssueUpdates []json.RawMessage `json:"issueUpdates"`
					}
					if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.IssueUpdates) != len(tt.owners) {
						t.Errorf("bulk body: %v, %d updates", err, len(body.IssueUpdates))
					}
					w.WriteHeader(tt.status)
					w.Write(mustRead(t, tt.fixture))
				default:
					t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
					w.WriteHeader(404)
				}
			}))
			defer srv.Close()
			tr := MustTracker(t, srv.URL, true, &sleeps{}, nil)
			res := mustEnsure(t, tr, reqs("c1", tt.owners...))
			for i, r := range res {
				if tt.keys[i] == "" {
					if r.Err == nil || !strings.Contains(r.Err.Error(), tt.errLike) {
						t.Fatalf("%s: error %v, want %q", r.Owner, r.Err, tt.errLike)
					}
					continue
				}
				if r.Err != nil || r.Ticket.Key != tt.keys[i] {
					t.Fatalf("%s: %+v, want %s", r.Owner, r, tt.keys[i])
				}
			}
		})
	}
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestEnsureTicketsFieldFallback(t *testing.T) {
	// Jira refuses the assignee: the ticket is created unassigned and says so.
	srv := MustFake(t, true, func(o *jiratest.Options) { o.Users = []string{"acc-known"} })
	tr := MustTracker(t, srv.URL, true, nil, func(c *jira.Config) {
		c.Users = map[string]string{"alice": "acc-gone", "bob": "acc-known"}
	})
	res := mustEnsure(t, tr, reqs("c1", "alice", "bob"))
	if res[0].Err != nil || !res[0].Ticket.Unassigned || res[1].Err != nil || res[1].Ticket.Unassigned {
		t.Fatalf("results %+v %+v", res[0], res[1])
	}
	is, _ := srv.Issue(res[0].Ticket.Key)
	if is.Assignee != "" || !strings.Contains(is.Description, "alice, who has no Jira user") {
		t.Fatalf("fallback issue %+v", is)
	}
	if n := len(srv.Issues()); n != 2 {
		t.Fatalf("%d issues, want 2", n)
	}
}

func TestTickets(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		t.Run(map[bool]string{true: "Cloud", false: "DataCenter"}[cloud], func(t *testing.T) {
			srv := MustFake(t, cloud, func(o *jiratest.Options) { o.PageSize = 2 })
			tr := MustTracker(t, srv.URL, cloud, nil, nil)
			res := mustEnsure(t, tr, reqs("c1", "a", "b", "c", "d", "e"))
			keys := make([]string, len(res))
			for i, r := range res {
				keys[i] = r.Ticket.Key
			}
			srv.SetCategory(keys[1], "indeterminate")
			srv.SetCategory(keys[2], "done")
			srv.Delete(keys[4])
			got, err := tr.Tickets(context.Background(), append(keys, keys[0]))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]lineage.TicketStatus{keys[0]: lineage.TicketTodo, keys[1]: lineage.TicketInProgress, keys[2]: lineage.TicketDone, keys[3]: lineage.TicketTodo}
			if len(got) != len(want) {
				t.Fatalf("got %d tickets, want %d (deleted left out): %+v", len(got), len(want), got)
			}
			for _, tk := range got {
				if want[tk.Key] != tk.Status || tk.CampaignID != "c1" || tk.Owner == "" || !strings.Contains(tk.Description, "sales.orders is being retired.") {
					t.Fatalf("ticket %+v, want status %s", tk, want[tk.Key])
				}
			}
		})
	}
}

func TestTicketsFixtures(t *testing.T) {
	tests := []struct {
		name, path, fixture string
		cloud               bool
		want                []lineage.Ticket
	}{
		{"Cloud", "/rest/api/3/search/jql", "search_cloud.json", true, []lineage.Ticket{
			{Key: "ED-1", CampaignID: "c1", Owner: "alice", Assignee: "5b10a2844c20165700ede21g", Status: lineage.TicketInProgress,
				Summary: "Migrate off sales.orders", Description: "sales.orders is being retired.\n\nJobs: etl/daily.sql\nDeadline: 2025-07-01",
				Due: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), CreatedAt: time.Date(2025, 5, 2, 7, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 5, 3, 10, 0, 0, 0, time.UTC)},
			{Key: "ED-2", CampaignID: "c1", Owner: "bob", Unassigned: true, Status: lineage.TicketDone, Summary: "Migrate off sales.orders",
				CreatedAt: time.Date(2025, 5, 2, 9, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 5, 2, 9, 30, 0, 0, time.UTC)},
		}},
		{"DataCenter", "/rest/api/2/search", "search_dc.json", false, []lineage.Ticket{
			{Key: "DATA-7", CampaignID: "c1", Owner: "alice", Assignee: "alice", Status: lineage.TicketTodo, Summary: "Migrate off sales.orders",
				Description: "sales.orders is being retired.\n\nJobs: etl/daily.sql", Due: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
				CreatedAt: time.Date(2025, 5, 2, 9, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 5, 2, 9, 30, 0, 0, time.UTC)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var body map[string]any
				_ = json.NewDecoder(r.Body).Decode(&body)
				if r.URL.Path != tt.path || r.Method != http.MethodPost || !strings.HasPrefix(fmt.Sprint(body["jql"]), "key in (") {
					t.Errorf("unexpected %s %s %v", r.Method, r.URL.Path, body)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(mustRead(t, tt.fixture))
			}))
			defer srv.Close()
			tr := MustTracker(t, srv.URL, tt.cloud, nil, nil)
			var keys []string
			for _, w := range tt.want {
				keys = append(keys, w.Key)
			}
			got, err := tr.Tickets(context.Background(), keys)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d tickets, want %d", len(got), len(tt.want))
			}
			for i := range got {
				w := tt.want[i]
				w.URL = srv.URL + "/browse/" + w.Key
				if fmt.Sprintf("%+v", got[i]) != fmt.Sprintf("%+v", w) {
					t.Fatalf("ticket %d:\n got %+v\nwant %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestCommentReopenCloseRemind(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		t.Run(map[bool]string{true: "Cloud", false: "DataCenter"}[cloud], func(t *testing.T) {
			srv := MustFake(t, cloud, nil)
			tr := MustTracker(t, srv.URL, cloud, nil, nil)
			ctx := context.Background()
			key := mustEnsure(t, tr, reqs("c1", "alice"))[0].Ticket.Key

			if err := tr.Comment(ctx, key, "", "First line\nsecond line\n\nNew paragraph"); err != nil {
				t.Fatal(err)
			}
			srv.SetCategory(key, "done")
			if err := tr.Reopen(ctx, key, "", "Job etl/daily still reads sales.orders."); err != nil {
				t.Fatal(err)
			}
			is, _ := srv.Issue(key)
			if is.Category != "new" || len(is.Comments) != 2 || is.Comments[1].Body != "Job etl/daily still reads sales.orders." || is.Comments[1].ADF != cloud {
				t.Fatalf("after reopen: %+v", is)
			}
			if is.Comments[0].Body != "First line\nsecond line\n\nNew paragraph" {
				t.Fatalf("comment text %q", is.Comments[0].Body)
			}
			if err := tr.Remind(ctx, key, "", "Reminder: sales.orders", "The deadline is in 3 days."); err != nil {
				t.Fatal(err)
			}
			n := srv.Notifications()
			if len(n) != 1 || n[0].Key != key || n[0].TextBody != "The deadline is in 3 days." || n[0].To["assignee"] != true {
				t.Fatalf("notifications %+v", n)
			}
			if err := tr.Close(ctx, key, "", "Campaign cancelled."); err != nil {
				t.Fatal(err)
			}
			if is, _ = srv.Issue(key); is.Category != "done" || is.Comments[2].Body != "Campaign cancelled." {
				t.Fatalf("after close: %+v", is)
			}
			// Closing a closed ticket only comments.
			if err := tr.Close(ctx, key, "", "Again."); err != nil {
				t.Fatal(err)
			}
			for _, op := range []func() error{
				func() error { return tr.Comment(ctx, "DATA-999", "", "x") },
				func() error { return tr.Reopen(ctx, "DATA-999", "", "x") },
				func() error { return tr.Remind(ctx, "DATA-999", "", "s", "x") },
				func() error { return tr.Close(ctx, "DATA-999", "", "x") },
			} {
				if err := op(); lineage.ErrorCode(err) != lineage.ENOTFOUND {
					t.Fatalf("missing issue: got %v, want ENOTFOUND", err)
				}
			}
		})
	}
}

func TestReopenForbidden(t *testing.T) {
	srv := MustFake(t, true, func(o *jiratest.Options) { o.NoReopen = true })
	tr := MustTracker(t, srv.URL, true, nil, nil)
	key := mustEnsure(t, tr, reqs("c1", "alice"))[0].Ticket.Key
	srv.SetCategory(key, "done")
	err := tr.Reopen(context.Background(), key, "", "Job x still reads the table.")
	if lineage.ErrorCode(err) != lineage.ECONFLICT {
		t.Fatalf("got %v, want ECONFLICT", err)
	}
	if is, _ := srv.Issue(key); is.Category != "done" || len(is.Comments) != 1 {
		t.Fatalf("the comment must stay and the ticket stay done: %+v", is)
	}
}

// TestReopenFixture picks the To Do transition from Jira's documented answer.
func TestReopenFixture(t *testing.T) {
	for _, tt := range []struct {
		fixture, wantID string
	}{{"transitions.json", "3"}, {"transitions_no_reopen.json", ""}} {
		t.Run(tt.fixture, func(t *testing.T) {
			var got string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case r.URL.Path == "/rest/api/2/issue/ED-1" && r.Method == http.MethodGet:
					io.WriteString(w, `{"id":"1","key":"ED-1","fields":{"status":{"name":"Done","statusCategory":{"key":"done"}}}}`)
				case r.URL.Path == "/rest/api/2/issue/ED-1/comment" && r.Method == http.MethodPost:
					w.WriteHeader(201)
					io.WriteString(w, `{"id":"1"}`)
				case r.URL.Path == "/rest/api/2/issue/ED-1/transitions" && r.Method == http.MethodGet:
					w.Write(mustRead(t, tt.fixture))
				case r.URL.Path == "/rest/api/2/issue/ED-1/transitions" && r.Method == http.MethodPost:
					var body struct{ Transition struct{ ID string } }
					_ = json.NewDecoder(r.Body).Decode(&body)
					got = body.Transition.ID
					w.WriteHeader(204)
				default:
					t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
				}
			}))
			defer srv.Close()
			tr := MustTracker(t, srv.URL, false, nil, nil)
			err := tr.Reopen(context.Background(), "ED-1", "", "still reading")
			if tt.wantID == "" {
				if lineage.ErrorCode(err) != lineage.ECONFLICT {
					t.Fatalf("got %v, want ECONFLICT", err)
				}
				return
			}
			if err != nil || got != tt.wantID {
				t.Fatalf("err %v, transition %q, want %q", err, got, tt.wantID)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	t.Run("RetryAfter", func(t *testing.T) {
		srv := MustFake(t, true, nil)
		sl := &sleeps{}
		tr := MustTracker(t, srv.URL, true, sl, nil)
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/3/issue/bulk", Status: 429, RetryAfter: "7", Times: 2})
		res := mustEnsure(t, tr, reqs("c1", "alice"))
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		if got := sl.all(); !slices.Equal(got, []time.Duration{7 * time.Second, 7 * time.Second}) {
			t.Fatalf("waits %v, want Retry-After's 7s twice", got)
		}
		if n := srv.Count(http.MethodPost, "/rest/api/3/issue/bulk"); n != 3 || len(srv.Issues()) != 1 {
			t.Fatalf("%d bulk requests, %d issues", n, len(srv.Issues()))
		}
	})
	t.Run("RetryAfterDate", func(t *testing.T) {
		srv := MustFake(t, false, nil)
		sl := &sleeps{}
		tr := MustTracker(t, srv.URL, false, sl, nil)
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/2/search", Status: 503, RetryAfter: time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat), Times: 1})
		mustEnsure(t, tr, reqs("c1", "alice"))
		if got := sl.all(); len(got) != 1 || got[0] < time.Minute || got[0] > 2*time.Minute {
			t.Fatalf("waits %v, want the two minutes of the Retry-After date", got)
		}
	})
	t.Run("ServerErrorBackoff", func(t *testing.T) {
		srv := MustFake(t, true, nil)
		sl := &sleeps{}
		tr := MustTracker(t, srv.URL, true, sl, func(c *jira.Config) { c.Backoff = time.Second; c.MaxBackoff = 3 * time.Second })
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/3/search/jql", Status: 502, Times: 3})
		res := mustEnsure(t, tr, reqs("c1", "alice"))
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		if got := sl.all(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}) {
			t.Fatalf("waits %v, want 1s 2s 3s", got)
		}
	})
	t.Run("BulkServerErrorNoDuplicate", func(t *testing.T) {
		// The fake creates the issues, then the client sees a 500 for the
		// request (a proxy failing after Jira did its work). The retry must
		// search first and create nothing twice.
		var srv *jiratest.Server
		fail := true
		srv = MustFake(t, true, nil)
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			srv.Config.Handler.ServeHTTP(rec, r)
			if r.URL.Path == "/rest/api/3/issue/bulk" && fail {
				fail = false
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		}))
		defer proxy.Close()
		tr := MustTracker(t, proxy.URL, true, &sleeps{}, nil)
		res := mustEnsure(t, tr, reqs("c1", "alice", "bob"))
		for _, r := range res {
			if r.Err != nil || r.Ticket == nil {
				t.Fatalf("%s: %v", r.Owner, r.Err)
			}
		}
		if n := len(srv.Issues()); n != 2 {
			t.Fatalf("%d issues after a retried bulk create, want 2", n)
		}
		if srv.Count(http.MethodPost, "/rest/api/3/issue/bulk") != 1 {
			t.Fatalf("the retry re-created issues it should have found")
		}
	})
	t.Run("GiveUp", func(t *testing.T) {
		// A bulk create answered 500 may have created the issues: it is
		// never sent again in the same call; the items stay in doubt.
		srv := MustFake(t, true, nil)
		sl := &sleeps{}
		tr := MustTracker(t, srv.URL, true, sl, func(c *jira.Config) { c.MaxRetries = 2 })
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/3/issue/bulk", Status: 500, Times: 10})
		res := mustEnsure(t, tr, reqs("c1", "alice"))
		if lineage.ErrorCode(res[0].Err) != lineage.EUNAVAILABLE || res[0].Ticket != nil || !strings.Contains(res[0].Err.Error(), "may have succeeded") {
			t.Fatalf("got %+v, want EUNAVAILABLE in doubt on the item", res[0])
		}
		if n := srv.Count(http.MethodPost, "/rest/api/3/issue/bulk"); n != 1 || len(srv.Issues()) != 0 {
			t.Fatalf("%d bulk requests, %d issues", n, len(srv.Issues()))
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		srv := MustFake(t, true, nil)
		sl := &sleeps{}
		tr := MustTracker(t, srv.URL, true, sl, func(c *jira.Config) { c.Timeout = 200 * time.Millisecond })
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/3/search/jql", Hang: 10 * time.Second, Times: 1})
		res := mustEnsure(t, tr, reqs("c1", "alice"))
		if res[0].Err != nil || len(sl.all()) != 1 {
			t.Fatalf("got %+v after waits %v", res[0], sl.all())
		}
	})
	t.Run("TimeoutGiveUp", func(t *testing.T) {
		srv := MustFake(t, true, nil)
		tr := MustTracker(t, srv.URL, true, &sleeps{}, func(c *jira.Config) { c.Timeout = 100 * time.Millisecond; c.MaxRetries = -1 })
		srv.Inject(jiratest.Fault{PathPrefix: "/rest/api/3/search/jql", Hang: 10 * time.Second, Times: 1})
		_, err := tr.EnsureTickets(context.Background(), reqs("c1", "alice"))
		if lineage.ErrorCode(err) != lineage.EUNAVAILABLE {
			t.Fatalf("got %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("Unauthorized", func(t *testing.T) {
		srv := MustFake(t, true, nil)
		tr := MustTracker(t, srv.URL, true, &sleeps{}, func(c *jira.Config) { c.Token = "wrong" })
		_, err := tr.EnsureTickets(context.Background(), reqs("c1", "alice"))
		if lineage.ErrorCode(err) != lineage.EUNAUTHORIZED || !strings.Contains(err.Error(), "not authenticated") {
			t.Fatalf("got %v, want EUNAUTHORIZED with Jira's message", err)
		}
		if err := tr.Comment(context.Background(), "DATA-1", "", "x"); lineage.ErrorCode(err) != lineage.EUNAUTHORIZED {
			t.Fatalf("comment: got %v", err)
		}
	})
	t.Run("PersonalAccessToken", func(t *testing.T) {
		srv := MustFake(t, false, nil) // bearer "tok"
		tr := MustTracker(t, srv.URL, false, nil, nil)
		if res := mustEnsure(t, tr, reqs("c1", "alice")); res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
	})
}
