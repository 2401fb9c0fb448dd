package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/lineagehq/lineage"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultIssueType  = "Task"
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 5
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = time.Minute
	// BulkSize is the most issues Jira accepts in one bulk create request.
	BulkSize = 50
	// maxRetryAfter bounds how long a Retry-After header can make us wait;
	// inside a campaign step, the wait is also bounded by the step's lease.
	maxRetryAfter = 5 * time.Minute
	// DefaultSearchLag is how long Jira's search may take to show an issue
	// after the request that created it ended.
	DefaultSearchLag = time.Minute
	// searchPage is the page size asked of Jira's search; Jira may return
	// fewer per page, and we follow its paging.
	searchPage = 1000
	// keysPerSearch bounds a `key in (...)` clause.
	keysPerSearch = 500
)

// Config configures a Tracker.
type Config struct {
	// URL is the Jira base URL, such as https://example.atlassian.net or
	// https://jira.example.com/jira.
	URL string
	// Project is the key of the project tickets are created in ("DATA").
	Project string
	// IssueType is the issue type name of new tickets; default "Task".
	IssueType string
	// User is the account e-mail on Cloud (with an API token in Token) or
	// the username on Data Center (with a password or token in Token). Empty
	// on Data Center means Token is a personal access token, sent as a
	// bearer token.
	User string
	// Token is the API token (Cloud), or the password or personal access
	// token (Data Center). Required.
	Token string
	// Cloud selects Jira Cloud (REST v3, accountIds); otherwise Data Center
	// (REST v2, usernames).
	Cloud bool
	// Users maps owner handles to Jira users: accountIds on Cloud, usernames
	// on Data Center. An owner missing here falls back to the JiraUser of
	// the owner in the lineage graph; an owner with neither gets an
	// unassigned ticket that names them.
	Users map[string]string
	// HTTPClient sends the requests; nil means a client with Timeout. Its
	// transport is wrapped to add authentication.
	HTTPClient *http.Client
	// Timeout bounds one request when HTTPClient is nil; default 30s.
	Timeout time.Duration
	// MaxRetries is how many times a request failing with 429, 5xx or a
	// network error is retried; default 5. Negative means never.
	MaxRetries int
	// Backoff is the first wait between retries, doubled on each retry up
	// to MaxBackoff, when Jira sends no Retry-After; default 1s and 1m.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Sleep waits between retries; nil means a timer that stops early when
	// ctx ends. Tests replace it to record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// SearchLag is the longest Jira's search takes to show an issue after
	// the request that created it ended (answered, failed or given up);
	// default 1m. Jira Cloud documents its search as eventually consistent.
	// A ticket whose creation is in doubt is created again only after a
	// search started SearchLag after the doubtful request finds nothing:
	// "no duplicate" holds as long as Jira keeps within it.
	SearchLag time.Duration
	// Now is the clock for the search lag and Retry-After dates; nil means
	// time.Now.
	Now func() time.Time
}

// Tracker is the lineage.Tracker on Jira. It is safe for concurrent use.
type Tracker struct {
	cfg    Config
	client *gojira.Client
	base   string // URL without trailing slash, for browse links
	api    string // "3" on Cloud, "2" on Data Center
	// requests counts HTTP requests sent, retries included.
	requests atomic.Int64
	// pausedUntil is when Jira last asked us, with a Retry-After too long
	// to wait inside a step, to come back (Unix nanoseconds; 0: never).
	pausedUntil atomic.Int64

	// recent holds the issues this process wrote to lately, by key, for
	// Jira Cloud's reconcileIssues search option.
	mu     sync.Mutex
	recent map[string]recent
}

// recent is an issue written lately: its id, campaign (from its label) and
// when.
type recent struct {
	key, campaign string
	id            int64
	at            time.Time
}

// maxReconcile is the most issue ids Jira Cloud reconciles in one search.
const maxReconcile = 50

// noteWritten remembers that this process wrote to an issue now: for
// SearchLag, searches ask Jira Cloud to show it as it is.
func (t *Tracker) noteWritten(campaign, key, id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	if !t.cfg.Cloud || err != nil || key == "" {
		return
	}
	now := t.cfg.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.recent == nil {
		t.recent = map[string]recent{}
	}
	t.recent[key] = recent{key: key, campaign: campaign, id: n, at: now}
	if len(t.recent) > 4*maxReconcile {
		for k, r := range t.recent {
			if now.Sub(r.at) > t.cfg.SearchLag {
				delete(t.recent, k)
			}
		}
	}
}

// touch marks a remembered issue as written again now.
func (t *Tracker) touch(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r, ok := t.recent[key]; ok {
		r.at = t.cfg.Now()
		t.recent[key] = r
	}
}

// recentIDs returns the ids, newest first and at most maxReconcile, of the
// issues written within SearchLag that match keep.
func (t *Tracker) recentIDs(keep func(recent) bool) []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.cfg.Now()
	var rs []recent
	for k, r := range t.recent {
		if now.Sub(r.at) > t.cfg.SearchLag {
			delete(t.recent, k)
			continue
		}
		if keep(r) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b recent) int { return b.at.Compare(a.at) })
	var ids []int64
	for _, r := range rs[:min(len(rs), maxReconcile)] {
		ids = append(ids, r.id)
	}
	return ids
}

var _ lineage.Tracker = (*Tracker)(nil)

// New validates cfg and returns a Tracker. It makes no request. Errors are
// EINVALID and name the field at fault ("jira.url", "jira.project", ...).
func New(cfg Config) (*Tracker, error) {
	cfg.URL = strings.TrimSpace(cfg.URL)
	cfg.Project = strings.TrimSpace(cfg.Project)
	cfg.IssueType = strings.TrimSpace(cfg.IssueType)
	cfg.User = strings.TrimSpace(cfg.User)
	cfg.Token = strings.TrimSpace(cfg.Token)
	if cfg.URL == "" {
		return nil, lineage.FieldErrorf("jira.url", "must be set to the Jira base URL, such as https://example.atlassian.net")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, lineage.FieldErrorf("jira.url", "must be an http or https URL, got %q", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, lineage.FieldErrorf("jira.url", "must not have a query or fragment, got %q", cfg.URL)
	}
	if cfg.Project == "" {
		return nil, lineage.FieldErrorf("jira.project", "must be set to a project key, such as DATA")
	}
	if strings.ContainsAny(cfg.Project, " \t\"'()=,") {
		return nil, lineage.FieldErrorf("jira.project", "must be a project key without spaces or quotes, got %q", cfg.Project)
	}
	if cfg.IssueType == "" {
		cfg.IssueType = DefaultIssueType
	}
	if cfg.Token == "" {
		return nil, lineage.FieldErrorf("jira.token", "must be set: an API token on Cloud, a personal access token or password on Data Center")
	}
	if cfg.Cloud && cfg.User == "" {
		return nil, lineage.FieldErrorf("jira.user", "must be set to the account e-mail on Jira Cloud (API tokens go with basic auth)")
	}
	users := make(map[string]string, len(cfg.Users))
	for h, ju := range cfg.Users {
		handle, err := lineage.NormalizeName("jira.users", h, true)
		if err != nil {
			return nil, err
		}
		ju = strings.TrimSpace(ju)
		if ju == "" {
			return nil, lineage.FieldErrorf("jira.users."+handle, "must name a Jira user (an accountId on Cloud, a username on Data Center)")
		}
		users[handle] = ju
	}
	cfg.Users = users
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.SearchLag < 0 {
		return nil, lineage.FieldErrorf("jira.searchLag", "must not be negative, got %s", cfg.SearchLag)
	}
	if cfg.SearchLag == 0 {
		cfg.SearchLag = DefaultSearchLag
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	base := cfg.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: cfg.Timeout}
	}
	var rt http.RoundTripper
	if cfg.User != "" {
		rt = &gojira.BasicAuthTransport{Username: cfg.User, Password: cfg.Token, Transport: base.Transport}
	} else {
		rt = &gojira.PATAuthTransport{Token: cfg.Token, Transport: base.Transport}
	}
	hc := &http.Client{Transport: rt, Timeout: base.Timeout, CheckRedirect: base.CheckRedirect, Jar: base.Jar}
	client, err := gojira.NewClient(hc, cfg.URL)
	if err != nil {
		return nil, lineage.FieldErrorf("jira.url", "is not usable: %v", err)
	}
	t := &Tracker{cfg: cfg, client: client, base: strings.TrimRight(cfg.URL, "/"), api: "2"}
	if cfg.Cloud {
		t.api = "3"
	}
	return t, nil
}

// Name returns "jira".
func (t *Tracker) Name() string { return "jira" }

// Requests returns how many HTTP requests the tracker has sent, retries
// included.
func (t *Tracker) Requests() int64 { return t.requests.Load() }

// BrowseURL returns the web link of an issue.
func (t *Tracker) BrowseURL(key string) string { return t.base + "/browse/" + url.PathEscape(key) }

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// httpError is a failed response or transport failure, before translation.
type httpError struct {
	op         string
	status     int // 0 for transport failures
	retryAfter time.Duration
	messages   []string
	fields     map[string]string
	err        error // transport failure
}

func (e *httpError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("jira: %s: %v", e.op, e.err)
	}
	msg := fmt.Sprintf("jira: %s: HTTP %d", e.op, e.status)
	if d := e.detail(); d != "" {
		msg += ": " + d
	}
	return msg
}

func (e *httpError) Unwrap() error { return e.err }

func (e *httpError) detail() string {
	parts := append([]string(nil), e.messages...)
	for _, k := range sortedKeys(e.fields) {
		parts = append(parts, k+": "+e.fields[k])
	}
	return strings.Join(parts, "; ")
}

// retryable reports whether the failure may succeed on a later attempt.
func (e *httpError) retryable() bool {
	return e.status == 0 || e.status == http.StatusTooManyRequests || e.status >= 500
}

// translate turns a failure into a lineage error with a code.
func translate(err error) error {
	var he *httpError
	if !errors.As(err, &he) {
		return err
	}
	if he.status == 0 {
		if errors.Is(he.err, context.Canceled) || errors.Is(he.err, context.DeadlineExceeded) {
			return lineage.WrapError(lineage.EUNAVAILABLE, err, "The request to Jira was cancelled or timed out.")
		}
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "Jira cannot be reached.")
	}
	d := he.detail()
	if d != "" {
		d = " " + d
		if !strings.HasSuffix(d, ".") {
			d += "."
		}
	}
	switch {
	case he.status == http.StatusUnauthorized || he.status == http.StatusForbidden:
		return lineage.WrapError(lineage.EUNAUTHORIZED, err, "Jira refused the credentials (HTTP %d).%s", he.status, d)
	case he.status == http.StatusNotFound:
		return lineage.WrapError(lineage.ENOTFOUND, err, "Jira has no such issue or endpoint (HTTP 404).%s", d)
	case he.status == http.StatusConflict:
		return lineage.WrapError(lineage.ECONFLICT, err, "Jira reported a conflict (HTTP 409).%s", d)
	case he.status == http.StatusTooManyRequests || he.status >= 500:
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "Jira is unavailable (HTTP %d); will retry.%s", he.status, d)
	case he.status >= 400:
		return lineage.WrapError(lineage.EINVALID, err, "Jira rejected the request (HTTP %d).%s", he.status, d)
	}
	return err
}

// call sends one request and decodes a 2xx JSON answer into out (when out is
// not nil). When retry is set, 429, 5xx and transport failures are retried
// with backoff; otherwise only 429, which Jira answers before doing anything.
// A write (anything but a GET or a search) first runs the fencing check of
// ctx (lineage.Fence) and must finish within the time it allows; no wait
// outlasts that time either. The error is an *httpError, untranslated, or
// a lineage error when the fence or a too long Retry-After stops the call.
func (t *Tracker) call(ctx context.Context, op, method, path string, body, out any, retry bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return &httpError{op: op, err: err}
		}
	}
	write := method != http.MethodGet && !strings.Contains(path, "/search")
	for attempt := 0; ; attempt++ {
		if err := t.paused(op); err != nil {
			return err
		}
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if write {
			left, err := lineage.Fence(ctx)
			if err != nil {
				return err
			}
			if left > 0 {
				rctx, cancel = context.WithTimeout(ctx, left)
			}
		}
		herr := t.once(rctx, op, method, path, payload, out)
		cancel()
		if herr == nil {
			return nil
		}
		if ctx.Err() != nil || attempt >= t.cfg.MaxRetries || !herr.retryable() ||
			(!retry && herr.status != http.StatusTooManyRequests) {
			return herr
		}
		if err := t.sleep(ctx, op, t.wait(attempt, herr.retryAfter), herr.retryAfter > 0); err != nil {
			return err
		}
	}
}

// paused fails fast while Jira's last too long Retry-After runs.
func (t *Tracker) paused(op string) error {
	until := t.pausedUntil.Load()
	if until == 0 {
		return nil
	}
	if left := time.Unix(0, until).Sub(t.cfg.Now()); left > 0 {
		return lineage.Errorf(lineage.EUNAVAILABLE, "Jira asked lineage to wait before its next request (Retry-After); %s is retried in %s.", op, left.Round(time.Second))
	}
	return nil
}

// sleep waits d before a retry, unless d is longer than the caller's lease
// may last (lineage.Fence) or than maxRetryAfter: then it waits nothing,
// remembers when Jira wants us back when Jira said so (asked), and fails,
// so that a later step retries instead of a step outliving its lease.
func (t *Tracker) sleep(ctx context.Context, op string, d time.Duration, asked bool) error {
	limit := maxRetryAfter
	left, err := lineage.Fence(ctx)
	if err != nil {
		return err
	}
	if left > 0 {
		limit = min(limit, left/2)
	}
	if d > limit {
		if asked {
			t.pausedUntil.Store(t.cfg.Now().Add(d).UnixNano())
		}
		return lineage.Errorf(lineage.EUNAVAILABLE, "Jira asked lineage to wait %s before retrying %s, longer than this step may wait (%s); a later step retries.", d.Round(time.Second), op, limit.Round(time.Second))
	}
	if err := t.cfg.Sleep(ctx, d); err != nil {
		return &httpError{op: op, err: err}
	}
	return nil
}

// wait returns how long to wait before retry number attempt+1: what Jira
// asked for in Retry-After, else exponential backoff.
func (t *Tracker) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, maxRetryAfter)
	}
	d := t.cfg.Backoff
	for i := 0; i < attempt && d < t.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, t.cfg.MaxBackoff)
}

func (t *Tracker) once(ctx context.Context, op, method, path string, payload []byte, out any) *httpError {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	// go-jira's NewRawRequest resolves path against the base URL and sets
	// the JSON content type; the transport adds credentials.
	req, err := t.client.NewRawRequestWithContext(ctx, method, path, body)
	if err != nil {
		return &httpError{op: op, err: err}
	}
	req.Header.Set("Accept", "application/json")
	t.requests.Add(1)
	resp, err := t.client.Do(req, nil)
	if resp == nil {
		if err == nil {
			err = errors.New("no response")
		}
		return &httpError{op: op, err: err}
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := &httpError{op: op, status: resp.StatusCode, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), t.cfg.Now())}
		var je gojira.Error
		if json.Unmarshal(data, &je) == nil {
			he.messages, he.fields = je.ErrorMessages, je.Errors
		} else if s := strings.TrimSpace(string(data)); s != "" && len(s) < 300 {
			he.messages = []string{s}
		}
		// A bulk create that failed for every item answers 400 with the
		// same body as a partial success; let the caller read it.
		if out != nil && resp.StatusCode == http.StatusBadRequest {
			if br, ok := out.(*bulkResponse); ok {
				_ = json.Unmarshal(data, br)
			}
		}
		return he
	}
	if rerr != nil {
		return &httpError{op: op, err: rerr}
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return &httpError{op: op, status: resp.StatusCode, messages: []string{"unreadable answer: " + err.Error()}}
		}
	}
	return nil
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
