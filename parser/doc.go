// Package parser extracts table-level lineage (the tables a SQL script
// reads and writes) from the job scripts data engineers write: Spark SQL
// and Hive first, then Trino, MySQL, Postgres, T-SQL, Snowflake, BigQuery
// and others. It is built on TiDB's MySQL parser, with a dialect layer in
// front of it and a safety net behind it.
//
// # Pipeline
//
// Parse runs each script through five steps:
//
//  1. Templates: ${NAME}, ${hiveconf:NAME}, ${hivevar:NAME} and Jinja's
//     {{ name }}, {{ ref('m') }}, {{ source('s', 't') }} are replaced from
//     Options.Vars, and from the script's own SET NAME=v, SET hivevar:NAME=v
//     and SET hiveconf:NAME=v (at the start of a line) from there on. An
//     unknown variable is a warning and its bare name stands in for it.
//     Jinja control flow ({% if %}, {% for %}, {% set %}) is rendered first,
//     by gonja (jinja.go), with a position map kept; a condition the vars
//     do not decide (is_init(), is_incremental(), an unset variable)
//     renders each branch, every rendering is parsed on its own and their
//     lineage united, with a warning at the tag. A template gonja cannot
//     parse or render has its {% ... %} tags ignored, with a warning.
//  2. Lexing: the script is tokenised a 1 MB chunk at a time (so that a
//     script's memory does not grow with its statement count), as TiDB's
//     Scanner would (ANSI_QUOTES for dialects where "x" is a name), by a lexer of our own
//     that looks up no keywords; on rare input (MySQL's /*! */ comments,
//     unterminated strings, 1e5 or 0x1F numbers) TiDB's Scanner itself is
//     used. The few things TiDB does not know are handled at token level:
//     "--comment" without a space, T-SQL [names] and #temp tables, Postgres
//     #> operators.
//  3. Splitting: statements end at semicolons outside strings, comments and
//     quoted names; a procedure header ends at its BEGIN (its body is split
//     like any script), as is a dollar-quoted body ($$ ... $$, $fn$ ...
//     $fn$); in T-SQL a statement also ends where the next one begins.
//  4. Dialect layer: each statement is rewritten, token span by token span,
//     into text TiDB parses. Spans are replaced or blanked, never reparsed
//     from raw text, and a position map takes every byte of the rewritten
//     text back to the original script (through the template expansion),
//     so errors and warnings point at what the user wrote. Expressions:
//     functions TiDB reserves or limits (Spark's first(x, true), split,
//     date_add(d, n), int(x), window(...)) become calls of a neutral name;
//     lambdas (x -> ...) lose their parameters; subscripts (a[0], m['k'])
//     and fields of call results (f(x).a) are blanked, as are PIVOT and
//     UNPIVOT clauses, time travel (VERSION AS OF), NULLS FIRST/LAST and
//     Hive's TRANSFORM ... USING 'script'. A statement with nothing to
//     rewrite goes to TiDB as the script's own text, uncopied. Statement-level
//     forms TiDB lacks are decomposed: MERGE becomes its target (written)
//     plus SELECTs over its USING source, ON condition and WHEN subqueries;
//     UPDATE ... FROM and DELETE ... USING become SELECTs with the target on
//     the side; WITH ... INSERT is reordered to INSERT ... WITH; Hive's
//     FROM src INSERT ... INSERT ... becomes one INSERT per target;
//     three- and four-part names become placeholder identifiers that are
//     mapped back after parsing.
//  5. Extraction and resolution: the TiDB AST is walked for the tables read
//     and written, with CTE scopes; then script-level rules are applied
//     (see below).
//
// # Confidence
//
// A statement that parses is marked "parsed". One that still does not parse
// gets a fallback extraction from its tokens (the names after FROM, JOIN
// and USING are read, CTE names removed; the target after INTO, TABLE,
// UPDATE or MERGE INTO is written), is marked "fallback", and the parse
// error, with its position, becomes a Warning. Parse returns an error only
// for an unknown dialect, or when no statement parses and nothing at all
// could be extracted; a script that parses but names no table (only SET,
// dfs, table-less SELECTs) is an empty result with one warning.
// Session statements (SET, ADD JAR, USE, ...) are understood, not errors.
//
// # Semantics
//
//   - Names are lower-case with quotes removed, qualified as the script
//     spells them; after USE db (or with Options.DefaultDB) unqualified
//     names get "db."; names of three and four parts stay whole. Storage
//     paths (parquet.`s3://...`, COPY ... FROM 's3://...', INSERT OVERWRITE
//     DIRECTORY) are listed as written. BigQuery shards (t_20240101, t_2024*)
//     name one table, t_yyyymmdd.
//   - Writes: INSERT (also VALUES-only), CTAS, CREATE TABLE (a definition is
//     a write), persistent CREATE VIEW, REPLACE INTO, MERGE, UPDATE and
//     DELETE targets (an alias resolves to its table), SELECT ... INTO t.
//   - Reads: every persistent table read anywhere (FROM, JOIN, subqueries,
//     MERGE USING, the other tables of UPDATE/DELETE joins). A target counts
//     as read only where it is really read; an UPDATE target referenced only
//     in its own SET/WHERE is not a read. In BigQuery a path into a name
//     the FROM binds (FROM t CROSS JOIN t.arr, or FROM t.arr in a subquery
//     over t) unnests an array column: it is not a table.
//   - Temporary objects are resolved through and never listed: CTEs,
//     temporary views, temporary tables (#t too), cached tables, and tables
//     the script creates and later drops. Whatever is written from them
//     counts as reading their sources. A persistent table the script writes
//     and later reads appears in both lists.
//   - DROP, TRUNCATE, ALTER, ANALYZE and REFRESH produce no lineage, except
//     the ALTERs that move data (EXCHANGE PARTITION, SWAP WITH) and renames,
//     which the script's writes follow.
//
// # Columns
//
// With Options.Columns, Parse also gives column lineage (Result.Columns:
// each written column and the source columns its value is computed from)
// and column references (Result.References: every column of a persistent
// table the job reads, with its kind of use), per statement too. The same
// TiDB AST is walked with scopes (CTEs, subqueries, joins, set operations
// by position, lateral aliases, correlated subqueries); what the dialect
// layer blanks or decomposes (MERGE's WHEN clauses, * EXCEPT/REPLACE,
// QUALIFY, static partitions, CREATE ... (cols) AS, table functions) is
// read from the statement's tokens. Tables' columns come from DDL earlier
// in the script, then Options.Schema; without them a star gives db.t.*
// and an ambiguous column every candidate table, flagged unresolved. See
// ColumnLineage and ColumnRef for the conventions, and columns*.go.
//
// A Parser holds a TiDB parser and buffers; it is not safe for concurrent
// use, so keep one per goroutine and reuse it.
package parser
