package lineage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ColumnChange says what a column-scoped campaign does to its columns.
type ColumnChange string

// Column changes.
const (
	ChangeDrop   ColumnChange = "DROP"
	ChangeRename ColumnChange = "RENAME"
	ChangeRetype ColumnChange = "RETYPE"
)

// Valid reports whether c is one of the three changes.
func (c ColumnChange) Valid() bool { return c == ChangeDrop || c == ChangeRename || c == ChangeRetype }

// Subject is what a campaign is about, in words: "sales.orders", or
// "sales.orders.status" and "sales.orders (status, amount)" for columns.
func (c *Campaign) Subject() string {
	switch len(c.Columns) {
	case 0:
		return c.Table
	case 1:
		return c.Table + "." + c.Columns[0]
	}
	return c.Table + " (" + strings.Join(c.Columns, ", ") + ")"
}

// Reach says whom a campaign asks to act.
type Reach string

// Reaches. With ReachDirect only the owners whose jobs read the table get a
// target; with ReachTransitive the owners further downstream get one too,
// with RoleInform: they are told, not asked to act.
const (
	ReachDirect     Reach = "DIRECT"
	ReachTransitive Reach = "TRANSITIVE"
)

// CampaignState is where a campaign stands.
type CampaignState string

// Campaign states.
const (
	CampaignActive    CampaignState = "ACTIVE"
	CampaignComplete  CampaignState = "COMPLETE"
	CampaignCancelled CampaignState = "CANCELLED"
)

// TargetRole says what a target is asked to do.
type TargetRole string

// Target roles.
const (
	RoleAct    TargetRole = "ACT"    // their jobs read the table: they must migrate
	RoleInform TargetRole = "INFORM" // downstream of those who must act: told only
)

// TargetState is where one owner's part of a campaign stands.
type TargetState string

// Target states.
const (
	TargetPending   TargetState = "PENDING"   // stored, no ticket yet (or creation failed; LastError says why)
	TargetOpen      TargetState = "OPEN"      // ticket exists and is not verified complete
	TargetComplete  TargetState = "COMPLETE"  // ticket done and no job of the owner reads the table
	TargetCancelled TargetState = "CANCELLED" // the campaign was cancelled
)

// Verification is the lineage check of a target.
type Verification string

// Verification states.
const (
	VerifyUnknown      Verification = "UNVERIFIED"    // not checked yet
	VerifyStillReading Verification = "STILL_READING" // a job of the owner still reads the table
	VerifyClean        Verification = "VERIFIED"      // no job of the owner reads the table
)

// TicketStatus is a ticket's Jira status category.
type TicketStatus string

// Ticket statuses: Jira's three status categories.
const (
	TicketTodo       TicketStatus = "TODO"
	TicketInProgress TicketStatus = "IN_PROGRESS"
	TicketDone       TicketStatus = "DONE"
)

// Campaign is a migration campaign: one table to change or retire, and one
// target per owner downstream of it.
type Campaign struct {
	ID          string    `json:"id"`
	Table       string    `json:"table"`
	Replacement string    `json:"replacement,omitempty"`
	Title       string    `json:"title"`
	Message     string    `json:"message"`
	Deadline    time.Time `json:"deadline"` // zero: none
	Reach       Reach     `json:"reach"`
	// Columns, when set, scopes the campaign to these columns of Table:
	// only the owners whose jobs use them are targets, and verification
	// checks those columns. Empty means the whole table.
	Columns []string `json:"columns,omitempty"`
	// Change says what happens to Columns: DROP, RENAME or RETYPE; empty
	// for a table-wide campaign.
	Change ColumnChange  `json:"change,omitempty"`
	State  CampaignState `json:"state"`
	// Creator is the name of the token that started the campaign.
	Creator     string    `json:"creator"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	CompletedAt time.Time `json:"completedAt"` // zero until complete or cancelled
	// CreatingUntil is the latest time a ticket creation for this campaign
	// may have been sent without the service learning its outcome (it is
	// stored before each creation, for the whole time the creation may
	// take): a ticket missing from a lagging search (Jira's) may still exist
	// if it was created by then. Zero: no creation was ever attempted.
	CreatingUntil time.Time `json:"creatingUntil"`
	Targets       []Target  `json:"targets"`
}

// Target is one owner's part of a campaign.
type Target struct {
	// Owner is the owner's handle; unique within a campaign.
	Owner string     `json:"owner"`
	Role  TargetRole `json:"role"`
	// Hops is 1 for owners whose jobs read the table itself.
	Hops int `json:"hops"`
	// Jobs are the ids of the owner's jobs concerned; Tables the tables they
	// read that the campaign concerns.
	Jobs   []string `json:"jobs"`
	Tables []string `json:"tables"`
	// Watchers are the further owners the jobs' projects name (see
	// JobPut.Watchers); the ticket names them.
	Watchers []string `json:"watchers,omitempty"`

	State        TargetState  `json:"state"`
	TicketKey    string       `json:"ticketKey,omitempty"`
	TicketURL    string       `json:"ticketUrl,omitempty"`
	TicketStatus TicketStatus `json:"ticketStatus,omitempty"`
	// Unassigned is set when the tracker had no user for the owner, so the
	// ticket names them but is assigned to nobody.
	Unassigned   bool         `json:"unassigned"`
	Verification Verification `json:"verification"`
	// Detail explains the verification (which job still reads the table).
	Detail string `json:"detail,omitempty"`
	// LastError is the last failure to create or update the ticket; the
	// background loop retries.
	LastError  string    `json:"lastError,omitempty"`
	Attempts   int       `json:"attempts"`
	RemindedAt time.Time `json:"remindedAt"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// CampaignUpdate holds the campaign fields to change; nil fields stay.
type CampaignUpdate struct {
	State         *CampaignState
	CompletedAt   *time.Time
	UpdatedAt     *time.Time
	CreatingUntil *time.Time
}

// TargetUpdate holds the target fields to change; nil fields stay.
type TargetUpdate struct {
	Jobs         *[]string
	Tables       *[]string
	State        *TargetState
	TicketKey    *string
	TicketURL    *string
	TicketStatus *TicketStatus
	Unassigned   *bool
	Verification *Verification
	Detail       *string
	LastError    *string
	Attempts     *int
	RemindedAt   *time.Time
	UpdatedAt    *time.Time
}

// Event is one entry of a campaign's event log: who did what, when.
type Event struct {
	ID         int64     `json:"id"` // assigned by the store, increasing
	CampaignID string    `json:"campaignId"`
	At         time.Time `json:"at"`
	// Actor is a token name, "system" for the background loop, or "jira".
	Actor string `json:"actor"`
	// Kind is a short verb such as "created", "ticket_created", "reopened".
	Kind string `json:"kind"`
	// Owner is the target concerned, if any.
	Owner   string `json:"owner,omitempty"`
	Message string `json:"message"`
}

// CampaignFilter selects campaigns to list, newest first.
type CampaignFilter struct {
	// State, if set, lists only campaigns in that state.
	State CampaignState
	First int
	After string
}

// CampaignPage is one page of campaigns (with their targets).
type CampaignPage struct {
	Campaigns []Campaign `json:"campaigns"`
	EndCursor string     `json:"endCursor"`
	HasNext   bool       `json:"hasNext"`
}

// CampaignStore keeps campaigns, their targets and event logs.
type CampaignStore interface {
	// CreateCampaign stores a campaign with all its targets in one step:
	// either all of it is stored or nothing. It assigns c.ID when empty.
	// Errors: EINVALID (missing table, title, duplicate target owners),
	// ECONFLICT (the id exists), EUNAVAILABLE.
	CreateCampaign(ctx context.Context, c *Campaign) error

	// Campaign returns a campaign with its targets sorted by owner.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Campaign(ctx context.Context, id string) (*Campaign, error)

	// Campaigns lists campaigns newest first with cursor paging.
	// Errors: EINVALID (bad page size or cursor), EUNAVAILABLE.
	Campaigns(ctx context.Context, f CampaignFilter) (*CampaignPage, error)

	// UpdateCampaign changes a campaign's fields.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	UpdateCampaign(ctx context.Context, id string, u CampaignUpdate) error

	// AddTarget adds a target to a campaign (an owner who started reading
	// the table during the campaign).
	// Errors: ENOTFOUND (campaign), ECONFLICT (owner already a target),
	// EINVALID, EUNAVAILABLE.
	AddTarget(ctx context.Context, campaignID string, t Target) error

	// UpdateTarget changes one target's fields.
	// Errors: ENOTFOUND (campaign or target), EUNAVAILABLE.
	UpdateTarget(ctx context.Context, campaignID, owner string, u TargetUpdate) error

	// AppendEvent appends to a campaign's event log and sets e.ID.
	// Errors: ENOTFOUND (campaign), EINVALID, EUNAVAILABLE.
	AppendEvent(ctx context.Context, e *Event) error

	// Events returns a campaign's event log, oldest first.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Events(ctx context.Context, campaignID string) ([]Event, error)

	// AcquireLease gives holder the right to work on a campaign until
	// `until`, if no other holder has an unexpired lease at `now`. It
	// returns whether holder has the lease. Renewal by the same holder
	// succeeds.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	AcquireLease(ctx context.Context, campaignID, holder string, now, until time.Time) (bool, error)

	// ReleaseLease gives up holder's lease, if it has it. A process that
	// knows an earlier holder is dead also ends that holder's lease with it.
	// Errors: EUNAVAILABLE.
	ReleaseLease(ctx context.Context, campaignID, holder string) error

	// Lease returns a campaign's current lease, expired or not; the zero
	// Lease when there is none.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Lease(ctx context.Context, campaignID string) (Lease, error)
}

// Lease is who holds a campaign's lease, and until when.
type Lease struct {
	Holder string    `json:"holder"`
	Until  time.Time `json:"until"`
}

// Ticket is a tracker ticket as the service sees it.
type Ticket struct {
	Key        string       `json:"key"`
	URL        string       `json:"url"`
	CampaignID string       `json:"campaignId"`
	Owner      string       `json:"owner"`
	Assignee   string       `json:"assignee,omitempty"`
	Unassigned bool         `json:"unassigned"`
	Status     TicketStatus `json:"status"`
	Summary    string       `json:"summary"`
	// Description is the ticket body.
	Description string          `json:"description"`
	Due         time.Time       `json:"due"`
	Comments    []TicketComment `json:"comments"`
	CreatedAt   time.Time       `json:"createdAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
}

// TicketComment is a comment on a ticket.
type TicketComment struct {
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Body   string    `json:"body"`
	// Ref is the ref the service gave the action that wrote the comment
	// (see Tracker), so that a retry does not write it twice.
	Ref string `json:"ref,omitempty"`
}

// TicketRequest asks a tracker for one owner's ticket in a campaign.
type TicketRequest struct {
	CampaignID  string
	Owner       Owner
	Summary     string
	Description string
	Due         time.Time
	// InDoubt, when not zero, is the latest time an earlier attempt may
	// have sent a creation of this ticket whose outcome is unknown (the
	// campaign's CreatingUntil). A tracker whose search lags must not
	// create the ticket until its search shows whatever was created by then.
	InDoubt time.Time
}

// TicketResult is the outcome of one TicketRequest: a ticket or an error.
type TicketResult struct {
	Owner  string
	Ticket *Ticket
	Err    error
}

// Tracker is the ticket side of campaigns: Jira (campaigns/jira) or the
// built-in tracker that keeps tickets in the store.
type Tracker interface {
	// Name is "jira" or "builtin", shown beside tickets so nobody mistakes one
	// for the other.
	Name() string

	// EnsureTickets returns one result per request, in order. For each, if a
	// ticket for the same campaign and owner exists already it is returned
	// as it is; otherwise one is created. Per-item failures are in the
	// results; the error is for the call as a whole.
	// Errors: EUNAVAILABLE, EUNAUTHORIZED.
	EnsureTickets(ctx context.Context, reqs []TicketRequest) ([]TicketResult, error)

	// Tickets returns the tickets with the given keys (missing keys are left
	// out of the result).
	// Errors: EUNAVAILABLE, EUNAUTHORIZED.
	Tickets(ctx context.Context, keys []string) ([]Ticket, error)

	// Comment adds a comment to a ticket. ref identifies the action: a
	// second call with the same non-empty ref on the same ticket (a retry
	// after a lost answer or a crash) writes no second comment.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Comment(ctx context.Context, key, ref, body string) error

	// Reopen moves a done ticket back to To Do with a comment saying why;
	// a ticket that is not done only gets the comment. ref as for Comment.
	// Errors: ENOTFOUND, ECONFLICT (the workflow has no way back), EUNAVAILABLE.
	Reopen(ctx context.Context, key, ref, comment string) error

	// Remind notifies the ticket's assignee (or the named owner) with a
	// message. A second call with the same non-empty ref sends nothing: a
	// reminder is sent at most once per ref, so one whose outcome was lost
	// counts as sent.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Remind(ctx context.Context, key, ref, subject, body string) error

	// Close moves a ticket to Done with a closing comment (campaign
	// cancelled). ref as for Comment.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Close(ctx context.Context, key, ref, comment string) error
}

// TicketStore keeps the built-in tracker's tickets, for the embedded default
// when no Jira is configured.
type TicketStore interface {
	// CreateTicket stores a new ticket and assigns its key ("LIN-1", ...).
	// Errors: EINVALID, EUNAVAILABLE.
	CreateTicket(ctx context.Context, t *Ticket) error

	// UpdateTicket replaces a stored ticket's status, assignee and comments.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	UpdateTicket(ctx context.Context, t *Ticket) error

	// Ticket returns a ticket by key.
	// Errors: ENOTFOUND, EUNAVAILABLE.
	Ticket(ctx context.Context, key string) (*Ticket, error)

	// FindTickets returns the tickets of a campaign, optionally of one owner.
	// Errors: EUNAVAILABLE.
	FindTickets(ctx context.Context, campaignID, owner string) ([]Ticket, error)
}

// Valid reports whether r is one of the reaches.
func (r Reach) Valid() bool { return r == ReachDirect || r == ReachTransitive }

// Valid reports whether s is one of the campaign states.
func (s CampaignState) Valid() bool {
	return s == CampaignActive || s == CampaignComplete || s == CampaignCancelled
}

// Valid reports whether r is one of the target roles.
func (r TargetRole) Valid() bool { return r == RoleAct || r == RoleInform }

// Valid reports whether s is one of the target states.
func (s TargetState) Valid() bool {
	return s == TargetPending || s == TargetOpen || s == TargetComplete || s == TargetCancelled
}

// Valid reports whether v is one of the verification states.
func (v Verification) Valid() bool {
	return v == VerifyUnknown || v == VerifyStillReading || v == VerifyClean
}

// Valid reports whether s is one of the ticket statuses.
func (s TicketStatus) Valid() bool {
	return s == TicketTodo || s == TicketInProgress || s == TicketDone
}

// Normalize fills a target's defaults (role ACT, state PENDING, verification
// UNVERIFIED, CreatedAt = created, UpdatedAt = CreatedAt) and checks it, so
// that every store accepts and stores the same targets. prefix is the
// target's field path ("targets[2]." or "").
// Errors: EINVALID naming the field.
func (t *Target) Normalize(prefix string, created time.Time) error {
	var err error
	if t.Owner, err = NormalizeName(prefix+"owner", t.Owner, true); err != nil {
		return err
	}
	if t.Role == "" {
		t.Role = RoleAct
	} else if !t.Role.Valid() {
		return FieldErrorf(prefix+"role", "must be ACT or INFORM, got %q", t.Role)
	}
	if t.State == "" {
		t.State = TargetPending
	} else if !t.State.Valid() {
		return FieldErrorf(prefix+"state", "must be PENDING, OPEN, COMPLETE or CANCELLED, got %q", t.State)
	}
	if t.Verification == "" {
		t.Verification = VerifyUnknown
	} else if !t.Verification.Valid() {
		return FieldErrorf(prefix+"verification", "must be UNVERIFIED, STILL_READING or VERIFIED, got %q", t.Verification)
	}
	if t.TicketStatus != "" && !t.TicketStatus.Valid() {
		return FieldErrorf(prefix+"ticketStatus", "must be TODO, IN_PROGRESS or DONE, got %q", t.TicketStatus)
	}
	if t.Watchers, err = NormalizeWatchers(prefix+"watchers", t.Owner, t.Watchers); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = created
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	return nil
}

// Normalize fills a campaign's defaults (reach DIRECT, state ACTIVE,
// CreatedAt = now, UpdatedAt = CreatedAt, each target's as Target.Normalize)
// and checks it: table, title, the states, one target per owner. The id is
// left to the store, which assigns one when it is empty.
// Errors: EINVALID naming the field.
func (c *Campaign) Normalize(now time.Time) error {
	var err error
	if c.Table, err = NormalizeName("table", c.Table, true); err != nil {
		return err
	}
	if strings.TrimSpace(c.Title) == "" {
		return FieldErrorf("title", "must not be empty")
	}
	if c.Reach == "" {
		c.Reach = ReachDirect
	} else if !c.Reach.Valid() {
		return FieldErrorf("reach", "must be DIRECT or TRANSITIVE, got %q", c.Reach)
	}
	if len(c.Columns) > 0 {
		cols := make([]string, 0, len(c.Columns))
		for i, col := range c.Columns {
			col, err := NormalizeName(fmt.Sprintf("columns[%d]", i), col, true)
			if err != nil {
				return err
			}
			if col == Star {
				return FieldErrorf(fmt.Sprintf("columns[%d]", i), "must name a column, not *")
			}
			if !slices.Contains(cols, col) {
				cols = append(cols, col)
			}
		}
		slices.Sort(cols)
		c.Columns = cols
		if c.Change == "" {
			c.Change = ChangeDrop
		}
	} else {
		c.Columns = nil
		if c.Change != "" {
			return FieldErrorf("change", "applies to column-scoped campaigns only: name the columns too")
		}
	}
	if c.Change != "" && !c.Change.Valid() {
		return FieldErrorf("change", "must be DROP, RENAME or RETYPE, got %q", c.Change)
	}
	if c.State == "" {
		c.State = CampaignActive
	} else if !c.State.Valid() {
		return FieldErrorf("state", "must be ACTIVE, COMPLETE or CANCELLED, got %q", c.State)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	seen := map[string]int{}
	for i := range c.Targets {
		t := &c.Targets[i]
		prefix := fmt.Sprintf("targets[%d].", i)
		if err := t.Normalize(prefix, c.CreatedAt); err != nil {
			return err
		}
		if j, dup := seen[t.Owner]; dup {
			return FieldErrorf(prefix+"owner", "%q is also targets[%d].owner; each owner has one target", t.Owner, j)
		}
		seen[t.Owner] = i
	}
	return nil
}

// Normalize checks a new ticket and fills its defaults (status TODO,
// CreatedAt = now, UpdatedAt = CreatedAt), as every TicketStore does.
// Errors: EINVALID naming the field.
func (t *Ticket) Normalize(now time.Time) error {
	if strings.TrimSpace(t.CampaignID) == "" {
		return FieldErrorf("campaignId", "must not be empty")
	}
	if strings.TrimSpace(t.Summary) == "" {
		return FieldErrorf("summary", "must not be empty")
	}
	if t.Status == "" {
		t.Status = TicketTodo
	}
	if !t.Status.Valid() {
		return FieldErrorf("status", "must be TODO, IN_PROGRESS or DONE, got %q", t.Status)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	return nil
}

type fenceKey struct{}

// WithFence returns a context whose writes to a tracker are fenced by check:
// a tracker calls Fence before every write, and check answers how long the
// caller may still act (its lease's remaining time), or an error when it
// may not act at all (its lease was lost). Campaign steps set it; a write
// that would outlive the lease is cut short instead of racing the next
// holder.
func WithFence(ctx context.Context, check func(context.Context) (time.Duration, error)) context.Context {
	return context.WithValue(ctx, fenceKey{}, check)
}

// Fence runs the fencing check of ctx, if any: it returns how long the
// caller may still act (0 when ctx has no fence, meaning no limit), or the
// check's error (ECONFLICT when the lease is lost).
func Fence(ctx context.Context) (time.Duration, error) {
	check, _ := ctx.Value(fenceKey{}).(func(context.Context) (time.Duration, error))
	if check == nil {
		return 0, nil
	}
	return check(ctx)
}
