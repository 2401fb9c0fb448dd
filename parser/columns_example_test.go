package parser_test

import (
	"fmt"

	"github.com/lineagehq/lineage/parser"
)

func ExampleParser_Parse_columns() {
	p := parser.New()
	script := `
USE dw;
CREATE TEMPORARY VIEW recent AS SELECT * FROM raw.orders WHERE ds = '2024-01-01';
INSERT INTO daily_totals (customer, total)
SELECT r.customer_id, sum(r.amount) FROM recent r GROUP BY r.customer_id;
`
	schema := map[string][]string{"raw.orders": {"customer_id", "amount", "ds"}}
	res, err := p.Parse(script, parser.Options{
		Dialect: "spark",
		Columns: true,
		Schema: func(table string) ([]string, bool) {
			cols, ok := schema[table]
			return cols, ok
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Columns {
		fmt.Println(c.Target, "<-", c.Sources)
	}
	for _, r := range res.References {
		fmt.Println(r.Column, r.Kind)
	}
	// Output:
	// dw.daily_totals.customer <- [raw.orders.customer_id]
	// dw.daily_totals.total <- [raw.orders.amount]
	// raw.orders.amount value
	// raw.orders.customer_id grouping
	// raw.orders.customer_id value
	// raw.orders.ds filter
	// raw.orders.ds value
}
