package parser

import (
	"fmt"
	"slices"
	"strings"

	tidb "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// ColumnLineage is one written column and the source columns its value is
// computed from.
//
// Target is "db.table.col", qualified as the table-level names are; for a
// bare SELECT it is the output column's name alone ("col"); for a SELECT *
// over a table of unknown columns it is "db.table.*", fed by the star's
// "db.src.*". Sources are "db.table.col" (a struct field access t.c.f
// counts as t.c), sorted and deduplicated, never nil: empty when only
// literals, variables or COUNT(*) feed the target. Temporary views, CTEs
// and subqueries are resolved through, so every source is a column of a
// persistent table (or a storage path).
type ColumnLineage struct {
	Target  string   `json:"target"`
	Sources []string `json:"sources"`
	// Unresolved lists the Sources that are not certain: every candidate
	// table of an unqualified column that several tables of unknown
	// columns could own, "db.t.*" for a star over unknown columns, a
	// column a known schema does not have. Omitted when empty.
	Unresolved []string `json:"unresolved,omitzero"`
}

// ColumnRef is one use of a column of a persistent table: the job reads
// Column ("db.table.col", or "db.table.*" for a star over a table of
// unknown columns) for Kind.
type ColumnRef struct {
	Column string `json:"column"`
	Kind   string `json:"kind"`
	// Unresolved is set when the column could not be placed with
	// certainty: the table is one candidate of several, the star's
	// columns are unknown, or a known schema lacks the column.
	Unresolved bool `json:"unresolved,omitzero"`
}

// Kinds of column use (ColumnRef.Kind).
const (
	// UseValue: the column feeds a value: a select list, a SET or VALUES
	// expression (also inside CASE conditions and function arguments).
	UseValue = "value"
	// UseFilter: WHERE, HAVING, QUALIFY, a MERGE WHEN ... AND condition,
	// and the select list of a subquery used in a condition.
	UseFilter = "filter"
	// UseJoin: JOIN ... ON / USING, MERGE ... ON.
	UseJoin = "join"
	// UseGrouping: GROUP BY.
	UseGrouping = "grouping"
	// UseOrdering: ORDER BY.
	UseOrdering = "ordering"
	// UseWindow: a window's PARTITION BY or ORDER BY.
	UseWindow = "window"
)

// source is a resolved source column: "db.t.col"; unres marks a guess.
type source struct {
	name  string
	unres bool
}

// outCol is one output column of a query: its name and sources.
type outCol struct {
	name string // lower-case; "*" for a star over unknown columns
	srcs []source
}

// derived is a relation computed by the script: a CTE, a subquery, a
// temporary view or table.
type derived struct {
	cols []outCol
}

type stmtColumns struct {
	cols []ColumnLineage
	refs []ColumnRef
}

// colState is the column extraction state of one Parse call; it costs
// nothing unless Options.Columns is set.
type colState struct {
	on     bool
	schema func(table string) ([]string, bool)
	db     string
	ddl    map[string][]string // tables whose columns DDL earlier in the script gave
	parts  map[string][]string // their partition columns (last in ddl), where DDL named them
	temps  map[string]*derived // temporary views and tables, by bare name
	vars   map[string]bool     // names the script DECLAREs: variables, not columns
	params map[string]bool     // lambda parameters of the statement (x -> ...)
	out    []stmtColumns       // one per statement, in order

	// the statement being processed
	s      *stmt
	p      *Parser
	ctes   []cteEntry
	cols   []ColumnLineage
	refs   []ColumnRef
	failed bool
	qual   bool // the statement has a QUALIFY clause
	sub    *tidb.Parser

	lviews []lateralView // the statement's LATERAL VIEW clauses
	encl   []int         // enclosing brackets of its tokens, when lviews are set

	visitors []*exprVisitor // a stack of expression visitors, reused
	depth    int
	buf      []source // sources being gathered (see walkExpr)
}

type cteEntry struct {
	name string
	d    *derived
}

func (c *colState) reset(opts Options) {
	c.on = opts.Columns
	if !c.on {
		return
	}
	c.schema = opts.Schema
	c.db = strings.ToLower(opts.DefaultDB)
	// Clear the maps only when used: clearing costs what they once held.
	if c.ddl == nil {
		c.ddl, c.temps, c.parts = map[string][]string{}, map[string]*derived{}, map[string][]string{}
	}
	if len(c.ddl) > 0 {
		clear(c.ddl)
	}
	if len(c.parts) > 0 {
		clear(c.parts)
	}
	if len(c.temps) > 0 {
		clear(c.temps)
	}
	if len(c.vars) > 0 {
		clear(c.vars)
	}
	c.depth = 0
	c.buf = c.buf[:0]
	c.out = c.out[:0]
}

// begin starts the column extraction of a statement.
func (c *colState) begin(p *Parser, s *stmt) {
	c.p, c.s = p, s
	c.cols, c.refs = c.cols[:0], c.refs[:0]
	c.ctes = c.ctes[:0]
	c.failed = false
	c.qual = false
	if len(c.params) > 0 {
		clear(c.params)
	}
	lateral := false
	for i := range s.t {
		if s.t[i].kind == tWord && s.is(i, "QUALIFY") {
			c.qual = true
		}
		if s.t[i].kind == tWord && s.is(i, "LATERAL") && s.is(i+1, "VIEW") {
			lateral = true
		}
		if s.str(i) == "->" && i+1 < len(s.t) && s.t[i+1].kind != tString {
			c.lambdaParams(s, i)
		}
	}
	c.lviews = c.lviews[:0]
	if lateral {
		c.lateralViews(s)
	}
}

// finish ends a statement: its units were all parsed (conf Parsed) or it
// fell back, and then it has no column lineage.
func (c *colState) finish(s *stmt) {
	if s.kind == "merge" && s.conf == Parsed {
		c.merge(s)
	}
	if s.use != "" {
		c.db = s.use
	}
	if s.kind == "declare" {
		// DECLARE x [, y] type ...: BigQuery, Snowflake and T-SQL scripts.
		for i := 1; i < len(s.t) && s.isName(i); i += 2 {
			if c.vars == nil {
				c.vars = map[string]bool{}
			}
			c.vars[s.nameOf(i)] = true
			if !s.isP(i+1, ',') {
				break
			}
		}
	}
	if s.kind == "alter" || s.kind == "rename" {
		c.alter(s)
	}
	for _, d := range s.drops {
		if !d.qualified() {
			delete(c.temps, d.s)
		}
		delete(c.ddl, c.qualify(d))
		delete(c.parts, c.qualify(d))
	}
	sc := stmtColumns{}
	if s.conf == Parsed && !c.failed {
		// c.cols and c.refs are scratch space: the results get their own.
		sc.cols, sc.refs = slices.Clone(finishCols(c.cols)), slices.Clone(finishRefs(c.refs))
	}
	c.out = append(c.out, sc)
	c.s, c.p = nil, nil
}

func (c *colState) qualify(n tname) string {
	if n.qualified() || c.db == "" || n.isTemp() {
		return n.s
	}
	return c.db + "." + n.s
}

// lookup returns the columns of a persistent table: from DDL earlier in
// the script, then from the caller's schema.
func (c *colState) lookup(q, written string) ([]string, bool) {
	if cols, ok := c.ddl[q]; ok {
		return cols, true
	}
	if c.schema != nil {
		if cols, ok := c.schema(q); ok {
			return lowerAll(cols), true
		}
		if written != q {
			if cols, ok := c.schema(written); ok {
				return lowerAll(cols), true
			}
		}
	}
	return nil, false
}

func lowerAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strings.ToLower(x)
	}
	return out
}

// unit extracts the columns of one parsed unit of s.
func (c *colState) unit(s *stmt, u *unit, node ast.StmtNode) {
	if s.kind == "merge" {
		return // merge builds its own units from the statement's clauses
	}
	defer func() {
		if r := recover(); r != nil {
			// Column extraction must never cost the table lineage; the
			// statement's columns are dropped with a warning.
			c.fail(s, r)
		}
	}()
	c.stmtNode(s, u, node)
}

func (c *colState) use(srcs []source, kind string) {
	for _, x := range srcs {
		c.refs = append(c.refs, ColumnRef{Column: x.name, Kind: kind, Unresolved: x.unres})
	}
}

// emit records the lineage of target's columns; names maps the query's
// output columns to target columns by position (nil: by name).
func (c *colState) emit(target string, cols []outCol, names []string) {
	positional := names != nil
	for _, oc := range cols {
		if oc.name == "*" {
			positional = false
		}
	}
	for i, oc := range cols {
		name := oc.name
		if positional {
			if i >= len(names) {
				break
			}
			name = names[i]
		}
		t := name
		if target != "" {
			t = target + "." + name
		}
		cl := ColumnLineage{Target: t, Sources: []string{}}
		for _, x := range oc.srcs {
			cl.Sources = append(cl.Sources, x.name)
			if x.unres {
				cl.Unresolved = append(cl.Unresolved, x.name)
			}
		}
		c.cols = append(c.cols, cl)
	}
}

func finishCols(in []ColumnLineage) []ColumnLineage {
	if len(in) == 0 {
		return []ColumnLineage{}
	}
	slices.SortStableFunc(in, func(a, b ColumnLineage) int { return strings.Compare(a.Target, b.Target) })
	out := in[:0]
	for _, cl := range in {
		if n := len(out); n > 0 && out[n-1].Target == cl.Target {
			out[n-1].Sources = append(out[n-1].Sources, cl.Sources...)
			out[n-1].Unresolved = append(out[n-1].Unresolved, cl.Unresolved...)
			continue
		}
		out = append(out, cl)
	}
	for i := range out {
		out[i].Sources = sortUnique(out[i].Sources)
		if len(out[i].Unresolved) > 0 {
			out[i].Unresolved = sortUnique(out[i].Unresolved)
		} else {
			out[i].Unresolved = nil
		}
	}
	return out
}

func sortUnique(s []string) []string {
	if s == nil {
		return []string{}
	}
	slices.Sort(s)
	return slices.Compact(s)
}

func finishRefs(in []ColumnRef) []ColumnRef {
	if len(in) == 0 {
		return []ColumnRef{}
	}
	slices.SortFunc(in, compareRef)
	return slices.Compact(in)
}

func compareRef(a, b ColumnRef) int {
	if c := strings.Compare(a.Column, b.Column); c != 0 {
		return c
	}
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	switch {
	case a.Unresolved == b.Unresolved:
		return 0
	case !a.Unresolved:
		return -1
	}
	return 1
}

// throughScoped resolves through the tables the script creates and later
// drops (temporary by the table-level rules; dropped[i] marks the
// statement that creates one): their columns stop being targets, and
// what reads them reads their sources.
func (c *colState) throughScoped(dropped []bool) {
	var scoped map[string][]string // "db.t.col" -> its sources
	var unres map[string]bool      // sources that are guesses
	tables := map[string]bool{}
	tableOf := func(col string) string {
		if i := strings.LastIndexByte(col, '.'); i > 0 {
			return col[:i]
		}
		return ""
	}
	for i := range c.out {
		out := &c.out[i]
		if len(tables) > 0 {
			var cols []ColumnLineage
			for _, cl := range out.cols {
				cl.Sources, cl.Unresolved = c.mapScoped(cl.Sources, cl.Unresolved, tables, scoped, unres)
				cols = append(cols, cl)
			}
			var refs []ColumnRef
			for _, r := range out.refs {
				if !tables[tableOf(r.Column)] {
					refs = append(refs, r)
					continue
				}
				for _, src := range scoped[r.Column] {
					refs = append(refs, ColumnRef{Column: src, Kind: r.Kind, Unresolved: r.Unresolved || unres[src]})
				}
			}
			out.cols, out.refs = finishCols(cols), finishRefs(refs)
		}
		if i < len(dropped) && dropped[i] {
			for _, cl := range out.cols {
				tables[tableOf(cl.Target)] = true
			}
		}
		kept := out.cols[:0:0]
		for _, cl := range out.cols {
			if !tables[tableOf(cl.Target)] {
				kept = append(kept, cl)
				continue
			}
			if scoped == nil {
				scoped, unres = map[string][]string{}, map[string]bool{}
			}
			scoped[cl.Target] = append(scoped[cl.Target], cl.Sources...)
			for _, u := range cl.Unresolved {
				unres[u] = true
			}
		}
		if len(kept) != len(out.cols) {
			out.cols = kept
		}
	}
}

// mapScoped replaces sources in scoped tables by their own sources.
func (c *colState) mapScoped(srcs, un []string, tables map[string]bool, scoped map[string][]string, unres map[string]bool) ([]string, []string) {
	var out, outUn []string
	for _, src := range srcs {
		t := src
		if i := strings.LastIndexByte(src, '.'); i > 0 {
			t = src[:i]
		}
		if !tables[t] {
			out = append(out, src)
			if slices.Contains(un, src) {
				outUn = append(outUn, src)
			}
			continue
		}
		for _, s2 := range scoped[src] {
			out = append(out, s2)
			if unres[s2] || slices.Contains(un, src) {
				outUn = append(outUn, s2)
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out, outUn
}

// attach puts the column results into res: per statement, and for the
// script (targets merged, references deduplicated).
func (c *colState) attach(res *Result, dropped []bool) {
	if slices.Contains(dropped, true) {
		c.throughScoped(dropped)
	}
	if len(res.Statements) == 1 && len(c.out) == 1 {
		// One statement: the script's lists are the statement's.
		st := &res.Statements[0]
		st.Columns, st.References = c.out[0].cols, c.out[0].refs
		if st.Columns == nil {
			st.Columns = []ColumnLineage{}
		}
		if st.References == nil {
			st.References = []ColumnRef{}
		}
		res.Columns, res.References = st.Columns, st.References
		return
	}
	var all []ColumnLineage
	var refs []ColumnRef
	for i := range res.Statements {
		if i >= len(c.out) {
			break
		}
		st := &res.Statements[i]
		st.Columns, st.References = c.out[i].cols, c.out[i].refs
		if st.Columns == nil {
			st.Columns = []ColumnLineage{}
		}
		if st.References == nil {
			st.References = []ColumnRef{}
		}
		for _, cl := range st.Columns {
			all = append(all, ColumnLineage{Target: cl.Target, Sources: slices.Clone(cl.Sources), Unresolved: slices.Clone(cl.Unresolved)})
		}
		refs = append(refs, st.References...)
	}
	res.Columns = finishCols(all)
	res.References = finishRefs(refs)
}

// fail gives up the column lineage of s after an internal error, and
// says so in a warning.
func (c *colState) fail(s *stmt, r any) {
	c.depth = 0
	c.buf = c.buf[:0]
	if !c.failed && len(s.t) > 0 {
		c.p.warnAt(s.t[0].start, fmt.Sprintf("column lineage of this statement could not be extracted (internal error: %v); its tables are complete", r))
	}
	c.failed = true
}

// lambdaParams records the parameters of the lambda whose arrow is at
// token i: x -> ..., (acc, x) -> ... (not a JSON arrow, j -> '$.a').
func (c *colState) lambdaParams(s *stmt, i int) {
	add := func(j int) {
		if c.params == nil {
			c.params = map[string]bool{}
		}
		c.params[s.nameOf(j)] = true
	}
	if s.isName(i - 1) {
		add(i - 1)
		return
	}
	if !s.isP(i-1, ')') {
		return
	}
	for j := i - 2; j > 0; j -= 2 {
		if !s.isName(j) {
			return
		}
		add(j)
		if s.isP(j-1, '(') {
			return
		}
		if !s.isP(j-1, ',') {
			return
		}
	}
}
