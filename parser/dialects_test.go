package parser

import (
	"slices"
	"strings"
	"testing"
)

// syntaxCase is a statement in a dialect that must parse clean (every
// statement "parsed") with the given lineage (comma-separated, sorted).
type syntaxCase struct {
	name, dialect, sql string
	reads, writes      string
}

func runSyntaxCases(t *testing.T, cases []syntaxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := MustParse(t, tc.sql, Options{Dialect: tc.dialect})
			if got := strings.Join(res.Reads, ","); got != tc.reads {
				t.Errorf("reads %q, want %q", got, tc.reads)
			}
			if got := strings.Join(res.Writes, ","); got != tc.writes {
				t.Errorf("writes %q, want %q", got, tc.writes)
			}
			for _, st := range res.Statements {
				if st.Confidence != Parsed {
					t.Errorf("statement at line %d (%s) fell back: %v", st.Line, st.Kind, res.Warnings)
				}
			}
		})
	}
}

// TestReservedWords: words TiDB (MySQL) reserves but the script's dialect
// does not are names where they stand as names, and keywords elsewhere.
func TestReservedWords(t *testing.T) {
	runSyntaxCases(t, []syntaxCase{
		{"HiveKeyValue", "hive", "INSERT OVERWRITE TABLE dest SELECT key, value FROM src WHERE key < 10 AND src.key > 0 ORDER BY key DESC", "src", "dest"},
		{"HiveKeyAlias", "hive", "CREATE TABLE t2 AS SELECT cast(key AS int) key, value, 11 key2, key k1 FROM src sort by k1", "src", "t2"},
		{"HiveKeyColumnDefs", "hive", "CREATE TABLE t (key STRING, value STRING, int1 INT, rank INT) PARTITIONED BY (ds STRING)", "", "t"},
		{"HiveGroupByKeyWithCube", "hive", "SELECT key, count(DISTINCT val) FROM t1 GROUP BY key WITH CUBE", "t1", ""},
		{"HiveRankColumn", "hive", "SELECT rank, row_number, usage, `index` FROM s WHERE rank = 1", "s", ""},
		{"HiveRankFunction", "hive", "SELECT key, rank() OVER (PARTITION BY key ORDER BY value) AS r FROM src", "src", ""},
		{"HiveKeyTableAlias", "hive", "SELECT key.value FROM src key JOIN src2 AS usage ON key.k = usage.k", "src,src2", ""},
		{"SparkKeyInPartition", "spark", "INSERT INTO t PARTITION (key = 1) SELECT value FROM s", "s", "t"},
		{"TrinoAllColumn", "trino", "SELECT count(*) AS all, key FROM s UNION ALL SELECT 1, key FROM u", "s,u", ""},
		{"TrinoWindowRows", "trino", "SELECT sum(a) OVER (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM s", "s", ""},
		{"MySQLKeepsKey", "mysql", "CREATE TABLE t (a INT, KEY idx (a))", "", "t"},
	})
}

// TestHiveSparkTrinoSyntax covers the Hive, Spark and Trino forms found
// failing on the real-world corpora.
func TestHiveSparkTrinoSyntax(t *testing.T) {
	runSyntaxCases(t, []syntaxCase{
		{"HiveCLICommands", "hive", "dfs -ls /tmp/x;\n!curl -s http://localhost;\nsource ../scripts/init.sql;\nERASURE listPolicies;\nCRYPTO CREATE_KEY --keyName k --bitLength 128;\ndelete jar /tmp/a.jar;\nreload;\nSELECT key FROM src", "src", ""},
		{"HiveCLIDashDashArguments", "hive", "CRYPTO CREATE_KEY --keyName k2 --bitLength 128;\nCRYPTO CREATE_ZONE --keyName k2 --path /w/enc.db;\n\nINSERT OVERWRITE TABLE enc SELECT * FROM src;\ndfs -ls /tmp;\nINSERT INTO t2 SELECT * FROM s2", "s2,src", "enc,t2"},
		{"HiveStarArgument", "hive", "SELECT sum(hash(*)) FROM (SELECT * FROM src WHERE key < 10) t", "src", ""},
		{"HiveSpacedCalls", "hive", "SELECT cast (key AS int), count (*), count (DISTINCT value), try_cast (a AS string) FROM src", "src", ""},
		{"HiveNumberSuffixes", "hive", "SELECT 1.0BD, 10L, 1.5D, 2S, 3Y, struct(1L, 'a', 1.5D) FROM src WHERE d <= 11.22BD", "src", ""},
		{"HiveIntervals", "hive", "SELECT INTERVAL '2-2' YEAR TO MONTH, d + INTERVAL '1' DAY, date_add(d, interval '1' day), f(interval 2 days) FROM src WHERE a = interval '1' day", "src", ""},
		{"HiveUnknownWindowFunction", "hive", "SELECT collect_set(i) OVER (PARTITION BY t ORDER BY i), mysum(key) OVER (), histogram_numeric(p, 5) OVER w1 FROM src WINDOW w1 AS (PARTITION BY a)", "src", ""},
		{"HiveNestedFromFirst", "hive", "FROM (FROM (FROM src1 s SELECT s.key AS c1 WHERE s.key > 10) a JOIN (FROM src2 SELECT key AS c3) b ON (a.c1 = b.c3) SELECT a.c1, b.c3) c INSERT OVERWRITE TABLE dest1 SELECT c.c1, c.c3", "src1,src2", "dest1"},
		{"HiveFromFirstSubquery", "hive", "SELECT * FROM (FROM src SELECT key WHERE key > 1 UNION ALL SELECT key FROM src3) t", "src,src3", ""},
		{"HiveMapReduce", "hive", "FROM (FROM src MAP src.key, src.value USING 'cat' AS (k, v) CLUSTER BY k) tmap INSERT OVERWRITE TABLE dest1 REDUCE tmap.k, tmap.v USING 'cat' AS (k, v)", "src", "dest1"},
		{"HiveMapTypeAndFunction", "hive", "CREATE TABLE t (m MAP<STRING, INT>);\nINSERT INTO t SELECT map('a', 1) FROM s", "s", "t"},
		{"HiveFloorTo", "hive", "SELECT floor(ts TO HOUR), ceil(x) FROM s", "s", ""},
		{"HiveWindowReferences", "hive", "SELECT sum(a) OVER w2, round(sum(lag(a, 1, 0.0)) OVER w1 + last_value(a) OVER w1, 2) FROM part WINDOW w1 AS (PARTITION BY b ORDER BY c), w2 AS w1", "part", ""},
		{"SparkWindowFunctions", "spark", "SELECT every(v) OVER w, any_value(x) OVER w, first_value(v) IGNORE NULLS OVER w, a ILIKE 'x%' FROM t WINDOW w AS (ORDER BY a)", "t", ""},
		{"SparkLateralGroupingSetsValues", "spark", "SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a) s GROUP BY GROUPING SETS ((a), ());\nSELECT * FROM VALUES (1, 2) AS v(a, b) JOIN s ON s.a = v.a", "s,t,u", ""},
		{"SparkLikeAny", "spark", "SELECT a FROM s WHERE a LIKE ALL ('%x%', '%y%') AND b NOT LIKE ANY ('z%') AND c ILIKE ANY ('%Q')", "s", ""},
		{"SparkIntervalValues", "spark", "SELECT interval 2 years 4 months, INTERVAL '1-1' YEAR TO MONTH, ts - interval 3 hours FROM s", "s", ""},
		{"SparkGroupingSetsOnly", "spark", "SELECT a, sum(v) FROM t GROUP BY GROUPING SETS ((a), ())", "t", ""},
		{"SparkGroupingSetsFirst", "spark", "SELECT a, sum(v) FROM t GROUP BY GROUPING SETS ((a, b), a), c", "t", ""},
		{"SparkWithinGroupOver", "spark", "SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY salary) OVER w FROM t WINDOW w AS (PARTITION BY a)", "t", ""},
		{"SparkStarArguments", "spark", "SELECT count(a, b), count(DISTINCT *), count(DISTINCT t.*), struct(st.*), hash(*) FROM t", "t", ""},
		{"SparkNaturalJoins", "spark", "SELECT * FROM a NATURAL JOIN b NATURAL INNER JOIN c NATURAL LEFT JOIN d NATURAL FULL OUTER JOIN e", "a,b,c,d,e", ""},
		{"SparkValuesQueries", "spark", "CREATE OR REPLACE TEMPORARY VIEW v1 AS VALUES (1, 'a'), (2, 'b') tbl(c1, c2);\nCREATE TEMP VIEW v2(a, b) AS VALUES (1, 2);\nVALUES (1, 2) AS t(a, b);\nINSERT INTO out SELECT * FROM values 1, 2, 3 AS data(a) JOIN s ON s.a = data.a", "s", "out"},
		{"SparkLimitForms", "spark", "SELECT * FROM a LIMIT ALL;\nSELECT * FROM b LIMIT CAST(1 AS INT);\nSELECT * FROM c LIMIT 2 + 1 OFFSET 1", "a,b,c", ""},
		{"SparkLateralNoAlias", "spark", "SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a) LIMIT 1", "t,u", ""},
		{"SparkJoinParenAlias", "spark", "SELECT * FROM ((SELECT f1 AS x FROM t1) ss1 JOIN t2 i4 ON x = f1) j, t3", "t1,t2,t3", ""},
		{"SparkTypedLiterals", "spark", "SELECT next_day(timestamp_ntz\"2015-07-23 12:12:12\", 'Mon'), timestamp_ltz'2015-07-23', f(DECIMAL '1.2') FROM t", "t", ""},
		{"SparkDivFunction", "spark", "SELECT div(7, 2), a DIV 2, a DIV (b + 1) FROM t", "t", ""},
		{"SparkWithInsertValues", "spark", "WITH c AS (SELECT 42) INSERT INTO t VALUES (1)", "", "t"},
		{"SparkTempViewUsing", "spark", "CREATE TEMPORARY VIEW v (e int) USING parquet OPTIONS (path 'x');\nSELECT * FROM v", "", ""},
		{"SparkIntervalParts", "spark", "SELECT interval '-100' day '40' hour '80' minute '2.5' second, interval '1 15:11' day to minute '12:11:10' hour to second, interval (a + 1) day, d + interval 1 year 2 month FROM t", "t", ""},
		{"SparkNestedComment", "spark", "SELECT /* a /* nested */ comment */ * FROM t", "t", ""},
		{"SparkOverlayOffsetTrue", "spark", "SELECT OVERLAY(a PLACING 'x' FROM 5 FOR 0), int('2') = 2 AS true FROM t OFFSET (1 + 1)", "t", ""},
		{"TrinoParenJoinThreeParts", "trino", "SELECT count(*) FROM ((hive.tpcds.a INNER JOIN hive.tpcds.b ON (a.x = b.x)) LEFT JOIN hive.tpcds.c ON (c.y = a.y))", "hive.tpcds.a,hive.tpcds.b,hive.tpcds.c", ""},
		{"SparkAliasAfterColumn", "spark", "SELECT k key, v rank FROM nt1 WHERE v1 < 2", "nt1", ""},
		{"SparkAllColumn", "spark", "SELECT all, city, count(*) FROM (SELECT country AS all, city FROM t) GROUP BY all, city", "t", ""},
		{"SparkStructAliases", "spark", "SELECT count(*) FROM s WHERE record IN (SELECT (a2 AS a, b2 AS b) FROM tab_b)", "s,tab_b", ""},
		{"SparkLeftJoinLateral", "spark", "SELECT * FROM a LEFT JOIN LATERAL (SELECT b.q1 AS bq1 FROM b CROSS JOIN c) ss ON a.q2 = ss.bq1", "a,b,c", ""},
		{"SparkSubSecondIntervals", "spark", "SELECT interval 8 millisecond 9 microsecond, ts + interval 3 nanoseconds FROM t", "t", ""},
		{"TrinoSelectNoFromGroupBy", "trino", "SELECT MIN(10), 3 AS col1 GROUP BY 2 HAVING 6 > 5 ORDER BY 1", "", ""},
		{"SparkEdgeForms", "spark", "SELECT curdate(1) FROM t WHERE a LIKE ALL ();\nSELECT a, count(d) FROM t GROUP BY WITH ROLLUP;\nSELECT count(v) OVER (ORDER BY v RANGE BETWEEN CURRENT ROW AND current_date PRECEDING) FROM t", "t", ""},
		{"TrinoTypedLiterals", "trino", "SELECT DECIMAL '1.2', REAL '1.5', CAST(a AS DECIMAL(10, 2)) FROM s WHERE d > DATE '2024-01-01'", "s", ""},
		{"TrinoQuotedFunctions", "trino", "SELECT \"count\"(*), \"rank\"() OVER (ORDER BY a), \"sum\"(DISTINCT b) FROM s", "s", ""},
	})
}

// TestFallbackShapes: the token fallback keeps every table of set
// operations and bracketed joins (it once returned t1, t2 only for the
// first and lost t1 in the second).
func TestFallbackShapes(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"SELECT * FROM ((SELECT a FROM t1, t2) EXCEPT (SELECT a FROM t3, t4)) x", "t1,t2,t3,t4"},
		{"SELECT * FROM (t1 LEFT JOIN t2 ON t1.a = t2.a), t3", "t1,t2,t3"},
		{"SELECT * FROM ((db.t1 JOIN t2 ON t1.a = t2.a) JOIN t3 ON t3.b = t2.b)", "db.t1,t2,t3"},
		{"SELECT a FROM t1 UNION ALL (SELECT a FROM t2) UNION (SELECT extract(year FROM d) FROM t3)", "t1,t2,t3"},
	} {
		var got []string
		debugFallback = func(s *stmt, pr, pw, fr, fw []tname) {
			for _, n := range fr {
				got = append(got, n.s)
			}
		}
		MustParse(t, tc.sql, Options{Dialect: "spark"})
		debugFallback = nil
		slices.Sort(got)
		got = slices.Compact(got)
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: fallback reads %v, want %s", tc.sql, got, tc.want)
		}
	}
}

// TestNothingToExtract: a script of session commands and table-less
// SELECTs is an empty, successful result with one warning; a script of
// which no statement parses and nothing is found stays an error.
func TestNothingToExtract(t *testing.T) {
	for _, sql := range []string{"SET a=1;\ndfs -ls /tmp;\nSELECT 1", "ADD JAR x.jar; DISABLE WORKLOAD MANAGEMENT", "SELECT current_date"} {
		res, err := New().Parse(sql, Options{Dialect: "hive", File: "f.sql"})
		if err != nil {
			t.Fatalf("%q: %v", sql, err)
		}
		if len(res.Reads)+len(res.Writes) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message, "nothing to extract") || res.Warnings[0].Line != 1 {
			t.Errorf("%q: %+v", sql, res)
		}
	}
	if _, err := New().Parse("SELECT 1 +;", Options{Dialect: "hive", File: "f.sql"}); err == nil {
		t.Error("a script that does not parse at all: no error")
	}
}
