package campaigns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// refs names the tracker actions of one step (comments, reopenings,
// reminders, closings) so that repeating an action whose answer was lost,
// or that a killed process had sent, does nothing twice: the tracker skips
// an action whose ref it has seen on that ticket. A ref counts how often
// the campaign's event log has recorded the same kind of action for the
// owner, so that the next genuine reminder or reopening gets a new ref while
// a retry of one not yet recorded gets the same.
type refs struct {
	s  *Service
	id string

	once   sync.Once
	counts map[string]int
	err    error
}

type refsKey struct{}

// withRefs returns ctx carrying the ref book of campaign id for one step.
func withRefs(ctx context.Context, s *Service, id string) context.Context {
	return context.WithValue(ctx, refsKey{}, &refs{s: s, id: id})
}

// refOf returns the ref of the next action of a kind ("reminded",
// "reopened", "close-cancelled", ...) on an owner's ticket. Kinds that are
// event kinds are numbered by how many such events the owner has; detail,
// when not empty, is hashed in (a reopening for a new reason is new).
func refOf(ctx context.Context, campaignID, owner, kind, detail string) (string, error) {
	r, _ := ctx.Value(refsKey{}).(*refs)
	if r == nil || r.id != campaignID {
		return "", fmt.Errorf("campaigns: no ref book for campaign %s", campaignID)
	}
	r.once.Do(func() {
		evs, err := r.s.Store.Events(ctx, r.id)
		if err != nil {
			r.err = err
			return
		}
		r.counts = map[string]int{}
		for _, e := range evs {
			r.counts[e.Owner+"\x00"+e.Kind]++
		}
	})
	if r.err != nil {
		return "", r.err
	}
	ref := fmt.Sprintf("%s/%s/%s-%d", campaignID, owner, kind, r.counts[owner+"\x00"+kind])
	if detail != "" {
		sum := sha256.Sum256([]byte(detail))
		ref += "-" + hex.EncodeToString(sum[:4])
	}
	return ref, nil
}
