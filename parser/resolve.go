package parser

import (
	"slices"
	"strings"
)

// resolve applies the script-level semantics to the extracted statements:
// USE and DefaultDB qualify bare names; temporary objects (temporary views
// and tables, cached tables, tables the script creates and later drops)
// are replaced by what they were built from; renames follow the tables the
// script wrote.
func (p *Parser) resolve(defaultDB string) *Result {
	stmts := p.sc.stmts
	db := strings.ToLower(defaultDB)
	var res *Result
	if len(stmts) == 1 {
		// Most scripts hold one statement: allocate the Result with it.
		one := new(struct {
			r Result
			s [1]Statement
		})
		res = &one.r
		res.Statements = one.s[:0:1]
	} else {
		res = &Result{Statements: make([]Statement, 0, len(stmts))}
	}
	res.Reads, res.Writes, res.Warnings = []string{}, []string{}, p.sc.warnings
	if res.Warnings == nil {
		res.Warnings = []Warning{}
	}
	qualify := func(n tname, db string) string {
		if n.qualified() || db == "" || n.isTemp() {
			return n.s
		}
		return db + "." + n.s
	}

	// Tables created by one statement and dropped by a later one are
	// temporary. Which database a name means depends on USE, so track it.
	p.rs.dropped = p.rs.dropped[:0]
	for range stmts {
		p.rs.dropped = append(p.rs.dropped, false)
	}
	droppedLater := p.rs.dropped
	anyDrop := false
	for _, s := range stmts {
		anyDrop = anyDrop || len(s.drops) > 0
	}
	if anyDrop {
		cur := db
		created := map[string]int{}
		for i, s := range stmts {
			if s.use != "" {
				cur = s.use
			}
			if (s.kind == "create_table" || s.kind == "create_view") && !s.temp {
				for _, w := range s.writes {
					created[qualify(w, cur)] = i
				}
			}
			for _, d := range s.drops {
				if j, ok := created[qualify(d, cur)]; ok {
					droppedLater[j] = true
					delete(created, qualify(d, cur))
				}
			}
		}
	}

	rs := &p.rs
	if rs.session == nil {
		rs.session, rs.scoped, rs.written = map[string][]string{}, map[string][]string{}, map[string]bool{}
	}
	// Clearing (and ranging over) a map costs what it once held, not
	// what it holds: clear only maps in use, and collect reads in a slice.
	if len(rs.session) > 0 {
		clear(rs.session)
	}
	if len(rs.scoped) > 0 {
		clear(rs.scoped)
	}
	if len(rs.written) > 0 {
		clear(rs.written)
	}
	session := rs.session // temporary views, tables, caches: by bare name
	scoped := rs.scoped   // created-then-dropped tables: by qualified name
	written := rs.written
	reads := rs.reads[:0]
	writeOrder := rs.order[:0]
	tmp, wtmp := rs.tmp[:0], rs.wtmp[:0]
	defer func() { rs.order, rs.tmp, rs.wtmp, rs.reads = writeOrder[:0], tmp[:0], wtmp[:0], reads[:0] }()
	// The statements' reads and writes and the script's reads share one
	// backing array, a new one per call since the Result keeps them.
	size := 0
	for _, s := range stmts {
		size += len(s.reads) + len(s.writes)
	}
	arena := make([]string, 0, size+size/2)

	resolveRead := func(n tname, db string, out []string) []string {
		if n.path {
			return append(out, n.s)
		}
		if src, ok := session[n.s]; ok {
			return append(out, src...)
		}
		if n.isTemp() {
			return out
		}
		q := qualify(n, db)
		if src, ok := scoped[q]; ok {
			return append(out, src...)
		}
		return append(out, q)
	}

	for i, s := range stmts {
		if s.use != "" {
			db = s.use
		}
		tmp = tmp[:0]
		for _, r := range s.reads {
			tmp = resolveRead(r, db, tmp)
		}
		sreads := sortedUniqueIn(&arena, tmp)
		wtmp = wtmp[:0]
		for _, w := range s.writes {
			switch {
			case w.path:
				wtmp = append(wtmp, w.s)
			case s.temp || w.isTemp():
				if s.kind == "create_temp_view" || s.kind == "cache" || strings.HasPrefix(s.kind, "create") || session[w.s] == nil {
					session[w.s] = appendUnique(nil, sreads...)
				} else {
					session[w.s] = appendUnique(session[w.s], sreads...)
				}
			case droppedLater[i]:
				scoped[qualify(w, db)] = appendUnique(nil, sreads...)
			default:
				q := qualify(w, db)
				if src, ok := session[w.s]; ok && !w.qualified() {
					session[w.s] = appendUnique(src, sreads...)
					continue
				}
				if src, ok := scoped[q]; ok {
					scoped[q] = appendUnique(src, sreads...)
					continue
				}
				wtmp = append(wtmp, q)
			}
		}
		swrites := sortedUniqueIn(&arena, wtmp)
		for _, d := range s.drops {
			if _, ok := session[d.s]; ok && !d.qualified() {
				delete(session, d.s)
				continue
			}
			delete(scoped, qualify(d, db))
		}
		for _, rn := range s.renames {
			from, to := rn[0], rn[1]
			if src, ok := session[from.s]; ok {
				delete(session, from.s)
				session[to.s] = src
				continue
			}
			qf, qt := qualify(from, db), qualify(to, db)
			if to.qualified() == false && from.qualified() {
				// RENAME a.b TO c keeps the database in Hive and Spark.
				if k := strings.LastIndexByte(qf, '.'); k >= 0 {
					qt = qf[:k+1] + to.s
				}
			}
			if src, ok := scoped[qf]; ok {
				delete(scoped, qf)
				scoped[qt] = src
				continue
			}
			if written[qf] {
				delete(written, qf)
				written[qt] = true
				for k, w := range writeOrder {
					if w == qf {
						writeOrder[k] = qt
					}
				}
			}
		}
		reads = append(reads, sreads...)
		for _, w := range swrites {
			if !written[w] {
				written[w] = true
				writeOrder = append(writeOrder, w)
			}
		}
		line := p.sc.line(p.srcOff(s.start))
		kind := s.kind
		if kind == "" {
			kind = "unknown"
		}
		res.Statements = append(res.Statements, Statement{
			Line: line, Kind: kind, Reads: nonNil(sreads), Writes: nonNil(swrites), Confidence: s.conf,
		})
	}
	if len(reads) > 0 {
		slices.Sort(reads)
		reads = slices.Compact(reads)
		start := len(arena)
		arena = append(arena, reads...)
		res.Reads = arena[start:len(arena):len(arena)]
	}
	for _, w := range writeOrder {
		if written[w] {
			res.Writes = append(res.Writes, w)
		}
	}
	slices.Sort(res.Writes) // res.Writes is our own: sort it in place
	res.Writes = slices.Compact(res.Writes)
	return res
}

// resolveState is resolve's scratch space, kept by the Parser.
type resolveState struct {
	dropped         []bool
	session, scoped map[string][]string
	written         map[string]bool
	order, tmp      []string
	wtmp            []string
	reads           []string
}

func appendUnique(dst []string, src ...string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// sortedUniqueIn returns s sorted and deduplicated, appended to *arena and capped
// so that appending to it cannot write over what follows.
func sortedUniqueIn(arena *[]string, s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	start := len(*arena)
	*arena = append(*arena, s...)
	out := (*arena)[start:]
	slices.Sort(out)
	out = slices.Compact(out)
	*arena = (*arena)[:start+len(out)]
	return out[:len(out):len(out)]
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
