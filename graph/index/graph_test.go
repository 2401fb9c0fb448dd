package index

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/graph/graphtest"
)

// fromWarehouse builds the graph of the benchmark warehouse directly,
// without a store.
func fromWarehouse(tb testing.TB) (*graph, []string, string) {
	w := graphtest.BenchWarehouse(graphtest.BenchConfig())
	d := &lineage.GraphDelta{Full: true, Version: 1, Tables: w.Tables, Owners: w.Owners}
	for _, jp := range w.Jobs {
		ji := lineage.JobInfo{Job: jp.Job}
		for _, t := range jp.Reads {
			ji.Reads = append(ji.Reads, strings.ToLower(t))
		}
		for _, t := range jp.Writes {
			ji.Writes = append(ji.Writes, strings.ToLower(t))
		}
		d.Jobs = append(d.Jobs, ji)
	}
	return build(d), w.Typical(50), w.Hub()
}

// BenchmarkGraph measures the in-memory walks alone, for profiling:
//
//	go test ./graph/index -run '^$' -bench Graph -benchtime 20x -cpuprofile /tmp/cpu.prof
func BenchmarkGraph(b *testing.B) {
	g, typical, hub := fromWarehouse(b)
	sc := new(scratch)
	b.Run("Impact/Hub", func(b *testing.B) {
		for b.Loop() {
			g.impact(sc, hub, g.tableID[hub], lineage.DefaultDepth)
		}
	})
	b.Run("Impact/Typical", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			t := typical[i%len(typical)]
			g.impact(sc, t, g.tableID[t], lineage.DefaultDepth)
		}
	})
	b.Run("Downstream/Hub", func(b *testing.B) {
		for b.Loop() {
			g.walk(sc, g.tableID[hub], lineage.Downstream, lineage.DefaultDepth, lineage.DefaultNodes)
		}
	})
	b.Run("Downstream/Typical", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			t := typical[i%len(typical)]
			g.walk(sc, g.tableID[t], lineage.Downstream, lineage.DefaultDepth, lineage.DefaultNodes)
		}
	})
}

func TestFirstN(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 300 {
		xs := make([]int32, r.IntN(3000))
		for i := range xs {
			xs[i] = int32(i)
		}
		r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		n := 0
		if len(xs) > 0 {
			n = r.IntN(len(xs) + 1)
		}
		got := slices.Clone(firstN(xs, n, func(a, b int32) int { return cmp.Compare(a, b) }))
		slices.Sort(got)
		for i, x := range got {
			if x != int32(i) {
				t.Fatalf("firstN(%d of %d) = %v…, want 0..%d", n, len(xs), got[:min(10, len(got))], n-1)
			}
		}
		if len(got) != n {
			t.Fatalf("firstN returned %d elements, want %d", len(got), n)
		}
	}
}

// TestImpactCap checks the cut of an impact past lineage.MaxNodes jobs: the
// jobs of the hop that does not fit are taken in id order, and Truncated
// is set.
func TestImpactCap(t *testing.T) {
	n := lineage.MaxNodes + 37
	d := &lineage.GraphDelta{Full: true, Version: 1, Tables: []string{"t", "u"}}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("j%07d", i)
	}
	// Put them in a scrambled order, so that positions differ from id order.
	r := rand.New(rand.NewPCG(3, 3))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	for _, id := range ids {
		d.Jobs = append(d.Jobs, lineage.JobInfo{Job: lineage.Job{ID: id}, Reads: []string{"t"}, Writes: []string{"u"}})
	}
	g := build(d)
	im := g.impact(new(scratch), "t", g.tableID["t"], 2)
	if !im.Truncated || im.Jobs != lineage.MaxNodes || im.Tables != 1 {
		t.Fatalf("impact: Truncated %v, Jobs %d, Tables %d; want true, %d, 1", im.Truncated, im.Jobs, lineage.MaxNodes, im.Tables)
	}
	if len(im.Owners) != 1 || len(im.Owners[0].Jobs) != lineage.MaxNodes {
		t.Fatalf("impact owners: %d groups", len(im.Owners))
	}
	for i, ij := range im.Owners[0].Jobs {
		if want := fmt.Sprintf("j%07d", i); ij.Job.ID != want || ij.Hops != 1 {
			t.Fatalf("job %d = %s at hop %d, want %s at hop 1", i, ij.Job.ID, ij.Hops, want)
		}
	}
}
