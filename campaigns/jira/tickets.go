package jira

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/lineagehq/lineage"
)

// Label prefixes. Every ticket carries CampaignLabel(id) and OwnerLabel(owner).
const (
	campaignLabelPrefix = "lineage-campaign-"
	ownerLabelPrefix    = "lineage-owner-"
)

// CampaignLabel returns the label naming a campaign on its tickets.
func CampaignLabel(campaignID string) string { return campaignLabelPrefix + labelPart(campaignID) }

// OwnerLabel returns the label naming an owner on their ticket.
func OwnerLabel(owner string) string { return ownerLabelPrefix + labelPart(owner) }

// CampaignFromLabels returns the campaign id named by a ticket's labels, or
// "" when none does. For ids that had to be escaped into a label it returns
// the escaped form, which the caller will not find; it then falls back to
// the ticket key.
func CampaignFromLabels(labels []string) string {
	for _, l := range labels {
		if id, ok := strings.CutPrefix(l, campaignLabelPrefix); ok && id != "" {
			return id
		}
	}
	return ""
}

// labelPart makes s usable inside a Jira label (no spaces, bounded length).
// When it has to change s, it appends a hash of the original so that two
// different values never share a label.
func labelPart(s string) string {
	var b strings.Builder
	changed := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
			changed = true
		}
	}
	out := b.String()
	if len(out) > 180 {
		out, changed = out[:180], true
	}
	if changed || out != s {
		sum := sha256.Sum256([]byte(s))
		out += "-" + hex.EncodeToString(sum[:4])
	}
	return out
}

// issue is an issue as search and get return it (v2 or v3).
type issue struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Fields struct {
		Summary     string          `json:"summary"`
		Description json.RawMessage `json:"description"`
		Labels      []string        `json:"labels"`
		Status      *gojira.Status  `json:"status"`
		Assignee    *gojira.User    `json:"assignee"`
		DueDate     string          `json:"duedate"`
		Created     string          `json:"created"`
		Updated     string          `json:"updated"`
	} `json:"fields"`
}

var issueFields = []string{"summary", "description", "labels", "status", "assignee", "duedate", "created", "updated"}

// ticket converts an issue into a lineage.Ticket.
func (t *Tracker) ticket(is issue) lineage.Ticket {
	tk := lineage.Ticket{
		Key:         is.Key,
		URL:         t.BrowseURL(is.Key),
		CampaignID:  CampaignFromLabels(is.Fields.Labels),
		Summary:     is.Fields.Summary,
		Description: descriptionText(is.Fields.Description),
		Status:      lineage.TicketTodo,
		Unassigned:  is.Fields.Assignee == nil,
	}
	for _, l := range is.Fields.Labels {
		if o, ok := strings.CutPrefix(l, ownerLabelPrefix); ok {
			tk.Owner = o
		}
	}
	if a := is.Fields.Assignee; a != nil {
		tk.Assignee = a.AccountID
		if tk.Assignee == "" {
			tk.Assignee = a.Name
		}
	}
	if s := is.Fields.Status; s != nil {
		tk.Status = StatusFromCategory(s.StatusCategory.Key)
	}
	if d, err := time.Parse("2006-01-02", is.Fields.DueDate); err == nil {
		tk.Due = d
	}
	tk.CreatedAt = parseJiraTime(is.Fields.Created)
	tk.UpdatedAt = parseJiraTime(is.Fields.Updated)
	return tk
}

// StatusFromCategory maps a Jira status category key to a ticket status:
// "new" is To Do, "indeterminate" In Progress, "done" Done. Unknown keys
// (Jira's "undefined") count as To Do.
func StatusFromCategory(key string) lineage.TicketStatus {
	switch key {
	case gojira.StatusCategoryComplete:
		return lineage.TicketDone
	case gojira.StatusCategoryInProgress:
		return lineage.TicketInProgress
	}
	return lineage.TicketTodo
}

func parseJiraTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if at, err := time.Parse(layout, s); err == nil {
			return at.UTC()
		}
	}
	return time.Time{}
}

// descriptionText reads a description: a string (v2) or an ADF document (v3).
func descriptionText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var doc adfNode
	if json.Unmarshal(raw, &doc) == nil {
		return adfText(doc)
	}
	return ""
}

// body returns a description or comment body: ADF on Cloud, text on Data Center.
func (t *Tracker) body(text string) any {
	if t.cfg.Cloud {
		return adfDoc(text)
	}
	return text
}

// jqlQuote quotes a JQL string value.
func jqlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// search runs a JQL search and returns every matching issue, following pages.
// On Cloud, reconcile names up to 50 issue ids that Jira must show as they
// are now (its reconcileIssues option), although its search lags.
func (t *Tracker) search(ctx context.Context, jql string, reconcile []int64) ([]issue, error) {
	var all []issue
	if t.cfg.Cloud {
		token := ""
		for {
			req := map[string]any{"jql": jql, "maxResults": searchPage, "fields": issueFields}
			if len(reconcile) > 0 {
				req["reconcileIssues"] = reconcile
			}
			if token != "" {
				req["nextPageToken"] = token
			}
			var res struct {
				Issues        []issue `json:"issues"`
				NextPageToken string  `json:"nextPageToken"`
				IsLast        *bool   `json:"isLast"`
			}
			if err := t.call(ctx, "search", http.MethodPost, "rest/api/3/search/jql", req, &res, true); err != nil {
				return nil, err
			}
			all = append(all, res.Issues...)
			last := res.NextPageToken == "" || res.NextPageToken == token || len(res.Issues) == 0
			if res.IsLast != nil && *res.IsLast {
				last = true
			}
			if last {
				return all, nil
			}
			token = res.NextPageToken
		}
	}
	for start := 0; ; {
		req := map[string]any{"jql": jql, "startAt": start, "maxResults": searchPage, "fields": issueFields, "validateQuery": "warn"}
		var res struct {
			Issues []issue `json:"issues"`
			Total  int     `json:"total"`
		}
		if err := t.call(ctx, "search", http.MethodPost, "rest/api/2/search", req, &res, true); err != nil {
			return nil, err
		}
		all = append(all, res.Issues...)
		start += len(res.Issues)
		if len(res.Issues) == 0 || start >= res.Total {
			return all, nil
		}
	}
}

// findCampaign returns the campaign's tickets by owner label, the oldest
// first when someone duplicated one by hand.
func (t *Tracker) findCampaign(ctx context.Context, campaignID string) (map[string]lineage.Ticket, error) {
	jql := fmt.Sprintf("project = %s AND labels = %s ORDER BY created ASC", jqlQuote(t.cfg.Project), jqlQuote(CampaignLabel(campaignID)))
	issues, err := t.search(ctx, jql, t.recentIDs(func(r recent) bool { return r.campaign == campaignID }))
	if err != nil {
		return nil, err
	}
	found := make(map[string]lineage.Ticket, len(issues))
	for _, is := range issues {
		for _, l := range is.Fields.Labels {
			if strings.HasPrefix(l, ownerLabelPrefix) {
				if _, dup := found[l]; !dup {
					found[l] = t.ticket(is)
				}
			}
		}
	}
	return found, nil
}

// bulkResponse is the answer of POST /issue/bulk.
type bulkResponse struct {
	Issues []struct {
		ID   string `json:"id"`
		Key  string `json:"key"`
		Self string `json:"self"`
	} `json:"issues"`
	Errors []struct {
		Status        int `json:"status"`
		ElementErrors struct {
			ErrorMessages []string          `json:"errorMessages"`
			Errors        map[string]string `json:"errors"`
		} `json:"elementErrors"`
		FailedElementNumber int `json:"failedElementNumber"`
	} `json:"errors"`
}

// pending is one request on its way to a ticket.
type pending struct {
	i          int // index into reqs and results
	user       string
	noDue      bool // retry without the due date (not on the create screen)
	unassigned bool // created without assignee
}

// EnsureTickets implements lineage.Tracker. It searches the campaign's
// tickets first, then creates the missing ones 50 per request. A failure of
// one item (a field Jira rejects) stays on that item.
//
// Jira's search lags behind its writes, so an issue missing from a search
// may exist: a ticket whose creation is in doubt (its request may have
// succeeded, in this call or an earlier one: TicketRequest.InDoubt) is
// created again only once a search started SearchLag after the doubtful
// request ended finds nothing. Until then its result is an EUNAVAILABLE
// error saying so, and the caller asks again later. A bulk request is never
// repeated after an answer that leaves its outcome unknown (5xx, timeout).
func (t *Tracker) EnsureTickets(ctx context.Context, reqs []lineage.TicketRequest) ([]lineage.TicketResult, error) {
	results := make([]lineage.TicketResult, len(reqs))
	byCampaign := map[string][]int{}
	var order []string
	for i, r := range reqs {
		results[i].Owner = r.Owner.Handle
		switch {
		case r.CampaignID == "":
			results[i].Err = lineage.FieldErrorf("campaignId", "must not be empty")
			continue
		case r.Owner.Handle == "":
			results[i].Err = lineage.FieldErrorf("owner", "must not be empty")
			continue
		}
		if _, ok := byCampaign[r.CampaignID]; !ok {
			order = append(order, r.CampaignID)
		}
		byCampaign[r.CampaignID] = append(byCampaign[r.CampaignID], i)
	}
	for _, cid := range order {
		searched := t.cfg.Now()
		existing, err := t.findCampaign(ctx, cid)
		if err != nil {
			return nil, translate(err)
		}
		var missing []pending
		seen := map[string]int{}
		for _, i := range byCampaign[cid] {
			label := OwnerLabel(reqs[i].Owner.Handle)
			if tk, ok := existing[label]; ok {
				tk.CampaignID, tk.Owner = cid, reqs[i].Owner.Handle
				results[i].Ticket = &tk
				continue
			}
			if j, dup := seen[label]; dup {
				results[i].Err = lineage.Errorf(lineage.EINVALID, "Owner %s is asked for twice (first at request %d).", reqs[i].Owner.Handle, j)
				continue
			}
			seen[label] = i
			if doubt := reqs[i].InDoubt; !doubt.IsZero() && searched.Before(doubt.Add(t.cfg.SearchLag)) {
				results[i].Err = t.inDoubt(reqs[i].Owner.Handle, doubt)
				continue
			}
			user := t.cfg.Users[strings.ToLower(reqs[i].Owner.Handle)]
			if user == "" {
				user = strings.TrimSpace(reqs[i].Owner.JiraUser)
			}
			missing = append(missing, pending{i: i, user: user, unassigned: user == ""})
		}
		for start := 0; start < len(missing); start += BulkSize {
			if err := ctx.Err(); err != nil {
				for _, p := range missing[start:] {
					results[p.i].Err = lineage.WrapError(lineage.EUNAVAILABLE, err, "Ticket creation was interrupted.")
				}
				break
			}
			t.createChunk(ctx, cid, reqs, missing[start:min(start+BulkSize, len(missing))], results)
		}
	}
	return results, nil
}

// inDoubt is the result of a ticket whose creation may have succeeded
// although Jira's search does not show it yet.
func (t *Tracker) inDoubt(owner string, sent time.Time) error {
	return lineage.Errorf(lineage.EUNAVAILABLE, "An earlier request to create %s's ticket may have succeeded without lineage hearing back; Jira's search can take up to %s to show a new issue, so lineage looks again from %s before creating one.",
		owner, t.cfg.SearchLag, sent.Add(t.cfg.SearchLag).UTC().Format(time.RFC3339))
}

// createChunk creates up to BulkSize tickets and fills their results.
func (t *Tracker) createChunk(ctx context.Context, cid string, reqs []lineage.TicketRequest, items []pending, results []lineage.TicketResult) {
	fail := func(items []pending, err error) {
		for _, p := range items {
			results[p.i].Err = err
		}
	}
	path := "rest/api/" + t.api + "/issue/bulk"
	resends := 0 // retries after per-item field errors, bounded separately
	for len(items) > 0 {
		updates := make([]map[string]any, len(items))
		for k, p := range items {
			updates[k] = map[string]any{"fields": t.fields(cid, reqs[p.i], p)}
		}
		var br bulkResponse
		err := t.call(ctx, "bulk create", http.MethodPost, path, map[string]any{"issueUpdates": updates}, &br, false)
		var he *httpError
		if err != nil && !asHTTP(err, &he) {
			fail(items, translate(err))
			return
		}
		if err == nil || (he.status == http.StatusBadRequest && len(br.Errors) > 0) {
			items = t.bulkResults(cid, reqs, items, br, results, resends < 2)
			resends++
			continue
		}
		if !he.retryable() {
			fail(items, translate(err))
			return
		}
		// The request may have created some or all issues before failing.
		// Look once now; what the search does not show yet stays in doubt,
		// and is looked for again once the search has caught up.
		ended := t.cfg.Now()
		existing, serr := t.findCampaign(ctx, cid)
		for _, p := range items {
			if tk, ok := existing[OwnerLabel(reqs[p.i].Owner.Handle)]; ok && serr == nil {
				tk.CampaignID, tk.Owner = cid, reqs[p.i].Owner.Handle
				results[p.i].Ticket = &tk
				continue
			}
			results[p.i].Err = lineage.WrapError(lineage.EUNAVAILABLE, err, "%s", lineage.ErrorMessage(t.inDoubt(reqs[p.i].Owner.Handle, ended)))
		}
		return
	}
}

func asHTTP(err error, he **httpError) bool {
	e, ok := err.(*httpError)
	if ok {
		*he = e
	}
	return ok
}

// bulkResults maps a bulk answer onto the results and returns the items to
// send again: those Jira refused only for their due date or assignee, which
// are resent without that field when resend is set.
func (t *Tracker) bulkResults(cid string, reqs []lineage.TicketRequest, items []pending, br bulkResponse, results []lineage.TicketResult, resend bool) []pending {
	failed := map[int]string{}
	var again []pending
	for _, e := range br.Errors {
		k := e.FailedElementNumber
		if k < 0 || k >= len(items) {
			continue
		}
		msgs := append([]string(nil), e.ElementErrors.ErrorMessages...)
		fieldErrs := e.ElementErrors.Errors
		for _, f := range sortedKeys(fieldErrs) {
			msgs = append(msgs, f+": "+fieldErrs[f])
		}
		failed[k] = strings.Join(msgs, "; ")
		p := items[k]
		if resend && len(fieldErrs) > 0 {
			only := true
			for f := range fieldErrs {
				if f != "duedate" && f != "assignee" {
					only = false
				}
			}
			if only {
				if _, ok := fieldErrs["duedate"]; ok {
					p.noDue = true
				}
				if _, ok := fieldErrs["assignee"]; ok {
					p.unassigned = true
				}
				again = append(again, p)
				continue
			}
		}
		if failed[k] == "" {
			failed[k] = fmt.Sprintf("HTTP %d", e.Status)
		}
		results[p.i].Err = lineage.Errorf(lineage.EINVALID, "Jira refused the ticket for %s: %s.", reqs[p.i].Owner.Handle, strings.TrimSuffix(failed[k], "."))
	}
	var ok []pending
	for k, p := range items {
		if _, bad := failed[k]; !bad {
			ok = append(ok, p)
		}
	}
	if len(ok) != len(br.Issues) {
		// Jira answers the created issues in request order, skipping the
		// failed ones; if the counts disagree we cannot pair them, and the
		// next EnsureTickets finds them by label instead.
		for _, p := range ok {
			results[p.i].Err = lineage.Errorf(lineage.EUNAVAILABLE, "Jira's answer to the bulk create could not be matched to the requests; the ticket will be looked up by label on the next pass.")
		}
		return again
	}
	now := time.Now().UTC()
	for k, p := range ok {
		r := reqs[p.i]
		tk := &lineage.Ticket{
			Key:         br.Issues[k].Key,
			URL:         t.BrowseURL(br.Issues[k].Key),
			CampaignID:  cid,
			Owner:       r.Owner.Handle,
			Unassigned:  p.unassigned,
			Status:      lineage.TicketTodo,
			Summary:     summary(r.Summary),
			Description: t.description(r, p),
			CreatedAt:   now,
			UpdatedAt:   now,
		}
		if !p.unassigned {
			tk.Assignee = p.user
		}
		if !p.noDue {
			tk.Due = r.Due
		}
		results[p.i].Ticket = tk
		t.noteWritten(cid, br.Issues[k].Key, br.Issues[k].ID)
	}
	return again
}

func summary(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	if len(s) > 250 {
		cut := 250
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

func (t *Tracker) description(r lineage.TicketRequest, p pending) string {
	d := r.Description
	if p.unassigned {
		d = fmt.Sprintf("This ticket is for %s, who has no Jira user mapped in lineage, so it is unassigned: please assign it to them.\n\n%s", r.Owner.Handle, d)
	}
	return d
}

// fields returns the create fields of one ticket.
func (t *Tracker) fields(cid string, r lineage.TicketRequest, p pending) map[string]any {
	f := map[string]any{
		"project":     map[string]string{"key": t.cfg.Project},
		"issuetype":   map[string]string{"name": t.cfg.IssueType},
		"summary":     summary(r.Summary),
		"description": t.body(t.description(r, p)),
		"labels":      []string{"lineage", CampaignLabel(cid), OwnerLabel(r.Owner.Handle)},
	}
	if !r.Due.IsZero() && !p.noDue {
		f["duedate"] = r.Due.UTC().Format("2006-01-02")
	}
	if !p.unassigned {
		if t.cfg.Cloud {
			f["assignee"] = map[string]string{"accountId": p.user}
		} else {
			f["assignee"] = map[string]string{"name": p.user}
		}
	}
	return f
}

// Tickets implements lineage.Tracker with `key in (...)` searches. When
// Jira rejects the query (one of the keys no longer exists), it falls back
// to reading the issues one by one, leaving out the missing ones.
func (t *Tracker) Tickets(ctx context.Context, keys []string) ([]lineage.Ticket, error) {
	var uniq []string
	seen := map[string]bool{}
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k != "" && !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	var out []lineage.Ticket
	for start := 0; start < len(uniq); start += keysPerSearch {
		chunk := uniq[start:min(start+keysPerSearch, len(uniq))]
		quoted := make([]string, len(chunk))
		for i, k := range chunk {
			quoted[i] = jqlQuote(k)
		}
		inChunk := map[string]bool{}
		for _, k := range chunk {
			inChunk[k] = true
		}
		issues, err := t.search(ctx, "key in ("+strings.Join(quoted, ", ")+")", t.recentIDs(func(r recent) bool { return inChunk[r.key] }))
		var he *httpError
		if err != nil && asHTTP(err, &he) && he.status == http.StatusBadRequest {
			issues, err = t.getEach(ctx, chunk)
		} else if err == nil {
			// The search lags: an issue created a moment ago may be
			// missing from it. Only Jira's issue endpoint can say that an
			// issue is gone.
			found := map[string]bool{}
			for _, is := range issues {
				found[is.Key] = true
			}
			var unseen []string
			for _, k := range chunk {
				if !found[k] {
					unseen = append(unseen, k)
				}
			}
			var more []issue
			if more, err = t.getEach(ctx, unseen); err == nil {
				issues = append(issues, more...)
			}
		}
		if err != nil {
			return nil, translate(err)
		}
		for _, is := range issues {
			out = append(out, t.ticket(is))
		}
	}
	return out, nil
}

func (t *Tracker) getEach(ctx context.Context, keys []string) ([]issue, error) {
	var out []issue
	q := url.Values{"fields": {strings.Join(issueFields, ",")}}.Encode()
	for _, k := range keys {
		var is issue
		err := t.call(ctx, "get issue", http.MethodGet, "rest/api/"+t.api+"/issue/"+url.PathEscape(k)+"?"+q, nil, &is, true)
		var he *httpError
		if err != nil && asHTTP(err, &he) && he.status == http.StatusNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, is)
	}
	return out, nil
}

// refMarker is the text that marks a comment written for a ref: a short
// hash of the ref, so that the ticket shows no campaign internals.
func refMarker(ref string) string { return "[lineage:" + refHash(ref) + "]" }

func refHash(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return hex.EncodeToString(sum[:8])
}

// Comment implements lineage.Tracker. With a ref, the comment ends with a
// marker line; it is not written when a comment of the issue has the
// marker already, and a request whose outcome is unknown is followed by a
// new look at the comments (which, unlike search, Jira answers from its
// database) before it is sent again.
func (t *Tracker) Comment(ctx context.Context, key, ref, body string) error {
	if strings.TrimSpace(key) == "" {
		return lineage.FieldErrorf("key", "must not be empty")
	}
	path := "rest/api/" + t.api + "/issue/" + url.PathEscape(key) + "/comment"
	if ref == "" {
		if err := t.call(ctx, "comment on "+key, http.MethodPost, path, map[string]any{"body": t.body(body)}, nil, true); err != nil {
			return translate(err)
		}
		return nil
	}
	marker := refMarker(ref)
	payload := map[string]any{"body": t.body(strings.TrimRight(body, "\n") + "\n\n" + marker)}
	for attempt := 0; ; attempt++ {
		has, err := t.hasComment(ctx, key, marker)
		if err != nil {
			return translate(err)
		}
		if has {
			return nil
		}
		err = t.call(ctx, "comment on "+key, http.MethodPost, path, payload, nil, false)
		t.touch(key)
		var he *httpError
		if err == nil || !asHTTP(err, &he) || !he.retryable() || attempt >= t.cfg.MaxRetries || ctx.Err() != nil {
			return translate(err)
		}
		if err := t.sleep(ctx, "comment on "+key, t.wait(attempt, he.retryAfter), he.retryAfter > 0); err != nil {
			return translate(err)
		}
	}
}

// hasComment reports whether a comment of the issue contains marker.
func (t *Tracker) hasComment(ctx context.Context, key, marker string) (bool, error) {
	for start := 0; ; {
		var res struct {
			StartAt  int `json:"startAt"`
			Total    int `json:"total"`
			Comments []struct {
				Body json.RawMessage `json:"body"`
			} `json:"comments"`
		}
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}}.Encode()
		path := "rest/api/" + t.api + "/issue/" + url.PathEscape(key) + "/comment?" + q
		if err := t.call(ctx, "comments of "+key, http.MethodGet, path, nil, &res, true); err != nil {
			return false, err
		}
		for _, c := range res.Comments {
			if strings.Contains(descriptionText(c.Body), marker) {
				return true, nil
			}
		}
		start += len(res.Comments)
		if len(res.Comments) == 0 || start >= res.Total {
			return false, nil
		}
	}
}

// category returns the status category key of an issue, read from Jira's
// issue endpoint (not the lagging search). It remembers the issue's id, so
// that searches soon after a write to it can ask Jira to reconcile it.
func (t *Tracker) category(ctx context.Context, key string) (string, error) {
	var is issue
	q := url.Values{"fields": {"status,labels"}}.Encode()
	if err := t.call(ctx, "get issue", http.MethodGet, "rest/api/"+t.api+"/issue/"+url.PathEscape(key)+"?"+q, nil, &is, true); err != nil {
		return "", err
	}
	t.noteWritten(CampaignFromLabels(is.Fields.Labels), is.Key, is.ID)
	if is.Fields.Status == nil {
		return "", nil
	}
	return is.Fields.Status.StatusCategory.Key, nil
}

// transitions returns the transitions Jira offers for an issue now.
func (t *Tracker) transitions(ctx context.Context, key string) ([]gojira.Transition, error) {
	var res struct {
		Transitions []gojira.Transition `json:"transitions"`
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/transitions"
	if err := t.call(ctx, "transitions of "+key, http.MethodGet, path, nil, &res, true); err != nil {
		return nil, err
	}
	return res.Transitions, nil
}

// moveTo performs the first transition into one of the status categories,
// in order of preference. It reports whether one was found. A transition
// whose outcome is unknown is not sent again blindly: the issue's status is
// read first.
func (t *Tracker) moveTo(ctx context.Context, key string, categories ...string) (bool, error) {
	for attempt := 0; ; attempt++ {
		trs, err := t.transitions(ctx, key)
		if err != nil {
			return false, translate(err)
		}
		var pick *gojira.Transition
		for _, cat := range categories {
			for i, tr := range trs {
				if pick == nil && tr.To.StatusCategory.Key == cat {
					pick = &trs[i]
				}
			}
		}
		if pick == nil {
			return false, nil
		}
		payload := map[string]any{"transition": map[string]string{"id": pick.ID}}
		path := "rest/api/2/issue/" + url.PathEscape(key) + "/transitions"
		err = t.call(ctx, "transition "+key, http.MethodPost, path, payload, nil, false)
		t.touch(key)
		var he *httpError
		if err == nil || !asHTTP(err, &he) || !he.retryable() || attempt >= t.cfg.MaxRetries || ctx.Err() != nil {
			return err == nil, translate(err)
		}
		if cat, cerr := t.category(ctx, key); cerr == nil && slices.Contains(categories, cat) {
			return true, nil // done before the answer was lost
		}
		if err := t.sleep(ctx, "transition "+key, t.wait(attempt, he.retryAfter), he.retryAfter > 0); err != nil {
			return false, translate(err)
		}
	}
}

// Reopen implements lineage.Tracker: if the ticket is done (as Jira's issue
// endpoint says, not the lagging search), it comments, then moves the
// ticket to a To Do status (or, if the workflow has none, an In Progress
// one). A ticket that is not done is left alone. If the workflow offers
// no way back, the comment stays and the error is ECONFLICT.
func (t *Tracker) Reopen(ctx context.Context, key, ref, comment string) error {
	cat, err := t.category(ctx, key)
	if err != nil {
		return translate(err)
	}
	if cat != gojira.StatusCategoryComplete {
		return nil
	}
	if err := t.Comment(ctx, key, ref, comment); err != nil {
		return err
	}
	ok, err := t.moveTo(ctx, key, gojira.StatusCategoryToDo, gojira.StatusCategoryInProgress)
	if err != nil {
		return err
	}
	if !ok {
		return lineage.Errorf(lineage.ECONFLICT, "The Jira workflow offers no way to reopen %s; it was commented but stays done.", key)
	}
	return nil
}

// Close implements lineage.Tracker: it comments, then moves the ticket to a
// Done status unless it is there already. If the workflow offers no way to
// Done, the comment stays and the error is ECONFLICT.
func (t *Tracker) Close(ctx context.Context, key, ref, comment string) error {
	if err := t.Comment(ctx, key, ref, comment); err != nil {
		return err
	}
	cat, err := t.category(ctx, key)
	if err != nil {
		return translate(err)
	}
	if cat == gojira.StatusCategoryComplete {
		return nil
	}
	ok, err := t.moveTo(ctx, key, gojira.StatusCategoryComplete)
	if err != nil || ok {
		return err
	}
	return lineage.Errorf(lineage.ECONFLICT, "The Jira workflow offers no way to close %s; it was commented but stays open.", key)
}

// Remind implements lineage.Tracker through Jira's issue notify endpoint,
// which e-mails the assignee and the watchers. Jira keeps no trace of a
// notification that lineage could read back, so with a ref, an issue
// property named after the ref is stored before the notification is sent,
// and a reminder whose property exists is not sent again: at most one
// e-mail per ref, even when the answer to the notify request is lost (the
// reminder then counts as sent).
func (t *Tracker) Remind(ctx context.Context, key, ref, subject, body string) error {
	if strings.TrimSpace(key) == "" {
		return lineage.FieldErrorf("key", "must not be empty")
	}
	payload := map[string]any{
		"subject":  subject,
		"textBody": body,
		"htmlBody": "<p>" + strings.ReplaceAll(html.EscapeString(body), "\n", "<br>") + "</p>",
		"to":       map[string]any{"assignee": true, "watchers": true, "reporter": false, "voters": false},
	}
	path := "rest/api/2/issue/" + url.PathEscape(key) + "/notify"
	if ref == "" {
		if err := t.call(ctx, "notify "+key, http.MethodPost, path, payload, nil, true); err != nil {
			return translate(err)
		}
		return nil
	}
	prop := "rest/api/2/issue/" + url.PathEscape(key) + "/properties/" + "lineage.reminder." + refHash(ref)
	err := t.call(ctx, "reminder record of "+key, http.MethodGet, prop, nil, nil, true)
	var he *httpError
	switch {
	case err == nil:
		return nil // sent (or sending) before
	case !asHTTP(err, &he) || he.status != http.StatusNotFound:
		return translate(err)
	}
	if err := t.call(ctx, "record reminder on "+key, http.MethodPut, prop, map[string]any{"subject": subject, "at": t.cfg.Now().UTC().Format(time.RFC3339)}, nil, true); err != nil {
		return translate(err)
	}
	if err := t.call(ctx, "notify "+key, http.MethodPost, path, payload, nil, false); err != nil {
		return translate(err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
