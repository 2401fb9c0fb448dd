package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/parser"
)

// useKinds maps the parser's kinds of column use to the store's.
var useKinds = map[string]lineage.ColumnUseKind{
	parser.UseValue:    lineage.UseValue,
	parser.UseFilter:   lineage.UseFilter,
	parser.UseJoin:     lineage.UseJoin,
	parser.UseGrouping: lineage.UseGrouping,
	parser.UseOrdering: lineage.UseOrdering,
	parser.UseWindow:   lineage.UseWindow,
}

// splitColumn splits "db.table.col" into its table and column; ok is false
// for a bare name (the output column of a SELECT that writes nothing).
func splitColumn(name string) (lineage.ColumnName, bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return lineage.ColumnName{}, false
	}
	return lineage.ColumnName{Table: name[:i], Column: name[i+1:]}, true
}

// storable reports whether the store takes the column's names.
func storable(n lineage.ColumnName) bool {
	_, terr := lineage.NormalizeName("table", n.Table, true)
	_, cerr := lineage.NormalizeName("column", n.Column, true)
	return terr == nil && cerr == nil
}

// jobColumns turns the parser's column lineage of a script into what the
// store keeps with the job: each use with its statement's line, the flow
// into columns of persistent tables, and, for a table or view the script
// creates from a query whose columns are all known, those columns as its
// declared schema.
//
// into, when not "", is the table the job's layout says it writes (a dbt
// model's relation, a writes: rule's table): the output columns of the
// script's last statement, a bare SELECT, are columns of that table, as
// dbt and bigquery-etl materialize them; they are declared too when all
// of them are known.
//
// A name the store would refuse (an unaliased expression's text, say) is
// left out so that column lineage never costs a job its table lineage;
// the returned warning, if any, says what was left out and where.
func jobColumns(res *parser.Result, into string) (lineage.JobColumns, *parser.Warning) {
	var jc lineage.JobColumns
	last := -1
	if into != "" && len(res.Statements) > 0 {
		if st := res.Statements[len(res.Statements)-1]; st.Kind == "select" && len(st.Writes) == 0 {
			last = len(res.Statements) - 1
		}
	}
	var warn *parser.Warning
	bad := func(line int, name string) bool {
		if warn == nil {
			if len(name) > 60 {
				name = name[:60] + "..."
			}
			warn = &parser.Warning{Line: line, Message: fmt.Sprintf("column lineage: left out a column name the store cannot keep: %q", name)}
		}
		return false
	}
	ok := func(line int, n lineage.ColumnName) bool { return storable(n) || bad(line, n.String()) }
	for i, st := range res.Statements {
		if i == last {
			d := lineage.TableSchema{Table: into}
			for _, cl := range st.Columns {
				n := lineage.ColumnName{Table: into, Column: cl.Target}
				if strings.Contains(cl.Target, ".") || cl.Target == lineage.Star || !storable(n) {
					d.Columns = nil
					break
				}
				d.Columns = append(d.Columns, cl.Target)
			}
			if len(d.Columns) > 0 {
				jc.Declares = append(jc.Declares, d)
			}
		}
		if (st.Kind == "create_table" || st.Kind == "create_view") && len(st.Writes) == 1 && len(st.Columns) > 0 {
			d := lineage.TableSchema{Table: st.Writes[0]}
			for _, cl := range st.Columns {
				t, isCol := splitColumn(cl.Target)
				if !isCol || !storable(t) || t.Table != d.Table || t.Column == lineage.Star {
					d.Columns = nil
					break
				}
				d.Columns = append(d.Columns, t.Column)
			}
			if len(d.Columns) > 0 {
				jc.Declares = append(jc.Declares, d)
			}
		}
		for _, r := range st.References {
			n, isCol := splitColumn(r.Column)
			if !isCol || !ok(st.Line, n) {
				continue
			}
			kind, known := useKinds[r.Kind]
			if !known {
				kind = lineage.UseOther
			}
			jc.Refs = append(jc.Refs, lineage.ColumnRef{ColumnName: n, Kind: kind, Line: st.Line, Unresolved: r.Unresolved})
		}
		for _, cl := range st.Columns {
			t, isCol := splitColumn(cl.Target)
			if i == last && !strings.Contains(cl.Target, ".") {
				t, isCol = lineage.ColumnName{Table: into, Column: cl.Target}, true
			}
			if !isCol || !ok(st.Line, t) {
				continue
			}
			f := lineage.ColumnFlow{Target: t}
			for _, s := range cl.Sources {
				if n, isCol := splitColumn(s); isCol && ok(st.Line, n) {
					f.Sources = append(f.Sources, n)
				}
			}
			if len(f.Sources) > 0 {
				jc.Flows = append(jc.Flows, f)
			}
		}
	}
	return jc, warn
}

// graphSchema answers the parser's schema lookups (the columns of a table,
// for SELECT * and unqualified names) from the columns the graph knows are
// declared (by DDL, a dbt or schema file, an OpenLineage schema facet),
// caching each table's answer for the run. Columns only seen used are not
// a schema: a table with no declared column is unknown to the parser, so
// its star stays unresolved rather than guessed.
type graphSchema struct {
	ctx context.Context
	cs  lineage.ColumnStore // nil: none
	// local are the columns the repository being ingested declares (see
	// declares.go); they answer before the store, which may not have them
	// yet or may hold an older version of them.
	local map[string][]string
	mu    sync.Mutex
	cache map[string][]string // nil value: unknown
}

// withLocal returns gs answering first from the columns the repository
// declares.
func (gs *graphSchema) withLocal(ctx context.Context, local map[string][]string) *graphSchema {
	if len(local) == 0 {
		return gs
	}
	if gs == nil {
		gs = &graphSchema{ctx: ctx, cache: map[string][]string{}}
	}
	gs.local = local
	return gs
}

func newGraphSchema(ctx context.Context, g any) *graphSchema {
	cs, _ := g.(lineage.ColumnStore)
	if cs == nil {
		return nil
	}
	return &graphSchema{ctx: ctx, cs: cs, cache: map[string][]string{}}
}

// lookup is a parser.Options.Schema function; nil when there is no store.
func (gs *graphSchema) lookup() func(string) ([]string, bool) {
	if gs == nil {
		return nil
	}
	return func(table string) ([]string, bool) {
		if cols, ok := gs.local[table]; ok {
			return cols, true
		}
		gs.mu.Lock()
		cols, seen := gs.cache[table]
		gs.mu.Unlock()
		if !seen && gs.cs != nil {
			infos, err := gs.cs.Columns(gs.ctx, table)
			if err == nil {
				for _, ci := range infos {
					if ci.Declared && ci.Name != lineage.Star {
						cols = append(cols, ci.Name)
					}
				}
			}
			gs.mu.Lock()
			gs.cache[table] = cols
			gs.mu.Unlock()
		}
		return cols, len(cols) > 0
	}
}
