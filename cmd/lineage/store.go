package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// store is what lineage serve needs of a store: the graph, campaigns and the
// built-in tracker's tickets, and column lineage. Both graph/sqlite and
// graph/neo4j provide all four.
type store interface {
	lineage.GraphStore
	lineage.CampaignStore
	lineage.TicketStore
	lineage.ColumnStore
	lineage.WatcherStore
}

// neo4jAuth holds the Neo4j credentials given by flags or environment.
type neo4jAuth struct {
	User, Password, Database string
}

// openStore opens the store named by spec: "sqlite:PATH" (the embedded
// default) or a Neo4j URI (neo4j://, neo4j+s://, neo4j+ssc://, bolt://,
// bolt+s://, bolt+ssc://).
func openStore(ctx context.Context, spec string, na neo4jAuth) (store, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, lineage.FieldErrorf("graph", "sqlite: needs a file path, as in sqlite:./lineage.db")
		}
		return sqlite.Open(path)
	case isNeo4jURI(spec):
		return openNeo4j(ctx, spec, na)
	default:
		return nil, lineage.FieldErrorf("graph", "%q is not a store: use sqlite:PATH (for example sqlite:./lineage.db) or a Neo4j URI (for example neo4j://localhost:7687)", spec)
	}
}

func isNeo4jURI(s string) bool {
	for _, p := range []string{"neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// describeStore names a store spec for logs without its credentials.
func describeStore(spec string) string {
	if i := strings.Index(spec, "@"); i >= 0 {
		if j := strings.Index(spec, "://"); j >= 0 && j < i {
			return spec[:j+3] + "…" + spec[i:]
		}
	}
	return fmt.Sprint(spec)
}
