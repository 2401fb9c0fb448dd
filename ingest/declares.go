package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/lineagehq/lineage"
)

// Where a repository declares columns, besides CREATE TABLE in its scripts:
//
//   - a dbt model's (seed's, snapshot's) columns: in its properties file,
//     or nodes.*.columns of a manifest: declared on the model's job, for
//     its relation;
//   - a dbt sources: block's tables' columns: (or sources.*.columns of a
//     manifest): a source has no job, so each properties file that
//     declares source columns is a job of its own (Kind "dbt sources", id
//     SOURCE:FILE, no SQL, no reads or writes) that declares them. It is
//     owned as the file is (CODEOWNERS, default_owner) unless the sources
//     name a meta.owner, and it vanishes with the file as any job does;
//   - a schema file named by lineage.yaml's schemas: (JSON or YAML
//     {"db.table": ["col", ...]}, as lineage parse --schema reads): a job
//     of its own as well (Kind "schema file"), for warehouses whose DDL
//     lives elsewhere.
//
// The parser's schema lookup during the same run sees these declarations
// before the store does (graphSchema.local), so a model's SELECT * over a
// declared source resolves on the first ingest. A job whose column
// lineage still holds a star over a table of unknown columns is stored
// with starMark after its hash; a later run parses it again once the
// table has declared columns (starsResolvable), and keeps it otherwise.

// starMark follows the content hash of a job whose column lineage has a
// star over a table of unknown columns.
const starMark = "+star"

// hasStar reports whether a job's column lineage reads a table through a
// star over unknown columns.
func hasStar(c lineage.JobColumns) bool {
	for _, r := range c.Refs {
		if r.Column == lineage.Star {
			return true
		}
	}
	return false
}

// starsResolvable reports whether some table the stored job reads through
// a star now has declared columns, so that parsing it again would name
// them. In client mode (no store to ask) it is false: -force re-parses.
func (r *run) starsResolvable(ctx context.Context, id string) bool {
	if r.in.Graph == nil || r.schema == nil {
		return false
	}
	j, err := r.in.Graph.Job(ctx, id)
	if err != nil {
		return true // parse it again: that is always right
	}
	lookup := r.schema.lookup()
	for _, ref := range j.Columns.Refs {
		if ref.Column == lineage.Star {
			if _, ok := lookup(ref.Table); ok {
				return true
			}
		}
	}
	return false
}

// resolveStars parses once more, at the end of a run, the jobs whose
// column lineage the run's own declarations change, so that a repository
// converges in one run:
//
//   - jobs this run stored with a star over a table whose columns it then
//     declared (a dbt model's SQL output, read by a model parsed before
//     it); the store is asked afresh, as the run's lookups cached those
//     tables as unknown;
//   - unchanged jobs of the source that use a table whose declaring job
//     this run stored (a schema file or a model edited): their star may
//     now expand to other columns.
//
// In client mode, where only the server can tell, every job stored with
// a star is pushed once more. Jobs of other sources are parsed again by
// their own repository's next ingest only when they hold an unresolved
// star; a star resolved before keeps its expansion there until the script
// changes or -force.
func (r *run) resolveStars(ctx context.Context, fsys fs.FS) error {
	if r.opts.DryRun || len(r.starred)+len(r.redeclared) == 0 {
		return nil
	}
	again := r.starred
	if r.in.Client == nil {
		r.schema = newGraphSchema(ctx, r.in.Graph).withLocal(ctx, r.plan.localSchema())
		again = slices.DeleteFunc(slices.Clone(r.starred), func(s Spec) bool { return !r.starsResolvable(ctx, s.ID) })
		readers, err := r.readersOf(ctx, sortedKeys(r.redeclared))
		if err != nil {
			return err
		}
		for _, s := range readers {
			if !slices.ContainsFunc(again, func(a Spec) bool { return a.ID == s.ID }) {
				again = append(again, s)
			}
		}
	}
	if len(again) == 0 {
		return nil
	}
	r.repass = true
	defer func() { r.repass = false }()
	return r.jobs(ctx, fsys, again)
}

// readersOf returns the jobs of the plan, not changed in this run, that
// use a column of the given tables.
func (r *run) readersOf(ctx context.Context, tables []string) ([]Spec, error) {
	cs, _ := r.in.Graph.(lineage.ColumnStore)
	if cs == nil || len(tables) == 0 || len(r.changed) >= len(r.plan.Jobs) {
		return nil, nil // a first run changed every job: no reader to ask for
	}
	ids := map[string]bool{}
	for _, t := range tables {
		infos, err := cs.Columns(ctx, t)
		if lineage.ErrorCode(err) == lineage.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ingest: columns of %s: %w", t, err)
		}
		for _, ci := range infos {
			for _, u := range ci.Uses {
				if u.Job.Source == r.plan.Source && !r.changed[u.Job.ID] {
					ids[u.Job.ID] = true
				}
			}
		}
	}
	var out []Spec
	for _, s := range r.plan.Jobs {
		if ids[s.ID] && s.held == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// declaresLayout is the part of a job's hash its declared and documented
// columns decide.
func declaresLayout(declares, documented []lineage.TableSchema) []string {
	var l []string
	for _, d := range declares {
		l = append(l, "declares="+d.Table+":"+strings.Join(d.Columns, ","))
	}
	for _, d := range documented {
		l = append(l, "documented="+d.Table+":"+strings.Join(d.Columns, ","))
	}
	return l
}

// mergeDocumented adds the columns a dbt model's properties document to
// the declaration of its table from its SQL, if there is one: a list of
// columns: need not be complete, and a partial list answering the
// parser's lookups would hide the uses of the columns it lacks.
func mergeDocumented(c *lineage.JobColumns, documented []lineage.TableSchema) {
	for _, doc := range documented {
		for i, d := range c.Declares {
			if d.Table == doc.Table {
				c.Declares[i].Columns = append(slices.Clone(d.Columns), doc.Columns...)
			}
		}
	}
}

// declaration returns the columns declared for table, lower-cased, in
// order, without repeats, and the names left out because the store cannot
// keep them (empty, too long); ok is false when no column is left.
func declaration(table string, cols []string) (d lineage.TableSchema, bad []string, ok bool) {
	d.Table = strings.ToLower(strings.TrimSpace(table))
	for _, c := range cols {
		n := lineage.ColumnName{Table: d.Table, Column: strings.ToLower(strings.TrimSpace(c))}
		switch {
		case !storable(n) || n.Column == lineage.Star:
			bad = append(bad, c)
		case !slices.Contains(d.Columns, n.Column):
			d.Columns = append(d.Columns, n.Column)
		}
	}
	return d, bad, len(d.Columns) > 0 && storable(lineage.ColumnName{Table: d.Table, Column: "x"})
}

// localSchema collects the columns the plan's jobs declare, by table, for
// the parser's lookups during the run.
func (p *Plan) localSchema() map[string][]string {
	m := map[string][]string{}
	for _, s := range p.Jobs {
		for _, d := range s.Declares {
			for _, c := range d.Columns {
				if !slices.Contains(m[d.Table], c) {
					m[d.Table] = append(m[d.Table], c)
				}
			}
		}
	}
	return m
}

// schemaFiles turns the schema files lineage.yaml names into jobs. A file
// that cannot be read or is malformed is a held job: reported with file,
// line and what is wrong, and its stored declarations stay.
func (p *Plan) schemaFiles(fsys fs.FS) []Spec {
	var specs []Spec
	for _, file := range p.Config.Schemas {
		s := Spec{ID: p.Source + ":" + file, Path: file, Kind: "schema file", noSQL: true}
		s.Owner, s.OwnerFrom = p.owner(file)
		data, err := fs.ReadFile(fsys, file)
		if err == nil {
			s.content = data
			s.Declares, err = parseSchemaFile(file, data, p.Config.DefaultDB)
		} else {
			err = Failure{File: file, Message: fmt.Sprintf("cannot read the schema file %s names: %v", ConfigFile, unwrapPathError(err))}
		}
		if err != nil {
			f := failureOf(file, err)
			f.Job = s.ID
			f.Message += "; its stored columns are left as they are"
			s.held = &f
		}
		specs = append(specs, s)
	}
	return specs
}

// parseSchemaFile reads a schema file: a JSON object or YAML mapping from
// table names ("db.table"; a bare name takes defaultDB) to lists of column
// names. Errors are Failures naming the file, the line and what is wrong.
func parseSchemaFile(file string, data []byte, defaultDB string) ([]lineage.TableSchema, error) {
	type entry struct {
		table    string
		line     int
		cols     []string
		colLines []int
	}
	var entries []entry
	switch strings.ToLower(path.Ext(file)) {
	case ".json":
		lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
		dec := json.NewDecoder(bytes.NewReader(data))
		fail := func(off int64, format string, args ...any) error {
			return Failure{File: file, Line: lineAt(off), Message: fmt.Sprintf(format, args...)}
		}
		tokErr := func(err error) error {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return fail(se.Offset, "not valid JSON: %v", err)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fail(int64(len(data)), "the JSON ends too soon")
			}
			return fail(dec.InputOffset(), "%v", err)
		}
		want := `want an object {"db.table": ["col", ...]}`
		tok, err := dec.Token()
		if err != nil {
			return nil, tokErr(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return nil, fail(dec.InputOffset(), "%s", want)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, tokErr(err)
			}
			e := entry{table: tok.(string), line: lineAt(dec.InputOffset())}
			if tok, err = dec.Token(); err != nil {
				return nil, tokErr(err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return nil, fail(dec.InputOffset(), "table %q: %s: its columns must be a list of names", e.table, want)
			}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return nil, tokErr(err)
				}
				c, ok := tok.(string)
				if !ok {
					return nil, fail(dec.InputOffset(), "table %q: column %d must be a name (a string), got %v", e.table, len(e.cols)+1, tok)
				}
				e.cols, e.colLines = append(e.cols, c), append(e.colLines, lineAt(dec.InputOffset()))
			}
			if _, err := dec.Token(); err != nil {
				return nil, tokErr(err)
			}
			entries = append(entries, e)
		}
		if _, err := dec.Token(); err != nil {
			return nil, tokErr(err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, fail(dec.InputOffset(), "there is more after the object")
		}
	case ".yaml", ".yml":
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, yamlFailure(file, err)
		}
		if len(doc.Content) == 0 {
			return nil, Failure{File: file, Line: 1, Message: "the file is empty; want a mapping db.table: [col, ...]"}
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, Failure{File: file, Line: root.Line, Message: "want a mapping db.table: [col, ...]"}
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			e := entry{table: k.Value, line: k.Line}
			if v.Kind != yaml.SequenceNode {
				return nil, Failure{File: file, Line: v.Line, Column: v.Column, Message: fmt.Sprintf("table %q: its columns must be a list of names, such as [id, amount]", k.Value)}
			}
			for j, c := range v.Content {
				if c.Kind != yaml.ScalarNode {
					return nil, Failure{File: file, Line: c.Line, Column: c.Column, Message: fmt.Sprintf("table %q: column %d must be a name", k.Value, j+1)}
				}
				e.cols, e.colLines = append(e.cols, c.Value), append(e.colLines, c.Line)
			}
			entries = append(entries, e)
		}
	default:
		return nil, Failure{File: file, Message: "a schema file is .json, .yaml or .yml"}
	}
	var out []lineage.TableSchema
	seen := map[string]int{}
	for _, e := range entries {
		t := strings.ToLower(strings.TrimSpace(e.table))
		if t != "" && !strings.Contains(t, ".") && defaultDB != "" {
			t = defaultDB + "." + t
		}
		if _, err := lineage.NormalizeName("table", t, true); err != nil {
			return nil, Failure{File: file, Line: e.line, Message: fmt.Sprintf("table %q: the name %s", e.table, strings.TrimPrefix(lineage.ErrorMessage(err), "table: "))}
		}
		if prev, dup := seen[t]; dup {
			return nil, Failure{File: file, Line: e.line, Message: fmt.Sprintf("table %q is listed twice; the first is on line %d", e.table, prev)}
		}
		seen[t] = e.line
		if len(e.cols) == 0 {
			return nil, Failure{File: file, Line: e.line, Message: fmt.Sprintf("table %q lists no column", e.table)}
		}
		for j, c := range e.cols {
			if _, err := lineage.NormalizeName("column", c, true); err != nil || strings.TrimSpace(c) == lineage.Star {
				msg := "is not a column name"
				if err != nil {
					msg = strings.TrimPrefix(lineage.ErrorMessage(err), "column: ")
				}
				return nil, Failure{File: file, Line: e.colLines[j], Message: fmt.Sprintf("table %q: column %d %s", e.table, j+1, msg)}
			}
		}
		d, _, _ := declaration(t, e.cols)
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b lineage.TableSchema) int { return strings.Compare(a.Table, b.Table) })
	return out, nil
}

// splitDeclaring splits jobs into those that declare columns and the rest.
func splitDeclaring(jobs []Spec) (decl, rest []Spec) {
	for _, s := range jobs {
		if len(s.Declares) > 0 {
			decl = append(decl, s)
		} else {
			rest = append(rest, s)
		}
	}
	return decl, rest
}
