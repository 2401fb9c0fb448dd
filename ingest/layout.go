package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lineagehq/lineage"
)

// WriteRule is one path rule of lineage.yaml's writes: a script whose path
// matches Pattern writes the table Table names, its {parts} filled in from
// the path:
//
//	writes:
//	  "sql/{project}/{dataset}/{table}/query.sql": "{project}.{dataset}.{table}"
//
// A {part} matches one path segment or part of one ("{table}.sql"); "*"
// and "**" match as in the other patterns. Patterns are anchored at the
// repository root.
type WriteRule struct {
	Pattern string
	Table   string
	// Line is the rule's line in lineage.yaml.
	Line  int
	re    *regexp.Regexp
	parts []string
}

var partRE = regexp.MustCompile(`\{([^{}]*)\}`)

// parseWriteRules reads the writes: mapping of lineage.yaml. A rule whose
// table names a part its pattern lacks, or whose pattern names a part the
// table does not use, is an error naming the line and the part.
func parseWriteRules(file string, n *yaml.Node) ([]WriteRule, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.MappingNode:
	default:
		return nil, configError(file, n.Line, n.Column, "writes", "want a mapping from path pattern to table, such as \"sql/{project}/{dataset}/{table}/query.sql\": \"{project}.{dataset}.{table}\"")
	}
	var rules []WriteRule
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			return nil, configError(file, v.Line, v.Column, "writes", "the table of %q must be a name such as \"{dataset}.{table}\"", k.Value)
		}
		r, err := compileWriteRule(k.Value, v.Value)
		if err != nil {
			line, col := k.Line, k.Column
			var pe partError
			if errors.As(err, &pe) && pe.inTable {
				line, col = v.Line, v.Column
			}
			return nil, configError(file, line, col, "writes", "%v", err)
		}
		r.Line = k.Line
		rules = append(rules, r)
	}
	return rules, nil
}

// partError is a rule whose pattern and table do not name the same parts.
type partError struct {
	msg     string
	inTable bool
}

func (e partError) Error() string { return e.msg }

func compileWriteRule(pat, table string) (WriteRule, error) {
	raw := pat
	pat = strings.TrimLeft(strings.TrimSpace(pat), "/")
	if pat == "" {
		return WriteRule{}, fmt.Errorf("pattern %q matches nothing", raw)
	}
	if strings.ContainsAny(pat, "[]!\\") {
		return WriteRule{}, fmt.Errorf("pattern %q: character classes, negation and escapes are not supported", raw)
	}
	var b strings.Builder
	b.WriteString("^")
	parts := []string{}
	if err := writeGlob(&b, raw, strings.Split(pat, "/"), &parts); err != nil {
		return WriteRule{}, err
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return WriteRule{}, fmt.Errorf("pattern %q: %w", raw, err)
	}
	used := map[string]bool{}
	for _, m := range partRE.FindAllStringSubmatch(table, -1) {
		name := m[1]
		if !slices.Contains(parts, name) {
			return WriteRule{}, partError{msg: fmt.Sprintf("table %q names {%s}, which the pattern %q does not have (its parts: %s)", table, name, raw, partList(parts)), inTable: true}
		}
		used[name] = true
	}
	for _, p := range parts {
		if !used[p] {
			return WriteRule{}, partError{msg: fmt.Sprintf("pattern %q names {%s}, which the table %q does not use; write * for a path part that does not matter", raw, p, table)}
		}
	}
	return WriteRule{Pattern: raw, Table: table, re: re, parts: parts}, nil
}

func partList(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return "{" + strings.Join(parts, "}, {") + "}"
}

func isPartName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// apply returns the table the rule gives path, or "" when it does not match.
func (r WriteRule) apply(p string) string {
	m := r.re.FindStringSubmatch(p)
	if m == nil {
		return ""
	}
	return partRE.ReplaceAllStringFunc(r.Table, func(s string) string {
		return m[r.re.SubexpIndex(s[1:len(s)-1])]
	})
}

// writesFor returns the table lineage.yaml's writes: rules give path (the
// last matching rule wins) and the rule's line, or "".
func (c *Config) writesFor(p string) (string, int) {
	table, line := "", 0
	for _, r := range c.Writes {
		if t := r.apply(p); t != "" {
			table, line = t, r.Line
		}
	}
	return table, line
}

// MetadataFile is the file beside a script that may name its owners, as
// bigquery-etl keeps them: owners: [first@example.com, second@example.com].
const MetadataFile = "metadata.yaml"

// scriptMetadata is what ingest reads of a metadata.yaml; schedulers keep
// much more there.
type scriptMetadata struct {
	Owners []posString `yaml:"owners"`
}

// metadataOwners reads the owners: of the metadata.yaml in dir: the first
// is the owner (the ticket's assignee), the others watchers; line is the
// first owner's. owner is "" when there is no such file or it names no
// owner; err is a Failure naming the file and line.
func metadataOwners(fsys fs.FS, dir string) (owner string, watchers []string, line int, err error) {
	file := path.Join(dir, MetadataFile)
	data, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, 0, nil
	}
	if err != nil {
		return "", nil, 0, Failure{File: file, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
	}
	var md scriptMetadata
	if err := yaml.Unmarshal(data, &md); err != nil {
		return "", nil, 0, yamlFailure(file, err)
	}
	for _, o := range md.Owners {
		h, err := ownerHandle(o.Value)
		if err != nil {
			return "", nil, 0, Failure{File: file, Line: o.Line, Column: o.Column, Message: "owners: " + lineage.ErrorMessage(err)}
		}
		if owner == "" {
			owner, line = h, o.Line
		} else if h != owner && !slices.Contains(watchers, h) {
			watchers = append(watchers, h)
		}
	}
	return owner, watchers, line, nil
}
