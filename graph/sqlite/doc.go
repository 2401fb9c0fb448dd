// Package sqlite is the embedded default store of the lineage service: the
// lineage graph, campaigns and the built-in tracker's tickets in one SQLite
// file, through modernc.org/sqlite (pure Go, no cgo).
//
// It implements lineage.GraphStore, lineage.CampaignStore and
// lineage.TicketStore, and passes graph/graphtest, whose package comment
// pins down the semantics of walks, impacts, search and paging.
//
// # Storage
//
// The file runs in WAL mode so that readers never block the writer or each
// other; foreign keys are on so that edges cannot outlive their jobs; and
// synchronous=FULL so that a write acknowledged to the caller survives a
// crash of the process or the machine. The schema is versioned in code: the
// migrations slice lists the steps, PRAGMA user_version records how many ran,
// and Open runs the missing ones, each in its own transaction.
//
// Tables, jobs and edges use integer ids: edges(job, kind, tbl) is the
// primary key (what a job reads and writes) and edges(tbl, kind, job) an index
// (who reads or writes a table), so each hop of a walk is one indexed query
// per frontier, batched as a JSON array through json_each, and answered as
// one row of JSON arrays rather than a row per node. PutJobs likewise sends
// a whole batch as JSON: a handful of statements per call, whatever its size.
// An FTS5 trigram index over all names (kept by triggers) serves substring
// search for queries of three bytes or more.
//
// # Concurrency
//
// Writes go through one connection with BEGIN IMMEDIATE, so writers in this
// process queue instead of deadlocking; another process writing the same file
// makes ours wait up to the busy timeout, then retry a few times, then fail
// with EUNAVAILABLE. Reads use a small pool of read-only connections, each
// walk inside one read transaction so it sees one snapshot; the hot read
// queries are prepared at Open and then compiled once per connection.
package sqlite
