// Package graphtest is the conformance suite that every lineage store runs:
// graph/sqlite always, graph/neo4j when NEO4J_TEST_URI is set. A store passes
// when TestAll passes; the suite is the precise meaning of the lineage.GraphStore,
// lineage.CampaignStore and lineage.TicketStore comments, so that callers see
// the same results, in the same order, with the same error codes and fields,
// whichever store they talk to.
//
// It imports no concrete store. BenchPut and BenchReads (bench.go) are the
// matching benchmarks, over a synthetic warehouse from graph/synth loaded
// with Load, beside an in-memory BFS of the same graph (MemGraph); each
// store calls them from its own bench_test.go.
//
// # Walks
//
// Depth counts table hops. Downstream from a table T goes: the jobs that READ
// T, the tables those jobs WRITE, the jobs that read those tables, and so on;
// one hop is "readers, then the tables they write", so depth 1 returns T, its
// readers and the tables they write. Upstream is the mirror image: the jobs
// that WRITE T, the tables they READ, and so on. Both is the union of the
// downstream walk and the upstream walk. The start table is always returned.
// A node is visited once, so cycles (a job that reads and writes one table,
// or A→B→A) end.
//
// The node cap (WalkFilter.MaxNodes) counts tables plus jobs. Nodes are added
// in a fixed order so that every store cuts at the same place: the start
// table; then for each hop the new jobs of that hop in id order, then the new
// tables of that hop in name order. The walk stops at the first node that does
// not fit, and Truncated is set; a walk that fits exactly is not truncated.
// For Both, the downstream walk runs first and the upstream walk continues
// with the room left (nodes already returned cost nothing).
//
// Edges are the edges of the induced subgraph: every job→table edge whose job
// and table are both returned (for a downstream walk these are the READS
// edges into reached jobs from reached tables and the WRITES edges from
// reached jobs to reached tables). Owners are the owners, with their details,
// of the returned jobs that have one.
//
// Results are sorted: tables by name, jobs by id, owners by handle, edges by
// job, then table, then kind (READS before WRITES). Lists in results may be
// nil or empty alike.
//
// # Impact
//
// Impact(T, depth) is a downstream walk over jobs: the jobs that read T are at
// hop 1; the jobs that read a table written by a hop-k job, and are not at a
// smaller hop, are at hop k+1, up to depth. The impacted tables are T and
// every table an impacted job writes. Each ImpactedJob lists in Reads the
// impacted tables it reads and in Writes all the tables it writes, sorted by
// name. Impact.Jobs counts the impacted jobs and Impact.Tables the impacted
// tables other than T.
//
// Jobs are grouped by owner. Jobs without an owner are grouped under an
// OwnerImpact whose Owner.Handle is "" (callers that open tickets skip it;
// the UI shows it as "no owner"). OwnerImpact.Hops is the smallest hop of
// the owner's jobs; owners are sorted by Hops, then Handle (so "" comes first
// among equal hops); each owner's jobs by Hops, then id. Impact stops after
// lineage.MaxNodes jobs (in the same per-hop id order as walks) and then sets
// Truncated.
//
// # Search
//
// Search matches table names, job ids and owner handles that contain the
// query, compared case-insensitively (ASCII); "%" and "_" are plain
// characters. Hits are ranked in four groups: the whole name equals the query
// (ods.orders for "ods.orders"), its last segment does (the part after the
// last '.', '/' or ':': ods.orders for "orders"), it starts with the query,
// it contains it elsewhere; within each group hits are sorted by name (byte
// order), then kind (TABLE, JOB, OWNER). EndCursor is an opaque string naming the last hit; a cursor that
// does not decode is EINVALID with field "after".
//
// # Jobs, owners, tables
//
// Jobs lists jobs in id order; its cursor is opaque too. Job ids are trimmed
// but keep their case; table names and owner handles are trimmed and
// lower-cased (lineage.NormalizeName), by PutJobs and by every lookup.
// Repeated names within one job's reads or writes count once. PutJobs merges
// the non-empty fields of JobPut.OwnerInfo into the owner's details (when its
// handle equals the job's owner); PutOwners replaces an owner's details.
// JobPut.Script is stored byte for byte and returned by Job only (never in
// walks, tables or listings); a put without a script removes the stored one.
//
// # Error fields
//
// EINVALID errors name their field: "jobs[i].job.id", "jobs[i].job.owner",
// "jobs[i].reads[j]", "jobs[i].writes[j]", "jobs[i].script" (longer than
// lineage.MaxScriptBytes or not UTF-8), "owners[i].handle"; "table",
// "direction", "depth", "maxNodes" for walks and impacts; "name", "id" and
// "handle" for Table, Job/DeleteJob and Owner; "query", "kinds", "first",
// "after" for Search and the listings; "id", "table", "title", "reach",
// "state", "targets[i].owner", "targets[i].role", "targets[i].state" for
// campaigns, "owner" and "role" for AddTarget, "kind" for events,
// "campaignId" and "summary" for tickets.
//
// # Campaigns and tickets
//
// CreateCampaign fills in defaults on the value it is given (an id, State
// ACTIVE, Reach DIRECT, target State PENDING, Role ACT, Verification
// UNVERIFIED, CreatedAt/UpdatedAt from the store's clock when zero) and
// normalizes the table name and target owners. Campaigns lists newest
// CreatedAt first, ties by id descending. Times come back in UTC; stores
// keep at least millisecond precision. Ticket keys are "LIN-1", "LIN-2", ...
// in creation order, starting at LIN-1 in an empty store; FindTickets returns
// them in that order.
package graphtest
