package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql/generated"
)

// Defaults for the zero fields of Config.
const (
	DefaultMaxDepth       = 12
	DefaultMaxComplexity  = 5000
	DefaultMaxBodyBytes   = 1 << 20
	DefaultTimeout        = 10 * time.Second
	DefaultMaxLoads       = 5000
	DefaultMaxWalkNodes   = 2 * lineage.MaxNodes
	DefaultClientWalks    = 2
	DefaultExpensiveWalks = 1
)

// Config configures the GraphQL handler.
type Config struct {
	// Graph is the lineage graph. Required.
	Graph lineage.GraphStore
	// Columns answers column-level queries; nil means Graph, if it
	// implements lineage.ColumnStore.
	Columns lineage.ColumnStore
	// Campaigns runs migration campaigns. If nil, campaign fields return
	// UNAVAILABLE ("Campaigns are not configured.").
	Campaigns CampaignService
	// RequireTokenForReads refuses queries without a bearer token too.
	// Mutations always need one. The token itself is checked by the
	// auth.Tokens middleware in front of this handler, which puts its name
	// in the request context (lineage.WithActor).
	RequireTokenForReads bool
	// Logger receives internal errors with their chain. Default: slog.Default().
	Logger *slog.Logger

	// MaxDepth bounds the nesting of selections (introspection excluded).
	MaxDepth int
	// MaxComplexity bounds gqlgen's complexity of an operation; list fields
	// that read from the store count ten times their selection.
	MaxComplexity int
	// MaxBodyBytes bounds the request body.
	MaxBodyBytes int64
	// Timeout bounds the time spent on one request.
	Timeout time.Duration
	// MaxLoads bounds the tables, jobs and owners one request may read
	// one by one to resolve the fields of lists.
	MaxLoads int
	// MaxWalkNodes bounds the nodes all the walks of one request may
	// return together; each walk counts its limit, an impact
	// lineage.MaxNodes.
	MaxWalkNodes int
	// ClientWalks bounds the expensive walks (depth × limit above 10,000)
	// one client (token name, or remote address without a token) runs at
	// once; more wait, and past 256 waiting they are refused with
	// TOO_MANY_REQUESTS.
	ClientWalks int
	// ExpensiveWalks bounds the walks that may visit many nodes (depth ×
	// limit above 10,000) running at once on the whole server. Keep it
	// below the store's read connections (4 for SQLite), so that ordinary
	// queries always find one.
	ExpensiveWalks int
	// NoDirect runs every operation through gqlgen's executor, even the
	// lineage walks that direct.go answers itself; for comparisons.
	NoDirect bool
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxComplexity <= 0 {
		c.MaxComplexity = DefaultMaxComplexity
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxLoads <= 0 {
		c.MaxLoads = DefaultMaxLoads
	}
	if c.MaxWalkNodes <= 0 {
		c.MaxWalkNodes = DefaultMaxWalkNodes
	}
	if c.ClientWalks <= 0 {
		c.ClientWalks = DefaultClientWalks
	}
	if c.ExpensiveWalks <= 0 {
		c.ExpensiveWalks = DefaultExpensiveWalks
	}
}

// NewHandler returns the GraphQL endpoint: POST (JSON) and GET (queries only)
// at whatever path it is mounted on. It panics if cfg.Graph is nil, a wiring
// bug.
func NewHandler(cfg Config) http.Handler {
	if cfg.Graph == nil {
		panic("gql: NewHandler needs a Graph")
	}
	cfg.setDefaults()
	r := newResolver(cfg)

	ec := generated.Config{Resolvers: r}
	setComplexity(&ec.Complexity)
	srv := handler.New(generated.NewExecutableSchema(ec))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(depthLimit{max: cfg.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	p := presenter{logger: cfg.Logger}
	srv.SetErrorPresenter(p.present)
	srv.SetRecoverFunc(recoverPanic)
	var d *direct
	if !cfg.NoDirect {
		d = newDirect(r, &cfg)
		srv.AroundOperations(d.intercept)
	}

	return &httpHandler{cfg: cfg, srv: srv, graph: cfg.Graph, direct: d}
}

// httpHandler puts the limits that gqlgen has no option for around it.
type httpHandler struct {
	cfg    Config
	srv    http.Handler
	graph  lineage.GraphStore
	direct *direct // nil with Config.NoDirect
}

func (h *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// gqlgen recovers panics in resolvers and in its own ServeHTTP;
		// this catches the rest, such as a panic in a transport.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := recoverPanic(r.Context(), v)
			presenter{logger: h.cfg.Logger}.logInternal(r.Context(), &gqlerror.Error{}, err)
			writeError(w, http.StatusInternalServerError, CodeInternal, internalMessage)
		}
	}()
	if h.cfg.RequireTokenForReads && r.Method != http.MethodOptions && lineage.ActorFrom(r.Context()) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lineage"`)
		writeError(w, http.StatusUnauthorized, CodeUnauthenticated, "This server requires a token for every request: send Authorization: Bearer TOKEN.")
		return
	}
	if r.ContentLength > h.cfg.MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("The request body is %d bytes; the limit is %d.", r.ContentLength, h.cfg.MaxBodyBytes))
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		// Read the body here, bounded, so that an oversized one (chunked,
		// or with a lying Content-Length) gets a clear 413 rather than a
		// decoding error from gqlgen.
		body, err := io.ReadAll(io.LimitReader(r.Body, h.cfg.MaxBodyBytes+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, CodeBadRequest, "The request body could not be read.")
			return
		}
		if int64(len(body)) > h.cfg.MaxBodyBytes {
			writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("The request body is larger than the limit of %d bytes.", h.cfg.MaxBodyBytes))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancel()
	ctx = withLoads(ctx, newLoads(h.graph, h.cfg.MaxLoads, h.cfg.MaxWalkNodes))
	r = r.WithContext(ctx)
	h.srv.ServeHTTP(w, r.WithContext(withClient(r)))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(graphql.Response{Errors: gqlerror.List{{
		Message:    msg,
		Extensions: map[string]any{"code": code},
	}}})
}
