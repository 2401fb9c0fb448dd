package parser

import (
	"slices"
	"sort"
	"strings"

	tidb "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// This file holds what column lineage needs from the statement's tokens:
// the clauses the dialect layer blanks or decomposes before TiDB sees the
// statement (column lists of CREATE ... AS, static partitions, * EXCEPT /
// REPLACE, QUALIFY, MERGE's WHEN clauses).

// tokenAt returns the index of the first token starting at or after the
// text offset off.
func (s *stmt) tokenAt(off int) int {
	return sort.Search(len(s.t), func(i int) bool { return s.t[i].start >= off })
}

// nameOf returns the lower-case unquoted name at token i.
func (s *stmt) nameOf(i int) string {
	if i < 0 || i >= len(s.t) {
		return ""
	}
	if s.t[i].kind == tQuoted {
		return strings.ToLower(unquote(s.str(i)))
	}
	return strings.ToLower(s.str(i))
}

// names reads a bracketed list of names at open: the first name of each
// comma-separated entry ("(a STRING, b INT)" gives a, b), less constraints
// and indexes (a column may be named key: KEY idx (a) is an index).
func (s *stmt) names(open int) []string {
	cl := s.closeOf(open)
	var out []string
	for x := open + 1; x < cl; x++ {
		first := x == open+1 || s.isP(x-1, ',')
		index := s.isAny(x, "KEY", "INDEX") && (s.isP(x+1, '(') || s.isName(x+1) && s.isP(x+2, '('))
		if first && s.isName(x) && !index && (s.t[x].kind == tQuoted || !s.isAny(x, "PRIMARY", "CONSTRAINT", "UNIQUE", "FOREIGN", "CHECK", "PERIOD", "LIKE", "FULLTEXT", "SPATIAL")) {
			out = append(out, s.nameOf(x))
		}
		if s.isP(x, '(') {
			x = s.closeOf(x)
		} else if s.isP(x, '<') {
			x = s.skipType(x)
		}
	}
	return out
}

// columnList returns the target columns a CREATE TABLE/VIEW ... (cols) AS
// query lists, or nil.
func (s *stmt) columnList() []string {
	if !strings.HasPrefix(s.kind, "create") || s.fbTarget <= 0 {
		return nil
	}
	k := s.endOfName(s.fbTarget)
	if s.isP(k, '(') && !s.isQueryAt(k) {
		return s.names(k)
	}
	return nil
}

// ddlColumns returns the columns a CREATE TABLE definition lists, then
// those of PARTITIONED BY (c type, ...) that it does not (Hive's partition
// columns are columns too), or nil without a column list.
func (s *stmt) ddlColumns() (cols, parts []string) {
	if s.fbTarget <= 0 {
		return nil, nil
	}
	k := s.endOfName(s.fbTarget)
	if !s.isP(k, '(') || s.isQueryAt(k) {
		return nil, nil
	}
	cols = s.names(k)
	if p := s.depth0(s.closeOf(k)+1, len(s.t), func(i int) bool { return s.is(i, "PARTITIONED") && s.is(i+1, "BY") && s.isP(i+2, '(') }); p > 0 {
		for _, c := range s.names(p + 2) {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
				parts = append(parts, c)
			}
		}
	}
	return cols, parts
}

// partitionSpec returns the static partition columns (PARTITION (dt='x'))
// of the INSERT that unit u starts with.
func (s *stmt) partitionSpec(u *unit) []string {
	if len(u.pieces) == 0 {
		return nil
	}
	i := s.tokenAt(u.pieces[0].from)
	var static []string
	for ; i < len(s.t) && !s.isAny(i, "SELECT", "WITH", "VALUES", "FROM"); i++ {
		if s.is(i, "PARTITION") && s.isP(i+1, '(') {
			cl := s.closeOf(i + 1)
			for x := i + 2; x < cl; x++ {
				if (x == i+2 || s.isP(x-1, ',')) && s.isName(x) && s.isP(x+1, '=') {
					static = append(static, s.nameOf(x))
				}
			}
			return static
		}
	}
	return nil
}

// subParser returns a TiDB parser for texts cut out of a statement, in the
// script's SQL mode.
func (c *colState) subParser() *tidb.Parser {
	if c.sub == nil {
		c.sub = tidb.New()
		c.sub.SetParserConfig(tidb.ParserConfig{EnableWindowFunction: true, EnableStrictDoubleTypeCheck: true, SkipPositionRecording: true})
	}
	c.sub.SetSQLMode(c.p.mode)
	return c.sub
}

// fieldsOf parses "SELECT text" and returns its fields, or nil.
func (c *colState) fieldsOf(text string) []*ast.SelectField {
	nodes, _, err := c.subParser().ParseSQL("SELECT " + text)
	if err != nil || len(nodes) != 1 {
		return nil
	}
	sel, ok := nodes[0].(*ast.SelectStmt)
	if !ok || sel.Fields == nil {
		return nil
	}
	return sel.Fields.Fields
}

// starMods reads EXCEPT/EXCLUDE (cols) and REPLACE (expr AS col, ...)
// after the star of field f, which the dialect layer blanked.
func (c *colState) starMods(f *ast.SelectField) (except []string, replace []*ast.SelectField) {
	s := c.s
	i := s.tokenAt(c.p.b.srcOf(f.Offset))
	for i < len(s.t) && !s.isP(i, '*') {
		i++
	}
	i++
	for i < len(s.t) {
		switch {
		case s.isAny(i, "EXCEPT", "EXCLUDE") && s.isP(i+1, '('):
			except = append(except, s.names(i+1)...)
			i = s.closeOf(i+1) + 1
		case s.is(i, "EXCLUDE") && s.isName(i+1):
			except = append(except, s.nameOf(i+1))
			i += 2
		case s.is(i, "REPLACE") && s.isP(i+1, '('):
			cl := s.closeOf(i + 1)
			if cl > i+2 {
				replace = append(replace, c.fieldsOf(s.text[s.t[i+2].start:s.t[cl-1].end])...)
			}
			i = cl + 1
		default:
			return except, replace
		}
	}
	return except, replace
}

// starReplace applies REPLACE (expr AS col) to the columns of a star.
func (c *colState) starReplace(replace []*ast.SelectField, sc *scope, cols []outCol, vkind string) []outCol {
	for _, rf := range replace {
		if rf.Expr == nil || rf.AsName.L == "" {
			continue
		}
		var srcs []source
		c.expr(rf.Expr, sc, vkind, &srcs)
		for i := range cols {
			if cols[i].name == rf.AsName.L {
				cols = append(cols[:i:i], append([]outCol{{name: rf.AsName.L, srcs: srcs}}, cols[i+1:]...)...)
				break
			}
		}
	}
	return cols
}

// qualifyClause walks the QUALIFY condition of sel, which the dialect
// layer blanked: it follows the select list at bracket depth 0.
func (c *colState) qualifyClause(sel *ast.SelectStmt, sc *scope) {
	if sel.Fields == nil || len(sel.Fields.Fields) == 0 {
		return
	}
	s := c.s
	last := sel.Fields.Fields[len(sel.Fields.Fields)-1]
	k := s.tokenAt(c.p.b.srcOf(last.Offset))
	q := s.depth0(k+1, len(s.t), func(i int) bool {
		return s.isP(i, ')') || s.isAny(i, "QUALIFY", "UNION", "INTERSECT", "MINUS")
	})
	if q < 0 || !s.is(q, "QUALIFY") {
		return
	}
	end := s.depth0(q+1, len(s.t), func(i int) bool {
		return s.isP(i, ')') || s.isP(i, ';') || s.isAny(i, "ORDER", "LIMIT", "WINDOW", "UNION", "INTERSECT", "EXCEPT", "MINUS")
	})
	if end < 0 {
		end = len(s.t)
	}
	if end <= q+1 {
		return
	}
	for _, f := range c.fieldsOf(s.text[s.t[q+1].start:s.t[end-1].end]) {
		c.expr(f.Expr, sc, UseFilter, nil)
	}
}

// merge extracts the column lineage of MERGE INTO t USING src ON cond
// WHEN ... clauses, which the dialect layer decomposed into SELECTs for
// the tables: each clause becomes a SELECT over the target joined to the
// source, parsed here for its columns.
func (c *colState) merge(s *stmt) {
	defer func() {
		if r := recover(); r != nil {
			c.fail(s, r)
		}
	}()
	i, with := 0, -1
	if s.is(0, "WITH") {
		with = 0
		i = s.withEnd(0)
	}
	j := i + 1
	if s.is(j, "INTO") {
		j++
	}
	target, k := s.tableAt(j)
	if target.s == "" {
		return
	}
	if s.is(k, "AS") {
		k++
	}
	if s.aliasable(k) && !s.is(k, "USING") {
		k++
	}
	using := s.depth0(k, len(s.t), func(x int) bool { return s.is(x, "USING") })
	if using < 0 {
		return
	}
	on := s.depth0(using+1, len(s.t), func(x int) bool { return s.is(x, "ON") })
	if on < 0 {
		return
	}
	when := s.depth0(on+1, len(s.t), func(x int) bool { return s.is(x, "WHEN") })
	if when < 0 {
		when = len(s.t)
	}
	q := c.qualify(target)
	// One SELECT carries every clause's expressions, each clause's fields
	// after a marker field, over the target joined to the source: the ON
	// condition gives the join keys of both sides.
	var ps []piece
	if with >= 0 {
		ps = append(ps, span(s, with, i), s.lit(" ", when))
	}
	ps = append(ps, s.lit("SELECT 1", when))
	var segs []mergeSeg
	add := func(kind int, names []string, from, to int) {
		segs = append(segs, mergeSeg{kind: kind, names: names})
		ps = append(ps, s.lit(", '"+mergeMark+"', ", from), span(s, from, to))
	}
	for w := when; w >= 0 && w < len(s.t); {
		next := s.depth0(w+1, len(s.t), func(x int) bool { return s.is(x, "WHEN") })
		end := next
		if end < 0 {
			end = len(s.t)
		}
		then := s.depth0(w+1, end, func(x int) bool { return s.is(x, "THEN") })
		if then < 0 {
			break
		}
		if and := s.depth0(w+1, then, func(x int) bool { return s.is(x, "AND") }); and > 0 && and+1 < then {
			add(segCond, nil, and+1, then)
		}
		a := then + 1
		switch {
		case s.is(a, "UPDATE") && s.is(a+1, "SET") && s.isP(a+2, '*'),
			s.is(a, "INSERT") && s.isP(a+1, '*'):
			// Databricks: every target column from the source column of its name.
			var sp []piece
			if with >= 0 {
				sp = append(sp, span(s, with, i), s.lit(" ", a))
			}
			sp = append(sp, s.lit("SELECT * FROM ", a), span(s, using+1, on))
			c.mergeUnit(s, sp, func(sel *ast.SelectStmt, sc *scope, cols []outCol) {
				c.emit(q, cols, nil)
			})
		case s.is(a, "UPDATE") && s.is(a+1, "SET") && a+2 < end:
			add(segUpdate, nil, a+2, end)
		case s.is(a, "INSERT"):
			x := a + 1
			var names []string
			if s.isP(x, '(') {
				names = s.names(x)
				x = s.closeOf(x) + 1
			}
			if !s.is(x, "VALUES") || !s.isP(x+1, '(') {
				break
			}
			cl := s.closeOf(x + 1)
			if names == nil {
				names, _ = c.lookup(q, target.s)
			}
			if cl > x+2 {
				add(segInsert, names, x+2, cl)
			}
		}
		w = next
	}
	ps = append(ps, s.lit(" FROM ", when), span(s, j, k), s.lit(" JOIN ", using), span(s, using+1, on), s.lit(" ON ", on), span(s, on+1, when))
	c.mergeUnit(s, ps, func(sel *ast.SelectStmt, sc *scope, _ []outCol) {
		seg := -1
		var cols []outCol
		flush := func() {
			if seg >= 0 && segs[seg].kind == segInsert && segs[seg].names != nil {
				c.emit(q, renameCols(cols, segs[seg].names), nil)
			}
			cols = cols[:0]
		}
		for _, f := range sel.Fields.Fields {
			if v, ok := f.Expr.(stringer); ok && v.GetString() == mergeMark {
				flush()
				seg++
				continue
			}
			if seg < 0 || seg >= len(segs) || f.Expr == nil {
				continue
			}
			switch segs[seg].kind {
			case segCond:
				c.expr(f.Expr, sc, UseFilter, nil)
			case segUpdate:
				if cn := assignTarget(f.Expr); cn != nil {
					var srcs []source
					c.exprSkip(f.Expr, sc, UseValue, &srcs, cn)
					c.emit(q, []outCol{{name: cn.Name.Name.L, srcs: srcs}}, nil)
				}
			case segInsert:
				var srcs []source
				c.expr(f.Expr, sc, UseValue, &srcs)
				cols = append(cols, outCol{name: fieldName(f), srcs: srcs})
			}
		}
		flush()
	})
}

// mergeMark separates the clauses of MERGE in the SELECT built for them.
const mergeMark = "\x00lineage:merge-clause"

const (
	segCond = iota
	segUpdate
	segInsert
)

type mergeSeg struct {
	kind  int
	names []string // INSERT's target columns
}

// mergeUnit parses the SELECT built from pieces of s and walks its FROM
// and WHERE; then fn (if set) gets the statement, its scope and, for a
// star select, its columns. A unit that does not parse is skipped.
func (c *colState) mergeUnit(s *stmt, pieces []piece, fn func(*ast.SelectStmt, *scope, []outCol)) {
	b := &c.p.b
	b.reset()
	for _, pc := range pieces {
		if pc.lit != "" {
			b.lit(pc.lit, pc.at)
		} else {
			b.copyEdited(s.text, pc.from, pc.to, s.edits)
		}
	}
	nodes, _, err := c.p.tidb.ParseSQL(string(b.buf))
	if err != nil || len(nodes) != 1 {
		return
	}
	sel, ok := nodes[0].(*ast.SelectStmt)
	if !ok {
		return
	}
	mark := len(c.ctes)
	defer func() { c.ctes = c.ctes[:mark] }()
	c.ctesOf(sel.With, nil)
	sc := &scope{}
	if sel.From != nil && sel.From.TableRefs != nil {
		c.from(sel.From.TableRefs, sc)
	}
	c.expr(sel.Where, sc, UseFilter, nil)
	if fn == nil {
		return
	}
	var cols []outCol
	if sel.Fields != nil && len(sel.Fields.Fields) == 1 && sel.Fields.Fields[0].WildCard != nil {
		for _, r := range sc.rels {
			cols = append(cols, c.starOf(r, UseValue, nil, nil)...)
		}
	}
	fn(sel, sc, cols)
}

// tableFunc recognises a table function (UNNEST(x), FLATTEN(input => x),
// ...) that the dialect layer replaced by (SELECT 1), and returns the
// columns its arguments read.
func (c *colState) tableFunc(n ast.ResultSetNode, sc *scope) ([]source, bool) {
	sel, ok := n.(*ast.SelectStmt)
	if !ok || sel.From != nil || sel.Fields == nil || len(sel.Fields.Fields) != 1 || sel.Fields.Fields[0].Expr == nil {
		return nil, false
	}
	s := c.s
	i := s.tokenAt(c.p.b.srcOf(sel.Fields.Fields[0].Offset))
	for i < len(s.t) && s.isName(i) && s.isP(i+1, '.') { // a qualified function name
		i += 2
	}
	if !s.isName(i) || !s.isP(i+1, '(') || s.isQueryAt(i+2) {
		return nil, false
	}
	cl := s.closeOf(i + 1)
	var srcs []source
	for x := i + 2; x < cl; {
		end := s.depth0(x, cl, func(j int) bool { return s.isP(j, ',') })
		if end < 0 {
			end = cl
		}
		from := x
		if s.isName(from) && from+1 < end && s.str(from+1) == "=>" { // named argument
			from += 2
		}
		if from < end {
			for _, f := range c.fieldsOf(s.text[s.t[from].start:s.t[end-1].end]) {
				if f.Expr != nil {
					c.expr(f.Expr, sc, UseValue, &srcs)
				}
			}
		}
		x = end + 1
	}
	return srcs, true
}

// lateralView is a Hive/Spark LATERAL VIEW [OUTER] fn(args) t AS c1, c2
// clause, which the dialect layer blanks.
type lateralView struct {
	at    int    // token index of LATERAL
	group int    // the bracket that encloses it (-1: none)
	args  [2]int // token range of fn's arguments
	alias string
	cols  []string
}

// lateralViews reads the LATERAL VIEW clauses of s.
func (c *colState) lateralViews(s *stmt) {
	c.lviews = c.lviews[:0]
	var encl []int
	for i := 0; i+1 < len(s.t); i++ {
		if !s.is(i, "LATERAL") || !s.is(i+1, "VIEW") {
			continue
		}
		if encl == nil {
			encl = s.enclosing()
		}
		lv := lateralView{at: i, group: encl[i]}
		j := i + 2
		if s.is(j, "OUTER") {
			j++
		}
		_, j = s.nameAt(j, nil)
		if !s.isP(j, '(') {
			continue
		}
		cl := s.closeOf(j)
		lv.args = [2]int{j + 1, cl}
		j = cl + 1
		if s.aliasable(j) && !s.is(j, "AS") {
			lv.alias = s.nameOf(j)
			j++
		}
		if s.is(j, "AS") {
			j++
			for s.isName(j) {
				lv.cols = append(lv.cols, s.nameOf(j))
				j++
				if s.isP(j, ',') && s.isName(j+1) && !s.is(j+1, "LATERAL") {
					j++
					continue
				}
				break
			}
		}
		c.lviews = append(c.lviews, lv)
	}
	c.encl = encl
}

// enclosing returns, for each token, the index of the innermost open
// bracket around it, or -1.
func (s *stmt) enclosing() []int {
	out := make([]int, len(s.t))
	var stack []int
	for i := range s.t {
		top := -1
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		out[i] = top
		switch {
		case s.isP(i, '(') || s.isP(i, '['):
			stack = append(stack, i)
		case (s.isP(i, ')') || s.isP(i, ']')) && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

// addLateralViews adds to sc the LATERAL VIEWs written in the same
// bracket as sel's select list: each column it names comes from the
// columns its function's arguments read.
func (c *colState) addLateralViews(sel *ast.SelectStmt, sc *scope) {
	if sel.Fields == nil || len(sel.Fields.Fields) == 0 {
		return
	}
	s := c.s
	k := s.tokenAt(c.p.b.srcOf(sel.Fields.Fields[0].Offset))
	if k >= len(s.t) {
		return
	}
	for _, lv := range c.lviews {
		if lv.group != c.encl[k] || lv.args[1] <= lv.args[0] {
			continue
		}
		var srcs []source
		for _, f := range c.fieldsOf(s.text[s.t[lv.args[0]].start:s.t[lv.args[1]-1].end]) {
			if f.Expr != nil {
				c.expr(f.Expr, sc, UseValue, &srcs)
			}
		}
		d := &derived{}
		for _, col := range lv.cols {
			d.cols = append(d.cols, outCol{name: col, srcs: srcs})
		}
		if len(lv.cols) == 0 {
			d.cols = append(d.cols, outCol{name: "*", srcs: srcs})
		}
		sc.rels = append(sc.rels, &rel{alias: lv.alias, d: d})
	}
}

// alter follows ALTER TABLE changes to the columns of a table whose
// columns DDL earlier in the script gave (ADD/REPLACE COLUMNS, ADD, DROP,
// RENAME and CHANGE COLUMN) and table renames.
func (c *colState) alter(s *stmt) {
	for _, rn := range s.renames {
		from, to := c.qualify(rn[0]), c.qualify(rn[1])
		if cols, ok := c.ddl[from]; ok {
			delete(c.ddl, from)
			c.ddl[to] = cols
		}
		if parts, ok := c.parts[from]; ok {
			delete(c.parts, from)
			c.parts[to] = parts
		}
	}
	if !s.is(0, "ALTER") || !s.is(1, "TABLE") {
		return
	}
	j := 2
	if s.is(j, "IF") && s.is(j+1, "EXISTS") {
		j += 2
	}
	target, k := s.tableAt(j)
	if target.s == "" {
		return
	}
	q := c.qualify(target)
	cols, ok := c.ddl[q]
	if !ok {
		return
	}
	cols = slices.Clone(cols)
	if s.is(k, "PARTITION") && s.isP(k+1, '(') {
		k = s.closeOf(k+1) + 1
	}
	name := func(i int) (int, string) { // [COLUMN] [IF [NOT] EXISTS] name
		if s.is(i, "COLUMN") {
			i++
		}
		if s.is(i, "IF") {
			for i < len(s.t) && !s.is(i, "EXISTS") {
				i++
			}
			i++
		}
		return i + 1, s.nameOf(i)
	}
	switch {
	case s.isAny(k, "ADD", "REPLACE") && s.is(k+1, "COLUMNS") && s.isP(k+2, '('):
		// New columns go before the partition columns, which stay last.
		parts := c.parts[q]
		data := cols[:len(cols)-len(parts)]
		if s.is(k, "REPLACE") {
			data = data[:0]
		}
		for _, n := range s.names(k + 2) {
			if !slices.Contains(cols, n) || s.is(k, "REPLACE") {
				data = append(data, n)
			}
		}
		cols = append(slices.Clone(data), parts...)
	case s.is(k, "ADD") && !s.isAny(k+1, "PARTITION", "CONSTRAINT", "PRIMARY", "INDEX", "KEY", "UNIQUE", "FOREIGN", "CHECK"):
		if _, n := name(k + 1); n != "" && !slices.Contains(cols, n) {
			parts := c.parts[q]
			cols = append(append(slices.Clone(cols[:len(cols)-len(parts)]), n), parts...)
		}
	case s.is(k, "DROP") && !s.isAny(k+1, "PARTITION", "CONSTRAINT", "PRIMARY", "INDEX", "KEY", "FOREIGN", "CHECK"):
		if _, n := name(k + 1); n != "" {
			cols = slices.DeleteFunc(cols, func(x string) bool { return x == n })
		}
	case s.is(k, "RENAME") && s.is(k+1, "COLUMN"), s.is(k, "CHANGE"):
		next, from := name(k + 1)
		if s.is(next, "TO") {
			next++
		}
		if to := s.nameOf(next); from != "" && to != "" {
			for i := range cols {
				if cols[i] == from {
					cols[i] = to
				}
			}
		}
	default:
		return
	}
	c.ddl[q] = cols
}

// afterApply reports a subquery written after T-SQL's CROSS/OUTER APPLY,
// which the dialect layer turns into a JOIN: like LATERAL, it sees the
// relations before it.
func (c *colState) afterApply(n ast.ResultSetNode) bool {
	sel, ok := n.(*ast.SelectStmt)
	if !ok || !c.s.d.brackets || sel.Fields == nil || len(sel.Fields.Fields) == 0 {
		return false
	}
	s := c.s
	k := s.tokenAt(c.p.b.srcOf(sel.Fields.Fields[0].Offset))
	for i := k - 1; i > 0 && i >= k-8; i-- {
		if s.isP(i, '(') {
			return s.is(i-1, "APPLY")
		}
	}
	return false
}
