package parser

// Expression-level rewrites for functions and operators of Spark, Hive,
// Trino and others that TiDB's grammar rejects or reserves: calls are
// renamed to a neutral identifier (which TiDB parses as a generic call of
// any arity), lambdas lose their parameters, subscripts and field access
// on call results are blanked. None of them changes which tables a
// statement reads or writes; every edit replaces or blanks a token span.

// How a function name that TiDB treats specially is made neutral.
const (
	fnRename     = iota + 1 // always a plain call in the dialects: FIRST(x, true), SPLIT(s, '/')
	fnNoInterval            // DATE_ADD(d, 1) but not DATE_ADD(d, INTERVAL 1 DAY)
	fnNoIn                  // POSITION(a, b) but not POSITION(a IN b)
	fnNotType               // INT(x) as a cast function, not a type after AS
	fnManyArgs              // FIRST_VALUE(x, true): only with two or more arguments
	fnNotQuery              // ARRAY(x) (ARRAY(SELECT ...) is a subquery)
	fnQuantifier            // ANY(x): an aggregate, or "= ANY(array)"
)

var neutralFuncs = map[string]uint8{
	"FIRST": fnRename, "LAST": fnRename, "SPLIT": fnRename, "HASH": fnRename, "SEQUENCE": fnRename,
	"CARDINALITY": fnRename, "CURDATE": fnRename, "WINDOW": fnRename, "MODE": fnRename, "HISTOGRAM": fnRename, "RANGE": fnRename,
	"DATE_ADD": fnNoInterval, "DATE_SUB": fnNoInterval,
	"POSITION": fnNoIn,
	"INT":      fnNotType, "INTEGER": fnNotType, "BIGINT": fnNotType, "SMALLINT": fnNotType, "TINYINT": fnNotType,
	"DOUBLE": fnNotType, "FLOAT": fnNotType, "REAL": fnNotType, "DECIMAL": fnNotType, "NUMERIC": fnNotType,
	"BOOLEAN": fnNotType, "VARCHAR": fnNotType, "LONG": fnNotType, "BYTE": fnNotType, "ROW": fnNotType,
	"FIRST_VALUE": fnManyArgs, "LAST_VALUE": fnManyArgs,
	"ARRAY": fnNotQuery, "EXISTS": fnNotQuery,
	"ANY": fnQuantifier, "SOME": fnQuantifier,
}

// TiDB's EXTRACT units (others, such as DOW or EPOCH, become DAY).
var extractUnits = map[string]bool{
	"MICROSECOND": true, "SECOND": true, "MINUTE": true, "HOUR": true, "DAY": true, "WEEK": true, "MONTH": true,
	"QUARTER": true, "YEAR": true, "SECOND_MICROSECOND": true, "MINUTE_MICROSECOND": true, "MINUTE_SECOND": true,
	"HOUR_MICROSECOND": true, "HOUR_SECOND": true, "HOUR_MINUTE": true, "DAY_MICROSECOND": true, "DAY_SECOND": true,
	"DAY_MINUTE": true, "DAY_HOUR": true, "YEAR_MONTH": true,
}

// call handles the function call whose name is token i and whose
// argument list opens at token open; enclosing is the opening bracket of
// the call it is an argument of, or -1.
func (s *stmt) call(i, open, enclosing int) {
	cl := s.closeOf(open)
	s.starArgs(i, open)
	w := s.str(i)
	if len(w) > 32 {
		return
	}
	var buf [32]byte
	name := string(upper(w, buf[:0]))
	switch name {
	case "CONVERT":
		if s.d.brackets { // T-SQL CONVERT(type, expr [, style])
			s.replaceTok(i, i, w+"_")
		}
		return
	case "TRANSFORM":
		s.hiveTransform(i)
		return
	case "OVERLAY":
		// OVERLAY(a PLACING b FROM n [FOR m]): a call of four arguments.
		if p := s.depth0(open+1, cl, func(j int) bool { return s.is(j, "PLACING") }); p > 0 {
			s.replaceTok(i, i, w+"_")
			for j := p; j > 0 && j < cl; j = s.depth0(j+1, cl, func(j int) bool { return s.isAny(j, "PLACING", "FROM", "FOR") }) {
				s.replaceTok(j, j, ",")
			}
		}
		return
	case "FLOOR", "CEIL", "CEILING":
		// Hive's floor(ts TO HOUR): round a timestamp; the unit goes.
		if to := s.depth0(open+1, cl, func(j int) bool { return s.is(j, "TO") }); to > 0 && to+2 == cl {
			s.blankTok(to, to+1)
		}
		return
	case "DIV":
		// div(a, b) is Spark's integer division; a DIV (b) is an operator.
		if i > 0 && (s.isP(i-1, '(') || s.isP(i-1, ',') || s.isAny(i-1, "SELECT", "WHERE", "AND", "OR", "BY", "ON")) {
			s.replaceTok(i, i, w+"_")
		}
		return
	case "EXTRACT":
		if s.t[open+1].kind == tWord && s.is(open+2, "FROM") && !extractUnits[string(upper(s.str(open+1), buf[:0]))] {
			s.replaceTok(open+1, open+1, "DAY")
		}
		return
	case "STRUCT":
		// BigQuery STRUCT(1 AS a, x AS b): drop the field names.
		for j := open + 1; j < cl; j++ {
			if s.isP(j, '(') || s.isP(j, '[') {
				j = s.closeOf(j)
				continue
			}
			if s.is(j, "AS") && s.isName(j+1) && (s.isP(j+2, ',') || j+2 == cl) {
				s.blankTok(j, j+1)
			}
		}
		return
	}
	kind := neutralFuncs[name]
	if kind == 0 && tidbWindowOnly[name] && !s.is(cl+1, "OVER") && !(s.isAny(cl+1, "IGNORE", "RESPECT") && s.is(cl+3, "OVER")) {
		// Hive's lag(x) inside sum(...) OVER w takes the outer window;
		// TiDB's window functions need their own OVER.
		s.replaceTok(i, i, w+"_")
		return
	}
	if kind == 0 {
		if !tidbOverFuncs[name] {
			s.blankOver(cl + 1) // collect_set(x) OVER w: TiDB's grammar has no such window function
		}
		return
	}
	switch kind {
	case fnNoInterval:
		if s.depth0(open+1, cl, func(j int) bool { return s.is(j, "INTERVAL") }) > 0 {
			return
		}
	case fnNoIn:
		if s.depth0(open+1, cl, func(j int) bool { return s.is(j, "IN") }) > 0 {
			return
		}
	case fnNotType:
		// A type, not a call: CAST(x AS DECIMAL(10, 2)), MySQL's
		// CONVERT(x, DECIMAL(10, 2)); T-SQL's CONVERT(VARCHAR(10), x) is
		// renamed below, so its type may be a call.
		if s.isAny(i-1, "AS", "RETURNS") || s.isP(i-1, ':') || s.d.name == "mysql" ||
			s.isP(i-1, ',') && enclosing > 0 && s.is(enclosing-1, "CONVERT") {
			return
		}
	case fnManyArgs:
		if s.depth0(open+1, cl, func(j int) bool { return s.isP(j, ',') }) < 0 {
			return
		}
	case fnNotQuery:
		if s.isQueryAt(open + 1) {
			if s.is(i, "ARRAY") { // BigQuery ARRAY(SELECT ...): a subquery
				s.blankTok(i, i)
			}
			return
		}
	case fnQuantifier:
		if i > 0 && s.t[i-1].kind == tPunct && isComparison(s.str(i-1)) {
			if !s.isQueryAt(open + 1) {
				s.blankTok(i, i) // x = ANY(array): compare with the array
			}
			return
		}
	}
	s.replaceTok(i, i, w+"_")
	s.blankOver(cl + 1)
}

// blankOver blanks [IGNORE|RESPECT NULLS] OVER (...) or OVER w at k, after
// a call TiDB takes OVER after only for its own window and aggregate
// functions; the window does not matter for lineage.
func (s *stmt) blankOver(k int) {
	if s.is(k, "WITHIN") && s.is(k+1, "GROUP") && s.isP(k+2, '(') {
		k = s.closeOf(k+2) + 1 // percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER w
	}
	if s.isAny(k, "IGNORE", "RESPECT") && s.is(k+1, "NULLS") {
		k += 2
	}
	if s.is(k, "OVER") {
		if s.isP(k+1, '(') {
			s.blankTok(k, s.closeOf(k+1))
		} else if s.isName(k + 1) {
			s.blankTok(k, k+1)
		}
	}
}

// tidbWindowOnly are TiDB's window functions, which must have an OVER.
var tidbWindowOnly = wordSet(`ROW_NUMBER RANK DENSE_RANK CUME_DIST PERCENT_RANK NTILE LEAD LAG FIRST_VALUE
	LAST_VALUE NTH_VALUE`)

// tidbOverFuncs are the functions TiDB's grammar takes OVER after.
var tidbOverFuncs = wordSet(`COUNT SUM AVG MIN MAX GROUP_CONCAT BIT_AND BIT_OR BIT_XOR STD STDDEV STDDEV_POP
	STDDEV_SAMP VARIANCE VAR_POP VAR_SAMP JSON_ARRAYAGG JSON_OBJECTAGG
	ROW_NUMBER RANK DENSE_RANK CUME_DIST PERCENT_RANK NTILE LEAD LAG FIRST_VALUE LAST_VALUE NTH_VALUE`)

// nameList reports whether the bracket at i holds only names and commas.
func (s *stmt) nameList(i int) bool {
	cl := s.closeOf(i)
	if cl <= i+1 {
		return false
	}
	for j := i + 1; j < cl; j++ {
		if !(s.isName(j) && !s.isAny(j, "SELECT", "WITH", "VALUES")) && !s.isP(j, ',') {
			return false
		}
	}
	return true
}

// operand reports whether token i can end an operand of a binary operator.
func (s *stmt) operand(i int) bool {
	switch s.t[i].kind {
	case tWord, tQuoted, tString, tNumber:
		return true
	}
	return s.isP(i, ')') || s.isP(i, ']')
}

func isComparison(op string) bool {
	switch op {
	case "=", "<", ">", "<=", ">=", "<>", "!=":
		return true
	}
	return false
}

// lambda blanks the parameters and arrow of a lambda whose arrow ("->")
// is token i: x -> x + 1, (acc, x) -> acc + x. A JSON path (col -> '$.a')
// is left alone.
func (s *stmt) lambda(i int) {
	if i+1 >= len(s.t) || s.t[i+1].kind == tString || i < 2 {
		return
	}
	start := -1
	switch {
	case s.isName(i-1) && (s.isP(i-2, '(') || s.isP(i-2, ',')):
		start = i - 1
	case s.isP(i-1, ')'):
		m := int(s.match[i-1])
		if m > 0 && (s.isP(m-1, '(') || s.isP(m-1, ',')) {
			start = m
			for j := m + 1; j < i-1; j++ {
				if !s.isName(j) && !s.isP(j, ',') {
					return
				}
			}
		}
	}
	if start >= 0 {
		s.blankTok(start, i)
	}
}

// fieldAccess blanks .field after a call or subscript: f(x).a, arr[0].b,
// (col).c; it returns the index of the last token blanked.
func (s *stmt) fieldAccess(i int) int {
	j := i + 1
	for s.isP(j+1, '.') && s.isName(j+2) {
		j += 2
	}
	s.blankTok(i, j)
	return j
}

// hiveTransform blanks Hive's SELECT TRANSFORM(cols) [ROW FORMAT ...]
// USING 'script' [AS cols] [ROW FORMAT ...] around its column list, which
// stays as the select list; it reports whether token i began one.
func (s *stmt) hiveTransform(i int) bool {
	if !s.isP(i+1, '(') || !s.isAny(i-1, "SELECT", "DISTINCT", "ALL") {
		return false
	}
	cl := s.closeOf(i + 1)
	using := s.depth0(cl+1, len(s.t), func(j int) bool {
		return s.isAny(j, "USING", "FROM", "WHERE", "UNION") || s.isP(j, ';')
	})
	if using < 0 || !s.is(using, "USING") {
		return false
	}
	end := s.depth0(using+1, len(s.t), func(j int) bool {
		return s.isAny(j, "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "INSERT", "CLUSTER", "DISTRIBUTE", "SORT") || s.isP(j, ')')
	})
	if end < 0 {
		end = len(s.t)
	}
	s.blankTok(i, i+1)
	s.blankTok(cl, end-1)
	return true
}
