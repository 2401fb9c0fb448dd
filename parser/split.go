package parser

import "strings"

// split cuts a script's tokens into statements: at semicolons; after the
// BEGIN of a procedure or block, whose body statements are then split like
// any others; and, in T-SQL, wherever a new statement begins.
func (p *Parser) split(toks []token, d *dialect) [][2]int {
	out := p.spans[:0]
	defer func() { p.spans = out[:0] }()
	s := stmt{text: p.sc.text, t: toks, d: d}
	start := 0
	depth := 0
	header := false // the statement is a CREATE PROCEDURE/FUNCTION header
	emit := func(end int) {
		if end > start {
			out = append(out, [2]int{start, end})
		}
		start = end
		depth = 0
		header = false
	}
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if tk.kind == tPunct && tk.end-tk.start == 1 {
			switch p.sc.text[tk.start] {
			case ';':
				emit(i)
				start = i + 1
				continue
			case '(':
				depth++
			case ')':
				if depth > 0 {
					depth--
				}
			}
		}
		if tk.kind != tWord {
			continue
		}
		if isDollarQuote(p.sc.text[tk.start:tk.end]) {
			// $$ or $tag$ around a Postgres or Snowflake body: the body's
			// statements are split like any others.
			emit(i)
			start = i + 1
			continue
		}
		if i == start {
			if d.numericSuffixes() { // Hive and Spark scripts run by their CLIs
				if k := s.cliEnd(i); k > i {
					emit(k)
					i = k - 1
					continue
				}
			}
			header = s.is(i, "CREATE") && procHeader(&s, i)
			if s.is(i, "BEGIN") && !s.isAny(i+1, "TRANSACTION", "TRAN", "WORK", "DISTRIBUTED") && i+1 < len(toks) && !s.isP(i+1, ';') {
				emit(i + 1) // a block: BEGIN stmt; stmt; END
			}
			if s.is(i, "GO") {
				emit(i + 1)
				start = i + 1
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if header && (s.is(i, "BEGIN") || s.is(i, "AS") && d.brackets && isStatementWord(&s, i+1)) {
			emit(i + 1)
			continue
		}
		if d.noSemi && startsStatement(&s, start, i) {
			emit(i)
		}
	}
	emit(len(toks))
	return out
}

// isDollarQuote reports a dollar-quote delimiter: $$ or $tag$.
func isDollarQuote(w string) bool {
	if len(w) < 2 || w[0] != '$' || w[len(w)-1] != '$' {
		return false
	}
	for i := 1; i < len(w)-1; i++ {
		if !isWordByte(w[i]) || w[i] == '$' {
			return false
		}
	}
	return true
}

func procHeader(s *stmt, i int) bool {
	for j := i + 1; j < i+6 && j < len(s.t); j++ {
		if s.isAny(j, "PROCEDURE", "PROC", "FUNCTION", "TRIGGER") {
			return true
		}
		if s.isAny(j, "TABLE", "VIEW") {
			return false
		}
	}
	return false
}

var statementWords = map[string]bool{
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "CREATE": true, "DROP": true,
	"ALTER": true, "TRUNCATE": true, "DECLARE": true, "USE": true, "EXEC": true, "EXECUTE": true, "GO": true,
	"PRINT": true, "SET": true, "WITH": true, "BEGIN": true, "IF": true, "RETURN": true,
}

func isStatementWord(s *stmt, i int) bool {
	return i < len(s.t) && s.t[i].kind == tWord && statementWords[strings.ToUpper(s.str(i))]
}

// startsStatement decides, for dialects without mandatory semicolons,
// whether the keyword at i begins a new statement after the one at start.
func startsStatement(s *stmt, start, i int) bool {
	if !isStatementWord(s, i) || s.is(i, "WITH") || s.is(i, "IF") {
		return false
	}
	prev := i - 1
	if s.isAny(prev, "THEN", "FOR", "OF", "INSTEAD", "AFTER", "BEFORE", "ELSE", "AS", "UNION", "ALL", "EXCEPT", "INTERSECT", "DISTINCT") || s.isP(prev, '(') {
		return false
	}
	if s.is(prev, "ON") && s.isAny(i, "UPDATE", "DELETE") { // ON UPDATE CASCADE
		return false
	}
	first := strings.ToUpper(s.str(start))
	switch strings.ToUpper(s.str(i)) {
	case "SELECT":
		// INSERT INTO t [(cols)] SELECT and WITH ... SELECT continue.
		if first == "INSERT" || first == "WITH" {
			for j := start + 1; j < i; j++ {
				if s.isAny(j, "SELECT", "VALUES") {
					return true
				}
			}
			return false
		}
		if first == "CREATE" || first == "DECLARE" {
			return first == "DECLARE"
		}
		return true
	case "SET":
		if first == "UPDATE" || first == "MERGE" || first == "ALTER" || first == "INSERT" {
			return false
		}
		for j := start; j < i; j++ {
			if s.is(j, "UPDATE") {
				return false
			}
		}
		return true
	case "DROP", "ALTER", "CREATE":
		return first != "ALTER"
	case "INSERT", "UPDATE", "DELETE":
		return first != "MERGE" && first != "CREATE"
	}
	return true
}
