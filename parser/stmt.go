package parser

import (
	"strings"
)

// A unit is one text handed to TiDB: pieces of the statement (with the
// edits applied) and literal glue, in any order.
type unit struct {
	pieces []piece
	target *selTarget // for UPDATE/DELETE rewritten as SELECT: the written table
}

type piece struct {
	from, to int // text offsets; used when lit == ""
	lit      string
	at       int // where a literal maps to
}

// selTarget is the written table of an UPDATE or DELETE that was rewritten
// as a SELECT over its FROM/USING sources.
type selTarget struct {
	name   tname
	alias  string // the target's alias, or its bare name, as FROM may bind it
	byName bool   // T-SQL: a FROM entry with the target's name is the target itself
}

func span(s *stmt, i, j int) piece { // tokens i..j-1
	if i >= j || i >= len(s.t) {
		return piece{from: 0, to: 0}
	}
	if j > len(s.t) {
		j = len(s.t)
	}
	return piece{from: s.t[i].start, to: s.t[j-1].end}
}

func (s *stmt) lit(str string, at int) piece {
	off := 0
	if at < len(s.t) {
		off = s.t[at].start
	} else if len(s.t) > 0 {
		off = s.t[len(s.t)-1].end
	}
	return piece{lit: str, at: off}
}

func (s *stmt) addUnit(target *selTarget, pieces ...piece) {
	s.units = append(s.units, unit{pieces: pieces, target: target})
}

// depth0 returns the first token in [i, end) at bracket depth 0 (relative
// to i) for which match is true, or -1.
func (s *stmt) depth0(i, end int, match func(int) bool) int {
	for ; i < end && i < len(s.t); i++ {
		if tk := s.t[i]; tk.kind == tPunct && tk.end-tk.start == 1 && (s.text[tk.start] == '(' || s.text[tk.start] == '[') {
			i = s.closeOf(i)
			continue
		}
		if match(i) {
			return i
		}
	}
	return -1
}

// withEnd returns the index after a WITH clause starting at i, recording
// the CTE names.
func (s *stmt) withEnd(i int) int {
	j := i + 1
	if s.is(j, "RECURSIVE") {
		j++
	}
	for j < len(s.t) {
		if !s.isName(j) {
			return j
		}
		name := strings.ToLower(s.str(j))
		if s.t[j].kind == tQuoted {
			name = strings.ToLower(unquote(s.str(j)))
		}
		if s.ctes == nil {
			s.ctes = map[string]bool{}
		}
		s.ctes[name] = true
		j++
		if s.isP(j, '(') {
			j = s.closeOf(j) + 1
		}
		if !s.is(j, "AS") {
			return j
		}
		j++
		if s.is(j, "NOT") {
			j++
		}
		if s.is(j, "MATERIALIZED") {
			s.blankTok(j-1, j)
			j++
		}
		if !s.isP(j, '(') {
			return j
		}
		j = s.closeOf(j) + 1
		if !s.isP(j, ',') {
			return j
		}
		j++
	}
	return j
}

// isQueryAt reports whether a query starts at token i: SELECT, WITH, or
// brackets around one.
func (s *stmt) isQueryAt(i int) bool {
	for s.isP(i, '(') {
		i++
	}
	return s.isAny(i, "SELECT", "WITH", "SEL") || s.is(i, "VALUES") || s.is(i, "FROM") && s.d.name != "mysql"
}

// plan classifies the statement and prepares its units and side lineage.
func (s *stmt) plan() {
	if len(s.t) == 0 {
		return
	}
	first := s.str(0)
	var buf [16]byte
	if s.t[0].kind == tWord {
		first = internUpper(first, buf[:0])
	}
	s.kind = lowerKind(first)
	if s.hiveCLI() {
		if s.isP(0, '!') {
			s.kind = "shell"
		}
		return
	}
	switch first {
	case "WITH":
		w := s.withEnd(0)
		switch internUpper(s.str(w), buf[:0]) {
		case "INSERT", "REPLACE":
			s.insert(w, 0)
		case "UPDATE":
			s.update(w, 0)
		case "DELETE":
			s.delete(w, 0)
		case "MERGE":
			s.merge(w, 0)
		case "FROM":
			s.multiInsert(w, 0)
		default:
			s.query(0, w)
		}
	case "SELECT", "(", "VALUES", "TABLE":
		s.query(0, 0)
	case "SEL":
		s.replaceTok(0, 0, "SELECT")
		s.query(0, 0)
	case "FROM":
		s.multiInsert(0, -1)
	case "INSERT", "REPLACE", "UPSERT":
		s.insert(0, -1)
	case "UPDATE":
		s.update(0, -1)
	case "DELETE":
		s.delete(0, -1)
	case "MERGE":
		s.merge(0, -1)
	case "CREATE":
		s.create()
	case "CACHE":
		s.cache()
	case "ALTER":
		s.alter()
	case "RENAME":
		s.kind = "rename"
		for i := 1; i < len(s.t); {
			if s.isAny(i, "TABLE", "VIEW") {
				i++
				continue
			}
			from, j := s.tableAt(i)
			if from.s == "" || !s.is(j, "TO") {
				break
			}
			to, k := s.tableAt(j + 1)
			s.renames = append(s.renames, [2]tname{from, to})
			i = k
			if s.isP(i, ',') {
				i++
			}
		}
	case "DROP":
		s.kind = "drop"
		i := 1
		for s.isAny(i, "TEMPORARY", "TEMP", "EXTERNAL", "MATERIALIZED", "GLOBAL", "LOCAL") {
			i++
		}
		if !s.isAny(i, "TABLE", "VIEW") {
			return
		}
		i++
		if s.is(i, "IF") && s.is(i+1, "EXISTS") {
			i += 2
		}
		for {
			n, j := s.tableAt(i)
			if n.s == "" {
				break
			}
			s.drops = append(s.drops, n)
			if !s.isP(j, ',') {
				break
			}
			i = j + 1
		}
	case "USE":
		i := 1
		if s.isAny(i, "WAREHOUSE", "ROLE", "SECONDARY") {
			return
		}
		if s.isAny(i, "DATABASE", "SCHEMA", "CATALOG") {
			i++
		}
		if n, _ := s.tableAt(i); n.s != "" && !n.path {
			s.use = n.s
		}
	case "COPY":
		s.copyStmt()
	case "UNLOAD":
		s.unload()
	case "LOAD":
		s.kind = "load"
		path := s.depth0(1, len(s.t), func(i int) bool { return s.t[i].kind == tString })
		tbl := s.depth0(1, len(s.t), func(i int) bool { return s.is(i, "TABLE") })
		if tbl > 0 {
			if n, _ := s.tableAt(tbl + 1); n.s != "" {
				s.writes = append(s.writes, n)
			}
		}
		if path > 0 {
			s.reads = append(s.reads, tname{s: s.strValue(path), path: true})
		}
	case "DESC", "DESCRIBE":
		s.kind = "describe"
	case "SET", "RESET", "ADD", "LIST", "SHOW", "EXPLAIN", "DECLARE", "PRINT", "GO", "BEGIN", "COMMIT",
		"ROLLBACK", "START", "END", "GRANT", "REVOKE", "COMMENT", "VACUUM", "OPTIMIZE", "CALL", "EXEC", "EXECUTE",
		"ATTACH", "DETACH", "PRAGMA", "UNCACHE", "CLEAR", "INVALIDATE", "COMPUTE", "LOCK", "UNLOCK", "KILL",
		"IF", "ELSE", "ELSEIF", "RETURN", "FETCH", "OPEN", "CLOSE", "DEALLOCATE", "PREPARE", "TRUNCATE", "ANALYZE",
		"REFRESH", "MSCK", "SAVEPOINT", "RELEASE", "LOOP", "WHILE", "FOR", "LEAVE", "ITERATE", "RAISE", "EXPORT",
		"IMPORT", "UNSET", "REPAIR", "CHECKPOINT", "DISCARD", "NOTIFY", "LISTEN", "REINDEX", "CLUSTER", "SYNC",
		"FLUSH", "PURGE", "RESTORE", "BACKUP", "UNDROP", "GET", "PUT", "REMOVE", "RM", "LS", "SUMMARIZE", "WAITFOR",
		"THROW", "TRY", "CATCH", "LANGUAGE", "DO", "PERFORM", "ELSIF", "EXCEPTION", "DELIMITER":
		// Session, control and maintenance statements: understood, no lineage.
	default:
		s.kind = "unknown"
		s.addUnit(nil, span(s, 0, len(s.t)))
	}
}

// query handles SELECT (and WITH ... SELECT): body is where the query
// after any WITH clause starts. SELECT ... INTO t creates t in T-SQL and
// Postgres.
func (s *stmt) query(from, body int) {
	s.kind = "select"
	// SELECT ... INTO @a, @b: variables, which TiDB does not take.
	if into := s.depth0(body, len(s.t), func(i int) bool { return s.is(i, "INTO") && i+1 < len(s.t) && s.t[i+1].kind == tVar }); into > 0 {
		j := into + 1
		for j+2 < len(s.t) && s.isP(j+1, ',') && s.t[j+2].kind == tVar {
			j += 2
		}
		s.blankTok(into, j)
	}
	if s.d.selectInto || s.d.name == "" {
		b := body
		for s.isP(b, '(') {
			b++
		}
		if s.isAny(b, "SELECT", "SEL") {
			into := s.depth0(b+1, len(s.t), func(i int) bool {
				return s.isAny(i, "INTO", "FROM", "UNION", "WHERE")
			})
			if into > 0 && s.is(into, "INTO") && !s.isAny(into+1, "OUTFILE", "DUMPFILE") && s.isName(into+1) {
				if s.isAny(into+1, "TEMP", "TEMPORARY", "UNLOGGED") {
					s.temp = true
					s.blankTok(into+1, into+1)
					into++
				}
				if s.is(into+1, "TABLE") {
					s.blankTok(into+1, into+1)
					into++
				}
				n, next := s.tableAt(into + 1)
				if n.s != "" {
					s.kind = "create_table"
					s.writes = append(s.writes, n)
					if n.isTemp() {
						s.temp = true
					}
					s.blankTok(into-boolInt(s.is(into-1, "TABLE")), next-1)
				}
			}
		}
	}
	s.addUnit(nil, span(s, from, len(s.t)))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertHeader reads INSERT [INTO|OVERWRITE] [TABLE] t [PARTITION (...)]
// [IF NOT EXISTS] [(cols)] at i, queues the rewrite of the header to
// INSERT INTO t [(cols)], and returns the target, the index after the name
// (and column list), and whether the target is a directory.
func (s *stmt) insertHeader(i int) (target tname, nameAt, headEnd int) {
	j := i + 1
	if s.is(i, "UPSERT") {
		s.replaceTok(i, i, "INSERT")
	}
	for s.isAny(j, "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY") {
		j++
	}
	switch {
	case s.is(j, "INTO"):
		j++
	case s.is(j, "OVERWRITE"):
		if s.is(j+1, "LOCAL") && s.is(j+2, "DIRECTORY") || s.is(j+1, "DIRECTORY") {
			k := j + 1
			if s.is(k, "LOCAL") {
				k++
			}
			if k+1 < len(s.t) && s.t[k+1].kind == tString {
				target = tname{s: s.strValue(k + 1), path: true}
			}
			return target, -1, k + 2
		}
		s.replaceTok(j, j, "INTO")
		j++
	}
	if s.is(j, "TABLE") {
		s.blankTok(j, j)
		j++
	}
	target, k := s.tableAt(j)
	nameAt = j
	for {
		switch {
		case s.is(k, "PARTITION") && s.isP(k+1, '('):
			cl := s.closeOf(k + 1)
			s.blankTok(k, cl)
			k = cl + 1
			continue
		case s.is(k, "IF") && s.is(k+1, "NOT") && s.is(k+2, "EXISTS"):
			s.blankTok(k, k+2)
			k += 3
			continue
		case s.is(k, "BY") && s.is(k+1, "NAME"):
			s.blankTok(k, k+1)
			k += 2
			continue
		case s.is(k, "REPLACE") && (s.is(k+1, "WHERE") || s.is(k+1, "USING")): // Databricks REPLACE WHERE cond
			q := s.depth0(k+2, len(s.t), func(x int) bool { return s.isQueryAt(x) && !s.isP(x, '(') })
			if q < 0 {
				break
			}
			s.blankTok(k, q-1)
			k = q
			continue
		case s.is(k, "AS") && s.aliasable(k+1) && !s.isQueryAt(k+1): // Postgres: INSERT INTO t AS alias
			s.blankTok(k, k+1)
			k += 2
			continue
		}
		break
	}
	if s.isP(k, '(') && !s.isQueryAt(k) {
		k = s.closeOf(k) + 1
	}
	return target, nameAt, k
}

// insert handles INSERT/REPLACE at i; with is the index of a leading WITH
// clause or -1.
func (s *stmt) insert(i, with int) {
	s.kind = "insert"
	if s.is(i, "REPLACE") {
		s.kind = "replace"
	}
	target, nameAt, k := s.insertHeader(i)
	if target.s != "" {
		s.fbWrites = append(s.fbWrites, target)
		s.fbTarget = nameAt
	}
	// Postgres ON CONFLICT and RETURNING clauses carry no lineage we need.
	end := len(s.t)
	if c := s.depth0(k, len(s.t), func(j int) bool {
		return s.is(j, "ON") && s.is(j+1, "CONFLICT") || s.is(j, "RETURNING")
	}); c > 0 {
		s.blankTok(c, len(s.t)-1)
		end = c
	}
	if nameAt < 0 { // INSERT OVERWRITE DIRECTORY 'path' [ROW FORMAT ...] query
		if target.s != "" {
			s.writes = append(s.writes, target)
		}
		q := k
		for q < len(s.t) && !s.isQueryAt(q) {
			q++
		}
		if with >= 0 {
			s.addUnit(nil, span(s, with, i), span(s, q, end))
		} else {
			s.addUnit(nil, span(s, q, end))
		}
		return
	}
	if with >= 0 && s.is(k, "VALUES") {
		s.addUnit(nil, span(s, i, end)) // WITH ... INSERT INTO t VALUES: the CTEs are not read
		return
	}
	if with >= 0 {
		// WITH ... INSERT INTO t SELECT: TiDB wants INSERT INTO t WITH ... SELECT.
		s.addUnit(nil, span(s, i, k), s.lit(" ", k), span(s, with, i), s.lit(" ", k), span(s, k, end))
		return
	}
	s.addUnit(nil, span(s, 0, end))
}

// multiInsert handles Hive's FROM src INSERT ... SELECT ... [INSERT ...
// SELECT ...]: each INSERT becomes INSERT INTO t SELECT ... FROM src ....
func (s *stmt) multiInsert(from, with int) {
	s.kind = "insert"
	ins := s.depth0(from+1, len(s.t), func(j int) bool { return s.is(j, "INSERT") || s.isSelectWord(j) })
	if ins < 0 {
		s.addUnit(nil, span(s, 0, len(s.t)))
		return
	}
	src := span(s, from, ins)
	for ins >= 0 && ins < len(s.t) {
		next := s.depth0(ins+1, len(s.t), func(j int) bool { return s.is(j, "INSERT") })
		end := next
		if end < 0 {
			end = len(s.t)
		}
		var head []piece
		q := ins
		if s.is(ins, "INSERT") {
			target, nameAt, k := s.insertHeader(ins)
			if target.s != "" {
				s.fbWrites = append(s.fbWrites, target)
			}
			if nameAt < 0 {
				if target.s != "" {
					s.writes = append(s.writes, target)
				}
			} else {
				head = append(head, span(s, ins, k), s.lit(" ", k))
			}
			q = k
			for q < end && !s.isSelectWord(q) {
				q++
			}
		}
		if with >= 0 {
			head = append(head, span(s, with, from), s.lit(" ", q))
		}
		// SELECT list, then the shared FROM, then the rest of this body.
		rest := s.depth0(q+1, end, func(j int) bool {
			return s.isAny(j, "WHERE", "GROUP", "HAVING", "ORDER", "SORT", "DISTRIBUTE", "CLUSTER", "LIMIT", "WINDOW", "UNION", "LATERAL")
		})
		if rest < 0 {
			rest = end
		}
		pieces := append(head, span(s, q, rest), s.lit(" ", rest), src, s.lit(" ", rest), span(s, rest, end))
		s.addUnit(nil, pieces...)
		ins = next
	}
}

// update handles UPDATE at i. Postgres/Snowflake/T-SQL UPDATE ... SET ...
// FROM ... becomes SELECT <assignments> FROM ... WHERE ... with the target
// on the side; MySQL's forms go to TiDB as they are.
func (s *stmt) update(i, with int) {
	s.kind = "update"
	j := i + 1
	for s.isAny(j, "ONLY", "LOW_PRIORITY", "IGNORE") {
		j++
	}
	target, k, alias, ok := s.dmlTarget(j, "SET")
	if !ok {
		return
	}
	set := s.depth0(k, len(s.t), func(x int) bool { return s.is(x, "SET") })
	end := len(s.t)
	if r := s.depth0(k, len(s.t), func(x int) bool { return s.isAny(x, "RETURNING", "OUTPUT", "OPTION") }); r > 0 {
		s.blankTok(r, len(s.t)-1)
		end = r
	}
	from := -1
	if set > 0 {
		from = s.depth0(set+1, end, func(x int) bool { return s.is(x, "FROM") })
	}
	if set < 0 || from < 0 {
		s.addUnit(nil, span(s, 0, end))
		return
	}
	t := &selTarget{name: target, alias: alias, byName: s.d.brackets}
	if alias == "" && !target.qualified() {
		t.alias = target.s
	}
	var ps []piece
	if with >= 0 {
		ps = append(ps, span(s, with, i))
	}
	ps = append(ps, s.lit(" SELECT ", set+1), span(s, set+1, from), s.lit(" ", from), span(s, from, end))
	s.addUnit(t, ps...)
}

// dmlTarget reads the target table of an UPDATE or DELETE at j, and its
// alias; notAlias is a keyword that may follow the target and is no alias
// ("SET" for UPDATE). It records the target for the fallback. Without a
// table name there, it hands the whole statement to the fallback and ok is
// false.
func (s *stmt) dmlTarget(j int, notAlias string) (target tname, k int, alias string, ok bool) {
	target, k = s.tableAt(j)
	if target.s == "" {
		s.addUnit(nil, span(s, 0, len(s.t)))
		return target, k, "", false
	}
	s.fbWrites = append(s.fbWrites, target)
	s.fbTarget = j
	if s.is(k, "AS") {
		k++
	}
	if s.aliasable(k) && (notAlias == "" || !s.is(k, notAlias)) {
		alias = strings.ToLower(unquote(s.str(k)))
		k++
	}
	return target, k, alias, true
}

// delete handles DELETE at i.
func (s *stmt) delete(i, with int) {
	s.kind = "delete"
	j := i + 1
	for s.isAny(j, "LOW_PRIORITY", "QUICK", "IGNORE") {
		j++
	}
	hasFrom := s.is(j, "FROM")
	if hasFrom {
		j++
		if s.is(j, "TABLE") && s.isName(j+1) {
			s.blankTok(j, j)
			j++
		}
	}
	if s.is(j, "ONLY") {
		s.blankTok(j, j)
		j++
	}
	target, k, alias, ok := s.dmlTarget(j, "")
	if !ok {
		return
	}
	end := len(s.t)
	if r := s.depth0(k, len(s.t), func(x int) bool { return s.isAny(x, "RETURNING", "OUTPUT") }); r > 0 {
		s.blankTok(r, len(s.t)-1)
		end = r
	}
	if hasFrom && s.is(k, "USING") && s.d.name != "mysql" {
		// Postgres: DELETE FROM t USING a, b WHERE ...
		t := &selTarget{name: target, alias: alias}
		var ps []piece
		if with >= 0 {
			ps = append(ps, span(s, with, i))
		}
		ps = append(ps, s.lit(" SELECT 1 FROM ", k), span(s, k+1, end))
		s.addUnit(t, ps...)
		return
	}
	if !hasFrom && !s.is(k, "FROM") && !s.isP(k, ',') {
		// T-SQL: DELETE t WHERE ...
		s.addEdit(s.t[j].start, s.t[j].start, "FROM ")
	}
	s.addUnit(nil, span(s, 0, end))
}

// merge handles MERGE [INTO] t [[AS] a] USING src ON cond WHEN ...: TiDB
// has no MERGE, so the target is taken here and the source, condition and
// any subqueries of the WHEN clauses are parsed as SELECTs.
func (s *stmt) merge(i, with int) {
	s.kind = "merge"
	j := i + 1
	if s.is(j, "INTO") {
		j++
	}
	target, k := s.tableAt(j)
	if target.s == "" {
		s.addUnit(nil, span(s, 0, len(s.t)))
		return
	}
	s.writes = append(s.writes, target)
	s.fbTarget = j
	using := s.depth0(k, len(s.t), func(x int) bool { return s.is(x, "USING") })
	if using < 0 {
		return
	}
	on := s.depth0(using+1, len(s.t), func(x int) bool { return s.is(x, "ON") })
	if on < 0 {
		on = len(s.t)
	}
	when := s.depth0(on+1, len(s.t), func(x int) bool { return s.is(x, "WHEN") })
	if when < 0 {
		when = len(s.t)
	}
	var ps []piece
	if with >= 0 {
		ps = append(ps, span(s, with, i))
	}
	ps = append(ps, s.lit(" SELECT 1 FROM ", using+1), span(s, using+1, on))
	if on+1 < when {
		ps = append(ps, s.lit(" WHERE ", on+1), span(s, on+1, when))
	}
	s.addUnit(nil, ps...)
	for x := when; x < len(s.t); x++ {
		if s.isP(x, '(') && s.isQueryAt(x+1) {
			cl := s.closeOf(x)
			var qs []piece
			if with >= 0 {
				qs = append(qs, span(s, with, i))
			}
			qs = append(qs, s.lit(" SELECT 1 FROM ", x), span(s, x, cl+1), s.lit(" AS _q", cl))
			s.addUnit(nil, qs...)
			x = cl
		}
	}
}

var createModifiers = map[string]bool{
	"GLOBAL": true, "LOCAL": true, "TEMP": true, "TEMPORARY": true, "VOLATILE": true, "TRANSIENT": true,
	"EXTERNAL": true, "MATERIALIZED": true, "SECURE": true, "RECURSIVE": true, "MULTISET": true, "UNLOGGED": true,
	"PRIVATE": true, "DYNAMIC": true, "ICEBERG": true, "HYBRID": true, "LIVE": true, "STREAMING": true,
	"FORCE": true, "NOFORCE": true, "EDITIONABLE": true, "NONEDITIONABLE": true, "SHARDED": true, "DUPLICATED": true,
	"SET": true, "UNIQUE": true, "OR": true, "REPLACE": true, "ALTER": true, "IMMUTABLE": true,
}

// create handles CREATE statements.
func (s *stmt) create() {
	j := 1
	temp := false
	for j < len(s.t) && s.t[j].kind == tWord && createModifiers[strings.ToUpper(s.str(j))] {
		if s.isAny(j, "TEMP", "TEMPORARY", "VOLATILE") {
			temp = true
		}
		j++
	}
	for s.isAny(j, "DEFINER", "ALGORITHM") && s.isP(j+1, '=') { // MySQL view options
		j += 3
		if s.isP(j, '@') || j < len(s.t) && s.t[j].kind == tVar {
			j++
		}
	}
	if s.is(j, "SQL") && s.is(j+1, "SECURITY") {
		j += 3
	}
	switch {
	case s.is(j, "TABLE"):
		s.kind = "create_table"
	case s.is(j, "VIEW"):
		s.kind = "create_view"
	default:
		if j < len(s.t) {
			s.kind = "create_" + strings.ToLower(s.str(j))
		}
		return
	}
	isView := s.is(j, "VIEW")
	j++
	if s.is(j, "IF") && s.is(j+1, "NOT") && s.is(j+2, "EXISTS") {
		j += 3
	}
	target, k := s.tableAt(j)
	if target.s == "" {
		s.addUnit(nil, span(s, 0, len(s.t)))
		return
	}
	s.writes = append(s.writes, target)
	s.fbTarget = j
	s.temp = temp || target.isTemp()
	if isView && temp {
		s.kind = "create_temp_view"
	}
	cols := -1
	if s.isP(k, '(') && !s.isQueryAt(k) {
		cols = k
		k = s.closeOf(k) + 1
	}
	// Table options until the query: USING, STORED AS, PARTITIONED BY,
	// CLUSTERED BY ... INTO n BUCKETS, TBLPROPERTIES, LOCATION, OPTIONS,
	// ROW FORMAT, COMMENT, WITH (...), DISTKEY, ... none carries lineage.
	q := -1
	for x := k; x < len(s.t); x++ {
		if s.is(x, "AS") && s.isQueryAt(x+1) || s.is(x, "AS") && s.isP(x+1, '(') {
			q = x + 1
			break
		}
		if s.isQueryAt(x) && !s.is(x, "WITH") || s.is(x, "WITH") && s.isName(x+1) && s.is(x+2, "AS") && s.isP(x+3, '(') {
			q = x
			break
		}
		if s.isAny(x, "LIKE", "CLONE") && !isView {
			src, _ := s.tableAt(x + 1)
			if src.s != "" {
				s.reads = append(s.reads, src)
			}
			return
		}
		if s.isP(x, '(') {
			x = s.closeOf(x)
		}
	}
	if q < 0 {
		if isView && s.depth0(k, len(s.t), func(x int) bool { return s.is(x, "USING") }) > 0 {
			return // Spark: CREATE TEMPORARY VIEW v (cols) USING parquet OPTIONS (...)
		}
		if isView {
			s.addUnit(nil, span(s, 0, len(s.t)))
			return
		}
		// A definition only: give TiDB the name and plain columns.
		ps := []piece{s.lit("CREATE TABLE ", j), span(s, j, s.endOfName(j)), s.lit(" (", k)}
		n := 0
		if cols >= 0 {
			for x := cols + 1; x < s.closeOf(cols); x++ {
				if (s.isP(x-1, '(') && x-1 == cols || s.isP(x-1, ',')) && s.isName(x) && !s.isAny(x, "PRIMARY", "CONSTRAINT", "UNIQUE", "FOREIGN", "KEY", "INDEX", "CHECK", "PERIOD", "LIKE", "FULLTEXT", "SPATIAL") {
					if n > 0 {
						ps = append(ps, s.lit(", ", x))
					}
					ps = append(ps, span(s, x, x+1), s.lit(" TEXT", x+1))
					n++
				}
				if s.isP(x, '(') || s.isP(x, '<') {
					x = s.skipType(x)
				}
			}
		}
		if n == 0 {
			ps = append(ps, s.lit("c TEXT", k))
		}
		ps = append(ps, s.lit(")", k))
		s.addUnit(nil, ps...)
		return
	}
	end := len(s.t)
	if w := s.depth0(q+1, len(s.t), func(x int) bool {
		return s.is(x, "WITH") && s.isAny(x+1, "DATA", "NO", "CHECK", "CASCADED", "LOCAL")
	}); w > 0 {
		s.blankTok(w, len(s.t)-1)
		end = w
	}
	s.addUnit(nil, span(s, q, end))
}

// endOfName returns the index after the dotted name at i.
func (s *stmt) endOfName(i int) int {
	_, next := s.nameAt(i, nil)
	return next
}

// skipType skips a bracket group of a column type: (..) or <...>.
func (s *stmt) skipType(x int) int {
	if s.isP(x, '(') {
		return s.closeOf(x)
	}
	depth := 0
	for ; x < len(s.t); x++ {
		if s.isP(x, '<') {
			depth++
		} else if s.isP(x, '>') {
			depth--
			if depth == 0 {
				return x
			}
		} else if s.str(x) == ">>" {
			depth -= 2
			if depth <= 0 {
				return x
			}
		}
	}
	return x
}

// cache handles Spark's CACHE [LAZY] TABLE t [OPTIONS (...)] [AS] query,
// which defines a temporary view.
func (s *stmt) cache() {
	s.kind = "cache"
	j := 1
	if s.is(j, "LAZY") {
		j++
	}
	if !s.is(j, "TABLE") {
		return
	}
	target, k := s.tableAt(j + 1)
	if target.s == "" {
		return
	}
	if s.is(k, "OPTIONS") && s.isP(k+1, '(') {
		k = s.closeOf(k+1) + 1
	}
	if s.is(k, "AS") {
		k++
	}
	if k >= len(s.t) {
		return
	}
	s.writes = append(s.writes, target)
	s.temp = true
	s.addUnit(nil, span(s, k, len(s.t)))
}

// alter handles ALTER TABLE: renames, and the partition and table swaps
// that move data; other ALTERs carry no lineage.
func (s *stmt) alter() {
	s.kind = "alter"
	if !s.isAny(1, "TABLE", "VIEW") {
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
	switch {
	case s.is(1, "VIEW") && s.is(k, "AS") && s.isQueryAt(k+1):
		s.kind = "create_view"
		s.writes = append(s.writes, target)
		s.addUnit(nil, span(s, k+1, len(s.t)))
	case s.is(k, "RENAME") && s.is(k+1, "TO"):
		to, _ := s.tableAt(k + 2)
		if to.s != "" {
			s.renames = append(s.renames, [2]tname{target, to})
		}
	case s.is(k, "SWAP") && s.is(k+1, "WITH"):
		other, _ := s.tableAt(k + 2)
		if other.s != "" {
			s.reads = append(s.reads, other)
			s.writes = append(s.writes, target)
		}
	default:
		if x := s.depth0(k, len(s.t), func(x int) bool { return s.is(x, "EXCHANGE") }); x > 0 {
			w := s.depth0(x, len(s.t), func(y int) bool { return s.is(y, "WITH") && s.is(y+1, "TABLE") })
			if w > 0 {
				other, _ := s.tableAt(w + 2)
				if other.s != "" {
					s.reads = append(s.reads, other)
					s.writes = append(s.writes, target)
				}
			}
		}
	}
}

// copyStmt handles COPY t FROM 'path', COPY INTO t FROM ..., COPY t TO ...
func (s *stmt) copyStmt() {
	s.kind = "copy"
	j := 1
	if s.is(j, "INTO") {
		j++
	}
	if s.isP(j, '(') { // COPY (query) TO 'path'
		cl := s.closeOf(j)
		s.addUnit(nil, span(s, j+1, cl))
		if s.is(cl+1, "TO") && cl+2 < len(s.t) && s.t[cl+2].kind == tString {
			s.writes = append(s.writes, tname{s: s.strValue(cl + 2), path: true})
		}
		return
	}
	target, k := s.tableAt(j)
	if target.s == "" {
		return
	}
	if s.isP(k, '(') {
		k = s.closeOf(k) + 1
	}
	switch {
	case s.is(k, "FROM"):
		s.writes = append(s.writes, target)
		if k+1 < len(s.t) && s.t[k+1].kind == tString {
			s.reads = append(s.reads, tname{s: s.strValue(k + 1), path: true})
		} else if s.isP(k+1, '(') {
			cl := s.closeOf(k + 1)
			s.addUnit(nil, span(s, k+2, cl))
		} else if src, _ := s.tableAt(k + 1); src.s != "" && !target.path {
			s.reads = append(s.reads, src)
		}
	case s.is(k, "TO"):
		s.reads = append(s.reads, target)
		if k+1 < len(s.t) && s.t[k+1].kind == tString {
			s.writes = append(s.writes, tname{s: s.strValue(k + 1), path: true})
		}
	}
}

// unload handles Redshift's UNLOAD ('query') TO 's3://...': the query is
// parsed from the string.
func (s *stmt) unload() {
	s.kind = "unload"
	if !s.isP(1, '(') || len(s.t) < 3 || s.t[2].kind != tString {
		return
	}
	cl := s.closeOf(1)
	if s.is(cl+1, "TO") && cl+2 < len(s.t) && s.t[cl+2].kind == tString {
		s.writes = append(s.writes, tname{s: s.strValue(cl + 2), path: true})
	}
	s.sub = s.strValue(2)
	s.subAt = s.t[2].start
}

// commonKind returns, for the upper-case first word of most statements,
// that word as a constant and its kind, so that plan allocates neither an
// upper- nor a lower-case copy of them.
func commonKind(up string) (word, kind string, ok bool) {
	switch up {
	case "WITH":
		return "WITH", "with", true
	case "SELECT":
		return "SELECT", "select", true
	case "VALUES":
		return "VALUES", "values", true
	case "TABLE":
		return "TABLE", "table", true
	case "FROM":
		return "FROM", "from", true
	case "INSERT":
		return "INSERT", "insert", true
	case "REPLACE":
		return "REPLACE", "replace", true
	case "UPSERT":
		return "UPSERT", "upsert", true
	case "UPDATE":
		return "UPDATE", "update", true
	case "DELETE":
		return "DELETE", "delete", true
	case "MERGE":
		return "MERGE", "merge", true
	case "CREATE":
		return "CREATE", "create", true
	case "CACHE":
		return "CACHE", "cache", true
	case "ALTER":
		return "ALTER", "alter", true
	case "RENAME":
		return "RENAME", "rename", true
	case "DROP":
		return "DROP", "drop", true
	case "USE":
		return "USE", "use", true
	case "SET":
		return "SET", "set", true
	case "TRUNCATE":
		return "TRUNCATE", "truncate", true
	case "GRANT":
		return "GRANT", "grant", true
	case "ANALYZE":
		return "ANALYZE", "analyze", true
	case "SHOW":
		return "SHOW", "show", true
	case "EXPLAIN":
		return "EXPLAIN", "explain", true
	case "DECLARE":
		return "DECLARE", "declare", true
	case "BEGIN":
		return "BEGIN", "begin", true
	case "COMMIT":
		return "COMMIT", "commit", true
	case "END":
		return "END", "end", true
	case "COPY":
		return "COPY", "copy", true
	case "UNLOAD":
		return "UNLOAD", "unload", true
	case "LOAD":
		return "LOAD", "load", true
	case "DESC":
		return "DESC", "desc", true
	case "DESCRIBE":
		return "DESCRIBE", "describe", true
	case "MSCK":
		return "MSCK", "msck", true
	case "OPTIMIZE":
		return "OPTIMIZE", "optimize", true
	case "VACUUM":
		return "VACUUM", "vacuum", true
	}
	return "", "", false
}

// internUpper returns strings.ToUpper(w), without allocating for
// commonKind's words (a word with other bytes than ASCII never matches
// one, so strings.ToUpper's Unicode rules still apply to it).
func internUpper(w string, buf []byte) string {
	if k, _, ok := commonKind(string(upper(w, buf))); ok {
		return k
	}
	return strings.ToUpper(w)
}

// lowerKind returns strings.ToLower(first), without allocating for
// commonKind's words.
func lowerKind(first string) string {
	if _, k, ok := commonKind(first); ok {
		return k
	}
	return strings.ToLower(first)
}
