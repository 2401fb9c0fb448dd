package gql_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql"
)

// aliasedWalks returns a query of n aliased lineage walks of ods.orders.
func aliasedWalks(n int, args string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " w%d: lineage(table: \"ods.orders\", %s) { truncated }", i, args)
	}
	b.WriteString(" }")
	return b.String()
}

// TestWalkCost checks that walks are charged by what they may visit: the
// 230 aliased maximal walks that once scored under the limit are refused
// before they run, one maximal walk is served, and the walks of a request
// may reserve at most MaxWalkNodes nodes together.
func TestWalkCost(t *testing.T) {
	g := &countingGraph{GraphStore: MustOpenGraph(t)}
	srv := MustServer(t, g, gql.Config{})
	tests := []struct {
		name  string
		query string
		codes []string // one per error, in any order; nil: no error
		walks int
	}{
		{"Attack", aliasedWalks(230, "depth: 50, limit: 100000, direction: BOTH"), []string{gql.CodeComplexityLimit}, 0},
		{"TwoMaximal", aliasedWalks(2, "depth: 50, limit: 100000, direction: BOTH"), []string{gql.CodeComplexityLimit}, 0},
		{"OneMaximal", aliasedWalks(1, "depth: 50, limit: 100000, direction: BOTH"), nil, 1},
		{"ManyDefault", aliasedWalks(100, "depth: 3"), nil, 100},
		// depth 1: cheap by complexity, but 3 × 100,000 nodes is past the
		// request's budget of 200,000.
		{"NodeBudget", aliasedWalks(3, "depth: 1, limit: 100000"), []string{gql.CodeBadUserInput}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := g.total("Walk")
			r := srv.do(t, tt.query, nil, false)
			after, _ := g.total("Walk")
			var codes []string
			for _, e := range r.Errors {
				codes = append(codes, e.code())
			}
			if fmt.Sprint(codes) != fmt.Sprint(tt.codes) {
				t.Errorf("errors %+v, want codes %v", r.Errors, tt.codes)
			}
			if after-before != tt.walks {
				t.Errorf("%d walks ran, want %d", after-before, tt.walks)
			}
		})
	}
}

// blockingGraph holds every walk until release is closed, and records how
// many ran at once per table.
type blockingGraph struct {
	lineage.GraphStore
	release chan struct{}
	started chan string

	mu      sync.Mutex
	running map[string]int
	most    map[string]int
}

func (g *blockingGraph) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	g.mu.Lock()
	g.running[f.Table]++
	g.most[f.Table] = max(g.most[f.Table], g.running[f.Table])
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.running[f.Table]--
		g.mu.Unlock()
	}()
	g.started <- f.Table
	if f.Table != "ods.orders" { // the other client's table is never held
		return g.GraphStore.Walk(ctx, f)
	}
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.GraphStore.Walk(ctx, f)
}

// TestWalkThrottle sends one client's request of 20 walks while the store
// holds them, and checks that they do not all run at once and that an
// ordinary walk from the same address is answered meanwhile. Expensive
// walks run one at a time on the server (ExpensiveWalks, 1 by default);
// cheap ones run free until the request's walks may visit more than
// 10,000 nodes together (five of depth 2 and limit 1,000), and then one
// at a time too.
func TestWalkThrottle(t *testing.T) {
	tests := []struct {
		name string
		args string
		most int
	}{
		{"Expensive", "depth: 50, limit: 1000", 1},
		{"ManyCheap", "depth: 2, limit: 1000", 5 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &blockingGraph{GraphStore: MustOpenGraph(t), release: make(chan struct{}), started: make(chan string, 100),
				running: map[string]int{}, most: map[string]int{}}
			srv := MustServer(t, g, gql.Config{})
			post := func(query, remote string) response {
				body, _ := json.Marshal(map[string]any{"query": query})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.RemoteAddr = remote
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				srv.h.ServeHTTP(w, req)
				var r response
				json.Unmarshal(w.Body.Bytes(), &r)
				return r
			}
			attack := make(chan response, 1)
			go func() { attack <- post(aliasedWalks(20, tt.args), "192.0.2.1:4000") }()
			<-g.started
			other := post(`{ lineage(table: "dws.revenue_daily", depth: 1) { truncated } }`, "192.0.2.1:4001")
			if len(other.Errors) != 0 {
				t.Fatalf("the ordinary walk: %+v", other.Errors)
			}
			close(g.release)
			r := <-attack
			if len(r.Errors) != 0 {
				t.Fatalf("the held request: %+v", r.Errors)
			}
			if g.most["ods.orders"] > tt.most {
				t.Fatalf("%d walks of one request ran at once, want at most %d", g.most["ods.orders"], tt.most)
			}
		})
	}
}
