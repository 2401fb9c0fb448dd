package ingest_test

import (
	"path/filepath"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// newStore returns an empty SQLite store in a temporary directory, closed
// when the test ends.
func newStore(tb testing.TB) lineage.GraphStore {
	tb.Helper()
	return MustOpenSQLite(tb, filepath.Join(tb.TempDir(), "lineage.db"))
}

// MustOpenSQLite opens (or creates) the SQLite store at path.
func MustOpenSQLite(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// openSQLiteChild opens the store of a crash-test child, which never closes it.
func openSQLiteChild(path string) (*sqlite.Store, error) { return sqlite.Open(path) }
