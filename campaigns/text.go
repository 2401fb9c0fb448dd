package campaigns

import (
	"fmt"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
)

// ticketRequest writes the ticket of one target.
func ticketRequest(c *lineage.Campaign, t *lineage.Target, owner lineage.Owner) lineage.TicketRequest {
	if owner.Handle == "" {
		owner.Handle = t.Owner
	}
	var b strings.Builder
	if c.Message != "" {
		b.WriteString(c.Message)
		b.WriteString("\n\n")
	}
	switch t.Role {
	case lineage.RoleAct:
		if len(c.Columns) > 0 {
			fmt.Fprintf(&b, "Columns of %s change (%s): %s. Only jobs that use these columns are concerned", c.Table, c.Change, strings.Join(c.Columns, ", "))
		} else {
			fmt.Fprintf(&b, "The table %s is being changed or retired", c.Table)
		}
		if c.Replacement != "" {
			fmt.Fprintf(&b, "; its replacement is %s", c.Replacement)
		}
		fmt.Fprintf(&b, ". These jobs of %s read it:\n", t.Owner)
	default:
		fmt.Fprintf(&b, "%s is being changed. Your jobs do not read it, but they read tables built from it (%d hops downstream), so you are told; there is nothing to do unless you see a reason. Jobs of %s concerned:\n",
			c.Subject(), t.Hops, t.Owner)
	}
	for _, j := range t.Jobs {
		fmt.Fprintf(&b, "- %s\n", j)
	}
	if t.Role != lineage.RoleAct && len(t.Tables) > 0 {
		fmt.Fprintf(&b, "Tables they read that depend on %s: %s\n", c.Subject(), strings.Join(t.Tables, ", "))
	}
	if len(t.Watchers) > 0 {
		fmt.Fprintf(&b, "Also named as owners of these jobs (watchers, for information): %s\n", strings.Join(t.Watchers, ", "))
	}
	b.WriteString("\n")
	if !c.Deadline.IsZero() {
		fmt.Fprintf(&b, "Deadline: %s.\n", c.Deadline.UTC().Format("2006-01-02"))
	}
	if t.Role == lineage.RoleAct {
		fmt.Fprintf(&b, "Please move them off %s and close this ticket. lineage checks the lineage graph itself: if a job of yours still reads %s when the ticket is closed, it is reopened.\n", c.Subject(), c.Subject())
	}
	switch {
	case c.ID != "":
		fmt.Fprintf(&b, "Campaign %s, started by %s.", c.ID, c.Creator)
	case c.Creator != "":
		// A preview: the campaign gets its id when it is launched.
		fmt.Fprintf(&b, "Campaign started by %s.", c.Creator)
	default:
		b.WriteString("Campaign started by the person who launches it.")
	}
	summary := c.Title
	if t.Role != lineage.RoleAct {
		summary = "[FYI] " + summary
	}
	return lineage.TicketRequest{
		CampaignID:  c.ID,
		Owner:       owner,
		Summary:     summary,
		Description: b.String(),
		Due:         c.Deadline,
	}
}

// reminderText writes a reminder for a target's ticket.
func reminderText(c *lineage.Campaign, t *lineage.Target, now time.Time) (subject, body string) {
	if c.Deadline.IsZero() {
		subject = fmt.Sprintf("Reminder: %s", c.Title)
	} else if now.Before(c.Deadline) {
		days := int(c.Deadline.Sub(now).Hours()/24 + 0.5)
		subject = fmt.Sprintf("Reminder: %s (due %s, in %d day%s)", c.Title, c.Deadline.Format("2006-01-02"), days, map[bool]string{true: "", false: "s"}[days == 1])
	} else {
		subject = fmt.Sprintf("Overdue: %s (was due %s)", c.Title, c.Deadline.Format("2006-01-02"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Ticket %s for %s is still open.", t.TicketKey, t.Owner)
	if t.Verification == lineage.VerifyStillReading && t.Detail != "" {
		fmt.Fprintf(&b, " %s", t.Detail)
	}
	if t.Verification == lineage.VerifyClean && t.Role == lineage.RoleAct {
		fmt.Fprintf(&b, " No job of yours reads %s any more: please close the ticket.", c.Table)
	}
	if c.Replacement != "" {
		fmt.Fprintf(&b, " The replacement is %s.", c.Replacement)
	}
	return subject, b.String()
}
