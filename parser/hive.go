package parser

import (
	"slices"
	"strings"
)

// Hive, Spark and Trino syntax that TiDB lacks, at expression level. Each
// rewrite replaces or blanks token spans (see edits.go); none changes the
// tables a statement names.

// hiveCLI reports whether the statement is one of the Hive CLI's and
// Beeline's own commands, which a script runs between its SQL statements:
// dfs -ls ..., !shell, source file, erasure ..., crypto ..., reload,
// delete jar|file|archive ..., abort transactions ..., and workload
// management (enable|disable workload management, replace resource plan);
// they have no lineage.
func (s *stmt) hiveCLI() bool { return s.hiveCLIAt(0) }

// hiveCLIAt reports whether a Hive CLI command begins at token i.
func (s *stmt) hiveCLIAt(i int) bool {
	switch {
	case s.isP(i, '!'):
		return true
	case s.isAny(i, "DFS", "SOURCE", "ERASURE", "CRYPTO", "RELOAD", "ABORT", "KILLQUERY", "ENABLE", "DISABLE"):
		return true
	case s.is(i, "REPLACE") && s.isAny(i+1, "ACTIVE", "RESOURCE"): // REPLACE [ACTIVE] RESOURCE PLAN p WITH q
		return true
	case s.isAny(i, "DELETE", "ADD", "LIST") && s.isAny(i+1, "JAR", "JARS", "FILE", "FILES", "ARCHIVE", "ARCHIVES"):
		return true
	}
	return false
}

// cliEnd returns, for a Hive CLI command starting at token i, the index of
// the first token of the next line when the command's own line holds a
// semicolon that the lexer took into a comment (crypto create_key
// --keyName k;: "--keyName" began a comment, but the CLI ends the command
// at the ";"); otherwise -1, and the statement is split as usual.
func (s *stmt) cliEnd(i int) int {
	if !s.hiveCLIAt(i) {
		return -1
	}
	start := s.t[i].start
	eol := strings.IndexByte(s.text[start:], '\n')
	if eol < 0 {
		eol = len(s.text)
	} else {
		eol += start
	}
	if !strings.Contains(s.text[start:eol], ";") {
		return -1
	}
	for k := i + 1; k < len(s.t); k++ {
		if s.isP(k, ';') && s.t[k].start < eol {
			return -1 // a real semicolon on the line: split as usual
		}
		if s.t[k].start >= eol {
			return k
		}
	}
	return -1
}

// numericSuffixDialects have Hive's typed number literals (10L, 2S, 3Y,
// 1.5D, 1.0BD).
func (d *dialect) numericSuffixes() bool {
	switch d.name {
	case "", "hive", "spark", "databricks":
		return true
	}
	return false
}

// numberSuffix drops the type suffix of a number at token i: 11.22BD is
// lexed as 11.22 and BD (blanked), 10L as one word (replaced by 10).
func (s *stmt) numberSuffix(i int) {
	if !s.d.numericSuffixes() {
		return
	}
	tk := s.t[i]
	switch tk.kind {
	case tNumber:
		if s.adjacent(i) && s.isAny(i+1, "BD", "D", "L", "S", "Y", "F") {
			s.blankTok(i+1, i+1)
		}
	case tWord:
		w := s.text[tk.start:tk.end]
		d := 0
		for d < len(w) && w[d] >= '0' && w[d] <= '9' {
			d++
		}
		if d == 0 || d == len(w) {
			return
		}
		switch string(upper(w[d:], nil)) {
		case "BD", "D", "L", "S", "Y", "F":
			s.replaceTok(i, i, w[:d])
		}
	}
}

// spaceCallNames are the functions TiDB's grammar knows by name, which it
// takes as calls only with the bracket right after the name (MySQL without
// IGNORE_SPACE): cast (x AS int) and count (*) are calls in the dialects.
var spaceCallNames = wordSet(`COUNT SUM AVG MIN MAX CAST TRY_CAST EXTRACT POSITION SUBSTRING SUBSTR TRIM
	STD STDDEV STDDEV_POP STDDEV_SAMP VARIANCE VAR_POP VAR_SAMP BIT_AND BIT_OR BIT_XOR GROUP_CONCAT
	DATE_ADD DATE_SUB ADDDATE SUBDATE CURDATE NOW ROW_NUMBER RANK DENSE_RANK LEAD LAG FIRST_VALUE
	LAST_VALUE NTILE NTH_VALUE CUME_DIST PERCENT_RANK CURRENT_DATE CURRENT_TIMESTAMP`)

// spacedCall joins a known function's name to its bracket (cast (x) ->
// cast(x)) by blanking the space between them.
func (s *stmt) spacedCall(i int) {
	if s.adjacent(i) || !s.isP(i+1, '(') || s.isP(i-1, '.') {
		return
	}
	w := s.str(i)
	if len(w) > 20 {
		return
	}
	var buf [24]byte
	up := string(upper(w, buf[:0]))
	if spaceCallNames[up] {
		// Blanking keeps the space; the name and bracket are rewritten as
		// one (a blank would be replaced by spaces to keep positions).
		if up == "TRY_CAST" {
			up = "CAST"
		}
		s.replaceTok(i, i+1, up+"(")
	}
}

// quotedCall unquotes a quoted function name ("count"(*), "rank"() OVER
// (...), Trino): TiDB knows its own functions only by their bare names.
func (s *stmt) quotedCall(i int) {
	tk := s.t[i]
	w := unquote(s.text[tk.start:tk.end])
	if w == "" || !s.isP(i+1, '(') {
		return
	}
	for j := 0; j < len(w); j++ {
		c := w[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || j > 0 && c >= '0' && c <= '9') {
			return
		}
	}
	var buf [24]byte
	if len(w) > 20 || !spaceCallNames[string(upper(w, buf[:0]))] && neutralFuncs[string(upper(w, buf[:0]))] == 0 {
		return
	}
	s.replaceTok(i, i, w)
}

// intervalEnd returns the index after an interval literal whose INTERVAL
// is at i (INTERVAL '1' DAY, INTERVAL 2 YEARS 4 MONTHS, INTERVAL '2-2'
// YEAR TO MONTH, INTERVAL '1' YEAR '2' MONTH, INTERVAL (a + 1) DAY,
// INTERVAL '1 day'), or i+1 if none follows.
func (s *stmt) intervalEnd(i int) int {
	j := i + 1
	for parts := 0; ; parts++ {
		k := j
		if s.isP(k, '-') || s.isP(k, '+') {
			k++
		}
		switch {
		case k >= len(s.t):
			return j
		case s.t[k].kind == tString || s.t[k].kind == tNumber:
			k++
		case s.isP(k, '('):
			k = s.closeOf(k) + 1
		case s.isName(k) && !s.isP(k+1, '(') && !s.isP(k+1, '.'):
			if _, unit := intervalUnits[upperStr(s.str(k))]; unit {
				return j
			}
			k++
		default:
			return j
		}
		if _, ok := intervalUnits[upperStr(s.str(k))]; !ok {
			if parts == 0 && s.t[k-1].kind == tString {
				return k // INTERVAL '1 day'
			}
			return j
		}
		k++
		if s.is(k, "TO") {
			if _, ok := intervalUnits[upperStr(s.str(k+1))]; ok {
				k += 2
			}
		}
		j = k
	}
}

func upperStr(w string) string {
	if len(w) > 20 {
		return ""
	}
	var buf [24]byte
	return string(upper(w, buf[:0]))
}

// interval rewrites an interval literal at i that TiDB would not take:
// TiDB has INTERVAL only as an operand of + and - or an argument of
// DATE_ADD and its kin, and with one unit. Anywhere else (a value, a
// comparison, another function's argument) the literal becomes 0; where
// TiDB takes it, a YEAR TO MONTH range or several parts become one unit.
// It returns the index after the literal and whether it rewrote anything.
func (s *stmt) interval(i int, enclosing int) (int, bool) {
	end := s.intervalEnd(i)
	if end <= i+1 {
		return 0, false
	}
	dateArith := i > 0 && (s.isP(i-1, '+') || s.isP(i-1, '-')) && s.operand(i-2) && !(s.t[i-2].kind == tWord && beforeName[upperStr(s.str(i-2))])
	if !dateArith && s.isP(i-1, ',') && enclosing > 0 {
		dateArith = s.isAny(enclosing-1, "DATE_ADD", "DATE_SUB", "ADDDATE", "SUBDATE", "TIMESTAMPADD")
	}
	if !dateArith {
		s.replaceTok(i, end-1, "0")
		return end, true
	}
	j := i + 1
	if s.isP(j, '-') || s.isP(j, '+') {
		j++
	}
	if end-j == 2 {
		if rep := intervalUnits[upperStr(s.str(j+1))]; rep != "" {
			s.replaceTok(j+1, j+1, rep)
		}
		return end, true
	}
	// Several parts, a string without a unit, or a range: one day does for
	// lineage.
	s.replaceTok(j, end-1, "1 DAY")
	return end, true
}

// likeQuantified rewrites LIKE ALL|ANY|SOME (p1, p2) at i (the LIKE, or
// ILIKE, RLIKE) to LIKE p1: one pattern of the list.
func (s *stmt) likeQuantified(i int) {
	q := i + 1
	if !s.isAny(q, "ALL", "ANY", "SOME") || !s.isP(q+1, '(') {
		return
	}
	cl := s.closeOf(q + 1)
	if s.isQueryAt(q + 2) {
		return
	}
	if cl == q+2 { // LIKE ALL (): no pattern
		s.replaceTok(q, cl, "''")
		return
	}
	// Keep the first pattern: blank "ALL (" and the rest from its comma.
	s.blankTok(q, q+1)
	comma := s.depth0(q+2, cl, func(j int) bool { return s.isP(j, ',') })
	if comma > 0 {
		s.blankTok(comma, cl)
	} else {
		s.blankTok(cl, cl)
	}
}

// nestedCommentEnd returns the offset after the comment opening at i, where
// comments nest (Spark: /* a /* b */ c */), or -1 if it is not closed.
func nestedCommentEnd(text string, i int) int {
	depth := 0
	for i+1 < len(text) {
		switch {
		case text[i] == '/' && text[i+1] == '*':
			depth++
			i += 2
		case text[i] == '*' && text[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return -1
}

// nestedFromFirst reorders Hive's FROM-first subqueries inside a unit,
// (FROM t SELECT a WHERE ...) to (SELECT a FROM t WHERE ...), by cutting
// the unit's pieces (the top-level FROM t INSERT ... form is multiInsert's).
func (s *stmt) nestedFromFirst() {
	found := false
	for k := 1; k < len(s.t); k++ {
		if s.is(k, "FROM") && s.isP(k-1, '(') {
			found = true
			break
		}
	}
	if !found {
		return
	}
	for ui := range s.units {
		u := &s.units[ui]
		var out []piece
		changed := false
		for _, pc := range u.pieces {
			if pc.lit != "" || pc.to <= pc.from {
				out = append(out, pc)
				continue
			}
			i, _ := slices.BinarySearchFunc(s.t, pc.from, func(t token, off int) int { return t.start - off })
			j, _ := slices.BinarySearchFunc(s.t, pc.to, func(t token, off int) int { return t.start - off })
			if i >= j || s.t[i].start != pc.from || s.t[j-1].end != pc.to {
				out = append(out, pc) // not on token boundaries: leave it
				continue
			}
			n := len(out)
			out = s.reorderFrom(out, i, j)
			changed = changed || len(out) != n+1
		}
		if changed {
			u.pieces = out
		}
	}
}

// reorderFrom appends the pieces of tokens [i, j) with every (FROM t
// SELECT a rest) in it turned into (SELECT a FROM t rest).
func (s *stmt) reorderFrom(out []piece, i, j int) []piece {
	cur := i
	for k := i; k+1 < j; k++ {
		if !s.isP(k, '(') || !s.is(k+1, "FROM") {
			continue
		}
		cl := s.closeOf(k)
		if cl >= j {
			continue
		}
		sel := s.depth0(k+2, cl, func(x int) bool { return s.isSelectWord(x) })
		if sel < 0 {
			continue
		}
		rest := s.depth0(sel+1, cl, func(x int) bool {
			return s.isAny(x, "WHERE", "GROUP", "HAVING", "ORDER", "SORT", "DISTRIBUTE", "CLUSTER", "LIMIT", "WINDOW", "UNION")
		})
		if rest < 0 {
			rest = cl
		}
		out = append(out, span(s, cur, k+1))
		out = s.reorderFrom(out, sel, rest)
		out = append(out, s.lit(" ", sel))
		out = s.reorderFrom(out, k+1, sel)
		out = append(out, s.lit(" ", rest))
		out = s.reorderFrom(out, rest, cl)
		cur = cl
		k = cl - 1
	}
	if cur < j {
		out = append(out, span(s, cur, j))
	}
	return out
}

// isSelectWord reports whether token i begins a select list: SELECT, or
// Hive's MAP and REDUCE script forms (MAP a, b USING 'script' AS (x, y)),
// told from map(...) and MAP<K, V> by what follows.
func (s *stmt) isSelectWord(i int) bool {
	if s.is(i, "SELECT") {
		return true
	}
	if !s.isAny(i, "MAP", "REDUCE") || s.isP(i+1, '(') || s.isP(i+1, '<') || i+1 >= len(s.t) || s.isP(i-1, '.') {
		return false
	}
	u := s.depth0(i+1, len(s.t), func(j int) bool {
		return s.isAny(j, "USING", "FROM", "WHERE", "INSERT", "SELECT") || s.isP(j, ')') || s.isP(j, ';')
	})
	return u > 0 && s.is(u, "USING") && u+1 < len(s.t) && s.t[u+1].kind == tString
}

// mapReduce rewrites Hive's MAP|REDUCE cols USING 'script' [AS ...] at i
// to SELECT cols: the script's output columns carry no table. It returns
// the index after the select list.
func (s *stmt) mapReduce(i int) int {
	s.replaceTok(i, i, "SELECT")
	using := s.depth0(i+1, len(s.t), func(j int) bool { return s.is(j, "USING") })
	end := s.depth0(using+1, len(s.t), func(j int) bool {
		return s.isAny(j, "FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "INSERT", "CLUSTER", "DISTRIBUTE", "SORT") || s.isP(j, ')') || s.isP(j, ';')
	})
	if end < 0 {
		end = len(s.t)
	}
	s.blankTok(using, end-1)
	return i + 1
}

// windowRefs brackets a window defined as another (WINDOW w1 AS (...), w2
// AS w1): TiDB takes w2 AS (w1).
func (s *stmt) windowRefs(i int) {
	end := s.clauseEnd(i + 1)
	for j := i + 1; j+2 < end; j++ {
		if s.isP(j, '(') {
			j = s.closeOf(j)
			continue
		}
		if (j == i+1 || s.isP(j-1, ',')) && s.isName(j) && s.is(j+1, "AS") && s.isName(j+2) && (j+3 >= end || s.isP(j+3, ',')) {
			s.replaceTok(j+2, j+2, "("+s.str(j+2)+")")
		}
	}
}
