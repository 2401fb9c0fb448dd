package ingest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// pattern is a path pattern as CODEOWNERS writes them, also used for the
// dialect, ignore and workflow patterns of lineage.yaml:
//
//   - a pattern without a slash (other than a trailing one) matches at any
//     depth: "*.hql", "staging";
//   - a pattern with a slash is anchored at the repository root: "/ods/",
//     "finance/*.sql";
//   - "*" and "?" do not cross "/"; "**" as a whole segment matches any number
//     of directories;
//   - a trailing "/" matches everything under a directory; a pattern whose
//     last segment has no wildcard also matches everything under a directory
//     of that name, while "docs/*" matches only files directly in docs/, as
//     GitHub documents for CODEOWNERS.
type pattern struct {
	raw string
	re  *regexp.Regexp
}

func compilePattern(p string) (pattern, error) {
	raw := p
	p = strings.TrimSpace(p)
	if strings.ContainsAny(p, "[]{}!\\") {
		return pattern{}, fmt.Errorf("pattern %q: character classes, braces, negation and escapes are not supported", raw)
	}
	dirOnly := strings.HasSuffix(p, "/")
	p = strings.TrimRight(p, "/")
	anchored := strings.HasPrefix(p, "/")
	p = strings.TrimLeft(p, "/")
	if strings.Contains(p, "/") {
		anchored = true
	}
	if p == "" {
		return pattern{}, fmt.Errorf("pattern %q matches nothing", raw)
	}
	var b strings.Builder
	b.WriteString("^")
	if !anchored {
		b.WriteString("(?:.*/)?")
	}
	segs := strings.Split(p, "/")
	if err := writeGlob(&b, raw, segs, nil); err != nil {
		return pattern{}, err
	}
	lastSeg := segs[len(segs)-1]
	switch {
	case dirOnly:
		b.WriteString("/.*")
	case lastSeg != "**" && !strings.ContainsAny(lastSeg, "*?"):
		b.WriteString("(?:/.*)?")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return pattern{}, fmt.Errorf("pattern %q: %w", raw, err)
	}
	return pattern{raw: raw, re: re}, nil
}

// writeGlob writes the regular expression of a glob's path segments: "**"
// is any number of directories, "*" and "?" stay within a segment. With
// parts non-nil, "{name}" captures a segment part under that name (added
// to *parts, each name once); callers without parts refuse braces before.
func writeGlob(b *strings.Builder, raw string, segs []string, parts *[]string) error {
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg == "**" {
			if last {
				b.WriteString(".*")
			} else {
				b.WriteString("(?:.*/)?")
			}
			continue
		}
		if seg == "" {
			return fmt.Errorf("pattern %q has an empty path segment", raw)
		}
		for j := 0; j < len(seg); j++ {
			switch c := seg[j]; {
			case c == '{' && parts != nil:
				end := strings.IndexByte(seg[j:], '}')
				if end < 0 {
					return fmt.Errorf("pattern %q: { without }", raw)
				}
				name := seg[j+1 : j+end]
				if !isPartName(name) {
					return fmt.Errorf("pattern %q: {%s} is not a part name (letters, digits and _)", raw, name)
				}
				if slices.Contains(*parts, name) {
					return fmt.Errorf("pattern %q names {%s} twice", raw, name)
				}
				*parts = append(*parts, name)
				b.WriteString("(?P<" + name + ">[^/]+?)")
				j += end
			case c == '}' && parts != nil:
				return fmt.Errorf("pattern %q: } without {", raw)
			case c == '*':
				b.WriteString("[^/]*")
			case c == '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(seg[j : j+1])) // bytes: keeps UTF-8 whole
			}
		}
		if !last {
			b.WriteString("/")
		}
	}
	return nil
}

// match reports whether the slash-separated, repository-relative path
// matches.
func (p pattern) match(path string) bool { return p.re.MatchString(path) }
