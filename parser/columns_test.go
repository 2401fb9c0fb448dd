package parser

import (
	"bufio"
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
	files, err := filepath.Glob(filepath.Join("testdata", "columns", "corpus", "*.jsonl"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no column corpus files: %v", err)
	}
	var cases []columnCase
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var c columnCase
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
			cases = append(cases, c)
		}
		fh.Close()
	}
	return cases
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
