package parser

import (
	"errors"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics or hangs and that every error
// it returns for a script carries a position. Seeds: the corpus, the
// golden scripts and the real-world files.
func FuzzParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.SQL, c.Dialect)
	}
	for _, rw := range loadRealWorld(f) { // ../shared/corpus/realworld
		f.Add(rw.SQL, rw.Dialect)
	}
	f.Add("FROM s INSERT OVERWRITE TABLE t SELECT a INSERT INTO u SELECT b", "hive")
	f.Add("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET a = (SELECT 1 FROM x)", "")
	f.Add("SELECT [a] FROM #t WITH (NOLOCK) -- c\nGO", "tsql")
	f.Add("SELECT ${x} FROM {{ ref('m') }} WHERE a::int > INTERVAL '1 day'", "postgres")
	f.Add("SET hivevar:x=${x};\nSET y=${x}_${y};\nSELECT transform(a, v -> v[0].f), first(b, true) OVER w FROM ${y} PIVOT (sum(c) FOR d IN (1))", "spark")
	f.Add("CREATE FUNCTION f() RETURNS int AS $$ BEGIN DELETE FROM t WHERE j #>> '{a}' ~* 'x'; END $$ LANGUAGE plpgsql; SELECT 1", "postgres")
	f.Add("WITH c AS (SELECT a, * FROM t) INSERT INTO u (x, y) SELECT c.a, b.* EXCEPT (z) FROM c JOIN v b USING (a) QUALIFY row_number() OVER w = 1 WINDOW w AS (PARTITION BY a)", "databricks")
	p := New()
	f.Fuzz(func(t *testing.T, sql, dialect string) { checkParse(t, p, sql, dialect) })
}

// checkParse parses sql with and without column lineage and fails t if
// Parse hangs, the two disagree on tables (checkColumns), an error or a
// warning has no position, or a result has nil lists.
func checkParse(t *testing.T, p *Parser, sql, dialect string) {
	t.Helper()
	if _, ok := dialects[dialect]; !ok {
		dialect = ""
	}
	done := make(chan struct{})
	var res, cres *Result
	var err, cerr error
	go func() {
		defer close(done)
		res, err = p.Parse(sql, Options{Dialect: dialect})
		cres, cerr = p.Parse(sql, Options{Dialect: dialect, Columns: true})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Parse hangs on %q", sql)
	}
	checkColumns(t, res, err, cres, cerr)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
			t.Fatalf("error without position: %v", err)
		}
		return
	}
	if res.Reads == nil || res.Writes == nil {
		t.Fatal("nil lists")
	}
	for _, w := range res.Warnings {
		if w.Line < 1 || w.Column < 1 {
			t.Fatalf("warning without position: %v", w)
		}
	}
}
