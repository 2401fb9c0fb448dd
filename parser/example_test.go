package parser_test

import (
	"errors"
	"fmt"

	"github.com/lineagehq/lineage/parser"
)

func ExampleParser_Parse() {
	p := parser.New() // one per goroutine; reuse it
	script := `
SET spark.sql.shuffle.partitions=64;
USE dw;
CREATE TEMPORARY VIEW recent AS SELECT * FROM raw.orders WHERE ds = '${ds}';
INSERT OVERWRITE TABLE daily_orders PARTITION (ds = '${ds}')
SELECT customer_id, count(*) FROM recent GROUP BY customer_id;
`
	res, err := p.Parse(script, parser.Options{Dialect: "spark", Vars: map[string]string{"ds": "2024-01-01"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reads:", res.Reads)
	fmt.Println("writes:", res.Writes)
	for _, st := range res.Statements {
		fmt.Println(st.Line, st.Kind, st.Reads, st.Writes, st.Confidence)
	}
	// Output:
	// reads: [raw.orders]
	// writes: [dw.daily_orders]
	// 2 set [] [] parsed
	// 3 use [] [] parsed
	// 4 create_temp_view [raw.orders] [] parsed
	// 5 insert [raw.orders] [dw.daily_orders] parsed
}

func ExampleError() {
	_, err := parser.New().Parse("SELEC * FORM t", parser.Options{File: "job.sql"})
	var pe *parser.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.File, pe.Line, pe.Column)
	}
	fmt.Println(err)
	// Output:
	// job.sql 1 1
	// job.sql:1:1: syntax error near "SELEC * FORM t"
}
