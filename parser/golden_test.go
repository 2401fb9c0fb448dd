package parser

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/scripts/*.golden.json")

// scriptOptions reads the header comments of a test script:
// "-- dialect: spark", "-- vars: k=v,k2=v2", "-- default-db: dw".
func scriptOptions(name, src string) Options {
	opts := Options{File: name}
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			break
		}
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "--")), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "dialect":
			opts.Dialect = v
		case "default-db":
			opts.DefaultDB = v
		case "vars":
			opts.Vars = map[string]string{}
			for _, kv := range strings.Split(v, ",") {
				if a, b, ok := strings.Cut(kv, "="); ok {
					opts.Vars[strings.TrimSpace(a)] = strings.TrimSpace(b)
				}
			}
		}
	}
	return opts
}

// TestGolden parses every testdata/scripts/NAME.sql and compares the full
// Result as JSON with NAME.golden.json; -update rewrites the golden files.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scripts", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	p := New()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Parse(string(src), scriptOptions(filepath.Base(f), string(src)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			// Only scripts named for the fallback may need it: -update must
			// not quietly accept a regression to token extraction.
			if !strings.Contains(name, "fallback") {
				for _, st := range res.Statements {
					if st.Confidence != Parsed {
						t.Errorf("statement at line %d (%s) is %q, want %q: %v", st.Line, st.Kind, st.Confidence, Parsed, res.Warnings)
					}
				}
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(f, ".sql") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parser -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run go test ./parser -update and review the diff):\n%s", f, golden, got)
			}
		})
	}
}
