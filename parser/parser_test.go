package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
)

func MustParse(tb testing.TB, sql string, opts Options) *Result {
	tb.Helper()
	res, err := New().Parse(sql, opts)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", sql, err)
	}
	return res
}

func TestLineage(t *testing.T) {
	for _, tc := range []struct {
		name, dialect, sql string
		reads, writes      string // comma-separated
	}{
		{"InsertOverwriteIfNotExists", "hive", "INSERT OVERWRITE TABLE t PARTITION (ds='1') IF NOT EXISTS SELECT * FROM s", "s", "t"},
		{"InsertIntoTable", "spark", "INSERT INTO TABLE db.t SELECT a FROM db.s", "db.s", "db.t"},
		{"InsertValuesOnly", "spark", "INSERT INTO t VALUES (1, 'a')", "", "t"},
		{"WithInsert", "spark", "WITH c AS (SELECT * FROM s) INSERT INTO t SELECT * FROM c", "s", "t"},
		{"InsertOverwriteSelf", "hive", "INSERT OVERWRITE TABLE t SELECT * FROM t WHERE x > 0", "t", "t"},
		{"CTAS", "ansi", "CREATE TABLE t AS SELECT * FROM s", "s", "t"},
		{"CreateDefinitionIsWrite", "spark", "CREATE TABLE t (a STRING, b ARRAY<STRUCT<x: INT>>) USING parquet", "", "t"},
		{"PersistentView", "ansi", "CREATE VIEW v AS SELECT * FROM s", "s", "v"},
		{"TempViewResolved", "spark", "CREATE TEMP VIEW v AS SELECT * FROM s; INSERT INTO t SELECT * FROM v", "s", "t"},
		{"CacheResolved", "spark", "CACHE TABLE c AS SELECT * FROM s; INSERT INTO t SELECT * FROM c", "s", "t"},
		{"TempTableResolved", "postgres", "CREATE TEMP TABLE x AS SELECT * FROM s; INSERT INTO t SELECT * FROM x", "s", "t"},
		{"CreatedThenDropped", "ansi", "CREATE TABLE x AS SELECT * FROM s; INSERT INTO t SELECT * FROM x; DROP TABLE x", "s", "t"},
		{"WrittenThenRead", "ansi", "INSERT INTO x SELECT * FROM s; INSERT INTO t SELECT * FROM x", "s,x", "t,x"},
		{"CTEShadowsTable", "ansi", "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders", "orders", ""},
		{"QualifiedNameIsNotCTE", "ansi", "WITH t AS (SELECT 1) SELECT * FROM t JOIN db.t ON 1=1", "db.t", ""},
		{"NestedCTE", "ansi", "WITH a AS (WITH b AS (SELECT * FROM s) SELECT * FROM b) SELECT * FROM a", "s", ""},
		{"Replace", "mysql", "REPLACE INTO t SELECT * FROM s", "s", "t"},
		{"MergeTarget", "ansi", "MERGE INTO t USING (SELECT * FROM s) x ON t.k = x.k WHEN MATCHED THEN UPDATE SET v = x.v", "s", "t"},
		{"UpdateTargetNotRead", "ansi", "UPDATE t SET a = a + 1 WHERE t.b = 2", "", "t"},
		{"UpdateSubquery", "mysql", "UPDATE t SET a = (SELECT max(x) FROM s WHERE s.id = t.id)", "s", "t"},
		{"UpdateFrom", "postgres", "UPDATE t SET a = s.a FROM s WHERE t.id = s.id", "s", "t"},
		{"UpdateFromSelfJoin", "postgres", "UPDATE t SET a = o.a FROM t o WHERE t.id = o.parent", "t", "t"},
		{"DeleteAlias", "mysql", "DELETE o FROM orders o JOIN bad b ON o.id = b.id", "bad", "orders"},
		{"DeleteUsing", "postgres", "DELETE FROM t USING s WHERE t.id = s.id", "s", "t"},
		{"DeleteExists", "ansi", "DELETE FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.id = t.id)", "s", "t"},
		{"SelectIntoTSQL", "tsql", "SELECT a INTO new_t FROM s", "s", "new_t"},
		{"SelectIntoMySQLVar", "mysql", "SELECT a FROM s INTO @x", "s", ""},
		{"InsertOnConflict", "postgres", "INSERT INTO t (a) SELECT a FROM s ON CONFLICT (a) DO NOTHING", "s", "t"},
		{"Clone", "snowflake", "CREATE TABLE t CLONE s", "s", "t"},
		{"IntervalString", "postgres", "SELECT * FROM s WHERE d > now() - INTERVAL '90 days'", "s", ""},
		{"Qualify", "snowflake", "SELECT * FROM s QUALIFY row_number() OVER (ORDER BY a) = 1", "s", ""},
		{"ColonCast", "postgres", "SELECT a::int, b::varchar(10) FROM s", "s", ""},
		{"ThreePartNames", "snowflake", "INSERT INTO db.sch.t SELECT * FROM db.sch.s", "db.sch.s", "db.sch.t"},
		{"FourPartNames", "tsql", "SELECT * FROM srv.db.dbo.t", "srv.db.dbo.t", ""},
		{"DistributeSortBy", "hive", "INSERT OVERWRITE TABLE t SELECT * FROM s DISTRIBUTE BY a SORT BY b", "s", "t"},
		{"LeftAntiJoin", "spark", "SELECT * FROM a LEFT ANTI JOIN b ON a.id = b.id", "a,b", ""},
		{"DropNoLineage", "ansi", "DROP TABLE t", "", ""},
		{"TruncateNoLineage", "ansi", "TRUNCATE TABLE t", "", ""},
		{"AlterNoLineage", "ansi", "ALTER TABLE t ADD COLUMN c INT", "", ""},
		{"UseQualifies", "spark", "USE db; INSERT INTO t SELECT * FROM s JOIN other.u ON 1=1", "db.s,other.u", "db.t"},
		{"UseAndTempView", "spark", "USE db; CREATE TEMP VIEW v AS SELECT * FROM s; INSERT INTO t SELECT * FROM v", "db.s", "db.t"},
		{"QuotedNames", "hive", "SELECT * FROM `Db`.`My Table`", "db.my table", ""},
		{"DoubleQuotedANSI", "postgres", `SELECT * FROM "Sch"."T"`, "sch.t", ""},
		{"StringsAreNotSplit", "spark", "INSERT INTO t SELECT ';' AS x, '--' AS y FROM s", "s", "t"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := MustParse(t, tc.sql, Options{Dialect: tc.dialect})
			if got := strings.Join(res.Reads, ","); got != tc.reads {
				t.Errorf("reads %q, want %q (statements %+v, warnings %v)", got, tc.reads, res.Statements, res.Warnings)
			}
			if got := strings.Join(res.Writes, ","); got != tc.writes {
				t.Errorf("writes %q, want %q (statements %+v, warnings %v)", got, tc.writes, res.Statements, res.Warnings)
			}
			for _, st := range res.Statements {
				if st.Confidence != Parsed {
					t.Errorf("statement at line %d (%s) fell back: %v", st.Line, st.Kind, res.Warnings)
				}
			}
		})
	}
}

func TestResultNeverNil(t *testing.T) {
	res := MustParse(t, "-- only a comment\n", Options{})
	if res.Reads == nil || res.Writes == nil || res.Statements == nil || res.Warnings == nil {
		t.Errorf("nil slices in %+v", res)
	}
	res = MustParse(t, "DROP TABLE t", Options{})
	if res.Statements[0].Reads == nil || res.Statements[0].Writes == nil {
		t.Errorf("nil statement slices in %+v", res.Statements[0])
	}
}

func TestStatementLines(t *testing.T) {
	res := MustParse(t, "SET a=1;\n\n-- c\nINSERT INTO t\nSELECT 1;\n  SELECT * FROM s", Options{Dialect: "spark"})
	want := []int{1, 4, 6}
	if len(res.Statements) != len(want) {
		t.Fatalf("statements %+v", res.Statements)
	}
	for i, st := range res.Statements {
		if st.Line != want[i] {
			t.Errorf("statement %d at line %d, want %d", i, st.Line, want[i])
		}
	}
}

func TestTemplates(t *testing.T) {
	sql := "INSERT INTO ${db}.t SELECT * FROM ${hiveconf:src} WHERE d = '${hivevar:ds}' AND x = {{ unknown }}\n  AND y ~~~ 1"
	res := MustParse(t, sql, Options{Dialect: "hive", Vars: map[string]string{"db": "dw", "src": "raw.events", "ds": "2024-01-01"}})
	if strings.Join(res.Reads, ",") != "raw.events" || strings.Join(res.Writes, ",") != "dw.t" {
		t.Errorf("reads %v writes %v", res.Reads, res.Writes)
	}
	if len(res.Warnings) != 2 {
		t.Fatalf("warnings %v, want the unknown variable and the fallback", res.Warnings)
	}
	// Positions are in the original script, not the expanded text.
	if w := res.Warnings[0]; w.Line != 1 || w.Column != strings.Index(sql, "{{")+1 || !strings.Contains(w.Message, "unknown") {
		t.Errorf("unknown-variable warning %v", w)
	}
	if w := res.Warnings[1]; w.Line != 2 || w.Column != 9 {
		t.Errorf("parse warning %v, want line 2, column 9 (at ~~~)", w)
	}
}

func TestErrorPosition(t *testing.T) {
	_, err := New().Parse("-- header\n\n   SELEC x ~~~ FROM", Options{File: "job.sql"})
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if pe.File != "job.sql" || pe.Line != 3 || pe.Column < 4 {
		t.Errorf("error %+v", pe)
	}
	if lineage.ErrorCode(err) != lineage.EINVALID {
		t.Errorf("code %q, want EINVALID", lineage.ErrorCode(err))
	}
	if !strings.HasPrefix(err.Error(), "job.sql:3:") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestUnknownDialect(t *testing.T) {
	_, err := New().Parse("SELECT 1", Options{Dialect: "cobol"})
	if lineage.ErrorCode(err) != lineage.EINVALID || !strings.Contains(err.Error(), "unknown dialect") {
		t.Errorf("err = %v", err)
	}
	for _, d := range Dialects() {
		if _, err := New().Parse("SELECT * FROM t", Options{Dialect: d}); err != nil {
			t.Errorf("dialect %s: %v", d, err)
		}
	}
}

func TestWarningString(t *testing.T) {
	if got := (Warning{Line: 3, Column: 7, Message: "m"}).String(); got != "line 3, column 7: m" {
		t.Errorf("got %q", got)
	}
}

func TestParserReuse(t *testing.T) {
	p := New()
	a, _ := p.Parse("INSERT INTO t SELECT * FROM s", Options{})
	b, _ := p.Parse("SELECT * FROM u", Options{Dialect: "mysql"})
	if strings.Join(a.Writes, ",") != "t" || strings.Join(b.Reads, ",") != "u" || len(b.Writes) != 0 {
		t.Errorf("a %+v b %+v", a, b)
	}
}

// TestErrorAtEnd: a statement cut short fails at its end, and the message says
// so rather than quoting an empty snippet.
func TestErrorAtEnd(t *testing.T) {
	_, err := New().Parse("SELECT * FROM\n", Options{File: "job.sql"})
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *Error", err)
	}
	if pe.Line != 1 || !strings.Contains(pe.Message, "ends too early") || strings.Contains(pe.Message, `near ""`) {
		t.Errorf("error %+v", pe)
	}
}
