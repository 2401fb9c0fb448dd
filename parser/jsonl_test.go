package parser

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readJSONL reads one T per non-blank line of every file matching glob,
// failing tb with file and line on a bad line (or one check refuses, if
// check is set), and with missing when no file matches.
func readJSONL[T any](tb testing.TB, glob, missing string, check func(T) error) []T {
	tb.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatal(missing)
	}
	var out []T
	for _, path := range paths {
		fh, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		line := 0
		for sc.Scan() {
			line++
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var v T
			err := json.Unmarshal(sc.Bytes(), &v)
			if err == nil && check != nil {
				err = check(v)
			}
			if err != nil {
				fh.Close()
				tb.Fatalf("%s:%d: %v", path, line, err)
			}
			out = append(out, v)
		}
		err = sc.Err()
		fh.Close()
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
	}
	return out
}
