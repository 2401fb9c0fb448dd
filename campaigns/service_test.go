package campaigns_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/mock"
)

func TestStartErrors(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	svc := MustService(t, store, &mock.Tracker{}, clk, "r1")
	ok := campaigns.StartInput{Table: "raw.orders", Title: "Retire"}
	tests := []struct {
		name  string
		ctx   context.Context
		mod   func(*campaigns.StartInput)
		code  string
		field string
	}{
		{"NoActor", context.Background(), nil, lineage.EUNAUTHORIZED, ""},
		{"NoTable", actorCtx(), func(in *campaigns.StartInput) { in.Table = " " }, lineage.EINVALID, "table"},
		{"UnknownTable", actorCtx(), func(in *campaigns.StartInput) { in.Table = "no.such" }, lineage.ENOTFOUND, ""},
		{"NoTitle", actorCtx(), func(in *campaigns.StartInput) { in.Title = "" }, lineage.EINVALID, "title"},
		{"LongTitle", actorCtx(), func(in *campaigns.StartInput) { in.Title = strings.Repeat("x", 201) }, lineage.EINVALID, "title"},
		{"TwoLineTitle", actorCtx(), func(in *campaigns.StartInput) { in.Title = "a\nb" }, lineage.EINVALID, "title"},
		{"PastDeadline", actorCtx(), func(in *campaigns.StartInput) { in.Deadline = clk.Now().Add(-time.Hour) }, lineage.EINVALID, "deadline"},
		{"BadReach", actorCtx(), func(in *campaigns.StartInput) { in.Reach = "EVERYONE" }, lineage.EINVALID, "reach"},
		{"SameReplacement", actorCtx(), func(in *campaigns.StartInput) { in.Replacement = "RAW.ORDERS" }, lineage.EINVALID, "replacement"},
		{"LongMessage", actorCtx(), func(in *campaigns.StartInput) { in.Message = strings.Repeat("x", campaigns.MaxMessageLen+1) }, lineage.EINVALID, "message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			if tt.mod != nil {
				tt.mod(&in)
			}
			_, err := svc.Start(tt.ctx, in)
			if lineage.ErrorCode(err) != tt.code || lineage.ErrorField(err) != tt.field {
				t.Fatalf("got %v (code %s, field %q), want %s on %q", err, lineage.ErrorCode(err), lineage.ErrorField(err), tt.code, tt.field)
			}
		})
	}
	page, err := svc.Campaigns(context.Background(), lineage.CampaignFilter{})
	if err != nil || len(page.Campaigns) != 0 {
		t.Fatalf("failed starts stored something: %+v %v", page, err)
	}
}

func TestStartDryRun(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	// A tracker with no functions set: any call would fail the preview.
	svc := MustService(t, store, &mock.Tracker{}, clk, "r1")
	p, err := svc.Start(actorCtx(), campaigns.StartInput{Table: " RAW.Orders ", Title: "Retire raw.orders", Reach: lineage.ReachTransitive, DryRun: true,
		Deadline: clk.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.DryRun || p.Campaign.ID != "" || p.Campaign.Table != "raw.orders" || p.Impact == nil || p.Impact.Table != "raw.orders" {
		t.Fatalf("preview %+v", p)
	}
	if got := owners(&p.Campaign); !slices.Equal(got, []string{"alice", "bob", "carol", "dave"}) {
		t.Fatalf("owners %v", got)
	}
	if len(p.Tickets) != 4 || p.Tickets[0].Owner.Handle != "alice" || !strings.Contains(p.Tickets[0].Description, "etl/daily_sales") ||
		!p.Tickets[0].Due.Equal(p.Campaign.Deadline) {
		t.Fatalf("tickets %+v", p.Tickets)
	}
	if bob := target(t, &p.Campaign, "bob"); !slices.Equal(bob.Tables, []string{"raw.orders"}) || !slices.Equal(bob.Jobs, []string{"etl/customers"}) {
		t.Fatalf("bob %+v", bob)
	}
	// The preview names no empty campaign id.
	if d := p.Tickets[0].Description; strings.Contains(d, "Campaign ,") || !strings.HasSuffix(d, "Campaign started by tester.") {
		t.Fatalf("preview ticket body ends %q", d[max(0, len(d)-80):])
	}
	// Readers may preview (no actor): nothing changes, so no token is needed.
	anon, err := svc.Start(context.Background(), campaigns.StartInput{Table: "raw.orders", Title: "Retire raw.orders", DryRun: true})
	if err != nil {
		t.Fatalf("dry run without an actor: %v", err)
	}
	if d := anon.Tickets[0].Description; !strings.HasSuffix(d, "Campaign started by the person who launches it.") {
		t.Fatalf("anonymous preview ticket body ends %q", d[max(0, len(d)-80):])
	}
	page, err := svc.Campaigns(context.Background(), lineage.CampaignFilter{})
	if err != nil || len(page.Campaigns) != 0 {
		t.Fatalf("dry run stored a campaign: %+v %v", page, err)
	}
}

// TestStartStoresBeforeTickets: the tracker is down; the campaign and its
// targets are stored anyway, the failure is recorded on the targets, and the
// next step creates the tickets.
func TestStartStoresBeforeTickets(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	tr := mock.Wrap(builtin)
	var down atomic.Bool
	down.Store(true)
	tr.EnsureTicketsFn = func(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
		if down.Load() {
			return nil, lineage.Errorf(lineage.EUNAVAILABLE, "Jira cannot be reached.")
		}
		return builtin.EnsureTickets(ctx, reqs)
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	c = MustSync(t, svc, p.Campaign.ID)
	for _, tg := range c.Targets {
		if tg.State != lineage.TargetPending || tg.TicketKey != "" || !strings.Contains(tg.LastError, "Jira cannot be reached") || tg.Attempts != 2 {
			t.Fatalf("target while the tracker is down: %+v", tg)
		}
	}
	kinds, _ := MustEvents(t, svc, c.ID)
	if count(kinds, "error") != 2 { // once per target, not once per attempt
		t.Fatalf("events %v", kinds)
	}
	down.Store(false)
	c = MustSync(t, svc, c.ID)
	for _, tg := range c.Targets {
		if tg.State != lineage.TargetOpen || tg.TicketKey == "" || tg.LastError != "" {
			t.Fatalf("target after recovery: %+v", tg)
		}
	}
}

func TestPerItemErrors(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	tr := mock.Wrap(builtin)
	tr.EnsureTicketsFn = func(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
		res, err := builtin.EnsureTickets(ctx, reqs)
		for i := range res {
			if res[i].Owner == "bob" {
				res[i] = lineage.TicketResult{Owner: "bob", Err: lineage.Errorf(lineage.EINVALID, "Jira refused the ticket for bob: summary: too long.")}
			}
		}
		return res, err
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	if a, b := target(t, c, "alice"), target(t, c, "bob"); a.TicketKey == "" || b.TicketKey != "" || !strings.Contains(b.LastError, "summary: too long") {
		t.Fatalf("alice %+v\nbob %+v", a, b)
	}
}

func TestReopenForbidden(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now).(*campaigns.Builtin)
	tr := mock.Wrap(builtin)
	var reopens atomic.Int32
	tr.ReopenFn = func(ctx context.Context, key, ref, comment string) error {
		reopens.Add(1)
		_ = builtin.Comment(ctx, key, ref, comment)
		return lineage.Errorf(lineage.ECONFLICT, "The Jira workflow offers no way to reopen %s.", key)
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	key := target(t, c, "alice").TicketKey
	if _, err := builtin.SetStatus(context.Background(), key, lineage.TicketDone, "alice", ""); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		c = MustSync(t, svc, c.ID)
	}
	alice := target(t, c, "alice")
	if reopens.Load() != 1 || alice.State != lineage.TargetOpen || !strings.HasPrefix(alice.LastError, "flagged: ") || alice.TicketStatus != lineage.TicketDone {
		t.Fatalf("reopen tried %d times; alice %+v", reopens.Load(), alice)
	}
	kinds, evs := MustEvents(t, svc, c.ID)
	if count(kinds, "flagged") != 1 || !hasEvent(evs, "flagged", "alice", "etl/daily_sales still reads raw.orders") {
		t.Fatalf("events %v", kinds)
	}
	// The job moves: the flag clears and the done ticket completes the target.
	MustPutJobs(t, store, "etl/daily_sales alice raw.orders_v2 > mart.sales")
	c = MustSync(t, svc, c.ID)
	if alice = target(t, c, "alice"); alice.State != lineage.TargetComplete || alice.LastError != "" {
		t.Fatalf("alice %+v", alice)
	}
}

func TestCancel(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	tr := mock.Wrap(builtin)
	var closeDown atomic.Bool
	tr.CloseFn = func(ctx context.Context, key, ref, comment string) error {
		if closeDown.Load() {
			return lineage.Errorf(lineage.EUNAVAILABLE, "Jira is unavailable.")
		}
		return builtin.Close(ctx, key, ref, comment)
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)

	if _, err := svc.Cancel(context.Background(), c.ID, "x"); lineage.ErrorCode(err) != lineage.EUNAUTHORIZED {
		t.Fatalf("cancel without actor: %v", err)
	}
	closeDown.Store(true)
	c, err := svc.Cancel(actorCtx(), c.ID, "The table stays after all.")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != lineage.CampaignCancelled || target(t, c, "alice").State != lineage.TargetOpen || target(t, c, "alice").LastError == "" {
		t.Fatalf("after cancel with the tracker down: %+v", c)
	}
	if _, err := svc.Cancel(actorCtx(), c.ID, ""); lineage.ErrorCode(err) != lineage.ECONFLICT {
		t.Fatalf("second cancel: %v", err)
	}
	// The next step closes what could not be closed.
	closeDown.Store(false)
	c = MustSync(t, svc, c.ID)
	for _, tg := range c.Targets {
		if tg.State != lineage.TargetCancelled {
			t.Fatalf("target %+v", tg)
		}
		tks, _ := svc.Tickets(context.Background(), []string{tg.TicketKey})
		if tks[0].Status != lineage.TicketDone || !strings.Contains(tks[0].Comments[0].Body, "cancelled") || !strings.Contains(tks[0].Comments[0].Body, "The table stays after all.") {
			t.Fatalf("ticket %+v", tks[0])
		}
	}
	kinds, evs := MustEvents(t, svc, c.ID)
	if !hasEvent(evs, "cancelled", "", "The table stays after all.") || count(kinds, "ticket_closed") != 2 {
		t.Fatalf("events %v", kinds)
	}
}

func TestReminders(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	tr := mock.Wrap(builtin)
	var mu sync.Mutex
	var sent []string
	tr.RemindFn = func(ctx context.Context, key, ref, subject, body string) error {
		mu.Lock()
		sent = append(sent, key+" "+subject)
		mu.Unlock()
		return builtin.Remind(ctx, key, ref, subject, body)
	}
	svc := MustService(t, store, tr, clk, "r1")
	deadline := clk.Now().Add(10 * 24 * time.Hour)
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire", Deadline: deadline})
	id := p.Campaign.ID
	c := MustSync(t, svc, id)
	MustPutJobs(t, store, "etl/customers bob raw.orders_v2 raw.customers > mart.customers")
	if _, err := builtin.(*campaigns.Builtin).SetStatus(context.Background(), target(t, c, "bob").TicketKey, lineage.TicketDone, "bob", ""); err != nil {
		t.Fatal(err)
	}
	reminders := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(sent)
	}
	steps := []struct {
		advance time.Duration
		want    int
		like    string
	}{
		{0, 0, ""}, // 10 days left
		{7*24*time.Hour + time.Hour, 1, "due 2025-06-12, in 3 days"}, // within 72h
		{time.Hour, 1, ""}, // not again
		{3 * 24 * time.Hour, 2, "Overdue"},
		{24 * time.Hour, 2, ""}, // RemindEvery is 72h
		{3 * 24 * time.Hour, 3, "Overdue"},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		MustSync(t, svc, id)
		got := reminders()
		if len(got) != st.want || (st.like != "" && !strings.Contains(got[len(got)-1], st.like)) {
			t.Fatalf("step %d: reminders %v, want %d like %q", i, got, st.want, st.like)
		}
	}
	// Only alice's ticket is reminded: bob's is done.
	for _, r := range reminders() {
		if !strings.HasPrefix(r, target(t, c, "alice").TicketKey+" ") {
			t.Fatalf("reminder %q", r)
		}
	}
	// Remind now, off schedule, on behalf of a token.
	if _, err := svc.Remind(actorCtx(), id); err != nil {
		t.Fatal(err)
	}
	_, evs := MustEvents(t, svc, id)
	if len(reminders()) != 4 || !slices.ContainsFunc(evs, func(e lineage.Event) bool { return e.Kind == "reminded" && e.Actor == "tester" }) {
		t.Fatalf("manual reminder: %v", reminders())
	}
	if _, err := svc.Remind(context.Background(), id); lineage.ErrorCode(err) != lineage.EUNAUTHORIZED {
		t.Fatalf("remind without actor: %v", err)
	}
}

func TestTicketChanged(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	tr := mock.Wrap(campaigns.NewBuiltinTracker(store, "http://ui", clk.Now))
	tr.NameFn = func() string { return "jira" }
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	key := target(t, c, "bob").TicketKey
	ctx := lineage.WithActor(context.Background(), "jira")
	tests := []struct {
		name, campaign, key string
		status              lineage.TicketStatus
		code                string
	}{
		{"ByCampaign", c.ID, key, lineage.TicketInProgress, ""},
		{"StaleCampaign", "escaped-id-1234", key, lineage.TicketDone, ""},
		{"NoCampaign", "", key, lineage.TicketTodo, ""},
		{"UnknownKey", c.ID, "DATA-999", lineage.TicketDone, lineage.ENOTFOUND},
		{"BadStatus", c.ID, key, "CLOSED", lineage.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := svc.TicketChanged(ctx, tt.campaign, tt.key, tt.status)
			if lineage.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			got, _ := svc.Campaign(context.Background(), c.ID)
			if target(t, got, "bob").TicketStatus != tt.status {
				t.Fatalf("status %s, want %s", target(t, got, "bob").TicketStatus, tt.status)
			}
		})
	}
	_, evs := MustEvents(t, svc, c.ID)
	if !slices.ContainsFunc(evs, func(e lineage.Event) bool { return e.Kind == "ticket_status" && e.Actor == "jira" && e.Owner == "bob" }) {
		t.Fatalf("events %+v", evs)
	}
	if _, err := svc.SetBuiltinTicketStatus(actorCtx(), key, lineage.TicketDone, ""); lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("SetBuiltinTicketStatus on a non-builtin tracker: %v", err)
	}
}

func TestBuiltinSetStatusErrors(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	key := target(t, c, "alice").TicketKey
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		key    string
		status lineage.TicketStatus
		code   string
	}{
		{"NoActor", context.Background(), key, lineage.TicketDone, lineage.EUNAUTHORIZED},
		{"BadStatus", actorCtx(), key, "WONTFIX", lineage.EINVALID},
		{"NoTicket", actorCtx(), "LIN-999", lineage.TicketDone, lineage.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := svc.SetBuiltinTicketStatus(tt.ctx, tt.key, tt.status, ""); lineage.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
		})
	}
}

// TestTicketDeleted: a ticket vanishes from the tracker; the target goes
// back to pending and gets a ticket again.
func TestTicketDeleted(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	builtin := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	tr := mock.Wrap(builtin)
	var hide atomic.Value
	hide.Store("")
	tr.TicketsFn = func(ctx context.Context, keys []string) ([]lineage.Ticket, error) {
		tks, err := builtin.Tickets(ctx, keys)
		return slices.DeleteFunc(tks, func(tk lineage.Ticket) bool { return tk.Key == hide.Load().(string) }), err
	}
	var ensured []string
	tr.EnsureTicketsFn = func(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
		for _, r := range reqs {
			ensured = append(ensured, r.Owner.Handle)
		}
		return builtin.EnsureTickets(ctx, reqs)
	}
	svc := MustService(t, store, tr, clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	hide.Store(target(t, c, "alice").TicketKey)
	c = MustSync(t, svc, c.ID)
	if a := target(t, c, "alice"); a.State != lineage.TargetPending || a.TicketKey != "" {
		t.Fatalf("alice %+v", a)
	}
	hide.Store("")
	c = MustSync(t, svc, c.ID)
	if a := target(t, c, "alice"); a.State != lineage.TargetOpen || a.TicketKey == "" {
		t.Fatalf("alice %+v", a)
	}
	if !slices.Equal(ensured, []string{"alice", "bob", "alice"}) {
		t.Fatalf("ensured %v", ensured)
	}
}

func TestLease(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	tr := campaigns.NewBuiltinTracker(store, "http://ui", clk.Now)
	a := MustService(t, store, tr, clk, "replica-a")
	b := MustService(t, store, tr, clk, "replica-b")
	p := MustStart(t, a, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	id := p.Campaign.ID
	ok, err := store.AcquireLease(context.Background(), id, "replica-a", clk.Now(), clk.Now().Add(time.Minute))
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, err := b.Sync(actorCtx(), id); lineage.ErrorCode(err) != lineage.ECONFLICT {
		t.Fatalf("sync under another's lease: %v", err)
	}
	if _, err := b.Cancel(actorCtx(), id, ""); lineage.ErrorCode(err) != lineage.ECONFLICT {
		t.Fatalf("cancel under another's lease: %v", err)
	}
	// a's own step renews and then releases its lease.
	MustSync(t, a, id)
	MustSync(t, b, id)
	// An expired lease is taken over.
	if ok, _ := store.AcquireLease(context.Background(), id, "replica-a", clk.Now(), clk.Now().Add(time.Minute)); !ok {
		t.Fatal("lease not released")
	}
	clk.Advance(2 * time.Minute)
	MustSync(t, b, id)
}

// TestReplicas runs two services' loops on one store at once: every owner
// ends with exactly one ticket.
func TestReplicas(t *testing.T) {
	store, path := MustOpen(t)
	var specs []string
	for i := range 40 {
		specs = append(specs, "job"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+" owner"+strings.Repeat("y", i)+" big.table > out.t")
	}
	MustPutJobs(t, store, specs...)
	clk := newClock()
	store2 := MustOpenPath(t, path)
	a := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "replica-a")
	b := MustService(t, store2, campaigns.NewBuiltinTracker(store2, "http://ui", clk.Now), clk, "replica-b")
	var ids []string
	for i := range 3 {
		ids = append(ids, MustStart(t, a, campaigns.StartInput{Table: "big.table", Title: "Retire " + string(rune('A'+i))}).Campaign.ID)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, s := range []*campaigns.Service{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); s.Run(ctx, 5*time.Millisecond) }()
	}
	waitFor(t, func() bool {
		for _, id := range ids {
			c, err := a.Campaign(context.Background(), id)
			if err != nil {
				return false
			}
			for _, tg := range c.Targets {
				if tg.TicketKey == "" {
					return false
				}
			}
		}
		return true
	})
	cancel()
	wg.Wait()
	for _, id := range ids {
		for i := range 40 {
			owner := "owner" + strings.Repeat("y", i)
			tks, err := store.FindTickets(context.Background(), id, owner)
			if err != nil || len(tks) != 1 {
				t.Fatalf("campaign %s owner %s: %d tickets (%v)", id, owner, len(tks), err)
			}
		}
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// limit (a hang, not a timing assertion).
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	limit := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(limit) {
			tb.Fatal("condition not reached within 60s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunStops(t *testing.T) {
	store, _ := MustOpen(t)
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "", clk.Now), clk, "r1")
	if err := svc.Run(context.Background(), 0); lineage.ErrorCode(err) != lineage.EINVALID {
		t.Fatalf("Run(0): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := svc.Run(ctx, time.Hour); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
}

// TestConcurrentStepsOneProcess: the loop, Sync and webhooks of one process
// share a lease holder, so without a local lock they could step a campaign at
// once and record the same completion twice.
func TestConcurrentStepsOneProcess(t *testing.T) {
	store, _ := MustOpen(t)
	MustPutJobs(t, store, warehouse...)
	clk := newClock()
	svc := MustService(t, store, campaigns.NewBuiltinTracker(store, "http://ui", clk.Now), clk, "r1")
	p := MustStart(t, svc, campaigns.StartInput{Table: "raw.orders", Title: "Retire"})
	c := MustSync(t, svc, p.Campaign.ID)
	for _, tg := range c.Targets {
		for _, j := range tg.Jobs {
			if err := store.DeleteJob(context.Background(), j); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.SetBuiltinTicketStatus(actorCtx(), tg.TicketKey, lineage.TicketDone, "moved"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Sync(actorCtx(), c.ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	kinds, evs := MustEvents(t, svc, c.ID)
	for _, tg := range c.Targets {
		n := 0
		for _, e := range evs {
			if e.Kind == "target_complete" && e.Owner == tg.Owner {
				n++
			}
		}
		if n != 1 {
			t.Errorf("owner %s: %d target_complete events, want 1 (events %v)", tg.Owner, n, kinds)
		}
	}
	if got := count(kinds, "campaign_complete") + count(kinds, "completed"); got > 1 {
		t.Errorf("campaign completed %d times: %v", got, kinds)
	}
}
