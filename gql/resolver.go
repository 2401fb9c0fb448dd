package gql

import (
	"log/slog"
	"sync"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/parser"
)

// Resolver is the root of the resolvers: the domain interfaces they call.
// gqlgen never regenerates this file. Resolver bodies (in *.resolvers.go)
// turn arguments into domain values, make one domain call and return; the
// helpers they share are in helpers.go, loader.go and errors.go.
type Resolver struct {
	graph     lineage.GraphStore
	columns   lineage.ColumnStore // nil: column queries are UNAVAILABLE
	campaigns CampaignService
	logger    *slog.Logger
	// maxLoads bounds the objects one request may read (see loads).
	maxLoads int
	// maxWalkNodes bounds the nodes of one request's walks together, and
	// throttle the walks running at once (see throttle.go).
	maxWalkNodes int
	throttle     *throttle
	// parsers holds *parser.Parser values: a parser is not safe for
	// concurrent use and costly to build, so each request borrows one.
	parsers sync.Pool
}

func newResolver(cfg Config) *Resolver {
	r := &Resolver{
		graph:     cfg.Graph,
		columns:   cfg.Columns,
		campaigns: cfg.Campaigns,
		logger:    cfg.Logger,
		maxLoads:  cfg.MaxLoads,

		maxWalkNodes: cfg.MaxWalkNodes,
		throttle:     newThrottle(cfg.ClientWalks, cfg.ExpensiveWalks),
	}
	if r.columns == nil {
		r.columns, _ = cfg.Graph.(lineage.ColumnStore)
	}
	r.parsers.New = func() any { return parser.New() }
	return r
}

// columnStore returns the column store, or EUNAVAILABLE when the server
// has none.
func (r *Resolver) columnStore() (lineage.ColumnStore, error) {
	if r.columns == nil {
		return nil, lineage.Errorf(lineage.EUNAVAILABLE, "Column lineage is not available from this server's store.")
	}
	return r.columns, nil
}
