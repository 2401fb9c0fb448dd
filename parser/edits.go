package parser

import (
	"slices"
	"strings"
)

// The generic rewrite: one pass over a statement's tokens that turns the
// dialects' expression- and FROM-level syntax into what TiDB parses. Edits
// only replace or blank token spans, so every byte of the result maps back
// to the original. Statement-level syntax (headers, clause order) is done
// by the statement handlers in stmt.go.

type frame struct {
	from  bool  // inside a FROM list at this depth
	fn    bool  // this bracket is a function call's
	outer bool  // the pending source follows LEFT/RIGHT/FULL JOIN
	open  int32 // index of the opening bracket (fn only)
}

func (s *stmt) addEdit(start, end int, repl string) {
	s.edits = append(s.edits, edit{start, end, repl})
}

func (s *stmt) blankTok(i, j int) { // tokens i..j inclusive
	if i <= j && i >= 0 && j < len(s.t) {
		s.addEdit(s.t[i].start, s.t[j].end, "")
	}
}

func (s *stmt) replaceTok(i, j int, repl string) {
	if i <= j && i >= 0 && j < len(s.t) {
		s.addEdit(s.t[i].start, s.t[j].end, repl)
	}
}

// sortEdits orders edits and drops any that overlap an earlier one.
func (s *stmt) sortEdits() {
	if len(s.edits) < 2 {
		return
	}
	slices.SortStableFunc(s.edits, func(a, b edit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		az, bz := a.end == a.start, b.end == b.start
		if az != bz {
			if az {
				return -1
			}
			return 1
		}
		return b.end - a.end
	})
	out := s.edits[:1]
	for _, e := range s.edits[1:] {
		last := out[len(out)-1]
		if e.start < last.end {
			continue
		}
		out = append(out, e)
	}
	s.edits = out
}

// clauseEnd returns the first token from i on, at the depth of i, that
// starts another clause (or closes the enclosing bracket).
func (s *stmt) clauseEnd(i int) int {
	for ; i < len(s.t); i++ {
		if s.isP(i, '(') || s.isP(i, '[') {
			i = s.closeOf(i)
			continue
		}
		if s.isP(i, ')') || s.isP(i, ';') {
			return i
		}
		if s.isAny(i, "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "MINUS", "QUALIFY", "INSERT",
			"DISTRIBUTE", "SORT", "CLUSTER", "HAVING", "WHERE", "GROUP", "FETCH", "OFFSET") && i > 0 {
			return i
		}
	}
	return len(s.t)
}

var hintWords = map[string]bool{
	"NOLOCK": true, "READUNCOMMITTED": true, "READCOMMITTED": true, "UPDLOCK": true, "HOLDLOCK": true,
	"ROWLOCK": true, "TABLOCK": true, "TABLOCKX": true, "PAGLOCK": true, "NOWAIT": true, "READPAST": true,
	"XLOCK": true, "SERIALIZABLE": true, "REPEATABLEREAD": true, "INDEX": true, "FORCESEEK": true,
}

var castTypes = map[string]bool{
	"BINARY": true, "CHAR": true, "DATE": true, "DATETIME": true, "DECIMAL": true, "DOUBLE": true,
	"FLOAT": true, "JSON": true, "REAL": true, "SIGNED": true, "UNSIGNED": true, "TIME": true, "YEAR": true,
}

var intervalUnits = map[string]string{
	"DAY": "", "DAYS": "DAY", "HOUR": "", "HOURS": "HOUR", "MINUTE": "", "MINUTES": "MINUTE",
	"SECOND": "", "SECONDS": "SECOND", "MONTH": "", "MONTHS": "MONTH", "YEAR": "", "YEARS": "YEAR",
	"WEEK": "", "WEEKS": "WEEK", "QUARTER": "", "QUARTERS": "QUARTER", "MICROSECOND": "", "MICROSECONDS": "MICROSECOND",
	"MILLISECOND": "MICROSECOND", "MILLISECONDS": "MICROSECOND", "NANOSECOND": "MICROSECOND", "NANOSECONDS": "MICROSECOND",
}

// genericEdits computes the expression- and FROM-level rewrites.
func (s *stmt) genericEdits() {
	var stack [64]frame
	frames := stack[:1]
	pendingOuter := false
	var outerClose []int // closing brackets of sources after LEFT/RIGHT JOIN
	sourceNext := false  // the next token begins a FROM source
	targetNext := false  // the next token begins a written table's name
	n := len(s.t)
	for i := 0; i < n; i++ {
		tk := s.t[i]
		cur := &frames[len(frames)-1]
		if sourceNext || targetNext {
			src := sourceNext
			sourceNext, targetNext = false, false
			if next, ok := s.tableRef(i, src, pendingOuter); ok {
				pendingOuter = false
				i = next - 1
				continue
			}
		}
		switch tk.kind {
		case tPunct:
			c := s.text[tk.start]
			if tk.end-tk.start != 1 {
				if tk.end-tk.start == 2 && c == '-' && s.text[tk.start+1] == '>' {
					s.lambda(i)
				} else if c == '#' { // Postgres JSON paths: j #>> '{a,b}'
					s.replaceTok(i, i, "-"+s.text[tk.start+1:tk.end])
				}
				continue
			}
			switch c {
			case '(':
				if s.is(i-1, "AS") && s.isP(i-2, ')') && s.nameList(i) {
					// Spark's multi-column alias: explode(m) AS (k, v)
					cl := s.closeOf(i)
					s.blankTok(i-1, cl)
					i = cl
					continue
				}
				if pendingOuter && s.isSourceParen(i) {
					outerClose = append(outerClose, s.closeOf(i))
					pendingOuter = false
				}
				if s.is(i-1, "SELECT") || s.isP(i-1, ',') && !cur.from && !cur.fn {
					s.rowAliases(i) // Spark's (a AS x, b AS y): a struct
				}
				if s.isName(i+1) && !s.isQueryAt(i+1) && s.joinParen(i) {
					sourceNext = true // FROM ((a.b.c JOIN ...) JOIN ...): the first table
				}
				fn := i > 0 && s.t[i-1].kind == tWord && s.adjacent(i-1) && !s.isAny(i-1, "IN", "FROM", "JOIN", "AS", "ON", "EXISTS", "AND", "OR", "NOT", "USING", "VALUES", "SELECT", "WHERE", "ALL", "ANY", "SOME", "OVER", "LATERAL", "INTO", "TABLE") && !s.isQueryAt(i+1)
				if len(frames) < cap(frames) {
					frames = append(frames, frame{fn: fn, open: int32(i)})
				}
				if s.is(i+1, "VALUES") && i > 0 && (s.isAny(i-1, "FROM", "JOIN") || s.isP(i-1, ',') || s.isP(i-1, '(')) {
					cl := s.closeOf(i)
					s.addEdit(s.t[i+1].start, s.t[cl].start, "SELECT 1 ")
					i = cl - 1
				}
			case ')':
				if len(frames) > 1 {
					frames = frames[:len(frames)-1]
				}
				if s.match[i] >= 0 && s.isSourceParen(int(s.match[i])) {
					outer := false
					if k := len(outerClose); k > 0 && outerClose[k-1] == i {
						outer = true
						outerClose = outerClose[:k-1]
					}
					open := int(s.match[i])
					s.lateralAlias(open, i)
					j := s.afterSource(s.joinParenAlias(open, i), outer)
					i = j - 1
				}
			case ',':
				if cur.from && !cur.fn {
					sourceNext = true
				}
				if s.is(i+1, "FROM") {
					s.blankTok(i, i)
				}
			case ':':
				if s.isP(i+1, ':') && s.adjacent(i) {
					// expr::type -- a cast; the type does not matter here.
					j := i + 2
					_, j = s.nameAt(j, nil)
					if s.isP(j, '(') {
						j = s.closeOf(j) + 1
					}
					for s.isP(j, '[') && s.isP(j+1, ']') {
						j += 2
					}
					s.blankTok(i, j-1)
					i = j - 1
				} else if s.isName(i+1) && !s.isP(i+1, '=') {
					if i > 0 && s.adjacent(i-1) && (s.isName(i-1) || s.isP(i-1, ']') || s.isP(i-1, ')')) {
						// Snowflake semi-structured path: col:field.sub
						_, j := s.nameAt(i+1, nil)
						s.blankTok(i, j-1)
						i = j - 1
					} else if s.is(i-1, "AS") {
						s.blankTok(i, i) // Snowflake expr AS :name
					} else {
						s.replaceTok(i, i+1, "NULL") // :bind_variable
						i++
					}
				}
			case '[':
				cl := s.closeOf(i)
				if i > 0 && s.is(i-1, "ARRAY") {
					s.replaceTok(i-1, cl, "NULL")
				} else if i > 0 && (s.isName(i-1) && !s.isAny(i-1, "THEN", "ELSE", "WHEN", "AND", "OR", "NOT", "SELECT", "IN", "RETURN") || s.isP(i-1, ')') || s.isP(i-1, ']')) {
					s.blankTok(i, cl)
				} else {
					s.replaceTok(i, cl, "NULL")
				}
				i = cl
			case '.':
				if i > 0 && (s.isP(i-1, ')') || s.isP(i-1, ']')) && s.isName(i+1) {
					i = s.fieldAccess(i) // f(x).field, arr[0].field
				} else if (s.isP(i-1, ')') || s.isP(i-1, ']')) && s.isP(i+1, '*') && s.adjacent(i) {
					s.blankTok(i, i+1) // BigQuery IF(c, a, b).*: the struct itself
					i++
				}
			case '#': // Postgres XOR
				s.replaceTok(i, i, "^")
			case '~', '!', '<':
				// Postgres regular expressions (a ~ b, a ~* b, a !~ b) and
				// array containment (a <@ b): compare instead.
				j := i
				if c == '!' || c == '<' {
					if !s.adjacent(i) {
						break
					}
					j++
					if c == '<' && (s.t[j].kind != tVar || s.t[j].end-s.t[j].start != 1) || c == '!' && !s.isP(j, '~') {
						break
					}
				} else if i == 0 || !s.operand(i-1) || !s.d.pgOps() {
					break
				}
				if s.isP(j+1, '*') && s.adjacent(j) {
					j++
				}
				if j+1 >= len(s.t) || s.t[j+1].kind == tPunct && !s.isP(j+1, '(') || s.t[j+1].kind == tNumber {
					break // not a pattern or array on the right: a ~~~ 1
				}
				s.replaceTok(i, j, "=")
				i = j
			case '=':
				if s.isP(i+1, '=') && s.adjacent(i) {
					s.blankTok(i+1, i+1)
					i++
				}
			case '+', '-', '*', '/', '%', '|', '&', '^':
				if s.isP(i+1, '=') && s.adjacent(i) && s.d.brackets {
					s.blankTok(i, i) // T-SQL compound assignment in UPDATE ... SET
				}
			}
		case tVar:
			if tk.end-tk.start == 1 && s.text[tk.start] == '@' && s.isP(i+1, '>') && s.adjacent(i) {
				s.replaceTok(i, i+1, "=") // Postgres array containment: a @> b
				i++
			} else if tk.end-tk.start == 1 && s.text[tk.start] == '?' && i > 0 && s.operand(i-1) && s.d.pgOps() {
				// Postgres JSON key tests: j ? 'k', j ?| array, j ?& array.
				j := i
				if (s.isP(i+1, '|') || s.isP(i+1, '&')) && s.adjacent(i) {
					j++
				}
				s.replaceTok(i, j, "=")
				i = j
			}
		case tNumber:
			s.numberSuffix(i)
		case tQuoted, tWord:
			if i > 0 && s.isP(i-1, '.') {
				continue
			}
			if s.d.bigquery() {
				if j := s.bqWord(i, cur); j > i {
					i = j - 1
					continue
				}
			}
			if tk.kind == tQuoted && s.isP(i+1, '(') && s.d.ansiQuotes {
				s.quotedCall(i)
				s.starArgs(i, i+1)
			}
			if tk.kind == tWord {
				if c := s.text[tk.start]; c >= '0' && c <= '9' {
					s.numberSuffix(i)
				}
				s.spacedCall(i)
				if s.typedLiteral(i) {
					continue
				}
				if j, ok := s.keyword(i, cur, &sourceNext, &targetNext, &pendingOuter); ok {
					i = j - 1
					continue
				}
				s.exprQuote(i)
				enclosing := -1
				if cur.fn {
					enclosing = int(cur.open)
				}
				if s.isP(i+1, '(') {
					s.call(i, i+1, enclosing)
				} else if s.isP(i+1, '<') && s.is(i, "STRUCT") { // BigQuery STRUCT<a INT64>(...)
					e := s.skipType(i + 1)
					s.blankTok(i+1, e)
					if s.isP(e+1, '(') {
						s.call(i, e+1, enclosing)
					}
				}
			}
			i = s.exprName(i) - 1
		}
	}
}

// keyword handles keyword-driven rewrites at token i; it returns the index
// to continue from and true if it consumed anything.
func (s *stmt) keyword(i int, cur *frame, sourceNext, targetNext, pendingOuter *bool) (int, bool) {
	w := s.str(i)
	if len(w) < 2 || len(w) > 12 {
		return 0, false
	}
	var buf [16]byte
	switch string(upper(w, buf[:0])) {
	case "FROM":
		if cur.fn {
			return 0, false
		}
		cur.from = true
		*sourceNext = true
	case "JOIN", "STRAIGHT_JOIN":
		cur.from = true
		*sourceNext = true
		*pendingOuter = s.isAny(i-1, "LEFT", "RIGHT", "FULL", "OUTER", "SEMI", "ANTI")
	case "LATERAL":
		if s.is(i+1, "VIEW") {
			return s.lateralView(i), true
		}
		*sourceNext = true
	case "APPLY": // T-SQL CROSS/OUTER APPLY
		if s.isAny(i-1, "CROSS", "OUTER") {
			s.replaceTok(i-1, i, "JOIN")
			*sourceNext = true
		}
	case "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "INTERSECT", "MINUS", "SELECT", "SET", "VALUES", "WHEN", "INSERT", "RETURNING", "ON":
		if j, ok := s.valuesQuery(i); ok {
			return j, true
		}
		if s.is(i, "WINDOW") {
			s.windowRefs(i)
		}
		if s.isAny(i, "WHERE", "GROUP", "HAVING") && s.selectWithoutFrom(i) {
			s.addEdit(s.t[i].start, s.t[i].start, "FROM (SELECT 1) AS dual_ ") // SELECT min(1) GROUP BY 1 HAVING ...
		}
		if s.is(i, "LIMIT") {
			if j := s.limitExpr(i); j > 0 {
				cur.from = false
				return j, true
			}
		}
		if s.is(i, "VALUES") && s.isP(i+1, '(') && (s.isAny(i-1, "FROM", "JOIN") || s.isP(i-1, ',') && s.inFromList(i-1)) {
			// Spark's inline table without brackets: FROM VALUES (1), (2) AS v(a)
			j := s.closeOf(i + 1)
			for s.isP(j+1, ',') && s.isP(j+2, '(') {
				j = s.closeOf(j + 2)
			}
			s.replaceTok(i, j, "(SELECT 1)")
			cur.from = true
			return s.afterSource(j+1, false), true
		}
		if s.is(i, "GROUP") && s.is(i+1, "BY") && s.is(i+2, "WITH") && s.isAny(i+3, "ROLLUP", "CUBE") {
			s.addEdit(s.t[i+2].start, s.t[i+2].start, "1 ") // GROUP BY WITH ROLLUP: no columns
		}
		if s.isAny(i, "GROUP", "ORDER") && s.is(i+1, "BY") && s.is(i+2, "ALL") && !s.isP(i+3, '(') {
			s.replaceTok(i+2, i+2, "1") // Databricks GROUP BY ALL
		}
		if cur.fn && s.is(i, "ORDER") && s.is(i+1, "BY") && !s.is(int(cur.open)-1, "GROUP_CONCAT") {
			// ARRAY_AGG(x ORDER BY y LIMIT 1), STRING_AGG(x, ',' ORDER BY y):
			// the order does not matter here and TiDB takes it only in
			// GROUP_CONCAT.
			cl := s.closeOf(int(cur.open))
			s.blankTok(i, cl-1)
			return cl, true
		}
		if !s.is(i, "ON") {
			cur.from = false
		}
		switch {
		case s.is(i, "MINUS"):
			s.replaceTok(i, i, "EXCEPT")
		case s.is(i, "SELECT"):
			return s.selectTop(i), true
		case s.is(i, "GROUP") && s.is(i+1, "BY"):
			// GROUPING SETS / ROLLUP / CUBE lists only name columns.
			for j := i + 2; j < len(s.t); j++ {
				if s.is(j, "GROUPING") && s.is(j+1, "SETS") && s.isP(j+2, '(') {
					cl := s.closeOf(j + 2)
					if s.isP(j-1, ',') {
						s.blankTok(j-1, cl)
					} else if s.is(j-1, "BY") && s.isP(cl+1, ',') {
						s.blankTok(j, cl+1)
					} else if s.is(j-1, "BY") {
						s.replaceTok(j, cl, "1")
					} else {
						s.blankTok(j, cl)
					}
					j = cl
					continue
				}
				if s.is(j, "ROLLUP") && s.isP(j+1, '(') {
					s.blankTok(j, j) // ROLLUP(a, b) lists only columns: (a, b)
					continue
				}
				if s.is(j, "CUBE") && s.is(j-1, "WITH") {
					s.replaceTok(j, j, "ROLLUP") // Hive's GROUP BY a, b WITH CUBE
					continue
				}
				if s.isP(j, '(') {
					j = s.closeOf(j)
					continue
				}
				if s.isP(j, ')') || s.isP(j, ';') || s.isAny(j, "HAVING", "ORDER", "LIMIT", "UNION", "QUALIFY", "WINDOW") {
					break
				}
			}
		}
	case "EXCEPT":
		if s.isP(i-1, '*') && s.isP(i+1, '(') { // BigQuery SELECT * EXCEPT (a, b)
			cl := s.closeOf(i + 1)
			s.blankTok(i, cl)
			return cl + 1, true
		}
		cur.from = false
	case "REPLACE":
		if s.isP(i-1, '*') && s.isP(i+1, '(') {
			cl := s.closeOf(i + 1)
			s.blankTok(i, cl)
			return cl + 1, true
		}
	case "INTO", "UPDATE", "OVERWRITE":
		if !s.isP(i+1, '(') && !s.is(i+1, "TABLE") && !s.is(i+1, "DIRECTORY") && !s.is(i+1, "LOCAL") {
			*targetNext = true
		}
	case "TABLE", "VIEW", "CLONE":
		if !s.isP(i+1, '(') {
			*targetNext = true
		}
	case "USING":
		if !s.isP(i+1, '(') {
			*sourceNext = true
		}
	case "FULL":
		if s.is(i+1, "JOIN") || s.is(i+1, "OUTER") && s.is(i+2, "JOIN") {
			s.replaceTok(i, i, "LEFT")
		}
	case "SEMI", "ANTI":
		if s.is(i+1, "JOIN") {
			s.blankTok(i, i)
			if !s.isAny(i-1, "LEFT", "RIGHT") {
				return i + 1, true
			}
		}
	case "QUALIFY":
		j := s.clauseEnd(i + 1)
		s.blankTok(i, j-1)
		return j, true
	case "DISTRIBUTE", "SORT", "CLUSTER":
		if s.is(i+1, "BY") {
			j := s.clauseEnd(i + 2)
			s.blankTok(i, j-1)
			return j, true
		}
	case "CAST", "TRY_CAST", "SAFE_CAST":
		if s.isP(i+1, '(') {
			cl := s.closeOf(i + 1)
			depth := 0
			for j := i + 2; j < cl; j++ {
				if s.isP(j, '(') || s.isP(j, '[') {
					depth++
				} else if s.isP(j, ')') || s.isP(j, ']') {
					depth--
				} else if depth == 0 && s.is(j, "AS") && j+1 < cl {
					if !(j+2 == cl && castTypes[strings.ToUpper(s.str(j+1))]) {
						s.addEdit(s.t[j+1].start, s.t[cl].start, "CHAR")
					}
					break
				}
			}
			if !s.is(i, "CAST") {
				s.replaceTok(i, i, "CAST")
			}
		}
	case "INTERVAL":
		enclosing := -1
		if cur.fn {
			enclosing = int(cur.open)
		}
		if j, ok := s.interval(i, enclosing); ok {
			return j, true
		}
		if i+1 < len(s.t) && s.t[i+1].kind == tString {
			u := strings.ToUpper(s.str(i + 2))
			if rep, ok := intervalUnits[u]; ok {
				if rep != "" {
					s.replaceTok(i+2, i+2, rep)
				}
				return i + 3, true
			}
			s.replaceTok(i+1, i+1, "1 DAY")
			return i + 2, true
		}
		if i+2 < len(s.t) && s.t[i+1].kind == tNumber {
			if rep := intervalUnits[strings.ToUpper(s.str(i+2))]; rep != "" {
				s.replaceTok(i+2, i+2, rep)
			}
			// Spark's INTERVAL 1 DAY 2 HOURS: keep the first part.
			k := i + 3
			for k+1 < len(s.t) && s.t[k].kind == tNumber && s.t[k+1].kind == tWord {
				if _, ok := intervalUnits[strings.ToUpper(s.str(k+1))]; !ok {
					break
				}
				k += 2
			}
			if k > i+3 {
				s.blankTok(i+3, k-1)
				return k, true
			}
		}
	case "IS":
		if s.is(i+1, "DISTINCT") && s.is(i+2, "FROM") {
			s.replaceTok(i, i+2, "<>")
			return i + 3, true
		}
		if s.is(i+1, "NOT") && s.is(i+2, "DISTINCT") && s.is(i+3, "FROM") {
			s.replaceTok(i, i+3, "<=>")
			return i + 4, true
		}
	case "PRECEDING", "FOLLOWING":
		// A window frame bound that is an expression (current_date
		// PRECEDING): TiDB takes a number, an interval or UNBOUNDED.
		if s.t[i-1].kind == tWord && !s.isAny(i-1, "UNBOUNDED") && !s.isP(i-2, '.') {
			if _, unit := intervalUnits[upperStr(s.str(i-1))]; !unit {
				s.replaceTok(i-1, i-1, "1")
			}
		}
	case "MAP", "REDUCE":
		if s.isSelectWord(i) {
			return s.mapReduce(i), true
		}
	case "NATURAL":
		if s.is(i+1, "JOIN") || s.isAny(i+1, "INNER", "LEFT", "RIGHT", "FULL") {
			s.blankTok(i, i) // the columns joined on do not matter here
		}
	case "ILIKE":
		s.replaceTok(i, i, "LIKE")
		s.likeQuantified(i)
	case "LIKE", "RLIKE":
		s.likeQuantified(i)
	case "DISTINCT":
		if s.is(i+1, "ON") && s.isP(i+2, '(') {
			cl := s.closeOf(i + 2)
			s.blankTok(i+1, cl)
			return cl + 1, true
		}
	case "FILTER":
		if s.isP(i+1, '(') && s.is(i+2, "WHERE") {
			cl := s.closeOf(i + 1)
			s.blankTok(i, cl)
			return cl + 1, true
		}
	case "WITHIN":
		if s.is(i+1, "GROUP") && s.isP(i+2, '(') {
			cl := s.closeOf(i + 2)
			s.blankTok(i, cl)
			return cl + 1, true
		}
	case "TABLESAMPLE":
		if s.isP(i+1, '(') {
			cl := s.closeOf(i + 1)
			s.blankTok(i, cl)
			return cl + 1, true
		}
	case "MAX", "MIN":
		// MySQL-style MAX(a, b) means GREATEST(a, b).
		if s.isP(i+1, '(') {
			if c := s.depth0(i+2, s.closeOf(i+1), func(j int) bool { return s.isP(j, ',') }); c > 0 {
				if s.is(i, "MAX") {
					s.replaceTok(i, i, "GREATEST")
				} else {
					s.replaceTok(i, i, "LEAST")
				}
			}
		}
	case "EQ", "NE", "GT", "LT", "GE", "LE":
		if s.d.name == "teradata" && i > 0 && !s.isP(i+1, ',') && !s.isP(i+1, ')') {
			s.replaceTok(i, i, map[string]string{"EQ": "=", "NE": "<>", "GT": ">", "LT": "<", "GE": ">=", "LE": "<="}[strings.ToUpper(s.str(i))])
		}
	case "COUNT":
		if s.isP(i+1, '(') && s.isP(i+2, ')') {
			s.addEdit(s.t[i+2].start, s.t[i+2].start, "*")
		}
	case "IGNORE", "RESPECT":
		if s.is(i+1, "NULLS") {
			s.blankTok(i, i+1)
			return i + 2, true
		}
	case "OFFSET":
		// OFFSET n [ROWS] before FETCH or LIMIT (Trino, T-SQL): the rows
		// skipped do not matter here; LIMIT n OFFSET m stays.
		if s.isP(i+1, '(') && !(i >= 2 && s.is(i-2, "LIMIT")) { // OFFSET (expr)
			cl := s.closeOf(i + 1)
			s.blankTok(i, cl)
			return cl + 1, true
		}
		if i+1 < len(s.t) && (s.t[i+1].kind == tNumber || s.t[i+1].kind == tVar) && !(i >= 2 && s.is(i-2, "LIMIT")) {
			j := i + 1
			if s.isAny(j+1, "ROW", "ROWS") {
				j++
			}
			s.blankTok(i, j)
			return j + 1, true
		}
	case "NULLS":
		if s.isAny(i+1, "FIRST", "LAST") {
			s.blankTok(i, i+1) // ORDER BY a NULLS LAST
			return i + 2, true
		}
	case "AT":
		if s.is(i+1, "TIME") && s.is(i+2, "ZONE") {
			// ts AT TIME ZONE 'UTC': keep ts.
			j := i + 3
			_, k := s.nameAt(j, nil)
			if k == j {
				k = j + 1
			}
			if s.isP(k, '(') {
				k = s.closeOf(k) + 1
			}
			s.blankTok(i, k-1)
			return k, true
		}
	case "ESCAPE":
	default:
		return 0, false
	}
	return 0, false
}

// selectTop blanks T-SQL's TOP n [PERCENT] [WITH TIES] after SELECT [DISTINCT].
func (s *stmt) selectTop(i int) int {
	j := i + 1
	if s.isAny(j, "DISTINCT", "ALL") {
		j++
	}
	if s.is(j, "AS") && s.isAny(j+1, "STRUCT", "VALUE") { // BigQuery SELECT AS STRUCT
		s.blankTok(j, j+1)
		return j + 2
	}
	if !s.is(j, "TOP") {
		return i + 1
	}
	k := j + 1
	if s.isP(k, '(') {
		k = s.closeOf(k) + 1
	} else if k < len(s.t) && s.t[k].kind == tNumber {
		k++
	} else {
		return i + 1
	}
	if s.is(k, "PERCENT") {
		k++
	}
	if s.is(k, "WITH") && s.is(k+1, "TIES") {
		k += 2
	}
	s.blankTok(j, k-1)
	return k
}

// lateralView blanks Hive's LATERAL VIEW [OUTER] f(...) alias [AS c1, c2].
func (s *stmt) lateralView(i int) int {
	j := i + 2
	if s.is(j, "OUTER") {
		j++
	}
	_, j = s.nameAt(j, nil)
	if s.isP(j, '(') {
		j = s.closeOf(j) + 1
	}
	if s.aliasable(j) && !s.is(j, "AS") {
		j++
	}
	if s.is(j, "AS") {
		j++
		for s.isName(j) {
			j++
			if s.isP(j, ',') && s.isName(j+1) && !s.is(j+1, "LATERAL") {
				j++
				continue
			}
			break
		}
	}
	s.blankTok(i, j-1)
	return j
}

// isSourceParen reports whether the bracket at i opens a FROM source.
func (s *stmt) isSourceParen(i int) bool {
	if i <= 0 {
		return false
	}
	return s.isAny(i-1, "FROM", "JOIN", "LATERAL", "USING") || s.isP(i-1, ',') && s.inFromList(i-1)
}

// inFromList reports whether the comma at i separates FROM sources.
func (s *stmt) inFromList(i int) bool {
	depth := 0
	for j := i - 1; j >= 0; j-- {
		switch {
		case s.isP(j, ')'):
			depth++
		case s.isP(j, '('):
			if depth == 0 {
				return false
			}
			depth--
		case depth == 0 && s.isAny(j, "FROM", "JOIN"):
			return true
		case depth == 0 && s.isAny(j, "SELECT", "WHERE", "GROUP", "ORDER", "BY", "SET", "VALUES", "HAVING", "USING"):
			return false
		}
	}
	return false
}

// tableRef handles a table name or table function at token i: src is true
// for read sources (FROM, JOIN), false for written tables (INTO, TABLE).
func (s *stmt) tableRef(i int, src, outer bool) (int, bool) {
	var ub [16]byte
	if !s.isName(i) || s.t[i].kind == tWord && notAlias[string(upper(s.str(i), ub[:0]))] && !s.is(i, "TABLE") {
		return 0, false
	}
	var buf [6]string
	parts, next := s.nameAt(i, buf[:0])
	if src && s.isP(next, '(') {
		cl := s.closeOf(next)
		if s.t[next+1].kind == tWord && hintWords[strings.ToUpper(s.str(next+1))] {
			s.nameEdit(i, next, parts)
			s.blankTok(next, cl) // T-SQL table hint: t(NOLOCK)
			return s.afterSource(cl+1, outer), true
		}
		// A table function (UNNEST, FLATTEN, TABLE(generator()), ...): its
		// arguments name columns, not tables.
		s.replaceTok(i, cl, "(SELECT 1)")
		return s.afterSource(cl+1, outer), true
	}
	s.nameEdit(i, next, parts)
	if !src {
		return next, true
	}
	return s.afterSource(next, outer), true
}

// nameEdit rewrites the name in tokens [i, next) if TiDB cannot take it
// as it is: three- and four-part names become placeholders.
func (s *stmt) nameEdit(i, next int, parts []string) {
	if len(parts) >= 3 || len(parts) == 2 && (strings.IndexByte(s.str(i), '-') >= 0 && s.t[i].kind == tWord) {
		s.addEdit(s.t[i].start, s.t[next-1].end, placeholder(len(s.phs)))
		s.phs = append(s.phs, joinParts(parts, s.d))
		return
	}
	for j := i; j < next; j++ {
		s.fixName(j)
	}
}

// fixName is fixQuoted for a token known to be a name, which also quotes
// a word TiDB reserves and the dialect does not (reserved.go).
func (s *stmt) fixName(j int) {
	if s.quotable(j) {
		s.quoteName(j)
		return
	}
	s.fixQuoted(j)
}

// fixQuoted turns [x] and #x into `x` and `#x`.
func (s *stmt) fixQuoted(j int) {
	tk := s.t[j]
	c := s.text[tk.start]
	if tk.kind == tQuoted && c == '[' {
		s.addEdit(tk.start, tk.end, "`"+strings.ReplaceAll(unquote(s.text[tk.start:tk.end]), "`", "``")+"`")
	} else if tk.kind == tWord && c == '#' {
		s.addEdit(tk.start, tk.end, "`"+s.text[tk.start:tk.end]+"`")
	}
}

// afterSource handles what may follow a FROM source at k: WITH ORDINALITY,
// an alias, a column alias list or T-SQL hints; and adds ON 1=1 to an
// outer join that has no condition (after SEMI JOIN or UNNEST rewrites).
func (s *stmt) afterSource(k int, outer bool) int {
	if s.is(k, "WITH") && s.is(k+1, "ORDINALITY") {
		s.blankTok(k, k+1)
		k += 2
	}
	k = s.timeTravel(k)
	k = s.pivot(k)
	if s.d.bigquery() {
		k = s.bqAlias(k)
	}
	if s.is(k, "AS") && !s.isQueryAt(k+1) {
		k++
	}
	if s.aliasable(k) && !s.isP(k+1, '.') && !s.isSelectWord(k) {
		s.fixName(k)
		k++
		if s.isP(k, '(') {
			cl := s.closeOf(k)
			s.blankTok(k, cl)
			k = cl + 1
		}
	}
	if p := s.pivot(k); p > k {
		k = p
		if s.is(k, "AS") {
			k++
		}
		if s.aliasable(k) && !s.isP(k+1, '.') {
			k++
		}
	}
	if s.is(k, "WITH") && s.is(k+1, "OFFSET") {
		// BigQuery UNNEST(a) [AS x] WITH OFFSET [AS o]: o numbers the rows.
		e := k + 2
		if s.is(e, "AS") {
			e++
		}
		if s.aliasable(e) && !s.isP(e+1, '.') {
			e++
		}
		s.blankTok(k, e-1)
		k = e
	}
	if s.is(k, "WITH") && s.isP(k+1, '(') {
		cl := s.closeOf(k + 1)
		s.blankTok(k, cl)
		k = cl + 1
	}
	if outer && !s.isAny(k, "ON", "USING") && k > 0 {
		s.addEdit(s.t[k-1].end, s.t[k-1].end, " ON 1=1")
	}
	return k
}

// timeTravel blanks a version clause after a table at k: VERSION AS OF n,
// TIMESTAMP AS OF t, FOR SYSTEM_TIME AS OF t, FOR VERSION AS OF n; it
// returns the index after it.
func (s *stmt) timeTravel(k int) int {
	j := k
	if s.is(j, "FOR") && s.isAny(j+1, "SYSTEM_TIME", "TIMESTAMP", "VERSION") {
		j++
	}
	if !s.isAny(j, "VERSION", "TIMESTAMP", "SYSTEM_TIME", "SYSTEM_VERSION") {
		return k
	}
	// TiDB's scanner returns "AS OF" as one token spelt "OF".
	e := j + 1
	if s.is(e, "AS") {
		e++
	}
	if !s.is(e, "OF") {
		return k
	}
	e++
	for e < len(s.t) {
		if s.isP(e, '(') || s.isP(e, '[') {
			e = s.closeOf(e) + 1
			continue
		}
		if s.isP(e, ',') || s.isP(e, ')') || s.isP(e, ';') || s.t[e].kind == tWord && notAlias[strings.ToUpper(s.str(e))] {
			break
		}
		e++
	}
	s.blankTok(k, e-1)
	return e
}

// pivot blanks PIVOT (...) and UNPIVOT [INCLUDE|EXCLUDE NULLS] (...) after
// a source at k: they only rename columns of their source. It returns the
// index after the clause.
func (s *stmt) pivot(k int) int {
	j := k
	switch {
	case s.is(j, "PIVOT"):
		j++
	case s.is(j, "UNPIVOT"):
		j++
		if s.isAny(j, "INCLUDE", "EXCLUDE") && s.is(j+1, "NULLS") {
			j += 2
		}
	default:
		return k
	}
	if !s.isP(j, '(') {
		return k
	}
	cl := s.closeOf(j)
	s.blankTok(k, cl)
	return cl + 1
}

// exprName handles a name in an expression: more than three parts keep
// only the last three (TiDB's db.table.column); it returns the next index.
func (s *stmt) exprName(i int) int {
	var buf [6]string
	parts, next := s.nameAt(i, buf[:0])
	if next <= i {
		return i + 1
	}
	if len(parts) > 3 && next-i == 2*len(parts)-1 {
		keep := next - 5
		s.addEdit(s.t[i].start, s.t[keep].start, "")
		for j := keep; j < next; j++ {
			s.fixQuoted(j)
		}
		return next
	}
	for j := i; j < next; j++ {
		s.fixQuoted(j)
	}
	return next
}
