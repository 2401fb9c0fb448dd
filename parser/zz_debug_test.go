package parser

import (
	"fmt"
	"os"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

func TestZZDebug(t *testing.T) {
	sql := os.Getenv("ZZSQL")
	if sql == "" {
		t.Skip()
	}
	debugUnit = func(s string) {
		fmt.Println("UNIT:", s)
		p := New()
		nodes, _, err := p.tidb.ParseSQL(s)
		if err != nil {
			fmt.Println("ERR", err)
			return
		}
		for _, n := range nodes {
			if sel, ok := n.(*ast.InsertStmt); ok {
				n = sel.Select.(ast.StmtNode)
			}
			if sel, ok := n.(*ast.SelectStmt); ok {
				for _, f := range sel.Fields.Fields {
					fmt.Printf("  field %q off=%d\n", f.Text(), f.Offset)
					if c, ok := f.Expr.(*ast.ColumnNameExpr); ok {
						fmt.Printf("   col %q %q %q\n", c.Name.Schema.O, c.Name.Table.O, c.Name.Name.O)
					}
				}
			}
		}
	}
	defer func() { debugUnit = nil }()
	res, err := New().Parse(sql, Options{Dialect: os.Getenv("ZZD")})
	fmt.Printf("%+v %v\n", res, err)
}
