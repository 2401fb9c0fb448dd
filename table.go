package lineage

import "strings"

// Table is a persistent table or view, named as the scripts qualify it,
// lower-case ("sales.orders", "tab1", "cat.db.t").
type Table struct {
	Name string `json:"name"`
}

// TableInfo is a table with the jobs that read and write it.
type TableInfo struct {
	Table
	Readers []Job `json:"readers"`
	Writers []Job `json:"writers"`
}

// Direction says which way a walk goes from its start table.
type Direction string

// Walk directions. Downstream follows data as it flows: a table, the jobs
// that read it, the tables they write. Upstream goes the other way.
const (
	Upstream   Direction = "UPSTREAM"
	Downstream Direction = "DOWNSTREAM"
	Both       Direction = "BOTH"
)

// Valid reports whether d is one of the three directions.
func (d Direction) Valid() bool { return d == Upstream || d == Downstream || d == Both }

// WalkFilter says where a walk starts, which way it goes and how far.
type WalkFilter struct {
	Table     string
	Direction Direction
	// Depth counts table hops: 1 is the start table's readers (downstream)
	// and the tables they write. 0 means DefaultDepth.
	Depth int
	// MaxNodes caps tables plus jobs returned. 0 means DefaultNodes.
	MaxNodes int
}

// Subgraph is the result of a walk: the tables, jobs and owners reached and
// the job→table edges between them. Each job's owner is in Owners.
type Subgraph struct {
	Tables    []Table `json:"tables"`
	Jobs      []Job   `json:"jobs"`
	Owners    []Owner `json:"owners"`
	Edges     []Edge  `json:"edges"`
	Truncated bool    `json:"truncated"`
}

// Impact lists who must act, and who is affected further down, when a table
// changes.
type Impact struct {
	Table  string        `json:"table"`
	Depth  int           `json:"depth"`
	Owners []OwnerImpact `json:"owners"`
	// Jobs and Tables count the distinct jobs and downstream tables concerned.
	Jobs      int  `json:"jobs"`
	Tables    int  `json:"tables"`
	Truncated bool `json:"truncated"`

	// The fields below are set by a column-scoped impact
	// (ComputeColumnImpact) only.

	// Columns are the changed columns; empty for a table-wide impact.
	Columns []string `json:"columns,omitempty"`
	// Spared are the owners whose jobs read the table but, by their column
	// lineage, use none of the changed columns: a table-wide campaign would
	// ticket them, a column-scoped one does not.
	Spared []Owner `json:"spared,omitempty"`
	// Derived are the columns computed from the changed ones, hop by hop.
	Derived []ColumnName `json:"derived,omitempty"`
}

// OwnerImpact is one owner's share of an impact.
type OwnerImpact struct {
	Owner Owner `json:"owner"`
	// Hops is the smallest hop count among the owner's jobs: 1 means a job
	// of theirs reads the table itself, so they must act.
	Hops int           `json:"hops"`
	Jobs []ImpactedJob `json:"jobs"`
	// Role is set by a column-scoped impact: the most concerned role among
	// the owner's jobs. A table-wide impact leaves it empty (see RoleOf).
	Role ImpactRole `json:"role,omitempty"`
}

// RoleOf returns the owner's role: Role when set, else must act for a
// direct reader and informed for the others.
func (o OwnerImpact) RoleOf() ImpactRole {
	switch {
	case o.Role != "":
		return o.Role
	case o.Direct():
		return ImpactMustAct
	}
	return ImpactInformed
}

// Direct reports whether the owner reads the table itself.
func (o OwnerImpact) Direct() bool { return o.Hops == 1 }

// ImpactedJob is a job reached by an impact walk.
type ImpactedJob struct {
	Job Job `json:"job"`
	// Hops is 1 for a job reading the table itself, 2 for a job reading a
	// table that a hop-1 job writes, and so on.
	Hops int `json:"hops"`
	// Reads are the impacted tables this job reads (the changed table at hop 1).
	Reads []string `json:"reads"`
	// Writes are the tables this job writes, which become impacted in turn.
	Writes []string `json:"writes"`

	// Role, Uses and Reason are set by a column-scoped impact only: how
	// concerned the job is, its uses of the changed (or derived) columns
	// with kind and line, and why it is listed, in words.
	Role   ImpactRole  `json:"role,omitempty"`
	Uses   []ColumnRef `json:"uses,omitempty"`
	Reason string      `json:"reason,omitempty"`
}

// NodeKind names the three kinds of node in the graph.
type NodeKind string

// Node kinds.
const (
	KindTable NodeKind = "TABLE"
	KindJob   NodeKind = "JOB"
	KindOwner NodeKind = "OWNER"
)

// SearchFilter is a search over node names.
type SearchFilter struct {
	Query string
	// Kinds restricts the search; empty means all three kinds.
	Kinds []NodeKind
	// First is the page size (0 means DefaultPage); After is the EndCursor
	// of the previous page.
	First int
	After string
}

// SearchHit is one search result: a table name, a job id or an owner handle.
type SearchHit struct {
	Kind NodeKind `json:"kind"`
	Name string   `json:"name"`
}

// SearchPage is one page of search hits.
type SearchPage struct {
	Hits      []SearchHit `json:"hits"`
	EndCursor string      `json:"endCursor"`
	HasNext   bool        `json:"hasNext"`
}

// Check validates a search filter for a store. It returns the query trimmed
// of surrounding space (each store folds case its own way), the page size
// (DefaultPage for 0) and the set of kinds to search (all three when Kinds
// is empty).
// Errors: EINVALID naming "query", "first" or "kinds".
func (f SearchFilter) Check() (query string, first int, kinds map[NodeKind]bool, err error) {
	query = strings.TrimSpace(f.Query)
	if query == "" {
		return "", 0, nil, FieldErrorf("query", "must not be empty")
	}
	if len(query) > MaxNameLen {
		return "", 0, nil, FieldErrorf("query", "is %d bytes long; the limit is %d", len(query), MaxNameLen)
	}
	if first, err = CheckLimit("first", f.First, DefaultPage, MaxPage); err != nil {
		return "", 0, nil, err
	}
	kinds = map[NodeKind]bool{}
	for _, k := range f.Kinds {
		if k != KindTable && k != KindJob && k != KindOwner {
			return "", 0, nil, FieldErrorf("kinds", "must be TABLE, JOB or OWNER, got %q", k)
		}
		kinds[k] = true
	}
	if len(kinds) == 0 {
		kinds = map[NodeKind]bool{KindTable: true, KindJob: true, KindOwner: true}
	}
	return query, first, kinds, nil
}
