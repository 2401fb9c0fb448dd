package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

// flagPrefix marks a target's LastError when its ticket is done, a job
// still reads the table, and the tracker's workflow cannot reopen it: the
// comment is made once, not on every pass.
const flagPrefix = "flagged: "

// step runs one pass over a campaign; the caller holds its lease. Tracker
// failures are recorded on the targets they concern (and retried by the next
// step), not returned; the error is for the store.
func (s *Service) step(ctx context.Context, id string) (*lineage.Campaign, error) {
	ctx = withRefs(ctx, s, id)
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	switch c.State {
	case lineage.CampaignCancelled:
		s.closeCancelled(ctx, c, SystemActor, "")
		return s.Store.Campaign(ctx, id)
	case lineage.CampaignComplete:
		return c, nil
	}
	now, err := s.usage(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := s.addReaders(ctx, c, now.readers); err != nil {
		return nil, err
	}
	fresh := s.ensureTickets(ctx, c)
	if err := ctx.Err(); err != nil { // the lease was lost meanwhile
		return nil, lineage.WrapError(lineage.ECONFLICT, errLeaseLost, "%s", lineage.ErrorMessage(errLeaseLost))
	}
	s.syncStatuses(ctx, c, fresh)
	if err := s.verify(ctx, c, now); err != nil {
		return nil, err
	}
	s.remindDue(ctx, c)
	if err := s.completeIfDone(ctx, c, now.readers[""]); err != nil {
		return nil, err
	}
	return s.Store.Campaign(ctx, id)
}

// usage is what the lineage says now of a campaign's table or columns.
type usage struct {
	// readers are the jobs that still read the table (for a column-scoped
	// campaign: still use one of its columns by name), by owner ("" for
	// none).
	readers map[string][]string
	// maybe, for a column-scoped campaign, are the jobs that read the table
	// but whose use of its columns lineage cannot tell (a star over unknown
	// columns, an ambiguous name, no column lineage at all), by owner. Such
	// a target is never verified clean: its owner's closing the ticket is
	// what confirms it.
	maybe map[string][]string
	// lines, for a column-scoped campaign, are the lines where each job (by
	// id) uses the columns by name.
	lines map[string][]int
}

// usage reads, in one table and one column lookup, what the lineage says
// now of the campaign's table or columns.
func (s *Service) usage(ctx context.Context, c *lineage.Campaign) (*usage, error) {
	u := &usage{readers: map[string][]string{}, maybe: map[string][]string{}, lines: map[string][]int{}}
	if len(c.Columns) > 0 && s.Columns == nil {
		return nil, lineage.Errorf(lineage.EUNAVAILABLE, "Campaign %s is scoped to columns, but this server has no column store.", c.ID)
	}
	add := func(m map[string][]string, j lineage.Job) {
		if !slices.Contains(m[j.Owner], j.ID) {
			m[j.Owner] = append(m[j.Owner], j.ID)
		}
	}
	info, err := s.Graph.Table(ctx, c.Table)
	if lineage.ErrorCode(err) == lineage.ENOTFOUND {
		return u, nil
	}
	if err != nil {
		return nil, err
	}
	if len(c.Columns) == 0 {
		for _, j := range info.Readers {
			add(u.readers, j)
		}
	} else {
		cols, err := s.Columns.Columns(ctx, c.Table)
		if lineage.ErrorCode(err) == lineage.ENOTFOUND {
			return u, nil
		}
		if err != nil {
			return nil, err
		}
		hasColumns := map[string]bool{}
		for _, ci := range cols {
			changed := slices.Contains(c.Columns, ci.Name)
			for _, use := range ci.Uses {
				hasColumns[use.Job.ID] = true
				switch {
				case changed && !use.Unresolved:
					add(u.readers, use.Job)
					if use.Line > 0 && !slices.Contains(u.lines[use.Job.ID], use.Line) {
						u.lines[use.Job.ID] = append(u.lines[use.Job.ID], use.Line)
					}
				case changed || ci.Name == lineage.Star:
					add(u.maybe, use.Job)
				}
			}
		}
		for _, j := range info.Readers {
			if !hasColumns[j.ID] {
				add(u.maybe, j)
			}
		}
	}
	for _, m := range []map[string][]string{u.readers, u.maybe} {
		for o := range m {
			slices.Sort(m[o])
		}
	}
	for j := range u.lines {
		slices.Sort(u.lines[j])
	}
	return u, nil
}

// joinInts joins numbers with commas.
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// addReaders makes the owner of each job that started reading the table
// during the campaign a new target.
func (s *Service) addReaders(ctx context.Context, c *lineage.Campaign, readers map[string][]string) error {
	known := map[string]bool{}
	for _, t := range c.Targets {
		known[t.Owner] = true
	}
	var owners []string
	for o := range readers {
		if o != "" && !known[o] {
			owners = append(owners, o)
		}
	}
	slices.Sort(owners)
	for _, o := range owners {
		now := s.now()
		t := lineage.Target{
			Owner: o, Role: lineage.RoleAct, Hops: 1,
			Jobs: readers[o], Tables: []string{c.Table},
			State: lineage.TargetPending, Verification: lineage.VerifyStillReading,
			Detail:    fmt.Sprintf("%s %s %s.", plural(len(readers[o]), "Job", "Jobs"), listSome(readers[o], 5), verb(len(readers[o]), "reads", "read")+" "+c.Subject()),
			CreatedAt: now, UpdatedAt: now,
		}
		ts := []lineage.Target{t}
		if err := s.addWatchers(ctx, ts); err != nil {
			return err
		}
		t = ts[0]
		err := s.Store.AddTarget(ctx, c.ID, t)
		if lineage.ErrorCode(err) == lineage.ECONFLICT {
			continue // added meanwhile by another step
		}
		if err != nil {
			return err
		}
		s.event(ctx, c.ID, SystemActor, "target_added", o, "%s %s started reading %s during the campaign; %s is now a target.",
			plural(len(readers[o]), "Job", "Jobs"), listSome(readers[o], 5), c.Subject(), o)
		c.Targets = append(c.Targets, t)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func verb(n int, one, many string) string { return plural(n, one, many) }

// ensureTickets gets a ticket for every target that has none, and returns
// the owners whose ticket it got now.
func (s *Service) ensureTickets(ctx context.Context, c *lineage.Campaign) map[string]bool {
	var idx []int
	var reqs []lineage.TicketRequest
	for i := range c.Targets {
		t := &c.Targets[i]
		if t.TicketKey != "" || (t.State != lineage.TargetPending && t.State != lineage.TargetOpen) {
			continue
		}
		owner := lineage.Owner{Handle: t.Owner}
		if info, err := s.Graph.Owner(ctx, t.Owner); err == nil {
			owner = info.Owner
		}
		idx = append(idx, i)
		reqs = append(reqs, ticketRequest(c, t, owner))
	}
	fresh := map[string]bool{}
	if len(reqs) == 0 {
		return fresh
	}
	// Before anything is sent, store until when this call may send: if its
	// answers are lost, or this process dies, whoever tries next knows that
	// tickets created until then may not show in the tracker's search yet.
	for i := range reqs {
		reqs[i].InDoubt = c.CreatingUntil
	}
	until := s.now().Add(s.CreateTimeout)
	if err := s.Store.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{CreatingUntil: &until}); err != nil {
		for _, i := range idx {
			s.failTarget(ctx, c.ID, &c.Targets[i], "creating the ticket", err)
		}
		return fresh
	}
	c.CreatingUntil = until
	cctx, cancel := context.WithTimeout(ctx, s.CreateTimeout)
	results, err := s.Tracker.EnsureTickets(cctx, reqs)
	cancel()
	// The call is over: nothing more can be sent, so creations in doubt
	// were sent by now, not by the bound stored above.
	if now := s.now(); now.Before(until) {
		if uerr := s.Store.UpdateCampaign(context.WithoutCancel(ctx), c.ID, lineage.CampaignUpdate{CreatingUntil: &now}); uerr == nil {
			c.CreatingUntil = now
		}
	}
	if err == nil && len(results) != len(reqs) {
		err = lineage.Errorf(lineage.EINTERNAL, "The %s tracker answered %d results for %d tickets.", s.Tracker.Name(), len(results), len(reqs))
	}
	if err != nil {
		for _, i := range idx {
			s.failTarget(ctx, c.ID, &c.Targets[i], "creating the ticket", err)
		}
		return fresh
	}
	for k, i := range idx {
		t := &c.Targets[i]
		r := results[k]
		if r.Err != nil || r.Ticket == nil {
			if r.Err == nil {
				r.Err = lineage.Errorf(lineage.EINTERNAL, "The tracker returned neither a ticket nor an error.")
			}
			s.failTarget(ctx, c.ID, t, "creating the ticket", r.Err)
			continue
		}
		tk := r.Ticket
		now := s.now()
		st, empty, attempts := lineage.TargetOpen, "", t.Attempts+1
		status := tk.Status
		if status == "" {
			status = lineage.TicketTodo
		}
		u := lineage.TargetUpdate{State: &st, TicketKey: &tk.Key, TicketURL: &tk.URL, TicketStatus: &status,
			Unassigned: &tk.Unassigned, LastError: &empty, Attempts: &attempts, UpdatedAt: &now}
		if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, u); err != nil {
			// The ticket exists; the next step finds it again by campaign
			// and owner instead of creating another.
			s.Logger.Error("campaigns: target not updated after ticket creation", "campaign", c.ID, "owner", t.Owner, "ticket", tk.Key, "err", err)
			continue
		}
		t.State, t.TicketKey, t.TicketURL, t.TicketStatus, t.Unassigned, t.LastError, t.Attempts = st, tk.Key, tk.URL, status, tk.Unassigned, "", attempts
		fresh[t.Owner] = true
		msg := fmt.Sprintf("Ticket %s (%s) is %s's: %s", tk.Key, s.Tracker.Name(), t.Owner, tk.URL)
		if tk.Unassigned {
			msg += "; unassigned, since the tracker knows no user for " + t.Owner
		}
		s.event(ctx, c.ID, SystemActor, "ticket_created", t.Owner, "%s.", msg)
	}
	return fresh
}

// syncStatuses reads the tickets of open targets from the tracker (except
// those just created) and records status changes.
func (s *Service) syncStatuses(ctx context.Context, c *lineage.Campaign, fresh map[string]bool) {
	var keys []string
	for _, t := range c.Targets {
		if t.TicketKey != "" && t.State == lineage.TargetOpen && !fresh[t.Owner] {
			keys = append(keys, t.TicketKey)
		}
	}
	if len(keys) == 0 {
		return
	}
	tickets, err := s.Tracker.Tickets(ctx, keys)
	if err != nil {
		for i := range c.Targets {
			t := &c.Targets[i]
			if slices.Contains(keys, t.TicketKey) {
				s.failTarget(ctx, c.ID, t, "reading "+t.TicketKey, err)
			}
		}
		return
	}
	byKey := make(map[string]lineage.Ticket, len(tickets))
	for _, tk := range tickets {
		byKey[tk.Key] = tk
	}
	who := s.Tracker.Name()
	for i := range c.Targets {
		t := &c.Targets[i]
		if !slices.Contains(keys, t.TicketKey) {
			continue
		}
		now := s.now()
		tk, ok := byKey[t.TicketKey]
		if !ok {
			// Deleted in the tracker: ensure a ticket again. The tracker
			// looks for one of this campaign and owner before creating.
			gone := t.TicketKey
			st, empty, msg := lineage.TargetPending, "", fmt.Sprintf("ticket %s no longer exists in %s; a new one will be made", gone, who)
			u := lineage.TargetUpdate{State: &st, TicketKey: &empty, TicketURL: &empty, LastError: &msg, UpdatedAt: &now}
			if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, u); err != nil {
				s.Logger.Error("campaigns: target not updated", "campaign", c.ID, "owner", t.Owner, "err", err)
				continue
			}
			t.State, t.TicketKey, t.TicketURL, t.LastError = st, "", "", msg
			s.event(ctx, c.ID, SystemActor, "ticket_missing", t.Owner, "Ticket %s no longer exists in %s; a new one will be made.", gone, who)
			continue
		}
		u := lineage.TargetUpdate{UpdatedAt: &now}
		changed := false
		if tk.Status != "" && tk.Status != t.TicketStatus {
			u.TicketStatus = &tk.Status
			changed = true
		}
		if tk.Unassigned != t.Unassigned {
			u.Unassigned = &tk.Unassigned
			changed = true
		}
		if strings.HasPrefix(t.LastError, "reading ") {
			empty := ""
			u.LastError = &empty
			changed = true
		}
		if !changed {
			continue
		}
		if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, u); err != nil {
			s.Logger.Error("campaigns: target not updated", "campaign", c.ID, "owner", t.Owner, "err", err)
			continue
		}
		if u.TicketStatus != nil {
			s.event(ctx, c.ID, who, "ticket_status", t.Owner, "%s moved from %s to %s.", t.TicketKey, t.TicketStatus, tk.Status)
			t.TicketStatus = tk.Status
		}
		if u.LastError != nil {
			t.LastError = ""
		}
		t.Unassigned = tk.Unassigned
	}
}

// verify checks each target against the lineage: a target whose owner still
// has a job reading the table is not complete, and a done ticket of theirs is
// reopened with a comment; a target whose ticket is done and whose owner
// reads the table no more is complete.
func (s *Service) verify(ctx context.Context, c *lineage.Campaign, now *usage) error {
	readers, maybe, lines := now.readers, now.maybe, now.lines
	// Owners who must act go first, so that informed owners see whether
	// anyone upstream is left.
	var order []int
	for _, role := range []lineage.TargetRole{lineage.RoleAct, lineage.RoleInform} {
		for i := range c.Targets {
			if c.Targets[i].Role == role {
				order = append(order, i)
			}
		}
	}
	actLeft := -1
	for _, i := range order {
		t := &c.Targets[i]
		if t.State == lineage.TargetCancelled {
			continue
		}
		if t.Role != lineage.RoleAct && actLeft < 0 {
			actLeft = 0
			for _, a := range c.Targets {
				if a.Role == lineage.RoleAct && a.State != lineage.TargetComplete && a.State != lineage.TargetCancelled {
					actLeft++
				}
			}
		}
		jobs := readers[t.Owner]
		now := s.now()
		var u lineage.TargetUpdate
		changed := false
		set := func(apply func()) { apply(); changed = true }

		if len(jobs) > 0 {
			named := jobs
			if len(lines) > 0 {
				// A column campaign names the lines where each job uses
				// the columns.
				named = make([]string, len(jobs))
				for i, j := range jobs {
					named[i] = j
					if ls := lines[j]; len(ls) > 0 {
						named[i] = fmt.Sprintf("%s (line %s)", j, joinInts(ls))
					}
				}
			}
			detail := fmt.Sprintf("%s %s still %s %s.", plural(len(jobs), "Job", "Jobs"), listSome(named, 5), verb(len(jobs), "reads", "read"), c.Subject())
			if t.Verification != lineage.VerifyStillReading {
				v := lineage.VerifyStillReading
				set(func() { u.Verification = &v })
			}
			if t.Detail != detail {
				set(func() { u.Detail = &detail })
			}
			if merged := union(t.Jobs, jobs); len(merged) != len(t.Jobs) {
				set(func() { u.Jobs = &merged })
			}
			if t.State == lineage.TargetComplete {
				st := lineage.TargetOpen
				set(func() { u.State = &st })
				s.event(ctx, c.ID, SystemActor, "target_reopened", t.Owner, "%s", detail)
			}
			if t.TicketKey != "" && t.TicketStatus == lineage.TicketDone && t.LastError != flagPrefix+detail {
				body := fmt.Sprintf("This ticket was closed, but the lineage graph shows that %s, so the migration off %s is not finished. "+
					"It has been reopened: please move %s off %s", strings.ToLower(detail[:1])+detail[1:len(detail)-1], c.Subject(), plural(len(jobs), "this job", "these jobs"), c.Subject())
				if c.Replacement != "" {
					body += " (to " + c.Replacement + ")"
				}
				body += ", and close it again once the change is deployed and re-ingested."
				ref, err := refOf(ctx, c.ID, t.Owner, "reopened", body)
				if err == nil {
					err = s.Tracker.Reopen(ctx, t.TicketKey, ref, body)
				}
				switch {
				case err == nil:
					todo, empty := lineage.TicketTodo, ""
					set(func() { u.TicketStatus = &todo; u.LastError = &empty })
					s.event(ctx, c.ID, SystemActor, "reopened", t.Owner, "%s was closed while %s; reopened with a comment.", t.TicketKey, strings.ToLower(detail[:1])+detail[1:len(detail)-1])
				case lineage.ErrorCode(err) == lineage.ECONFLICT:
					flag := flagPrefix + detail
					set(func() { u.LastError = &flag })
					s.event(ctx, c.ID, SystemActor, "flagged", t.Owner, "%s is done but %s; commented, but the workflow cannot reopen it: %s",
						t.TicketKey, strings.ToLower(detail[:1])+detail[1:len(detail)-1], lineage.ErrorMessage(err))
				default:
					s.failTarget(ctx, c.ID, t, "reopening "+t.TicketKey, err)
				}
			} else if t.TicketStatus != lineage.TicketDone && strings.HasPrefix(t.LastError, flagPrefix) {
				empty := ""
				set(func() { u.LastError = &empty })
			}
		} else {
			v := lineage.VerifyClean
			detail := fmt.Sprintf("No job of %s reads %s.", t.Owner, c.Subject())
			if m := maybe[t.Owner]; len(m) > 0 && t.Role == lineage.RoleAct {
				// Lineage cannot tell whether these jobs use the columns.
				v = lineage.VerifyUnknown
				detail = fmt.Sprintf("%s %s may use %s (a star over unknown columns, an ambiguous name, or no column lineage): lineage cannot check it by name, so closing the ticket is what confirms it.",
					plural(len(m), "Job", "Jobs"), listSome(m, 5), c.Subject())
			}
			if t.Role == lineage.RoleInform {
				detail = fmt.Sprintf("Informed only: %s's jobs read tables downstream of %s, not %s itself.", t.Owner, c.Table, c.Table)
			}
			if t.Verification != v {
				if t.Verification == lineage.VerifyStillReading && v == lineage.VerifyClean {
					s.event(ctx, c.ID, SystemActor, "verified", t.Owner, "No job of %s reads %s any more.", t.Owner, c.Subject())
				}
				set(func() { u.Verification = &v })
			}
			if t.Detail != detail {
				set(func() { u.Detail = &detail })
			}
			if strings.HasPrefix(t.LastError, flagPrefix) {
				empty := ""
				set(func() { u.LastError = &empty })
			}
			complete := t.State == lineage.TargetOpen && t.TicketStatus == lineage.TicketDone
			if t.Role == lineage.RoleInform && t.State == lineage.TargetOpen && t.TicketKey != "" && !complete && actLeft == 0 {
				// Everyone upstream has moved: an informational ticket has
				// nothing left to wait for.
				body := fmt.Sprintf("Every owner whose jobs read %s has moved off it; closing this informational ticket.", c.Table)
				ref, err := refOf(ctx, c.ID, t.Owner, "close-informed", "")
				if err == nil {
					err = s.Tracker.Close(ctx, t.TicketKey, ref, body)
				}
				if err != nil {
					s.failTarget(ctx, c.ID, t, "closing "+t.TicketKey, err)
				} else {
					done := lineage.TicketDone
					set(func() { u.TicketStatus = &done })
					s.event(ctx, c.ID, SystemActor, "ticket_closed", t.Owner, "Closed the informational ticket %s: everyone upstream has moved.", t.TicketKey)
					complete = true
				}
			}
			if complete {
				st, empty := lineage.TargetComplete, ""
				set(func() { u.State = &st; u.LastError = &empty })
				if t.Role == lineage.RoleAct && v == lineage.VerifyUnknown {
					s.event(ctx, c.ID, SystemActor, "target_complete", t.Owner, "%s is done: %s confirmed that %s, which lineage cannot check by name, is not affected: complete.",
						t.TicketKey, t.Owner, listSome(maybe[t.Owner], 5))
				} else if t.Role == lineage.RoleAct {
					s.event(ctx, c.ID, SystemActor, "target_complete", t.Owner, "%s is done and no job of %s reads %s: complete.", t.TicketKey, t.Owner, c.Subject())
				} else {
					s.event(ctx, c.ID, SystemActor, "target_complete", t.Owner, "%s is done: informed.", t.TicketKey)
				}
			}
		}
		if !changed {
			continue
		}
		u.UpdatedAt = &now
		if err := s.Store.UpdateTarget(ctx, c.ID, t.Owner, u); err != nil {
			return err
		}
		applyUpdate(t, u)
	}
	return nil
}

// applyUpdate mirrors a stored update on the in-memory target.
func applyUpdate(t *lineage.Target, u lineage.TargetUpdate) {
	if u.Jobs != nil {
		t.Jobs = *u.Jobs
	}
	if u.State != nil {
		t.State = *u.State
	}
	if u.TicketStatus != nil {
		t.TicketStatus = *u.TicketStatus
	}
	if u.Verification != nil {
		t.Verification = *u.Verification
	}
	if u.Detail != nil {
		t.Detail = *u.Detail
	}
	if u.LastError != nil {
		t.LastError = *u.LastError
	}
	if u.UpdatedAt != nil {
		t.UpdatedAt = *u.UpdatedAt
	}
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// remindDue sends the reminders the schedule calls for: one when the
// deadline is RemindBefore away, then, once overdue, one every RemindEvery.
func (s *Service) remindDue(ctx context.Context, c *lineage.Campaign) {
	if c.Deadline.IsZero() {
		return
	}
	now := s.now()
	soon := c.Deadline.Add(-s.RemindBefore)
	for i := range c.Targets {
		t := &c.Targets[i]
		if t.State != lineage.TargetOpen || t.TicketKey == "" || t.TicketStatus == lineage.TicketDone {
			continue
		}
		switch {
		case !now.Before(c.Deadline):
			if t.RemindedAt.Before(c.Deadline) || now.Sub(t.RemindedAt) >= s.RemindEvery {
				_ = s.remind(ctx, c, t, SystemActor, "Overdue reminder")
			}
		case !now.Before(soon):
			// Owners who got their ticket inside the reminder window were
			// just told; the first reminder is for those told earlier.
			if t.RemindedAt.Before(soon) && t.CreatedAt.Before(soon) {
				_ = s.remind(ctx, c, t, SystemActor, "Reminder")
			}
		}
	}
}

// completeIfDone completes the campaign when every target is complete.
// Jobs without an owner cannot be asked to move; if some still read the
// table, the completion event names them.
func (s *Service) completeIfDone(ctx context.Context, c *lineage.Campaign, unowned []string) error {
	for _, t := range c.Targets {
		if t.State != lineage.TargetComplete && t.State != lineage.TargetCancelled {
			return nil
		}
	}
	now := s.now()
	st := lineage.CampaignComplete
	if err := s.Store.UpdateCampaign(ctx, c.ID, lineage.CampaignUpdate{State: &st, CompletedAt: &now, UpdatedAt: &now}); err != nil {
		return err
	}
	c.State, c.CompletedAt, c.UpdatedAt = st, now, now
	msg := fmt.Sprintf("Every target is complete and no owner's job reads %s: the campaign is complete.", c.Subject())
	if len(unowned) > 0 {
		msg += fmt.Sprintf(" %d job(s) without an owner still read it: %s.", len(unowned), listSome(unowned, 10))
	}
	s.event(ctx, c.ID, SystemActor, "completed", "", "%s", msg)
	return nil
}
