package parser

// Spark (and Trino) syntax that TiDB lacks; see hive.go.

// valuesQuery rewrites VALUES used as a query (a statement, CREATE VIEW v
// AS VALUES ..., FROM VALUES 1, 2 AS t(a), UNION VALUES ...) with its rows
// and optional alias to SELECT 1: the rows hold literals, no tables. Rows
// that hold a subquery are left alone. It returns the index after what it
// rewrote and true, or false.
func (s *stmt) valuesQuery(i int) (int, bool) {
	if !s.is(i, "VALUES") {
		return 0, false
	}
	fromPos := s.isAny(i-1, "FROM", "JOIN") || s.isP(i-1, ',') && s.inFromList(i-1)
	queryPos := i == 0 || s.is(i-1, "AS") || s.isAny(i-1, "UNION", "ALL", "EXCEPT", "INTERSECT", "DISTINCT", "MINUS") ||
		s.isP(i-1, '(') && (i == 1 || s.is(i-2, "AS") || s.isAny(i-2, "UNION", "ALL", "EXCEPT", "INTERSECT", "DISTINCT", "MINUS", "IN"))
	if !fromPos && !queryPos {
		return 0, false
	}
	if fromPos && s.isP(i+1, '(') {
		return 0, false // FROM VALUES (1), (2) AS v(a): keyword() does it
	}
	// The rows: (..), (..) or 1, 2, 3.
	j := i + 1
	for j < len(s.t) {
		if s.isP(j, '(') {
			j = s.closeOf(j) + 1
		} else if j < len(s.t) && s.t[j].kind != tPunct && !s.isAny(j, "AS", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "MINUS", "WHERE", "JOIN", "INNER", "LEFT", "CROSS", "ON") {
			j++
			for j < len(s.t) && s.t[j].kind == tPunct && !s.isP(j, ',') && !s.isP(j, ')') && !s.isP(j, ';') && !s.isP(j, '(') {
				j++ // -1, 1.5 + 2
				if j < len(s.t) && s.t[j].kind != tPunct {
					j++
				}
			}
		} else {
			break
		}
		if !s.isP(j, ',') || s.isP(j+1, ')') {
			break
		}
		j++
	}
	if j <= i+1 {
		return 0, false
	}
	if s.depth0(i+1, j, func(x int) bool { return s.isAny(x, "SELECT", "WITH") }) >= 0 ||
		s.anyQueryIn(i+1, j) {
		return 0, false
	}
	// The alias: [AS] t [(a, b)].
	k := j
	if s.is(k, "AS") && s.isName(k+1) {
		k++
	}
	if k > j || s.aliasable(k) && !s.isAny(k, "ORDER", "LIMIT", "EXCEPT") {
		if s.isName(k) {
			k++
			if s.isP(k, '(') {
				k = s.closeOf(k) + 1
			}
		} else {
			k = j
		}
	}
	if fromPos || s.isP(i-1, '(') && s.isAny(i-2, "FROM", "JOIN") {
		s.replaceTok(i, k-1, "(SELECT 1) AS v_")
	} else {
		s.replaceTok(i, k-1, "SELECT 1")
	}
	return k, true
}

// anyQueryIn reports a SELECT anywhere in tokens [i, j).
func (s *stmt) anyQueryIn(i, j int) bool {
	for x := i; x < j && x < len(s.t); x++ {
		if s.isAny(x, "SELECT", "WITH") {
			return true
		}
	}
	return false
}

// limitExpr rewrites LIMIT ALL (blanked) and LIMIT with an expression
// (LIMIT CAST(1 AS INT), LIMIT 2 + 1) to LIMIT 1: TiDB takes a number or
// a placeholder only. It returns the index after the clause, or 0.
func (s *stmt) limitExpr(i int) int {
	if s.is(i+1, "ALL") {
		s.blankTok(i, i+1)
		return i + 2
	}
	j := i + 1
	if j < len(s.t) && (s.t[j].kind == tNumber || s.t[j].kind == tVar) {
		if j+1 >= len(s.t) || s.isP(j+1, ',') || s.isP(j+1, ')') || s.isP(j+1, ';') || s.t[j+1].kind == tWord {
			return 0
		}
	}
	end := s.clauseEnd(j)
	for x := j; x < end; x++ {
		if s.is(x, "OFFSET") {
			end = x
			break
		}
	}
	if end <= j || s.anyQueryIn(j, end) {
		return 0
	}
	s.replaceTok(j, end-1, "1")
	return end
}

// typedLiteralWords are the types that prefix a string literal in Spark
// and Trino (timestamp_ntz'...', DECIMAL '1.2', REAL '1.5') and that TiDB
// does not take there; the word is blanked and the string stays.
var typedLiteralWords = wordSet(`TIMESTAMP_NTZ TIMESTAMP_LTZ DECIMAL NUMERIC REAL DOUBLE BIGINT INTEGER INT
	SMALLINT TINYINT JSON IPADDRESS UUID VARCHAR CHAR BOOLEAN VARBINARY TIME_NTZ BINARY FLOAT`)

// typedLiteral blanks the type word of a typed string literal at i.
func (s *stmt) typedLiteral(i int) bool {
	if i+1 >= len(s.t) || s.t[i+1].kind != tString || s.isAny(i-1, "AS", "RETURNS") || s.isP(i-1, ':') {
		return false
	}
	w := s.str(i)
	if len(w) > 16 {
		return false
	}
	var buf [16]byte
	if !typedLiteralWords[string(upper(w, buf[:0]))] {
		return false
	}
	s.blankTok(i, i)
	return true
}

// starArgs replaces [t.]* arguments of a call other than COUNT(*) with a
// value (hash(*), count(DISTINCT *), struct(st.*), concat(t.*)); a COUNT
// of several arguments without DISTINCT gets one (TiDB's COUNT takes
// several only after DISTINCT).
func (s *stmt) starArgs(i, open int) {
	cl := s.closeOf(open)
	isCount := s.is(i, "COUNT")
	if isCount && s.isP(open+1, '*') && cl == open+2 {
		return
	}
	args := 1
	for j := open + 1; j < cl; j++ {
		if s.isP(j, '(') || s.isP(j, '[') {
			j = s.closeOf(j)
			continue
		}
		if s.isP(j, ',') {
			args++
			continue
		}
		if !s.isP(j, '*') || !(s.isP(j+1, ',') || j+1 == cl) {
			continue
		}
		start := j
		for start-2 > open && s.isP(start-1, '.') && s.isName(start-2) {
			start -= 2
		}
		if s.isP(start-1, ',') || start-1 == open || s.is(start-1, "DISTINCT") {
			s.replaceTok(start, j, "1")
		}
	}
	if isCount && args > 1 && !s.is(open+1, "DISTINCT") && !s.is(open+1, "ALL") {
		s.addEdit(s.t[open+1].start, s.t[open+1].start, "DISTINCT ")
	}
}

// lateralAlias gives an alias to LATERAL (subquery) that has none (TiDB
// requires one); close is the subquery's closing bracket.
func (s *stmt) lateralAlias(open, close int) {
	if !s.is(open-1, "LATERAL") {
		return
	}
	k := close + 1
	if s.is(k, "AS") || s.aliasable(k) && !s.isAny(k, "LIMIT", "ORDER", "EXCEPT") {
		return
	}
	s.addEdit(s.t[close].end, s.t[close].end, " AS lateral_")
}

// joinParenAlias blanks the alias of a bracketed join (FROM (a JOIN b ON
// ...) j): TiDB takes an alias only on a subquery. close is the bracket's
// closing token; it returns the index after the alias, or close+1.
func (s *stmt) joinParenAlias(open, close int) int {
	if s.isAny(open+1, "SELECT", "WITH", "VALUES", "FROM", "SEL") || s.depth0(open+1, close, func(x int) bool { return s.is(x, "JOIN") || s.isP(x, ',') && !s.isQueryAt(open+1) }) < 0 {
		return close + 1
	}
	k := close + 1
	if s.is(k, "AS") && s.isName(k+1) {
		s.blankTok(k, k+1)
		k += 2
	} else if s.aliasable(k) && !s.isAny(k, "LIMIT", "ORDER", "EXCEPT") && !s.isP(k+1, '.') {
		s.blankTok(k, k)
		k++
	} else {
		return close + 1
	}
	if s.isP(k, '(') {
		cl := s.closeOf(k)
		s.blankTok(k, cl)
		k = cl + 1
	}
	return k
}

// joinParen reports whether the bracket at i opens a bracketed join: it
// follows FROM, JOIN or a FROM list's comma, possibly after other such
// brackets (FROM ((a JOIN b ON ...) JOIN c ON ...)).
func (s *stmt) joinParen(i int) bool {
	j := i
	for s.isP(j-1, '(') {
		j--
	}
	return s.isSourceParen(j) && !s.isAny(j-1, "LATERAL", "USING")
}

// rowAliases blanks the field names of a bracketed struct in a select list
// (Spark: SELECT (a AS x, b AS y)): TiDB's row has none.
func (s *stmt) rowAliases(open int) {
	if s.isQueryAt(open + 1) {
		return
	}
	cl := s.closeOf(open)
	for j := open + 1; j < cl; j++ {
		if s.isP(j, '(') || s.isP(j, '[') {
			j = s.closeOf(j)
			continue
		}
		if s.is(j, "AS") && s.isName(j+1) && (s.isP(j+2, ',') || j+2 == cl) {
			s.blankTok(j, j+1)
		}
	}
}

// selectWithoutFrom reports whether the clause keyword at i ends a SELECT
// list with no FROM (Trino: SELECT min(10) GROUP BY 1 HAVING ...): TiDB
// takes WHERE, GROUP BY and HAVING only after FROM.
func (s *stmt) selectWithoutFrom(i int) bool {
	if s.isAny(0, "FROM", "INSERT") || s.depth0(0, len(s.t), func(j int) bool { return s.is(j, "FROM") }) >= 0 {
		return false // Hive's FROM t INSERT ... SELECT ... WHERE
	}
	for j := i - 1; j >= 0; j-- {
		switch {
		case s.isP(j, ')') && s.match[j] >= 0:
			j = int(s.match[j])
		case s.isP(j, '('):
			return false
		case s.isAny(j, "FROM", "WHERE", "GROUP", "HAVING", "UPDATE", "DELETE", "INTO", "SET", "ON", "JOIN"):
			return false
		case s.is(j, "SELECT"):
			return true
		}
	}
	return false
}
