package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/lineagehq/lineage"
)

// codeownersPaths are where a CODEOWNERS file may be, in the order GitHub
// looks; the first one found is used.
var codeownersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// Codeowners maps path patterns to owner handles, as a CODEOWNERS file does.
type Codeowners struct {
	// File is the file the rules came from, "" when there is none.
	File  string
	rules []codeownersRule
}

type codeownersRule struct {
	pat   pattern
	owner string // "" unsets: the path has no code owner
	line  int
}

// LoadCodeowners reads the repository's CODEOWNERS file, if any. Errors
// (EINVALID) name the file and line.
func LoadCodeowners(fsys fs.FS) (*Codeowners, error) {
	for _, p := range codeownersPaths {
		data, err := fs.ReadFile(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ingest: read %s: %w", p, err)
		}
		return ParseCodeowners(p, data)
	}
	return &Codeowners{}, nil
}

// ParseCodeowners parses a CODEOWNERS file: one `pattern owner...` rule a
// line, # comments. A job gets the first owner of the last matching rule; a
// rule without owners leaves its paths unowned.
func ParseCodeowners(file string, data []byte) (*Codeowners, error) {
	c := &Codeowners{File: file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		p, err := compilePattern(fields[0])
		if err != nil {
			return nil, configError(file, line, 1, "", "%v", err)
		}
		r := codeownersRule{pat: p, line: line}
		if len(fields) > 1 {
			h, err := ownerHandle(fields[1])
			if err != nil {
				return nil, configError(file, line, strings.Index(sc.Text(), fields[1])+1, "", "owner %q: %s", fields[1], lineage.ErrorMessage(err))
			}
			r.owner = h
		}
		c.rules = append(c.rules, r)
	}
	if err := sc.Err(); err != nil {
		return nil, configError(file, line+1, 1, "", "%v", err)
	}
	return c, nil
}

// Owner returns the owner CODEOWNERS gives a repository-relative path, and
// the line of the rule that gave it; "" and 0 when none does.
func (c *Codeowners) Owner(path string) (string, int) {
	if c == nil {
		return "", 0
	}
	for i := len(c.rules) - 1; i >= 0; i-- {
		if r := c.rules[i]; r.pat.match(path) {
			return r.owner, r.line
		}
	}
	return "", 0
}
