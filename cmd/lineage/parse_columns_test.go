package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/parser"
)

func TestRunParseColumns(t *testing.T) {
	const job = "INSERT INTO dw.out SELECT o.*, c.name FROM raw.orders o JOIN raw.customers c ON o.cid = c.id WHERE c.active = 1"
	t.Run("NoSchema", func(t *testing.T) {
		code, out, errs := runParseT(t, job, "--columns", "-")
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		var res parser.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("output is not one JSON object: %v\n%s", err, out)
		}
		want := []parser.ColumnLineage{
			{Target: "dw.out.*", Sources: []string{"raw.orders.*"}, Unresolved: []string{"raw.orders.*"}},
			{Target: "dw.out.name", Sources: []string{"raw.customers.name"}},
		}
		if got, _ := json.Marshal(res.Columns); string(got) != mustJSON(t, want) {
			t.Errorf("columns %s, want %s", got, mustJSON(t, want))
		}
		if len(res.Statements) != 1 || len(res.Statements[0].References) != len(res.References) {
			t.Errorf("per-statement references missing: %+v", res.Statements)
		}
	})
	t.Run("Schema", func(t *testing.T) {
		schema := writeFile(t, "schema.json", `{"RAW.Orders": ["id", "cid", "Amount"], "raw.customers": ["id", "name", "active"]}`)
		code, out, errs := runParseT(t, job, "--columns", "--schema", schema, "--format", "text", "-")
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		for _, line := range []string{"dw.out.amount <- raw.orders.amount", "dw.out.name <- raw.customers.name", "raw.customers.active (filter)", "raw.orders.cid (join)"} {
			if !strings.Contains(out, line) {
				t.Errorf("text output lacks %q:\n%s", line, out)
			}
		}
	})
	t.Run("WithoutColumns", func(t *testing.T) {
		code, out, _ := runParseT(t, job, "-")
		if code != 0 || strings.Contains(out, `"columns"`) || strings.Contains(out, `"references"`) {
			t.Errorf("code %d, output has column lists without --columns:\n%s", code, out)
		}
	})
	for name, tc := range map[string]struct {
		schema string
		args   []string
		msg    string
	}{
		"SchemaWithoutColumns": {`{}`, nil, "--schema is used only with --columns"},
		"BadJSON":              {`["a"]`, []string{"--columns"}, "want a JSON object"},
		"EmptyColumn":          {`{"t": ["a", ""]}`, []string{"--columns"}, `table "t": column 2 is empty`},
	} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "schema.json", tc.schema)
			args := append(append([]string{}, tc.args...), "--schema", path, "-")
			code, _, errs := runParseT(t, job, args...)
			if code != 2 || !strings.Contains(errs, tc.msg) {
				t.Errorf("code %d, stderr %q, want 2 and %q", code, errs, tc.msg)
			}
		})
	}
	t.Run("MissingSchemaFile", func(t *testing.T) {
		code, _, errs := runParseT(t, job, "--columns", "--schema", "/nonexistent/schema.json", "-")
		if code != 2 || !strings.Contains(errs, "reading schema") {
			t.Errorf("code %d, stderr %q", code, errs)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
