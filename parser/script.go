package parser

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// script is the state of one Parse call.
type script struct {
	src        string
	text       string // after template expansion
	file       string
	templated  bool
	lineStarts []int
	warnings   []Warning
	curOff     int // text offset of the statement being processed (for panics)
	lineOff    int // line's cache: script offset lineOff is on line lineNo
	lineNo     int
	stmts      []stmtRec // what resolve needs of each statement processed
	names      []tname   // the statements' reads and writes, shared by stmts
	free       []*stmt
}

func (sc *script) reset(src, file string) {
	sc.src, sc.text, sc.file = src, src, file
	sc.templated = false
	sc.lineStarts = sc.lineStarts[:0]
	sc.warnings = nil
	sc.curOff = 0
	sc.lineOff, sc.lineNo = 0, 1
	clear(sc.stmts) // drop the previous script's names and messages
	sc.stmts = sc.stmts[:0]
	sc.names = sc.names[:0]
}

// srcOff maps an offset of the expanded text to the original script.
func (p *Parser) srcOff(off int) int {
	if p.sc.templated {
		return mapOffset(p.tmpl.segs, off)
	}
	return off
}

// pos returns the 1-based line and column of a script offset.
func (sc *script) pos(off int) (int, int) {
	if len(sc.lineStarts) == 0 {
		sc.lineStarts = append(sc.lineStarts, 0)
		for i := 0; ; {
			j := strings.IndexByte(sc.src[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			sc.lineStarts = append(sc.lineStarts, i)
		}
	}
	if off < 0 {
		off = 0
	}
	if off > len(sc.src) {
		off = len(sc.src)
	}
	line, _ := slices.BinarySearch(sc.lineStarts, off+1)
	start := sc.lineStarts[line-1]
	return line, utf8.RuneCountInString(sc.src[start:off]) + 1
}

// line returns the 1-based line of a script offset, as pos does; it counts
// newlines on from the previous call's offset, so that resolve, asking in
// script order, neither builds the line table nor counts runes.
func (sc *script) line(off int) int {
	off = max(0, min(off, len(sc.src)))
	if off < sc.lineOff {
		sc.lineOff, sc.lineNo = 0, 1
	}
	sc.lineNo += strings.Count(sc.src[sc.lineOff:off], "\n")
	sc.lineOff = off
	return sc.lineNo
}

func (sc *script) panicPos() (int, int) {
	if sc.src == "" {
		return 1, 1
	}
	return sc.pos(sc.curOff)
}

func (p *Parser) warnAt(textOff int, msg string) {
	line, col := p.sc.pos(p.srcOff(textOff))
	p.sc.warnings = append(p.sc.warnings, Warning{Line: line, Column: col, Message: msg})
}

func (p *Parser) parse(src string, opts Options, dl dialect) (*Result, error) {
	if i := strings.Index(src, "{%"); i >= 0 && strings.Contains(src[i:], "%}") {
		if res, err, ok := p.parseJinja(src, opts, dl); ok {
			return res, err
		}
	}
	return p.parseText(src, src, nil, opts, dl)
}

// parseText parses in, which is src itself or a rendering of its Jinja
// template (jm maps in back to src).
func (p *Parser) parseText(src, in string, jm []seg, opts Options, dl dialect) (*Result, error) {
	p.d = dl // statements point at it; kept in the Parser so that it is not allocated per call
	d := &p.d
	sc := &p.sc
	sc.reset(src, opts.File)
	p.cols.reset(opts)
	p.setMode(*d)
	text := p.expandTemplate(in, opts.Vars, func(off int, msg string) {
		if jm != nil {
			off = mapOffset(jm, off)
		}
		line, col := sc.pos(off)
		sc.warnings = append(sc.warnings, Warning{Line: line, Column: col, Message: msg})
	})
	if text != in || len(p.tmpl.segs) > 0 && strings.Contains(in, "{") {
		sc.templated = true
	}
	if jm != nil {
		p.tmpl.segs = composeSegs(p.tmpl.segs, jm, len(text))
		sc.templated = true
	}
	sc.text = text
	p.lx.ansiQuotes, p.lx.brackets, p.lx.hashNames, p.lx.hashOps, p.lx.mysqlDash = d.ansiQuotes, d.brackets, d.hashNames, d.hashOps, d.mysqlDash
	p.lx.nestedComments = d.name == "spark" || d.name == "databricks"
	p.stream(text, d)
	res := p.resolve(opts.DefaultDB)
	defer p.releaseLarge()
	if p.cols.on {
		p.cols.attach(res, p.rs.dropped)
	}
	if len(sc.stmts) > 0 {
		extracted := false
		for _, st := range res.Statements {
			if st.Confidence == Parsed || len(st.Reads) > 0 || len(st.Writes) > 0 {
				extracted = true
				break
			}
		}
		if !extracted {
			s := &sc.stmts[0]
			line, col := sc.pos(p.srcOff(s.errOff))
			return nil, &Error{File: opts.File, Line: line, Column: col, Message: s.errMsg}
		}
		if len(res.Reads) == 0 && len(res.Writes) == 0 {
			// Only session commands, table-less SELECTs, DDL without
			// lineage: a successful, empty result, said once.
			line, col := sc.pos(p.srcOff(sc.stmts[0].start))
			res.Warnings = append(res.Warnings, Warning{Line: line, Column: col, Message: nothingToExtract})
		}
	}
	return res, nil
}

// nothingToExtract is the warning of a script without lineage.
const nothingToExtract = "no statement reads or writes a table: nothing to extract"

func (p *Parser) newStmt(text string, toks []token, d *dialect) *stmt {
	var s *stmt
	if n := len(p.sc.free); n > 0 {
		s = p.sc.free[n-1]
		p.sc.free = p.sc.free[:n-1]
		*s = stmt{match: s.match[:0], edits: s.edits[:0], units: s.units[:0], reads: s.reads[:0], writes: s.writes[:0]}
	} else {
		s = &stmt{}
	}
	s.p, s.d, s.text, s.t = p, d, text, toks
	s.errOff = -1
	s.computeMatch()
	if len(toks) > 0 {
		from, to := toks[0].start, toks[len(toks)-1].end
		for _, b := range p.lx.blanks {
			if b.start > from && b.end <= to {
				s.edits = append(s.edits, b)
			}
		}
	}
	return s
}

// process rewrites, parses and extracts one statement.
func (p *Parser) process(s *stmt) {
	s.genericEdits()
	s.plan()
	if s.d.numericSuffixes() { // Hive and Spark
		s.nestedFromFirst()
	}
	s.sortEdits()
	s.conf = Parsed
	if p.cols.on {
		p.cols.begin(p, s)
		defer p.cols.finish(s)
	}
	nr, nw := len(s.reads), len(s.writes)
	for i := range s.units {
		if !p.runUnit(s, &s.units[i]) {
			s.reads, s.writes = s.reads[:nr], s.writes[:nw]
			p.fallback(s)
			return
		}
	}
	if s.sub != "" {
		p.processSub(s)
	}
	if debugFallback != nil {
		p.checkFallback(s, nr, nw)
	}
}

// debugFallback, when set by a test, sees for every statement that parsed
// the tables the parse found and those the fallback finds on the same
// statement.
var debugFallback func(s *stmt, parsedReads, parsedWrites, fbReads, fbWrites []tname)

// checkFallback runs the fallback on a statement that parsed, for
// debugFallback, and restores the statement.
func (p *Parser) checkFallback(s *stmt, nr, nw int) {
	pr := append([]tname(nil), s.reads...)
	pw := append([]tname(nil), s.writes...)
	nwarn := len(p.sc.warnings)
	conf, errOff, errMsg := s.conf, s.errOff, s.errMsg
	s.reads, s.writes = s.reads[:nr], s.writes[:nw]
	s.errMsg = "check"
	p.fallback(s)
	debugFallback(s, pr, pw, append([]tname(nil), s.reads...), append([]tname(nil), s.writes...))
	s.reads, s.writes = append(s.reads[:0], pr...), append(s.writes[:0], pw...)
	s.conf, s.errOff, s.errMsg = conf, errOff, errMsg
	p.sc.warnings = p.sc.warnings[:nwarn]
}

// runUnit builds a unit's text, parses it with TiDB and extracts lineage;
// it returns false on a parse error, recorded in s.
func (p *Parser) runUnit(s *stmt, u *unit) bool {
	b := &p.b
	b.reset()
	var sql string
	if len(u.pieces) == 1 && u.pieces[0].lit == "" && !s.editsIn(u.pieces[0].from, u.pieces[0].to) {
		// Nothing to rewrite: hand TiDB the script's own text, uncopied.
		sql = s.text[u.pieces[0].from:u.pieces[0].to]
		b.segs = append(b.segs, seg{out: 0, src: u.pieces[0].from})
	} else {
		for _, pc := range u.pieces {
			if pc.lit != "" {
				b.lit(pc.lit, pc.at)
			} else {
				b.copyEdited(s.text, pc.from, pc.to, s.edits)
			}
		}
		sql = string(b.buf)
	}
	if debugUnit != nil {
		debugUnit(sql)
	}
	nodes, _, err := p.tidb.ParseSQL(sql)
	if err != nil {
		off := errorOffset(sql, err)
		s.errOff = b.srcOf(off)
		if near := snippet(s.text, s.errOff); near != "" {
			s.errMsg = "syntax error near " + strconv.Quote(near)
		} else {
			s.errMsg = "syntax error: the statement ends too early (is a table name, a closing parenthesis or a clause missing?)"
		}
		return false
	}
	for _, n := range nodes {
		p.visitor.extract(s, n, u.target)
		if p.cols.on && p.cols.s == s {
			p.cols.unit(s, u, n)
		}
	}
	return true
}

// processSub parses a query held in a string (UNLOAD ('select ...')).
func (p *Parser) processSub(s *stmt) {
	var lx lexer
	lx.ansiQuotes, lx.brackets, lx.hashNames, lx.hashOps, lx.mysqlDash = p.lx.ansiQuotes, p.lx.brackets, p.lx.hashNames, p.lx.hashOps, p.lx.mysqlDash
	toks := lx.lex(s.sub)
	if len(toks) == 0 {
		return
	}
	sub := &stmt{p: p, d: s.d, text: s.sub, t: toks, errOff: -1}
	sub.computeMatch()
	sub.genericEdits()
	sub.plan()
	sub.sortEdits()
	ok := true
	for i := range sub.units {
		if !p.runUnit(sub, &sub.units[i]) {
			ok = false
			break
		}
	}
	if !ok {
		sub.reads, sub.writes = sub.reads[:0], sub.writes[:0]
		p.fallback(sub)
		s.conf = Fallback
		s.errOff, s.errMsg = s.subAt, sub.errMsg
		p.warnAt(s.subAt, "statement in string did not parse ("+sub.errMsg+"); tables taken from its tokens")
	}
	s.reads = append(s.reads, sub.reads...)
	s.reads = append(s.reads, sub.writes...)
}

// errorOffset finds where TiDB's syntax error points in sql: the error text
// quotes sql from the offending token on ("line 1 column 5 near \"...\"").
func errorOffset(sql string, err error) int {
	msg := err.Error()
	i := strings.Index(msg, " near \"")
	if i < 0 {
		return 0
	}
	tail := msg[i+len(" near \""):]
	lc := msg[:i]
	end := len(sql)
	if j := strings.LastIndex(lc, "line "); j >= 0 {
		var line, col int
		if _, e := fmt.Sscanf(lc[j:], "line %d column %d", &line, &col); e == nil {
			end = lineColOffset(sql, line, col)
		}
	}
	if end > len(sql) {
		end = len(sql)
	}
	for off := end; off >= 0; off-- {
		rest := sql[off:]
		if len(rest) > 2048 {
			rest = rest[:2048]
		}
		if strings.HasPrefix(tail, rest) && (len(tail) == len(rest) || tail[len(rest)] == '"') {
			return off
		}
	}
	return end
}

func lineColOffset(sql string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		j := strings.IndexByte(sql[off:], '\n')
		if j < 0 {
			return len(sql)
		}
		off += j + 1
	}
	if line > 1 {
		col-- // TiDB counts columns from 1 after the first line, from 0 on it
	}
	if off+col > len(sql) {
		return len(sql)
	}
	return off + col
}

// snippet returns a short single-line excerpt of text at off.
func snippet(text string, off int) string {
	if off < 0 || off >= len(text) {
		return ""
	}
	s := text[off:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strings.TrimSpace(s)
}

// debugUnit, when set by a test, sees every text handed to TiDB.
var debugUnit func(sql string)

// stmtRec is what resolve needs of a statement once it is processed: the
// statement itself (tokens, edits, units) is then reused for the next one,
// so that a script's memory grows by this record per statement, not by the
// statement's working state.
type stmtRec struct {
	start   int // text offset of the first token
	kind    string
	conf    string
	reads   []tname
	writes  []tname
	drops   []tname
	renames [][2]tname
	temp    bool
	use     string
	errOff  int
	errMsg  string
}

// streamChunk is how much script text is tokenised at a time.
var streamChunk = 1 << 20 // a variable for tests

// stream tokenises, splits and processes the script's statements a chunk
// of text at a time, keeping a stmtRec of each: memory is bounded by the
// chunk (or the largest statement) and the records, not by the script's
// tokens. A chunk ends at a line end; its last statement may be cut, so it
// is processed with the next chunk instead, from its first token.
func (p *Parser) stream(text string, d *dialect) {
	sc := &p.sc
	pos := 0
	size := streamChunk
	for pos < len(text) {
		end := len(text)
		if pos+size < len(text) {
			if nl := strings.IndexByte(text[pos+size:], '\n'); nl >= 0 {
				end = pos + size + nl + 1
			}
		}
		toks := p.lx.lex(text[pos:end])
		if p.lx.slow && end < len(text) {
			// Rare input (an unterminated string, a /*! */ comment): the
			// chunk may have been cut inside it; tokenise the rest whole.
			size = len(text)
			continue
		}
		if pos > 0 {
			for i := range toks {
				toks[i].start += pos
				toks[i].end += pos
			}
			for i := range p.lx.blanks {
				p.lx.blanks[i].start += pos
				p.lx.blanks[i].end += pos
			}
		}
		spans := p.split(toks, d)
		last := len(spans)
		next := end
		if end < len(text) {
			if len(spans) < 2 {
				size *= 2 // one statement longer than the chunk: take more
				continue
			}
			last--
			next = toks[spans[last][0]].start
		}
		for _, r := range spans[:last] {
			s := p.newStmt(text, toks[r[0]:r[1]], d)
			sc.curOff = p.srcOff(s.t[0].start)
			p.process(s)
			sc.stmts = append(sc.stmts, p.record(s))
			sc.free = append(sc.free, s)
		}
		pos = next
	}
}

// record returns what resolve needs of a processed statement.
func (p *Parser) record(s *stmt) stmtRec {
	sc := &p.sc
	r := stmtRec{start: s.t[0].start, kind: s.kind, conf: s.conf, temp: s.temp, use: s.use, errOff: s.errOff, errMsg: s.errMsg}
	lo := len(sc.names)
	sc.names = append(sc.names, s.reads...)
	mid := len(sc.names)
	sc.names = append(sc.names, s.writes...)
	r.reads, r.writes = sc.names[lo:mid:mid], sc.names[mid:len(sc.names):len(sc.names)]
	if len(s.drops) > 0 {
		r.drops = slices.Clone(s.drops)
	}
	if len(s.renames) > 0 {
		r.renames = slices.Clone(s.renames)
	}
	return r
}

// releaseLarge drops the buffers a very large script grew, so that a
// Parser kept for reuse does not hold them.
func (p *Parser) releaseLarge() {
	const keep = 1 << 12
	if cap(p.sc.stmts) > keep {
		p.sc.stmts = nil
	}
	if cap(p.sc.names) > 4*keep {
		p.sc.names = nil
	}
	if cap(p.lx.toks) > 64*keep {
		p.lx.toks = nil
	}
}
