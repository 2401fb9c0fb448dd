package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// MustOpen opens a store on a new file in a temporary directory and closes
// it when the test ends.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "lineage.db"))
}

// MustOpenPath opens a store on path and closes it when the test ends.
func MustOpenPath(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	graphtest.TestAll(t, func(tb testing.TB) graphtest.Store { return MustOpen(tb) }, graphtest.Config{})
}
