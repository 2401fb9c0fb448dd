package parser

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// BigQuery's expression syntax that TiDB's grammar rejects, rewritten token
// span by token span like the rest of the dialect layer (edits.go). Only
// statements of the bigquery dialect come here (genericEdits calls bqWord
// for words and quoted names), so other dialects pay nothing for it.

// bqRename lists functions that TiDB reserves or parses by a grammar of its
// own, which BigQuery calls with other arguments: they become a neutral
// call (NAME_(...)), and an OVER (...) after them is blanked.
var bqRename = map[string]bool{
	"DATETIME": true, "ERROR": true, "TIME": true, "PERCENTILE_CONT": true, "PERCENTILE_DISC": true,
	"LAX_INT64": true, "LAX_FLOAT64": true, "LAX_STRING": true, "LAX_BOOL": true, "FORMAT": true,
	"REGEXP_CONTAINS": true, "JSON_QUERY": true, "JSON_VALUE": true, "JSON_EXTRACT_SCALAR": true,
	"GENERATE_DATE_ARRAY": true, "GENERATE_TIMESTAMP_ARRAY": true, "DATE_TRUNC": true, "DATETIME_TRUNC": true,
	"TIMESTAMP_TRUNC": true, "TIME_TRUNC": true, "DATE_DIFF": true, "DATETIME_DIFF": true, "TIMESTAMP_DIFF": true,
	"TIME_DIFF": true, "LAST_DAY": true, "ANY_VALUE": true, "COUNTIF": true, "LOGICAL_OR": true,
	"LOGICAL_AND": true, "ARRAY_CONCAT_AGG": true, "APPROX_QUANTILES": true, "APPROX_TOP_COUNT": true,
	"APPROX_COUNT_DISTINCT": true, "HLL_COUNT": true, "CHAR_LENGTH": true, "TIMESTAMP_SECONDS": true,
	"TIMESTAMP_MILLIS": true, "TIMESTAMP_MICROS": true, "UNIX_DATE": true, "UNIX_SECONDS": true,
	"UNIX_MILLIS": true, "UNIX_MICROS": true, "PARSE_DATE": true, "PARSE_DATETIME": true, "PARSE_TIMESTAMP": true,
	"FORMAT_DATE": true, "FORMAT_DATETIME": true, "FORMAT_TIMESTAMP": true, "STRING_AGG": true, "ARRAY_AGG": true,
	"CURRENT_DATETIME": true, "DIV": true,
}

// bqDateArith lists BigQuery's date arithmetic, which takes an INTERVAL
// argument as TiDB's DATE_ADD does.
var bqDateArith = map[string]bool{
	"TIMESTAMP_ADD": true, "TIMESTAMP_SUB": true, "DATETIME_ADD": true, "DATETIME_SUB": true,
	"TIME_ADD": true, "TIME_SUB": true, "DATE_ADD": true, "DATE_SUB": true,
}

// tidbDistinct lists the aggregates TiDB accepts DISTINCT in.
var tidbDistinct = map[string]bool{
	"COUNT": true, "SUM": true, "AVG": true, "MIN": true, "MAX": true, "GROUP_CONCAT": true,
	"BIT_AND": true, "BIT_OR": true, "BIT_XOR": true, "STDDEV": true, "VARIANCE": true,
}

// bigquery reports whether statements are BigQuery's.
func (d *dialect) bigquery() bool { return d.name == "bigquery" }

// bqWord rewrites the BigQuery construct that begins at the word or quoted
// name i, if any; cur is the innermost bracket's frame. It returns the index
// to continue from, or i if there was nothing to rewrite.
func (s *stmt) bqWord(i int, cur *frame) int {
	tk := s.t[i]
	if s.isP(i+1, '=') && s.isP(i+2, '>') && s.adjacent(i+1) {
		s.blankTok(i, i+2) // named argument: f(name => value)
		return i + 3
	}
	if tk.kind == tQuoted {
		// `proj.dataset.f`(x): a user-defined function under a quoted path.
		if s.isP(i+1, '(') && s.adjacent(i) && containsByte(s.str(i), '.') {
			s.replaceTok(i, i, "udf_")
			s.blankOver(s.closeOf(i+1) + 1)
			return i + 1
		}
		if s.isP(i+1, '.') {
			return s.bqDotted(i)
		}
		return i
	}
	w := s.str(i)
	if len(w) <= 2 && i+1 < len(s.t) && s.t[i+1].kind == tString && s.adjacent(i) {
		switch w {
		case "r", "R", "rb", "RB", "rB", "Rb", "br", "BR", "bR", "Br":
			s.blankTok(i, i) // raw string r'\d+': the value does not matter
			return i + 1
		}
	}
	if s.isP(i+1, '.') {
		if j := s.bqDotted(i); j > i {
			return j
		}
		if s.isAny(i, "TABLE", "VALUES") {
			s.quoteName(i) // table.col: BigQuery does not reserve TABLE or VALUES
		}
		return i
	}
	if s.isAny(i-1, "STRUCT", "VALUE") && s.is(i-2, "AS") && s.isAny(i-3, "SELECT", "DISTINCT", "ALL") &&
		s.quotable(i) && !s.isP(i+1, '(') {
		s.quoteName(i) // SELECT AS STRUCT key, value
		return i + 1
	}
	if len(w) > 24 {
		return i
	}
	var buf [24]byte
	up := string(upper(w, buf[:0]))
	switch up {
	case "ARRAY":
		if s.isP(i+1, '<') {
			return s.bqTypedArray(i)
		}
	case "UNNEST":
		if s.is(i-1, "IN") && s.isP(i+1, '(') {
			s.blankTok(i, i) // x IN UNNEST(arr): x IN (arr)
			return i + 1
		}
	case "DISTINCT":
		if s.isP(i-1, '(') && i >= 2 && s.t[i-2].kind == tWord && cur.fn {
			var b2 [24]byte
			if fn := s.str(i - 2); len(fn) <= 24 && !tidbDistinct[string(upper(fn, b2[:0]))] {
				s.blankTok(i, i) // STRING_AGG(DISTINCT x): the rows read are the same
				return i + 1
			}
		}
	case "REPLACE":
		// SELECT * EXCEPT (a) REPLACE (x AS b)
		if s.isP(i+1, '(') && s.isP(i-1, ')') {
			if o := int(s.match[i-1]); o > 1 && s.is(o-1, "EXCEPT") && s.isP(o-2, '*') {
				cl := s.closeOf(i + 1)
				s.blankTok(i, cl)
				return cl + 1
			}
		}
	case "BY":
		// UNION ALL BY NAME [ON (cols)], UNION ALL CORRESPONDING
		if s.is(i+1, "NAME") && s.isAny(i-1, "ALL", "DISTINCT", "UNION", "EXCEPT", "INTERSECT") {
			e := i + 1
			if s.is(e+1, "ON") && s.isP(e+2, '(') {
				e = s.closeOf(e + 2)
			}
			s.blankTok(i, e)
			return e + 1
		}
	case "CLUSTER":
		// CREATE TABLE ... CLUSTER BY a, b AS SELECT ...: a header clause
		// (create() takes the query), not Hive's CLUSTER BY of a query.
		if s.is(i+1, "BY") && s.is(0, "CREATE") {
			return i + 2
		}
	case "CORRESPONDING":
		if s.isAny(i-1, "ALL", "DISTINCT", "UNION", "EXCEPT", "INTERSECT") {
			s.blankTok(i, i)
			return i + 1
		}
	case "INTERVAL":
		return s.bqInterval(i, cur)
	case "TRIM":
		if s.isP(i+1, '(') && s.depth0(i+2, s.closeOf(i+1), func(j int) bool { return s.isP(j, ',') }) > 0 {
			s.replaceTok(i, i, w+"_") // TRIM(s, chars)
			return i + 1
		}
	}
	if !s.isP(i+1, '(') {
		return i
	}
	if bqDateArith[up] {
		if !s.is(i, "DATE_ADD") && !s.is(i, "DATE_SUB") {
			s.replaceTok(i, i, "DATE_ADD") // TIMESTAMP_SUB(ts, INTERVAL 1 HOUR)
		}
		// TiDB takes only INTERVAL n UNIT as the second argument.
		return i + 1
	}
	if bqRename[up] && !s.insideType(i) {
		s.replaceTok(i, i, w+"_")
		s.blankOver(s.closeOf(i+1) + 1)
		return i + 1
	}
	return i
}

// insideType reports whether the word at i is a type in a column or STRUCT
// definition (a < or , before it that belongs to a type), roughly.
func (s *stmt) insideType(i int) bool {
	return s.isAny(i-1, "AS", "RETURNS") || s.isP(i-1, '<')
}

// bqDotted handles a dotted name at i: followed by "(" it is a function
// (mozfun.norm.truncate_version(x), `proj`.udf.f(x), SAFE.PARSE_DATE(...)),
// which becomes a neutral call; otherwise it is a column path, handled as
// any name. It returns the index after what it consumed.
func (s *stmt) bqDotted(i int) int {
	var buf [6]string
	parts, next := s.nameAt(i, buf[:0])
	if len(parts) < 2 || !s.isP(next, '(') || !s.adjacent(next-1) {
		return i
	}
	s.replaceTok(i, next-1, "udf_")
	s.blankOver(s.closeOf(next) + 1)
	return next
}

// bqTypedArray rewrites ARRAY<T>[a, b] at i into COALESCE(a, b), keeping
// the elements (a subquery among them still reads its tables); an empty
// ARRAY<T>[] becomes NULL.
func (s *stmt) bqTypedArray(i int) int {
	e := s.skipType(i + 1)
	if !s.isP(e+1, '[') {
		if s.isP(e+1, '(') { // ARRAY<T>(SELECT ...)
			s.blankTok(i, e)
			return e + 1
		}
		return i
	}
	cl := s.closeOf(e + 1)
	if cl == e+2 {
		s.replaceTok(i, cl, "NULL")
		return cl + 1
	}
	s.replaceTok(i, e+1, "COALESCE(")
	s.replaceTok(cl, cl, ")")
	return e + 2
}

// bqInterval handles INTERVAL n UNIT at i where TiDB does not take it: as
// an argument of anything but date arithmetic (GENERATE_DATE_ARRAY(a, b,
// INTERVAL 1 DAY)) or as a value (INTERVAL 7 DAY AS grace): only n stays.
func (s *stmt) bqInterval(i int, cur *frame) int {
	arith := i > 0 && (s.isP(i-1, '+') || s.isP(i-1, '-'))
	if !arith && s.isP(i-1, ',') && cur.fn {
		arith = bqDateArith[upperStr(s.str(int(cur.open)-1))]
	}
	j := i + 1
	if s.isP(j, '-') {
		j++
	}
	if s.isP(j, '(') {
		j = s.closeOf(j)
	} else {
		_, k := s.nameAt(j, nil)
		if k == j {
			k = j + 1
		}
		j = k - 1
	}
	u := j + 1
	if !s.intervalUnit(u) {
		return i
	}
	end := u
	if s.is(u+1, "TO") && s.intervalUnit(u+2) { // INTERVAL '1-2' YEAR TO MONTH
		end = u + 2
	}
	if arith && end == u {
		return end + 1 // TiDB takes it as it is
	}
	s.blankTok(i, i)
	s.blankTok(u, end)
	return end + 1
}

func (s *stmt) intervalUnit(i int) bool {
	w := s.str(i)
	if i >= len(s.t) || s.t[i].kind != tWord || len(w) > 16 {
		return false
	}
	var buf [16]byte
	_, ok := intervalUnits[string(upper(w, buf[:0]))]
	return ok
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// rangeVar is a name a FROM clause binds (an alias, or a table's last name
// part), with the table it names, if any.
type rangeVar struct {
	name string
	tn   *ast.TableName
}

// enterSelect puts the names a SELECT's FROM binds in scope.
func (e *extractor) enterSelect(sel *ast.SelectStmt) {
	e.rmarks = append(e.rmarks, len(e.ranges))
	if sel.From == nil || sel.From.TableRefs == nil {
		return
	}
	for _, ts := range sources(sel.From.TableRefs, nil) {
		tn, _ := ts.Source.(*ast.TableName)
		switch {
		case ts.AsName.L != "":
			e.ranges = append(e.ranges, rangeVar{ts.AsName.L, tn})
		case tn != nil:
			name := tn.Name.L
			if i := placeholderIndex(tn.Name.O); i >= 0 && i < len(e.s.phs) {
				full := e.s.phs[i].s // proj.dataset.t binds t
				name = full[strings.LastIndexByte(full, '.')+1:]
			}
			e.ranges = append(e.ranges, rangeVar{name, tn})
		}
	}
}

func (e *extractor) leaveSelect() {
	if k := len(e.rmarks); k > 0 {
		e.ranges = e.ranges[:e.rmarks[k-1]]
		e.rmarks = e.rmarks[:k-1]
	}
}

// arrayPath reports whether a two-part name in a FROM clause is a path
// into a range variable in scope (FROM t CROSS JOIN t.arr, or FROM t.arr in
// a subquery of a query over t): BigQuery unnests the array column; no
// table is read.
func (e *extractor) arrayPath(tn *ast.TableName) bool {
	for i, r := range e.ranges {
		if r.tn != tn && r.name == tn.Schema.L && !e.isHidden(i) {
			return true
		}
	}
	return false
}

func (e *extractor) isHidden(i int) bool {
	for _, h := range e.hidden {
		if i >= h[0] && i < h[1] {
			return true
		}
	}
	return false
}

// enterSource hides the names of a FROM from a derived table in it:
// FROM (SELECT * FROM t.arr) AS t reads the table t.arr.
func (e *extractor) enterSource(ts *ast.TableSource) {
	switch ts.Source.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		if k := len(e.rmarks); k > 0 {
			e.hidden = append(e.hidden, [2]int{e.rmarks[k-1], len(e.ranges)})
			return
		}
		e.hidden = append(e.hidden, [2]int{0, 0})
	}
}

func (e *extractor) leaveSource(ts *ast.TableSource) {
	switch ts.Source.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		if k := len(e.hidden); k > 0 {
			e.hidden = e.hidden[:k-1]
		}
	}
}

// bqAlias quotes an alias at k ([AS] alias, after a FROM source) that
// only BigQuery allows there, TABLE or VALUES (`FROM t table`, `UNNEST(v)
// AS values`), and returns the index after it; else it returns k.
func (s *stmt) bqAlias(k int) int {
	a := k
	if s.is(a, "AS") {
		a++
	}
	if !s.isAny(a, "TABLE", "VALUES") || s.isP(a+1, '(') || s.isP(a+1, '.') {
		return k
	}
	if a == k && !(a+1 >= len(s.t) || s.isP(a+1, ',') || s.isP(a+1, ')') || s.isP(a+1, ';') ||
		s.isAny(a+1, "ON", "USING", "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS", "WHERE", "GROUP",
			"ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "QUALIFY", "HAVING")) {
		return k
	}
	s.quoteName(a)
	return a + 1
}
