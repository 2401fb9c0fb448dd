package parser

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// extractor walks a TiDB AST and collects the tables read and written.
type extractor struct {
	s       *stmt
	names   []string   // CTE names in scope
	frames  []ast.Node // nodes that opened a CTE scope
	marks   []int      // len(names) when each frame opened
	exclude []*ast.TableName
	ranges  []rangeVar // BigQuery: FROM aliases of the queries being walked
	rmarks  []int      // len(ranges) when each SELECT was entered
	hidden  [][2]int   // ranges out of scope in a derived table of their own FROM
}

// extract adds the lineage of node to s. target is set for UPDATE/DELETE
// rewritten as SELECT.
func (e *extractor) extract(s *stmt, node ast.StmtNode, target *selTarget) {
	e.s = s
	e.names = e.names[:0]
	e.frames = e.frames[:0]
	e.marks = e.marks[:0]
	e.exclude = e.exclude[:0]
	e.ranges, e.rmarks, e.hidden = e.ranges[:0], e.rmarks[:0], e.hidden[:0]
	switch n := node.(type) {
	case *ast.InsertStmt:
		if n.Table != nil && n.Table.TableRefs != nil {
			for _, tn := range leftmostTables(n.Table.TableRefs, nil) {
				e.write(tn)
			}
		}
	case *ast.UpdateStmt:
		e.updateTargets(n)
	case *ast.DeleteStmt:
		e.deleteTargets(n)
	case *ast.SelectStmt, *ast.SetOprStmt:
		if target != nil {
			e.selectTarget(node, target)
		}
	case *ast.CreateTableStmt, *ast.CreateViewStmt:
		return // the handler took the name; the query came as its own unit
	default:
		if s.kind == "unknown" {
			s.kind = "other"
		}
		return
	}
	node.Accept(e)
}

func (e *extractor) write(tn *ast.TableName) {
	e.exclude = append(e.exclude, tn)
	e.s.writes = append(e.s.writes, e.name(tn))
}

func (e *extractor) name(tn *ast.TableName) tname {
	if i := placeholderIndex(tn.Name.O); i >= 0 && i < len(e.s.phs) {
		return e.s.phs[i]
	}
	if tn.Schema.O == "" {
		return joinParts([]string{tn.Name.O}, e.s.d)
	}
	return joinParts([]string{tn.Schema.O, tn.Name.O}, e.s.d)
}

// sources lists the table sources of a FROM tree.
func sources(n ast.ResultSetNode, out []*ast.TableSource) []*ast.TableSource {
	switch x := n.(type) {
	case *ast.Join:
		if x.Left != nil {
			out = sources(x.Left, out)
		}
		if x.Right != nil {
			out = sources(x.Right, out)
		}
	case *ast.TableSource:
		if j, ok := x.Source.(*ast.Join); ok {
			return sources(j, out)
		}
		out = append(out, x)
	}
	return out
}

func leftmostTables(j *ast.Join, out []*ast.TableName) []*ast.TableName {
	for _, ts := range sources(j, nil) {
		if tn, ok := ts.Source.(*ast.TableName); ok {
			return append(out, tn)
		}
	}
	return out
}

// bound returns the table a name or alias refers to among srcs.
func bound(srcs []*ast.TableSource, name string) *ast.TableName {
	for _, ts := range srcs {
		tn, ok := ts.Source.(*ast.TableName)
		if !ok {
			continue
		}
		if ts.AsName.L == name || ts.AsName.L == "" && tn.Name.L == name {
			return tn
		}
	}
	return nil
}

// updateTargets marks the tables an UPDATE assigns to: those named by the
// qualifiers of its SET columns, or its first table.
func (e *extractor) updateTargets(n *ast.UpdateStmt) {
	if n.TableRefs == nil || n.TableRefs.TableRefs == nil {
		return
	}
	srcs := sources(n.TableRefs.TableRefs, nil)
	found := false
	for _, a := range n.List {
		if a.Column == nil || a.Column.Table.L == "" {
			continue
		}
		if tn := bound(srcs, a.Column.Table.L); tn != nil && !e.excluded(tn) {
			e.write(tn)
			found = true
		}
	}
	if !found {
		for _, ts := range srcs {
			if tn, ok := ts.Source.(*ast.TableName); ok {
				e.write(tn)
				break
			}
		}
	}
}

// deleteTargets marks the tables a DELETE removes rows from.
func (e *extractor) deleteTargets(n *ast.DeleteStmt) {
	if n.TableRefs == nil || n.TableRefs.TableRefs == nil {
		return
	}
	srcs := sources(n.TableRefs.TableRefs, nil)
	if n.IsMultiTable && n.Tables != nil {
		for _, t := range n.Tables.Tables {
			if tn := bound(srcs, t.Name.L); tn != nil {
				if !e.excluded(tn) {
					e.write(tn)
				}
			} else {
				e.s.writes = append(e.s.writes, e.name(t))
			}
			e.exclude = append(e.exclude, t)
		}
		return
	}
	for _, ts := range srcs {
		if tn, ok := ts.Source.(*ast.TableName); ok {
			e.write(tn)
			return
		}
	}
}

// selectTarget resolves the target of an UPDATE/DELETE rewritten as a
// SELECT: an alias bound in FROM (T-SQL's UPDATE a SET ... FROM t a) is
// that table, which is then written rather than read.
func (e *extractor) selectTarget(node ast.StmtNode, t *selTarget) {
	sel, ok := node.(*ast.SelectStmt)
	if ok && sel.From != nil && sel.From.TableRefs != nil {
		srcs := sources(sel.From.TableRefs, nil)
		for _, ts := range srcs {
			tn, ok := ts.Source.(*ast.TableName)
			if !ok {
				continue
			}
			if t.alias != "" && ts.AsName.L == t.alias || t.byName && ts.AsName.L == "" && e.name(tn).s == t.name.s {
				e.write(tn)
				return
			}
		}
	}
	e.s.writes = append(e.s.writes, t.name)
}

func (e *extractor) excluded(tn *ast.TableName) bool {
	for _, x := range e.exclude {
		if x == tn {
			return true
		}
	}
	return false
}

func (e *extractor) inScope(name string) bool {
	for i := len(e.names) - 1; i >= 0; i-- {
		if e.names[i] == name {
			return true
		}
	}
	return false
}

func withOf(n ast.Node) *ast.WithClause {
	switch x := n.(type) {
	case *ast.SelectStmt:
		return x.With
	case *ast.SetOprStmt:
		return x.With
	case *ast.UpdateStmt:
		return x.With
	case *ast.DeleteStmt:
		return x.With
	}
	return nil
}

// Enter implements ast.Visitor.
func (e *extractor) Enter(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.TableName:
		if e.excluded(x) {
			return n, true
		}
		if x.Schema.L == "" && e.inScope(x.Name.L) {
			return n, true // a CTE
		}
		if x.Schema.L != "" && e.arrayPath(x) {
			return n, true // BigQuery t.arr: an array column of t, unnested
		}
		e.s.reads = append(e.s.reads, e.name(x))
		return n, true
	case *ast.CommonTableExpression:
		if x.IsRecursive {
			e.names = append(e.names, x.Name.L)
		}
		if e.s.ctes == nil {
			e.s.ctes = map[string]bool{}
		}
		e.s.ctes[x.Name.L] = true
	case *ast.FuncCallExpr:
		e.funcCall(x)
	case *ast.SelectStmt:
		if e.s.d.bigquery() {
			e.enterSelect(x)
		}
	case *ast.TableSource:
		if e.s.d.bigquery() {
			e.enterSource(x)
		}
	case *ast.ColumnNameExpr, *ast.ColumnName:
		return n, true
	}
	if w := withOf(n); w != nil {
		e.frames = append(e.frames, n)
		e.marks = append(e.marks, len(e.names))
	}
	return n, false
}

// Leave implements ast.Visitor.
func (e *extractor) Leave(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.CommonTableExpression:
		if !x.IsRecursive {
			e.names = append(e.names, x.Name.L)
		}
	case *ast.SelectStmt:
		if e.s.d.bigquery() {
			e.leaveSelect()
		}
	case *ast.TableSource:
		if e.s.d.bigquery() {
			e.leaveSource(x)
		}
	}
	if k := len(e.frames); k > 0 && e.frames[k-1] == n {
		e.names = e.names[:e.marks[k-1]]
		e.frames = e.frames[:k-1]
		e.marks = e.marks[:k-1]
	}
	return n, true
}

type stringer interface{ GetString() string }

// funcCall knows the functions that move data between tables by name.
func (e *extractor) funcCall(f *ast.FuncCallExpr) {
	if f.FnName.L != "swap_partitions_between_tables" || len(f.Args) < 4 {
		return
	}
	// Vertica: SWAP_PARTITIONS_BETWEEN_TABLES('staging', min, max, 'target')
	src, ok1 := f.Args[0].(stringer)
	dst, ok2 := f.Args[3].(stringer)
	if ok1 && ok2 {
		e.s.reads = append(e.s.reads, joinParts(splitDots(src.GetString()), e.s.d))
		e.s.writes = append(e.s.writes, joinParts(splitDots(dst.GetString()), e.s.d))
	}
}

func splitDots(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
