package neo4j

import (
	"context"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
	"github.com/lineagehq/lineage/graph/index"
)

// indexed is the store with graph/index answering walks and impacts.
type indexed struct {
	*index.Index
	lineage.CampaignStore
	lineage.TicketStore
	lineage.ColumnStore
	lineage.WatcherStore
}

// TestConformanceIndexed runs the conformance suite with the index on.
func TestConformanceIndexed(t *testing.T) {
	testConfig(t)
	graphtest.TestAll(t, func(tb testing.TB) graphtest.Store {
		s := MustOpen(tb)
		x, err := index.Open(context.Background(), s, index.Options{})
		if err != nil {
			tb.Fatalf("index.Open: %v", err)
		}
		return indexed{Index: x, CampaignStore: s, TicketStore: s, ColumnStore: s, WatcherStore: s}
	}, graphtest.Config{})
}
