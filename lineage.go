// Package lineage holds the domain of the lineage service: tables, jobs and
// owners, the job→table edges between them, migration campaigns, and the
// interfaces (GraphStore, CampaignStore, Tracker) that adapters implement.
//
// It imports only the standard library. Adapters live in subpackages
// (graph/sqlite, graph/neo4j, campaigns/jira) and meet only through the
// interfaces declared here; cmd/lineage is the one place that wires concrete
// types together.
package lineage

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Limits shared by every store, so that callers see the same EINVALID errors
// whichever store they talk to.
const (
	// MaxDepth is the deepest walk a caller may ask for.
	MaxDepth = 50
	// DefaultDepth is used when a caller passes depth 0.
	DefaultDepth = 3
	// MaxNodes is the largest node cap a caller may ask for.
	MaxNodes = 100000
	// DefaultNodes is used when a caller passes a node cap of 0.
	DefaultNodes = 500
	// MaxPage is the largest page a caller may ask for.
	MaxPage = 1000
	// DefaultPage is used when a caller passes a page size of 0.
	DefaultPage = 50
	// MaxNameLen bounds table names, job ids and owner handles.
	MaxNameLen = 1024
	// MaxScriptBytes bounds a job's script text (JobPut.Script). Scripts are
	// stored as given, so the bound keeps one job from filling the store.
	MaxScriptBytes = 1 << 20
)

// NormalizeName returns a table name, job id or owner handle trimmed of
// surrounding space, and for tables and owners lower-cased. It returns an
// EINVALID error naming field when the result is empty or too long.
func NormalizeName(field, name string, lower bool) (string, error) {
	n := strings.TrimSpace(name)
	if lower {
		n = strings.ToLower(n)
	}
	if n == "" {
		return "", FieldErrorf(field, "must not be empty")
	}
	if len(n) > MaxNameLen {
		return "", FieldErrorf(field, "is %d bytes long; the limit is %d", len(n), MaxNameLen)
	}
	if strings.ContainsAny(n, "\x00\n\r") {
		return "", FieldErrorf(field, "must not contain NUL or line breaks")
	}
	return n, nil
}

// CheckScript validates a job's script text, which stores keep as is: it
// must be UTF-8 (what GraphQL and Neo4j carry) and at most MaxScriptBytes
// long. Otherwise it returns an EINVALID error naming field.
func CheckScript(field, script string) error {
	if len(script) > MaxScriptBytes {
		return FieldErrorf(field, "is %d bytes long; the limit is %d", len(script), MaxScriptBytes)
	}
	if !utf8.ValidString(script) {
		return FieldErrorf(field, "must be UTF-8 text")
	}
	return nil
}

// CheckDepth validates a walk depth: 0 means DefaultDepth; negative or above
// MaxDepth is EINVALID.
func CheckDepth(depth int) (int, error) {
	switch {
	case depth == 0:
		return DefaultDepth, nil
	case depth < 0 || depth > MaxDepth:
		return 0, FieldErrorf("depth", "must be between 1 and %d, got %d", MaxDepth, depth)
	}
	return depth, nil
}

// CheckLimit validates a count such as a node cap or a page size: 0 means
// def; negative or above max is EINVALID.
func CheckLimit(field string, n, def, max int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0 || n > max:
		return 0, FieldErrorf(field, "must be between 1 and %d, got %d", max, n)
	}
	return n, nil
}

// Counts is the size of a graph.
type Counts struct {
	Tables int `json:"tables"`
	Jobs   int `json:"jobs"`
	Owners int `json:"owners"`
	Edges  int `json:"edges"`
}

// GraphStore holds the lineage graph. Implementations: graph/sqlite (the
// embedded default) and graph/neo4j. Both pass graph/graphtest.
type GraphStore interface {
	// PutJobs stores each job with its reads, writes and owner. For each job
	// it replaces whatever that job had before, so the same input twice gives
	// the same graph, including its script (JobPut.Script; an empty script
	// replaces a stored one too). The whole batch is applied atomically: on
	// error nothing of it is stored. Owner details given in JobPut.OwnerInfo update the
	// owner; an empty OwnerInfo leaves known details alone.
	// Errors: EINVALID (empty or oversized names, a script longer than
	// MaxScriptBytes, naming the field such as "jobs[2].script"),
	// EUNAVAILABLE.
	PutJobs(ctx context.Context, jobs []JobPut) error

	// DeleteJob removes a job and its edges. Tables and owners left with no
	// jobs stay (they may be named by campaigns).
	// Errors: ENOTFOUND, EUNAVAILABLE.
	DeleteJob(ctx context.Context, id string) error

	// Table returns a table with the jobs that read and write it.
	// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
	Table(ctx context.Context, name string) (*TableInfo, error)

	// Job returns a job with its reads, writes, owner and script text.
	// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
	Job(ctx context.Context, id string) (*JobInfo, error)

	// Jobs lists jobs in id order, optionally those of one source, with
	// cursor paging. Ingest uses it to compare content hashes.
	// Errors: EINVALID (bad page size or cursor), EUNAVAILABLE.
	Jobs(ctx context.Context, f JobFilter) (*JobPage, error)

	// Owner returns an owner with the ids of the jobs it owns.
	// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
	Owner(ctx context.Context, handle string) (*OwnerInfo, error)

	// PutOwners creates or updates owners' details (email, Jira user, team).
	// Errors: EINVALID, EUNAVAILABLE.
	PutOwners(ctx context.Context, owners []Owner) error

	// Walk returns the subgraph reachable from a table upstream, downstream
	// or both, to f.Depth table hops, capped at f.MaxNodes tables plus jobs
	// (Truncated is set when the cap cut the walk). Cycles are visited once.
	// Errors: EINVALID (depth outside 1..MaxDepth, cap outside 1..MaxNodes,
	// bad direction), ENOTFOUND (unknown table), EUNAVAILABLE.
	Walk(ctx context.Context, f WalkFilter) (*Subgraph, error)

	// Impact returns the owners whose jobs read the table directly (hop 1)
	// or read a table downstream of it within depth hops, with the jobs and
	// tables concerned. Owners are sorted by hop, then handle.
	// Errors: EINVALID, ENOTFOUND, EUNAVAILABLE.
	Impact(ctx context.Context, table string, depth int) (*Impact, error)

	// Search finds tables, jobs and owners whose name contains the query
	// (case-insensitive): the whole name first, then the last segment
	// (ods.orders for "orders"), then prefixes, then the rest; with cursor
	// paging.
	// Errors: EINVALID (empty query, bad page size or cursor), EUNAVAILABLE.
	Search(ctx context.Context, f SearchFilter) (*SearchPage, error)

	// Counts returns the size of the graph.
	// Errors: EUNAVAILABLE.
	Counts(ctx context.Context) (Counts, error)

	// Ping reports whether the store is reachable.
	// Errors: EUNAVAILABLE.
	Ping(ctx context.Context) error

	// Close releases the store's resources.
	Close() error
}
