package parser

import "testing"

func BenchmarkZZCols(b *testing.B) {
	in, _, _ := benchInputs(b, false)
	for _, c := range loadColumnCases(b) {
		in = append(in, benchInput{sql: c.SQL, dialect: c.Dialect})
	}
	pc := New()
	b.ReportAllocs()
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "cols"}[on], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, c := range in {
					pc.Parse(c.sql, Options{Dialect: c.dialect, Columns: on})
				}
			}
		})
	}
}
