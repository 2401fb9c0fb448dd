package lineage

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Star is the column name that stands for "every column" of a table whose
// columns the parser did not know: a job with a Star use of a table may use
// any of its columns.
const Star = "*"

// ColumnUseKind says how a job uses a column it references.
type ColumnUseKind string

// Column use kinds, as the parser reports them.
const (
	UseValue    ColumnUseKind = "VALUE"    // its value is selected or computed into an output
	UseFilter   ColumnUseKind = "FILTER"   // WHERE, HAVING, QUALIFY
	UseJoin     ColumnUseKind = "JOIN"     // JOIN ... ON / USING, MERGE ON
	UseGrouping ColumnUseKind = "GROUPING" // GROUP BY, PARTITION BY
	UseOrdering ColumnUseKind = "ORDERING" // ORDER BY
	UseWindow   ColumnUseKind = "WINDOW"   // a window's PARTITION BY or ORDER BY
	UseOther    ColumnUseKind = "OTHER"
)

// Valid reports whether k is a known use kind.
func (k ColumnUseKind) Valid() bool {
	switch k {
	case UseValue, UseFilter, UseJoin, UseGrouping, UseOrdering, UseWindow, UseOther:
		return true
	}
	return false
}

// ColumnName names a column of a table: Table as table names are
// ("db.orders"), Column lower-case ("amount"), or Star.
type ColumnName struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// String returns "table.column".
func (c ColumnName) String() string { return c.Table + "." + c.Column }

// ColumnRef is one use of a column of a persistent table by a job.
type ColumnRef struct {
	ColumnName
	Kind ColumnUseKind `json:"kind"`
	// Line is the 1-based line of the use in the job's script, 0 if unknown.
	Line int `json:"line,omitempty"`
	// Unresolved marks a use the parser could not pin down: an unqualified
	// column that may belong to this table or another one of the query, or
	// a star over a table of unknown columns (Column is Star then). The
	// job may use the column.
	Unresolved bool `json:"unresolved,omitempty"`
}

// ColumnFlow says that a job computes Target from Sources.
type ColumnFlow struct {
	Target  ColumnName   `json:"target"`
	Sources []ColumnName `json:"sources"`
}

// TableSchema is the columns a job declares for a table (CREATE TABLE DDL,
// a dbt model's columns, an OpenLineage schema facet).
type TableSchema struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

// JobColumns is the column-level lineage of one job, stored with it by
// GraphStore.PutJobs (JobPut.Columns) and returned by GraphStore.Job.
type JobColumns struct {
	Refs     []ColumnRef   `json:"refs"`
	Flows    []ColumnFlow  `json:"flows"`
	Declares []TableSchema `json:"declares"`
}

// Empty reports whether c holds nothing.
func (c JobColumns) Empty() bool {
	return len(c.Refs) == 0 && len(c.Flows) == 0 && len(c.Declares) == 0
}

// Normalize checks and normalizes a job's column lineage in place: table
// and column names are normalized as names are (lower-case), kinds default
// to OTHER, repeats are dropped, and lists are sorted, so that both stores
// keep and return the same thing. Errors: EINVALID naming the field under
// prefix, such as "jobs[2].columns.refs[0].column".
func (c *JobColumns) Normalize(prefix string) error {
	name := func(field string, n *ColumnName) error {
		var err error
		if n.Table, err = NormalizeName(field+".table", n.Table, true); err != nil {
			return err
		}
		n.Column, err = NormalizeName(field+".column", n.Column, true)
		return err
	}
	seenRef := map[ColumnRef]bool{}
	refs := c.Refs[:0:0]
	for i, r := range c.Refs {
		f := fmt.Sprintf("%s.refs[%d]", prefix, i)
		if err := name(f, &r.ColumnName); err != nil {
			return err
		}
		if r.Kind == "" {
			r.Kind = UseOther
		}
		if !r.Kind.Valid() {
			return FieldErrorf(f+".kind", "must be VALUE, FILTER, JOIN, GROUPING, ORDERING, WINDOW or OTHER, got %q", r.Kind)
		}
		if r.Line < 0 {
			return FieldErrorf(f+".line", "must not be negative, got %d", r.Line)
		}
		if r.Column == Star {
			r.Unresolved = true
		}
		if !seenRef[r] {
			seenRef[r] = true
			refs = append(refs, r)
		}
	}
	slices.SortFunc(refs, compareRefs)
	c.Refs = refs

	flows := map[ColumnName]map[ColumnName]bool{}
	for i, fl := range c.Flows {
		f := fmt.Sprintf("%s.flows[%d]", prefix, i)
		if err := name(f+".target", &fl.Target); err != nil {
			return err
		}
		if flows[fl.Target] == nil {
			flows[fl.Target] = map[ColumnName]bool{}
		}
		for j, s := range fl.Sources {
			if err := name(fmt.Sprintf("%s.sources[%d]", f, j), &s); err != nil {
				return err
			}
			flows[fl.Target][s] = true
		}
	}
	c.Flows = c.Flows[:0:0]
	for t, srcs := range flows {
		fl := ColumnFlow{Target: t}
		for s := range srcs {
			fl.Sources = append(fl.Sources, s)
		}
		slices.SortFunc(fl.Sources, CompareColumns)
		c.Flows = append(c.Flows, fl)
	}
	slices.SortFunc(c.Flows, func(a, b ColumnFlow) int { return CompareColumns(a.Target, b.Target) })

	decl := map[string]map[string]bool{}
	for i, d := range c.Declares {
		f := fmt.Sprintf("%s.declares[%d]", prefix, i)
		t, err := NormalizeName(f+".table", d.Table, true)
		if err != nil {
			return err
		}
		if decl[t] == nil {
			decl[t] = map[string]bool{}
		}
		for j, col := range d.Columns {
			col, err := NormalizeName(fmt.Sprintf("%s.columns[%d]", f, j), col, true)
			if err != nil {
				return err
			}
			decl[t][col] = true
		}
	}
	c.Declares = c.Declares[:0:0]
	for t, cols := range decl {
		d := TableSchema{Table: t, Columns: make([]string, 0, len(cols))}
		for col := range cols {
			d.Columns = append(d.Columns, col)
		}
		slices.Sort(d.Columns)
		c.Declares = append(c.Declares, d)
	}
	slices.SortFunc(c.Declares, func(a, b TableSchema) int { return strings.Compare(a.Table, b.Table) })
	return nil
}

// CompareColumns orders column names by table, then column.
func CompareColumns(a, b ColumnName) int {
	if c := strings.Compare(a.Table, b.Table); c != 0 {
		return c
	}
	return strings.Compare(a.Column, b.Column)
}

func compareRefs(a, b ColumnRef) int {
	if c := CompareColumns(a.ColumnName, b.ColumnName); c != 0 {
		return c
	}
	return compareUse(a.Kind, b.Kind, a.Line, b.Line, a.Unresolved, b.Unresolved)
}

// compareUse orders two uses of one column by kind, line, then resolved
// before unresolved.
func compareUse(ka, kb ColumnUseKind, la, lb int, ua, ub bool) int {
	if c := strings.Compare(string(ka), string(kb)); c != 0 {
		return c
	}
	if la != lb {
		return la - lb
	}
	switch {
	case ua == ub:
		return 0
	case ua:
		return 1
	}
	return -1
}

// ColumnInfo is a column of a table as the graph knows it: declared by some
// job's schema, or used or written by some job.
type ColumnInfo struct {
	Name string `json:"name"`
	// Declared is set when some job's schema declares the column.
	Declared bool `json:"declared"`
	// Uses are the jobs' uses of the column, by job id then kind and line.
	Uses []ColumnUse `json:"uses"`
	// Writers are the ids of jobs whose column flow writes the column.
	Writers []string `json:"writers"`
}

// ColumnUse is one job's use of a column.
type ColumnUse struct {
	Job        Job           `json:"job"`
	Kind       ColumnUseKind `json:"kind"`
	Line       int           `json:"line,omitempty"`
	Unresolved bool          `json:"unresolved,omitempty"`
}

// ColumnEdge is one step of column flow: Job computes Target from Source.
type ColumnEdge struct {
	Job    string     `json:"job"`
	Source ColumnName `json:"source"`
	Target ColumnName `json:"target"`
}

// ColumnStore answers column-level questions. Both stores implement it
// beside GraphStore; the column lineage it reads is what PutJobs stored in
// JobPut.Columns.
type ColumnStore interface {
	// Columns returns the columns of a table the graph knows of, sorted by
	// name, with their uses; a Star entry, when present, lists the jobs that
	// read the table through a star over unknown columns.
	// Errors: EINVALID, ENOTFOUND (unknown table), EUNAVAILABLE.
	Columns(ctx context.Context, table string) ([]ColumnInfo, error)

	// ColumnEdges returns the column flow edges leaving (Downstream: the
	// columns are sources) or entering (Upstream: the columns are targets)
	// the given columns, sorted by source, target, job.
	// Errors: EINVALID (bad direction, empty names), EUNAVAILABLE.
	ColumnEdges(ctx context.Context, cols []ColumnName, dir Direction) ([]ColumnEdge, error)

	// OwnerDetails returns the details of the named owners, in one call
	// (GraphStore.Owner also lists every job of one owner, which a column
	// impact does not need). Unknown handles are left out.
	// Errors: EUNAVAILABLE.
	OwnerDetails(ctx context.Context, handles []string) (map[string]Owner, error)
}

// CompareColumnEdges orders column edges by source, target, then job.
func CompareColumnEdges(a, b ColumnEdge) int {
	if c := CompareColumns(a.Source, b.Source); c != 0 {
		return c
	}
	if c := CompareColumns(a.Target, b.Target); c != 0 {
		return c
	}
	return strings.Compare(a.Job, b.Job)
}

// CompareColumnUses orders column uses by job id, kind, line.
func CompareColumnUses(a, b ColumnUse) int {
	if c := strings.Compare(a.Job.ID, b.Job.ID); c != 0 {
		return c
	}
	return compareUse(a.Kind, b.Kind, a.Line, b.Line, a.Unresolved, b.Unresolved)
}

// CheckColumnEdges validates the arguments of ColumnStore.ColumnEdges and
// returns the names normalized and deduplicated.
// Errors: EINVALID naming "direction" or "columns[i]".
func CheckColumnEdges(cols []ColumnName, dir Direction) ([]ColumnName, error) {
	if !dir.Valid() {
		return nil, FieldErrorf("direction", "must be UPSTREAM, DOWNSTREAM or BOTH, got %q", dir)
	}
	out := make([]ColumnName, 0, len(cols))
	seen := map[ColumnName]bool{}
	for i, c := range cols {
		var err error
		if c.Table, err = NormalizeName(fmt.Sprintf("columns[%d].table", i), c.Table, true); err != nil {
			return nil, err
		}
		if c.Column, err = NormalizeName(fmt.Sprintf("columns[%d].column", i), c.Column, true); err != nil {
			return nil, err
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}
