package neo4j

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

// clock returns the store's time, in UTC at millisecond precision, so that
// a value stamped here reads back equal.
func (s *Store) clock() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// timeParam turns a time into a parameter: nil for the zero time (stored as
// a missing property), else the time in UTC.
func timeParam(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timeOf reads a time column back in UTC; zero when null.
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case driver.LocalDateTime:
		return time.Time(t).UTC()
	}
	return time.Time{}
}

// props reads a node's properties from a record column.
func props(r *driver.Record, key string) map[string]any {
	v, _ := r.Get(key)
	switch n := v.(type) {
	case driver.Node:
		return n.Props
	case map[string]any:
		return n
	}
	return nil
}

func pstr(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

func pint(p map[string]any, k string) int {
	n, _ := p[k].(int64)
	return int(n)
}

func pbool(p map[string]any, k string) bool {
	b, _ := p[k].(bool)
	return b
}

func pstrs(p map[string]any, k string) []string {
	list, _ := p[k].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// strList turns a string slice into a list parameter; never nil, because
// Neo4j cannot store an empty list's element type otherwise than as [].
func strList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// newID returns a random campaign id.
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back to the clock.
		return "camp-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return "camp-" + hex.EncodeToString(b[:])
}

// prepareTarget fills in a target's defaults and validates it as every
// store does (lineage.Target.Normalize), then keeps its times in UTC;
// prefix is "targets[i]." in CreateCampaign and "" in AddTarget.
func prepareTarget(prefix string, t *lineage.Target, now time.Time) error {
	if err := t.Normalize(prefix, now); err != nil {
		return err
	}
	utcTarget(t)
	return nil
}

// utcTarget keeps a target's times in UTC, as they come back from Neo4j.
func utcTarget(t *lineage.Target) {
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	if !t.RemindedAt.IsZero() {
		t.RemindedAt = t.RemindedAt.UTC()
	}
}

// targetRow is a target as a parameter map.
func targetRow(campaignID string, t lineage.Target) map[string]any {
	return map[string]any{
		"campaignId": campaignID, "owner": t.Owner, "role": string(t.Role), "hops": int64(t.Hops),
		"jobs": strList(t.Jobs), "tables": strList(t.Tables), "state": string(t.State),
		"ticketKey": nonEmpty(t.TicketKey), "ticketUrl": nonEmpty(t.TicketURL), "ticketStatus": nonEmpty(string(t.TicketStatus)),
		"unassigned": t.Unassigned, "verification": string(t.Verification), "detail": nonEmpty(t.Detail),
		"lastError": nonEmpty(t.LastError), "attempts": int64(t.Attempts), "remindedAt": timeParam(t.RemindedAt),
		"createdAt": timeParam(t.CreatedAt), "updatedAt": timeParam(t.UpdatedAt), "watchers": strList(t.Watchers),
	}
}

// targetFrom reads a Target node's properties.
func targetFrom(p map[string]any) lineage.Target {
	return lineage.Target{
		Owner: pstr(p, "owner"), Role: lineage.TargetRole(pstr(p, "role")), Hops: pint(p, "hops"),
		Jobs: pstrs(p, "jobs"), Tables: pstrs(p, "tables"), State: lineage.TargetState(pstr(p, "state")),
		TicketKey: pstr(p, "ticketKey"), TicketURL: pstr(p, "ticketUrl"), TicketStatus: lineage.TicketStatus(pstr(p, "ticketStatus")),
		Unassigned: pbool(p, "unassigned"), Verification: lineage.Verification(pstr(p, "verification")),
		Detail: pstr(p, "detail"), LastError: pstr(p, "lastError"), Attempts: pint(p, "attempts"),
		RemindedAt: timeOf(p["remindedAt"]), CreatedAt: timeOf(p["createdAt"]), UpdatedAt: timeOf(p["updatedAt"]),
		Watchers: pstrs(p, "watchers"),
	}
}

// campaignFrom reads a Campaign node's properties (targets aside).
func campaignFrom(p map[string]any) lineage.Campaign {
	return lineage.Campaign{
		ID: pstr(p, "id"), Table: pstr(p, "table"), Replacement: pstr(p, "replacement"), Title: pstr(p, "title"),
		Message: pstr(p, "message"), Deadline: timeOf(p["deadline"]), Reach: lineage.Reach(pstr(p, "reach")),
		State: lineage.CampaignState(pstr(p, "state")), Creator: pstr(p, "creator"),
		CreatedAt: timeOf(p["createdAt"]), UpdatedAt: timeOf(p["updatedAt"]), CompletedAt: timeOf(p["completedAt"]),
		CreatingUntil: timeOf(p["creatingUntil"]),
		Columns:       pstrs(p, "columns"), Change: lineage.ColumnChange(pstr(p, "change")),
	}
}

// CreateCampaign stores a campaign and its targets in one transaction,
// filling in defaults on c. The campaign is linked to its table with
// MIGRATES when the table is in the graph (and later, when it appears).
// Errors: EINVALID, ECONFLICT, EUNAVAILABLE.
func (s *Store) CreateCampaign(ctx context.Context, c *lineage.Campaign) error {
	// Work on a copy so that a failed create leaves the caller's value alone.
	cc := *c
	cc.Targets = slices.Clone(c.Targets)
	if err := cc.Normalize(s.clock()); err != nil {
		return err
	}
	id := cc.ID
	if id != "" {
		var err error
		if id, err = lineage.NormalizeName("id", cc.ID, false); err != nil {
			return err
		}
	} else {
		id = newID()
	}
	table, targets, created, updated := cc.Table, cc.Targets, cc.CreatedAt, cc.UpdatedAt
	for i := range targets {
		utcTarget(&targets[i])
	}
	rows := make([]any, 0, len(targets))
	for _, t := range targets {
		rows = append(rows, targetRow(id, t))
	}
	params := map[string]any{
		"id": id, "table": table, "replacement": nonEmpty(c.Replacement), "title": c.Title, "message": nonEmpty(c.Message),
		"deadline": timeParam(c.Deadline), "reach": string(cc.Reach), "state": string(cc.State), "creator": nonEmpty(c.Creator),
		"createdAt": timeParam(created), "updatedAt": timeParam(updated), "completedAt": timeParam(c.CompletedAt),
		"creatingUntil": timeParam(c.CreatingUntil), "targets": rows,
		"columns": cc.Columns, "change": nonEmpty(string(cc.Change)),
	}
	err := s.write(ctx, "create campaign "+id, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id}) RETURN c.id AS id`, params)
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			return lineage.Errorf(lineage.ECONFLICT, "Campaign %q exists already.", id)
		}
		return consume(ctx, tx, `CREATE (c:Campaign {id: $id, table: $table, replacement: $replacement, title: $title,
  message: $message, deadline: $deadline, reach: $reach, state: $state, creator: $creator,
  createdAt: $createdAt, updatedAt: $updatedAt, completedAt: $completedAt, creatingUntil: $creatingUntil,
  columns: $columns, change: $change})
WITH c
OPTIONAL MATCH (t:Table {name: $table})
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (c)-[:MIGRATES]->(t))
WITH c
UNWIND $targets AS row
CREATE (c)-[:TARGETS]->(g:Target)
SET g = row`, params)
	})
	if err != nil {
		return err
	}
	c.ID, c.Table, c.Reach, c.State, c.Targets = id, table, cc.Reach, cc.State, targets
	c.Columns, c.Change = cc.Columns, cc.Change
	c.CreatedAt, c.UpdatedAt = created.UTC(), updated.UTC()
	if !c.Deadline.IsZero() {
		c.Deadline = c.Deadline.UTC()
	}
	if !c.CompletedAt.IsZero() {
		c.CompletedAt = c.CompletedAt.UTC()
	}
	if !c.CreatingUntil.IsZero() {
		c.CreatingUntil = c.CreatingUntil.UTC()
	}
	return nil
}

// cypherCampaignRead returns campaigns (matched as c) with their targets.
const cypherCampaignRead = `
OPTIONAL MATCH (c)-[:TARGETS]->(g:Target)
WITH c, g ORDER BY g.owner
RETURN c, collect(g) AS targets`

// campaignRecord reads a row of cypherCampaignRead.
func campaignRecord(r *driver.Record) lineage.Campaign {
	c := campaignFrom(props(r, "c"))
	v, _ := r.Get("targets")
	list, _ := v.([]any)
	for _, x := range list {
		if n, ok := x.(driver.Node); ok {
			c.Targets = append(c.Targets, targetFrom(n.Props))
		}
	}
	slices.SortFunc(c.Targets, func(a, b lineage.Target) int { return strings.Compare(a.Owner, b.Owner) })
	return c
}

// Campaign returns a campaign with its targets sorted by owner.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Campaign(ctx context.Context, id string) (*lineage.Campaign, error) {
	var c *lineage.Campaign
	err := s.read(ctx, "campaign "+id, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id})`+cypherCampaignRead, map[string]any{"id": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", id)
		}
		cc := campaignRecord(recs[0])
		c = &cc
		return nil
	})
	return c, err
}

// campaignsCursor prefixes Campaigns cursors: creation time in Unix
// nanoseconds, then the id.
const campaignsCursor = "c1:"

// Campaigns lists campaigns newest first (ties by id, descending).
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) Campaigns(ctx context.Context, f lineage.CampaignFilter) (*lineage.CampaignPage, error) {
	first, err := lineage.CheckLimit("first", f.First, lineage.DefaultPage, lineage.MaxPage)
	if err != nil {
		return nil, err
	}
	if f.State != "" && !f.State.Valid() {
		return nil, lineage.FieldErrorf("state", "must be ACTIVE, COMPLETE or CANCELLED, got %q", f.State)
	}
	params := map[string]any{"state": string(f.State), "cursor": false, "at": time.Unix(0, 0).UTC(), "id": "", "limit": int64(first + 1)}
	if f.After != "" {
		raw, err := decodeCursor(campaignsCursor, f.After)
		if err != nil {
			return nil, err
		}
		ns, id, ok := strings.Cut(raw, ":")
		n, perr := strconv.ParseInt(ns, 10, 64)
		if !ok || perr != nil {
			return nil, lineage.FieldErrorf("after", "is not a cursor from this listing")
		}
		params["cursor"], params["at"], params["id"] = true, time.Unix(0, n).UTC(), id
	}
	var page *lineage.CampaignPage
	err = s.read(ctx, "list campaigns", func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign)
WHERE ($state = '' OR c.state = $state)
  AND (NOT $cursor OR c.createdAt < $at OR (c.createdAt = $at AND c.id < $id))
WITH c ORDER BY c.createdAt DESC, c.id DESC LIMIT $limit`+cypherCampaignRead, params)
		if err != nil {
			return err
		}
		page = &lineage.CampaignPage{}
		for _, r := range recs {
			page.Campaigns = append(page.Campaigns, campaignRecord(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// collect() after ORDER BY keeps no order across rows; sort again.
	slices.SortFunc(page.Campaigns, func(a, b lineage.Campaign) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.ID, a.ID))
	})
	if len(page.Campaigns) > first {
		page.Campaigns, page.HasNext = page.Campaigns[:first], true
	}
	if n := len(page.Campaigns); n > 0 {
		last := page.Campaigns[n-1]
		page.EndCursor = encodeCursor(campaignsCursor, fmt.Sprintf("%d:%s", last.CreatedAt.UnixNano(), last.ID))
	}
	return page, nil
}

// UpdateCampaign sets the non-nil fields of u.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) UpdateCampaign(ctx context.Context, id string, u lineage.CampaignUpdate) error {
	set := map[string]any{}
	if u.State != nil {
		if !u.State.Valid() {
			return lineage.FieldErrorf("state", "must be ACTIVE, COMPLETE or CANCELLED, got %q", *u.State)
		}
		set["state"] = string(*u.State)
	}
	if u.CompletedAt != nil {
		set["completedAt"] = timeParam(*u.CompletedAt)
	}
	if u.UpdatedAt != nil {
		set["updatedAt"] = timeParam(*u.UpdatedAt)
	}
	if u.CreatingUntil != nil {
		set["creatingUntil"] = timeParam(*u.CreatingUntil)
	}
	return s.write(ctx, "update campaign "+id, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id}) SET c += $set RETURN c.id AS id`,
			map[string]any{"id": id, "set": set})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", id)
		}
		return nil
	})
}

// AddTarget adds a target to a campaign.
// Errors: EINVALID, ENOTFOUND, ECONFLICT, EUNAVAILABLE.
func (s *Store) AddTarget(ctx context.Context, campaignID string, t lineage.Target) error {
	if err := prepareTarget("", &t, s.clock()); err != nil {
		return err
	}
	row := targetRow(campaignID, t)
	return s.write(ctx, "add target "+t.Owner+" to campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id})
OPTIONAL MATCH (c)-[:TARGETS]->(g:Target {owner: $owner})
RETURN c.id AS id, g IS NOT NULL AS exists`, map[string]any{"id": campaignID, "owner": t.Owner})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", campaignID)
		}
		if v, _ := recs[0].Get("exists"); v == true {
			return lineage.Errorf(lineage.ECONFLICT, "Owner %q is a target of campaign %q already.", t.Owner, campaignID)
		}
		return consume(ctx, tx, `MATCH (c:Campaign {id: $id})
CREATE (c)-[:TARGETS]->(g:Target)
SET g = $row`, map[string]any{"id": campaignID, "row": row})
	})
}

// UpdateTarget sets the non-nil fields of u on one target.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) UpdateTarget(ctx context.Context, campaignID, owner string, u lineage.TargetUpdate) error {
	owner, err := lineage.NormalizeName("owner", owner, true)
	if err != nil {
		return err
	}
	set := map[string]any{}
	if u.Jobs != nil {
		set["jobs"] = strList(*u.Jobs)
	}
	if u.Tables != nil {
		set["tables"] = strList(*u.Tables)
	}
	if u.State != nil {
		if !u.State.Valid() {
			return lineage.FieldErrorf("state", "must be PENDING, OPEN, COMPLETE or CANCELLED, got %q", *u.State)
		}
		set["state"] = string(*u.State)
	}
	if u.TicketKey != nil {
		set["ticketKey"] = nonEmpty(*u.TicketKey)
	}
	if u.TicketURL != nil {
		set["ticketUrl"] = nonEmpty(*u.TicketURL)
	}
	if u.TicketStatus != nil {
		if *u.TicketStatus != "" && !u.TicketStatus.Valid() {
			return lineage.FieldErrorf("ticketStatus", "must be TODO, IN_PROGRESS or DONE, got %q", *u.TicketStatus)
		}
		set["ticketStatus"] = nonEmpty(string(*u.TicketStatus))
	}
	if u.Unassigned != nil {
		set["unassigned"] = *u.Unassigned
	}
	if u.Verification != nil {
		if !u.Verification.Valid() {
			return lineage.FieldErrorf("verification", "must be UNVERIFIED, STILL_READING or VERIFIED, got %q", *u.Verification)
		}
		set["verification"] = string(*u.Verification)
	}
	if u.Detail != nil {
		set["detail"] = nonEmpty(*u.Detail)
	}
	if u.LastError != nil {
		set["lastError"] = nonEmpty(*u.LastError)
	}
	if u.Attempts != nil {
		set["attempts"] = int64(*u.Attempts)
	}
	if u.RemindedAt != nil {
		set["remindedAt"] = timeParam(*u.RemindedAt)
	}
	if u.UpdatedAt != nil {
		set["updatedAt"] = timeParam(*u.UpdatedAt)
	}
	return s.write(ctx, "update target "+owner+" of campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id})
OPTIONAL MATCH (c)-[:TARGETS]->(g:Target {owner: $owner})
SET g += $set
RETURN g IS NOT NULL AS found`, map[string]any{"id": campaignID, "owner": owner, "set": set})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", campaignID)
		}
		if v, _ := recs[0].Get("found"); v != true {
			return lineage.Errorf(lineage.ENOTFOUND, "Owner %q is not a target of campaign %q.", owner, campaignID)
		}
		return nil
	})
}

// nextSeq increments the named counter node and returns its new value. The
// write lock on the counter serializes concurrent callers.
const cypherNextSeq = `MERGE (n:Counter {name: $counter})
ON CREATE SET n.value = 0
SET n.value = n.value + 1
RETURN n.value AS value`

func nextSeq(ctx context.Context, tx driver.ManagedTransaction, counter string) (int64, error) {
	recs, err := collect(ctx, tx, cypherNextSeq, map[string]any{"counter": counter})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("counter %s: %d rows", counter, len(recs))
	}
	return integer(recs[0], "value"), nil
}

// AppendEvent appends to a campaign's log and sets e.ID (and e.At when zero).
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) AppendEvent(ctx context.Context, e *lineage.Event) error {
	if strings.TrimSpace(e.Kind) == "" {
		return lineage.FieldErrorf("kind", "must not be empty")
	}
	at := e.At
	if at.IsZero() {
		at = s.clock()
	}
	var id int64
	err := s.write(ctx, "append event to campaign "+e.CampaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id}) RETURN c.id AS id`, map[string]any{"id": e.CampaignID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", e.CampaignID)
		}
		if id, err = nextSeq(ctx, tx, "event"); err != nil {
			return err
		}
		return consume(ctx, tx, `MATCH (c:Campaign {id: $campaignId})
CREATE (c)-[:LOGGED]->(:Event {id: $seq, campaignId: $campaignId, at: $at, actor: $actor, kind: $kind, owner: $owner, message: $message})`,
			map[string]any{"campaignId": e.CampaignID, "seq": id, "at": timeParam(at), "actor": nonEmpty(e.Actor),
				"kind": e.Kind, "owner": nonEmpty(e.Owner), "message": nonEmpty(e.Message)})
	})
	if err != nil {
		return err
	}
	e.ID, e.At = id, at.UTC()
	return nil
}

// Events returns a campaign's log, oldest first.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Events(ctx context.Context, campaignID string) ([]lineage.Event, error) {
	var out []lineage.Event
	err := s.read(ctx, "events of campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id})
OPTIONAL MATCH (c)-[:LOGGED]->(e:Event)
RETURN e ORDER BY e.id`, map[string]any{"id": campaignID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", campaignID)
		}
		out = out[:0]
		for _, r := range recs {
			p := props(r, "e")
			if p == nil {
				continue
			}
			v, _ := p["id"].(int64)
			out = append(out, lineage.Event{
				ID: v, CampaignID: pstr(p, "campaignId"), At: timeOf(p["at"]), Actor: pstr(p, "actor"),
				Kind: pstr(p, "kind"), Owner: pstr(p, "owner"), Message: pstr(p, "message"),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b lineage.Event) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// AcquireLease takes or renews the lease on a campaign when it is free,
// expired at now, or held by holder already. The check and the set are one
// statement, and the statement's write lock on the campaign node serializes
// competing holders.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) AcquireLease(ctx context.Context, campaignID, holder string, now, until time.Time) (bool, error) {
	var got bool
	err := s.write(ctx, "lease campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id})
SET c._lock = true
REMOVE c._lock
WITH c, (c.leaseHolder IS NULL OR c.leaseHolder = $holder OR c.leaseUntil <= $now) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END | SET c.leaseHolder = $holder, c.leaseUntil = $until)
RETURN free`, map[string]any{"id": campaignID, "holder": holder, "now": now.UTC(), "until": until.UTC()})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", campaignID)
		}
		v, _ := recs[0].Get("free")
		got = v == true
		return nil
	})
	return got, err
}

// ReleaseLease gives up holder's lease on a campaign, if it holds it.
// Errors: EUNAVAILABLE.
func (s *Store) ReleaseLease(ctx context.Context, campaignID, holder string) error {
	return s.write(ctx, "release lease on campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		return consume(ctx, tx, `MATCH (c:Campaign {id: $id}) WHERE c.leaseHolder = $holder
REMOVE c.leaseHolder, c.leaseUntil`, map[string]any{"id": campaignID, "holder": holder})
	})
}

// Lease returns a campaign's current lease, expired or not.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Lease(ctx context.Context, campaignID string) (lineage.Lease, error) {
	var l lineage.Lease
	err := s.read(ctx, "lease of campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (c:Campaign {id: $id}) RETURN c.leaseHolder AS holder, c.leaseUntil AS until`,
			map[string]any{"id": campaignID})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Campaign %q not found.", campaignID)
		}
		h, _ := recs[0].Get("holder")
		u, _ := recs[0].Get("until")
		l.Holder, _ = h.(string)
		l.Until = timeOf(u)
		return nil
	})
	return l, err
}

// ticketRow is a ticket as a parameter map.
func ticketRow(t *lineage.Ticket) (map[string]any, error) {
	comments, err := json.Marshal(t.Comments)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"key": t.Key, "url": nonEmpty(t.URL), "campaignId": t.CampaignID, "owner": nonEmpty(t.Owner),
		"assignee": nonEmpty(t.Assignee), "unassigned": t.Unassigned, "status": string(t.Status),
		"summary": t.Summary, "description": nonEmpty(t.Description), "due": timeParam(t.Due),
		"comments": string(comments), "createdAt": timeParam(t.CreatedAt), "updatedAt": timeParam(t.UpdatedAt),
	}, nil
}

// ticketFrom reads a Ticket node's properties.
func ticketFrom(p map[string]any) (lineage.Ticket, error) {
	t := lineage.Ticket{
		Key: pstr(p, "key"), URL: pstr(p, "url"), CampaignID: pstr(p, "campaignId"), Owner: pstr(p, "owner"),
		Assignee: pstr(p, "assignee"), Unassigned: pbool(p, "unassigned"), Status: lineage.TicketStatus(pstr(p, "status")),
		Summary: pstr(p, "summary"), Description: pstr(p, "description"), Due: timeOf(p["due"]),
		CreatedAt: timeOf(p["createdAt"]), UpdatedAt: timeOf(p["updatedAt"]),
	}
	if c := pstr(p, "comments"); c != "" && c != "null" {
		if err := json.Unmarshal([]byte(c), &t.Comments); err != nil {
			return t, fmt.Errorf("ticket %s comments: %w", t.Key, err)
		}
		for i := range t.Comments {
			t.Comments[i].At = t.Comments[i].At.UTC()
		}
	}
	return t, nil
}

// normalizeTicketTimes puts a ticket's times in UTC, as they read back.
func normalizeTicketTimes(t *lineage.Ticket) {
	utc := func(x *time.Time) {
		if !x.IsZero() {
			*x = x.UTC()
		}
	}
	utc(&t.Due)
	utc(&t.CreatedAt)
	utc(&t.UpdatedAt)
	for i := range t.Comments {
		utc(&t.Comments[i].At)
	}
}

// CreateTicket stores a new built-in ticket and assigns its key LIN-n from a
// counter, so keys follow creation order.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Store) CreateTicket(ctx context.Context, t *lineage.Ticket) error {
	tk := *t
	if err := tk.Normalize(s.clock()); err != nil {
		return err
	}
	normalizeTicketTimes(&tk)
	err := s.write(ctx, "create ticket", func(tx driver.ManagedTransaction) error {
		seq, err := nextSeq(ctx, tx, "ticket")
		if err != nil {
			return err
		}
		tk.Key = "LIN-" + strconv.FormatInt(seq, 10)
		row, err := ticketRow(&tk)
		if err != nil {
			return err
		}
		row["seq"] = seq
		return consume(ctx, tx, `CREATE (t:Ticket) SET t = $row`, map[string]any{"row": row})
	})
	if err != nil {
		return err
	}
	*t = tk
	return nil
}

// UpdateTicket replaces a ticket's status, assignee, comments and update
// time.
// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
func (s *Store) UpdateTicket(ctx context.Context, t *lineage.Ticket) error {
	if t.Status != "" && !t.Status.Valid() {
		return lineage.FieldErrorf("status", "must be TODO, IN_PROGRESS or DONE, got %q", t.Status)
	}
	tk := *t
	if tk.UpdatedAt.IsZero() {
		tk.UpdatedAt = s.clock()
	}
	normalizeTicketTimes(&tk)
	row, err := ticketRow(&tk)
	if err != nil {
		return err
	}
	set := map[string]any{"assignee": row["assignee"], "unassigned": row["unassigned"], "comments": row["comments"], "updatedAt": row["updatedAt"]}
	if tk.Status != "" {
		set["status"] = row["status"]
	}
	err = s.write(ctx, "update ticket "+t.Key, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (t:Ticket {key: $key}) SET t += $set RETURN t.key AS key`,
			map[string]any{"key": t.Key, "set": set})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", t.Key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	t.UpdatedAt = tk.UpdatedAt
	return nil
}

// Ticket returns a ticket by key.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Ticket(ctx context.Context, key string) (*lineage.Ticket, error) {
	var t *lineage.Ticket
	err := s.read(ctx, "ticket "+key, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (t:Ticket {key: $key}) RETURN t`, map[string]any{"key": strings.TrimSpace(key)})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return lineage.Errorf(lineage.ENOTFOUND, "Ticket %q not found.", key)
		}
		tk, err := ticketFrom(props(recs[0], "t"))
		t = &tk
		return err
	})
	return t, err
}

// FindTickets returns a campaign's tickets (of one owner when owner is not
// empty) in creation order.
// Errors: EUNAVAILABLE.
func (s *Store) FindTickets(ctx context.Context, campaignID, owner string) ([]lineage.Ticket, error) {
	var out []lineage.Ticket
	err := s.read(ctx, "tickets of campaign "+campaignID, func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `MATCH (t:Ticket {campaignId: $id})
WHERE $owner = '' OR t.owner = $owner
RETURN t ORDER BY t.seq`, map[string]any{"id": campaignID, "owner": owner})
		if err != nil {
			return err
		}
		out = out[:0]
		for _, r := range recs {
			tk, err := ticketFrom(props(r, "t"))
			if err != nil {
				return err
			}
			out = append(out, tk)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	seq := func(k string) int { n, _ := strconv.Atoi(strings.TrimPrefix(k, "LIN-")); return n }
	slices.SortFunc(out, func(a, b lineage.Ticket) int { return cmp.Compare(seq(a.Key), seq(b.Key)) })
	return out, nil
}
