package parser

import "strings"

// stmt is one statement being rewritten and extracted.
type stmt struct {
	p     *Parser
	d     *dialect
	text  string  // the whole expanded script
	t     []token // this statement's tokens
	match []int32 // index of the matching bracket, or -1
	edits []edit
	phs   []tname // placeholder names, by index

	// results
	kind    string
	conf    string
	reads   []tname
	writes  []tname
	temp    bool // writes create session-scoped temporary objects
	drops   []tname
	renames [][2]tname
	use     string
	errOff  int // offset of the first parse error, -1 if none
	errMsg  string
	ctes    map[string]bool // CTE names seen (for the fallback)

	units    []unit
	fbWrites []tname // targets known from the header, for the fallback
	fbTarget int     // token index of the target's name, or 0
	sub      string  // a query held in a string (UNLOAD)
	subAt    int
}

func (s *stmt) n() int { return len(s.t) }

func (s *stmt) str(i int) string {
	if i < 0 || i >= len(s.t) {
		return ""
	}
	return s.text[s.t[i].start:s.t[i].end]
}

// is reports whether token i is the keyword (or unquoted word) kw, which
// must be upper-case.
func (s *stmt) is(i int, kw string) bool {
	if i < 0 || i >= len(s.t) || s.t[i].kind != tWord {
		return false
	}
	tk := s.t[i]
	return tk.end-tk.start == len(kw) && equalFoldASCII(s.text[tk.start:tk.end], kw)
}

// equalFoldASCII is strings.EqualFold for a word w and an ASCII keyword
// kw of as many bytes (a non-ASCII rune would make w longer than any ASCII
// word it folds to), at a fraction of its cost: is and isAny are the
// dialect layer's most frequent calls.
func equalFoldASCII(w, kw string) bool {
	for j := 0; j < len(kw); j++ {
		if c, k := w[j], kw[j]; c != k && lowerASCII(c) != lowerASCII(k) {
			return false
		}
	}
	return true
}

// isAny reports whether token i is one of the keywords kws.
func (s *stmt) isAny(i int, kws ...string) bool {
	if i < 0 || i >= len(s.t) || s.t[i].kind != tWord {
		return false
	}
	tk := s.t[i]
	w := s.text[tk.start:tk.end]
	for _, kw := range kws {
		if len(w) == len(kw) && equalFoldASCII(w, kw) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isP reports whether token i is the punctuation c.
func (s *stmt) isP(i int, c byte) bool {
	if i < 0 || i >= len(s.t) || s.t[i].kind != tPunct {
		return false
	}
	tk := s.t[i]
	return tk.end-tk.start == 1 && s.text[tk.start] == c
}

func (s *stmt) isName(i int) bool {
	return i >= 0 && i < len(s.t) && (s.t[i].kind == tWord || s.t[i].kind == tQuoted)
}

// adjacent reports whether tokens i and i+1 touch.
func (s *stmt) adjacent(i int) bool {
	return i+1 < len(s.t) && s.t[i].end == s.t[i+1].start
}

// computeMatch pairs brackets; unmatched ones get -1.
func (s *stmt) computeMatch() {
	if cap(s.match) >= len(s.t) {
		s.match = s.match[:len(s.t)]
	} else {
		s.match = make([]int32, len(s.t))
	}
	var stack [64]int32
	st := stack[:0]
	for i := range s.t {
		s.match[i] = -1
		if s.t[i].kind != tPunct || s.t[i].end-s.t[i].start != 1 {
			continue
		}
		switch s.text[s.t[i].start] {
		case '(', '[':
			st = append(st, int32(i))
		case ')', ']':
			if len(st) > 0 {
				o := st[len(st)-1]
				st = st[:len(st)-1]
				s.match[o] = int32(i)
				s.match[i] = o
			}
		}
	}
}

// closeOf returns the index of the bracket matching the one at i, or the
// last token if it is unmatched.
func (s *stmt) closeOf(i int) int {
	if i >= 0 && i < len(s.match) && s.match[i] > int32(i) {
		return int(s.match[i])
	}
	return len(s.t) - 1
}

// nameAt reads a dotted name starting at token i; it returns the name's
// parts and the index after it (i if there is no name).
func (s *stmt) nameAt(i int, parts []string) ([]string, int) {
	parts = parts[:0]
	for i < len(s.t) && s.isName(i) {
		tk := s.t[i]
		part := s.text[tk.start:tk.end]
		if tk.kind == tQuoted {
			part = unquote(part)
		}
		parts = append(parts, part)
		if i+2 < len(s.t) && s.isP(i+1, '.') && s.isName(i+2) {
			i += 2
			continue
		}
		// BigQuery-style unquoted project names: my-project.dataset.t
		if s.d.shards && i+2 < len(s.t) && s.isP(i+1, '-') && s.adjacent(i) && s.adjacent(i+1) && s.isName(i+2) {
			parts[len(parts)-1] += "-" + s.str(i+2)
			i += 2
			if i+2 < len(s.t) && s.isP(i+1, '.') && s.isName(i+2) {
				i += 2
				continue
			}
		}
		return parts, i + 1
	}
	return parts, i
}

// tableAt reads a table name at token i.
func (s *stmt) tableAt(i int) (tname, int) {
	var buf [4]string
	parts, next := s.nameAt(i, buf[:0])
	if len(parts) == 0 {
		if i < len(s.t) && s.t[i].kind == tString && s.t[i].end-s.t[i].start >= 2 {
			return tname{s: s.strValue(i), path: true}, i + 1
		}
		return tname{}, i
	}
	return joinParts(parts, s.d), next
}

// strValue returns the value of a string token (quotes removed).
func (s *stmt) strValue(i int) string {
	v := s.str(i)
	if len(v) >= 2 {
		q := v[0]
		v = v[1 : len(v)-1]
		if strings.IndexByte(v, q) >= 0 {
			v = strings.ReplaceAll(v, string([]byte{q, q}), string(q))
		}
	}
	return v
}

// reserved words that can never be a table alias.
var notAlias = map[string]bool{
	"ON": true, "USING": true, "WHERE": true, "GROUP": true, "ORDER": true, "HAVING": true, "LIMIT": true,
	"JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true, "FULL": true, "CROSS": true, "OUTER": true,
	"NATURAL": true, "UNION": true, "EXCEPT": true, "INTERSECT": true, "MINUS": true, "LATERAL": true,
	"WINDOW": true, "QUALIFY": true, "SET": true, "WHEN": true, "SELECT": true, "FROM": true, "INSERT": true,
	"VALUES": true, "WITH": true, "DISTRIBUTE": true, "SORT": true, "CLUSTER": true, "STRAIGHT_JOIN": true,
	"SEMI": true, "ANTI": true, "TABLESAMPLE": true, "PIVOT": true, "UNPIVOT": true, "FOR": true, "OFFSET": true,
	"FETCH": true, "INTO": true, "AS": true, "PARTITION": true, "UPDATE": true, "DELETE": true, "MERGE": true,
	"RETURNING": true, "OUTPUT": true, "OPTION": true, "AND": true, "OR": true, "NOT": true, "IS": true,
}

func (s *stmt) aliasable(i int) bool {
	if !s.isName(i) {
		return false
	}
	if s.t[i].kind == tQuoted {
		return true
	}
	var buf [16]byte
	return !notAlias[string(upper(s.str(i), buf[:0]))]
}

// upper returns w in upper case in buf (without allocating for short words).
func upper(w string, buf []byte) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
