package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/lineagehq/lineage/parser"
)

// varFlags collects repeated --var K=V flags.
type varFlags map[string]string

func (v varFlags) String() string { return "" }

func (v varFlags) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want K=V, got %q", s)
	}
	v[strings.TrimSpace(k)] = val
	return nil
}

const parseUsage = `Usage: lineage parse [--dialect D] [--var K=V]... [--default-db DB] [--format json|text] [--columns [--schema FILE]] FILE...|-

Prints the tables each SQL script reads and writes, statement by statement.
A FILE of "-" reads the script from standard input. With several files, JSON
output is an array with one object per file.

Exit status: 0 when lineage was extracted (statements the parser could not
parse are then extracted from their tokens, marked "fallback" and warned
about), also when a file reads and writes no table (only SET, dfs, table-less
SELECTs: an empty result and a warning), 1 when no statement of a file parses
and nothing could be extracted from it (the message names the file, line and
column), 2 for bad usage.

Flags:
`

const parseExample = `
Example:
  lineage parse --dialect spark --var ds=2024-01-01 --default-db dw etl/daily_orders.sql
  echo 'INSERT OVERWRITE TABLE dw.t SELECT * FROM raw.s' | lineage parse --dialect hive --format text -
`

// runParse implements `lineage parse`. args excludes the subcommand name.
func runParse(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vars := varFlags{}
	dialect := fs.String("dialect", "", "SQL dialect: "+strings.Join(parser.Dialects(), ", ")+` ("" = auto)`)
	fs.Var(vars, "var", "template variable K=V for ${K}, ${hiveconf:K}, ${hivevar:K} and {{ K }} (repeatable)")
	defaultDB := fs.String("default-db", "", "database that qualifies unqualified table names, as USE DB would")
	format := fs.String("format", "json", "output format: json or text")
	columns := fs.Bool("columns", false, "also print column lineage (columns: target column <- source columns) and column references")
	schemaFile := fs.String("schema", "", `JSON file {"db.table": ["col", ...]} giving table columns for --columns (SELECT *, unqualified columns, INSERT by position)`)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), parseUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), parseExample)
	}
	if code, stop := parseFlags(fs, args, stdout); stop {
		return code
	}
	if *format != "json" && *format != "text" {
		fmt.Fprintf(stderr, "lineage parse: --format must be json or text, got %q\n", *format)
		return 2
	}
	if msg := unknownDialect(*dialect); msg != "" {
		fmt.Fprintf(stderr, "lineage parse: %s\n", msg)
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "lineage parse: no FILE given (use - for standard input)")
		fs.Usage()
		return 2
	}

	schema, err := loadSchema(*schemaFile, *columns)
	if err != nil {
		fmt.Fprintf(stderr, "lineage parse: %v\n", err)
		return 2
	}

	p := parser.New()
	results := make([]*parser.Result, 0, len(files))
	code := 0
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(stderr, "lineage parse: %v\n", err)
			return 1
		}
		script, display, err := readScript(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "lineage parse: %v\n", err)
			code = 1
			continue
		}
		res, err := p.Parse(script, parser.Options{Dialect: *dialect, Vars: vars, DefaultDB: *defaultDB, File: display, Columns: *columns, Schema: schema})
		if err != nil {
			// *parser.Error's text already names file, line and column.
			fmt.Fprintf(stderr, "lineage parse: %v\n", err)
			code = 1
			continue
		}
		if *format == "text" {
			// The text lists the warnings; saying them on stderr too would
			// print each twice on a terminal.
			writeText(stdout, display, res)
		} else {
			for _, w := range res.Warnings {
				fmt.Fprintf(stderr, "%s: warning: %s\n", display, w)
			}
		}
		results = append(results, res)
	}
	if *format == "json" && len(results) > 0 {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		var v any = results
		if len(files) == 1 {
			v = results[0]
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(stderr, "lineage parse: %v\n", err)
			return 1
		}
	}
	return code
}

// unknownDialect returns what to say about a --dialect the parser does not
// know (the known ones, and the closest as "did you mean"), or "".
func unknownDialect(d string) string {
	name := strings.ToLower(strings.TrimSpace(d))
	known := parser.Dialects()
	if name == "" || slices.Contains(known, name) {
		return ""
	}
	msg := fmt.Sprintf("unknown dialect %q", d)
	// The closest within two edits, else one the name starts ("post").
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(name, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		for _, k := range known {
			if strings.HasPrefix(k, name) {
				best = k
				break
			}
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return msg + "; known dialects: " + strings.Join(known, ", ") + `, or "" for auto`
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// readScript reads a file, or standard input for "-".
func readScript(name string, stdin io.Reader) (script, display string, err error) {
	if name == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", "<stdin>", fmt.Errorf("reading standard input: %w", err)
		}
		return string(b), "<stdin>", nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return "", name, err
	}
	return string(b), name, nil
}

// writeText prints a readable summary of one script's lineage.
func writeText(w io.Writer, name string, res *parser.Result) {
	fmt.Fprintf(w, "%s\n", name)
	fmt.Fprintf(w, "  reads:  %s\n", listOrNone(res.Reads))
	fmt.Fprintf(w, "  writes: %s\n", listOrNone(res.Writes))
	for _, st := range res.Statements {
		mark := ""
		if st.Confidence == parser.Fallback {
			mark = " (fallback)"
		}
		fmt.Fprintf(w, "  line %d: %s%s", st.Line, st.Kind, mark)
		if len(st.Reads) > 0 {
			fmt.Fprintf(w, "  reads %s", strings.Join(st.Reads, ", "))
		}
		if len(st.Writes) > 0 {
			fmt.Fprintf(w, "  writes %s", strings.Join(st.Writes, ", "))
		}
		fmt.Fprintln(w)
	}
	writeColumnsText(w, res)
	for _, wn := range res.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}
