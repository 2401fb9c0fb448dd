package campaigns

import (
	"context"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
)

// BuiltinName is the Name of the built-in tracker.
const BuiltinName = "builtin"

// builtinAuthor signs the comments the service writes on built-in tickets.
const builtinAuthor = "lineage"

// Builtin is the tracker of the embedded default: tickets kept in a
// lineage.TicketStore, with keys "LIN-1", "LIN-2", ... and links into the
// web UI. It has the lifecycle of a Jira ticket (To Do, In Progress, Done,
// comments, reopening) but notifies nobody by itself: a reminder is recorded
// as a comment. Its Name is "builtin" so nobody mistakes it for Jira.
type Builtin struct {
	store   lineage.TicketStore
	baseURL string
	now     func() time.Time
}

var _ lineage.Tracker = (*Builtin)(nil)

// NewBuiltinTracker returns the built-in tracker. baseURL is the web UI's
// address; ticket URLs are baseURL + "/tickets/" + key. now is the clock
// (nil means time.Now).
func NewBuiltinTracker(store lineage.TicketStore, baseURL string, now func() time.Time) lineage.Tracker {
	if now == nil {
		now = time.Now
	}
	return &Builtin{store: store, baseURL: strings.TrimRight(baseURL, "/"), now: now}
}

// Name returns "builtin".
func (b *Builtin) Name() string { return BuiltinName }

func (b *Builtin) withURL(t *lineage.Ticket) *lineage.Ticket {
	t.URL = b.baseURL + "/tickets/" + t.Key
	return t
}

// EnsureTickets implements lineage.Tracker: it returns the stored ticket of
// each campaign and owner, creating those that do not exist yet.
func (b *Builtin) EnsureTickets(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
	out := make([]lineage.TicketResult, len(reqs))
	for i, r := range reqs {
		out[i].Owner = r.Owner.Handle
		if r.CampaignID == "" || r.Owner.Handle == "" {
			out[i].Err = lineage.FieldErrorf("owner", "campaign and owner must not be empty")
			continue
		}
		found, err := b.store.FindTickets(ctx, r.CampaignID, r.Owner.Handle)
		if err != nil {
			if lineage.ErrorCode(err) == lineage.EUNAVAILABLE {
				return nil, err
			}
			out[i].Err = err
			continue
		}
		if len(found) > 0 {
			out[i].Ticket = b.withURL(&found[0])
			continue
		}
		if _, err := lineage.Fence(ctx); err != nil {
			return nil, err
		}
		now := b.now().UTC()
		t := &lineage.Ticket{
			CampaignID:  r.CampaignID,
			Owner:       r.Owner.Handle,
			Assignee:    r.Owner.Handle,
			Status:      lineage.TicketTodo,
			Summary:     r.Summary,
			Description: r.Description,
			Due:         r.Due,
			Comments:    []lineage.TicketComment{},
			CreatedAt:   now,
			UpdatedAt:   now,
		}
		if err := b.store.CreateTicket(ctx, t); err != nil {
			if lineage.ErrorCode(err) == lineage.EUNAVAILABLE {
				return nil, err
			}
			out[i].Err = err
			continue
		}
		out[i].Ticket = b.withURL(t)
	}
	return out, nil
}

// Tickets implements lineage.Tracker.
func (b *Builtin) Tickets(ctx context.Context, keys []string) ([]lineage.Ticket, error) {
	var out []lineage.Ticket
	for _, k := range keys {
		t, err := b.store.Ticket(ctx, k)
		if lineage.ErrorCode(err) == lineage.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *b.withURL(t))
	}
	return out, nil
}

// update applies fn to a stored ticket and saves it, after the fencing
// check of ctx.
func (b *Builtin) update(ctx context.Context, key string, fn func(t *lineage.Ticket)) (*lineage.Ticket, error) {
	t, err := b.store.Ticket(ctx, key)
	if err != nil {
		return nil, err
	}
	if _, err := lineage.Fence(ctx); err != nil {
		return nil, err
	}
	fn(t)
	t.UpdatedAt = b.now().UTC()
	if err := b.store.UpdateTicket(ctx, t); err != nil {
		return nil, err
	}
	return b.withURL(t), nil
}

// comment adds a comment unless it is empty or one with the same non-empty
// ref exists (a retry of the same action).
func (b *Builtin) comment(t *lineage.Ticket, author, ref, body string) {
	if strings.TrimSpace(body) == "" || hasRef(t, ref) {
		return
	}
	t.Comments = append(t.Comments, lineage.TicketComment{At: b.now().UTC(), Author: author, Body: body, Ref: ref})
}

func hasRef(t *lineage.Ticket, ref string) bool {
	if ref == "" {
		return false
	}
	for _, c := range t.Comments {
		if c.Ref == ref {
			return true
		}
	}
	return false
}

// Comment implements lineage.Tracker.
func (b *Builtin) Comment(ctx context.Context, key, ref, body string) error {
	_, err := b.update(ctx, key, func(t *lineage.Ticket) { b.comment(t, builtinAuthor, ref, body) })
	return err
}

// Reopen implements lineage.Tracker; the built-in workflow always allows it.
func (b *Builtin) Reopen(ctx context.Context, key, ref, comment string) error {
	_, err := b.update(ctx, key, func(t *lineage.Ticket) {
		b.comment(t, builtinAuthor, ref, comment)
		if t.Status == lineage.TicketDone {
			t.Status = lineage.TicketTodo
		}
	})
	return err
}

// Remind implements lineage.Tracker. The built-in tracker sends no mail: the
// reminder is a comment, shown in the UI, written once per ref.
func (b *Builtin) Remind(ctx context.Context, key, ref, subject, body string) error {
	_, err := b.update(ctx, key, func(t *lineage.Ticket) { b.comment(t, builtinAuthor, ref, "Reminder: "+subject+"\n\n"+body) })
	return err
}

// Close implements lineage.Tracker.
func (b *Builtin) Close(ctx context.Context, key, ref, comment string) error {
	_, err := b.update(ctx, key, func(t *lineage.Ticket) {
		b.comment(t, builtinAuthor, ref, comment)
		t.Status = lineage.TicketDone
	})
	return err
}

// SetStatus changes a ticket's status on behalf of a person (author), with
// an optional comment: what a user does in Jira, done through lineage's API
// and UI for built-in tickets.
// Errors: EINVALID (unknown status), ENOTFOUND, EUNAVAILABLE.
func (b *Builtin) SetStatus(ctx context.Context, key string, status lineage.TicketStatus, author, comment string) (*lineage.Ticket, error) {
	switch status {
	case lineage.TicketTodo, lineage.TicketInProgress, lineage.TicketDone:
	default:
		return nil, lineage.FieldErrorf("status", "must be TODO, IN_PROGRESS or DONE, got %q", status)
	}
	return b.update(ctx, key, func(t *lineage.Ticket) {
		b.comment(t, author, "", comment)
		t.Status = status
	})
}
