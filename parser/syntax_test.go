package parser

import (
	"strings"
	"testing"
)

// TestSyntax checks that ordinary Spark, Hive, Trino, Postgres, Snowflake
// and BigQuery syntax parses (confidence "parsed", no fallback) and gives
// the expected lineage.
func TestSyntax(t *testing.T) {
	for _, tc := range []struct {
		name, dialect, sql string
		reads, writes      string // comma-separated
	}{
		// Spark and Hive functions TiDB's grammar rejects or reserves.
		{"FirstLastIgnoreNulls", "spark", "INSERT INTO t SELECT k, first(a, true), last(b, true), first(c), last(d) FROM s GROUP BY k", "s", "t"},
		{"FirstOver", "spark", "SELECT first(a, true) OVER (PARTITION BY k ORDER BY ts), last_value(b, true) OVER (PARTITION BY k) FROM s", "s", ""},
		{"DateAddDays", "spark", "SELECT date_add(d, 1), date_sub('2024-01-01', 30) FROM s WHERE d >= date_sub(current_date(), 7) AND d < date_add(current_date, 1)", "s", ""},
		{"DateAddInterval", "hive", "SELECT date_add(d, INTERVAL 1 DAY), adddate(d, 2), subdate(d, 3) FROM s", "s", ""},
		{"TrinoDateAdd", "trino", "SELECT date_add('day', -7, current_date), date_diff('day', a, b) FROM s", "s", ""},
		{"CastFunctions", "spark", "SELECT int(a), string(b), double(c), bigint(d), decimal(e), boolean(f), float(g), smallint(h), tinyint(i) FROM s", "s", ""},
		{"KeywordFunctions", "spark", "SELECT hash(a), array(a, b), sequence(1, 10), cardinality(arr), split(p, ','), window(ts, '5 minutes'), mode(x), any(flag), histogram(x) FROM s", "s", ""},
		{"SplitSubscript", "hive", "INSERT OVERWRITE TABLE t SELECT split(p, '/')[0] AS a, split(p, '/')[1] FROM s", "s", "t"},
		{"MapSubscript", "spark", "SELECT m['k'], props[\"x\"], arr[1].field, a.b[0].c, arr[size(arr) - 1] FROM s", "s", ""},
		{"FieldOfCall", "spark", "SELECT named_struct('a', 1).a, (s.col).x, from_json(j, 'a INT').a FROM s", "s", ""},
		{"StructFields", "spark", "SELECT s.addr.city.name, addr.city.zip, t.a.b.c.d FROM s JOIN db.t ON s.id = t.id", "db.t,s", ""},
		{"PositionTwoArgs", "spark", "SELECT position('a', b), position('a' IN b), locate('a', b) FROM s", "s", ""},
		{"ExtractFields", "postgres", "SELECT extract(dow FROM d), extract(epoch FROM ts), date_part('day', d) FROM s", "s", ""},
		{"CastString", "spark", "SELECT CAST(a AS STRING), CAST(b AS ARRAY<STRING>), CAST(c AS MAP<STRING, INT>), CAST(d AS INT) FROM s", "s", ""},
		{"CurrentDate", "spark", "SELECT current_date, current_date(), current_timestamp, current_timestamp(), now() FROM s", "s", ""},
		{"IntervalForms", "spark", "SELECT d + INTERVAL 1 DAY, d - INTERVAL 7 DAYS, d + INTERVAL '1' DAY, d - INTERVAL '2 hours', d + INTERVAL 1 DAY 2 HOURS FROM s", "s", ""},
		{"RLikeILike", "spark", "SELECT a FROM s WHERE a RLIKE '^x' AND b NOT RLIKE 'y' AND c ILIKE '%z%' AND d REGEXP 'w'", "s", ""},
		{"NullsFirstLast", "spark", "SELECT a FROM s ORDER BY a NULLS FIRST, b DESC NULLS LAST", "s", ""},
		{"NullsInWindow", "trino", "SELECT row_number() OVER (PARTITION BY k ORDER BY ts DESC NULLS LAST) FROM s", "s", ""},
		{"IsDistinctFrom", "spark", "SELECT a FROM s JOIN u ON s.k IS NOT DISTINCT FROM u.k WHERE s.a IS DISTINCT FROM u.a", "s,u", ""},
		{"BacktickDotted", "spark", "SELECT `a.b` FROM `db`.`tbl`", "db.tbl", ""},
		{"WindowClause", "spark", "SELECT sum(a) OVER w, avg(a) OVER w FROM s WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)", "s", ""},
		{"TableSample", "spark", "SELECT * FROM s TABLESAMPLE (10 PERCENT) JOIN u TABLESAMPLE (BUCKET 1 OUT OF 4 ON id) ON s.id = u.id", "s,u", ""},
		{"TableSampleTrino", "trino", "SELECT * FROM s TABLESAMPLE BERNOULLI (10) JOIN u AS x TABLESAMPLE SYSTEM (5) ON s.id = x.id", "s,u", ""},
		{"GroupingSets", "spark", "SELECT a, b, sum(c) FROM s GROUP BY a, b GROUPING SETS ((a, b), (a), ())", "s", ""},
		{"Rollup", "spark", "SELECT a, b, sum(c) FROM s GROUP BY ROLLUP(a, b)", "s", ""},
		{"Cube", "spark", "SELECT a, b, sum(c) FROM s GROUP BY CUBE(a, b)", "s", ""},
		{"WithRollupCube", "hive", "SELECT a, b, sum(c) FROM s GROUP BY a, b WITH CUBE", "s", ""},
		{"GroupingFunction", "spark", "SELECT a, grouping(a), grouping_id(a, b) FROM s GROUP BY a, b WITH ROLLUP", "s", ""},
		{"Hint", "spark", "INSERT INTO t SELECT /*+ BROADCAST(u), REPARTITION(8) */ s.a FROM s JOIN u ON s.k = u.k", "s,u", "t"},
		{"TimeTravel", "databricks", "SELECT * FROM s VERSION AS OF 3 JOIN u TIMESTAMP AS OF '2024-01-01' ON s.id = u.id", "s,u", ""},

		{"ExplodeMultiAlias", "spark", "SELECT explode(m) AS (k, v), posexplode(arr) AS (pos, val), stack(2, a, b) AS (x) FROM s", "s", ""},
		{"GroupByAll", "databricks", "SELECT a, sum(b) FROM s GROUP BY ALL ORDER BY ALL", "s", ""},
		{"ReplaceWhere", "databricks", "INSERT INTO t REPLACE WHERE d = '2024-01-01' SELECT * FROM s", "s", "t"},
		{"MergeStar", "databricks", "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *", "s", "t"},
		{"DeepClone", "databricks", "CREATE OR REPLACE TABLE t DEEP CLONE s", "s", "t"},
		{"InlineTable", "spark", "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, name) JOIN s ON s.id = v.id", "s", ""},
		{"RangeTable", "spark", "INSERT INTO t SELECT id FROM range(10) JOIN s ON s.n = id", "s", "t"},
		{"SparkColonCast", "spark", "SELECT a::timestamp, CAST(b AS TIMESTAMP), CAST(c AS DECIMAL(10, 2)), try_cast(d AS INT) FROM s", "s", ""},
		{"SetVarDeclare", "spark", "DECLARE VARIABLE n INT DEFAULT 5; SET VAR n = 7; SELECT * FROM s LIMIT 1", "s", ""},
		{"TrinoFetchOffset", "trino", "SELECT * FROM s ORDER BY a OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY", "s", ""},
		{"TrinoOffsetLimit", "trino", "SELECT * FROM s ORDER BY a OFFSET 10 LIMIT 5", "s", ""},
		{"TrinoValuesAlias", "trino", "SELECT t.id FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name) JOIN s ON s.id = t.id", "s", ""},
		{"TrinoUnnestArray", "trino", "SELECT x FROM UNNEST(ARRAY[1, 2]) AS t(x) JOIN s ON s.id = x", "s", ""},
		{"TrinoQuoted", "trino", `SELECT "a" FROM "hive"."db"."s"`, "hive.db.s", ""},
		{"TrinoForTimestamp", "trino", "SELECT * FROM iceberg.db.s FOR TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00 UTC'", "iceberg.db.s", ""},
		{"TrinoIfFormat", "trino", "SELECT if(a > 0, 'p'), format('%s-%s', a, b), regexp_like(a, 'x'), json_extract_scalar(j, '$.a') FROM s", "s", ""},
		{"SubstringFrom", "postgres", "SELECT substring(a FROM 2 FOR 3), trim(both ' ' from b) FROM s", "s", ""},

		{"ColumnsNamedLikeFunctions", "spark", "SELECT first, last, window.start, hash, `array` FROM s", "s", ""},
		{"MySQLConvertDecimal", "mysql", "SELECT CONVERT(a, DECIMAL(10, 2)), CAST(b AS DECIMAL(10, 2)), adddate(d, 2) FROM s", "s", ""},
		{"TSQLConvert", "tsql", "SELECT CONVERT(VARCHAR(10), a, 120), CONVERT(DECIMAL(10, 2), b) FROM s", "s", ""},

		// Higher-order functions and lambdas.
		{"Lambdas", "spark", "SELECT transform(arr, x -> x * 2), filter(arr, x -> x > 0), exists(arr, x -> x IS NULL), aggregate(arr, 0, (acc, x) -> acc + x, acc -> acc) FROM s", "s", ""},
		{"LambdaMapFunctions", "spark", "SELECT map_filter(m, (k, v) -> v > 0), transform_values(m, (k, v) -> v + 1), forall(arr, x -> x % 2 = 0), zip_with(a, b, (x, y) -> x + y) FROM s", "s", ""},
		{"ExistsSubqueryStays", "spark", "SELECT * FROM s WHERE EXISTS (SELECT 1 FROM u WHERE u.id = s.id)", "s,u", ""},
		{"TrinoLambda", "trino", "SELECT transform(arr, x -> x + 1), reduce(arr, 0, (s, x) -> s + x, s -> s) FROM s", "s", ""},

		// PIVOT / UNPIVOT.
		{"Pivot", "spark", "SELECT * FROM (SELECT year, quarter, sales FROM s) PIVOT (sum(sales) AS total FOR quarter IN ('Q1' AS q1, 'Q2' AS q2))", "s", ""},
		{"PivotTable", "snowflake", "INSERT INTO t SELECT * FROM s PIVOT (sum(amount) FOR month IN ('JAN', 'FEB')) AS p", "s", "t"},
		{"Unpivot", "spark", "SELECT * FROM s UNPIVOT (val FOR col IN (a, b, c)) JOIN u ON u.id = s.id", "s,u", ""},
		{"UnpivotIncludeNulls", "databricks", "SELECT * FROM s UNPIVOT INCLUDE NULLS (val FOR col IN (a AS x, b AS y)) up", "s", ""},

		// Hive TRANSFORM.
		{"HiveTransform", "hive", "INSERT OVERWRITE TABLE t SELECT TRANSFORM(a, b) USING 'python clean.py' AS (c, d) FROM s", "s", "t"},
		{"HiveTransformRowFormat", "hive", "INSERT OVERWRITE TABLE t SELECT TRANSFORM (a, b) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' USING '/bin/cat' AS c, d ROW FORMAT DELIMITED FROM s WHERE a > 0", "s", "t"},

		// Trino and Presto.
		{"TrinoUnnest", "trino", "SELECT s.id, t.x FROM s CROSS JOIN UNNEST(s.arr) AS t(x)", "s", ""},
		{"TrinoUnnestOrdinality", "trino", "SELECT s.id, t.x, t.n FROM s CROSS JOIN UNNEST(s.arr, s.brr) WITH ORDINALITY AS t(x, y, n) JOIN u ON u.x = t.x", "s,u", ""},
		{"TrinoTryCastArrayRow", "trino", "SELECT TRY_CAST(a AS bigint), ARRAY[1, 2, 3], ARRAY['a'], ROW(1, 'a'), CAST(ROW(a, b) AS ROW(x int, y varchar)), try(a / b) FROM s", "s", ""},
		{"TrinoMapSubscript", "trino", "SELECT m['k'], element_at(m, 'k'), map(ARRAY['a'], ARRAY[1]) FROM hive.db.s", "hive.db.s", ""},
		{"TrinoAtTimeZone", "trino", "SELECT ts AT TIME ZONE 'UTC', DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00' FROM s", "s", ""},
		{"TrinoCTASWith", "trino", "CREATE TABLE hive.db.t WITH (format = 'ORC', partitioned_by = ARRAY['ds']) AS SELECT * FROM s", "s", "hive.db.t"},

		// Snowflake.
		{"SnowflakeVariant", "snowflake", "SELECT v:customer.name::string, v:items[0].sku::varchar AS sku, v['a']::int FROM s", "s", ""},
		{"SnowflakeFlatten", "snowflake", "SELECT f.value:id::int FROM s, LATERAL FLATTEN(input => s.v:items) f", "s", ""},
		{"SnowflakeTableFlatten", "snowflake", "SELECT f.value FROM s, TABLE(FLATTEN(input => s.arr, outer => true)) f", "s", ""},

		// BigQuery.
		{"BigQueryUnnest", "bigquery", "SELECT x FROM `proj.ds.s`, UNNEST(arr) AS x", "proj.ds.s", ""},
		{"BigQuerySafeCastStruct", "bigquery", "SELECT SAFE_CAST(a AS INT64), STRUCT(1 AS a, 'b' AS b), STRUCT<x INT64>(1) FROM ds.s", "ds.s", ""},
		{"BigQueryExcept", "bigquery", "SELECT * EXCEPT (a, b) FROM ds.s", "ds.s", ""},
		{"BigQueryOffset", "bigquery", "SELECT arr[OFFSET(0)], arr[SAFE_OFFSET(1)], ARRAY_AGG(x IGNORE NULLS ORDER BY y LIMIT 1)[OFFSET(0)] FROM ds.s", "ds.s", ""},
		{"BigQueryArraySubquery", "bigquery", "SELECT ARRAY(SELECT AS STRUCT a, b FROM ds.u) AS items FROM ds.s", "ds.s,ds.u", ""},

		// Postgres.
		{"PostgresOperators", "postgres", "SELECT j->>'a', j->'b', j #>> '{a,b}', a || b FROM s WHERE tags @> ARRAY['x'] AND name ~* 'x' AND id = ANY(ARRAY[1, 2])", "s", ""},
		{"PostgresFilter", "postgres", "SELECT count(*) FILTER (WHERE a > 0), DISTINCT_COUNT FROM s", "s", ""},
	} {
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

// TestScriptVars checks variables a script defines itself with SET.
func TestScriptVars(t *testing.T) {
	for _, tc := range []struct {
		name, dialect, sql string
		vars               map[string]string
		reads, writes      string
		warnings           int
	}{
		{"HiveVar", "hive", "SET hivevar:src=raw.events;\nINSERT OVERWRITE TABLE t SELECT * FROM ${hivevar:src}", nil, "raw.events", "t", 0},
		{"BareReference", "hive", "SET hivevar:db=dw;\nINSERT INTO ${db}.t SELECT * FROM ${hivevar:db}.s", nil, "dw.s", "dw.t", 0},
		{"SparkSet", "spark", "SET target_db = mart;\nSET src_tbl=${target_db}_stage.orders;\nINSERT INTO ${target_db}.orders SELECT * FROM ${src_tbl}", nil, "mart_stage.orders", "mart.orders", 0},
		{"HiveConfQuoted", "hive", "SET hiveconf:ds='2024-01-01';\nSELECT * FROM s WHERE ds = ${hiveconf:ds}", nil, "s", "", 0},
		{"ScriptOverridesFromThereOn", "hive", "INSERT INTO t1 SELECT * FROM ${src};\nSET src=b;\nINSERT INTO t2 SELECT * FROM ${src}", map[string]string{"src": "a"}, "a,b", "t1,t2", 0},
		{"UsedBeforeSet", "hive", "INSERT INTO t SELECT * FROM ${src};\nSET src=b;", nil, "src", "t", 1},
		{"SelfReference", "hive", "SET x=${x};\nSET y=${x}${x};\nSELECT * FROM ${y}", nil, "xx", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := MustParse(t, tc.sql, Options{Dialect: tc.dialect, Vars: tc.vars})
			if got := strings.Join(res.Reads, ","); got != tc.reads {
				t.Errorf("reads %q, want %q", got, tc.reads)
			}
			if got := strings.Join(res.Writes, ","); got != tc.writes {
				t.Errorf("writes %q, want %q", got, tc.writes)
			}
			if len(res.Warnings) != tc.warnings {
				t.Errorf("warnings %v, want %d", res.Warnings, tc.warnings)
			}
			for _, st := range res.Statements {
				if st.Confidence != Parsed {
					t.Errorf("statement at line %d (%s) fell back: %v", st.Line, st.Kind, res.Warnings)
				}
			}
		})
	}
}
