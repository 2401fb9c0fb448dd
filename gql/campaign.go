package gql

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/gql/model"
)

var _ CampaignService = (*campaigns.Service)(nil)

// CampaignService runs migration campaigns; *campaigns.Service implements
// it. The actor of mutations comes from lineage.ActorFrom(ctx).
type CampaignService interface {
	Start(ctx context.Context, in campaigns.StartInput) (*campaigns.Preview, error)
	Cancel(ctx context.Context, id, reason string) (*lineage.Campaign, error)
	Sync(ctx context.Context, id string) (*lineage.Campaign, error)
	Remind(ctx context.Context, id string) (*lineage.Campaign, error)
	Campaign(ctx context.Context, id string) (*lineage.Campaign, error)
	Campaigns(ctx context.Context, f lineage.CampaignFilter) (*lineage.CampaignPage, error)
	Events(ctx context.Context, id string) ([]lineage.Event, error)
	Tickets(ctx context.Context, keys []string) ([]lineage.Ticket, error)
	TrackerName() string
	SetBuiltinTicketStatus(ctx context.Context, key string, status lineage.TicketStatus, comment string) (*lineage.Ticket, error)
}

// service returns the campaign service, or UNAVAILABLE when the server runs
// without one.
func (r *Resolver) service() (CampaignService, error) {
	if r.campaigns == nil {
		return nil, lineage.Errorf(lineage.EUNAVAILABLE, "Campaigns are not configured on this server.")
	}
	return r.campaigns, nil
}

// startCampaign starts (or previews) a campaign. Input errors name their
// field as the schema does: input.title, not title.
func (r *Resolver) startCampaign(ctx context.Context, svc CampaignService, in model.StartCampaignInput) (*model.StartCampaignPayload, error) {
	p, err := svc.Start(ctx, campaigns.StartInput{
		Table:       in.Table,
		Replacement: deref(in.Replacement, ""),
		Title:       in.Title,
		Message:     deref(in.Message, ""),
		Deadline:    deref(in.Deadline, time.Time{}),
		Reach:       deref(in.Reach, lineage.ReachDirect),
		DryRun:      deref(in.DryRun, false),
		Columns:     in.Columns,
		Change:      deref(in.Change, ""),
	})
	var le *lineage.Error
	if errors.As(err, &le) && le.Field != "" {
		return nil, &lineage.Error{Code: le.Code, Message: le.Message, Field: "input." + le.Field, Err: err}
	}
	if err != nil {
		return nil, err
	}
	if p.Impact != nil {
		l := r.loads(ctx)
		for _, o := range p.Impact.Owners {
			l.primeOwner(o.Owner)
		}
	}
	return &model.StartCampaignPayload{Campaign: &p.Campaign, Impact: p.Impact, Tickets: p.Tickets, DryRun: p.DryRun}, nil
}

// progress counts a campaign's targets by state.
func progress(ts []lineage.Target) *model.Progress {
	p := &model.Progress{Total: len(ts)}
	for _, t := range ts {
		switch t.State {
		case lineage.TargetComplete:
			p.Complete++
		case lineage.TargetOpen:
			p.Open++
		case lineage.TargetPending:
			p.Pending++
		case lineage.TargetCancelled:
			p.Cancelled++
		}
	}
	return p
}

// targetTickets reads the tickets of targets in one call to the tracker.
func targetTickets(ctx context.Context, svc CampaignService, objs []*lineage.Target) ([]*lineage.Ticket, error) {
	var keys []string
	for _, t := range objs {
		if t.TicketKey != "" {
			keys = append(keys, t.TicketKey)
		}
	}
	out := make([]*lineage.Ticket, len(objs))
	if len(keys) == 0 {
		return out, nil
	}
	tickets, err := svc.Tickets(ctx, keys)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]*lineage.Ticket, len(tickets))
	for i := range tickets {
		byKey[tickets[i].Key] = &tickets[i]
	}
	for i, t := range objs {
		out[i] = byKey[t.TicketKey]
	}
	return out, nil
}

// ticket reads one ticket from the tracker by key.
func ticket(ctx context.Context, svc CampaignService, key string) (*lineage.Ticket, error) {
	k, err := lineage.NormalizeName("key", key, false)
	if err != nil {
		return nil, err
	}
	ts, err := svc.Tickets(ctx, []string{k})
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i].Key == k {
			return &ts[i], nil
		}
	}
	return nil, lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", k)
}

// each runs fn(0..n-1), at most fanout at a time, and returns their errors.
func each(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	sem := make(chan struct{}, fanout)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			// gqlgen recovers panics only on its own goroutines.
			defer func() {
				if v := recover(); v != nil {
					errs[i] = recoverPanic(context.Background(), v)
				}
			}()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errs
}
