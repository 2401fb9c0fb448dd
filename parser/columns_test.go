package parser

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// columnCase is one line of testdata/columns/corpus/*.jsonl (copied from
// the shared column corpora).
type columnCase struct {
	ID      string              `json:"id"`
	Source  string              `json:"source"`
	Dialect string              `json:"dialect"`
	SQL     string              `json:"sql"`
	Schema  map[string][]string `json:"schema"`
	Columns []ColumnLineage     `json:"columns"`
	Tags    []string            `json:"tags"`
}

// columnNote is an entry of testdata/columns/expect.json: a case where our
// contract differs from the source's on purpose (Columns then holds what we
// expect), or one we do not match yet (Miss), each with its reason.
type columnNote struct {
	Columns []ColumnLineage `json:"columns,omitempty"`
	Miss    bool            `json:"miss,omitempty"`
	Reason  string          `json:"reason"`
}

func loadColumnCases(tb testing.TB) []columnCase {
	tb.Helper()
	return readJSONL[columnCase](tb, filepath.Join("testdata", "columns", "corpus", "*.jsonl"), "no column corpus files", nil)
}

// schemaFunc turns a {"db.table": [cols]} map into Options.Schema.
func schemaFunc(m map[string][]string) func(string) ([]string, bool) {
	if m == nil {
		return nil
	}
	low := make(map[string][]string, len(m))
	for k, v := range m {
		low[strings.ToLower(k)] = v
	}
	return func(t string) ([]string, bool) {
		cols, ok := low[t]
		return cols, ok
	}
}

// flowLines renders column lineage as sorted "target <- a, b" lines,
// leaving out targets without sources (as the corpus scoring does).
func flowLines(cols []ColumnLineage) []string {
	var out []string
	for _, c := range cols {
		if len(c.Sources) == 0 {
			continue
		}
		src := slices.Clone(c.Sources)
		for i := range src {
			src[i] = strings.ToLower(src[i])
		}
		slices.Sort(src)
		out = append(out, strings.ToLower(c.Target)+" <- "+strings.Join(slices.Compact(src), ", "))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var updateColumnNotes = flag.Bool("update-column-notes", false, "rewrite the columns of the contract notes in testdata/columns/expect.json with our output (review the diff)")

// TestColumnCorpus runs every column corpus case as a subtest. A case
// passes when our column lineage equals the corpus's, or ours as recorded
// in testdata/columns/expect.json where our contract differs on purpose.
// Cases we miss are listed there too (miss: true) with the reason, and
// must stay misses: a miss that starts to pass fails until its note goes.
// At least 90% must match (as written or by a recorded contract reason).
func TestColumnCorpus(t *testing.T) {
	cases := loadColumnCases(t)
	data, err := os.ReadFile(filepath.Join("testdata", "columns", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]columnNote{}
	if err := json.Unmarshal(data, &notes); err != nil {
		t.Fatalf("expect.json: %v", err)
	}
	p := New()
	seen := map[string]bool{}
	var total, asWritten, byContract, misses int
	bySource := map[string][2]int{}
	for _, c := range cases {
		if seen[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		seen[c.ID] = true
		total++
		note, hasNote := notes[c.ID]
		t.Run(c.ID, func(t *testing.T) {
			res, err := p.Parse(c.SQL, Options{Dialect: c.Dialect, Columns: true, Schema: schemaFunc(c.Schema)})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := flowLines(res.Columns)
			want := flowLines(c.Columns)
			st := bySource[c.Source]
			st[0]++
			defer func() { bySource[c.Source] = st }()
			if slices.Equal(got, want) {
				asWritten++
				st[1]++
				if hasNote {
					t.Errorf("matches the corpus as written; remove its note from expect.json (%s)", note.Reason)
				}
				return
			}
			if *updateColumnNotes && hasNote && !note.Miss {
				var keep []ColumnLineage
				for _, cl := range res.Columns {
					if len(cl.Sources) > 0 {
						keep = append(keep, cl)
					}
				}
				note.Columns = keep
				notes[c.ID] = note
			}
			msg := fmt.Sprintf("got:\n  %s\nwant (corpus):\n  %s\nsql:\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), c.SQL)
			switch {
			case !hasNote:
				t.Errorf("column lineage differs and expect.json has no note\n%s", msg)
			case note.Miss:
				misses++
				t.Skipf("known miss: %s\n%s", note.Reason, msg)
			default:
				ours := flowLines(note.Columns)
				if !slices.Equal(got, ours) {
					t.Errorf("differs from our recorded contract (%s):\n%s\nwant (ours):\n  %s", note.Reason, msg, strings.Join(ours, "\n  "))
					return
				}
				byContract++
				st[1]++
			}
		})
	}
	for id := range notes {
		if !seen[id] {
			t.Errorf("expect.json names unknown case %s", id)
		}
	}
	if *updateColumnNotes {
		out, err := json.MarshalIndent(notes, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "columns", "expect.json"), append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var srcs []string
	for s := range bySource {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	var rep strings.Builder
	for _, s := range srcs {
		fmt.Fprintf(&rep, "%-11s %3d cases, %5.1f%% exact (as written or by contract)\n", s, bySource[s][0], pct(bySource[s][1], bySource[s][0]))
	}
	ok := asWritten + byContract
	fmt.Fprintf(&rep, "all         %3d cases: %d as written, %d by recorded contract reason, %d known misses: %.1f%% exact", total, asWritten, byContract, misses, pct(ok, total))
	t.Logf("column corpus:\n%s", rep.String())
	if pct(ok, total) < 90 {
		t.Errorf("column corpus: %.1f%% exact, want at least 90%%", pct(ok, total))
	}
}

// columnScript is a golden column script: testdata/columns/scripts/NAME.sql
// with header comments "-- dialect: D", "-- default-db: DB" and
// "-- schema: {"db.t": ["col", ...]}" (one line of JSON).
type columnScript struct {
	name   string
	path   string
	src    string
	opts   Options
	schema map[string][]string
}

func loadColumnScripts(tb testing.TB) []columnScript {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "columns", "scripts", "*.sql"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no column scripts: %v", err)
	}
	var out []columnScript
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		cs := columnScript{name: strings.TrimSuffix(filepath.Base(f), ".sql"), path: f, src: string(b)}
		cs.opts = scriptOptions(filepath.Base(f), cs.src)
		for _, line := range strings.Split(cs.src, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "--") {
				break
			}
			if v, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(line, "--")), "schema:"); ok {
				if err := json.Unmarshal([]byte(v), &cs.schema); err != nil {
					tb.Fatalf("%s: schema header: %v", f, err)
				}
			}
		}
		cs.opts.Columns = true
		cs.opts.Schema = schemaFunc(cs.schema)
		out = append(out, cs)
	}
	return out
}

// columnGolden is what NAME.golden.json holds: the column results only
// (table lineage has its own goldens).
type columnGolden struct {
	Columns    []ColumnLineage    `json:"columns"`
	References []ColumnRef        `json:"references"`
	Statements []columnGoldenStmt `json:"statements"`
	Warnings   []Warning          `json:"warnings"`
}

type columnGoldenStmt struct {
	Line       int             `json:"line"`
	Kind       string          `json:"kind"`
	Confidence string          `json:"confidence"`
	Columns    []ColumnLineage `json:"columns"`
	References []ColumnRef     `json:"references"`
}

func goldenOf(res *Result) columnGolden {
	g := columnGolden{Columns: res.Columns, References: res.References, Warnings: res.Warnings}
	for _, st := range res.Statements {
		if len(st.Columns) == 0 && len(st.References) == 0 {
			continue
		}
		g.Statements = append(g.Statements, columnGoldenStmt{Line: st.Line, Kind: st.Kind, Confidence: st.Confidence, Columns: st.Columns, References: st.References})
	}
	return g
}

// TestColumnGolden parses every golden column script and compares its
// column lineage and references (hand-checked when first written) with
// NAME.golden.json; -update rewrites them. Table-level results of the same
// script must not change when columns are asked for.
func TestColumnGolden(t *testing.T) {
	p := New()
	for _, cs := range loadColumnScripts(t) {
		t.Run(cs.name, func(t *testing.T) {
			res, err := p.Parse(cs.src, cs.opts)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			for _, st := range res.Statements {
				if st.Confidence != Parsed {
					t.Errorf("statement at line %d (%s) is %q: %v", st.Line, st.Kind, st.Confidence, res.Warnings)
				}
			}
			plain := cs.opts
			plain.Columns, plain.Schema = false, nil
			tres, err := New().Parse(cs.src, plain)
			if err != nil {
				t.Fatalf("Parse without columns: %v", err)
			}
			if !slices.Equal(tres.Reads, res.Reads) || !slices.Equal(tres.Writes, res.Writes) || len(tres.Statements) != len(res.Statements) {
				t.Errorf("table lineage changes with Columns: %v/%v, want %v/%v", res.Reads, res.Writes, tres.Reads, tres.Writes)
			}
			if tres.Columns != nil || tres.References != nil {
				t.Errorf("column results without Options.Columns")
			}
			got, err := json.MarshalIndent(goldenOf(res), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(cs.path, ".sql") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s (run go test ./parser -update and review the diff):\n%s", cs.path, golden, got)
			}
		})
	}
}

// TestColumnGoldenUnresolved checks that the references of every golden
// script with a schema are complete and come from the schema: for each
// resolved reference db.t.col, the script is parsed again with col removed
// from db.t's schema, and the job must then be reported as reading an
// unresolved column named col. A column the script reads only through a
// star must instead drop out of the references (the schema says the star
// no longer has it).
func TestColumnGoldenUnresolved(t *testing.T) {
	p := New()
	for _, cs := range loadColumnScripts(t) {
		if cs.schema == nil {
			continue
		}
		res, err := p.Parse(cs.src, cs.opts)
		if err != nil {
			t.Fatalf("%s: %v", cs.name, err)
		}
		words := sqlWords(cs.src)
		done := map[string]bool{}
		for _, ref := range res.References {
			if ref.Unresolved || done[ref.Column] {
				continue
			}
			done[ref.Column] = true
			dot := strings.LastIndexByte(ref.Column, '.')
			table, col := ref.Column[:dot], ref.Column[dot+1:]
			cols, ok := cs.schema[table]
			if !ok || col == "*" {
				continue
			}
			t.Run(cs.name+"/"+ref.Column, func(t *testing.T) {
				m := map[string][]string{}
				for k, v := range cs.schema {
					m[k] = v
				}
				m[table] = slices.DeleteFunc(slices.Clone(cols), func(c string) bool { return strings.EqualFold(c, col) })
				opts := cs.opts
				opts.Schema = schemaFunc(m)
				res2, err := New().Parse(cs.src, opts)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				reported, still := false, false
				for _, r := range res2.References {
					if r.Unresolved && strings.HasSuffix(r.Column, "."+col) {
						reported = true
					}
					if r.Column == ref.Column && !r.Unresolved {
						still = true
					}
				}
				if words[col] {
					if !reported {
						t.Errorf("with %s removed from the schema of %s, no unresolved reference to %s: %v", col, table, col, res2.References)
					}
				} else if still {
					t.Errorf("%s is read only through a star, yet stays referenced when the schema drops it: %v", ref.Column, res2.References)
				}
			})
		}
	}
}

// sqlWords returns the lower-case words of a script outside its header
// comments (a rough tokenisation: enough to tell a named column from one
// only a star reads).
func sqlWords(src string) map[string]bool {
	words := map[string]bool{}
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool {
			return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			words[w] = true
		}
	}
	return words
}

// checkColumns is FuzzParse's check of a --columns parse against the
// table-only parse of the same script: same outcome, same tables, and no
// internal error in column extraction (which is recovered into a warning).
func checkColumns(t *testing.T, res *Result, err error, cres *Result, cerr error) {
	t.Helper()
	if (err == nil) != (cerr == nil) {
		t.Fatalf("with Columns the parse error is %v, without it %v", cerr, err)
	}
	if err != nil {
		return
	}
	if !slices.Equal(res.Reads, cres.Reads) || !slices.Equal(res.Writes, cres.Writes) {
		t.Fatalf("Columns changes table lineage: %v/%v, without it %v/%v", cres.Reads, cres.Writes, res.Reads, res.Writes)
	}
	if cres.Columns == nil || cres.References == nil {
		t.Fatal("Columns set but nil column lists")
	}
	for _, w := range cres.Warnings {
		if strings.Contains(w.Message, "internal error") {
			t.Fatalf("column extraction: %s", w)
		}
	}
}
