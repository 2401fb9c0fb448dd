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
	stmts      []*stmt
	free       []*stmt
}

func (sc *script) reset(src, file string) {
	sc.src, sc.text, sc.file = src, src, file
	sc.templated = false
	sc.lineStarts = sc.lineStarts[:0]
	sc.warnings = nil
	sc.curOff = 0
	sc.lineOff, sc.lineNo = 0, 1
	sc.free = append(sc.free, sc.stmts...)
	sc.stmts = sc.stmts[:0]
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
	p.d = dl // statements point at it; kept in the Parser so that it is not allocated per call
	d := &p.d
	sc := &p.sc
	sc.reset(src, opts.File)
	p.cols.reset(opts)
	p.setMode(*d)
	text := p.expandTemplate(src, opts.Vars, func(off int, msg string) {
		line, col := sc.pos(off)
		sc.warnings = append(sc.warnings, Warning{Line: line, Column: col, Message: msg})
	})
	if text != src || len(p.tmpl.segs) > 0 && strings.Contains(src, "{") {
		sc.templated = true
	}
	sc.text = text
	p.lx.ansiQuotes, p.lx.brackets, p.lx.hashNames, p.lx.hashOps, p.lx.mysqlDash = d.ansiQuotes, d.brackets, d.hashNames, d.hashOps, d.mysqlDash
	toks := p.lx.lex(text)
	for _, r := range p.split(toks, d) {
		s := p.newStmt(text, toks[r[0]:r[1]], d)
		sc.curOff = p.srcOff(s.t[0].start)
		p.process(s)
		sc.stmts = append(sc.stmts, s)
	}
	res := p.resolve(opts.DefaultDB)
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
			s := sc.stmts[0]
			line, col := sc.pos(p.srcOff(s.errOff))
			return nil, &Error{File: opts.File, Line: line, Column: col, Message: s.errMsg}
		}
	}
	return res, nil
}

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
