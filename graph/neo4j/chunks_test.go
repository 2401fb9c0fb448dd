package neo4j

import (
	"strings"
	"testing"
)

// TestChunks checks how PutJobs splits its rows: by count, and for job rows
// also by the script bytes they carry, never leaving a row out.
func TestChunks(t *testing.T) {
	job := func(n int) any { return map[string]any{"id": "j", "script": strings.Repeat("x", n)} }
	noScript := map[string]any{"id": "j", "script": nil}
	rows := func(n int, r any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = r
		}
		return out
	}
	mb := 1 << 20
	cases := []struct {
		name string
		rows []any
		want []int // chunk lengths
	}{
		{"Empty", nil, nil},
		{"Names", rows(chunk*2+1, "t.a"), []int{chunk, chunk, 1}},
		{"NoScripts", rows(chunk+1, noScript), []int{chunk, 1}},
		{"SmallScripts", rows(chunk+1, job(10)), []int{chunk, 1}},
		{"ByBytes", rows(20, job(mb)), []int{8, 8, 4}},
		{"OneLargerThanBudget", []any{job(10), job(chunkScriptBytes + 1), job(10)}, []int{1, 1, 1}},
		{"ExactBudget", []any{job(chunkScriptBytes / 2), job(chunkScriptBytes / 2), job(1)}, []int{2, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			total := 0
			for ch := range chunks(c.rows) {
				got = append(got, len(ch))
				total += len(ch)
			}
			if total != len(c.rows) || !equalInts(got, c.want) {
				t.Errorf("chunks = %v (total %d), want %v (total %d)", got, total, c.want, len(c.rows))
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
