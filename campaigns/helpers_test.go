package campaigns_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/campaigns"
	"github.com/lineagehq/lineage/graph/sqlite"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// MustOpenPath opens a SQLite store at path and closes it when the test ends.
func MustOpenPath(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// MustOpen opens a SQLite store in a temporary directory.
func MustOpen(tb testing.TB) (*sqlite.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "lineage.db")
	return MustOpenPath(tb, path), path
}

// job is a job for MustPutJobs: "id owner reads... > writes...".
func job(spec string) lineage.JobPut {
	left, right, _ := strings.Cut(spec, ">")
	f := strings.Fields(left)
	p := lineage.JobPut{Job: lineage.Job{ID: f[0], Source: "test", Path: f[0] + ".sql", Dialect: "mysql", Hash: spec, Owner: f[1]}}
	p.Reads = f[2:]
	p.Writes = strings.Fields(right)
	if p.Job.Owner == "-" {
		p.Job.Owner = ""
	}
	return p
}

// MustPutJobs stores jobs written as "id owner reads... > writes...".
func MustPutJobs(tb testing.TB, g lineage.GraphStore, specs ...string) {
	tb.Helper()
	var puts []lineage.JobPut
	for _, s := range specs {
		puts = append(puts, job(s))
	}
	if err := g.PutJobs(context.Background(), puts); err != nil {
		tb.Fatal(err)
	}
}

// warehouse is the sample warehouse of the story test.
var warehouse = []string{
	"ingest/orders platform raw.src > raw.orders",
	"etl/daily_sales alice raw.orders > mart.sales",
	"etl/customers bob raw.orders raw.customers > mart.customers",
	"report/revenue carol mart.sales > rpt.revenue",
	"ml/features dave mart.customers > ml.features",
	"adhoc/orphan - raw.orders > tmp.orphan",
}

// actorCtx is a context acting as the token "tester".
func actorCtx() context.Context { return lineage.WithActor(context.Background(), "tester") }

// MustService returns a service on store with tracker and clock.
func MustService(tb testing.TB, store *sqlite.Store, tr lineage.Tracker, clk *clock, holder string) *campaigns.Service {
	tb.Helper()
	return &campaigns.Service{Graph: store, Store: store, Tracker: tr, Now: clk.Now, Holder: holder}
}

// MustStart starts a campaign and fails the test on error.
func MustStart(tb testing.TB, s *campaigns.Service, in campaigns.StartInput) *campaigns.Preview {
	tb.Helper()
	p, err := s.Start(actorCtx(), in)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	return p
}

// MustSync runs one step and fails the test on error.
func MustSync(tb testing.TB, s *campaigns.Service, id string) *lineage.Campaign {
	tb.Helper()
	c, err := s.Sync(actorCtx(), id)
	if err != nil {
		tb.Fatalf("Sync: %v", err)
	}
	return c
}

func target(tb testing.TB, c *lineage.Campaign, owner string) lineage.Target {
	tb.Helper()
	for _, t := range c.Targets {
		if t.Owner == owner {
			return t
		}
	}
	tb.Fatalf("campaign %s has no target %s (targets %v)", c.ID, owner, owners(c))
	return lineage.Target{}
}

func owners(c *lineage.Campaign) []string {
	var out []string
	for _, t := range c.Targets {
		out = append(out, t.Owner)
	}
	return out
}

// MustEvents returns the kinds of a campaign's events, and the events.
func MustEvents(tb testing.TB, s *campaigns.Service, id string) ([]string, []lineage.Event) {
	tb.Helper()
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	return kinds, evs
}

func count(kinds []string, kind string) int {
	n := 0
	for _, k := range kinds {
		if k == kind {
			n++
		}
	}
	return n
}

func hasEvent(evs []lineage.Event, kind, owner, contains string) bool {
	return slices.ContainsFunc(evs, func(e lineage.Event) bool {
		return e.Kind == kind && e.Owner == owner && strings.Contains(e.Message, contains)
	})
}
