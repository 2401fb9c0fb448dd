package ingest_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/examples/warehouse"
	"github.com/lineagehq/lineage/ingest"
)

// TestSampleWarehouse checks that the sample warehouse that lineage serve
// loads on first start parses completely and makes an interesting graph:
// several layers deep, a few widely read tables, owners from every source.
func TestSampleWarehouse(t *testing.T) {
	ctx := context.Background()
	g := newStore(t)
	s, err := ingest.LoadSampleIfEmpty(ctx, g, warehouse.FS)
	if err != nil {
		t.Fatal(err)
	}
	if s == nil || s.Source != "warehouse" || len(s.Failed) != 0 || len(s.Added) != s.Jobs || s.Jobs < 30 || s.Skipped != 3 {
		t.Fatalf("summary = %+v", s)
	}
	for _, w := range s.Warnings {
		t.Logf("parser warning: %s", w.Error())
	}
	if again, err := ingest.LoadSampleIfEmpty(ctx, g, warehouse.FS); again != nil || err != nil {
		t.Fatalf("second load: %+v, %v; want nothing done", again, err)
	}

	graph := MustSnapshot(t, g)
	readers := map[string]int{}
	writers := map[string][]string{}
	dialects := map[string]bool{}
	for id, j := range graph {
		if j.Owner == "" || j.OwnerInfo.Email == "" || len(j.Writes) == 0 {
			t.Errorf("%s: owner %q (%+v), writes %v", id, j.Owner, j.OwnerInfo, j.Writes)
		}
		dialects[j.Dialect] = true
		for _, r := range j.Reads {
			readers[r]++
		}
		for _, w := range j.Writes {
			writers[w] = append(writers[w], id)
		}
	}
	for _, d := range []string{"hive", "spark", "mysql", "postgres"} {
		if !dialects[d] {
			t.Errorf("no %s job", d)
		}
	}
	wide := 0
	for _, n := range readers {
		if n >= 5 {
			wide++
		}
	}
	if wide < 3 || readers["dwd.fact_orders"] < 8 {
		t.Errorf("%d tables have 5 readers or more; dwd.fact_orders has %d", wide, readers["dwd.fact_orders"])
	}

	// depth is the longest chain of jobs, each reading what the one before wrote.
	memo := map[string]int{}
	var depth func(id string, seen map[string]bool) int
	depth = func(id string, seen map[string]bool) int {
		if d, ok := memo[id]; ok {
			return d
		}
		seen[id] = true
		best := 0
		for _, r := range graph[id].Reads {
			for _, up := range writers[r] {
				if !seen[up] {
					best = max(best, depth(up, seen))
				}
			}
		}
		delete(seen, id)
		memo[id] = best + 1
		return best + 1
	}
	deepest := 0
	for id := range graph {
		deepest = max(deepest, depth(id, map[string]bool{}))
	}
	if deepest < 6 {
		t.Errorf("the longest chain of jobs is %d long, want 6 or more", deepest)
	}

	j := graph["warehouse:dwd_core/fact_orders"]
	if want := []string{"dwd.dim_customer", "ods.orders", "ods.payments", "raw.fx_rates"}; !slices.Equal(j.Reads, want) || j.Owner != "bob" {
		t.Errorf("fact_orders: %v by %s, want %v by bob", j.Reads, j.Owner, want)
	}
	if j := graph["warehouse:finance_close/revenue_recognition"]; !slices.Equal(j.Writes, []string{"finance.revenue_recognition"}) {
		t.Errorf("revenue_recognition writes %v (template variable ${fin_schema})", j.Writes)
	}

	// Owners come from each of the three places.
	plan, err := ingest.Scan(warehouse.FS, "")
	if err != nil {
		t.Fatal(err)
	}
	from := map[string]int{}
	for _, sp := range plan.Jobs {
		kind, _, _ := strings.Cut(sp.OwnerFrom, " ")
		from[kind]++
	}
	if from["workflow"] == 0 || from["CODEOWNERS"] == 0 || from["lineage.yaml"] == 0 {
		t.Errorf("owners by origin: %v", from)
	}
	var owners []lineage.Owner
	for h := range plan.Config.Owners {
		o, err := g.Owner(ctx, h)
		if err != nil {
			t.Fatalf("owner %s: %v", h, err)
		}
		owners = append(owners, o.Owner)
	}
	if len(owners) != 8 {
		t.Errorf("owners = %v", owners)
	}
}
