package campaigns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lineagehq/lineage"
)

// Defaults for zero Service fields.
const (
	// DefaultLeaseTTL is short so that another replica takes over a
	// campaign within it when its holder dies; a step renews its lease in
	// the background every third of it while it works.
	DefaultLeaseTTL = 30 * time.Second
	// DefaultCreateTimeout bounds one ticket creation call (all of a step's
	// missing tickets).
	DefaultCreateTimeout = 2 * time.Minute
	DefaultRemindBefore  = 72 * time.Hour
	DefaultRemindEvery   = 72 * time.Hour
	// DefaultDepth is how far a TRANSITIVE campaign looks downstream.
	DefaultDepth = 10
	// MaxTitleLen bounds a campaign title; MaxMessageLen its message.
	MaxTitleLen   = 200
	MaxMessageLen = 20000
	// cleanupWindow is how long after a cancellation the loop keeps trying
	// to close that campaign's tickets.
	cleanupWindow = 7 * 24 * time.Hour
)

// SystemActor is the actor of what the background loop does.
const SystemActor = "system"

// StartInput is what Start needs to start a campaign.
type StartInput struct {
	// Table is the table being changed or retired; Replacement, optional, is
	// where its readers should move.
	Table, Replacement string
	Title, Message     string
	// Deadline, optional, is when every reader should have moved.
	Deadline time.Time
	// Reach is DIRECT (default) or TRANSITIVE.
	Reach lineage.Reach
	// Columns, optional, scopes the campaign to these columns of Table;
	// Change (DROP, the default, RENAME or RETYPE) says what happens to
	// them. Needs Service.Columns.
	Columns []string
	Change  lineage.ColumnChange
	// DryRun computes and returns the preview without storing anything.
	DryRun bool
}

// Preview is what a campaign start does (or, on a dry run, would do): the
// campaign with its targets, one ticket request per target, and the impact
// it was computed from.
type Preview struct {
	Campaign lineage.Campaign
	Tickets  []lineage.TicketRequest
	Impact   *lineage.Impact
	DryRun   bool
}

// Service runs campaigns. Fill in Graph, Store and Tracker; the other fields
// have defaults. It is safe for concurrent use.
type Service struct {
	Graph lineage.GraphStore
	// Columns answers column-level lineage for column-scoped campaigns;
	// nil refuses them.
	Columns lineage.ColumnStore
	// Watchers, if set, names on each ticket the further owners that the
	// target's jobs name (lineage.JobPut.Watchers).
	Watchers lineage.WatcherStore
	Store    lineage.CampaignStore
	Tracker  lineage.Tracker
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger logs what the background loop cannot report to anyone; nil
	// discards.
	Logger *slog.Logger
	// Holder names this process in campaign leases; empty means
	// "hostname:pid:instance" with a random instance id, by which a
	// restarted process on the same host tells its dead predecessor's lease
	// from a live process's and takes it over at once.
	Holder string
	// LeaseTTL is how long a campaign's lease lasts without renewal;
	// default 30s. A step renews it in the background while it works and
	// checks it before every write to the tracker (a fencing check).
	LeaseTTL time.Duration
	// CreateTimeout bounds one ticket creation call; default 2m. Until it
	// has passed (and the tracker's search can show what it created), a
	// ticket missing from the tracker's search is not created again.
	CreateTimeout time.Duration
	// RemindBefore is how long before the deadline the first reminder goes
	// out; RemindEvery how often an overdue ticket is reminded again.
	RemindBefore time.Duration
	RemindEvery  time.Duration
	// Depth is how many table hops a TRANSITIVE campaign reaches; default 10.
	Depth int

	once sync.Once
	wake chan string
	// local holds one chan struct{} (capacity 1) per campaign id: see hold.
	local sync.Map
}

// ErrBusy is in the chain of the error of a step on a campaign another
// holder is working on; the error's message says who and until when.
var ErrBusy = lineage.Errorf(lineage.ECONFLICT, "Another lineage process is working on this campaign right now; try again in a moment.")

// errLeaseLost is the fencing error of a step whose lease another holder took.
var errLeaseLost = lineage.Errorf(lineage.ECONFLICT, "This step lost its lease on the campaign (it ran past its lease and another process took the campaign over); it stopped before writing to the tracker.")

func (s *Service) init() {
	s.once.Do(func() {
		s.wake = make(chan string, 256)
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Logger == nil {
			s.Logger = slog.New(slog.DiscardHandler)
		}
		if s.Holder == "" {
			s.Holder = newHolder()
		}
		if s.LeaseTTL <= 0 {
			s.LeaseTTL = DefaultLeaseTTL
		}
		if s.CreateTimeout <= 0 {
			s.CreateTimeout = DefaultCreateTimeout
		}
		if s.RemindBefore <= 0 {
			s.RemindBefore = DefaultRemindBefore
		}
		if s.RemindEvery <= 0 {
			s.RemindEvery = DefaultRemindEvery
		}
		if s.Depth <= 0 {
			s.Depth = DefaultDepth
		}
	})
}

func (s *Service) now() time.Time { s.init(); return s.Now().UTC() }

// kick asks the loop to step a campaign soon; it never blocks.
func (s *Service) kick(id string) {
	s.init()
	select {
	case s.wake <- id:
	default:
	}
}

func actor(ctx context.Context) (string, error) {
	a := lineage.ActorFrom(ctx)
	if a == "" {
		return "", lineage.Errorf(lineage.EUNAUTHORIZED, "Campaigns are started and changed only with a token.")
	}
	return a, nil
}

// event appends to a campaign's log. A failure is logged, not returned: the
// change it records has happened.
func (s *Service) event(ctx context.Context, id, who, kind, owner, format string, args ...any) {
	e := &lineage.Event{CampaignID: id, At: s.now(), Actor: who, Kind: kind, Owner: owner, Message: fmt.Sprintf(format, args...)}
	if err := s.Store.AppendEvent(context.WithoutCancel(ctx), e); err != nil {
		s.Logger.Error("campaigns: event not recorded", "campaign", id, "kind", kind, "owner", owner, "err", err)
	}
}

// Start starts a campaign, or on a dry run returns what it would do. The
// campaign and all its targets are stored before any ticket is created;
// tickets are created by the next step (Sync, or the loop, which Start
// wakes). Errors: EUNAUTHORIZED (no actor), EINVALID (naming the field),
// ENOTFOUND (unknown table), EUNAVAILABLE.
func (s *Service) Start(ctx context.Context, in StartInput) (*Preview, error) {
	s.init()
	who, err := actor(ctx)
	if err != nil && !in.DryRun {
		return nil, err
	}
	// A dry run changes nothing, so readers may preview one (no actor).
	if in.Table, err = lineage.NormalizeName("table", in.Table, true); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Replacement) != "" {
		if in.Replacement, err = lineage.NormalizeName("replacement", in.Replacement, true); err != nil {
			return nil, err
		}
		if in.Replacement == in.Table {
			return nil, lineage.FieldErrorf("replacement", "must differ from the table being replaced")
		}
	} else {
		in.Replacement = ""
	}
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return nil, lineage.FieldErrorf("title", "must not be empty")
	case len(in.Title) > MaxTitleLen:
		return nil, lineage.FieldErrorf("title", "is %d bytes long; the limit is %d", len(in.Title), MaxTitleLen)
	case strings.ContainsAny(in.Title, "\n\r\x00"):
		return nil, lineage.FieldErrorf("title", "must be one line")
	}
	in.Message = strings.TrimSpace(in.Message)
	if len(in.Message) > MaxMessageLen {
		return nil, lineage.FieldErrorf("message", "is %d bytes long; the limit is %d", len(in.Message), MaxMessageLen)
	}
	now := s.now()
	if !in.Deadline.IsZero() && !in.Deadline.After(now) {
		return nil, lineage.FieldErrorf("deadline", "must be in the future, got %s", in.Deadline.UTC().Format(time.RFC3339))
	}
	switch in.Reach {
	case "":
		in.Reach = lineage.ReachDirect
	case lineage.ReachDirect, lineage.ReachTransitive:
	default:
		return nil, lineage.FieldErrorf("reach", "must be DIRECT or TRANSITIVE, got %q", in.Reach)
	}
	depth := 1
	if in.Reach == lineage.ReachTransitive {
		depth = min(s.Depth, lineage.MaxDepth)
	}
	c := lineage.Campaign{
		Table: in.Table, Replacement: in.Replacement, Title: in.Title, Message: in.Message,
		Deadline: in.Deadline.UTC(), Reach: in.Reach, State: lineage.CampaignActive,
		Columns: in.Columns, Change: in.Change,
		Creator: who, CreatedAt: now, UpdatedAt: now, Targets: []lineage.Target{},
	}
	if in.Columns != nil && len(in.Columns) == 0 {
		return nil, lineage.FieldErrorf("columns", "must name at least one column, or be left out for a table-wide campaign")
	}
	if err := c.Normalize(now); err != nil {
		return nil, err
	}
	var impact *lineage.Impact
	if len(c.Columns) > 0 {
		if s.Columns == nil {
			return nil, lineage.Errorf(lineage.EUNAVAILABLE, "Column-scoped campaigns need column lineage, which this server's store does not provide.")
		}
		impact, err = lineage.ComputeColumnImpact(ctx, s.Graph, s.Columns, in.Table, c.Columns, depth)
	} else {
		impact, err = s.Graph.Impact(ctx, in.Table, depth)
	}
	if err != nil {
		return nil, err
	}
	if in.Deadline.IsZero() {
		c.Deadline = time.Time{}
	}
	owners := map[string]lineage.Owner{}
	var unowned []string
	for _, oi := range impact.Owners {
		if oi.Owner.Handle == "" {
			for _, j := range oi.Jobs {
				unowned = append(unowned, j.Job.ID)
			}
			continue
		}
		role := lineage.RoleInform
		if oi.RoleOf() != lineage.ImpactInformed {
			role = lineage.RoleAct
		}
		t := lineage.Target{
			Owner: oi.Owner.Handle, Role: role, Hops: oi.Hops,
			Jobs: []string{}, Tables: []string{},
			State: lineage.TargetPending, Verification: lineage.VerifyUnknown,
			CreatedAt: now, UpdatedAt: now,
		}
		if oi.RoleOf() == lineage.ImpactMayUse {
			// Column-scoped: the owner's jobs read the table, but whether
			// they use the columns is unknown; they are asked to check.
			var why []string
			for _, j := range oi.Jobs {
				why = append(why, j.Job.ID+" "+j.Reason)
			}
			t.Detail = "May use " + c.Subject() + ": " + strings.Join(why, "; ") + "."
		}
		for _, j := range oi.Jobs {
			t.Jobs = append(t.Jobs, j.Job.ID)
			t.Tables = append(t.Tables, j.Reads...)
		}
		slices.Sort(t.Jobs)
		t.Jobs = slices.Compact(t.Jobs)
		slices.Sort(t.Tables)
		t.Tables = slices.Compact(t.Tables)
		c.Targets = append(c.Targets, t)
		owners[t.Owner] = oi.Owner
	}
	if err := s.addWatchers(ctx, c.Targets); err != nil {
		return nil, err
	}
	slices.SortFunc(c.Targets, func(a, b lineage.Target) int { return strings.Compare(a.Owner, b.Owner) })
	p := &Preview{Campaign: c, Impact: impact, DryRun: in.DryRun}
	if in.DryRun {
		for _, t := range c.Targets {
			p.Tickets = append(p.Tickets, ticketRequest(&c, &t, owners[t.Owner]))
		}
		return p, nil
	}
	if err := s.Store.CreateCampaign(ctx, &c); err != nil {
		return nil, err
	}
	p.Campaign = c
	for _, t := range c.Targets {
		p.Tickets = append(p.Tickets, ticketRequest(&c, &t, owners[t.Owner]))
	}
	act := 0
	for _, t := range c.Targets {
		if t.Role == lineage.RoleAct {
			act++
		}
	}
	s.event(ctx, c.ID, who, "created", "", "Started a %s campaign on %s: %d owner(s) to act, %d to inform; tickets go through the %s tracker.",
		strings.ToLower(string(c.Reach)), c.Subject(), act, len(c.Targets)-act, s.Tracker.Name())
	if len(unowned) > 0 {
		slices.Sort(unowned)
		s.event(ctx, c.ID, who, "unowned_jobs", "", "%d job(s) concerned have no owner and get no ticket: %s.", len(unowned), listSome(unowned, 10))
	}
	s.kick(c.ID)
	return p, nil
}

// listSome joins up to n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// Campaign returns a campaign with its targets.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Service) Campaign(ctx context.Context, id string) (*lineage.Campaign, error) {
	return s.Store.Campaign(ctx, id)
}

// Campaigns lists campaigns, newest first.
// Errors: EINVALID (bad page size or cursor), EUNAVAILABLE.
func (s *Service) Campaigns(ctx context.Context, f lineage.CampaignFilter) (*lineage.CampaignPage, error) {
	return s.Store.Campaigns(ctx, f)
}

// Events returns a campaign's event log, oldest first.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Service) Events(ctx context.Context, id string) ([]lineage.Event, error) {
	return s.Store.Events(ctx, id)
}

// Tickets returns the tracker's tickets with the given keys.
// Errors: EUNAVAILABLE, EUNAUTHORIZED.
func (s *Service) Tickets(ctx context.Context, keys []string) ([]lineage.Ticket, error) {
	return s.Tracker.Tickets(ctx, keys)
}

// TrackerName returns the tracker's name: "jira" or "builtin".
func (s *Service) TrackerName() string { return s.Tracker.Name() }

// hold gives this caller the campaign: first among this process's own callers
// (the store's lease is per holder, and every step of this process has the
// same holder, so the loop, Sync and a webhook could otherwise step the same
// campaign at once and record the same change twice), then among replicas
// through the store's lease. It returns the context to work in, which
// carries the lease's fencing check (lineage.Fence) and ends when the lease
// is lost, and release, which gives the campaign back. While the caller
// works, the lease is renewed in the background.
func (s *Service) hold(ctx context.Context, id string) (context.Context, func(), error) {
	v, _ := s.local.LoadOrStore(id, make(chan struct{}, 1))
	ch := v.(chan struct{})
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, lineage.WrapError(lineage.EUNAVAILABLE, ctx.Err(), "Gave up waiting for this campaign's current step to finish; try again.")
	}
	until, err := s.lease(ctx, id)
	if err != nil {
		<-ch
		return nil, nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	h := &held{s: s, id: id, until: until, cancel: cancel}
	wctx = lineage.WithFence(wctx, h.fence)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(s.LeaseTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-wctx.Done():
				return
			case <-tick.C:
				h.renew(wctx)
			}
		}
	}()
	release := func() {
		close(stop)
		<-done
		cancel()
		s.release(ctx, id)
		<-ch
	}
	return wctx, release, nil
}

// held is a lease this process holds while a step works.
type held struct {
	s      *Service
	id     string
	cancel context.CancelFunc

	mu    sync.Mutex
	until time.Time // as last stored
	lost  error
}

// renew extends the lease in the store. A lease another holder took ends
// the step (its context is cancelled); a store that cannot answer leaves
// the lease to run out, and the fencing check then refuses writes.
func (h *held) renew(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lost != nil {
		return h.lost
	}
	now := h.s.now()
	if !now.Before(h.until) {
		// Expired: another process may have taken the campaign and done
		// this step's work meanwhile, even if it has given it back since.
		h.lost = errLeaseLost
		h.s.Logger.Error("campaigns: lease expired while working; the step stops", "campaign", h.id)
		h.cancel()
		return h.lost
	}
	until := now.Add(h.s.LeaseTTL)
	ok, err := h.s.Store.AcquireLease(ctx, h.id, h.s.Holder, now, until)
	if err != nil {
		h.s.Logger.Warn("campaigns: lease not renewed", "campaign", h.id, "err", err)
		return err
	}
	if !ok {
		h.lost = errLeaseLost
		h.s.Logger.Error("campaigns: lease lost while working; the step stops", "campaign", h.id)
		h.cancel()
		return h.lost
	}
	h.until = until
	return nil
}

// fence is the fencing check a tracker runs before each write: it answers
// how long this step may still act, renewing the lease first when more
// than a quarter of it has run (nobody else can take an unexpired lease, so
// a lease with most of its time left needs no round trip).
func (h *held) fence(ctx context.Context) (time.Duration, error) {
	h.mu.Lock()
	left, lost := h.until.Sub(h.s.now()), h.lost
	h.mu.Unlock()
	if lost != nil {
		return 0, lost
	}
	if left > h.s.LeaseTTL*3/4 {
		return left, nil
	}
	if err := h.renew(ctx); err != nil {
		if lineage.ErrorCode(err) == lineage.ECONFLICT {
			return 0, err
		}
		return 0, lineage.WrapError(lineage.EUNAVAILABLE, err, "The campaign's lease could not be renewed, so nothing is written to the tracker now; the next step retries.")
	}
	return h.s.LeaseTTL, nil
}

// lease takes or renews the campaign's lease for this holder and returns
// until when it holds it. A lease of a process known to be dead (same host,
// not running any more) is ended and taken over at once.
func (s *Service) lease(ctx context.Context, id string) (time.Time, error) {
	for try := 0; ; try++ {
		now := s.now()
		until := now.Add(s.LeaseTTL)
		ok, err := s.Store.AcquireLease(ctx, id, s.Holder, now, until)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			return until, nil
		}
		l, err := s.Store.Lease(ctx, id)
		if err != nil {
			return time.Time{}, err
		}
		if (l.Holder == "" || l.Holder == s.Holder) && try < 2 {
			continue // released meanwhile: try again
		}
		if dead, why := holderDead(l.Holder); dead && try < 2 {
			if err := s.Store.ReleaseLease(ctx, id, l.Holder); err != nil {
				return time.Time{}, err
			}
			s.Logger.Info("campaigns: took over the lease of a process that is gone", "campaign", id, "holder", l.Holder, "why", why)
			s.event(ctx, id, SystemActor, "lease_taken_over", "", "Took over this campaign from %s, which %s, instead of waiting for its lease to expire.", l.Holder, why)
			continue
		}
		if try >= 2 {
			return time.Time{}, lineage.WrapError(lineage.ECONFLICT, ErrBusy, "Campaign %s is contended; try again in a moment.", id)
		}
		wait := l.Until.Sub(now).Round(time.Second)
		return time.Time{}, lineage.WrapError(lineage.ECONFLICT, ErrBusy,
			"Campaign %s is being worked on by %s (another lineage process or replica), whose lease runs %s more; a step it is running goes on until then, and if that process has stopped, this one takes over when the lease expires. Try again after that.",
			id, l.Holder, max(wait, time.Second))
	}
}

func (s *Service) release(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.Store.ReleaseLease(ctx, id, s.Holder); err != nil {
		s.Logger.Warn("campaigns: lease not released; it will expire", "campaign", id, "err", err)
	}
}

// Sync runs one step of the background loop on a campaign now: create
// missing tickets, add new readers, sync ticket statuses, verify against the
// lineage, send due reminders, and complete the campaign when every target
// is. Errors: ENOTFOUND, ECONFLICT (another process holds the campaign),
// EUNAVAILABLE.
func (s *Service) Sync(ctx context.Context, id string) (*lineage.Campaign, error) {
	s.init()
	wctx, release, err := s.hold(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.step(wctx, id)
}

// Cancel cancels an active campaign: it is marked cancelled at once, and
// each open ticket gets a closing comment and is closed. Tickets the tracker
// could not close now are closed by the background loop later.
// Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT (not active, or another
// process holds the campaign), EUNAVAILABLE.
func (s *Service) Cancel(ctx context.Context, id, reason string) (*lineage.Campaign, error) {
	s.init()
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > MaxMessageLen {
		return nil, lineage.FieldErrorf("reason", "is %d bytes long; the limit is %d", len(reason), MaxMessageLen)
	}
	ctx, release, err := s.hold(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx = withRefs(ctx, s, id)
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != lineage.CampaignActive {
		return nil, lineage.Errorf(lineage.ECONFLICT, "Campaign %s is %s already; only active campaigns can be cancelled.", id, strings.ToLower(string(c.State)))
	}
	now := s.now()
	state := lineage.CampaignCancelled
	if err := s.Store.UpdateCampaign(ctx, id, lineage.CampaignUpdate{State: &state, CompletedAt: &now, UpdatedAt: &now}); err != nil {
		return nil, err
	}
	msg := "Cancelled by " + who + "."
	if reason != "" {
		msg = "Cancelled by " + who + ": " + reason
	}
	s.event(ctx, id, who, "cancelled", "", "%s", msg)
	c.State, c.CompletedAt, c.UpdatedAt = state, now, now
	s.closeCancelled(ctx, c, who, msg)
	return s.Store.Campaign(ctx, id)
}

// closeCancelled closes the tickets of a cancelled campaign's targets that
// are not complete or cancelled yet. note says who cancelled and why; when
// empty (a later retry), it is taken from the event log.
func (s *Service) closeCancelled(ctx context.Context, c *lineage.Campaign, who, note string) {
	if note == "" {
		if evs, err := s.Store.Events(ctx, c.ID); err == nil {
			for _, e := range evs {
				if e.Kind == "cancelled" {
					note = e.Message
				}
			}
		}
	}
	body := fmt.Sprintf("The lineage campaign %q on %s was cancelled; nothing more is needed from you on this ticket.", c.Title, c.Table)
	if note != "" {
		body += "\n\n" + note
	}
	for i := range c.Targets {
		t := &c.Targets[i]
		if t.State == lineage.TargetComplete || t.State == lineage.TargetCancelled {
			continue
		}
		if t.TicketKey != "" && t.TicketStatus != lineage.TicketDone {
			ref, err := refOf(ctx, c.ID, t.Owner, "close-cancelled", "")
			if err == nil {
				err = s.Tracker.Close(ctx, t.TicketKey, ref, body)
			}
			if err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
				s.failTarget(ctx, c.ID, t, "closing "+t.TicketKey, err)
				continue
			}
			s.event(ctx, c.ID, who, "ticket_closed", t.Owner, "Closed %s with a cancellation comment.", t.TicketKey)
		}
		now := s.now()
		st, empty := lineage.TargetCancelled, ""
		u := lineage.TargetUpdate{State: &st, LastError: &empty, UpdatedAt: &now}
		if t.TicketKey != "" {
			done := lineage.TicketDone
			u.TicketStatus = &done
		}
		if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, u); err != nil {
			s.Logger.Error("campaigns: target not updated", "campaign", c.ID, "owner", t.Owner, "err", err)
		}
	}
}

// failTarget records a failure on a target (and in the log when it is new).
func (s *Service) failTarget(ctx context.Context, id string, t *lineage.Target, what string, err error) {
	msg := what + ": " + lineage.ErrorMessage(err)
	if lineage.ErrorCode(err) == lineage.EINTERNAL {
		s.Logger.Error("campaigns: "+what, "campaign", id, "owner", t.Owner, "err", err)
	}
	now := s.now()
	attempts := t.Attempts + 1
	u := lineage.TargetUpdate{LastError: &msg, Attempts: &attempts, UpdatedAt: &now}
	if uerr := s.Store.UpdateTarget(ctx, id, t.Owner, u); uerr != nil {
		s.Logger.Error("campaigns: target not updated", "campaign", id, "owner", t.Owner, "err", uerr)
		return
	}
	if t.LastError != msg {
		s.event(ctx, id, SystemActor, "error", t.Owner, "%s; will retry.", strings.TrimSuffix(msg, "."))
	}
	t.LastError, t.Attempts = msg, attempts
}

// Remind sends a reminder now on every open ticket that is not done,
// whatever the schedule. Errors: EUNAUTHORIZED, ENOTFOUND, ECONFLICT (not
// active, or busy), EUNAVAILABLE.
func (s *Service) Remind(ctx context.Context, id string) (*lineage.Campaign, error) {
	s.init()
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	ctx, release, err := s.hold(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx = withRefs(ctx, s, id)
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != lineage.CampaignActive {
		return nil, lineage.Errorf(lineage.ECONFLICT, "Campaign %s is %s; only active campaigns send reminders.", id, strings.ToLower(string(c.State)))
	}
	var firstErr error
	for i := range c.Targets {
		t := &c.Targets[i]
		if t.State != lineage.TargetOpen || t.TicketKey == "" || t.TicketStatus == lineage.TicketDone {
			continue
		}
		if err := s.remind(ctx, c, t, who, "Reminder"); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil && lineage.ErrorCode(firstErr) == lineage.EUNAVAILABLE {
		return nil, firstErr
	}
	return s.Store.Campaign(ctx, id)
}

func (s *Service) remind(ctx context.Context, c *lineage.Campaign, t *lineage.Target, who, kind string) error {
	subject, body := reminderText(c, t, s.now())
	ref, err := refOf(ctx, c.ID, t.Owner, "reminded", "")
	if err == nil {
		err = s.Tracker.Remind(ctx, t.TicketKey, ref, subject, body)
	}
	if err != nil {
		s.failTarget(ctx, c.ID, t, "reminding on "+t.TicketKey, err)
		return err
	}
	now := s.now()
	if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, lineage.TargetUpdate{RemindedAt: &now, UpdatedAt: &now}); err != nil {
		return err
	}
	t.RemindedAt = now
	s.event(ctx, c.ID, who, "reminded", t.Owner, "%s sent on %s: %s", kind, t.TicketKey, subject)
	return nil
}

// TicketChanged records a ticket's new status reported by the tracker (the
// Jira webhook), and wakes the loop to verify it. campaignID may be empty or
// stale; the ticket is then looked up among active campaigns. The actor is
// lineage.ActorFrom(ctx), "jira" from the webhook.
// Errors: ENOTFOUND (no campaign has the ticket), EINVALID, EUNAVAILABLE.
func (s *Service) TicketChanged(ctx context.Context, campaignID, key string, status lineage.TicketStatus) error {
	s.init()
	switch status {
	case lineage.TicketTodo, lineage.TicketInProgress, lineage.TicketDone:
	default:
		return lineage.FieldErrorf("status", "must be TODO, IN_PROGRESS or DONE, got %q", status)
	}
	who := lineage.ActorFrom(ctx)
	if who == "" {
		who = s.Tracker.Name()
	}
	c, t, err := s.findTicket(ctx, campaignID, key)
	if err != nil {
		return err
	}
	if t.TicketStatus == status {
		return nil
	}
	now := s.now()
	if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, lineage.TargetUpdate{TicketStatus: &status, UpdatedAt: &now}); err != nil {
		return err
	}
	s.event(ctx, c.ID, who, "ticket_status", t.Owner, "%s moved from %s to %s.", key, t.TicketStatus, status)
	if c.State == lineage.CampaignActive {
		s.kick(c.ID)
	}
	return nil
}

// findTicket finds the campaign and target of a ticket key.
func (s *Service) findTicket(ctx context.Context, campaignID, key string) (*lineage.Campaign, *lineage.Target, error) {
	if campaignID != "" {
		c, err := s.Store.Campaign(ctx, campaignID)
		if err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
			return nil, nil, err
		}
		if c != nil {
			for i := range c.Targets {
				if c.Targets[i].TicketKey == key {
					return c, &c.Targets[i], nil
				}
			}
		}
	}
	for _, state := range []lineage.CampaignState{lineage.CampaignActive, lineage.CampaignComplete} {
		var found *lineage.Campaign
		var target *lineage.Target
		err := s.eachCampaign(ctx, state, func(c *lineage.Campaign) bool {
			for i := range c.Targets {
				if c.Targets[i].TicketKey == key {
					found, target = c, &c.Targets[i]
					return false
				}
			}
			return true
		})
		if err != nil {
			return nil, nil, err
		}
		if found != nil {
			return found, target, nil
		}
	}
	return nil, nil, lineage.Errorf(lineage.ENOTFOUND, "No campaign has ticket %s.", key)
}

// eachCampaign calls fn on every campaign in a state, newest first, until
// fn returns false.
func (s *Service) eachCampaign(ctx context.Context, state lineage.CampaignState, fn func(c *lineage.Campaign) bool) error {
	after := ""
	for {
		page, err := s.Store.Campaigns(ctx, lineage.CampaignFilter{State: state, First: lineage.MaxPage, After: after})
		if err != nil {
			return err
		}
		for i := range page.Campaigns {
			if !fn(&page.Campaigns[i]) {
				return nil
			}
		}
		if !page.HasNext || page.EndCursor == "" {
			return nil
		}
		after = page.EndCursor
	}
}

// SetBuiltinTicketStatus changes a built-in ticket's status, as a person
// would in Jira, with an optional comment, and records it on the campaign.
// Errors: EUNAUTHORIZED, EINVALID (the tracker is not the built-in one, or a
// bad status), ENOTFOUND, EUNAVAILABLE.
func (s *Service) SetBuiltinTicketStatus(ctx context.Context, key string, status lineage.TicketStatus, comment string) (*lineage.Ticket, error) {
	s.init()
	who, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	b, ok := s.Tracker.(*Builtin)
	if !ok {
		return nil, lineage.Errorf(lineage.EINVALID, "Tickets live in %s here; change them there.", s.Tracker.Name())
	}
	if len(comment) > MaxMessageLen {
		return nil, lineage.FieldErrorf("comment", "is %d bytes long; the limit is %d", len(comment), MaxMessageLen)
	}
	t, err := b.SetStatus(ctx, key, status, who, strings.TrimSpace(comment))
	if err != nil {
		return nil, err
	}
	if err := s.TicketChanged(lineage.WithActor(ctx, who), t.CampaignID, key, status); err != nil && lineage.ErrorCode(err) != lineage.ENOTFOUND {
		return nil, err
	}
	return t, nil
}

// Run is the background loop: every interval, and whenever Start, a webhook
// or a built-in ticket change asks for it, it steps each active campaign
// (under its lease; campaigns other replicas hold are skipped) and retries
// closing the tickets of recently cancelled campaigns. It returns nil when
// ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) error {
	s.init()
	if every <= 0 {
		return lineage.FieldErrorf("every", "must be positive, got %s", every)
	}
	ctx = lineage.WithActor(ctx, SystemActor)
	tick := time.NewTicker(every)
	defer tick.Stop()
	s.pass(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			s.pass(ctx)
		case id := <-s.wake:
			s.stepLogged(ctx, id)
		}
	}
}

// pass steps every active campaign once.
func (s *Service) pass(ctx context.Context) {
	var ids []string
	err := s.eachCampaign(ctx, lineage.CampaignActive, func(c *lineage.Campaign) bool {
		ids = append(ids, c.ID)
		return true
	})
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Error("campaigns: listing active campaigns", "err", err)
		}
		return
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		s.stepLogged(ctx, id)
	}
	s.cleanupCancelled(ctx)
}

func (s *Service) stepLogged(ctx context.Context, id string) {
	wctx, release, err := s.hold(ctx, id)
	if err != nil {
		if !errors.Is(err, ErrBusy) && ctx.Err() == nil {
			s.Logger.Error("campaigns: lease", "campaign", id, "err", err)
		}
		return
	}
	defer release()
	if _, err := s.step(wctx, id); err != nil && ctx.Err() == nil && !errors.Is(err, ErrBusy) {
		s.Logger.Error("campaigns: step", "campaign", id, "err", err)
	}
}

// cleanupCancelled retries closing tickets of campaigns cancelled recently.
func (s *Service) cleanupCancelled(ctx context.Context) {
	cutoff := s.now().Add(-cleanupWindow)
	var todo []string
	err := s.eachCampaign(ctx, lineage.CampaignCancelled, func(c *lineage.Campaign) bool {
		if c.CompletedAt.Before(cutoff) && c.CreatedAt.Before(cutoff) {
			return false
		}
		for _, t := range c.Targets {
			if t.State != lineage.TargetCancelled && t.State != lineage.TargetComplete {
				todo = append(todo, c.ID)
				break
			}
		}
		return true
	})
	if err != nil {
		return
	}
	for _, id := range todo {
		wctx, release, err := s.hold(ctx, id)
		if err != nil {
			continue
		}
		wctx = withRefs(wctx, s, id)
		if c, err := s.Store.Campaign(wctx, id); err == nil {
			s.closeCancelled(wctx, c, SystemActor, "")
		}
		release()
	}
}

// addWatchers sets each target's watchers: the further owners its jobs
// name, less the target's owner. It reads them in one call.
func (s *Service) addWatchers(ctx context.Context, targets []lineage.Target) error {
	if s.Watchers == nil || len(targets) == 0 {
		return nil
	}
	var ids []string
	for _, t := range targets {
		ids = append(ids, t.Jobs...)
	}
	byJob, err := s.Watchers.Watchers(ctx, ids)
	if err != nil {
		return err
	}
	for i := range targets {
		t := &targets[i]
		var ws []string
		for _, j := range t.Jobs {
			ws = append(ws, byJob[j]...)
		}
		if t.Watchers, err = lineage.NormalizeWatchers("watchers", t.Owner, ws); err != nil {
			return err
		}
	}
	return nil
}
