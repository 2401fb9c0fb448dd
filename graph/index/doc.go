// Package index keeps the lineage graph in memory, in the process that
// serves it, and answers GraphStore.Walk and GraphStore.Impact from there,
// at the cost of an in-memory BFS instead of one store round trip per hop.
// Every other call goes to the store it wraps.
//
// # Layout
//
// Table names and job ids are interned as int32 positions. Adjacency is one
// []int32 per node and direction (table → readers, table → writers, job →
// reads, job → writes), a job's lists sorted by table name. An update
// replaces a job's lists and edits its tables' lists in place, so there is
// no overlay to merge at query time; at 100k tables / 300k jobs / 1.16 M
// edges the per-list headers cost about 19 MB, which a CSR layout would save
// at the price of a delta overlay. Ranks (each node's position in name
// order) let walks sort with integer compares; nodes added since the last
// ranking compare by name until a re-ranking, which runs once they exceed a
// sixteenth of the graph. Per-query scratch (visited marks cleared by an
// epoch bump) comes from a pool.
//
// # Staying current
//
// The store keeps a graph version and a change log (lineage.GraphFeed):
// SQLite with triggers in the writing transaction, whoever writes; Neo4j with
// a version node and a change node written first in every graph write. The
// index holds the version it reflects. After every write through the index
// it applies the store's delta since that version before returning, so the
// caller's next read sees the write. Before a read, at most once per
// Options.Poll (DefaultPoll, 250 ms), it asks the store for its version and,
// when it moved (another process, another replica), applies the delta. A
// delta is the current state of every job, owner and table changed, so
// applying deltas in any interleaving converges; a reader too far behind for
// the store's log gets the whole graph and rebuilds.
//
// Results are the stores' exactly, including the node cap's cut and
// Truncated: graph/graphtest runs with the index on, and TestSameAsStore
// compares the two on a synthetic warehouse before and after writes.
package index
