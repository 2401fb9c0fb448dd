package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
)

// newID returns a random campaign id such as "cmp-3f9a1c0b7d2e4a55".
func newID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return "cmp-" + hex.EncodeToString(b[:])
}

// normalizeCampaign checks the id the caller chose, if any, then fills the
// campaign's defaults and checks the rest as every store does.
func (s *Store) normalizeCampaign(c *lineage.Campaign) error {
	c.ID = strings.TrimSpace(c.ID)
	if len(c.ID) > lineage.MaxNameLen {
		return lineage.FieldErrorf("id", "is %d bytes long; the limit is %d", len(c.ID), lineage.MaxNameLen)
	}
	return c.Normalize(s.now())
}

// CreateCampaign stores a campaign and its targets in one transaction.
func (s *Store) CreateCampaign(ctx context.Context, c *lineage.Campaign) error {
	// Work on a copy so that a failed create leaves the caller's value alone.
	cc := *c
	cc.Targets = append([]lineage.Target(nil), c.Targets...)
	if err := s.normalizeCampaign(&cc); err != nil {
		return err
	}
	given := cc.ID != ""
	if !given {
		cc.ID = newID()
	}
	err := s.write(ctx, "create campaign", func(tx *sql.Tx) error {
		cols, err := jsonOf(append([]string{}, cc.Columns...))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO campaigns(id, tbl, replacement, title, message, deadline, reach, state,
			creator, created_at, updated_at, completed_at, creating_until, columns, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			cc.ID, cc.Table, cc.Replacement, cc.Title, cc.Message, nanos(cc.Deadline), cc.Reach, cc.State,
			cc.Creator, nanos(cc.CreatedAt), nanos(cc.UpdatedAt), nanos(cc.CompletedAt), nanos(cc.CreatingUntil), cols, cc.Change)
		if isConstraint(err) {
			return lineage.WrapError(lineage.ECONFLICT, err, "Campaign %q exists already.", cc.ID)
		} else if err != nil {
			return err
		}
		for _, t := range cc.Targets {
			if err := insertTarget(ctx, tx, cc.ID, t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = cc
	return nil
}

// insertTarget stores one target of a campaign.
func insertTarget(ctx context.Context, tx *sql.Tx, campaign string, t lineage.Target) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO targets(campaign, owner, role, hops, jobs, tables, state, ticket_key,
		ticket_url, ticket_status, unassigned, verification, detail, last_error, attempts, reminded_at, created_at, updated_at,
		watchers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		campaign, t.Owner, t.Role, t.Hops, jsonList(t.Jobs), jsonList(t.Tables), t.State, t.TicketKey,
		t.TicketURL, t.TicketStatus, t.Unassigned, t.Verification, t.Detail, t.LastError, t.Attempts,
		nanos(t.RemindedAt), nanos(t.CreatedAt), nanos(t.UpdatedAt), jsonList(t.Watchers))
	if isConstraint(err) {
		return lineage.WrapError(lineage.ECONFLICT, err, "Owner %q is a target of campaign %q already.", t.Owner, campaign)
	}
	return err
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	return stringList(l)
}

func fromJSONList(s string) ([]string, error) {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("decode list %q: %w", s, err)
	}
	return l, nil
}

const campaignColumns = `id, tbl, replacement, title, message, deadline, reach, state, creator, created_at, updated_at, completed_at,
	creating_until, columns, change`

func scanCampaign(sc scanner) (lineage.Campaign, error) {
	var c lineage.Campaign
	var deadline, created, updated, completed, creating int64
	var cols string
	err := sc.Scan(&c.ID, &c.Table, &c.Replacement, &c.Title, &c.Message, &deadline, &c.Reach, &c.State, &c.Creator,
		&created, &updated, &completed, &creating, &cols, &c.Change)
	c.Deadline, c.CreatedAt, c.UpdatedAt, c.CompletedAt = fromNanos(deadline), fromNanos(created), fromNanos(updated), fromNanos(completed)
	c.CreatingUntil = fromNanos(creating)
	if err == nil {
		if err = json.Unmarshal([]byte(cols), &c.Columns); err == nil && len(c.Columns) == 0 {
			c.Columns = nil
		}
	}
	return c, err
}

// loadTargets returns the targets of the given campaigns, sorted by owner.
func loadTargets(ctx context.Context, tx queryer, ids []string) (map[string][]lineage.Target, error) {
	rows, err := tx.QueryContext(ctx, `SELECT campaign, owner, role, hops, jobs, tables, state, ticket_key, ticket_url,
		ticket_status, unassigned, verification, detail, last_error, attempts, reminded_at, created_at, updated_at, watchers
		FROM targets WHERE campaign IN (SELECT value FROM json_each(?)) ORDER BY campaign, owner`, stringList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]lineage.Target{}
	for rows.Next() {
		var id, jobs, tables, watchers string
		var t lineage.Target
		var reminded, created, updated int64
		if err := rows.Scan(&id, &t.Owner, &t.Role, &t.Hops, &jobs, &tables, &t.State, &t.TicketKey, &t.TicketURL,
			&t.TicketStatus, &t.Unassigned, &t.Verification, &t.Detail, &t.LastError, &t.Attempts,
			&reminded, &created, &updated, &watchers); err != nil {
			return nil, err
		}
		if t.Watchers, err = fromJSONList(watchers); err != nil {
			return nil, err
		}
		if len(t.Watchers) == 0 {
			t.Watchers = nil
		}
		if t.Jobs, err = fromJSONList(jobs); err != nil {
			return nil, err
		}
		if t.Tables, err = fromJSONList(tables); err != nil {
			return nil, err
		}
		t.RemindedAt, t.CreatedAt, t.UpdatedAt = fromNanos(reminded), fromNanos(created), fromNanos(updated)
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}

// Campaign returns a campaign with its targets sorted by owner.
func (s *Store) Campaign(ctx context.Context, id string) (*lineage.Campaign, error) {
	var c lineage.Campaign
	err := s.read(ctx, "campaign", func(tx queryer) error {
		var err error
		c, err = scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`, id))
		if err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", id)
		} else if err != nil {
			return err
		}
		targets, err := loadTargets(ctx, tx, []string{id})
		c.Targets = targets[id]
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Campaigns lists campaigns newest first, ties by id descending.
func (s *Store) Campaigns(ctx context.Context, f lineage.CampaignFilter) (*lineage.CampaignPage, error) {
	first, err := lineage.CheckLimit("first", f.First, lineage.DefaultPage, lineage.MaxPage)
	if err != nil {
		return nil, err
	}
	if f.State != "" && !f.State.Valid() {
		return nil, lineage.FieldErrorf("state", "must be ACTIVE, COMPLETE or CANCELLED, got %q", f.State)
	}
	// Start above every real position.
	afterAt, afterID := int64(1<<63-1), "\U0010FFFF"
	if f.After != "" {
		pos, err := decodeCursor('c', f.After)
		if err != nil {
			return nil, err
		}
		at, id, ok := strings.Cut(pos, ":")
		n, perr := strconv.ParseInt(at, 10, 64)
		if !ok || perr != nil {
			return nil, lineage.FieldErrorf("after", "is not a cursor of this listing; pass the endCursor of the previous page")
		}
		afterAt, afterID = n, id
	}
	var page []lineage.Campaign
	err = s.read(ctx, "campaigns", func(tx queryer) error {
		q := `SELECT ` + campaignColumns + ` FROM campaigns WHERE (created_at, id) < (?, ?)`
		args := []any{afterAt, afterID}
		if f.State != "" {
			q += ` AND state = ?`
			args = append(args, f.State)
		}
		q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
		args = append(args, first+1)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCampaign(rows)
			if err != nil {
				return err
			}
			page = append(page, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var ids []string
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		targets, err := loadTargets(ctx, tx, ids)
		for i := range page {
			page[i].Targets = targets[page[i].ID]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	p := &lineage.CampaignPage{Campaigns: page}
	if len(page) > first {
		p.Campaigns, p.HasNext = page[:first], true
	}
	if n := len(p.Campaigns); n > 0 {
		last := p.Campaigns[n-1]
		p.EndCursor = encodeCursor('c', strconv.FormatInt(nanos(last.CreatedAt), 10)+":"+last.ID)
	}
	return p, nil
}

// campaignExists returns ENOTFOUND unless the campaign exists.
func campaignExists(ctx context.Context, tx queryer, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM campaigns WHERE id = ?`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", id)
	}
	return err
}

// setter collects "column = ?" clauses of an update.
type setter struct {
	cols []string
	args []any
}

func (st *setter) set(col string, v any) {
	st.cols = append(st.cols, col+" = ?")
	st.args = append(st.args, v)
}

// UpdateCampaign changes the non-nil fields of u.
func (s *Store) UpdateCampaign(ctx context.Context, id string, u lineage.CampaignUpdate) error {
	var st setter
	if u.State != nil {
		if !u.State.Valid() {
			return lineage.FieldErrorf("state", "must be ACTIVE, COMPLETE or CANCELLED, got %q", *u.State)
		}
		st.set("state", *u.State)
	}
	if u.CompletedAt != nil {
		st.set("completed_at", nanos(*u.CompletedAt))
	}
	if u.UpdatedAt != nil {
		st.set("updated_at", nanos(*u.UpdatedAt))
	}
	if u.CreatingUntil != nil {
		st.set("creating_until", nanos(*u.CreatingUntil))
	}
	return s.write(ctx, "update campaign", func(tx *sql.Tx) error {
		if err := campaignExists(ctx, tx, id); err != nil || len(st.cols) == 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE campaigns SET `+strings.Join(st.cols, ", ")+` WHERE id = ?`, append(st.args, id)...)
		return err
	})
}

// AddTarget adds a target to a campaign.
func (s *Store) AddTarget(ctx context.Context, campaignID string, t lineage.Target) error {
	if err := t.Normalize("", s.now()); err != nil {
		return err
	}
	return s.write(ctx, "add target", func(tx *sql.Tx) error {
		if err := campaignExists(ctx, tx, campaignID); err != nil {
			return err
		}
		return insertTarget(ctx, tx, campaignID, t)
	})
}

// UpdateTarget changes the non-nil fields of one target.
func (s *Store) UpdateTarget(ctx context.Context, campaignID, owner string, u lineage.TargetUpdate) error {
	owner, err := lineage.NormalizeName("owner", owner, true)
	if err != nil {
		return err
	}
	var st setter
	if u.Jobs != nil {
		st.set("jobs", jsonList(*u.Jobs))
	}
	if u.Tables != nil {
		st.set("tables", jsonList(*u.Tables))
	}
	if u.State != nil {
		if !u.State.Valid() {
			return lineage.FieldErrorf("state", "must be PENDING, OPEN, COMPLETE or CANCELLED, got %q", *u.State)
		}
		st.set("state", *u.State)
	}
	if u.TicketKey != nil {
		st.set("ticket_key", *u.TicketKey)
	}
	if u.TicketURL != nil {
		st.set("ticket_url", *u.TicketURL)
	}
	if u.TicketStatus != nil {
		st.set("ticket_status", *u.TicketStatus)
	}
	if u.Unassigned != nil {
		st.set("unassigned", *u.Unassigned)
	}
	if u.Verification != nil {
		if !u.Verification.Valid() {
			return lineage.FieldErrorf("verification", "must be UNVERIFIED, STILL_READING or VERIFIED, got %q", *u.Verification)
		}
		st.set("verification", *u.Verification)
	}
	if u.Detail != nil {
		st.set("detail", *u.Detail)
	}
	if u.LastError != nil {
		st.set("last_error", *u.LastError)
	}
	if u.Attempts != nil {
		st.set("attempts", *u.Attempts)
	}
	if u.RemindedAt != nil {
		st.set("reminded_at", nanos(*u.RemindedAt))
	}
	if u.UpdatedAt != nil {
		st.set("updated_at", nanos(*u.UpdatedAt))
	}
	return s.write(ctx, "update target", func(tx *sql.Tx) error {
		if err := campaignExists(ctx, tx, campaignID); err != nil {
			return err
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM targets WHERE campaign = ? AND owner = ?`, campaignID, owner).Scan(&one)
		if err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Owner %q is not a target of campaign %q.", owner, campaignID)
		} else if err != nil || len(st.cols) == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE targets SET `+strings.Join(st.cols, ", ")+` WHERE campaign = ? AND owner = ?`,
			append(st.args, campaignID, owner)...)
		return err
	})
}

// AppendEvent appends to a campaign's event log and sets e.ID (and e.At
// from the clock when zero).
func (s *Store) AppendEvent(ctx context.Context, e *lineage.Event) error {
	if strings.TrimSpace(e.Kind) == "" {
		return lineage.FieldErrorf("kind", "must not be empty")
	}
	at := e.At
	if at.IsZero() {
		at = s.now()
	}
	var id int64
	err := s.write(ctx, "append event", func(tx *sql.Tx) error {
		if err := campaignExists(ctx, tx, e.CampaignID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO events(campaign, at, actor, kind, owner, message) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			e.CampaignID, nanos(at), e.Actor, e.Kind, e.Owner, e.Message).Scan(&id)
	})
	if err != nil {
		return err
	}
	e.ID, e.At = id, at.UTC()
	return nil
}

// Events returns a campaign's events, oldest first.
func (s *Store) Events(ctx context.Context, campaignID string) ([]lineage.Event, error) {
	var out []lineage.Event
	err := s.read(ctx, "events", func(tx queryer) error {
		if err := campaignExists(ctx, tx, campaignID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, kind, owner, message FROM events WHERE campaign = ? ORDER BY id`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := lineage.Event{CampaignID: campaignID}
			var at int64
			if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.Owner, &e.Message); err != nil {
				return err
			}
			e.At = fromNanos(at)
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// AcquireLease takes or renews holder's lease on a campaign when nobody else
// holds an unexpired one.
func (s *Store) AcquireLease(ctx context.Context, campaignID, holder string, now, until time.Time) (bool, error) {
	var got bool
	err := s.write(ctx, "acquire lease", func(tx *sql.Tx) error {
		if err := campaignExists(ctx, tx, campaignID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO leases(campaign, holder, until) VALUES (?, ?, ?)
			ON CONFLICT(campaign) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE leases.holder = excluded.holder OR leases.until <= ?`,
			campaignID, holder, nanos(until), nanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	return got, err
}

// ReleaseLease gives up holder's lease, if it holds it.
func (s *Store) ReleaseLease(ctx context.Context, campaignID, holder string) error {
	return s.write(ctx, "release lease", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE campaign = ? AND holder = ?`, campaignID, holder)
		return err
	})
}

// Lease returns a campaign's current lease, expired or not.
func (s *Store) Lease(ctx context.Context, campaignID string) (lineage.Lease, error) {
	var l lineage.Lease
	err := s.read(ctx, "read lease", func(tx queryer) error {
		if err := campaignExists(ctx, tx, campaignID); err != nil {
			return err
		}
		var until int64
		err := tx.QueryRowContext(ctx, `SELECT holder, until FROM leases WHERE campaign = ?`, campaignID).Scan(&l.Holder, &until)
		if err == sql.ErrNoRows {
			return nil
		}
		l.Until = fromNanos(until)
		return err
	})
	return l, err
}
