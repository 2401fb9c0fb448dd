package index

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lineagehq/lineage"
)

// Source is a store the index can follow.
type Source interface {
	lineage.GraphStore
	lineage.GraphFeed
}

// DefaultPoll is how often, at most, a read asks the store whether another
// process changed the graph.
const DefaultPoll = 250 * time.Millisecond

// Options tune an Index.
type Options struct {
	// Poll is the longest a change written by another process goes
	// unseen; 0 means DefaultPoll.
	Poll time.Duration
}

// Index answers Walk and Impact from memory and passes every other call to
// the store it wraps. Writes through the index are seen by the reads that
// follow them; writes by others (another process on the same SQLite file,
// another replica on the same Neo4j database) within Options.Poll. It is
// safe for concurrent use.
type Index struct {
	lineage.GraphStore // calls the index does not answer go to the store
	feed               lineage.GraphFeed
	poll               time.Duration

	mu sync.RWMutex // guards g
	g  *graph

	syncMu  sync.Mutex   // one catch-up at a time
	checked atomic.Int64 // UnixNano when the version was last checked; 0 forces a check

	pool sync.Pool // *scratch
}

var (
	_ lineage.GraphStore = (*Index)(nil)
	_ lineage.GraphFeed  = (*Index)(nil)
)

// Open loads the graph of src into memory and returns the index over it.
// Errors: those of src.GraphDelta.
func Open(ctx context.Context, src Source, opt Options) (*Index, error) {
	x := &Index{GraphStore: src, feed: src, poll: opt.Poll, g: newGraph()}
	if x.poll <= 0 {
		x.poll = DefaultPoll
	}
	x.pool.New = func() any { return new(scratch) }
	if err := x.catchUp(ctx, true); err != nil {
		return nil, err
	}
	return x, nil
}

// Version returns the graph version the index holds.
func (x *Index) Version() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.g.version
}

// GraphVersion returns the store's graph version.
func (x *Index) GraphVersion(ctx context.Context) (int64, error) { return x.feed.GraphVersion(ctx) }

// GraphDelta returns the store's changes since a version.
func (x *Index) GraphDelta(ctx context.Context, since int64) (*lineage.GraphDelta, error) {
	return x.feed.GraphDelta(ctx, since)
}

// Stats describes the index.
type Stats struct {
	Version             int64
	Tables, Jobs, Edges int
	Owners              int
}

// Stats returns the size of the graph the index holds.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := Stats{Version: x.g.version, Tables: len(x.g.tname), Jobs: len(x.g.jobID), Owners: len(x.g.owner)}
	for j := range x.g.job {
		st.Edges += len(x.g.reads[j]) + len(x.g.writes[j])
	}
	return st
}

// catchUp brings the index to the store's latest version. Unless force is
// set, it does nothing when the version was checked less than Poll ago, and
// asks the store for a delta only when the version moved.
func (x *Index) catchUp(ctx context.Context, force bool) error {
	fresh := func() bool { return time.Now().UnixNano()-x.checked.Load() < int64(x.poll) }
	if !force && fresh() {
		return nil
	}
	x.syncMu.Lock()
	defer x.syncMu.Unlock()
	if !force && fresh() {
		return nil
	}
	began := time.Now().UnixNano()
	x.mu.RLock()
	have := x.g.version
	x.mu.RUnlock()
	if !force {
		v, err := x.feed.GraphVersion(ctx)
		if err != nil {
			return err
		}
		if v == have {
			x.checked.Store(began)
			return nil
		}
	}
	d, err := x.feed.GraphDelta(ctx, have)
	if err != nil {
		return err
	}
	if d.Full {
		g := build(d)
		x.mu.Lock()
		x.g = g
		x.mu.Unlock()
	} else if d.Version != have {
		x.mu.Lock()
		x.g.apply(d)
		x.mu.Unlock()
	}
	x.checked.Store(began)
	return nil
}

// wrote catches up after a write through the index, so that the caller's
// next read sees it. A write that succeeded is reported as such even when
// the catch-up fails; the next read then retries it.
func (x *Index) wrote(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	if err := x.catchUp(ctx, true); err != nil {
		x.checked.Store(0)
	}
	return nil
}

// PutJobs stores jobs in the store, then updates the index.
func (x *Index) PutJobs(ctx context.Context, jobs []lineage.JobPut) error {
	return x.wrote(ctx, x.GraphStore.PutJobs(ctx, jobs))
}

// DeleteJob deletes a job in the store, then updates the index.
func (x *Index) DeleteJob(ctx context.Context, id string) error {
	return x.wrote(ctx, x.GraphStore.DeleteJob(ctx, id))
}

// PutOwners stores owners in the store, then updates the index.
func (x *Index) PutOwners(ctx context.Context, owners []lineage.Owner) error {
	return x.wrote(ctx, x.GraphStore.PutOwners(ctx, owners))
}

// Walk returns the subgraph reachable from a table, from memory.
func (x *Index) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	var err error
	if f.Table, err = lineage.NormalizeName("table", f.Table, true); err != nil {
		return nil, err
	}
	if !f.Direction.Valid() {
		return nil, lineage.FieldErrorf("direction", "must be UPSTREAM, DOWNSTREAM or BOTH, got %q", f.Direction)
	}
	if f.Depth, err = lineage.CheckDepth(f.Depth); err != nil {
		return nil, err
	}
	if f.MaxNodes, err = lineage.CheckLimit("maxNodes", f.MaxNodes, lineage.DefaultNodes, lineage.MaxNodes); err != nil {
		return nil, err
	}
	if err := x.catchUp(ctx, false); err != nil {
		return nil, err
	}
	sc := x.pool.Get().(*scratch)
	defer x.pool.Put(sc)
	x.mu.RLock()
	defer x.mu.RUnlock()
	start, ok := x.g.tableID[f.Table]
	if !ok {
		return nil, lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", f.Table)
	}
	return x.g.walk(sc, start, f.Direction, f.Depth, f.MaxNodes), nil
}

// Impact returns the owners downstream of a table, from memory.
func (x *Index) Impact(ctx context.Context, table string, depth int) (*lineage.Impact, error) {
	table, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	if depth, err = lineage.CheckDepth(depth); err != nil {
		return nil, err
	}
	if err := x.catchUp(ctx, false); err != nil {
		return nil, err
	}
	sc := x.pool.Get().(*scratch)
	defer x.pool.Put(sc)
	x.mu.RLock()
	defer x.mu.RUnlock()
	start, ok := x.g.tableID[table]
	if !ok {
		return nil, lineage.Errorf(lineage.ENOTFOUND, "Table %q not found.", table)
	}
	return x.g.impact(sc, table, start, depth), nil
}
