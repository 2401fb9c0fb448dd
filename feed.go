package lineage

import "context"

// GraphFeed is what an in-process index of the graph (graph/index) needs of
// a store to stay current: a version that grows with every committed write
// to the graph, by any process, and the nodes changed since a version. Both
// stores implement it; graph/graphtest checks it.
type GraphFeed interface {
	// GraphVersion returns the current graph version: 0 for a store never
	// written, and larger after every committed PutJobs, DeleteJob or
	// PutOwners (of this process or another), so an unchanged version means
	// an unchanged graph. It is meant to be cheap: one indexed lookup.
	// Errors: EUNAVAILABLE.
	GraphVersion(ctx context.Context) (int64, error)

	// GraphDelta returns, from one consistent snapshot, what changed in the
	// graph after version since: the current state of every job, owner and
	// table touched since then, and the version the snapshot is at. With
	// since 0, or when the store no longer remembers changes that old, it
	// returns the whole graph with Full set.
	// Errors: EUNAVAILABLE.
	GraphDelta(ctx context.Context, since int64) (*GraphDelta, error)
}

// GraphDelta is the answer of GraphFeed.GraphDelta.
type GraphDelta struct {
	// Version is the graph version the delta brings a reader to.
	Version int64
	// Full says the delta is the whole graph: a reader drops what it holds.
	Full bool
	// Tables are the tables created since (all tables when Full); a store
	// may list tables that existed before too. Tables are never removed.
	Tables []string
	// Owners are owners created or changed since, with their details.
	Owners []Owner
	// Jobs are jobs created or changed since, each with all its reads and
	// writes (Script is left empty).
	Jobs []JobInfo
	// Deleted are the ids of jobs deleted since and not created again.
	Deleted []string
}
