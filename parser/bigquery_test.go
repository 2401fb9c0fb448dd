package parser

import (
	"strings"
	"testing"
)

// TestSyntaxBigQuery checks that BigQuery's syntax (as bigquery-etl writes
// it) parses with no fallback and gives the expected lineage.
func TestSyntaxBigQuery(t *testing.T) {
	for _, tc := range []struct {
		name, sql     string
		reads, writes string // comma-separated
	}{
		{"DottedFunction", "SELECT mozfun.norm.truncate_version(v, 'major'), mozfun.map.get_key(m, 'k') AS k FROM ds.s WHERE mozfun.bits28.active_in_range(b, -13, 14)", "ds.s", ""},
		{"QuotedPathFunction", "SELECT `moz-fx-data-shared-prod.udf.mode_last`(ARRAY_AGG(c) OVER w1) AS c, `moz-fx-data-shared-prod`.udf.bits_to_days(b) FROM `p.ds.s` WINDOW w1 AS (PARTITION BY id)", "p.ds.s", ""},
		{"FunctionFieldAccess", "SELECT mozfun.norm.browser_version_info(v).major_version AS m, SAFE.PARSE_DATE('%F', d) FROM ds.s", "ds.s", ""},
		{"UdfOver", "SELECT udf.f(x) OVER (PARTITION BY k) FROM ds.s", "ds.s", ""},
		{"TypedArrayLiteral", "SELECT ARRAY<STRUCT<metric STRING, value ARRAY<STRUCT<key STRING, value INT64>>>>[('a', m.a), ('b', m.b)] AS h, ARRAY<STRING>[] AS e FROM ds.s", "ds.s", ""},
		{"TypedArrayKeepsSubquery", "SELECT ARRAY<INT64>[(SELECT MAX(n) FROM ds.u), 2] FROM ds.s", "ds.s,ds.u", ""},
		{"RawStrings", `SELECT REGEXP_CONTAINS(e, r"^email\.(\w+)\.bounced$"), REGEXP_EXTRACT(u, r'gclid=([^&]+)'), x LIKE r'%a\_b%' FROM ds.s`, "ds.s", ""},
		{"DatetimeErrorLax", "SELECT DATETIME(d, TIME(23, 59, 59)), DATETIME(ts, 'UTC'), LAX_INT64(j), IF(n > 0, ERROR('bad'), n) FROM ds.s", "ds.s", ""},
		{"TimestampSub", "SELECT * FROM ds.s WHERE d <= DATE(TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)) AND t > TIMESTAMP_ADD(a, INTERVAL 2 DAY) AND x = DATETIME_SUB(b, INTERVAL 1 MICROSECOND)", "ds.s", ""},
		{"IntervalArgument", "SELECT GENERATE_DATE_ARRAY(a, b, INTERVAL 1 DAY), INTERVAL 7 DAY AS grace, d - INTERVAL 3 DAY FROM ds.s", "ds.s", ""},
		{"PercentileOver", "SELECT PERCENTILE_CONT(x, 0.5) OVER (PARTITION BY k), PERCENTILE_DISC(x, 0.9) OVER (PARTITION BY k) FROM ds.s", "ds.s", ""},
		{"DistinctInAggregates", "SELECT STRING_AGG(DISTINCT s.name, ', '), ARRAY_AGG(DISTINCT id IGNORE NULLS), ARRAY_AGG(DISTINCT(p)), COUNT(DISTINCT id) FROM ds.s", "ds.s", ""},
		{"InUnnest", "SELECT * FROM ds.s WHERE c IN UNNEST(['US', 'CA']) AND 'vpn' IN UNNEST(s.caps)", "ds.s", ""},
		{"ExceptReplace", "SELECT * EXCEPT (a, b) REPLACE (mozfun.norm.metadata(m) AS m, UPPER(c) AS c) FROM ds.s", "ds.s", ""},
		{"ReplaceOnly", "SELECT * REPLACE (DATE(d) AS d) FROM ds.s", "ds.s", ""},
		{"UnnestWithOffset", "SELECT x, off FROM ds.s, UNNEST(arr) AS x WITH OFFSET AS off CROSS JOIN UNNEST(b) WITH OFFSET", "ds.s", ""},
		{"UnionAllByName", "SELECT a, b FROM ds.s UNION ALL BY NAME SELECT b, a FROM ds.u", "ds.s,ds.u", ""},
		{"NamedArguments", "SELECT ML.GENERATE_TEXT(prompt => CONCAT('a', t), `end` => 1, max_output_tokens => 5) FROM ds.s", "ds.s", ""},
		{"TrimChars", "SELECT TRIM(p, '/'), TRIM(q) FROM ds.s", "ds.s", ""},
		{"SubscriptStar", "SELECT ARRAY_AGG(s ORDER BY n DESC LIMIT 1)[SAFE_OFFSET(0)].*, f(x).* FROM ds.s GROUP BY k", "ds.s", ""},
		{"ArraySubqueryFromUnnest", "SELECT ARRAY(SELECT AS STRUCT TRIM(a) AS id FROM UNNEST(SPLIT(addons, ',')) AS a) AS addons FROM ds.s", "ds.s", ""},
		{"CreateTableClusterBy", "CREATE TABLE IF NOT EXISTS `p.ds.t` PARTITION BY d CLUSTER BY c, s OPTIONS (require_partition_filter = TRUE) AS SELECT CAST(NULL AS BYTES) AS b, * FROM `p.ds.s` WHERE FALSE", "p.ds.s", "p.ds.t"},
		{"ArrayLiteralAfterKeyword", "SELECT CASE WHEN a THEN ['x', 'y'] ELSE [] END, IF(b, [1], [2]) FROM ds.s WHERE c IN UNNEST(['u'])", "ds.s", ""},
		{"TableValuesAsNames", "SELECT table.* EXCEPT (a), COALESCE(c.x, table.x) AS x FROM `p.d.t` table CROSS JOIN ds.c AS c LEFT JOIN UNNEST(table.v) AS values GROUP BY 1", "ds.c,p.d.t", ""},
		{"TableAliasAfterAs", "SELECT * FROM ds.t AS table WHERE table.a > 0", "ds.t", ""},
		{"SelectAsStructReservedWord", "SELECT ARRAY(SELECT AS STRUCT key AS e, value AS b FROM UNNEST(x)) FROM ds.t", "ds.t", ""},
		{"DateTruncPart", "SELECT DATE_TRUNC(@date, MONTH), DATE_DIFF(a, b, DAY) FROM ds.s", "ds.s", ""},

		// An array path in FROM is an implicit UNNEST of a column, not a table.
		{"ArrayPathCrossJoin", "SELECT k.value FROM ds.t CROSS JOIN t.keywords AS k", "ds.t", ""},
		{"ArrayPathAlias", "SELECT k FROM `p.ds.events` AS e, e.params AS k", "p.ds.events", ""},
		{"ArrayPathSubquery", "SELECT (SELECT COUNT(*) FROM e.event_params WHERE key = 'x') AS n FROM `p.ds.events` e", "p.ds.events", ""},
		{"ArrayPathLeftJoin", "SELECT * FROM ds.x AS x CROSS JOIN UNNEST(x.arr) AS y LEFT JOIN y.sub AS z ON TRUE", "ds.x", ""},
		{"DatasetNotAnAlias", "SELECT * FROM ds.s JOIN other.t ON s.id = t.id", "ds.s,other.t", ""},
		{"OwnAliasIsNotAPath", "SELECT * FROM a.b AS a", "a.b", ""},
		{"DerivedTableSeesNotItsFrom", "SELECT * FROM ds.x AS t JOIN (SELECT * FROM t.arr) AS u ON TRUE", "ds.x,t.arr", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := MustParse(t, tc.sql, Options{Dialect: "bigquery"})
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

// TestArrayPathOtherDialects: a two-part name after FROM is a table in
// dialects without BigQuery's implicit UNNEST.
func TestArrayPathOtherDialects(t *testing.T) {
	res := MustParse(t, "SELECT * FROM db.t CROSS JOIN t.keywords AS k", Options{Dialect: "spark"})
	if got := strings.Join(res.Reads, ","); got != "db.t,t.keywords" {
		t.Errorf("reads %q", got)
	}
}
