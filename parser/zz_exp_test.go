package parser

import (
	"fmt"
	"os"
	"strings"
	"testing"

	tidb "github.com/pingcap/tidb/pkg/parser"
)

func TestZZExp(t *testing.T) {
	names := strings.Fields(os.Getenv("FNS"))
	p := tidb.New()
	for _, n := range names {
		var bad []string
		for _, args := range []string{"", "a", "a, b", "a, b, c", "a, b, c, d"} {
			sql := fmt.Sprintf("SELECT %s(%s) FROM t", n, args)
			if _, _, err := p.ParseSQL(sql); err != nil {
				bad = append(bad, fmt.Sprint(strings.Count(args, ",")+map[bool]int{true: 0, false: 1}[args == ""]))
			}
		}
		if len(bad) > 0 {
			fmt.Println(n, strings.Join(bad, ","))
		}
	}
	for _, q := range strings.Split(os.Getenv("SQLS"), "\n") {
		if q == "" {
			continue
		}
		_, _, err := p.ParseSQL(q)
		fmt.Printf("%q -> %v\n", q, err)
	}
}
