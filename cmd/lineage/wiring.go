package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/campaigns/jira"
	"github.com/lineagehq/lineage/examples/warehouse"
	"github.com/lineagehq/lineage/gql"
	neo4jstore "github.com/lineagehq/lineage/graph/neo4j"
	"github.com/lineagehq/lineage/ingest"
	"github.com/lineagehq/lineage/ui"
)

// jiraFlags configure the Jira tracker. With no URL, campaigns use the
// built-in tracker, whose tickets live in the store.
type jiraFlags struct {
	URL, Project, IssueType, User, Token string
	Cloud                                bool
	UsersFile                            string
	WebhookSecret                        string
	// SearchLag is the longest Jira's search may take to show a new issue.
	SearchLag time.Duration
}

func (j *jiraFlags) register(fs *flag.FlagSet, bad *[]string) {
	fs.StringVar(&j.URL, "jira-url", envString("LINEAGE_JIRA_URL", ""), "Jira base URL; empty uses the built-in tracker (LINEAGE_JIRA_URL)")
	fs.StringVar(&j.Project, "jira-project", envString("LINEAGE_JIRA_PROJECT", ""), "Jira project key tickets are created in, such as DATA (LINEAGE_JIRA_PROJECT)")
	fs.StringVar(&j.IssueType, "jira-issue-type", envString("LINEAGE_JIRA_ISSUE_TYPE", "Task"), "Jira issue type of campaign tickets (LINEAGE_JIRA_ISSUE_TYPE)")
	fs.StringVar(&j.User, "jira-user", envString("LINEAGE_JIRA_USER", ""), "Jira account e-mail (Cloud) or username (Data Center); empty on Data Center sends the token as a personal access token (LINEAGE_JIRA_USER)")
	j.Token = os.Getenv("LINEAGE_JIRA_TOKEN")
	j.Cloud = envBool("LINEAGE_JIRA_CLOUD", true, bad)
	fs.BoolVar(&j.Cloud, "jira-cloud", j.Cloud, "Jira Cloud (REST v3, accountIds); false for Data Center (REST v2, usernames) (LINEAGE_JIRA_CLOUD)")
	fs.StringVar(&j.UsersFile, "jira-users-file", envString("LINEAGE_JIRA_USERS_FILE", ""), "file of `handle: jira-user` lines mapping owners to Jira accountIds or usernames (LINEAGE_JIRA_USERS_FILE)")
	j.SearchLag = envDuration("LINEAGE_JIRA_SEARCH_LAG", jira.DefaultSearchLag, bad)
	fs.DurationVar(&j.SearchLag, "jira-search-lag", j.SearchLag, "longest time Jira's search may take to show a new issue; a ticket whose creation is in doubt is created again only after it (LINEAGE_JIRA_SEARCH_LAG)")
	j.WebhookSecret = os.Getenv("LINEAGE_JIRA_WEBHOOK_SECRET")
	// The token and the webhook secret come only from the environment, so
	// they never show in ps or shell history.
}

// tracker builds the configured tracker: Jira when a URL is set, otherwise
// the built-in one.
func (j jiraFlags) tracker(st lineage.TicketStore, baseURL string) (lineage.Tracker, error) {
	if j.URL == "" {
		return campaigns.NewBuiltinTracker(st, baseURL, nil), nil
	}
	users, err := readUsersFile(j.UsersFile)
	if err != nil {
		return nil, err
	}
	t, err := jira.New(jira.Config{URL: j.URL, Project: j.Project, IssueType: j.IssueType, User: j.User, Token: j.Token, Cloud: j.Cloud, Users: users, SearchLag: j.SearchLag})
	if err != nil {
		return nil, fmt.Errorf("jira (set -jira-url, -jira-project, -jira-user and LINEAGE_JIRA_TOKEN): %w", err)
	}
	return t, nil
}

// readUsersFile reads `handle: jira-user` lines; # starts a comment.
func readUsersFile(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, lineage.WrapError(lineage.EINVALID, err, "cannot read the Jira users file %s", path)
	}
	defer f.Close()
	users := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		h, u, ok := strings.Cut(line, ":")
		h, u = strings.ToLower(strings.TrimSpace(h)), strings.TrimSpace(u)
		if !ok || h == "" || u == "" {
			return nil, lineage.Errorf(lineage.EINVALID, "%s:%d: want `handle: jira-user`, got %q", path, n, line)
		}
		users[h] = u
	}
	return users, sc.Err()
}

// campaignService builds the campaign service over the store and tracker,
// and the Jira webhook handler when Jira is configured with a secret.
func (m *Main) campaignService(baseURL string) (*campaigns.Service, http.Handler, error) {
	tr, err := m.Config.Jira.tracker(m.store, baseURL)
	if err != nil {
		return nil, nil, err
	}
	svc := &campaigns.Service{Graph: m.store, Columns: m.store, Watchers: m.store, Store: m.store, Tracker: tr, Logger: m.Logger}
	var hooks http.Handler
	if m.Config.Jira.URL != "" {
		if m.Config.Jira.WebhookSecret == "" {
			m.Logger.Warn("no LINEAGE_JIRA_WEBHOOK_SECRET: /hooks/jira is off and ticket status comes from polling only")
		} else {
			wh, err := jira.NewWebhook(m.Config.Jira.WebhookSecret, svc.TicketChanged)
			if err != nil {
				return nil, nil, err
			}
			wh.Logger = m.Logger
			hooks = wh
		}
	}
	return svc, hooks, nil
}

// routes mounts every handler on mux.
func (m *Main) routes(mux *http.ServeMux, tokens *auth.Tokens, svc *campaigns.Service, hooks http.Handler) {
	reads := m.Config.ReadsNeed
	api := gql.NewHandler(gql.Config{Graph: m.store, Columns: m.store, Campaigns: svc, RequireTokenForReads: reads, Logger: m.Logger})
	mux.Handle("/graphql", tokens.Middleware(api, false))
	mux.Handle("/api/v1/", tokens.Middleware(ingest.NewHandler(ingest.HandlerConfig{Graph: m.store, Logger: m.Logger}), reads))
	// /hooks/ is never the UI: a GET of the webhook URL answers 405 naming
	// POST, and with webhooks off every method answers 404 saying why.
	if hooks != nil {
		mux.Handle("POST /hooks/jira", hooks)
		mux.HandleFunc("/hooks/jira", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed: Jira posts its webhooks here", http.StatusMethodNotAllowed)
		})
	} else {
		mux.HandleFunc("/hooks/jira", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "not found: the Jira webhook is off (it needs LINEAGE_JIRA_URL and LINEAGE_JIRA_WEBHOOK_SECRET)", http.StatusNotFound)
		})
	}
	mux.Handle("/hooks/", http.NotFoundHandler())
	// The UI build serves the GraphQL playground too, at /playground.
	if m.Config.UIDir != "" {
		mux.Handle("/", ui.DirHandler(m.Config.UIDir))
	} else {
		mux.Handle("/", ui.Handler())
	}
}

// loadSample ingests the sample warehouse into an empty store: the one
// embedded in the binary, or the repository named by -sample.
func (m *Main) loadSample(ctx context.Context) error {
	dir := m.Config.Sample
	fsys, from := fs.FS(warehouse.FS), "the built-in sample warehouse"
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return lineage.Errorf(lineage.EINVALID, "-sample %s is not a folder (leave -sample empty for the built-in sample warehouse, or pass -no-sample)", dir)
		}
		fsys, from = os.DirFS(dir), dir
	}
	sum, err := ingest.LoadSampleIfEmpty(ctx, m.store, fsys)
	if err != nil {
		return fmt.Errorf("load sample warehouse from %s: %w", from, err)
	}
	if sum != nil {
		m.Logger.Info("loaded the sample warehouse into the empty store", "from", from, "jobs", sum.Jobs, "failed", len(sum.Failed), "warnings", len(sum.Warnings))
		for _, f := range sum.Failed {
			m.Logger.Warn("sample script not loaded", "err", f.Error())
		}
	}
	return nil
}

// openNeo4j opens the Neo4j store at uri.
func openNeo4j(ctx context.Context, uri string, na neo4jAuth) (store, error) {
	return neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, User: na.User, Password: na.Password, Database: na.Database})
}
