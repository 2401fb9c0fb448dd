package graphtest

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
)

// t0 is the base time of campaign tests, in UTC with millisecond precision,
// which every store keeps.
var t0 = time.Date(2025, 3, 1, 9, 30, 0, 123_000_000, time.UTC)

// NewCampaign returns a valid campaign on table with targets for owners
// (the first with RoleAct at hop 1, the others RoleInform at hop 2).
func NewCampaign(table string, created time.Time, owners ...string) *lineage.Campaign {
	c := &lineage.Campaign{
		Table:       table,
		Replacement: table + "_v2",
		Title:       "Retire " + table,
		Message:     "Please move to " + table + "_v2.",
		Deadline:    created.Add(30 * 24 * time.Hour),
		Reach:       lineage.ReachTransitive,
		State:       lineage.CampaignActive,
		Creator:     "token-ops",
		CreatedAt:   created,
		UpdatedAt:   created,
	}
	for i, o := range owners {
		tg := lineage.Target{
			Owner: o, Role: lineage.RoleAct, Hops: 1,
			Jobs: []string{"job-" + o}, Tables: []string{table},
			State: lineage.TargetPending, Verification: lineage.VerifyUnknown,
			CreatedAt: created, UpdatedAt: created,
		}
		if i > 0 {
			tg.Role, tg.Hops = lineage.RoleInform, 2
		}
		c.Targets = append(c.Targets, tg)
	}
	return c
}

// MustCreateCampaign stores c or fails the test.
func MustCreateCampaign(tb testing.TB, s lineage.CampaignStore, c *lineage.Campaign) {
	tb.Helper()
	if err := s.CreateCampaign(context.Background(), c); err != nil {
		tb.Fatalf("CreateCampaign: %v", err)
	}
}

// MustCampaign returns a campaign or fails the test.
func MustCampaign(tb testing.TB, s lineage.CampaignStore, id string) *lineage.Campaign {
	tb.Helper()
	c, err := s.Campaign(context.Background(), id)
	if err != nil {
		tb.Fatalf("Campaign(%q): %v", id, err)
	}
	return c
}

func testCampaignCreate(t *testing.T, s Store) {
	ctx := context.Background()
	c := NewCampaign("sales.orders", t0, "zoe", "adam")
	c.Table = " Sales.Orders "
	MustCreateCampaign(t, s, c)
	if c.ID == "" {
		t.Fatal("CreateCampaign left ID empty")
	}
	if c.Table != "sales.orders" {
		t.Errorf("Table = %q, want the normalized sales.orders", c.Table)
	}
	got := MustCampaign(t, s, c.ID)
	want := *c
	// Targets come back sorted by owner.
	want.Targets = []lineage.Target{c.Targets[1], c.Targets[0]}
	same(t, "campaign", *got, want)

	// A given id is kept; the same id again is a conflict.
	d := NewCampaign("sales.items", t0.Add(time.Hour), "zoe")
	d.ID = "camp-fixed"
	MustCreateCampaign(t, s, d)
	if d.ID != "camp-fixed" {
		t.Errorf("ID = %q, want the given camp-fixed", d.ID)
	}
	again := NewCampaign("other.table", t0, "x")
	again.ID = "camp-fixed"
	checkCode(t, "CreateCampaign with an existing id", s.CreateCampaign(ctx, again), lineage.ECONFLICT, "")
	same(t, "campaign after conflict", MustCampaign(t, s, "camp-fixed").Table, "sales.items")

	// Defaults are filled in.
	e := &lineage.Campaign{Table: "t.x", Title: "Bare", Targets: []lineage.Target{{Owner: "Olga"}}}
	MustCreateCampaign(t, s, e)
	got = MustCampaign(t, s, e.ID)
	if got.State != lineage.CampaignActive || got.Reach != lineage.ReachDirect || got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(got.CreatedAt) {
		t.Errorf("defaults: state %q reach %q created %v updated %v; want ACTIVE, DIRECT, set, equal",
			got.State, got.Reach, got.CreatedAt, got.UpdatedAt)
	}
	if len(got.Targets) != 1 {
		t.Fatalf("targets = %+v, want one", got.Targets)
	}
	tg := got.Targets[0]
	if tg.Owner != "olga" || tg.Role != lineage.RoleAct || tg.State != lineage.TargetPending || tg.Verification != lineage.VerifyUnknown || tg.CreatedAt.IsZero() {
		t.Errorf("target defaults: %+v; want owner olga, ACT, PENDING, UNVERIFIED, CreatedAt set", tg)
	}
	same(t, "stored equals the value after defaults", *got, *e)
	// Distinct ids.
	if c.ID == e.ID {
		t.Errorf("two campaigns got the same id %q", c.ID)
	}
}

func testCampaignCreateInvalid(t *testing.T, s Store) {
	ctx := context.Background()
	cases := []struct {
		name   string
		change func(c *lineage.Campaign)
		field  string
	}{
		{"NoTable", func(c *lineage.Campaign) { c.Table = " " }, "table"},
		{"NoTitle", func(c *lineage.Campaign) { c.Title = "" }, "title"},
		{"BadReach", func(c *lineage.Campaign) { c.Reach = "FAR" }, "reach"},
		{"BadState", func(c *lineage.Campaign) { c.State = "DREAMING" }, "state"},
		{"DuplicateOwners", func(c *lineage.Campaign) { c.Targets[2].Owner = " ANN" }, "targets[2].owner"},
		{"EmptyOwner", func(c *lineage.Campaign) { c.Targets[1].Owner = "" }, "targets[1].owner"},
		{"BadRole", func(c *lineage.Campaign) { c.Targets[0].Role = "BOSS" }, "targets[0].role"},
		{"BadTargetState", func(c *lineage.Campaign) { c.Targets[1].State = "LOST" }, "targets[1].state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			camp := NewCampaign("sales.orders", t0, "ann", "ben", "cid")
			camp.ID = "camp-" + c.name
			c.change(camp)
			checkCode(t, "CreateCampaign", s.CreateCampaign(ctx, camp), lineage.EINVALID, c.field)
			if _, err := s.Campaign(ctx, "camp-"+c.name); lineage.ErrorCode(err) != lineage.ENOTFOUND {
				t.Errorf("Campaign after a failed create = %v, want ENOTFOUND (nothing stored)", err)
			}
		})
	}
	p, err := s.Campaigns(ctx, lineage.CampaignFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Campaigns) != 0 {
		t.Errorf("campaigns after failed creates: %d, want 0", len(p.Campaigns))
	}
}

func testCampaignList(t *testing.T, s Store) {
	ctx := context.Background()
	var ids []string
	for i := range 7 {
		c := NewCampaign(fmt.Sprintf("t.c%d", i), t0.Add(time.Duration(i)*time.Minute), "ann")
		if i%3 == 0 {
			c.State = lineage.CampaignComplete
		}
		MustCreateCampaign(t, s, c)
		ids = append([]string{c.ID}, ids...) // newest first
	}
	// Two campaigns created at the same instant: ties go by id, descending.
	a, b := NewCampaign("t.tie", t0.Add(time.Hour), "ann"), NewCampaign("t.tie", t0.Add(time.Hour), "ann")
	a.ID, b.ID = "tie-a", "tie-b"
	MustCreateCampaign(t, s, a)
	MustCreateCampaign(t, s, b)
	ids = append([]string{"tie-b", "tie-a"}, ids...)

	list := func(f lineage.CampaignFilter) []string {
		t.Helper()
		var got []string
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			p, err := s.Campaigns(ctx, f)
			if err != nil {
				t.Fatalf("Campaigns(%+v): %v", f, err)
			}
			if f.First > 0 && len(p.Campaigns) > f.First {
				t.Fatalf("page of %d, more than %d", len(p.Campaigns), f.First)
			}
			for _, c := range p.Campaigns {
				got = append(got, c.ID)
				if len(c.Targets) != 1 {
					t.Errorf("campaign %s listed with %d targets, want 1", c.ID, len(c.Targets))
				}
			}
			if !p.HasNext {
				return got
			}
			f.After = p.EndCursor
		}
	}
	same(t, "all", list(lineage.CampaignFilter{}), ids)
	same(t, "by 2", list(lineage.CampaignFilter{First: 2}), ids)
	same(t, "by 9", list(lineage.CampaignFilter{First: 9}), ids)
	// i = 6, 3, 0 are complete.
	same(t, "complete by 2", list(lineage.CampaignFilter{State: lineage.CampaignComplete, First: 2}), L(ids[2], ids[5], ids[8]))
	same(t, "cancelled", list(lineage.CampaignFilter{State: lineage.CampaignCancelled}), []string(nil))
	for _, c := range []struct {
		name  string
		f     lineage.CampaignFilter
		field string
	}{
		{"FirstNegative", lineage.CampaignFilter{First: -1}, "first"},
		{"FirstTooBig", lineage.CampaignFilter{First: lineage.MaxPage + 1}, "first"},
		{"BadCursor", lineage.CampaignFilter{After: "%%%"}, "after"},
		{"BadState", lineage.CampaignFilter{State: "NOPE"}, "state"},
	} {
		_, err := s.Campaigns(ctx, c.f)
		checkCode(t, "Campaigns "+c.name, err, lineage.EINVALID, c.field)
	}
}

func testCampaignUpdate(t *testing.T, s Store) {
	ctx := context.Background()
	c := NewCampaign("sales.orders", t0, "ann")
	MustCreateCampaign(t, s, c)
	done, at := lineage.CampaignComplete, t0.Add(48*time.Hour)
	if err := s.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{State: &done, CompletedAt: &at, UpdatedAt: &at}); err != nil {
		t.Fatalf("UpdateCampaign: %v", err)
	}
	want := *c
	want.State, want.CompletedAt, want.UpdatedAt = done, at, at
	same(t, "after update", *MustCampaign(t, s, c.ID), want)
	// Nil fields stay.
	if err := s.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{}); err != nil {
		t.Fatalf("empty UpdateCampaign: %v", err)
	}
	same(t, "after empty update", *MustCampaign(t, s, c.ID), want)
	// CreatingUntil is set, moved and cleared.
	for _, until := range []time.Time{t0.Add(2 * time.Minute), t0.Add(5 * time.Minute), {}} {
		if err := s.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{CreatingUntil: &until}); err != nil {
			t.Fatalf("UpdateCampaign CreatingUntil: %v", err)
		}
		want.CreatingUntil = until
		same(t, "after setting CreatingUntil", *MustCampaign(t, s, c.ID), want)
	}
	checkCode(t, "UpdateCampaign of unknown", s.UpdateCampaign(ctx, "no-such", lineage.CampaignUpdate{State: &done}), lineage.ENOTFOUND, "")
	bad := lineage.CampaignState("NOPE")
	checkCode(t, "UpdateCampaign with a bad state", s.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{State: &bad}), lineage.EINVALID, "state")
	_, err := s.Campaign(ctx, "no-such")
	checkCode(t, "Campaign of unknown", err, lineage.ENOTFOUND, "")
}

func testCampaignTargets(t *testing.T, s Store) {
	ctx := context.Background()
	c := NewCampaign("sales.orders", t0, "bea", "dan")
	MustCreateCampaign(t, s, c)
	added := lineage.Target{
		Owner: "Carl", Role: lineage.RoleAct, Hops: 1, Jobs: L("new-job"), Tables: L("sales.orders"),
		State: lineage.TargetPending, Verification: lineage.VerifyUnknown, CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Hour),
	}
	if err := s.AddTarget(ctx, c.ID, added); err != nil {
		t.Fatalf("AddTarget: %v", err)
	}
	checkCode(t, "AddTarget of an existing owner", s.AddTarget(ctx, c.ID, lineage.Target{Owner: "BEA"}), lineage.ECONFLICT, "")
	checkCode(t, "AddTarget to unknown campaign", s.AddTarget(ctx, "no-such", lineage.Target{Owner: "x"}), lineage.ENOTFOUND, "")
	checkCode(t, "AddTarget with no owner", s.AddTarget(ctx, c.ID, lineage.Target{Owner: " "}), lineage.EINVALID, "owner")
	checkCode(t, "AddTarget with a bad role", s.AddTarget(ctx, c.ID, lineage.Target{Owner: "eve", Role: "KING"}), lineage.EINVALID, "role")

	st, key, url, status := lineage.TargetOpen, "LIN-7", "https://jira.example.com/browse/LIN-7", lineage.TicketInProgress
	unassigned, ver, detail, lastErr, attempts := true, lineage.VerifyStillReading, "job j9 still reads it", "boom", 3
	jobs, tables, reminded, updated := L("j8", "j9"), L("sales.orders", "x.y"), t0.Add(72*time.Hour), t0.Add(73*time.Hour)
	u := lineage.TargetUpdate{
		Jobs: &jobs, Tables: &tables, State: &st, TicketKey: &key, TicketURL: &url, TicketStatus: &status,
		Unassigned: &unassigned, Verification: &ver, Detail: &detail, LastError: &lastErr, Attempts: &attempts,
		RemindedAt: &reminded, UpdatedAt: &updated,
	}
	if err := s.UpdateTarget(ctx, c.ID, "DAN", u); err != nil {
		t.Fatalf("UpdateTarget: %v", err)
	}
	dan := c.Targets[1]
	dan.Jobs, dan.Tables, dan.State, dan.TicketKey, dan.TicketURL, dan.TicketStatus = jobs, tables, st, key, url, status
	dan.Unassigned, dan.Verification, dan.Detail, dan.LastError, dan.Attempts = unassigned, ver, detail, lastErr, attempts
	dan.RemindedAt, dan.UpdatedAt = reminded, updated
	added.Owner = "carl"
	want := *c
	want.Targets = []lineage.Target{c.Targets[0], added, dan}
	same(t, "after AddTarget and UpdateTarget", *MustCampaign(t, s, c.ID), want)

	checkCode(t, "UpdateTarget of unknown owner", s.UpdateTarget(ctx, c.ID, "nobody", u), lineage.ENOTFOUND, "")
	checkCode(t, "UpdateTarget of unknown campaign", s.UpdateTarget(ctx, "no-such", "dan", u), lineage.ENOTFOUND, "")
	// An empty update changes nothing.
	if err := s.UpdateTarget(ctx, c.ID, "dan", lineage.TargetUpdate{}); err != nil {
		t.Fatalf("empty UpdateTarget: %v", err)
	}
	same(t, "after empty UpdateTarget", *MustCampaign(t, s, c.ID), want)
}

func testCampaignEvents(t *testing.T, s Store) {
	ctx := context.Background()
	c := NewCampaign("sales.orders", t0, "ann")
	MustCreateCampaign(t, s, c)
	other := NewCampaign("sales.other", t0, "ann")
	MustCreateCampaign(t, s, other)
	var want []lineage.Event
	var last int64
	for i, kind := range []string{"created", "ticket_created", "reopened", "completed"} {
		e := &lineage.Event{CampaignID: c.ID, At: t0.Add(time.Duration(i) * time.Second), Actor: "system", Kind: kind, Owner: "ann", Message: "step " + kind}
		if err := s.AppendEvent(ctx, e); err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		if e.ID <= last {
			t.Errorf("event %d got id %d, not above %d", i, e.ID, last)
		}
		last = e.ID
		want = append(want, *e)
		// Interleave another campaign's events.
		if err := s.AppendEvent(ctx, &lineage.Event{CampaignID: other.ID, At: t0, Actor: "jira", Kind: "noise"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	same(t, "events", got, want)
	checkCode(t, "AppendEvent to unknown campaign", s.AppendEvent(ctx, &lineage.Event{CampaignID: "no-such", Kind: "x"}), lineage.ENOTFOUND, "")
	checkCode(t, "AppendEvent without kind", s.AppendEvent(ctx, &lineage.Event{CampaignID: c.ID}), lineage.EINVALID, "kind")
	_, err = s.Events(ctx, "no-such")
	checkCode(t, "Events of unknown campaign", err, lineage.ENOTFOUND, "")
	// A zero time gets the store's clock.
	e := &lineage.Event{CampaignID: c.ID, Actor: "system", Kind: "tick"}
	if err := s.AppendEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Events(ctx, c.ID); len(got) != 5 || got[4].At.IsZero() {
		t.Errorf("event with zero time: got %+v, want a fifth event with a time set", got)
	}
}

func testCampaignLeases(t *testing.T, s Store) {
	ctx := context.Background()
	c := NewCampaign("sales.orders", t0, "ann")
	MustCreateCampaign(t, s, c)
	now := t0
	steps := []struct {
		name    string
		holder  string
		release bool
		now     time.Duration
		until   time.Duration
		want    bool
	}{
		{name: "Acquire", holder: "w1", now: 0, until: time.Minute, want: true},
		{name: "Renew", holder: "w1", now: 10 * time.Second, until: 2 * time.Minute, want: true},
		{name: "OtherRefused", holder: "w2", now: time.Minute, until: 3 * time.Minute, want: false},
		{name: "OtherTakesOverAtExpiry", holder: "w2", now: 2 * time.Minute, until: 5 * time.Minute, want: true},
		{name: "FormerRefused", holder: "w1", now: 3 * time.Minute, until: 6 * time.Minute, want: false},
		{name: "ReleaseByNonHolderIsNoop", holder: "w1", release: true},
		{name: "StillRefused", holder: "w1", now: 3 * time.Minute, until: 6 * time.Minute, want: false},
		{name: "Release", holder: "w2", release: true},
		{name: "AcquireAfterRelease", holder: "w1", now: 3 * time.Minute, until: 6 * time.Minute, want: true},
	}
	for _, st := range steps {
		if st.release {
			if err := s.ReleaseLease(ctx, c.ID, st.holder); err != nil {
				t.Fatalf("%s: ReleaseLease: %v", st.name, err)
			}
			continue
		}
		got, err := s.AcquireLease(ctx, c.ID, st.holder, now.Add(st.now), now.Add(st.until))
		if err != nil {
			t.Fatalf("%s: AcquireLease: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: AcquireLease(%s) = %v, want %v", st.name, st.holder, got, st.want)
		}
		if got {
			// Lease reads back who holds it and until when.
			l, err := s.Lease(ctx, c.ID)
			if err != nil {
				t.Fatalf("%s: Lease: %v", st.name, err)
			}
			same(t, st.name+": Lease", l, lineage.Lease{Holder: st.holder, Until: now.Add(st.until)})
		}
	}
	// After a release there is no lease; a lease that expired still reads
	// back, so that a process can tell whose it was.
	if err := s.ReleaseLease(ctx, c.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.Lease(ctx, c.ID); err != nil || l != (lineage.Lease{}) {
		t.Errorf("Lease after release = %+v, %v; want none", l, err)
	}
	if ok, err := s.AcquireLease(ctx, c.ID, "w3", now, now.Add(time.Second)); err != nil || !ok {
		t.Fatalf("AcquireLease w3 = %v, %v", ok, err)
	}
	if l, err := s.Lease(ctx, c.ID); err != nil || l.Holder != "w3" {
		t.Errorf("expired lease = %+v, %v; want w3's", l, err)
	}
	// A process that knows w3 is dead ends its lease with ReleaseLease.
	if err := s.ReleaseLease(ctx, c.ID, "w3"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.AcquireLease(ctx, c.ID, "w4", now, now.Add(time.Minute)); err != nil || !ok {
		t.Errorf("AcquireLease after ending a dead holder's lease = %v, %v; want true", ok, err)
	}
	_, err := s.Lease(ctx, "no-such")
	checkCode(t, "Lease of unknown campaign", err, lineage.ENOTFOUND, "")
	_, err = s.AcquireLease(ctx, "no-such", "w1", now, now.Add(time.Minute))
	checkCode(t, "AcquireLease on unknown campaign", err, lineage.ENOTFOUND, "")
	if err := s.ReleaseLease(ctx, "no-such", "w1"); err != nil {
		t.Errorf("ReleaseLease on unknown campaign = %v, want nil", err)
	}
	// Leases are per campaign.
	d := NewCampaign("sales.other", t0, "ann")
	MustCreateCampaign(t, s, d)
	if ok, err := s.AcquireLease(ctx, d.ID, "w2", now.Add(3*time.Minute), now.Add(4*time.Minute)); err != nil || !ok {
		t.Errorf("AcquireLease on another campaign = %v, %v; want true", ok, err)
	}
}

func testTickets(t *testing.T, s Store) {
	ctx := context.Background()
	keyRe := regexp.MustCompile(`^LIN-[1-9][0-9]*$`)
	var made []lineage.Ticket
	for i, owner := range []string{"ann", "ben", "ann"} {
		campaign := "camp-1"
		if i == 2 {
			campaign = "camp-2"
		}
		tk := &lineage.Ticket{
			CampaignID: campaign, Owner: owner, Assignee: "acc-" + owner, Status: lineage.TicketTodo,
			Summary: "Migrate off sales.orders", Description: "Your jobs read sales.orders.",
			Due: t0.Add(720 * time.Hour), CreatedAt: t0, UpdatedAt: t0,
		}
		if err := s.CreateTicket(ctx, tk); err != nil {
			t.Fatalf("CreateTicket: %v", err)
		}
		if !keyRe.MatchString(tk.Key) {
			t.Errorf("key %q does not look like LIN-n", tk.Key)
		}
		made = append(made, *tk)
	}
	same(t, "keys", L(made[0].Key, made[1].Key, made[2].Key), L("LIN-1", "LIN-2", "LIN-3"))
	got, err := s.Ticket(ctx, "LIN-2")
	if err != nil {
		t.Fatalf("Ticket(LIN-2): %v", err)
	}
	same(t, "LIN-2", *got, made[1])

	upd := made[0]
	upd.Status, upd.Assignee, upd.Unassigned = lineage.TicketDone, "", true
	upd.Comments = []lineage.TicketComment{{At: t0.Add(time.Hour), Author: "ann", Body: "done"}, {At: t0.Add(2 * time.Hour), Author: "system", Body: "verified", Ref: "cmp-1/ann/reminded-0"}}
	upd.UpdatedAt = t0.Add(2 * time.Hour)
	if err := s.UpdateTicket(ctx, &upd); err != nil {
		t.Fatalf("UpdateTicket: %v", err)
	}
	got, err = s.Ticket(ctx, "LIN-1")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "LIN-1 after update", *got, upd)

	find := func(campaign, owner string) []string {
		t.Helper()
		ts, err := s.FindTickets(ctx, campaign, owner)
		if err != nil {
			t.Fatalf("FindTickets(%q, %q): %v", campaign, owner, err)
		}
		var keys []string
		for _, tk := range ts {
			keys = append(keys, tk.Key)
		}
		return keys
	}
	same(t, "camp-1", find("camp-1", ""), L("LIN-1", "LIN-2"))
	same(t, "camp-1 ben", find("camp-1", "ben"), L("LIN-2"))
	same(t, "camp-2 ann", find("camp-2", "ann"), L("LIN-3"))
	same(t, "camp-2 ben", find("camp-2", "ben"), []string(nil))
	same(t, "unknown campaign", find("no-such", ""), []string(nil))

	_, err = s.Ticket(ctx, "LIN-99")
	checkCode(t, "Ticket(LIN-99)", err, lineage.ENOTFOUND, "")
	checkCode(t, "UpdateTicket(LIN-99)", s.UpdateTicket(ctx, &lineage.Ticket{Key: "LIN-99", Status: lineage.TicketDone}), lineage.ENOTFOUND, "")
	checkCode(t, "CreateTicket without campaign", s.CreateTicket(ctx, &lineage.Ticket{Summary: "x"}), lineage.EINVALID, "campaignId")
	checkCode(t, "CreateTicket without summary", s.CreateTicket(ctx, &lineage.Ticket{CampaignID: "camp-1"}), lineage.EINVALID, "summary")
	// A failed create uses no key.
	tk := &lineage.Ticket{CampaignID: "camp-3", Owner: "cy", Summary: "s"}
	if err := s.CreateTicket(ctx, tk); err != nil {
		t.Fatal(err)
	}
	if tk.Key != "LIN-4" || tk.Status != lineage.TicketTodo || tk.CreatedAt.IsZero() {
		t.Errorf("ticket after failed creates: key %q status %q created %v; want LIN-4, TODO, set", tk.Key, tk.Status, tk.CreatedAt)
	}
}
