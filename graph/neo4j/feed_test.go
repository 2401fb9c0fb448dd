package neo4j

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
)

// TestFullDeltaPages reads the whole graph in pages of three rows and
// records of two (and other sizes), and must get what one page brings. The
// names straddle the UTF-16 surrogate range, where Cypher's string order
// differs from the index's: a cursor on names lost "t.😀" here in CI, so
// pages follow node ids.
func TestFullDeltaPages(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	ids := []string{"a", "b", "c", "d", "e", "\uff5e", "\U0001F600", "\uffe0", "z"}
	var jobs []lineage.JobPut
	for i, id := range ids {
		owner := "ann"
		if i%2 == 1 {
			owner = "bob"
		}
		jobs = append(jobs, graphtest.J(id, owner, graphtest.L(fmt.Sprintf("t.in%d", i), "t.shared"), graphtest.L("t."+id)))
	}
	graphtest.MustPutJobs(t, s, jobs...)
	full := func(page, batch int) *lineage.GraphDelta {
		t.Helper()
		defer func(p, b int) { fullPage, fullBatch = p, b }(fullPage, fullBatch)
		fullPage, fullBatch = page, batch
		d, err := s.GraphDelta(ctx, 0)
		if err != nil {
			t.Fatalf("GraphDelta(0) in pages of %d: %v", page, err)
		}
		return d
	}
	want := full(1000, 1000)
	if len(want.Jobs) != len(ids) || len(want.Tables) != 2*len(ids)+1 {
		t.Fatalf("one page: %d jobs, %d tables; want %d, %d", len(want.Jobs), len(want.Tables), len(ids), 2*len(ids)+1)
	}
	for _, size := range [][2]int{{3, 2}, {1, 1}, {len(ids), 4}, {2, 5}} {
		if got := full(size[0], size[1]); !reflect.DeepEqual(got, want) {
			t.Errorf("pages of %d, records of %d:\n got %+v\nwant %+v", size[0], size[1], got, want)
		}
	}
}
