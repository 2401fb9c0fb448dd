package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lineagehq/lineage/parser"
)

// loadSchema reads a --schema file: a JSON object mapping table names
// ("db.table") to their column names in table order. Names are matched
// lower-case, as the parser spells them.
func loadSchema(path string, columns bool) (func(string) ([]string, bool), error) {
	if path == "" {
		return nil, nil
	}
	if !columns {
		return nil, fmt.Errorf("--schema is used only with --columns")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading schema: %w", err)
	}
	var raw map[string][]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("schema %s: want a JSON object {\"db.table\": [\"col\", ...]}: %w", path, err)
	}
	m := make(map[string][]string, len(raw))
	for t, cols := range raw {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("schema %s: empty table name", path)
		}
		low := make([]string, len(cols))
		for i, c := range cols {
			if strings.TrimSpace(c) == "" {
				return nil, fmt.Errorf("schema %s: table %q: column %d is empty", path, t, i+1)
			}
			low[i] = strings.ToLower(c)
		}
		m[strings.ToLower(t)] = low
	}
	return func(t string) ([]string, bool) {
		cols, ok := m[t]
		return cols, ok
	}, nil
}

// writeColumnsText prints column lineage and references readably, when
// they were asked for.
func writeColumnsText(w io.Writer, res *parser.Result) {
	if res.Columns == nil {
		return
	}
	fmt.Fprintf(w, "  columns:\n")
	if len(res.Columns) == 0 {
		fmt.Fprintf(w, "    (none)\n")
	}
	for _, c := range res.Columns {
		fmt.Fprintf(w, "    %s <- %s%s\n", c.Target, listOrNone(c.Sources), unresolvedNote(c.Unresolved))
	}
	fmt.Fprintf(w, "  references:\n")
	if len(res.References) == 0 {
		fmt.Fprintf(w, "    (none)\n")
	}
	for _, r := range res.References {
		mark := ""
		if r.Unresolved {
			mark = "  (unresolved)"
		}
		fmt.Fprintf(w, "    %s (%s)%s\n", r.Column, r.Kind, mark)
	}
}

func unresolvedNote(u []string) string {
	if len(u) == 0 {
		return ""
	}
	return "  (unresolved: " + strings.Join(u, ", ") + ")"
}
