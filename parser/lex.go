package parser

import (
	"reflect"
	"strings"
	"unsafe"

	tidb "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
)

// TiDB's Scanner has an exported Lex method, but its argument type
// (yySymType) and its token constants are unexported. We mirror the
// argument's layout and check it with reflection at start-up, so that a TiDB
// upgrade that changes it disables the fast path instead of corrupting memory.
// The token constants are learnt by lexing samples (see init).

// symType mirrors tidb's yySymType.
type symType struct {
	yys       int
	offset    int
	item      any
	ident     string
	expr      ast.ExprNode
	statement ast.StmtNode
}

// readerLayout mirrors the first field of tidb.Scanner (its reader), whose
// position tells where the token just returned ends.
type readerLayout struct {
	s string
	p tidb.Pos
	l int
}

var (
	lexFn      func(*tidb.Scanner, *symType) int
	layoutOK   bool
	tokIdent   int
	tokString  int
	tokInvalid int
)

func init() {
	m := (*tidb.Scanner).Lex
	mt := reflect.TypeOf(m)
	if mt.NumIn() == 2 && mt.In(1).Kind() == reflect.Pointer && sameLayout(mt.In(1).Elem(), reflect.TypeOf(symType{})) {
		st := reflect.TypeOf(tidb.Scanner{})
		if st.NumField() > 0 && st.Field(0).Offset == 0 && sameLayout(st.Field(0).Type, reflect.TypeOf(readerLayout{})) {
			lexFn = *(*func(*tidb.Scanner, *symType) int)(unsafe.Pointer(&m))
			layoutOK = true
		}
	}
	if !layoutOK {
		return
	}
	tokIdent = sampleToken("abc")
	tokString = sampleToken("'abc'")
	tokInvalid = sampleToken("'abc")
}

func sameLayout(a, b reflect.Type) bool {
	if a.Kind() != reflect.Struct || b.Kind() != reflect.Struct || a.NumField() != b.NumField() || a.Size() != b.Size() {
		return false
	}
	for i := 0; i < a.NumField(); i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Offset != fb.Offset || fa.Type != fb.Type {
			return false
		}
	}
	return true
}

func sampleToken(s string) int {
	sc := tidb.NewScanner(s)
	var v symType
	return lexFn(sc, &v)
}

// scannerEnd returns the offset just past the last token sc returned.
func scannerEnd(sc *tidb.Scanner) int {
	return (*readerLayout)(unsafe.Pointer(sc)).p.Offset
}

// Token kinds we care about; keywords are tWord and are compared by text.
const (
	tEOF    = iota
	tWord   // unquoted identifier or keyword
	tQuoted // `x`, "x" under ANSI quotes, [x] in T-SQL
	tString // 'x', "x" without ANSI quotes
	tNumber
	tVar   // @x, @@x, :x, ?
	tPunct // operators and punctuation
	tInvalid
)

// token is one lexeme of the (template-expanded) script text.
type token struct {
	kind       uint8
	start, end int
}

// lexer turns text into tokens with TiDB's scanner.
type lexer struct {
	ansiQuotes bool
	mysqlDash  bool // "--x" is minus-minus (MySQL); otherwise a comment
	brackets   bool // [x] is an identifier (T-SQL)
	hashNames  bool // #x is a temp table name (T-SQL, Redshift), not a comment
	hashOps    bool // # begins an operator (#>, #>>, #-), not a comment (Postgres)
	// nestedComments: /* ... /* ... */ ... */ nests (Spark)
	nestedComments bool
	slow           bool // the last lex call did not take the fast path
	toks           []token
	blanks         []edit // comments TiDB's scanner does not know ("--x"): blank them when copying
}

// lex appends the tokens of text to l.toks (reset first).
func (l *lexer) lex(text string) []token {
	l.toks = l.toks[:0]
	l.blanks = l.blanks[:0]
	l.slow = false
	if l.lexFast(text) {
		return l.toks
	}
	l.slow = true
	l.toks = l.toks[:0]
	l.blanks = l.blanks[:0]
	if !layoutOK {
		l.lexSimple(text, 0)
		return l.toks
	}
	l.lexFrom(text, 0)
	return l.toks
}

// lexFast tokenises text as TiDB's scanner does, for the text that job
// scripts are made of, at several times its speed (it looks up no
// keywords). It gives up, returning false, on anything rarer: MySQL's
// executable comments (/*! ... */), unterminated strings and comments,
// numbers with exponents or letters (1e5, 0x1F, 1abc), .5, x'..' and b'..'
// literals, control characters; lex then uses TiDB's scanner. Two
// differences are deliberate: optimizer hints (/*+ ... */) are comments,
// and "AS OF" is two tokens (TiDB's scanner returns one, spelt "OF").
func (l *lexer) lexFast(text string) bool {
	i := 0
	n := len(text)
	for i < n {
		c := text[i]
		start := i
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c >= 0x80:
			if c == 0x85 || c == 0xA0 {
				return false // whitespace to TiDB's scanner
			}
			if i+1 < n && text[i+1] == '\'' && (c == 'x' || c == 'X' || c == 'b' || c == 'B') {
				return false
			}
			i++
			for i < n && isWordByte(text[i]) {
				i++
			}
			l.toks = append(l.toks, token{tWord, start, i})
			continue
		case c >= '0' && c <= '9':
			if k := len(l.toks); k > 0 && l.toks[k-1].end == start && text[start-1] == '.' {
				return false // t.1col: an identifier after a dot
			}
			i++
			for i < n && text[i] >= '0' && text[i] <= '9' {
				i++
			}
			if i < n && text[i] == '.' {
				i++
				for i < n && text[i] >= '0' && text[i] <= '9' {
					i++
				}
			}
			if i < n && isWordByte(text[i]) {
				return false
			}
			l.toks = append(l.toks, token{tNumber, start, i})
			continue
		case c == '\'' || c == '"':
			e := stringEnd(text, i, c)
			if e < 0 {
				return false
			}
			k := uint8(tString)
			if c == '"' && l.ansiQuotes {
				k = tQuoted
			}
			l.toks = append(l.toks, token{k, start, e})
			i = e
			continue
		case c == '`':
			e := i + 1
			for {
				j := strings.IndexByte(text[e:], '`')
				if j < 0 {
					return false
				}
				e += j + 1
				if e < n && text[e] == '`' {
					e++
					continue
				}
				break
			}
			l.toks = append(l.toks, token{tQuoted, start, e})
			i = e
			continue
		case c == '[' && l.brackets:
			if e := bracketEnd(text, i); e > 0 {
				l.toks = append(l.toks, token{tQuoted, start, e})
				i = e
				continue
			}
		case c == '@':
			i++
			if i < n && text[i] == '@' {
				i++
				if i >= n || !isUserVarByte(text[i]) {
					return false
				}
			}
			if i < n && (text[i] == '\'' || text[i] == '"' || text[i] == '`') {
				return false
			}
			for i < n && isUserVarByte(text[i]) {
				i++
			}
			l.toks = append(l.toks, token{tVar, start, i})
			continue
		case c == '?':
			l.toks = append(l.toks, token{tVar, start, i + 1})
			i++
			continue
		case c == '#':
			switch {
			case l.hashOps:
				e := i + 1
				for e < n && e < i+3 && (text[e] == '>' || text[e] == '-') {
					e++
				}
				l.toks = append(l.toks, token{tPunct, start, e})
				i = e
				continue
			case l.hashNames && i+1 < n && (isWordByte(text[i+1]) || text[i+1] == '#'):
				e := i + 1
				for e < n && (isWordByte(text[e]) || text[e] == '#') {
					e++
				}
				l.toks = append(l.toks, token{tWord, start, e})
				i = e
				continue
			}
			i = lineEnd(text, i)
			continue
		case c == '-':
			if i+1 < n && text[i+1] == '-' {
				if i+2 == n || isSpaceByte(text[i+2]) {
					i = lineEnd(text, i)
					continue
				}
				if !l.mysqlDash {
					// "--comment" without a space: a comment everywhere but MySQL.
					e := lineEnd(text, i)
					l.blanks = append(l.blanks, edit{start: i, end: e})
					i = e
					continue
				}
			}
			if i+1 < n && text[i+1] == '>' {
				i += 2
				if i < n && text[i] == '>' {
					i++
				}
				l.toks = append(l.toks, token{tPunct, start, i})
				continue
			}
		case c == '/':
			if i+1 < n && text[i+1] == '*' {
				if i+2 < n && (text[i+2] == '!' || text[i+2] == 'T' && i+3 < n && text[i+3] == '!') {
					return false
				}
				j := strings.Index(text[i+2:], "*/")
				if j < 0 {
					return false
				}
				if l.nestedComments {
					if e := nestedCommentEnd(text, i); e < 0 {
						return false
					} else if e != i+2+j+2 {
						// /* a /* b */ c */: TiDB would end it at the first */.
						l.blanks = append(l.blanks, edit{start: i, end: e})
						i = e
						continue
					}
				}
				i += 2 + j + 2
				continue
			}
		case c == '.':
			if i+1 < n && text[i+1] >= '0' && text[i+1] <= '9' {
				return false
			}
		case c == '\\' || c < 0x20 || c == 0x7f:
			return false
		}
		// Operators: TiDB's two- and three-byte ones, else one byte.
		e := i + 1
		if e < n {
			switch c {
			case '<':
				if text[e] == '=' && e+1 < n && text[e+1] == '>' {
					e += 2
				} else if text[e] == '=' || text[e] == '>' || text[e] == '<' {
					e++
				}
			case '>':
				if text[e] == '=' || text[e] == '>' {
					e++
				}
			case '!':
				if text[e] == '=' {
					e++
				}
			case '&':
				if text[e] == '&' || text[e] == '^' {
					e++
				}
			case '|':
				if text[e] == '|' {
					e++
				}
			case ':':
				if text[e] == '=' {
					e++
				}
			}
		}
		l.toks = append(l.toks, token{tPunct, start, e})
		i = e
	}
	return true
}

// stringEnd returns the offset after the string quoted by q at i
// (backslash escapes and doubled quotes inside), or -1 if unterminated.
func stringEnd(text string, i int, q byte) int {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			j++
		case q:
			if j+1 < len(text) && text[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return -1
}

func lineEnd(text string, i int) int {
	if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(text)
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 || c == 0xA0
}

func isUserVarByte(c byte) bool {
	return isWordByte(c) || c == '.'
}

func (l *lexer) newScanner(text string) *tidb.Scanner {
	sc := tidb.NewScanner(text)
	if l.ansiQuotes {
		sc.SetSQLMode(mysql.ModeANSIQuotes)
	}
	return sc
}

func (l *lexer) lexFrom(text string, base int) {
	for base <= len(text) {
		sc := l.newScanner(text[base:])
		next := l.scan(sc, text, base)
		if next < 0 {
			return
		}
		base = next
	}
}

// scan reads tokens from sc (over text[base:]) until EOF, returning -1, or
// until it must restart the scanner at a new offset, which it returns.
func (l *lexer) scan(sc *tidb.Scanner, text string, base int) int {
	var v symType
	prevEnd := base
	for {
		tok := lexFn(sc, &v)
		if tok == 0 {
			if r := l.gap(text, prevEnd, len(text)); r >= 0 {
				return r
			}
			return -1
		}
		start := base + v.offset
		end := base + scannerEnd(sc)
		if end <= start || end > len(text) {
			end = start + 1
		}
		if r := l.gap(text, prevEnd, start); r >= 0 {
			return r
		}
		c := text[start]
		var k uint8
		switch {
		case tok == tokInvalid:
			// An unterminated string or quoted name: keep one byte and go on
			// after it, so that the rest of the script still yields tokens.
			if c == '[' && l.brackets {
				if e := bracketEnd(text, start); e > 0 {
					l.toks = append(l.toks, token{tQuoted, start, e})
					return e
				}
			}
			l.toks = append(l.toks, token{tInvalid, start, start + 1})
			return start + 1
		case c == '`':
			k = tQuoted
		case c == '"':
			if tok == tokIdent {
				k = tQuoted
			} else {
				k = tString
			}
		case c == '\'':
			k = tString
		case c == '@' || c == '?':
			k = tVar
		case c >= '0' && c <= '9' || c == '.' && end-start > 1:
			if tok == tokIdent {
				k = tWord
			} else {
				k = tNumber
			}
		case isWordStart(c):
			if tok == tokString { // N'x', X'..', _utf8'x'
				k = tString
			} else if tok == tokIdent || end-start > 1 || isWordByte(c) {
				k = tWord
				if hasQuote(text[start:end]) {
					k = tString
				}
			} else {
				k = tPunct
			}
		case c == '[' && l.brackets:
			if e := bracketEnd(text, start); e > 0 {
				l.toks = append(l.toks, token{tQuoted, start, e})
				return e
			}
			k = tPunct
		case c == '-' && !l.mysqlDash && start+1 < len(text) && text[start+1] == '-':
			// "--comment" without a space: a comment everywhere but MySQL.
			e := start
			for e < len(text) && text[e] != '\n' {
				e++
			}
			l.blanks = append(l.blanks, edit{start: start, end: e})
			return e
		default:
			k = tPunct
		}
		l.toks = append(l.toks, token{k, start, end})
		prevEnd = end
	}
}

// gap inspects the text between two tokens (whitespace and comments) and
// returns where to restart scanning when it hides something the TiDB
// scanner swallowed as a comment (#name in T-SQL/Redshift); -1 otherwise.
func (l *lexer) gap(text string, from, to int) int {
	if !l.hashNames && !l.hashOps {
		return -1
	}
	for i := from; i < to; i++ {
		switch text[i] {
		case '#':
			e := i + 1
			if l.hashOps {
				for e < len(text) && e < i+3 && (text[e] == '>' || text[e] == '-') {
					e++
				}
				l.toks = append(l.toks, token{tPunct, i, e})
				return e
			}
			for e < len(text) && (isWordByte(text[e]) || text[e] == '#') {
				e++
			}
			if e == i+1 {
				return -1
			}
			l.toks = append(l.toks, token{tWord, i, e})
			return e
		case '/':
			if i+1 < to && text[i+1] == '*' {
				j := indexFrom(text, "*/", i+2)
				if j < 0 {
					return -1
				}
				i = j + 1
			}
		case '-':
			if i+1 < to && text[i+1] == '-' {
				for i < to && text[i] != '\n' {
					i++
				}
			}
		}
	}
	return -1
}

func indexFrom(s, sub string, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// bracketEnd returns the offset after the T-SQL [identifier] at start, or -1.
func bracketEnd(text string, start int) int {
	for i := start + 1; i < len(text); i++ {
		switch text[i] {
		case ']':
			if i+1 < len(text) && text[i+1] == ']' {
				i++
				continue
			}
			if i == start+1 {
				return -1
			}
			return i + 1
		case '\n':
			return -1
		}
	}
	return -1
}

func hasQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '"' {
			return true
		}
	}
	return false
}

func isWordStart(c byte) bool { return wordBytes[c]&1 != 0 }

func isWordByte(c byte) bool { return wordBytes[c] != 0 }

// wordBytes classifies bytes for isWordStart (bit 1: a-z, A-Z, _, $ and
// every byte of a multi-byte rune) and isWordByte (bit 2: those and 0-9):
// one load instead of a chain of comparisons in the lexers' inner loops.
var wordBytes = func() (t [256]byte) {
	for c := range 256 {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c >= 0x80 {
			t[c] = 3
		} else if c >= '0' && c <= '9' {
			t[c] = 2
		}
	}
	return t
}()

// lexSimple is a minimal scanner used only if TiDB's scanner layout ever
// stops matching ours; it keeps the package working, less precisely.
func (l *lexer) lexSimple(text string, i int) {
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			j := indexFrom(text, "*/", i+2)
			if j < 0 {
				return
			}
			i = j + 2
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(text) && text[j] != c {
				if text[j] == '\\' && c != '`' {
					j++
				}
				j++
			}
			if j >= len(text) {
				l.toks = append(l.toks, token{tInvalid, i, i + 1})
				i++
				continue
			}
			k := uint8(tString)
			if c == '`' || c == '"' && l.ansiQuotes {
				k = tQuoted
			}
			l.toks = append(l.toks, token{k, i, j + 1})
			i = j + 1
		case isWordByte(c):
			j := i
			for j < len(text) && isWordByte(text[j]) {
				j++
			}
			k := uint8(tWord)
			if c >= '0' && c <= '9' {
				k = tNumber
			}
			l.toks = append(l.toks, token{k, i, j})
			i = j
		default:
			l.toks = append(l.toks, token{tPunct, i, i + 1})
			i++
		}
	}
}
