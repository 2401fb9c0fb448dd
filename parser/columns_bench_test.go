package parser

import (
	"testing"
	"time"
)

// BenchmarkColumns compares a table-only parse with a --columns parse of
// the same scripts (the corpus, the golden job scripts and the column
// corpus), alternating the two so that machine noise hits both alike.
// "cost-ratio" is columns time over table-only time (target: at most 1.5),
// from wall time; "cpu-cost-ratio" from the process's CPU time.
func BenchmarkColumns(b *testing.B) {
	in, _, _ := benchInputs(b, false)
	for _, c := range loadColumnCases(b) {
		in = append(in, benchInput{sql: c.SQL, dialect: c.Dialect})
	}
	p, pc := New(), New()
	var plain, cols, plainCPU, colsCPU time.Duration
	for b.Loop() {
		c0, t0 := processCPU(), time.Now()
		runOurs(p, in)
		c1, t1 := processCPU(), time.Now()
		for _, c := range in {
			pc.Parse(c.sql, Options{Dialect: c.dialect, Columns: true})
		}
		colsCPU += processCPU() - c1
		cols += time.Since(t1)
		plain += t1.Sub(t0)
		plainCPU += c1 - c0
	}
	b.ReportMetric(float64(cols)/float64(plain), "cost-ratio")
	if plainCPU > 0 {
		b.ReportMetric(float64(colsCPU)/float64(plainCPU), "cpu-cost-ratio")
	}
}
