package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

// keyPrefix starts every built-in ticket key; the rest is the row's seq.
const keyPrefix = "LIN-"

// ticketSeq returns the seq of a key, or false when it is not a key of ours.
func ticketSeq(key string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(key, keyPrefix), 10, 64)
	if err != nil || n < 1 || keyPrefix+strconv.FormatInt(n, 10) != key {
		return 0, false
	}
	return n, true
}

type comment struct {
	At     int64  `json:"at"`
	Author string `json:"author"`
	Body   string `json:"body"`
	Ref    string `json:"ref,omitempty"`
}

func encodeComments(cs []lineage.TicketComment) string {
	out := make([]comment, len(cs))
	for i, c := range cs {
		out[i] = comment{At: nanos(c.At), Author: c.Author, Body: c.Body, Ref: c.Ref}
	}
	b, _ := json.Marshal(out) // cannot fail
	return string(b)
}

func decodeComments(s string) ([]lineage.TicketComment, error) {
	var in []comment
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode comments: %w", err)
	}
	var out []lineage.TicketComment
	for _, c := range in {
		out = append(out, lineage.TicketComment{At: fromNanos(c.At), Author: c.Author, Body: c.Body, Ref: c.Ref})
	}
	return out, nil
}

// CreateTicket stores a new ticket and sets its Key (and defaults: Status
// TODO, times from the clock).
func (s *Store) CreateTicket(ctx context.Context, t *lineage.Ticket) error {
	tc := *t
	if err := tc.Normalize(s.now()); err != nil {
		return err
	}
	var seq int64
	err := s.write(ctx, "create ticket", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO tickets(url, campaign, owner, assignee, unassigned, status, summary,
			description, due, comments, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			tc.URL, tc.CampaignID, tc.Owner, tc.Assignee, tc.Unassigned, tc.Status, tc.Summary, tc.Description,
			nanos(tc.Due), encodeComments(tc.Comments), nanos(tc.CreatedAt), nanos(tc.UpdatedAt)).Scan(&seq)
	})
	if err != nil {
		return err
	}
	tc.Key = keyPrefix + strconv.FormatInt(seq, 10)
	*t = tc
	return nil
}

// UpdateTicket replaces a ticket's status, assignee, unassigned flag,
// comments and update time (from the clock when zero).
func (s *Store) UpdateTicket(ctx context.Context, t *lineage.Ticket) error {
	if t.Status != "" && !t.Status.Valid() {
		return lineage.FieldErrorf("status", "must be TODO, IN_PROGRESS or DONE, got %q", t.Status)
	}
	seq, ok := ticketSeq(t.Key)
	if !ok {
		return lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", t.Key)
	}
	updated := t.UpdatedAt
	if updated.IsZero() {
		updated = s.now()
	}
	return s.write(ctx, "update ticket", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = ?, assignee = ?, unassigned = ?, comments = ?, updated_at = ?
			WHERE seq = ?`, t.Status, t.Assignee, t.Unassigned, encodeComments(t.Comments), nanos(updated), seq)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", t.Key)
		}
		return nil
	})
}

const ticketColumns = `seq, url, campaign, owner, assignee, unassigned, status, summary, description, due, comments, created_at, updated_at`

func scanTicket(sc scanner) (lineage.Ticket, error) {
	var t lineage.Ticket
	var seq, due, created, updated int64
	var comments string
	if err := sc.Scan(&seq, &t.URL, &t.CampaignID, &t.Owner, &t.Assignee, &t.Unassigned, &t.Status, &t.Summary,
		&t.Description, &due, &comments, &created, &updated); err != nil {
		return t, err
	}
	t.Key = keyPrefix + strconv.FormatInt(seq, 10)
	t.Due, t.CreatedAt, t.UpdatedAt = fromNanos(due), fromNanos(created), fromNanos(updated)
	var err error
	t.Comments, err = decodeComments(comments)
	return t, err
}

// Ticket returns a ticket by key.
func (s *Store) Ticket(ctx context.Context, key string) (*lineage.Ticket, error) {
	seq, ok := ticketSeq(key)
	if !ok {
		return nil, lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", key)
	}
	var t lineage.Ticket
	err := s.read(ctx, "ticket", func(tx queryer) error {
		var err error
		t, err = scanTicket(tx.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE seq = ?`, seq))
		if err == sql.ErrNoRows {
			return lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTickets returns a campaign's tickets (one owner's when owner is not
// empty) in key order.
func (s *Store) FindTickets(ctx context.Context, campaignID, owner string) ([]lineage.Ticket, error) {
	var out []lineage.Ticket
	err := s.read(ctx, "find tickets", func(tx queryer) error {
		q := `SELECT ` + ticketColumns + ` FROM tickets WHERE campaign = ?`
		args := []any{campaignID}
		if owner != "" {
			q += ` AND owner = ?`
			args = append(args, owner)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTicket(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}
