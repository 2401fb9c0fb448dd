package parser

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tname is a table name as the script spells it: lower-case parts without
// quotes joined by dots, or a storage path kept as written.
type tname struct {
	s    string
	path bool
}

func (n tname) qualified() bool { return n.path || strings.IndexByte(n.s, '.') >= 0 }

// isTemp reports names of T-SQL and Redshift temporary tables (#t, ##t).
func (n tname) isTemp() bool { return !n.path && strings.HasPrefix(n.s, "#") }

// unquote returns the name inside a quoted-name token.
func unquote(s string) string {
	if len(s) < 2 {
		return s
	}
	q := s[0]
	endq := q
	if q == '[' {
		endq = ']'
	}
	if (q == '`' || q == '"' || q == '[') && s[len(s)-1] == endq {
		s = s[1 : len(s)-1]
		if strings.IndexByte(s, endq) >= 0 {
			s = strings.ReplaceAll(s, string([]byte{endq, endq}), string(endq))
		}
	}
	return s
}

// joinParts normalises name parts into a tname.
func joinParts(parts []string, d *dialect) tname {
	if len(parts) == 2 && isFileFormat(parts[0]) && looksLikePath(parts[1]) {
		return tname{s: parts[1], path: true}
	}
	var s string
	if len(parts) == 1 {
		s = strings.ToLower(parts[0]) // no copy when already lower-case
	} else {
		s = joinLower(parts)
	}
	if d != nil && d.shards {
		s = normaliseShard(s)
	}
	return tname{s: s}
}

// isFileFormat reports Spark's file-source prefixes: parquet.`/path`.
func isFileFormat(s string) bool {
	switch strings.ToLower(s) {
	case "parquet", "json", "csv", "orc", "text", "avro", "delta", "binaryfile", "iceberg", "hudi":
		return true
	}
	return false
}

func looksLikePath(s string) bool {
	return strings.IndexByte(s, '/') >= 0 || strings.Contains(s, "://")
}

// normaliseShard follows BigQuery's conventions: a partition decorator
// (t$20230101) is not part of the name, and date-sharded tables
// (events_20230101, events_2023*) are one logical table, events_yyyymmdd.
func normaliseShard(s string) string {
	if i := strings.IndexByte(s, '$'); i > 0 {
		s = s[:i]
	}
	dot := strings.LastIndexByte(s, '.')
	last := s[dot+1:]
	u := strings.LastIndexByte(last, '_')
	if u < 0 {
		return s
	}
	suffix := last[u+1:]
	star := strings.HasSuffix(suffix, "*")
	digits := strings.TrimSuffix(suffix, "*")
	if len(digits) == 0 || len(digits) > 8 || !allDigits(digits) {
		return s
	}
	if (len(digits) == 8 && (strings.HasPrefix(digits, "19") || strings.HasPrefix(digits, "20"))) || (star && (strings.HasPrefix(digits, "19") || strings.HasPrefix(digits, "20") || len(digits) < 4)) {
		return s[:dot+1] + last[:u+1] + "yyyymmdd"
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const placeholderPrefix = "_lnph"

func placeholder(i int) string { return placeholderPrefix + strconv.Itoa(i) + "_" }

// placeholderIndex returns i for a placeholder name, or -1.
func placeholderIndex(s string) int {
	if !strings.HasPrefix(s, placeholderPrefix) || !strings.HasSuffix(s, "_") {
		return -1
	}
	n, err := strconv.Atoi(s[len(placeholderPrefix) : len(s)-1])
	if err != nil {
		return -1
	}
	return n
}

// joinLower returns the parts lower-cased and joined by dots, in one
// allocation when they are ASCII (strings.ToLower then changes only A-Z).
func joinLower(parts []string) string {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
		for i := 0; i < len(p); i++ {
			if p[i] >= utf8.RuneSelf {
				var sb strings.Builder
				for i, p := range parts {
					if i > 0 {
						sb.WriteByte('.')
					}
					sb.WriteString(strings.ToLower(p))
				}
				return sb.String()
			}
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, p := range parts {
		if i > 0 {
			sb.WriteByte('.')
		}
		for j := 0; j < len(p); j++ {
			sb.WriteByte(lowerASCII(p[j]))
		}
	}
	return sb.String()
}
