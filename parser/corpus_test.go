package parser

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// corpusCase is one line of testdata/corpus/*.jsonl (copied from the shared
// corpora: other projects' expectations, re-encoded).
type corpusCase struct {
	ID      string   `json:"id"`
	Source  string   `json:"source"`
	Dialect string   `json:"dialect"`
	SQL     string   `json:"sql"`
	Reads   []string `json:"reads"`
	Writes  []string `json:"writes"`
	Tags    []string `json:"tags"`
}

// corpusNote is an entry of testdata/corpus_expect.json: a case we skip, or
// one where our convention differs from the source's on purpose (then
// Reads/Writes hold what we expect instead).
type corpusNote struct {
	Skip   bool     `json:"skip,omitempty"`
	Reads  []string `json:"reads,omitempty"`
	Writes []string `json:"writes,omitempty"`
	Reason string   `json:"reason"`
}

func loadCorpus(tb testing.TB) []corpusCase {
	tb.Helper()
	return readJSONL[corpusCase](tb, filepath.Join("testdata", "corpus", "*.jsonl"), "no corpus files", nil)
}

func loadNotes(tb testing.TB) map[string]corpusNote {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "corpus_expect.json"))
	if err != nil {
		tb.Fatal(err)
	}
	notes := map[string]corpusNote{}
	if err := json.Unmarshal(data, &notes); err != nil {
		tb.Fatalf("corpus_expect.json: %v", err)
	}
	return notes
}

type tally struct{ cases, corpusMatch, ourMatch int }

// TestCorpus runs every corpus case as a subtest. A case passes when reads
// and writes both equal the expectation: the corpus's, or ours where
// corpus_expect.json records a deliberate difference. It fails overall if
// fewer than 90% of all cases, or 80% of a dialect's (5 cases or more),
// match.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	notes := loadNotes(t)
	seen := map[string]bool{}
	byDialect := map[string]*tally{}
	var all tally
	p := New()
	for _, c := range cases {
		if seen[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		seen[c.ID] = true
		note, hasNote := notes[c.ID]
		d := byDialect[c.Dialect]
		if d == nil {
			d = &tally{}
			byDialect[c.Dialect] = d
		}
		d.cases++
		all.cases++
		t.Run(c.ID, func(t *testing.T) {
			if hasNote && note.Skip {
				t.Skip(note.Reason)
			}
			res, err := p.Parse(c.SQL, Options{Dialect: c.Dialect})
			var reads, writes []string
			if err == nil {
				reads, writes = res.Reads, res.Writes
			}
			wantR, wantW := norm(c.Reads), norm(c.Writes)
			if equal(reads, wantR) && equal(writes, wantW) {
				d.corpusMatch++
				all.corpusMatch++
			}
			if hasNote && !note.Skip {
				wantR, wantW = norm(note.Reads), norm(note.Writes)
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !equal(reads, wantR) || !equal(writes, wantW) {
				t.Errorf("reads %v, want %v\nwrites %v, want %v\nsql:\n%s\nstatements: %+v\nwarnings: %v", reads, wantR, writes, wantW, c.SQL, res.Statements, res.Warnings)
				return
			}
			d.ourMatch++
			all.ourMatch++
		})
	}
	for id := range notes {
		if !seen[id] {
			t.Errorf("corpus_expect.json names unknown case %s", id)
		}
	}
	names := make([]string, 0, len(byDialect))
	for n := range byDialect {
		names = append(names, n)
	}
	sort.Strings(names)
	var report strings.Builder
	fmt.Fprintf(&report, "%-12s %5s %8s %8s\n", "dialect", "cases", "ours", "corpus")
	for _, n := range names {
		d := byDialect[n]
		fmt.Fprintf(&report, "%-12s %5d %7.1f%% %7.1f%%\n", n, d.cases, pct(d.ourMatch, d.cases), pct(d.corpusMatch, d.cases))
		if d.cases >= 5 && pct(d.ourMatch, d.cases) < 80 {
			t.Errorf("dialect %s: %.1f%% exact matches, want at least 80%%", n, pct(d.ourMatch, d.cases))
		}
	}
	fmt.Fprintf(&report, "%-12s %5d %7.1f%% %7.1f%%\n", "all", all.cases, pct(all.ourMatch, all.cases), pct(all.corpusMatch, all.cases))
	t.Logf("exact matches (ours: against our conventions; corpus: against the corpus as written):\n%s", report.String())
	if pct(all.ourMatch, all.cases) < 90 {
		t.Errorf("overall: %.1f%% exact matches, want at least 90%%", pct(all.ourMatch, all.cases))
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func norm(s []string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		out = append(out, x)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func equal(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}
