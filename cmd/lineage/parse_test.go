package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lineagehq/lineage/parser"
)

func runParseT(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runParse(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunParse(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		path := writeFile(t, "job.sql", "SET x=1;\nUSE dw;\nINSERT OVERWRITE TABLE daily PARTITION (ds='${ds}')\nSELECT * FROM raw.events;\n")
		code, out, errs := runParseT(t, "", "--dialect", "hive", "--var", "ds=2024-01-01", path)
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		var res parser.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("output is not one JSON object: %v\n%s", err, out)
		}
		if strings.Join(res.Reads, ",") != "raw.events" || strings.Join(res.Writes, ",") != "dw.daily" {
			t.Errorf("reads %v writes %v", res.Reads, res.Writes)
		}
		if len(res.Statements) != 3 || res.Statements[2].Line != 3 || res.Statements[2].Kind != "insert" {
			t.Errorf("statements %+v", res.Statements)
		}
	})
	t.Run("Stdin", func(t *testing.T) {
		code, out, errs := runParseT(t, "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DELETE", "--format", "text", "-")
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		if !strings.Contains(out, "<stdin>") || !strings.Contains(out, "reads:  s") || !strings.Contains(out, "writes: t") || !strings.Contains(out, "line 1: merge") {
			t.Errorf("text output:\n%s", out)
		}
	})
	t.Run("SeveralFiles", func(t *testing.T) {
		a := writeFile(t, "a.sql", "SELECT * FROM a")
		b := writeFile(t, "b.sql", "INSERT INTO b SELECT * FROM a")
		code, out, _ := runParseT(t, "", a, b)
		var res []parser.Result
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res) != 2 {
			t.Fatalf("code %d, output:\n%s", code, out)
		}
	})
	t.Run("Fallback", func(t *testing.T) {
		code, out, errs := runParseT(t, "INSERT INTO t SELECT a FROM s WHERE a ~~~ 1", "-")
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		if !strings.Contains(out, `"fallback"`) || !strings.Contains(errs, "warning: line 1, column") {
			t.Errorf("stdout:\n%s\nstderr:\n%s", out, errs)
		}
	})
	t.Run("NothingExtracted", func(t *testing.T) {
		path := writeFile(t, "bad.sql", "\n  SELEC oops ~~~ 1")
		code, _, errs := runParseT(t, "", path)
		if code != 1 {
			t.Fatalf("code %d, want 1", code)
		}
		if !strings.Contains(errs, "bad.sql:2:") {
			t.Errorf("stderr should name file, line and column: %s", errs)
		}
	})
	t.Run("Help", func(t *testing.T) {
		code, out, _ := runParseT(t, "", "--help")
		if code != 0 || !strings.Contains(out, "Example:") || !strings.Contains(out, "lineage parse --dialect") || !strings.Contains(out, "-var") {
			t.Errorf("code %d, help:\n%s", code, out)
		}
	})
	t.Run("BadUsage", func(t *testing.T) {
		if code, _, _ := runParseT(t, ""); code != 2 {
			t.Errorf("no file: code %d, want 2", code)
		}
		if code, _, _ := runParseT(t, "", "--format", "xml", "-"); code != 2 {
			t.Errorf("bad format: code %d, want 2", code)
		}
		if code, _, _ := runParseT(t, "", "--var", "novalue", "-"); code != 2 {
			t.Errorf("bad var: code %d, want 2", code)
		}
		if code, _, errs := runParseT(t, "SELECT 1", "--dialect", "klingon", "-"); code != 2 || !strings.Contains(errs, `unknown dialect "klingon"; known dialects: `) || strings.Contains(errs, "did you mean") {
			t.Errorf("bad dialect: code %d, stderr %s", code, errs)
		}
	})
	t.Run("UnknownDialectSuggests", func(t *testing.T) {
		for typo, want := range map[string]string{"sprak": "spark", "Hvie": "hive", "post": "postgres"} {
			code, out, errs := runParseT(t, "SELECT 1", "--dialect", typo, "-")
			if code != 2 || out != "" || !strings.Contains(errs, `(did you mean "`+want+`"?)`) || !strings.Contains(errs, strings.Join(parser.Dialects(), ", ")) {
				t.Errorf("--dialect %s: code %d, stderr %s", typo, code, errs)
			}
		}
	})
	t.Run("TextSaysEachWarningOnce", func(t *testing.T) {
		code, out, errs := runParseT(t, "INSERT INTO t SELECT a FROM s WHERE a ~~~ 1", "--format", "text", "-")
		if code != 0 {
			t.Fatalf("code %d, stderr %s", code, errs)
		}
		if n := strings.Count(out+errs, "line 1, column"); n != 1 {
			t.Errorf("the warning shows %d times:\nstdout:\n%s\nstderr:\n%s", n, out, errs)
		}
	})
}
