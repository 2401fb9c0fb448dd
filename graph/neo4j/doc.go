// Package neo4j is the lineage store on a Neo4j 5 server, through the
// official driver (github.com/neo4j/neo4j-go-driver/v5). It implements
// lineage.GraphStore, lineage.CampaignStore and lineage.TicketStore and
// passes graph/graphtest, so callers get the same answers as from the
// embedded graph/sqlite store. It is the store for a graph that outgrows one
// machine, and one people can browse in Neo4j Browser.
//
//	s, err := neo4j.Open(ctx, neo4j.Config{URI: "neo4j://db:7687", User: "neo4j", Password: pw})
//
// # Model
//
// The lineage graph, as it reads in Neo4j Browser:
//
//	(:Owner {handle, email, jiraUser, team})-[:OWNS]->(:Job {id, source, path, dialect, hash})
//	(:Job)-[:READS]->(:Table {name})
//	(:Job)-[:WRITES]->(:Table {name})
//
// Jobs also carry key, their id with ASCII letters lower-cased, which the
// search's text index serves (table names and owner handles are stored
// lower-case already). A job's owner is the OWNS relationship, not a
// property, so moving a job to another owner moves one relationship.
//
// Campaign state hangs off the graph:
//
//	(:Campaign {id, table, title, state, ...})-[:MIGRATES]->(:Table)
//	(:Campaign)-[:TARGETS]->(:Target {campaignId, owner, role, hops, jobs, tables, state, ticketKey, ...})
//	(:Campaign)-[:LOGGED]->(:Event {id, campaignId, at, actor, kind, owner, message})
//	(:Ticket {key, seq, campaignId, owner, status, ...})
//	(:Counter {name, value})
//
// A campaign keeps its table's name in c.table, which is what the store
// reads; MIGRATES is there for people browsing the graph, and is added when
// the table exists, at creation or later, when a job first names the table.
// Targets name their owner by handle rather than by a relationship, because
// an owner may have no node yet. Built-in tickets are standalone nodes:
// the tracker may create tickets for campaigns of another store. Counter
// nodes number events and ticket keys (LIN-1, LIN-2, ...); incrementing one
// takes its write lock, which orders concurrent creators. Ticket comments
// are one JSON string property.
//
// Open creates, idempotently (IF NOT EXISTS), uniqueness constraints on
// Table.name, Job.id, Owner.handle, Campaign.id, (Target.campaignId,
// Target.owner), Ticket.key and Counter.name, range indexes for listings,
// and text indexes for search, then waits for them to be online.
//
// # Reads
//
// Walks and impacts go breadth first, one Cypher statement per table hop,
// inside one read transaction: the jobs reading (downstream) or writing
// (upstream) the frontier tables, with the tables they write (read). The
// relationship types and directions are fixed in the statement text and
// every value is a parameter; no Cypher is built from user input (search
// picks among constant fragments by node kind). Depth is at most
// lineage.MaxDepth hops and the node cap at most lineage.MaxNodes, and the
// walk stops at the cap, so a hub table costs one hop's rows, not the whole
// downstream graph. Doing hops in Go also keeps the cap's cut exactly where
// graphtest says (each hop's new jobs by id, then its new tables by name).
//
// # Writes
//
// PutJobs validates the whole batch first, then applies it in one managed
// write transaction: tables, owners and jobs are merged in key order (so
// concurrent batches lock in the same order), the jobs' old edges and
// ownership are deleted, and the new ones created, each step an UNWIND of at
// most 2000 rows. A failed batch leaves nothing behind. Owner details are
// written only when they change, so that batches sharing an owner do not
// contend for its lock.
//
// # Errors and failures
//
// Every call runs in a managed transaction (ExecuteRead or ExecuteWrite), so
// the driver retries what it deems retryable (lost connections, leader
// changes, deadlocks) for Config.RetryTime, 5 s by default; lock contention,
// which proves the server alive, gets further rounds until the call's
// deadline. A call whose context has no deadline gets Config.Timeout (60 s).
// Errors are translated at this boundary (STYLE §4): an unreachable server,
// exhausted retries, a timeout or refused credentials are EUNAVAILABLE; an
// empty result where one object was asked for is ENOTFOUND; a uniqueness
// violation is ECONFLICT; the rest is left untranslated and so counts as
// EINTERNAL. With the server down, calls fail with EUNAVAILABLE within
// about RetryTime plus ConnectTimeout; once it is back the same Store works
// again (fault_test.go kills and restarts a real server to check this).
//
// # Tests
//
// neo4j_test.go runs graphtest against the server named by NEO4J_TEST_URI
// (with NEO4J_TEST_USER and NEO4J_TEST_PASSWORD if it needs them) and skips
// without it; fault_test.go needs NEO4J_TEST_LAUNCHER, the command that
// starts the embedded test server in testserver/. See README.md.
package neo4j
