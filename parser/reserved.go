package parser

import (
	"strings"

	tidb "github.com/pingcap/tidb/pkg/parser"
)

// Reserved words. TiDB reserves MySQL's words (KEY, INDEX, RANK, INT1,
// USAGE, ...), and a script in another dialect may use any word its own
// dialect does not reserve as a name: Hive's tests all read `key`. So each
// dialect lists the words it reserves itself, and every word TiDB reserves
// that the script's dialect does not is quoted (`key`) where it stands as a
// name. A dialect without a list here keeps TiDB's reserved words (MySQL and
// the dialects close to it).

// dialectReserved holds each dialect's own reserved words, from its
// documentation: Hive's LanguageManual (reserved keywords of Hive 3), Spark's
// ANSI-mode reserved keywords (what Spark scripts avoid as names; less ALL,
// which Spark's own tests use as a column), Trino's
// SQL reserved keywords, BigQuery's lexical reference.
var dialectReserved = map[string]string{
	"hive": `ALL ALTER AND ARRAY AS AUTHORIZATION BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CAST CHAR COLUMN
		CONF CREATE CROSS CUBE CURRENT CURRENT_DATE CURRENT_TIMESTAMP CURSOR DATABASE DATE DECIMAL DELETE
		DESCRIBE DISTINCT DOUBLE DROP ELSE END EXCHANGE EXISTS EXTENDED EXTERNAL FALSE FETCH FLOAT
		FOLLOWING FOR FROM FULL FUNCTION GRANT GROUP GROUPING HAVING IF IMPORT IN INNER INSERT INT
		INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LESS LIKE LOCAL MACRO MAP MORE NONE NOT NULL OF ON
		OR ORDER OUT OUTER OVER PARTIALSCAN PARTITION PERCENT PRECEDING PRESERVE PROCEDURE RANGE READS
		REDUCE REVOKE RIGHT ROLLUP ROW ROWS SELECT SET SMALLINT TABLE TABLESAMPLE THEN TIMESTAMP TO
		TRANSFORM TRIGGER TRUE TRUNCATE UNBOUNDED UNION UNIQUEJOIN UPDATE USER USING UTC_TMESTAMP VALUES
		VARCHAR WHEN WHERE WINDOW WITH COMMIT ONLY REGEXP RLIKE ROLLBACK START CACHE CONSTRAINT FOREIGN
		PRIMARY REFERENCES DAYOFWEEK EXTRACT FLOOR INTEGER PRECISION VIEWS TIME NUMERIC SYNC`,
	"spark": `AND ANY AS AUTHORIZATION BOTH CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE CROSS
		CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DISTINCT ELSE END ESCAPE EXCEPT FALSE
		FETCH FILTER FOR FOREIGN FROM FULL GRANT GROUP HAVING IN INNER INTERSECT INTO IS JOIN LATERAL
		LEADING LEFT NATURAL NOT NULL OFFSET ON ONLY OR ORDER OUTER OVERLAPS PRIMARY REFERENCES RIGHT
		SELECT SESSION_USER SOME TABLE THEN TIME TO TRAILING TRUE UNION UNIQUE UNKNOWN USER USING WHEN
		WHERE WITH`,
	"trino": `ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG CURRENT_DATE
		CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE
		DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE EXCEPT EXECUTE EXISTS EXTRACT FALSE FOR FROM FULL
		GROUP GROUPING HAVING IN INNER INSERT INTERSECT INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT
		JSON_QUERY JSON_TABLE JSON_VALUE LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE
		NOT NULL ON OR ORDER OUTER PREPARE RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE
		UESCAPE UNION UNNEST USING VALUES WHEN WHERE WITH`,
	"bigquery": `ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS
		CREATE CROSS CUBE CURRENT DEFAULT DEFINE DESC DISTINCT ELSE END ENUM ESCAPE EXCEPT EXCLUDE EXISTS
		EXTRACT FALSE FETCH FOLLOWING FOR FROM FULL GROUP GROUPING GROUPS HASH HAVING IF IGNORE IN INNER
		INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LIKE LIMIT LOOKUP MERGE NATURAL NEW NO NOT NULL NULLS
		OF ON OR ORDER OUTER OVER PARTITION PRECEDING PROTO QUALIFY RANGE RECURSIVE RESPECT RIGHT ROLLUP
		ROWS SELECT SET SOME STRUCT TABLESAMPLE THEN TO TREAT TRUE UNBOUNDED UNION UNNEST USING WHEN
		WHERE WINDOW WITH WITHIN`,
}

// dialectReservedAlias names dialects that share another's list.
var dialectReservedAlias = map[string]string{"databricks": "spark", "presto": "trino", "athena": "trino"}

// neverQuoted are words TiDB reserves that are keywords in every dialect
// even where one does not reserve them (literals, operators, the words of
// a SELECT's skeleton, ALL/DISTINCT before an argument, TRIM's LEADING),
// and the type names every dialect uses in CAST and column definitions.
var neverQuoted = wordSet(`TRUE FALSE NULL AND OR NOT XOR DIV MOD IS IN LIKE ILIKE RLIKE REGEXP BETWEEN
	SELECT FROM WHERE GROUP ORDER BY HAVING LIMIT AS ON USING JOIN INNER LEFT RIGHT CROSS OUTER NATURAL
	UNION EXCEPT INTERSECT WITH RECURSIVE CASE WHEN THEN ELSE DISTINCT DISTINCTROW ALL ASC DESC OVER
	PARTITION ROWS RANGE INTERVAL LEADING TRAILING BOTH COLLATE INTO VALUES SET INSERT UPDATE DELETE
	REPLACE CREATE DROP ALTER TABLE EXISTS FOR OF TO STRAIGHT_JOIN TABLESAMPLE LATERAL WINDOW
	BIGINT BINARY BLOB CHAR CHARACTER DECIMAL DOUBLE FLOAT INT INTEGER NUMERIC REAL SMALLINT TINYINT
	MEDIUMINT VARCHAR VARBINARY PRECISION LONG LONGBLOB LONGTEXT MEDIUMBLOB MEDIUMTEXT TINYBLOB TINYTEXT
	VARCHARACTER VARYING UNSIGNED ZEROFILL ARRAY ROW`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// quoteWords maps a dialect to the words to quote where they stand as
// names: TiDB's reserved words less the dialect's own and neverQuoted.
// A word that is in neverQuoted is quoted only as an alias after AS
// (count(*) AS all,), never elsewhere: quoteAlias.
var quoteWords = map[string]map[string]uint8{}

const (
	quoteName  = 1
	quoteAlias = 2
)

func init() {
	for name, list := range dialectReserved {
		own := wordSet(list)
		q := map[string]uint8{}
		for _, kw := range tidb.Keywords {
			switch {
			case !kw.Reserved || own[kw.Word] || kw.Word == "TRUE" || kw.Word == "FALSE" || kw.Word == "NULL":
			case neverQuoted[kw.Word]:
				q[kw.Word] = quoteAlias
			default:
				q[kw.Word] = quoteName
			}
		}
		quoteWords[name] = q
	}
	for name, to := range dialectReservedAlias {
		quoteWords[name] = quoteWords[to]
	}
}

// quotable reports whether word token i is one of the dialect's words to
// quote as a name.
func (s *stmt) quotable(i int) bool {
	return s.quoteKind(i) == quoteName
}

// quoteKind returns token i's entry in the dialect's quoteWords (0: none).
func (s *stmt) quoteKind(i int) uint8 {
	q := s.d.quote
	if q == nil || i < 0 || i >= len(s.t) || s.t[i].kind != tWord {
		return 0
	}
	w := s.str(i)
	if len(w) < 2 || len(w) > 20 {
		return 0
	}
	var buf [24]byte
	return q[string(upper(w, buf[:0]))]
}

// quoteName quotes word token i: `key`.
func (s *stmt) quoteName(i int) {
	s.addEdit(s.t[i].start, s.t[i].end, "`"+s.str(i)+"`")
}

// beforeName are the keywords after which a word begins an expression.
var beforeName = wordSet(`SELECT WHERE AND OR BY ON WHEN THEN ELSE CASE AS NOT DISTINCT HAVING BETWEEN IN
	LIKE RLIKE ILIKE REGEXP SET`)

// afterName are the keywords that may follow a column name in an expression.
var afterName = wordSet(`FROM AS AND OR ASC DESC WHERE GROUP ORDER LIMIT IS IN NOT BETWEEN LIKE RLIKE
	REGEXP ILIKE THEN WHEN ELSE END ON JOIN LEFT RIGHT INNER FULL CROSS UNION EXCEPT INTERSECT MINUS
	HAVING DISTRIBUTE SORT CLUSTER WINDOW NULLS DIV MOD XOR USING LATERAL INSERT COLLATE OVER WITH`)

// exprQuote quotes word token i if it is one of the dialect's words to
// quote and stands as a name in an expression: it begins an operand
// (after a comma, an opening bracket, an operator or a keyword such as
// SELECT, WHERE, AND, BY) and is followed by what may follow a name (a
// comma, a closing bracket, an operator, a dot, FROM, AS, ...), not by an
// opening bracket (rank() is a call) or a literal. After a comma or an
// opening bracket any word may follow (a column definition: key STRING).
func (s *stmt) exprQuote(i int) {
	if i == 0 || s.isP(i+1, '(') {
		return
	}
	switch s.quoteKind(i) {
	case 0:
		if s.d.quote != nil && s.isAny(i, "TRUE", "FALSE") && s.is(i-1, "AS") && (i+1 == len(s.t) || s.isP(i+1, ',') || s.is(i+1, "FROM")) {
			s.quoteName(i) // SELECT a = b AS true
		}
		return
	case quoteAlias:
		if (s.is(i-1, "AS") || s.is(i-1, "SELECT") || s.isP(i-1, ',')) && (i+1 == len(s.t) || s.isP(i+1, ',') || s.is(i+1, "FROM")) {
			s.quoteName(i) // count(*) AS all, SELECT all, city; not CAST(x AS INT)
		}
		return
	}
	prev := s.t[i-1]
	if s.aliasAfterValue(i) {
		s.quoteName(i)
		return
	}
	listStart := false
	switch prev.kind {
	case tPunct:
		c := s.text[prev.start]
		if prev.end-prev.start == 1 && (c == ')' || c == ']' || c == '.' || c == ';') {
			return
		}
		listStart = prev.end-prev.start == 1 && (c == ',' || c == '(')
	case tWord:
		var buf [16]byte
		if prev.end-prev.start > 12 || !beforeName[string(upper(s.text[prev.start:prev.end], buf[:0]))] {
			return
		}
	default:
		return
	}
	if i+1 >= len(s.t) {
		s.quoteName(i)
		return
	}
	next := s.t[i+1]
	switch next.kind {
	case tPunct:
		s.quoteName(i)
	case tWord:
		var buf [16]byte
		if listStart || s.is(i-1, "AS") || next.end-next.start <= 12 && afterName[string(upper(s.text[next.start:next.end], buf[:0]))] ||
			s.isName(i+1) && s.endsItem(i+2) {
			s.quoteName(i) // key k1, ...: a column and its alias
		}
	}
}

// aliasAfterValue reports whether token i is an alias without AS: it
// follows a value (a name, a literal, a closing bracket) and ends a select
// item (cast(x AS int) key, ...).
func (s *stmt) aliasAfterValue(i int) bool {
	prev := s.t[i-1]
	switch prev.kind {
	case tNumber, tString, tQuoted:
	case tPunct:
		if !s.isP(i-1, ')') {
			return false
		}
	case tWord:
		// SELECT k key FROM: a column and its alias.
		w := upperStr(s.text[prev.start:prev.end])
		if w == "" || beforeName[w] || afterName[w] || neverQuoted[w] || s.d.quote[w] != 0 {
			return false
		}
	default:
		return false
	}
	return s.endsItem(i + 1)
}

// endsItem reports whether token j ends a select item: a comma, FROM, a
// closing bracket, the end.
func (s *stmt) endsItem(j int) bool {
	return j >= len(s.t) || s.isP(j, ',') || s.isP(j, ')') || s.isP(j, ';') || s.is(j, "FROM")
}
