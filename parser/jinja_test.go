package parser

import (
	"strconv"
	"strings"
	"testing"
)

// TestJinja checks Jinja control flow: what the vars decide is rendered,
// an unknown condition gives the union of its branches (each parsed on its
// own) with a warning at its tag, and positions still point at the script.
func TestJinja(t *testing.T) {
	for _, tc := range []struct {
		name, dialect, sql string
		vars               map[string]string
		reads, writes      string
		warnings           []string // "line:column: message prefix", in order
	}{
		{
			name:     "UnknownConditionUnion",
			dialect:  "bigquery",
			sql:      "SELECT d, SUM(n) FROM ds.s\nWHERE\n  {% if is_init() %}\n    d >= '2023-01-01'\n  {% else %}\n    d = @submission_date\n  {% endif %}\nGROUP BY d",
			reads:    "ds.s",
			warnings: []string{"3:3: Jinja condition is_init() is unknown here"},
		},
		{
			name:     "BranchesReadDifferentTables",
			dialect:  "bigquery",
			sql:      "{% if is_init() %}\nINSERT INTO ds.t SELECT * FROM ds.history\n{% else %}\nINSERT INTO ds.t SELECT * FROM ds.daily WHERE d = @d\n{% endif %}",
			reads:    "ds.daily,ds.history",
			writes:   "ds.t",
			warnings: []string{"1:1: Jinja condition is_init() is unknown here"},
		},
		{
			name:    "SameUnknownTogether",
			dialect: "bigquery",
			// Both ifs ask is_init(): a rendering takes the same branch in
			// each, so the half-statements of one branch never meet the
			// other's.
			sql:   "SELECT * FROM\n{% if is_init() %} ds.a WHERE TRUE {% else %} ds.b WHERE d = @d {% endif %}\n{% if not is_init() %} AND x = 1 {% endif %}",
			reads: "ds.a,ds.b",
			warnings: []string{
				"2:1: Jinja condition is_init() is unknown here",
				"3:1: Jinja condition is_init() is unknown here",
			},
		},
		{
			name:    "VarsDecide",
			dialect: "spark",
			sql:     "{% if env == 'prod' %}\nINSERT INTO prod.t SELECT * FROM prod.s\n{% elif env == 'dev' %}\nINSERT INTO dev.t SELECT * FROM dev.s\n{% else %}\nINSERT INTO x.t SELECT * FROM x.s\n{% endif %}",
			vars:    map[string]string{"env": "dev"},
			reads:   "dev.s",
			writes:  "dev.t",
		},
		{
			name:     "UnsetVarIsUnknown",
			dialect:  "spark",
			sql:      "{% if full_refresh %}\nINSERT OVERWRITE TABLE t SELECT * FROM a\n{% else %}\nINSERT INTO t SELECT * FROM b\n{% endif %}",
			reads:    "a,b",
			writes:   "t",
			warnings: []string{"1:1: Jinja condition full_refresh is unknown here"},
		},
		{
			name:     "DbtIsIncremental",
			dialect:  "snowflake",
			sql:      "select * from raw.events\n{% if is_incremental() %}\nwhere ts > (select max(ts) from analytics.events)\n{% endif %}",
			reads:    "analytics.events,raw.events",
			warnings: []string{"2:1: Jinja condition is_incremental() is unknown here"},
		},
		{
			name:    "ForLoopSetTuples",
			dialect: "bigquery",
			sql: "{% set apps = [('firefox_ios', 'ios'), ('fenix', 'android')] %}\n" +
				"{% for app, os in apps %}\nSELECT '{{ os }}' AS os, * FROM `p.{{ app }}.active_users`\n{% if not loop.last %}UNION ALL{% endif %}\n{% endfor %}",
			reads: "p.fenix.active_users,p.firefox_ios.active_users",
		},
		{
			name:    "ForLoopComma",
			dialect: "bigquery",
			sql:     "SELECT\n{% for c in ['a', 'b', 'c'] %}  SUM({{ c }}) AS {{ c }}{{ ',' if not loop.last }}\n{% endfor %}FROM ds.s",
			reads:   "ds.s",
		},
		{
			name:     "RefInsideBranch",
			dialect:  "snowflake",
			sql:      "select * from {{ ref('stg_orders') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
			vars:     map[string]string{"this": "analytics.fct_orders"},
			reads:    "analytics.fct_orders,stg_orders",
			warnings: []string{"2:1: Jinja condition is_incremental() is unknown here"},
		},
		{
			name:    "UnknownVarInBranchKeepsPosition",
			dialect: "bigquery",
			sql:     "{% set n = 28 %}\nSELECT * FROM ds.s\n{% if is_init() %}WHERE d > {{ start }}{% else %}WHERE k < {{ n }}{% endif %}",
			reads:   "ds.s",
			warnings: []string{
				"3:1: Jinja condition is_init() is unknown here",
				"3:29: unknown template variable {{ start }}",
			},
		},
		{
			name:    "ErrorInLoopPointsAtScript",
			dialect: "bigquery",
			sql:     "{% for t in ['a', 'b'] %}\nSELECT * FROM ds.{{ t }} WHERE (x\n;\n{% endfor %}",
			reads:   "ds.a,ds.b",
			warnings: []string{
				"2:34: statement did not parse",
			},
		},
		{
			name:    "WhitespaceControl",
			dialect: "bigquery",
			sql:     "SELECT * FROM ds.s\n{%- if x %}\n  WHERE d = {{ ds }}\n{%- endif %}\n",
			reads:   "ds.s",
			warnings: []string{
				"2:1: Jinja condition x is unknown here",
				"3:13: unknown template variable {{ ds }}",
			},
		},
		{
			name:    "ErrorWithCRLF",
			dialect: "bigquery",
			sql:     "SELECT * FROM ds.s\r\n{% if x %}\r\n  WHERE d = {{ ds }} AND (\r\n{% endif %}\r\n",
			reads:   "ds.s",
			warnings: []string{
				"2:1: Jinja condition x is unknown here",
				"3:13: unknown template variable {{ ds }}",
				"3:28: statement did not parse",
			},
		},
		{
			name:     "OneRenderingWithoutTables",
			dialect:  "bigquery",
			sql:      "{% if is_init() %}SELECT 1{% else %}SELECT * FROM ds.s{% endif %}",
			reads:    "ds.s",
			warnings: []string{"1:1: Jinja condition is_init() is unknown here"},
		},
		{
			name:    "IncludeRefused",
			dialect: "spark",
			sql:     "{% include '/etc/passwd' %}\nSELECT * FROM s",
			reads:   "s",
			warnings: []string{
				"1:1: template statement {% include '/etc/passwd' %} ignored",
				"1:4: Jinja template does not parse (ControlStructure 'include' not found",
			},
		},
		{
			name:    "UnclosedIf",
			dialect: "spark",
			sql:     "SELECT * FROM s\n{% if x %}\nWHERE a = 1",
			reads:   "s",
			warnings: []string{
				"2:1: template statement {% if x %} ignored",
				"3:12: Jinja template does not parse (Unexpected EOF, expected tag elif or else or endif",
			},
		},
		{
			name:    "RangeBounded",
			dialect: "spark",
			sql:     "{% for i in range(1000000000) %}SELECT {{ i }};{% endfor %}\nSELECT * FROM s",
			reads:   "s",
			warnings: []string{
				"1:1: Jinja template did not render",
				"1:1: template statement {% for i in range(1000000000) %} ignored",
				"1:40: unknown template variable {{ i }}",
				"1:48: template statement {% endfor %} ignored",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := MustParse(t, tc.sql, Options{Dialect: tc.dialect, Vars: tc.vars})
			if got := strings.Join(res.Reads, ","); got != tc.reads {
				t.Errorf("reads %q, want %q", got, tc.reads)
			}
			if got := strings.Join(res.Writes, ","); got != tc.writes {
				t.Errorf("writes %q, want %q", got, tc.writes)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			if len(got) != len(tc.warnings) {
				t.Fatalf("warnings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.warnings, "\n  "))
			}
			for i, w := range res.Warnings {
				want := tc.warnings[i]
				c := strings.Index(want, ": ")
				pos, msg := want[:c], want[c+2:]
				if gotPos := strconv.Itoa(w.Line) + ":" + strconv.Itoa(w.Column); gotPos != pos || !strings.HasPrefix(w.Message, msg) {
					t.Errorf("warning %d: %s, want %s", i, w, want)
				}
			}
			if strings.Contains(tc.name, "Error") {
				return
			}
			for _, st := range res.Statements {
				if st.Confidence != Parsed {
					t.Errorf("statement at line %d (%s) fell back: %v", st.Line, st.Kind, res.Warnings)
				}
			}
		})
	}
}

// FuzzJinja checks that templated scripts never panic or hang Parse and
// that errors carry a position (FuzzParse covers plain SQL).
func FuzzJinja(f *testing.F) {
	f.Add("{% if is_init() %}SELECT * FROM a{% else %}SELECT * FROM b WHERE d = {{ ds }}{% endif %}", "bigquery")
	f.Add("{% set xs = [('a', 1), ('b', 2)] %}{% for x, n in xs %}SELECT {{ n }} FROM `p.{{ x }}.t`{% if not loop.last %} UNION ALL {% endif %}{% endfor %}", "bigquery")
	f.Add("select * from {{ ref('m') }}\n{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}", "snowflake")
	f.Add("{% if a %}{% if b %}INSERT INTO t SELECT 1{% elif c %}x{% endif %}{% endif %}\n{# c #}{% raw %}{{ y }}{% endraw %}", "spark")
	f.Add("{% for i in range(3) %}{{ i ~ 'x' }}{% endfor %}{{ 'a' if is_init() else 'b' }}", "")
	p := New()
	f.Fuzz(func(t *testing.T, sql, dialect string) { checkParse(t, p, sql, dialect) })
}

// TestJinjaConcurrent: Parsers in different goroutines render templates at
// the same time (gonja's shared tables are only read); run with -race.
func TestJinjaConcurrent(t *testing.T) {
	sql := "{% set xs = ['a', 'b'] %}{% for x in xs %}SELECT * FROM ds.{{ x }}{% if not loop.last %} UNION ALL {% endif %}{% endfor %};\n" +
		"{% if is_init() %}INSERT INTO ds.t SELECT * FROM ds.h{% else %}INSERT INTO ds.t SELECT * FROM ds.d{% endif %}"
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			p := New()
			for i := 0; i < 20; i++ {
				res, err := p.Parse(sql, Options{Dialect: "bigquery"})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := strings.Join(res.Reads, ","); got != "ds.a,ds.b,ds.d,ds.h" {
					errs <- "reads " + got
					return
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 4; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
