package ingest

import "testing"

func TestPattern(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*.hql", "a.hql", true},
		{"données/*.sql", "données/a.sql", true}, // non-ASCII names match as written
		{"données/*.sql", "donnÃ©es/a.sql", false},
		{"*.hql", "ods/deep/a.hql", true},
		{"*.hql", "a.sql", false},
		{"ods/", "ods/a.hql", true},
		{"ods/", "x/ods/a.hql", true},
		{"ods/", "ods", false},
		{"/ods/", "x/ods/a.hql", false},
		{"/ods", "ods/sub/a.sql", true},
		{"docs/*", "docs/a.md", true},
		{"docs/*", "docs/build/a.md", false},
		{"/sandbox/cohort_*", "sandbox/cohort_retention.sql", true},
		{"/sandbox/cohort_*", "sandbox/adhoc.sql", false},
		{"**/logs", "a/b/logs/x.sql", true},
		{"**/logs", "logs", true},
		{"a/**/b.sql", "a/b.sql", true},
		{"a/**/b.sql", "a/x/y/b.sql", true},
		{"a/**", "a/x/y/b.sql", true},
		{"a/**", "b/a/x.sql", false},
		{"f?o.sql", "foo.sql", true},
		{"f?o.sql", "f/o.sql", false},
		{"a.b", "axb", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.path, func(t *testing.T) {
			p, err := compilePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.match(tt.path); got != tt.want {
				t.Errorf("match = %v, want %v (regexp %s)", got, tt.want, p.re)
			}
		})
	}
	for _, bad := range []string{"", "/", "[ab].sql", "!x", "a//b"} {
		if _, err := compilePattern(bad); err == nil {
			t.Errorf("compilePattern(%q) succeeded, want an error", bad)
		}
	}
}
