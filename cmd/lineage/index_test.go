package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/sqlite"
)

func TestWithIndex(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "lineage.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := withIndex(ctx, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(indexedStore); !ok {
		t.Fatalf("withIndex returned %T, want the indexed store", st)
	}
	graphtest.MustPutJobs(t, st, graphtest.J("j1", "alice", graphtest.L("raw.a"), graphtest.L("stg.b")))
	g := graphtest.MustWalk(t, st, lineage.WalkFilter{Table: "raw.a", Direction: lineage.Downstream})
	if len(g.Jobs) != 1 || len(g.Tables) != 2 {
		t.Errorf("walk through the index right after a write = %+v, want j1 and its two tables", g)
	}
}
