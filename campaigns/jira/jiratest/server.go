// Package jiratest is a fake Jira for tests: an httptest.Server that keeps
// issues in memory and answers the REST endpoints the lineage Jira tracker
// uses with the JSON of Jira's REST documentation, on Cloud (v3, ADF,
// /rest/api/3/search/jql) or Data Center (v2, plain text, /rest/api/2/search).
//
// It counts requests and issues per label, injects faults (429 with
// Retry-After, 5xx, hangs, and answers lost after the work was done), adds
// latency, lets its search lag behind its writes as Jira Cloud's does, and
// lets a test move issues between statuses the way a person would in Jira.
package jiratest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures a Server.
type Options struct {
	// Cloud makes the server speak Jira Cloud: REST v3 with ADF bodies,
	// search at /rest/api/3/search/jql, accountIds. Otherwise Data Center.
	Cloud bool
	// Project is the only project key accepted; default "DATA".
	Project string
	// User and Token are the credentials required: basic auth when User is
	// set, a bearer token otherwise. Empty Token accepts anything.
	User, Token string
	// Latency is added to every request.
	Latency time.Duration
	// PageSize caps search pages; default 100.
	PageSize int
	// NoReopen gives the workflow no transition out of Done.
	NoReopen bool
	// RejectSummary makes bulk items whose summary contains it fail with a
	// field error.
	RejectSummary string
	// Users, when set, lists the only assignable users; others fail with an
	// "assignee" field error.
	Users []string
	// OnCreate is called (without the lock) after each issue is created,
	// with the number created so far.
	OnCreate func(created int)
	// SearchLag is how long after a write the search shows it: a search
	// at time T sees each issue as it was at T-SearchLag (and not at all if
	// it was created after that). The issue endpoints (GET issue, comments,
	// properties) always answer the current state, as Jira's do.
	SearchLag time.Duration
	// Now is the clock of the search lag and of issue times; nil means
	// time.Now. Tests pass a fake clock and advance it instead of sleeping.
	Now func() time.Time
}

// Fault is an injected failure for the next Times requests matching Method
// and PathPrefix ("" matches all).
type Fault struct {
	Method     string
	PathPrefix string
	Status     int
	RetryAfter string
	// Hang delays the answer, to make the client time out.
	Hang time.Duration
	// LoseAnswer does the request's work, then answers Status (default
	// 504) instead of the real answer: the write happened, the client
	// cannot know it.
	LoseAnswer bool
	// Then, if set, is called after the fault's work is done and before
	// the answer is written: a test kills its client there.
	Then  func()
	Times int
}

// Comment is a comment on a fake issue, as text.
type Comment struct {
	Body string
	// ADF reports whether the body arrived as an ADF document.
	ADF bool
}

// Notification is a call to the notify endpoint.
type Notification struct {
	Key      string
	Subject  string
	TextBody string
	To       map[string]any
}

// Issue is a fake issue.
type Issue struct {
	ID          string
	Key         string
	Summary     string
	Description string
	// DescriptionADF reports whether the description arrived as ADF.
	DescriptionADF bool
	Labels         []string
	Assignee       string
	DueDate        string
	Category       string // "new", "indeterminate", "done"
	Comments       []Comment
	// Properties are the issue's entity properties, as JSON.
	Properties map[string]json.RawMessage
	Created    time.Time
	Updated    time.Time
}

// snapshot is an issue as it was at a time, for the lagging search.
type snapshot struct {
	at    time.Time
	issue Issue
}

// Request is one request the server received.
type Request struct {
	Method, Path string
}

// Server is the fake Jira.
type Server struct {
	*httptest.Server
	opts Options

	mu            sync.Mutex
	issues        map[string]*Issue
	order         []string
	next          int
	requests      []Request
	faults        []*Fault
	notifications []Notification
	created       int
	// history holds every version of each issue, oldest first.
	history map[string][]snapshot
	// reconciled counts the issue ids searches asked to reconcile.
	reconciled int
}

// New starts a fake Jira and closes it when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Project == "" {
		opts.Project = "DATA"
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, issues: map[string]*Issue{}, history: map[string][]snapshot{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Reconciled returns how many issue ids searches have asked to reconcile
// (Jira Cloud's reconcileIssues), in all.
func (s *Server) Reconciled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reconciled
}

// SetSearchLag changes how far the search lags behind writes.
func (s *Server) SetSearchLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.SearchLag = d
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// touch records the current version of an issue for the search, after a
// change; the caller holds the lock.
func (s *Server) touch(is *Issue) {
	is.Updated = s.now()
	c := copyIssue(is)
	s.history[is.Key] = append(s.history[is.Key], snapshot{at: is.Updated, issue: c})
}

func copyIssue(is *Issue) Issue {
	c := *is
	c.Labels = slices.Clone(is.Labels)
	c.Comments = slices.Clone(is.Comments)
	c.Properties = map[string]json.RawMessage{}
	for k, v := range is.Properties {
		c.Properties[k] = v
	}
	return c
}

// searchable returns the version of an issue the search shows now, if any.
func (s *Server) searchable(key string) (*Issue, bool) {
	cutoff := s.now().Add(-s.opts.SearchLag)
	h := s.history[key]
	for i := len(h) - 1; i >= 0; i-- {
		if !h[i].at.After(cutoff) {
			is := h[i].issue
			return &is, true
		}
	}
	return nil, false
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests matched method and path prefix.
func (s *Server) Count(method, pathPrefix string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// Issues returns copies of all issues in creation order.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, copyIssue(s.issues[k]))
	}
	return out
}

// Issue returns a copy of one issue.
func (s *Server) Issue(key string) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, ok := s.issues[key]
	if !ok {
		return Issue{}, false
	}
	return copyIssue(is), true
}

// CountLabel returns how many issues carry a label.
func (s *Server) CountLabel(label string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, is := range s.issues {
		if slices.Contains(is.Labels, label) {
			n++
		}
	}
	return n
}

// SetCategory moves an issue to the status of a category, as a person in
// Jira would.
func (s *Server) SetCategory(key, category string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is, ok := s.issues[key]; ok {
		is.Category = category
		s.touch(is)
	}
}

// Delete removes an issue.
func (s *Server) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.issues, key)
	delete(s.history, key)
	s.order = slices.DeleteFunc(s.order, func(k string) bool { return k == key })
}

// Notifications returns the notify calls received.
func (s *Server) Notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.notifications)
}

func (s *Server) api() string {
	if s.opts.Cloud {
		return "3"
	}
	return "2"
}

var (
	issuePath = regexp.MustCompile(`^/rest/api/([23])/issue/([A-Za-z0-9]+-[0-9]+)(/[a-z]+)?(?:/([A-Za-z0-9._-]+))?$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 {
		time.Sleep(s.opts.Latency)
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path})
	var fault *Fault
	for _, f := range s.faults {
		if f.Times > 0 && (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			f.Times--
			c := *f
			fault = &c
			break
		}
	}
	s.mu.Unlock()
	if fault != nil {
		if fault.Hang > 0 {
			// Read the body so that the server notices when the client
			// gives up and cancels r.Context.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-time.After(fault.Hang):
			case <-r.Context().Done():
				return
			}
		}
		if fault.LoseAnswer {
			// Do the work; the answer is lost on its way back.
			s.route(httptest.NewRecorder(), r)
			if fault.Then != nil {
				fault.Then()
			}
			status := fault.Status
			if status == 0 {
				status = http.StatusGatewayTimeout
			}
			writeJSON(w, status, errBody([]string{fmt.Sprintf("Injected lost answer %d.", status)}, nil))
			return
		}
		if fault.Status != 0 {
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			writeJSON(w, fault.Status, errBody([]string{fmt.Sprintf("Injected failure %d.", fault.Status)}, nil))
			return
		}
	}
	s.route(w, r)
}

// route answers a request as Jira would.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		writeJSON(w, http.StatusUnauthorized, errBody([]string{"You are not authenticated. Authentication required to perform this operation."}, nil))
		return
	}
	if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeJSON(w, http.StatusUnsupportedMediaType, errBody([]string{"Unsupported content type."}, nil))
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/rest/api/"+s.api()+"/issue/bulk":
		s.bulk(w, r)
	case r.Method == http.MethodPost && s.opts.Cloud && p == "/rest/api/3/search/jql":
		s.search(w, r)
	case r.Method == http.MethodPost && !s.opts.Cloud && p == "/rest/api/2/search":
		s.search(w, r)
	case r.Method == http.MethodPost && s.opts.Cloud && p == "/rest/api/2/search":
		writeJSON(w, http.StatusGone, errBody([]string{"The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."}, nil))
	default:
		m := issuePath.FindStringSubmatch(p)
		if m == nil {
			writeJSON(w, http.StatusNotFound, errBody([]string{"No such endpoint: " + r.Method + " " + p}, nil))
			return
		}
		version, key, sub, prop := m[1], m[2], m[3], m[4]
		if (sub == "/properties") != (prop != "") {
			writeJSON(w, http.StatusNotFound, errBody([]string{"No such endpoint: " + r.Method + " " + p}, nil))
			return
		}
		s.issueEndpoint(w, r, version, key, sub, prop)
	}
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	if s.opts.User != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.opts.User+":"+s.opts.Token))
		return h == want
	}
	return h == "Bearer "+s.opts.Token
}

func errBody(msgs []string, fields map[string]string) map[string]any {
	if msgs == nil {
		msgs = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	return map[string]any{"errorMessages": msgs, "errors": fields}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// body reads a description or comment body: a string on v2, ADF on v3.
func (s *Server) body(version string, raw json.RawMessage) (string, bool, error) {
	if version == "3" {
		var doc struct {
			Type    string `json:"type"`
			Version int    `json:"version"`
			Content []json.RawMessage
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Type != "doc" || doc.Version != 1 {
			return "", false, fmt.Errorf("Operation value must be an Atlassian Document (see the Atlassian Document Format)")
		}
		return adfText(raw), true, nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return "", false, fmt.Errorf("Operation value must be a string")
	}
	return text, false, nil
}

func adfText(raw json.RawMessage) string {
	var n struct {
		Type    string            `json:"type"`
		Text    string            `json:"text"`
		Content []json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &n) != nil {
		return ""
	}
	switch n.Type {
	case "text":
		return n.Text
	case "hardBreak":
		return "\n"
	}
	var parts []string
	for _, c := range n.Content {
		parts = append(parts, adfText(c))
	}
	if n.Type == "doc" {
		return strings.Join(parts, "\n\n")
	}
	return strings.Join(parts, "")
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	var req struct {
		IssueUpdates []struct {
			Fields map[string]json.RawMessage `json:"fields"`
		} `json:"issueUpdates"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Unexpected character in JSON: " + err.Error()}, nil))
		return
	}
	if len(req.IssueUpdates) > 50 {
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Bulk create is limited to 50 issues."}, nil))
		return
	}
	type created struct {
		ID   string `json:"id"`
		Key  string `json:"key"`
		Self string `json:"self"`
	}
	type elemErr struct {
		Status        int            `json:"status"`
		ElementErrors map[string]any `json:"elementErrors"`
		Failed        int            `json:"failedElementNumber"`
	}
	issues := []created{}
	errs := []elemErr{}
	var hooks []int
	for i, u := range req.IssueUpdates {
		is, fieldErrs := s.validate(u.Fields)
		if len(fieldErrs) > 0 {
			errs = append(errs, elemErr{Status: 400, ElementErrors: errBody(nil, fieldErrs), Failed: i})
			continue
		}
		s.mu.Lock()
		s.next++
		is.ID = strconv.Itoa(10000 + s.next)
		is.Key = fmt.Sprintf("%s-%d", s.opts.Project, s.next)
		is.Category = "new"
		is.Created = s.now()
		s.touch(is)
		s.issues[is.Key] = is
		s.order = append(s.order, is.Key)
		s.created++
		hooks = append(hooks, s.created)
		s.mu.Unlock()
		issues = append(issues, created{ID: is.ID, Key: is.Key, Self: s.URL + "/rest/api/" + s.api() + "/issue/" + is.ID})
	}
	if s.opts.OnCreate != nil {
		for _, n := range hooks {
			s.opts.OnCreate(n)
		}
	}
	status := http.StatusCreated
	if len(issues) == 0 && len(errs) > 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]any{"issues": issues, "errors": errs})
}

func (s *Server) validate(f map[string]json.RawMessage) (*Issue, map[string]string) {
	errs := map[string]string{}
	is := &Issue{}
	var project struct{ Key string }
	if err := json.Unmarshal(f["project"], &project); err != nil || project.Key != s.opts.Project {
		errs["project"] = "Specify a valid project ID or key"
	}
	var it struct{ Name string }
	if err := json.Unmarshal(f["issuetype"], &it); err != nil || it.Name == "" {
		errs["issuetype"] = "Specify an issue type"
	}
	if err := json.Unmarshal(f["summary"], &is.Summary); err != nil || strings.TrimSpace(is.Summary) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	} else if s.opts.RejectSummary != "" && strings.Contains(is.Summary, s.opts.RejectSummary) {
		errs["summary"] = "The summary is not accepted by a workflow validator."
	}
	if raw, ok := f["description"]; ok {
		text, adf, err := s.body(s.api(), raw)
		if err != nil {
			errs["description"] = err.Error()
		}
		is.Description, is.DescriptionADF = text, adf
	}
	if raw, ok := f["labels"]; ok {
		if err := json.Unmarshal(raw, &is.Labels); err != nil {
			errs["labels"] = "Labels must be a list of strings."
		}
		for _, l := range is.Labels {
			if strings.ContainsAny(l, " \t") || len(l) > 255 {
				errs["labels"] = "The label '" + l + "' contains spaces or is too long."
			}
		}
	}
	if raw, ok := f["duedate"]; ok {
		if err := json.Unmarshal(raw, &is.DueDate); err != nil {
			errs["duedate"] = "Error parsing date string."
		} else if _, err := time.Parse("2006-01-02", is.DueDate); err != nil {
			errs["duedate"] = "Error parsing date string: " + is.DueDate
		}
	}
	if raw, ok := f["assignee"]; ok {
		var a struct {
			AccountID string `json:"accountId"`
			Name      string `json:"name"`
		}
		_ = json.Unmarshal(raw, &a)
		is.Assignee = a.Name
		if s.opts.Cloud {
			is.Assignee = a.AccountID
			if a.Name != "" {
				errs["assignee"] = "The query parameter 'username' is not supported in GDPR strict mode."
			}
		}
		if is.Assignee == "" {
			errs["assignee"] = "Specify a valid value for assignee"
		} else if s.opts.Users != nil && !slices.Contains(s.opts.Users, is.Assignee) {
			errs["assignee"] = "User '" + is.Assignee + "' cannot be assigned issues."
		}
	}
	return is, errs
}

// adf returns text as an ADF document, one paragraph per blank-line block.
func (s *Server) adf(text string) map[string]any {
	var paras []any
	for _, p := range strings.Split(text, "\n\n") {
		paras = append(paras, map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": p}}})
	}
	return map[string]any{"type": "doc", "version": 1, "content": paras}
}

// render returns an issue as Jira's REST API does.
func (s *Server) render(is *Issue, version string) map[string]any {
	var desc any = is.Description
	if version == "3" {
		desc = s.adf(is.Description)
	}
	var assignee any
	if is.Assignee != "" {
		if s.opts.Cloud {
			assignee = map[string]any{"accountId": is.Assignee, "displayName": is.Assignee, "active": true}
		} else {
			assignee = map[string]any{"name": is.Assignee, "key": is.Assignee, "displayName": is.Assignee, "active": true}
		}
	}
	var due any
	if is.DueDate != "" {
		due = is.DueDate
	}
	return map[string]any{
		"id":   is.ID,
		"key":  is.Key,
		"self": s.URL + "/rest/api/" + version + "/issue/" + is.ID,
		"fields": map[string]any{
			"summary":     is.Summary,
			"description": desc,
			"labels":      is.Labels,
			"status":      status(is.Category),
			"assignee":    assignee,
			"duedate":     due,
			"created":     is.Created.Format("2006-01-02T15:04:05.000-0700"),
			"updated":     is.Updated.Format("2006-01-02T15:04:05.000-0700"),
		},
	}
}

func status(category string) map[string]any {
	name, id, cid := "To Do", "10000", 2
	switch category {
	case "indeterminate":
		name, id, cid = "In Progress", "3", 4
	case "done":
		name, id, cid = "Done", "10001", 3
	}
	catName := map[string]string{"new": "To Do", "indeterminate": "In Progress", "done": "Done"}[category]
	return map[string]any{
		"name": name, "id": id,
		"statusCategory": map[string]any{"id": cid, "key": category, "name": catName},
	}
}

var (
	orderBy   = regexp.MustCompile(`(?i)\s+ORDER\s+BY\s+.*$`)
	andSplit  = regexp.MustCompile(`(?i)\s+AND\s+`)
	eqClause  = regexp.MustCompile(`^(project|labels)\s*=\s*"((?:[^"\\]|\\.)*)"$`)
	inClause  = regexp.MustCompile(`^key\s+in\s+\((.*)\)$`)
	quotedStr = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

func unquote(s string) string {
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(s)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var req struct {
		JQL           string   `json:"jql"`
		MaxResults    int      `json:"maxResults"`
		StartAt       int      `json:"startAt"`
		NextPageToken string   `json:"nextPageToken"`
		Fields        []string `json:"fields"`
		ValidateQuery string   `json:"validateQuery"`
		// ReconcileIssues (Cloud) names issue ids to show as they are now.
		ReconcileIssues []int64 `json:"reconcileIssues"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Invalid request payload. Refer to the REST API documentation and try again."}, nil))
		return
	}
	if len(req.ReconcileIssues) > 0 && !s.opts.Cloud {
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Unrecognized field \"reconcileIssues\"."}, nil))
		return
	}
	if len(req.ReconcileIssues) > 50 {
		writeJSON(w, http.StatusBadRequest, errBody([]string{"reconcileIssues accepts at most 50 issue ids."}, nil))
		return
	}
	reconcile := map[string]bool{}
	for _, id := range req.ReconcileIssues {
		reconcile[strconv.FormatInt(id, 10)] = true
	}
	s.reconciled += len(req.ReconcileIssues)
	// visible returns the version of an issue this search shows.
	visible := func(k string) (*Issue, bool) {
		if is, ok := s.issues[k]; ok && reconcile[is.ID] {
			c := copyIssue(is)
			return &c, true
		}
		return s.searchable(k)
	}
	jql := orderBy.ReplaceAllString(strings.TrimSpace(req.JQL), "")
	var preds []func(*Issue) bool
	var warnings []string
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range andSplit.Split(jql, -1) {
		c = strings.TrimSpace(c)
		if m := eqClause.FindStringSubmatch(c); m != nil {
			field, val := m[1], unquote(m[2])
			if field == "project" {
				if val != s.opts.Project {
					writeJSON(w, http.StatusBadRequest, errBody([]string{"The value '" + val + "' does not exist for the field 'project'."}, nil))
					return
				}
				continue
			}
			preds = append(preds, func(is *Issue) bool { return slices.Contains(is.Labels, val) })
			continue
		}
		if m := inClause.FindStringSubmatch(c); m != nil {
			keys := map[string]bool{}
			for _, q := range quotedStr.FindAllStringSubmatch(m[1], -1) {
				k := unquote(q[1])
				if _, ok := visible(k); !ok {
					msg := "An issue with key '" + k + "' does not exist for field 'key'."
					if !s.opts.Cloud && req.ValidateQuery == "warn" {
						warnings = append(warnings, msg)
						continue
					}
					writeJSON(w, http.StatusBadRequest, errBody([]string{msg}, nil))
					return
				}
				keys[k] = true
			}
			preds = append(preds, func(is *Issue) bool { return keys[is.Key] })
			continue
		}
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Error in the JQL Query: the fake cannot read '" + c + "'."}, nil))
		return
	}
	var match []*Issue
	for _, k := range s.order {
		is, ok := visible(k)
		if !ok {
			continue
		}
		for _, p := range preds {
			ok = ok && p(is)
		}
		if ok {
			match = append(match, is)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].Created.Before(match[j].Created) })
	size := s.opts.PageSize
	if req.MaxResults > 0 && req.MaxResults < size {
		size = req.MaxResults
	}
	start := req.StartAt
	if s.opts.Cloud {
		start = 0
		if req.NextPageToken != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(req.NextPageToken, "page-"))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, errBody([]string{"Invalid nextPageToken."}, nil))
				return
			}
			start = n
		}
	}
	start = min(max(start, 0), len(match))
	end := min(start+size, len(match))
	out := make([]any, 0, end-start)
	for _, is := range match[start:end] {
		out = append(out, s.render(is, s.api()))
	}
	if s.opts.Cloud {
		res := map[string]any{"issues": out, "isLast": end >= len(match)}
		if end < len(match) {
			res["nextPageToken"] = "page-" + strconv.Itoa(end)
		}
		writeJSON(w, http.StatusOK, res)
		return
	}
	res := map[string]any{"startAt": start, "maxResults": size, "total": len(match), "issues": out}
	if len(warnings) > 0 {
		res["warningMessages"] = warnings
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) transitions(is *Issue) []map[string]any {
	var out []map[string]any
	add := func(id, name, cat string) {
		if is.Category == cat {
			return
		}
		out = append(out, map[string]any{"id": id, "name": name, "to": status(cat), "hasScreen": false, "isGlobal": true})
	}
	if !(s.opts.NoReopen && is.Category == "done") {
		add("11", "Back to To Do", "new")
		add("21", "Start Progress", "indeterminate")
	}
	add("31", "Done", "done")
	return out
}

func (s *Server) issueEndpoint(w http.ResponseWriter, r *http.Request, version, key, sub, prop string) {
	if version == "3" && !s.opts.Cloud {
		writeJSON(w, http.StatusNotFound, errBody([]string{"No such endpoint: " + r.Method + " " + r.URL.Path}, nil))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is, ok := s.issues[key]
	if !ok {
		writeJSON(w, http.StatusNotFound, errBody([]string{"Issue does not exist or you do not have permission to see it."}, nil))
		return
	}
	switch {
	case sub == "" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.render(is, version))
	case sub == "/transitions" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"expand": "transitions", "transitions": s.transitions(is)})
	case sub == "/transitions" && r.Method == http.MethodPost:
		var req struct {
			Transition struct {
				ID string `json:"id"`
			} `json:"transition"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, errBody([]string{"Can not deserialize the request."}, nil))
			return
		}
		for _, tr := range s.transitions(is) {
			if tr["id"] == req.Transition.ID {
				is.Category = tr["to"].(map[string]any)["statusCategory"].(map[string]any)["key"].(string)
				s.touch(is)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		writeJSON(w, http.StatusBadRequest, errBody([]string{"Transition id '" + req.Transition.ID + "' is not valid for this issue."}, nil))
	case sub == "/comment" && r.Method == http.MethodPost && version == s.api():
		var req struct {
			Body json.RawMessage `json:"body"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, errBody([]string{"Can not deserialize the request."}, nil))
			return
		}
		text, adf, err := s.body(version, req.Body)
		if err != nil || strings.TrimSpace(text) == "" {
			writeJSON(w, http.StatusBadRequest, errBody(nil, map[string]string{"comment": "Comment body can not be empty!"}))
			return
		}
		is.Comments = append(is.Comments, Comment{Body: text, ADF: adf})
		s.touch(is)
		writeJSON(w, http.StatusCreated, map[string]any{"id": strconv.Itoa(len(is.Comments)), "body": req.Body})
	case sub == "/comment" && r.Method == http.MethodGet && version == s.api():
		start, _ := strconv.Atoi(r.URL.Query().Get("startAt"))
		size, _ := strconv.Atoi(r.URL.Query().Get("maxResults"))
		if size <= 0 || size > s.opts.PageSize {
			size = s.opts.PageSize
		}
		start = min(max(start, 0), len(is.Comments))
		end := min(start+size, len(is.Comments))
		out := []any{}
		for i, c := range is.Comments[start:end] {
			var body any = c.Body
			if version == "3" {
				body = s.adf(c.Body)
			}
			out = append(out, map[string]any{"id": strconv.Itoa(start + i + 1), "body": body})
		}
		writeJSON(w, http.StatusOK, map[string]any{"startAt": start, "maxResults": size, "total": len(is.Comments), "comments": out})
	case sub == "/properties" && r.Method == http.MethodGet:
		v, ok := is.Properties[prop]
		if !ok {
			writeJSON(w, http.StatusNotFound, errBody([]string{"The property with key '" + prop + "' does not exist."}, nil))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"key": prop, "value": v})
	case sub == "/properties" && r.Method == http.MethodPut:
		var v json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			writeJSON(w, http.StatusBadRequest, errBody([]string{"The property value must be JSON."}, nil))
			return
		}
		if is.Properties == nil {
			is.Properties = map[string]json.RawMessage{}
		}
		_, had := is.Properties[prop]
		is.Properties[prop] = v
		s.touch(is)
		if had {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusCreated)
	case sub == "/notify" && r.Method == http.MethodPost && version == "2":
		var req struct {
			Subject  string         `json:"subject"`
			TextBody string         `json:"textBody"`
			HTMLBody string         `json:"htmlBody"`
			To       map[string]any `json:"to"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || (req.TextBody == "" && req.HTMLBody == "") {
			writeJSON(w, http.StatusBadRequest, errBody([]string{"The notification has no body."}, nil))
			return
		}
		s.notifications = append(s.notifications, Notification{Key: key, Subject: req.Subject, TextBody: req.TextBody, To: req.To})
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, errBody([]string{"No such endpoint: " + r.Method + " " + r.URL.Path}, nil))
	}
}
