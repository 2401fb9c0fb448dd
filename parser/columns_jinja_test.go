package parser

import (
	"slices"
	"testing"
)

// TestColumnsJinjaBranches checks that the column lineage of a templated
// script is the union over its renderings, as its tables are: a column
// used in one branch of an undecided {% if %} is a reference.
func TestColumnsJinjaBranches(t *testing.T) {
	sql := "INSERT INTO db.out\nSELECT\n{% if is_init() %}\n  a\n{% else %}\n  b\n{% endif %}\nFROM db.src"
	res, err := New().Parse(sql, Options{Dialect: "bigquery", Columns: true})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range res.References {
		refs = append(refs, r.Column+":"+r.Kind)
	}
	if !slices.Contains(refs, "db.src.a:value") || !slices.Contains(refs, "db.src.b:value") {
		t.Errorf("references %v: want db.src.a and db.src.b, one from each branch", refs)
	}
	var srcs []string
	for _, c := range res.Columns {
		srcs = append(srcs, c.Sources...)
	}
	if !slices.Contains(srcs, "db.src.a") || !slices.Contains(srcs, "db.src.b") {
		t.Errorf("column sources %v: want both branches' columns", srcs)
	}
}
