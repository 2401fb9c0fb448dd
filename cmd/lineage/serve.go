package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/auth"
)

const serveSynopsis = `Usage: lineage serve [flags]

Runs the lineage service: the GraphQL API at /graphql, its playground at
/playground, the web UI at /, the push and OpenLineage endpoints under /api/v1,
and the campaign loop that opens, syncs and verifies tickets.

With no flags it keeps its graph in ./lineage.db (created if missing) and, when
that store is empty, loads the sample warehouse (examples/warehouse, built into
the binary), so a fresh clone shows real lineage at once.

Reads are open; changes (starting campaigns, pushing jobs) need a bearer token
of at least 16 characters from LINEAGE_TOKENS or -tokens-file. With no token
configured and a loopback-only address (the default, localhost:8080), it makes
one local token on first start and keeps it beside the SQLite file
(./lineage.db-token, mode 0600); on any other address it makes none and
refuses changes.`

const serveExamples = `  lineage serve
  lineage serve -addr :9090 -graph sqlite:/var/lib/lineage/lineage.db
  LINEAGE_TOKENS="alice:$(openssl rand -hex 24)" lineage serve
  lineage serve -graph neo4j://localhost:7687 -neo4j-user neo4j -neo4j-password secret
  lineage serve -jira-url https://acme.atlassian.net -jira-project DATA -jira-user me@acme.com  # token in LINEAGE_JIRA_TOKEN`

// serveConfig is everything lineage serve reads from flags and environment.
type serveConfig struct {
	Addr      string
	Graph     string
	Neo4j     neo4jAuth
	BaseURL   string
	Tokens    string // LINEAGE_TOKENS: name:token pairs, comma-separated
	TokenFile string
	ReadsNeed bool
	Sample    string
	NoSample  bool
	UIDir     string
	SyncEvery time.Duration
	Jira      jiraFlags
}

// Main owns the running service's resources; Run wires them and Close
// releases them (wtf's cmd/wtfd shape).
type Main struct {
	Config serveConfig
	Logger *slog.Logger
	// Notice, when set, gets the few lines a person starting the server
	// must read (where the local token is); the log has them too.
	Notice io.Writer

	store    store
	server   *http.Server
	listener net.Listener
	stopLoop context.CancelFunc
	loopDone chan struct{}
}

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var bad []string
	fs := flagSet("serve", serveSynopsis, serveExamples, stderr)
	var c serveConfig
	fs.StringVar(&c.Addr, "addr", envString("LINEAGE_ADDR", "localhost:8080"), "listen address, host:port (LINEAGE_ADDR); use :8080 to listen on all interfaces")
	fs.StringVar(&c.Graph, "graph", envString("LINEAGE_GRAPH", "sqlite:./lineage.db"), "graph store: sqlite:PATH or a Neo4j URI such as neo4j://host:7687 (LINEAGE_GRAPH)")
	fs.StringVar(&c.Neo4j.User, "neo4j-user", envString("LINEAGE_NEO4J_USER", "neo4j"), "Neo4j user (LINEAGE_NEO4J_USER)")
	fs.StringVar(&c.Neo4j.Password, "neo4j-password", envString("LINEAGE_NEO4J_PASSWORD", ""), "Neo4j password (LINEAGE_NEO4J_PASSWORD; prefer the variable, flags show in ps)")
	fs.StringVar(&c.Neo4j.Database, "neo4j-database", envString("LINEAGE_NEO4J_DATABASE", ""), "Neo4j database name; empty for the server's default (LINEAGE_NEO4J_DATABASE)")
	fs.StringVar(&c.BaseURL, "base-url", envString("LINEAGE_BASE_URL", ""), "public URL of this service, used in ticket links (LINEAGE_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.TokenFile, "tokens-file", envString("LINEAGE_TOKENS_FILE", ""), "file of name:token lines, each token at least 16 characters; each token may call mutations as its name (LINEAGE_TOKENS_FILE; LINEAGE_TOKENS holds the same inline, comma-separated)")
	c.ReadsNeed = envBool("LINEAGE_REQUIRE_TOKEN_FOR_READS", false, &bad)
	fs.BoolVar(&c.ReadsNeed, "require-token-for-reads", c.ReadsNeed, "refuse queries without a token too (LINEAGE_REQUIRE_TOKEN_FOR_READS)")
	fs.StringVar(&c.Sample, "sample", envString("LINEAGE_SAMPLE", ""), "job-script repository loaded on first start, when the store is empty; empty means the sample warehouse built into the binary (examples/warehouse) (LINEAGE_SAMPLE)")
	c.NoSample = envBool("LINEAGE_NO_SAMPLE", false, &bad)
	fs.BoolVar(&c.NoSample, "no-sample", c.NoSample, "do not load the sample warehouse into an empty store (LINEAGE_NO_SAMPLE)")
	fs.StringVar(&c.UIDir, "ui-dir", envString("LINEAGE_UI_DIR", ""), "serve the web UI from this folder instead of the embedded build, for UI work (LINEAGE_UI_DIR)")
	c.SyncEvery = envDuration("LINEAGE_SYNC_EVERY", time.Minute, &bad)
	fs.DurationVar(&c.SyncEvery, "sync-every", c.SyncEvery, "how often the campaign loop syncs tickets and verifies lineage (LINEAGE_SYNC_EVERY)")
	c.Jira.register(fs, &bad)
	if code, stop := parseFlags(fs, args, stdout); stop {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lineage serve: unexpected argument %q (serve takes flags only; see lineage serve --help)\n", fs.Arg(0))
		return 2
	}
	if len(bad) > 0 {
		fmt.Fprintf(stderr, "lineage serve: %s\n", strings.Join(bad, "; "))
		return 2
	}
	c.Tokens = os.Getenv("LINEAGE_TOKENS")

	m := &Main{Config: c, Logger: slog.New(slog.NewTextHandler(stderr, nil)), Notice: stderr}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "lineage serve: %v\n", err)
		m.Close()
		return 1
	}
	<-ctx.Done()
	m.Logger.Info("shutting down")
	if err := m.Close(); err != nil {
		fmt.Fprintf(stderr, "lineage serve: %v\n", err)
		return 1
	}
	return 0
}

// Run opens the store, loads the sample when the store is empty, starts the
// campaign loop and the HTTP server. It returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	c := m.Config
	tokens, err := loadTokens(c.Tokens, c.TokenFile)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c.Graph, c.Neo4j)
	if err != nil {
		return fmt.Errorf("open store %s: %w", describeStore(c.Graph), err)
	}
	m.store = st
	m.Logger.Info("store open", "graph", describeStore(c.Graph))

	if !c.NoSample {
		if err := m.loadSample(ctx); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return lineage.WrapError(lineage.EINVALID, err, "cannot listen on %s (is another server using the port? choose another with -addr)", c.Addr)
	}
	m.listener = ln
	if tokens.Len() == 0 {
		if err := m.firstRunTokens(tokens, ln.Addr()); err != nil {
			ln.Close()
			return err
		}
	}
	baseURL := c.BaseURL
	if baseURL == "" {
		baseURL = "http://" + displayAddr(ln.Addr().String())
	}

	svc, hooks, err := m.campaignService(baseURL)
	if err != nil {
		ln.Close()
		return err
	}
	loopCtx, cancel := context.WithCancel(ctx)
	m.stopLoop = cancel
	m.loopDone = make(chan struct{})
	go func() {
		defer close(m.loopDone)
		if err := svc.Run(loopCtx, c.SyncEvery); err != nil && !errors.Is(err, context.Canceled) {
			m.Logger.Error("campaign loop stopped", "err", err)
		}
	}()

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", tokens.Middleware(http.HandlerFunc(m.healthz), false))
	m.routes(mux, tokens, svc, hooks)
	m.server = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server stopped", "err", err)
		}
	}()
	m.Logger.Info("listening",
		"ui", baseURL+"/",
		"playground", baseURL+"/playground",
		"graphql", baseURL+"/graphql",
		"tokens", tokens.Len(),
		"tracker", svc.TrackerName())
	return nil
}

// Addr returns the address the server listens on, once Run has returned.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// Close stops the server (letting requests in flight finish), waits for the
// campaign loop and closes the store.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down http server: %w", err))
		}
	}
	if m.stopLoop != nil {
		m.stopLoop()
		<-m.loopDone
	}
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
	}
	return errors.Join(errs...)
}

// healthz answers 200 when the store answers a read of every node table
// (its counts), 503 otherwise: a store that pings but cannot read is not
// healthy. The counts, the store's name and the store's own error are shown
// only to callers who may read the graph (anyone, unless
// -require-token-for-reads; then only a valid token); others learn the status.
func (m *Main) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	mayRead := !m.Config.ReadsNeed || lineage.ActorFrom(r.Context()) != ""
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	body := map[string]any{"status": "ok"}
	n, err := m.store.Counts(ctx)
	if err == nil {
		if mayRead {
			body["graph"] = describeStore(m.Config.Graph)
			body["counts"] = n
		}
		json.NewEncoder(w).Encode(body)
		return
	}
	m.Logger.Warn("health check: the store does not answer", "graph", describeStore(m.Config.Graph), "err", err)
	body["status"] = "unavailable"
	body["error"] = "The store does not answer reads."
	if mayRead {
		body["graph"] = describeStore(m.Config.Graph)
		body["error"] = lineage.ErrorMessage(err)
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	json.NewEncoder(w).Encode(body)
}

// loadTokens merges the inline LINEAGE_TOKENS list and the tokens file.
func loadTokens(inline, file string) (*auth.Tokens, error) {
	var parts []string
	if strings.TrimSpace(inline) != "" {
		parts = append(parts, inline)
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, lineage.WrapError(lineage.EINVALID, err, "cannot read the tokens file %s (set -tokens-file or LINEAGE_TOKENS_FILE to a readable file of name:token lines)", file)
		}
		parts = append(parts, string(b))
	}
	return auth.Parse(strings.NewReader(strings.Join(parts, "\n")), "LINEAGE_TOKENS/-tokens-file")
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
