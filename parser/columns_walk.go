package parser

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
)

// rel is one relation in a FROM clause: a persistent table (table set) or
// a derived one (d set).
type rel struct {
	alias   string // what a qualifier matches: the alias, or the table's last name part
	written string // the table name as written ("db.t"), for db.t.col qualifiers
	table   string // the qualified persistent table; "" for a derived relation
	cols    []string
	known   bool // cols is the table's complete column list
	d       *derived
	full    []fullCol // columns resolved so far, each built once
}

type fullCol struct {
	col  string
	srcs []source // {table.col}; shared, never appended to
}

// colSource returns []source{{r.table + "." + col}}, built once per
// relation and column (callers copy sources, never append to them).
func (r *rel) colSource(col string) []source {
	for _, f := range r.full {
		if f.col == col {
			return f.srcs
		}
	}
	srcs := []source{{name: r.table + "." + col}}
	if len(r.full) < 64 {
		r.full = append(r.full, fullCol{col, srcs[:1:1]})
	}
	return srcs
}

// scope is the relations visible to the expressions of one query block.
type scope struct {
	rels    []*rel
	outer   *scope
	using   map[string]bool // columns of JOIN ... USING: owned by both sides
	lateral []outCol        // select-list outputs so far (lateral aliases), nil outside it
	windows []ast.WindowSpec
}

// has: how a relation owns a column.
const (
	hasNo = iota
	hasMaybe
	hasYes
)

// column returns the sources of column col of r and whether r has it.
func (r *rel) column(col string) ([]source, int) {
	if r.d == nil {
		if r.known {
			for _, c := range r.cols {
				if c == col {
					return r.colSource(col), hasYes
				}
			}
			return nil, hasNo
		}
		return r.colSource(col), hasMaybe
	}
	var stars []source
	for _, oc := range r.d.cols {
		if oc.name == col {
			return oc.srcs, hasYes
		}
		if oc.name == "*" {
			stars = append(stars, oc.srcs...)
		}
	}
	if len(stars) == 0 {
		return nil, hasNo
	}
	out := make([]source, 0, len(stars))
	for _, st := range stars {
		name := st.name
		if strings.HasSuffix(name, ".*") {
			name = name[:len(name)-1] + col
		}
		out = append(out, source{name: name, unres: len(stars) > 1})
	}
	return out, hasMaybe
}

// tableName returns the table name of tn as the script spells it.
func (c *colState) tableName(tn *ast.TableName) tname {
	if i := placeholderIndex(tn.Name.O); i >= 0 && i < len(c.s.phs) {
		return c.s.phs[i]
	}
	if tn.Schema.O == "" {
		return joinParts([]string{tn.Name.O}, c.s.d)
	}
	return joinParts([]string{tn.Schema.O, tn.Name.O}, c.s.d)
}

// relFor builds the relation a table name in FROM stands for.
func (c *colState) relFor(tn *ast.TableName, alias string) *rel {
	n := c.tableName(tn)
	if alias == "" {
		alias = n.s
		if i := strings.LastIndexByte(alias, '.'); i >= 0 && !n.path {
			alias = alias[i+1:]
		}
	}
	if !n.qualified() {
		for i := len(c.ctes) - 1; i >= 0; i-- {
			if c.ctes[i].name == n.s {
				return &rel{alias: alias, written: n.s, d: c.ctes[i].d}
			}
		}
		if d, ok := c.temps[n.s]; ok {
			return &rel{alias: alias, written: n.s, d: d}
		}
	}
	q := c.qualify(n)
	if n.path {
		q = n.s
	}
	cols, known := c.lookup(q, n.s)
	return &rel{alias: alias, written: n.s, table: q, cols: cols, known: known}
}

// stmtNode extracts the column lineage of one statement node.
func (c *colState) stmtNode(s *stmt, u *unit, node ast.StmtNode) {
	switch n := node.(type) {
	case *ast.InsertStmt:
		c.insert(s, u, n)
	case *ast.UpdateStmt:
		c.update(n)
	case *ast.DeleteStmt:
		c.ctesOf(n.With, nil)
		sc := &scope{}
		if n.TableRefs != nil && n.TableRefs.TableRefs != nil {
			c.from(n.TableRefs.TableRefs, sc)
		}
		c.expr(n.Where, sc, UseFilter, nil)
	case *ast.CreateTableStmt:
		if len(s.writes) == 0 {
			return
		}
		// From the tokens: the dialect layer hands TiDB only plain columns.
		cols, parts := s.ddlColumns()
		switch w := s.writes[0]; {
		case cols == nil:
		case s.temp || w.isTemp():
			d := &derived{}
			for _, col := range cols {
				d.cols = append(d.cols, outCol{name: col})
			}
			c.temps[w.s] = d
		default:
			q := c.qualify(w)
			c.ddl[q] = cols
			if parts != nil {
				c.parts[q] = parts
			} else {
				delete(c.parts, q)
			}
		}
	case *ast.SelectStmt, *ast.SetOprStmt:
		if u.target != nil {
			c.selectTarget(s, u, node)
			return
		}
		cols := c.query(node, nil, UseValue)
		switch {
		case s.kind == "select" || len(s.writes) == 0:
			c.emit("", cols, nil)
		default:
			c.write(s.writes[0], cols, s.columnList(), s.temp)
		}
	}
}

// write records cols written to table w; names are the target's columns
// by position when the statement lists them (nil otherwise).
func (c *colState) write(w tname, cols []outCol, names []string, temp bool) {
	if w.path {
		return // a storage path has no columns; what was read is in the references
	}
	if names != nil {
		cols = renameCols(cols, names)
	}
	if temp || w.isTemp() || c.temps[w.s] != nil && !w.qualified() {
		if old := c.temps[w.s]; old != nil && !temp {
			c.temps[w.s] = mergeDerived(old, cols)
		} else {
			c.temps[w.s] = &derived{cols: cols}
		}
		return
	}
	q := c.qualify(w)
	c.emit(q, cols, nil)
	if _, ok := c.lookup(q, w.s); !ok {
		names := make([]string, 0, len(cols))
		for _, oc := range cols {
			if oc.name == "*" {
				return
			}
			names = append(names, oc.name)
		}
		c.ddl[q] = names
	}
}

// renameCols maps cols onto names by position (not past a star of unknown
// columns).
func renameCols(cols []outCol, names []string) []outCol {
	out := make([]outCol, 0, len(cols))
	for i, oc := range cols {
		if oc.name == "*" {
			return append(out, cols[i:]...)
		}
		if i >= len(names) {
			break
		}
		out = append(out, outCol{name: names[i], srcs: oc.srcs})
	}
	return out
}

func mergeDerived(old *derived, cols []outCol) *derived {
	d := &derived{cols: append([]outCol(nil), old.cols...)}
	for _, oc := range cols {
		found := false
		for i := range d.cols {
			if d.cols[i].name == oc.name {
				d.cols[i].srcs = append(append([]source(nil), d.cols[i].srcs...), oc.srcs...)
				found = true
			}
		}
		if !found {
			d.cols = append(d.cols, oc)
		}
	}
	return d
}

func (c *colState) insert(s *stmt, u *unit, n *ast.InsertStmt) {
	if n.Table == nil || n.Table.TableRefs == nil {
		return
	}
	tns := leftmostTables(n.Table.TableRefs, nil)
	if len(tns) == 0 {
		return
	}
	w := c.tableName(tns[0])
	var names []string
	for _, cn := range n.Columns {
		names = append(names, cn.Name.L)
	}
	if names == nil {
		q := c.qualify(w)
		if tc, ok := c.lookup(q, w.s); ok {
			names = dropStatic(tc, s.partitionSpec(u))
		} else if d := c.temps[w.s]; d != nil && !w.qualified() {
			for _, oc := range d.cols {
				names = append(names, oc.name)
			}
		}
	}
	var cols []outCol
	switch {
	case n.Select != nil:
		cols = c.query(n.Select, nil, UseValue)
	case len(n.Lists) > 0:
		sc := &scope{}
		for _, row := range n.Lists {
			for i, e := range row {
				var srcs []source
				c.expr(e, sc, UseValue, &srcs)
				if i < len(cols) {
					cols[i].srcs = append(cols[i].srcs, srcs...)
				} else {
					cols = append(cols, outCol{name: "col" + strconv.Itoa(i+1), srcs: srcs})
				}
			}
		}
	}
	if names == nil && len(n.Lists) > 0 {
		return // VALUES into a table of unknown columns: nothing to name
	}
	c.write(w, cols, names, false)
}

// dropStatic removes the static partition columns (PARTITION (dt='x'))
// from a target's columns: the query does not feed them.
func dropStatic(cols []string, static []string) []string {
	if len(static) == 0 {
		return cols
	}
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		found := false
		for _, s := range static {
			if s == c {
				found = true
			}
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

// update handles UPDATE t SET c = expr [WHERE ...] as TiDB parsed it.
func (c *colState) update(n *ast.UpdateStmt) {
	c.ctesOf(n.With, nil)
	if n.TableRefs == nil || n.TableRefs.TableRefs == nil {
		return
	}
	sc := &scope{}
	c.from(n.TableRefs.TableRefs, sc)
	var first *rel
	for _, r := range sc.rels {
		if r.d == nil {
			first = r
			break
		}
	}
	for _, a := range n.List {
		if a.Column == nil {
			continue
		}
		var srcs []source
		c.expr(a.Expr, sc, UseValue, &srcs)
		t := first
		if a.Column.Table.L != "" {
			if r := findRel(sc, a.Column.Schema.L, a.Column.Table.L); r != nil {
				t = r
			}
		}
		if t == nil || t.d != nil {
			continue
		}
		c.emit(t.table, []outCol{{name: a.Column.Name.L, srcs: srcs}}, nil)
	}
	c.expr(n.Where, sc, UseFilter, nil)
	if n.Order != nil {
		for _, it := range n.Order.Items {
			c.expr(it.Expr, sc, UseOrdering, nil)
		}
	}
}

// selectTarget handles an UPDATE ... FROM or DELETE ... USING that the
// dialect layer rewrote as SELECT <assignments> FROM ...: the target is
// put in scope under its alias, and each a = expr writes the target's a.
func (c *colState) selectTarget(s *stmt, u *unit, node ast.StmtNode) {
	sel, ok := node.(*ast.SelectStmt)
	if !ok {
		c.query(node, nil, UseFilter)
		return
	}
	c.ctesOf(sel.With, nil)
	sc := &scope{}
	if sel.From != nil && sel.From.TableRefs != nil {
		c.from(sel.From.TableRefs, sc)
	}
	var target *rel
	for _, r := range sc.rels {
		if r.d == nil && (u.target.alias != "" && r.alias == u.target.alias || u.target.byName && r.written == u.target.name.s) {
			target = r
		}
	}
	if target == nil {
		q := c.qualify(u.target.name)
		cols, known := c.lookup(q, u.target.name.s)
		alias := u.target.alias
		if alias == "" {
			alias = u.target.name.s
			if i := strings.LastIndexByte(alias, '.'); i >= 0 {
				alias = alias[i+1:]
			}
		}
		target = &rel{alias: alias, written: u.target.name.s, table: q, cols: cols, known: known}
		sc.rels = append(sc.rels, target)
	}
	c.expr(sel.Where, sc, UseFilter, nil)
	if s.kind != "update" || sel.Fields == nil {
		return
	}
	for _, f := range sel.Fields.Fields {
		if f.Expr == nil {
			continue
		}
		if cn := assignTarget(f.Expr); cn != nil {
			var srcs []source
			c.exprSkip(f.Expr, sc, UseValue, &srcs, cn)
			c.emit(target.table, []outCol{{name: cn.Name.Name.L, srcs: srcs}}, nil)
			continue
		}
		c.expr(f.Expr, sc, UseValue, nil)
	}
}

// ctesOf brings the CTEs of a WITH clause into scope (until the caller
// truncates c.ctes).
func (c *colState) ctesOf(w *ast.WithClause, outer *scope) {
	if w == nil {
		return
	}
	for _, cte := range w.CTEs {
		d := &derived{}
		idx := -1
		if cte.IsRecursive || w.IsRecursive {
			c.ctes = append(c.ctes, cteEntry{name: cte.Name.L, d: d})
			idx = len(c.ctes) - 1
		}
		var cols []outCol
		if cte.Query != nil {
			cols = c.query(cte.Query.Query, outer, UseValue)
		}
		if len(cte.ColNameList) > 0 {
			names := make([]string, len(cte.ColNameList))
			for i, n := range cte.ColNameList {
				names[i] = n.L
			}
			cols = renameCols(cols, names)
		}
		d.cols = cols
		if idx < 0 {
			c.ctes = append(c.ctes, cteEntry{name: cte.Name.L, d: d})
		}
	}
}

// query returns the output columns of a query; vkind is the use its
// select list counts as (UseValue, or UseFilter for a subquery in a
// condition).
func (c *colState) query(n ast.Node, outer *scope, vkind string) []outCol {
	switch x := n.(type) {
	case *ast.SelectStmt:
		return c.selectStmt(x, outer, vkind)
	case *ast.SetOprStmt:
		mark := len(c.ctes)
		c.ctesOf(x.With, outer)
		var cols []outCol
		if x.SelectList != nil {
			cols = c.setList(x.SelectList, outer, vkind)
		}
		if x.OrderBy != nil {
			sc := &scope{outer: outer, rels: []*rel{{alias: "", d: &derived{cols: cols}}}}
			for _, it := range x.OrderBy.Items {
				c.expr(it.Expr, sc, UseOrdering, nil)
			}
		}
		c.ctes = c.ctes[:mark]
		return cols
	case *ast.SetOprSelectList:
		return c.setList(x, outer, vkind)
	case *ast.SubqueryExpr:
		return c.query(x.Query, outer, vkind)
	case *ast.TableSource:
		return c.query(x.Source, outer, vkind)
	}
	return nil
}

// setList combines the branches of a set operation by position.
func (c *colState) setList(l *ast.SetOprSelectList, outer *scope, vkind string) []outCol {
	mark := len(c.ctes)
	c.ctesOf(l.With, outer)
	var cols []outCol
	for i, sel := range l.Selects {
		bc := c.query(sel, outer, vkind)
		if i == 0 {
			cols = bc
			continue
		}
		for j, oc := range bc {
			if j < len(cols) && cols[j].name != "*" && oc.name != "*" {
				cols[j].srcs = append(append([]source(nil), cols[j].srcs...), oc.srcs...)
			} else if j < len(cols) && cols[j].name == "*" && oc.name == "*" {
				cols[j].srcs = append(append([]source(nil), cols[j].srcs...), oc.srcs...)
			} else if j >= len(cols) {
				cols = append(cols, oc)
			}
		}
	}
	c.ctes = c.ctes[:mark]
	return cols
}

func (c *colState) selectStmt(sel *ast.SelectStmt, outer *scope, vkind string) []outCol {
	mark := len(c.ctes)
	defer func() { c.ctes = c.ctes[:mark] }()
	c.ctesOf(sel.With, outer)
	sc := &scope{outer: outer, windows: sel.WindowSpecs}
	if sel.Kind == ast.SelectStmtKindValues {
		var cols []outCol
		for _, row := range sel.Lists {
			for i, e := range row.Values {
				var srcs []source
				c.expr(e, sc, vkind, &srcs)
				if i < len(cols) {
					cols[i].srcs = append(cols[i].srcs, srcs...)
				} else {
					cols = append(cols, outCol{name: "col" + strconv.Itoa(i+1), srcs: srcs})
				}
			}
		}
		return cols
	}
	if sel.From != nil && sel.From.TableRefs != nil {
		c.from(sel.From.TableRefs, sc)
		if len(c.lviews) > 0 {
			c.addLateralViews(sel, sc)
		}
	}
	if sel.Kind == ast.SelectStmtKindTable {
		var cols []outCol
		for _, r := range sc.rels {
			cols = append(cols, c.starOf(r, vkind, nil, nil)...)
		}
		return cols
	}
	var cols []outCol
	if sel.Fields != nil {
		cols = make([]outCol, 0, len(sel.Fields.Fields))
		sc.lateral = make([]outCol, 0, len(sel.Fields.Fields))
		for _, f := range sel.Fields.Fields {
			if f.WildCard != nil {
				cols = append(cols, c.star(f, sc, vkind)...)
				continue
			}
			if f.Expr == nil {
				continue
			}
			var srcs []source
			c.expr(f.Expr, sc, vkind, &srcs)
			oc := outCol{name: fieldName(f), srcs: srcs}
			cols = append(cols, oc)
			sc.lateral = append(sc.lateral, oc)
		}
	}
	c.expr(sel.Where, sc, UseFilter, nil)
	if sel.GroupBy != nil {
		c.byItems(sel.GroupBy.Items, sc, UseGrouping, cols, false)
	}
	if sel.Having != nil {
		sc.lateral = cols
		c.expr(sel.Having.Expr, sc, UseFilter, nil)
	}
	for i := range sel.WindowSpecs {
		c.windowInto(&sel.WindowSpecs[i], sc, false)
	}
	if sel.OrderBy != nil {
		c.byItems(sel.OrderBy.Items, sc, UseOrdering, cols, true)
	}
	if c.qual {
		sc.lateral = cols
		c.qualifyClause(sel, sc)
	}
	sc.lateral = nil
	return cols
}

// byItems walks GROUP BY or ORDER BY items: a position or an output alias
// names a select-list column.
func (c *colState) byItems(items []*ast.ByItem, sc *scope, kind string, cols []outCol, aliasFirst bool) {
	for _, it := range items {
		switch e := it.Expr.(type) {
		case *ast.PositionExpr:
			if e.N >= 1 && e.N <= len(cols) {
				c.use(cols[e.N-1].srcs, kind)
			}
			continue
		case *ast.ColumnNameExpr:
			if e.Name.Table.L == "" {
				if oc, ok := findOut(cols, e.Name.Name.L); ok && (aliasFirst || !c.ownedHere(sc, e.Name.Name.L)) {
					c.use(oc.srcs, kind)
					continue
				}
			}
		}
		c.expr(it.Expr, sc, kind, nil)
	}
}

func findOut(cols []outCol, name string) (outCol, bool) {
	for _, oc := range cols {
		if oc.name == name {
			return oc, true
		}
	}
	return outCol{}, false
}

// ownedHere reports whether a relation of sc surely or maybe has col.
func (c *colState) ownedHere(sc *scope, col string) bool {
	for _, r := range sc.rels {
		if _, has := r.column(col); has != hasNo {
			return true
		}
	}
	return false
}

// fieldName names an output column: its alias, its column's name, or its
// SQL text.
func fieldName(f *ast.SelectField) string {
	if f.AsName.L != "" {
		return f.AsName.L
	}
	if cn, ok := f.Expr.(*ast.ColumnNameExpr); ok {
		return cn.Name.Name.L
	}
	return strings.ToLower(strings.TrimSpace(f.Text()))
}

// from adds the relations of a FROM tree to sc, walking join conditions.
func (c *colState) from(n ast.ResultSetNode, sc *scope) {
	switch x := n.(type) {
	case *ast.Join:
		start := len(sc.rels)
		if x.Left != nil {
			c.from(x.Left, sc)
		}
		mid := len(sc.rels)
		if x.Right != nil {
			c.from(x.Right, sc)
		}
		if x.On != nil {
			c.expr(x.On.Expr, sc, UseJoin, nil)
		}
		using := make([]string, 0, len(x.Using))
		for _, cn := range x.Using {
			using = append(using, cn.Name.L)
		}
		if x.NaturalJoin {
			using = append(using, commonColumns(sc.rels[start:mid], sc.rels[mid:])...)
		}
		for _, col := range using {
			if sc.using == nil {
				sc.using = map[string]bool{}
			}
			sc.using[col] = true
			for _, part := range [][]*rel{sc.rels[start:mid], sc.rels[mid:]} {
				c.use(ownerOf(part, col), UseJoin)
			}
		}
	case *ast.TableSource:
		switch src := x.Source.(type) {
		case *ast.TableName:
			sc.rels = append(sc.rels, c.relFor(src, x.AsName.L))
		case *ast.Join:
			c.from(src, sc)
		default:
			// A table function sees the relations before it (UNNEST(t.a)).
			lat := &scope{rels: append([]*rel(nil), sc.rels...), outer: sc.outer}
			if srcs, ok := c.tableFunc(src, lat); ok {
				// UNNEST(arr) AS e: whatever e names comes from arr.
				sc.rels = append(sc.rels, &rel{alias: x.AsName.L, d: &derived{cols: []outCol{{name: "*", srcs: srcs}}}})
				return
			}
			// A subquery sees the relations before it only when LATERAL.
			sub := sc.outer
			if x.Lateral || c.afterApply(src) {
				sub = lat
			}
			cols := c.query(src, sub, UseValue)
			sc.rels = append(sc.rels, &rel{alias: x.AsName.L, d: &derived{cols: cols}})
		}
	case *ast.TableName:
		sc.rels = append(sc.rels, c.relFor(x, ""))
	}
}

// commonColumns returns the known columns both sides of a NATURAL JOIN
// have (a side of unknown columns gives none: the keys are unknown).
func commonColumns(left, right []*rel) []string {
	names := func(rels []*rel) ([]string, bool) {
		var out []string
		for _, r := range rels {
			if r.d != nil {
				for _, oc := range r.d.cols {
					if oc.name == "*" {
						return nil, false
					}
					out = append(out, oc.name)
				}
				continue
			}
			if !r.known {
				return nil, false
			}
			out = append(out, r.cols...)
		}
		return out, true
	}
	l, ok1 := names(left)
	r, ok2 := names(right)
	if !ok1 || !ok2 {
		return nil
	}
	var out []string
	for _, n := range l {
		if slices.Contains(r, n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ownerOf resolves col among rels (for USING): the relations that have it,
// or all candidates flagged.
func ownerOf(rels []*rel, col string) []source {
	var yes, maybe []source
	nyes, nmaybe := 0, 0
	for _, r := range rels {
		srcs, has := r.column(col)
		switch has {
		case hasYes:
			yes = append(yes, srcs...)
			nyes++
		case hasMaybe:
			maybe = append(maybe, srcs...)
			nmaybe++
		}
	}
	if nyes > 0 {
		return yes
	}
	if nmaybe > 1 {
		return flagged(maybe)
	}
	return maybe
}

func flagged(srcs []source) []source {
	out := make([]source, len(srcs))
	for i, s := range srcs {
		out[i] = source{name: s.name, unres: true}
	}
	return out
}

// star expands a * or t.* of a select list, with its EXCEPT and REPLACE.
func (c *colState) star(f *ast.SelectField, sc *scope, vkind string) []outCol {
	wc := f.WildCard
	except, replace := c.starMods(f)
	// A replaced column is read only if its new expression reads it.
	unread := except
	for _, rf := range replace {
		if rf.AsName.L != "" {
			unread = append(unread[:len(unread):len(unread)], rf.AsName.L)
		}
	}
	var cols []outCol
	if wc.Table.L == "" {
		for _, r := range sc.rels {
			cols = append(cols, c.starOf(r, vkind, except, unread)...)
		}
	} else if r := findRelIn(sc, wc.Schema.L, wc.Table.L); r != nil {
		cols = append(cols, c.starOf(r, vkind, except, unread)...)
	}
	return c.starReplace(replace, sc, cols, vkind)
}

// starOf returns the columns a star over r gives (less except), recording
// the use of those not in unread.
func (c *colState) starOf(r *rel, vkind string, except, unread []string) []outCol {
	if r.d != nil {
		cols := make([]outCol, 0, len(r.d.cols))
		for _, oc := range r.d.cols {
			if oc.name != "*" && slices.Contains(except, oc.name) {
				continue
			}
			if oc.name == "*" || !slices.Contains(unread, oc.name) {
				c.use(oc.srcs, vkind)
			}
			cols = append(cols, oc)
		}
		return cols
	}
	if !r.known {
		src := []source{{name: r.table + ".*", unres: true}}
		c.use(src, vkind)
		return []outCol{{name: "*", srcs: src}}
	}
	cols := make([]outCol, 0, len(r.cols))
	for _, col := range r.cols {
		if slices.Contains(except, col) {
			continue
		}
		src := []source{{name: r.table + "." + col}}
		if !slices.Contains(unread, col) {
			c.use(src, vkind)
		}
		cols = append(cols, outCol{name: col, srcs: src})
	}
	return cols
}

// findRel finds the relation a qualifier names, innermost scope first.
func findRel(sc *scope, schema, table string) *rel {
	for s := sc; s != nil; s = s.outer {
		if r := findRelIn(s, schema, table); r != nil {
			return r
		}
	}
	return nil
}

func findRelIn(s *scope, schema, table string) *rel {
	if schema != "" {
		q := schema + "." + table
		for _, r := range s.rels {
			if r.written == q || r.table == q || strings.HasSuffix(r.written, "."+q) || strings.HasSuffix(r.table, "."+q) {
				return r
			}
		}
		return nil
	}
	for _, r := range s.rels {
		if r.alias == table {
			return r
		}
	}
	// A table named by its name although it has an alias.
	for _, r := range s.rels {
		if r.d == nil && (r.written == table || strings.HasSuffix(r.written, "."+table)) {
			return r
		}
	}
	return nil
}

// resolve returns the sources of a column name in sc.
func (c *colState) resolve(cn *ast.ColumnName, sc *scope) []source {
	schema, table, name := cn.Schema.L, cn.Table.L, cn.Name.L
	if schema != "" {
		if r := findRel(sc, schema, table); r != nil {
			return qualifiedCol(r, name)
		}
		if r := findRel(sc, "", schema); r != nil {
			return qualifiedCol(r, table) // alias.col.field: the field's column
		}
		return c.unqualified(schema, sc) // col.field.field
	}
	if table != "" {
		if r := findRel(sc, "", table); r != nil {
			return qualifiedCol(r, name)
		}
		return c.unqualified(table, sc) // col.field
	}
	return c.unqualified(name, sc)
}

func qualifiedCol(r *rel, col string) []source {
	srcs, has := r.column(col)
	if has == hasNo && r.d == nil {
		return []source{{name: r.table + "." + col, unres: true}}
	}
	return srcs
}

// unqualified resolves a bare column name: in the innermost scope that
// has it; a select-list alias defined earlier in the list (a lateral
// alias) when no relation surely has it; ambiguous or unknown owners give
// every candidate, flagged.
func (c *colState) unqualified(col string, sc *scope) []source {
	for s := sc; s != nil; s = s.outer {
		var yes, maybe []source
		nyes, nmaybe := 0, 0
		for _, r := range s.rels {
			srcs, has := r.column(col)
			switch has {
			case hasYes:
				yes = append(yes, srcs...)
				nyes++
			case hasMaybe:
				maybe = append(maybe, srcs...)
				nmaybe++
			}
		}
		if nyes == 1 {
			return yes
		}
		if nyes > 1 {
			if s.using[col] {
				return yes
			}
			return flagged(yes)
		}
		if c.vars[col] || c.params[col] {
			return nil // a declared variable or a lambda parameter that no table surely has
		}
		// A column of the FROM tables shadows a lateral alias (as in Spark,
		// Snowflake, Redshift): a table of unknown columns may have it.
		if nmaybe == 1 {
			return maybe
		}
		if nmaybe > 1 {
			if s.using[col] {
				return maybe
			}
			return flagged(maybe)
		}
		if s.lateral != nil {
			if oc, ok := findOut(s.lateral, col); ok {
				return oc.srcs
			}
		}
	}
	// No relation has it: every persistent table in the nearest scope with
	// any is a candidate.
	for s := sc; s != nil; s = s.outer {
		var cands []source
		for _, r := range s.rels {
			if r.d == nil {
				cands = append(cands, source{name: r.table + "." + col, unres: true})
			}
		}
		if len(cands) > 0 {
			return cands
		}
		if len(s.rels) > 0 {
			return nil
		}
	}
	return nil // no table anywhere: not a column (a variable, a name)
}

// assignTarget returns the column assigned by "col = expr" rewritten as a
// select field. TiDB may have bound it looser than the dialect meant
// ("a = x || y" is (a = x) OR y without PIPES_AS_CONCAT), so the
// assignment is the leftmost comparison of the tree.
func assignTarget(e ast.ExprNode) *ast.ColumnNameExpr {
	for {
		b, ok := e.(*ast.BinaryOperationExpr)
		if !ok {
			return nil
		}
		if b.Op == opcode.EQ {
			cn, _ := b.L.(*ast.ColumnNameExpr)
			return cn
		}
		e = b.L
	}
}

// exprSkip is expr, leaving out the node skip (an assigned column).
func (c *colState) exprSkip(e ast.ExprNode, sc *scope, kind string, out *[]source, skip ast.Node) {
	c.walkExpr(e, sc, kind, out, skip)
}

// expr walks an expression: every column it reads is recorded as a use of
// kind and, when out is set, appended to *out.
func (c *colState) expr(e ast.ExprNode, sc *scope, kind string, out *[]source) {
	if e == nil {
		return
	}
	c.walkExpr(e, sc, kind, out, nil)
}

// walkExpr walks e; with out set, the sources it reads are appended to
// *out. They are gathered in c.buf (as a stack: nested walks truncate
// back to where they started), so that a caller's slice is grown once.
func (c *colState) walkExpr(e ast.ExprNode, sc *scope, kind string, out *[]source, skip ast.Node) {
	start := len(c.buf)
	c.walkInto(e, sc, kind, out != nil, skip)
	if out != nil && len(c.buf) > start {
		*out = append(*out, c.buf[start:]...)
	}
	clear(c.buf[start:])
	c.buf = c.buf[:start]
}

// walkInto runs a visitor from c's stack (visitors nest through
// subqueries), so that walking an expression allocates none; with
// collect, sources are appended to c.buf.
func (c *colState) walkInto(e ast.ExprNode, sc *scope, kind string, collect bool, skip ast.Node) {
	if c.depth == len(c.visitors) {
		c.visitors = append(c.visitors, &exprVisitor{})
	}
	v := c.visitors[c.depth]
	*v = exprVisitor{c: c, sc: sc, kind: kind, collect: collect, skip: skip}
	c.depth++
	e.Accept(v)
	c.depth--
	*v = exprVisitor{}
}

type exprVisitor struct {
	skip    ast.Node
	c       *colState
	sc      *scope
	kind    string
	collect bool
}

func (v *exprVisitor) add(srcs []source, kind string) {
	v.c.use(srcs, kind)
	if v.collect {
		v.c.buf = append(v.c.buf, srcs...)
	}
}

// Enter implements ast.Visitor.
func (v *exprVisitor) Enter(n ast.Node) (ast.Node, bool) {
	if n == v.skip && n != nil {
		return n, true
	}
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		v.add(v.c.resolve(x.Name, v.sc), v.kind)
		return n, true
	case *ast.SubqueryExpr:
		vk := v.kind
		if vk == UseValue && !v.collect {
			vk = UseFilter
		}
		cols := v.c.query(x.Query, v.sc, vk)
		if v.collect {
			for _, oc := range cols {
				v.c.buf = append(v.c.buf, oc.srcs...)
			}
		}
		return n, true
	case *ast.WindowFuncExpr:
		c, sc, kind, collect, skip := v.c, v.sc, v.kind, v.collect, v.skip
		for _, a := range x.Args {
			c.walkInto(a, sc, kind, collect, skip)
		}
		c.windowInto(&x.Spec, sc, collect)
		return n, true
	case *ast.VariableExpr:
		return n, true
	}
	return n, false
}

// Leave implements ast.Visitor.
func (v *exprVisitor) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// windowInto walks a window specification (and the named window it
// refers to); with collect, its sources go to c.buf.
func (c *colState) windowInto(ws *ast.WindowSpec, sc *scope, collect bool) {
	if ws.PartitionBy == nil && ws.OrderBy == nil {
		name := ws.Name.L
		if ws.Ref.L != "" {
			name = ws.Ref.L
		}
		if name != "" {
			for s := sc; s != nil; s = s.outer {
				for i := range s.windows {
					if s.windows[i].Name.L == name && &s.windows[i] != ws {
						c.windowInto(&s.windows[i], s, collect)
						return
					}
				}
			}
		}
		return
	}
	if ws.PartitionBy != nil {
		for _, it := range ws.PartitionBy.Items {
			c.walkInto(it.Expr, sc, UseWindow, collect, nil)
		}
	}
	if ws.OrderBy != nil {
		for _, it := range ws.OrderBy.Items {
			c.walkInto(it.Expr, sc, UseWindow, collect, nil)
		}
	}
}
