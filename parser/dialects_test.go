package parser

import (
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
		{"HiveStarArgument", "hive", "SELECT sum(hash(*)) FROM (SELECT * FROM src WHERE key < 10) t", "src", ""},
		{"HiveSpacedCalls", "hive", "SELECT cast (key AS int), count (*), count (DISTINCT value), try_cast (a AS string) FROM src", "src", ""},
		{"HiveNumberSuffixes", "hive", "SELECT 1.0BD, 10L, 1.5D, 2S, 3Y, struct(1L, 'a', 1.5D) FROM src WHERE d <= 11.22BD", "src", ""},
		{"HiveIntervals", "hive", "SELECT INTERVAL '2-2' YEAR TO MONTH, d + INTERVAL '1' DAY, date_add(d, interval '1' day), f(interval 2 days) FROM src WHERE a = interval '1' day", "src", ""},
		{"HiveUnknownWindowFunction", "hive", "SELECT collect_set(i) OVER (PARTITION BY t ORDER BY i), mysum(key) OVER (), histogram_numeric(p, 5) OVER w1 FROM src WINDOW w1 AS (PARTITION BY a)", "src", ""},
		{"SparkLikeAny", "spark", "SELECT a FROM s WHERE a LIKE ALL ('%x%', '%y%') AND b NOT LIKE ANY ('z%') AND c ILIKE ANY ('%Q')", "s", ""},
		{"SparkIntervalValues", "spark", "SELECT interval 2 years 4 months, INTERVAL '1-1' YEAR TO MONTH, ts - interval 3 hours FROM s", "s", ""},
		{"TrinoQuotedFunctions", "trino", "SELECT \"count\"(*), \"rank\"() OVER (ORDER BY a), \"sum\"(DISTINCT b) FROM s", "s", ""},
	})
}
