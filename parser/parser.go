package parser

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tidb "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // value expressions for the TiDB parser

	"github.com/lineagehq/lineage"
)

// Options for one script.
type Options struct {
	// Dialect is one of Dialects(); "" means auto (ANSI-ish: double quotes
	// delimit names, Spark and Hive extensions accepted).
	Dialect string
	// Vars holds template variables: ${NAME}, ${hiveconf:NAME},
	// ${hivevar:NAME} and {{ NAME }} are replaced by Vars["NAME"] (a key
	// spelled with its prefix, such as "hiveconf:NAME", wins).
	Vars map[string]string
	// DefaultDB qualifies unqualified names if set, as USE db would.
	DefaultDB string
	// File names the script in errors and warnings only.
	File string
	// Columns asks for column-level lineage as well (Result.Columns and
	// References, per statement too); without it none is computed.
	Columns bool
	// Schema, if set, gives the columns of a persistent table by its
	// qualified lower-case name ("db.table"), for SELECT *, unqualified
	// columns over joins and INSERT without a column list. DDL earlier in
	// the script is used first. Only read when Columns is set.
	Schema func(table string) ([]string, bool)
}

// Result is the lineage of one script.
type Result struct {
	Reads      []string    `json:"reads"`  // sorted, deduplicated, never nil
	Writes     []string    `json:"writes"` // sorted, deduplicated, never nil
	Statements []Statement `json:"statements"`
	Warnings   []Warning   `json:"warnings"`
	// Columns is the column lineage of the script when Options.Columns is
	// set: one entry per written column, sorted by target (see
	// ColumnLineage). Nil otherwise.
	Columns []ColumnLineage `json:"columns,omitzero"`
	// References lists every use of a column of a persistent table, sorted
	// and deduplicated, when Options.Columns is set. Nil otherwise.
	References []ColumnRef `json:"references,omitzero"`
}

// Statement is the lineage of one statement of a script.
type Statement struct {
	Line       int      `json:"line"` // 1-based line in the original script
	Kind       string   `json:"kind"` // "insert", "create_table", "merge", "select", "drop", "set", ...
	Reads      []string `json:"reads"`
	Writes     []string `json:"writes"`
	Confidence string   `json:"confidence"` // "parsed" or "fallback"
	// Columns and References are the statement's column lineage and
	// column uses when Options.Columns is set (empty for a statement that
	// fell back); nil otherwise.
	Columns    []ColumnLineage `json:"columns,omitzero"`
	References []ColumnRef     `json:"references,omitzero"`
}

// Confidence values of a Statement.
const (
	// Parsed means the statement was understood completely: by the TiDB
	// parser after the dialect rewrite, or, for session statements such as
	// SET or USE, by the dialect layer itself.
	Parsed = "parsed"
	// Fallback means the statement did not parse and its tables were picked
	// from its tokens; a Warning gives the parse error.
	Fallback = "fallback"
)

// Warning is something a user should know about a script that did not stop
// lineage from being extracted: an unknown template variable, a statement
// that needed the fallback extraction.
type Warning struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// String returns the warning as "line 3, column 7: message".
func (w Warning) String() string {
	return "line " + strconv.Itoa(w.Line) + ", column " + strconv.Itoa(w.Column) + ": " + w.Message
}

// Error is a parse failure with its position in the original script. It
// unwraps to a *lineage.Error with Code lineage.EINVALID. Line is 0 when the
// error is about the options rather than a place in the script.
type Error struct {
	File         string
	Line, Column int
	Message      string
}

// Error returns "file:line:column: message" (parts that are unknown left out).
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(":")
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the application error: code EINVALID, with a message for users.
func (e *Error) Unwrap() error {
	msg := e.Message
	if e.Line > 0 {
		msg = fmt.Sprintf("%s at line %d, column %d", msg, e.Line, e.Column)
	}
	if e.File != "" {
		msg = e.File + ": " + msg
	}
	return &lineage.Error{Code: lineage.EINVALID, Message: upperFirst(msg) + "."}
}

func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// dialect describes how one SQL dialect is lexed and rewritten.
type dialect struct {
	name       string
	ansiQuotes bool // "x" is a name, not a string
	brackets   bool // [x] is a name (T-SQL)
	hashNames  bool // #x is a temporary table, not a comment
	hashOps    bool // # begins an operator (#>>), not a comment
	mysqlDash  bool // "--x" is not a comment
	noSemi     bool // statements may be separated by nothing but a new keyword (T-SQL)
	selectInto bool // SELECT ... INTO t creates t (not MySQL's INTO @var)
	shards     bool // BigQuery: table_20230101 and table_2023* name one sharded table
	// quote holds the words TiDB reserves and this dialect does not, to be
	// quoted where they stand as names (reserved.go); nil: none.
	quote map[string]uint8
}

var dialects = map[string]dialect{
	"":           {ansiQuotes: true},
	"ansi":       {ansiQuotes: true, selectInto: true},
	"athena":     {ansiQuotes: true},
	"bigquery":   {shards: true},
	"databricks": {},
	"db2":        {ansiQuotes: true, selectInto: true},
	"duckdb":     {ansiQuotes: true, selectInto: true},
	"exasol":     {ansiQuotes: true},
	"hive":       {},
	"mssql":      {ansiQuotes: true, brackets: true, hashNames: true, noSemi: true, selectInto: true},
	"mysql":      {mysqlDash: true},
	"oracle":     {ansiQuotes: true},
	"postgres":   {ansiQuotes: true, selectInto: true, hashOps: true},
	"presto":     {ansiQuotes: true},
	"redshift":   {ansiQuotes: true, hashNames: true, selectInto: true},
	"snowflake":  {ansiQuotes: true},
	"spark":      {},
	"sqlite":     {ansiQuotes: true},
	"teradata":   {ansiQuotes: true},
	"trino":      {ansiQuotes: true},
	"tsql":       {ansiQuotes: true, brackets: true, hashNames: true, noSemi: true, selectInto: true},
	"vertica":    {ansiQuotes: true},
}

// pgOps reports dialects with Postgres operators (a ~ 'x', a @> b).
func (d *dialect) pgOps() bool {
	switch d.name {
	case "", "postgres", "redshift", "duckdb":
		return true
	}
	return false
}

// Dialects lists the accepted dialect names ("" is also accepted: auto).
func Dialects() []string {
	names := make([]string, 0, len(dialects))
	for n := range dialects {
		if n != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Parser extracts table lineage from SQL scripts. It is not safe for
// concurrent use; keep one per goroutine and reuse it: it holds a TiDB
// parser and buffers that are expensive to build.
type Parser struct {
	tidb    *tidb.Parser
	mode    mysql.SQLMode
	lx      lexer
	b       builder
	tmpl    builder
	setVars map[string]string // template variables the script sets (SET hivevar:x=v)
	spans   [][2]int          // statements' token ranges (split's result)
	d       dialect           // the dialect of the script being parsed
	sc      script
	visitor extractor
	rs      resolveState
	cols    colState // column lineage, when asked for
}

// New returns a Parser.
func New() *Parser {
	p := &Parser{tidb: tidb.New()}
	p.tidb.SetSQLMode(0)
	// TiDB's defaults (window functions, strict double type check), less
	// the recording of each expression's offset, which we never read.
	p.tidb.SetParserConfig(tidb.ParserConfig{EnableWindowFunction: true, EnableStrictDoubleTypeCheck: true, SkipPositionRecording: true})
	return p
}

// Parse extracts the tables that script reads and writes. It returns an
// error (an *Error) only for an unknown dialect or when nothing at all could
// be extracted from a script that has SQL in it; otherwise every statement
// that did not parse is extracted by the fallback and reported in Warnings.
func (p *Parser) Parse(script string, opts Options) (res *Result, err error) {
	name := strings.ToLower(strings.TrimSpace(opts.Dialect))
	d, ok := dialects[name]
	if !ok {
		return nil, &Error{File: opts.File, Message: fmt.Sprintf("unknown dialect %q (known: %s)", opts.Dialect, strings.Join(Dialects(), ", "))}
	}
	d.name = name
	d.quote = quoteWords[name]
	defer func() {
		if r := recover(); r != nil {
			// A bug in the dialect layer or in TiDB must not take the
			// caller down; report it where it happened.
			line, col := p.sc.panicPos()
			res, err = nil, &Error{File: opts.File, Line: line, Column: col, Message: fmt.Sprintf("internal error while parsing: %v", r)}
		}
	}()
	return p.parse(script, opts, d)
}

func (p *Parser) setMode(d dialect) {
	var mode mysql.SQLMode
	if d.ansiQuotes {
		mode |= mysql.ModeANSIQuotes
	}
	if mode != p.mode {
		p.tidb.SetSQLMode(mode)
		p.mode = mode
	}
}
