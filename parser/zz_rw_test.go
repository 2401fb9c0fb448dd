package parser

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestZZRealworld(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/corpus/realworld/*.jsonl")
	p, q := New(), New()
	n, fails, diffs, cols, refs, unres := 0, 0, 0, 0, 0, 0
	for _, f := range files {
		fh, _ := os.Open(f)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<22), 1<<22)
		for sc.Scan() {
			var c struct {
				SQL     string `json:"sql"`
				Dialect string `json:"dialect"`
				ID      string `json:"id"`
			}
			json.Unmarshal(sc.Bytes(), &c)
			if _, ok := dialects[c.Dialect]; !ok {
				c.Dialect = ""
			}
			n++
			r1, e1 := p.Parse(c.SQL, Options{Dialect: c.Dialect})
			r2, e2 := q.Parse(c.SQL, Options{Dialect: c.Dialect, Columns: true})
			if (e1 == nil) != (e2 == nil) {
				diffs++
				continue
			}
			if e1 != nil {
				continue
			}
			if !reflect.DeepEqual(r1.Reads, r2.Reads) || !reflect.DeepEqual(r1.Writes, r2.Writes) {
				diffs++
				fmt.Println("DIFF", c.ID)
			}
			for _, w := range r2.Warnings {
				if strings.Contains(w.Message, "column lineage") {
					fails++
					if fails < 15 {
						fmt.Println("FAIL", c.ID, w.Message)
					}
				}
			}
			cols += len(r2.Columns)
			refs += len(r2.References)
			for _, r := range r2.References {
				if r.Unresolved {
					unres++
				}
			}
		}
		fh.Close()
	}
	fmt.Println("scripts", n, "colfails", fails, "tablediffs", diffs, "cols", cols, "refs", refs, "unresolved refs", unres)
}
