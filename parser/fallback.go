package parser

import "strings"

// fallback extracts a statement that TiDB could not parse from its tokens:
// the names after FROM, JOIN and USING are read, except CTE names and the
// written target; writes are what the statement handler took from the
// header (the name after INTO, TABLE, UPDATE, MERGE INTO, ...). The result
// is marked Fallback and the parse error becomes a warning.
func (p *Parser) fallback(s *stmt) {
	s.conf = Fallback
	p.warnAt(s.errOff, "statement did not parse ("+s.errMsg+"); tables taken from its tokens")
	// The caller kept only the lineage the handler found without TiDB.
	for _, w := range s.fbWrites {
		if !containsName(s.writes, w) {
			s.writes = append(s.writes, w)
		}
	}
	if s.ctes == nil {
		s.ctes = map[string]bool{}
	}
	for i := 1; i+2 < len(s.t); i++ {
		if s.is(i+1, "AS") && s.isP(i+2, '(') && s.isName(i) && (s.isP(i-1, ',') || s.isAny(i-1, "WITH", "RECURSIVE")) {
			s.ctes[strings.ToLower(unquote(s.str(i)))] = true
		}
	}
	fnDepth := make([]bool, 1, 8)
	for i := 0; i < len(s.t); i++ {
		switch {
		case s.isP(i, '('):
			// A function's arguments (EXTRACT(x FROM y)) name no tables; a
			// subquery's brackets (UNION ALL (SELECT ...)) do.
			fn := i > 0 && s.t[i-1].kind == tWord && !s.isQueryAt(i+1) && !s.isAny(i-1, "IN", "FROM", "JOIN", "AS", "ON", "EXISTS", "USING", "VALUES", "LATERAL", "INTO", "TABLE", "AND", "OR", "NOT", "WHERE", "SELECT")
			fnDepth = append(fnDepth, fn)
			if !fn && s.isName(i+1) && !s.isQueryAt(i+1) && s.joinParen(i) && !fnDepth[len(fnDepth)-2] {
				// FROM ((a JOIN b ON ...) JOIN c ON ...): the first table.
				if n, next := s.tableAt(i + 1); n.s != "" && !s.isP(next, '(') && (n.qualified() || !s.ctes[n.s]) {
					s.reads = append(s.reads, n)
				}
			}
			continue
		case s.isP(i, ')'):
			if len(fnDepth) > 1 {
				fnDepth = fnDepth[:len(fnDepth)-1]
			}
			continue
		}
		inFn := fnDepth[len(fnDepth)-1]
		if inFn {
			continue
		}
		if !(s.isAny(i, "FROM", "JOIN") || s.is(i, "USING") && !s.isP(i+1, '(') || s.isP(i, ',') && s.inFromList(i)) {
			continue
		}
		j := i + 1
		if s.isAny(j, "TABLE", "LATERAL", "ONLY") && s.isName(j+1) && !s.isP(j+1, '(') {
			j++
		}
		if j == s.fbTarget && s.fbTarget > 0 {
			continue
		}
		if !s.isName(j) || s.t[j].kind == tWord && notAlias[strings.ToUpper(s.str(j))] {
			continue
		}
		n, next := s.tableAt(j)
		if n.s == "" || s.isP(next, '(') {
			continue
		}
		if !n.qualified() && s.ctes[n.s] {
			continue
		}
		s.reads = append(s.reads, n)
	}
}

func containsName(list []tname, n tname) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
