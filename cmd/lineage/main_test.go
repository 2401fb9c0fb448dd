package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// MustRunMain starts lineage serve on a free loopback port over a store at
// dbPath and returns it; t.Cleanup closes it.
func MustRunMain(tb testing.TB, dbPath string, extra ...func(*serveConfig)) *Main {
	tb.Helper()
	c := serveConfig{
		Addr:      "127.0.0.1:0",
		Graph:     "sqlite:" + dbPath,
		SyncEvery: time.Hour,
		Jira:      jiraFlags{IssueType: "Task"},
	}
	for _, f := range extra {
		f(&c)
	}
	m := &Main{Config: c, Logger: discardLogger()}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

func getJSON(tb testing.TB, url string, into any) int {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			tb.Fatalf("GET %s: %v in %s", url, err, b)
		}
	}
	return resp.StatusCode
}

type health struct {
	Status string `json:"status"`
	Counts struct {
		Tables, Jobs int
	} `json:"counts"`
}

func TestServeHealthzAndRestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lineage.db")
	m := MustRunMain(t, db)
	var h health
	if code := getJSON(t, "http://"+m.Addr()+"/healthz", &h); code != 200 || h.Status != "ok" {
		t.Fatalf("healthz = %d %+v", code, h)
	}
	if h.Counts.Jobs == 0 {
		t.Fatalf("the sample warehouse was not loaded into an empty store: %+v", h)
	}
	first := h.Counts
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// Restart on the same file: the data is still there and is not loaded twice.
	m2 := MustRunMain(t, db)
	var h2 health
	if code := getJSON(t, "http://"+m2.Addr()+"/healthz", &h2); code != 200 {
		t.Fatalf("healthz after restart = %d", code)
	}
	if h2.Counts != first {
		t.Fatalf("counts after restart = %+v, want %+v", h2.Counts, first)
	}
}

func TestServeSampleDir(t *testing.T) {
	m := MustRunMain(t, filepath.Join(t.TempDir(), "lineage.db"), func(c *serveConfig) { c.Sample = filepath.Join("..", "..", "ingest", "testdata", "repo") })
	var h health
	getJSON(t, "http://"+m.Addr()+"/healthz", &h)
	if h.Counts.Jobs == 0 {
		t.Fatalf("-sample DIR loaded nothing: %+v", h)
	}
	bad := &Main{Config: serveConfig{Addr: "127.0.0.1:0", Graph: "sqlite:" + filepath.Join(t.TempDir(), "x.db"), Sample: "no/such/dir"}, Logger: discardLogger()}
	err := bad.Run(context.Background())
	bad.Close()
	if err == nil || !strings.Contains(err.Error(), "-sample no/such/dir is not a folder") {
		t.Fatalf("Run with a missing -sample = %v", err)
	}
}

func TestServeNoSample(t *testing.T) {
	m := MustRunMain(t, filepath.Join(t.TempDir(), "lineage.db"), func(c *serveConfig) { c.NoSample = true })
	var h health
	getJSON(t, "http://"+m.Addr()+"/healthz", &h)
	if h.Counts.Jobs != 0 {
		t.Fatalf("-no-sample still loaded %d jobs", h.Counts.Jobs)
	}
}

func TestServeRoutes(t *testing.T) {
	m := MustRunMain(t, filepath.Join(t.TempDir(), "lineage.db"))
	base := "http://" + m.Addr()
	for _, path := range []string{"/", "/playground", "/tables/anything"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s = %d %s, want 200 text/html", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	// A query works without a token; a mutation does not.
	q := `{"query":"{ __typename }"}`
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Query") {
		t.Errorf("query = %d %s", resp.StatusCode, b)
	}
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"NoArgs", nil, 2, "", "Commands:"},
		{"Help", []string{"--help"}, 0, "lineage serve", ""},
		{"Unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"Version", []string{"version"}, 0, "lineage dev", ""},
		{"ServeHelp", []string{"serve", "--help"}, 0, "LINEAGE_GRAPH", ""},
		{"ServeBadFlag", []string{"serve", "-nope"}, 2, "", "flag provided but not defined: -nope"},
		{"ServeBadStore", []string{"serve", "-graph", "postgres://x", "-addr", "127.0.0.1:0"}, 1, "", "use sqlite:PATH"},
		{"HelpCommand", []string{"help", "serve"}, 0, "-sync-every", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			if tt.out != "" && !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out.String())
			}
			if tt.err != "" && !strings.Contains(errb.String(), tt.err) {
				t.Errorf("stderr lacks %q:\n%s", tt.err, errb.String())
			}
		})
	}
}

// TestHelpToStdout: every subcommand's help, however asked, goes to stdout
// (so `lineage X --help | less` works), with exit 0 and nothing on stderr.
func TestHelpToStdout(t *testing.T) {
	for _, name := range []string{"serve", "parse", "ingest", "version"} {
		for _, args := range [][]string{{name, "-h"}, {name, "-help"}, {name, "--help"}, {"help", name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				var out, errb bytes.Buffer
				code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
				if code != 0 || !strings.Contains(out.String(), "Usage: lineage "+name) || errb.Len() != 0 {
					t.Errorf("exit %d\nstdout:\n%.200s\nstderr:\n%s", code, out.String(), errb.String())
				}
			})
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"serve", "--help"}, strings.NewReader(""), &out, io.Discard)
	if !strings.Contains(out.String(), "at least 16 characters") {
		t.Errorf("serve --help does not give the tokens' minimum length:\n%s", out.String())
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestFirstRunLocalToken checks the laptop path: no tokens and a loopback
// address make one local token beside the database (mode 0600), kept across
// restarts; it starts a campaign, and the refusal without it says where it is.
func TestFirstRunLocalToken(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lineage.db")
	var notice bytes.Buffer
	m := MustRunMainNotice(t, db, &notice)
	file := db + "-token"
	st, err := os.Stat(file)
	if err != nil {
		t.Fatalf("no local token file: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(file)
	token := strings.TrimSpace(string(raw))
	if len(token) < 16 {
		t.Fatalf("token %q too short", token)
	}
	for _, want := range []string{file, "made a local token", `Bearer $(cat ` + file + `)`} {
		if !strings.Contains(notice.String(), want) {
			t.Errorf("the start-up notice lacks %q:\n%s", want, notice.String())
		}
	}
	if strings.Contains(notice.String(), token) {
		t.Errorf("the notice prints the token itself")
	}
	base := "http://" + m.Addr()
	start := `{"query":"mutation { startCampaign(input: {table: \"ods.orders\", title: \"t\"}) { campaign { id creator } } }"}`
	post := func(auth string) string {
		req, _ := http.NewRequest("POST", base+"/graphql", strings.NewReader(start))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := post(""); !strings.Contains(got, "UNAUTHENTICATED") || !strings.Contains(got, file) {
		t.Errorf("without a token: %s, want UNAUTHENTICATED naming %s", got, file)
	}
	if got := post("Bearer " + token); !strings.Contains(got, `"creator":"local"`) {
		t.Errorf("with the local token: %s", got)
	}
	m.Close()

	// A restart keeps the same token and says so.
	notice.Reset()
	MustRunMainNotice(t, db, &notice)
	raw2, _ := os.ReadFile(file)
	if string(raw2) != string(raw) {
		t.Errorf("the token changed on restart")
	}
	if !strings.Contains(notice.String(), "uses the local token it made on a first run") {
		t.Errorf("restart notice:\n%s", notice.String())
	}
}

// TestFirstRunLocalTokenRefused covers where no local token is made, and a
// token file others may read.
func TestFirstRunLocalTokenRefused(t *testing.T) {
	t.Run("NotLoopback", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "lineage.db")
		var logs bytes.Buffer
		c := serveConfig{Addr: ":0", Graph: "sqlite:" + db, SyncEvery: time.Hour, Jira: jiraFlags{IssueType: "Task"}}
		m := &Main{Config: c, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := os.Stat(db + "-token"); err == nil {
			t.Errorf("a local token was made on a non-loopback address")
		}
		if !strings.Contains(logs.String(), "mutations (starting campaigns, pushing jobs) are refused") || !strings.Contains(logs.String(), "not loopback only") {
			t.Errorf("start-up log does not say mutations are refused:\n%s", logs.String())
		}
	})
	t.Run("ConfiguredTokens", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "lineage.db")
		MustRunMain(t, db, func(c *serveConfig) { c.Tokens = "ci:0123456789abcdef0123" })
		if _, err := os.Stat(db + "-token"); err == nil {
			t.Errorf("a local token was made although tokens are configured")
		}
	})
	t.Run("ReadableByOthers", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "lineage.db")
		if err := os.WriteFile(db+"-token", []byte("0123456789abcdef0123\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(db+"-token", 0o644)
		c := serveConfig{Addr: "127.0.0.1:0", Graph: "sqlite:" + db, SyncEvery: time.Hour, Jira: jiraFlags{IssueType: "Task"}}
		m := &Main{Config: c, Logger: discardLogger()}
		err := m.Run(context.Background())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("err = %v, want a refusal saying chmod 600", err)
		}
	})
}

// MustRunMainNotice is MustRunMain with the start-up notice written to w.
func MustRunMainNotice(tb testing.TB, dbPath string, w io.Writer) *Main {
	tb.Helper()
	c := serveConfig{Addr: "127.0.0.1:0", Graph: "sqlite:" + dbPath, SyncEvery: time.Hour, Jira: jiraFlags{IssueType: "Task"}}
	m := &Main{Config: c, Logger: discardLogger(), Notice: w}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// TestServeHooksAreNotTheUI checks that the Jira webhook URL never answers
// the UI page: 405 naming POST when webhooks are on, 404 when they are off.
func TestServeHooksAreNotTheUI(t *testing.T) {
	jiraStub := httptest.NewServer(http.NotFoundHandler())
	defer jiraStub.Close()
	tests := []struct {
		name   string
		config func(*serveConfig)
		method string
		status int
		allow  string
	}{
		{"off GET", func(*serveConfig) {}, "GET", 404, ""},
		{"off POST", func(*serveConfig) {}, "POST", 404, ""},
		{"off other hook", func(*serveConfig) {}, "GET", 404, ""},
		{"on GET", func(c *serveConfig) {
			c.Jira = jiraFlags{URL: jiraStub.URL, Project: "DATA", IssueType: "Task", User: "me@example.com", Token: "t", Cloud: true, WebhookSecret: "s3cret-s3cret-s3cret"}
		}, "GET", 405, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustRunMain(t, filepath.Join(t.TempDir(), "lineage.db"), tt.config, func(c *serveConfig) { c.NoSample = true })
			path := "/hooks/jira"
			if tt.name == "off other hook" {
				path = "/hooks/github"
			}
			req, _ := http.NewRequest(tt.method, "http://"+m.Addr()+path, strings.NewReader("{}"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Allow") != tt.allow || strings.Contains(string(b), "<html") || strings.Contains(string(b), "<!doctype") {
				t.Fatalf("%s %s = %d Allow %q %.80q, want %d Allow %q and no UI page", tt.method, path, resp.StatusCode, resp.Header.Get("Allow"), b, tt.status, tt.allow)
			}
		})
	}
}

// TestServeHealthzTruthful checks that /healthz shows counts and the store
// only to callers who may read, and answers 503 once the store cannot
// answer reads although it still pings.
func TestServeHealthzTruthful(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lineage.db")
	const token = "health-token-0123456789abcdef"
	m := MustRunMain(t, db, func(c *serveConfig) { c.Tokens = "ops:" + token; c.ReadsNeed = true })
	get := func(tok string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+m.Addr()+"/healthz", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	if code, body := get(""); code != 200 || body["status"] != "ok" || body["counts"] != nil || body["graph"] != nil {
		t.Fatalf("without a token: %d %v, want 200 ok without counts or store", code, body)
	}
	if code, body := get(token); code != 200 || body["counts"] == nil || body["graph"] != "sqlite:"+db {
		t.Fatalf("with a token: %d %v, want counts and the store", code, body)
	}
	if code, _ := get("wrong"); code != 401 {
		t.Fatalf("with a wrong token: %d, want 401", code)
	}

	// Damage the store under the running server: reads fail, ping works.
	other, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("ALTER TABLE edges RENAME TO edges_gone"); err != nil {
		t.Fatal(err)
	}
	if code, body := get(""); code != 503 || body["status"] != "unavailable" || body["graph"] != nil {
		t.Fatalf("damaged, without a token: %d %v, want 503 without the store", code, body)
	}
	if code, body := get(token); code != 503 || body["graph"] != "sqlite:"+db {
		t.Fatalf("damaged, with a token: %d %v, want 503 naming the store", code, body)
	}
}
