package mock

import (
	"context"

	"github.com/lineagehq/lineage"
)

// Tracker is a function-field mock of lineage.Tracker.
type Tracker struct {
	NameFn          func() string
	EnsureTicketsFn func(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error)
	TicketsFn       func(ctx context.Context, keys []string) ([]lineage.Ticket, error)
	CommentFn       func(ctx context.Context, key, ref, body string) error
	ReopenFn        func(ctx context.Context, key, ref, comment string) error
	RemindFn        func(ctx context.Context, key, ref, subject, body string) error
	CloseFn         func(ctx context.Context, key, ref, comment string) error
}

var _ lineage.Tracker = (*Tracker)(nil)

// Wrap returns a Tracker whose fields all call tr, for tests that change
// one behaviour of a real tracker (fail after N creations, refuse to reopen).
func Wrap(tr lineage.Tracker) *Tracker {
	return &Tracker{
		NameFn:          tr.Name,
		EnsureTicketsFn: tr.EnsureTickets,
		TicketsFn:       tr.Tickets,
		CommentFn:       tr.Comment,
		ReopenFn:        tr.Reopen,
		RemindFn:        tr.Remind,
		CloseFn:         tr.Close,
	}
}

func unset(method string) error {
	return lineage.Errorf(lineage.EINTERNAL, "mock.Tracker.%s is not set.", method)
}

// Name calls NameFn, or returns "mock".
func (t *Tracker) Name() string {
	if t.NameFn == nil {
		return "mock"
	}
	return t.NameFn()
}

// EnsureTickets calls EnsureTicketsFn.
func (t *Tracker) EnsureTickets(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
	if t.EnsureTicketsFn == nil {
		return nil, unset("EnsureTicketsFn")
	}
	return t.EnsureTicketsFn(ctx, reqs)
}

// Tickets calls TicketsFn.
func (t *Tracker) Tickets(ctx context.Context, keys []string) ([]lineage.Ticket, error) {
	if t.TicketsFn == nil {
		return nil, unset("TicketsFn")
	}
	return t.TicketsFn(ctx, keys)
}

// Comment calls CommentFn.
func (t *Tracker) Comment(ctx context.Context, key, ref, body string) error {
	if t.CommentFn == nil {
		return unset("CommentFn")
	}
	return t.CommentFn(ctx, key, ref, body)
}

// Reopen calls ReopenFn.
func (t *Tracker) Reopen(ctx context.Context, key, ref, comment string) error {
	if t.ReopenFn == nil {
		return unset("ReopenFn")
	}
	return t.ReopenFn(ctx, key, ref, comment)
}

// Remind calls RemindFn.
func (t *Tracker) Remind(ctx context.Context, key, ref, subject, body string) error {
	if t.RemindFn == nil {
		return unset("RemindFn")
	}
	return t.RemindFn(ctx, key, ref, subject, body)
}

// Close calls CloseFn.
func (t *Tracker) Close(ctx context.Context, key, ref, comment string) error {
	if t.CloseFn == nil {
		return unset("CloseFn")
	}
	return t.CloseFn(ctx, key, ref, comment)
}
