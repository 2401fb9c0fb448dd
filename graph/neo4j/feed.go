package neo4j

import (
	"context"
	"fmt"
	"slices"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

var _ lineage.GraphFeed = (*Store)(nil)

// The change feed: one (:GraphVersion {name: 'graph'}) node holds the graph
// version, which every PutJobs, DeleteJob and PutOwners bumps first thing in
// its transaction (so graph writes also take that one lock first, in the
// same order, and cannot deadlock with one another), together with a
// (:GraphChange) node naming the tables, jobs and owners it touched. Only
// the latest changeKeep changes are kept; a reader further behind reloads
// the whole graph.
const changeKeep = 4096

const (
	cypherBump = `MERGE (v:GraphVersion {name: 'graph'}) ON CREATE SET v.version = 0
SET v.version = v.version + 1
CREATE (:GraphChange {version: v.version, tables: $tables, jobs: $jobs, owners: $owners})
WITH v.version AS version
CALL { WITH version MATCH (old:GraphChange) WHERE old.version <= version - $keep DELETE old }
RETURN version`
	cypherVersion = `OPTIONAL MATCH (v:GraphVersion {name: 'graph'}) RETURN coalesce(v.version, 0) AS version`
	cypherOldest  = `MATCH (c:GraphChange) RETURN min(c.version) AS oldest`
	cypherChanges = `MATCH (c:GraphChange) WHERE c.version > $since
RETURN c.tables AS tables, c.jobs AS jobs, c.owners AS owners`
	cypherAllOwners = `MATCH (o:Owner) RETURN o.handle AS handle, o.email AS email, o.jiraUser AS jiraUser, o.team AS team`
	cypherCount     = `MATCH (t:Table) WITH count(t) AS tables MATCH (j:Job) RETURN tables, count(j) AS jobs`
	// The whole graph is read in pages, and each page comes back as a few
	// records of fullBatch rows: the driver spends about 11 µs of client
	// CPU on every record, so 300,000 one-job records cost 3.3 s where 300
	// lists cost 0.4 s. A page bounds what the server holds at once (about
	// 23 MB for 25,000 jobs; one collect of 300,000 held 270 MB). Pages
	// follow the node id, an integer: a cursor on the name or job id would
	// skip names, since Cypher compares strings by UTF-16 code units where
	// the unique index orders them by code point, and which of the two a
	// page meets depends on the plan ("t.😀" > "t.￠" is false in a WHERE,
	// yet the index puts it last). last is the page's greatest node id.
	cypherTablePage = `MATCH (t:Table) WHERE id(t) > $after
WITH t ORDER BY id(t) LIMIT $page
WITH collect(t.name) AS rows, max(id(t)) AS last
UNWIND range(0, size(rows) - 1, $batch) AS i
RETURN rows[i .. i + $batch] AS rows, last`
	cypherJobPage = `MATCH (j:Job) WHERE id(j) > $after
WITH j ORDER BY id(j) LIMIT $page
OPTIONAL MATCH (o:Owner)-[:OWNS]->(j)
WITH collect([j.id, j.source, j.path, j.dialect, j.hash, o.handle,
  [(j)-[:READS]->(t:Table) | t.name], [(j)-[:WRITES]->(t:Table) | t.name]]) AS rows, max(id(j)) AS last
UNWIND range(0, size(rows) - 1, $batch) AS i
RETURN rows[i .. i + $batch] AS rows, last`
)

// fullPage and fullBatch size the pages of a whole-graph read and the rows
// in each of their records (variables so that a test can make them small).
var fullPage, fullBatch = 25000, 1000

// bump records a write to the graph; run it first in the write's transaction.
func bump(ctx context.Context, tx driver.ManagedTransaction, tables, jobs, owners []string) error {
	list := func(s []string) []any {
		out := make([]any, len(s))
		for i, x := range s {
			out[i] = x
		}
		return out
	}
	return consume(ctx, tx, cypherBump, map[string]any{
		"tables": list(tables), "jobs": list(jobs), "owners": list(owners), "keep": int64(changeKeep),
	})
}

// GraphVersion returns the version the latest graph write left.
// Errors: EUNAVAILABLE.
func (s *Store) GraphVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.read(ctx, "graph version", func(tx driver.ManagedTransaction) error {
		recs, err := collect(ctx, tx, cypherVersion, nil)
		if err != nil {
			return err
		}
		v = 0
		if len(recs) > 0 {
			v = integer(recs[0], "version")
		}
		return nil
	})
	return v, err
}

// GraphDelta returns the graph's changes after version since, or the whole
// graph. The version is read first: Neo4j reads committed data, so what
// follows may already hold later writes, which the next delta (since this
// version) brings again; a reader applying deltas in turn converges.
// Errors: EUNAVAILABLE.
func (s *Store) GraphDelta(ctx context.Context, since int64) (*lineage.GraphDelta, error) {
	var d *lineage.GraphDelta
	err := s.read(ctx, "graph delta", func(tx driver.ManagedTransaction) error {
		d = &lineage.GraphDelta{}
		recs, err := collect(ctx, tx, cypherVersion, nil)
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			d.Version = integer(recs[0], "version")
		}
		if since == d.Version && since != 0 {
			return nil
		}
		recs, err = collect(ctx, tx, cypherOldest, nil)
		if err != nil {
			return err
		}
		var oldest int64
		if len(recs) > 0 {
			oldest = integer(recs[0], "oldest")
		}
		if since == 0 || since > d.Version || oldest == 0 || oldest > since+1 {
			return fullDelta(ctx, tx, d)
		}
		recs, err = collect(ctx, tx, cypherChanges, map[string]any{"since": since})
		if err != nil {
			return err
		}
		var tables, jobs, owners []string
		for _, r := range recs {
			tables = append(tables, strs(r, "tables")...)
			jobs = append(jobs, strs(r, "jobs")...)
			owners = append(owners, strs(r, "owners")...)
		}
		slices.Sort(tables)
		slices.Sort(jobs)
		slices.Sort(owners)
		d.Tables = slices.Compact(tables)
		jobs, owners = slices.Compact(jobs), slices.Compact(owners)
		if len(owners) > 0 {
			recs, err := collect(ctx, tx, cypherOwners, map[string]any{"handles": owners})
			if err != nil {
				return err
			}
			for _, r := range recs {
				d.Owners = append(d.Owners, ownerFrom(r, "handle"))
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		recs, err = collect(ctx, tx, cypherJobs, map[string]any{"ids": jobs})
		if err != nil {
			return err
		}
		present := map[string]bool{}
		for _, r := range recs {
			ji := lineage.JobInfo{Job: jobFrom(r), Reads: strs(r, "reads"), Writes: strs(r, "writes")}
			present[ji.ID] = true
			d.Jobs = append(d.Jobs, ji)
		}
		for _, id := range jobs {
			if !present[id] {
				d.Deleted = append(d.Deleted, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// fullDelta fills d with the whole graph.
func fullDelta(ctx context.Context, tx driver.ManagedTransaction, d *lineage.GraphDelta) error {
	d.Full = true
	recs, err := collect(ctx, tx, cypherCount, nil)
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		d.Tables = make([]string, 0, integer(recs[0], "tables"))
		d.Jobs = make([]lineage.JobInfo, 0, integer(recs[0], "jobs"))
	}
	err = pages(ctx, tx, cypherTablePage, func(row any) bool {
		name, ok := row.(string)
		if ok {
			d.Tables = append(d.Tables, name)
		}
		return ok
	})
	if err != nil {
		return err
	}
	if recs, err = collect(ctx, tx, cypherAllOwners, nil); err != nil {
		return err
	}
	for _, r := range recs {
		d.Owners = append(d.Owners, ownerFrom(r, "handle"))
	}
	return pages(ctx, tx, cypherJobPage, func(row any) bool {
		f, _ := row.([]any)
		if len(f) != 8 {
			return false
		}
		at := func(i int) string { s, _ := f[i].(string); return s }
		d.Jobs = append(d.Jobs, lineage.JobInfo{
			Job:   lineage.Job{ID: at(0), Source: at(1), Path: at(2), Dialect: at(3), Hash: at(4), Owner: at(5)},
			Reads: anyStrs(f[6]), Writes: anyStrs(f[7]),
		})
		return true
	})
}

// pages runs a paged query (cypherTablePage, cypherJobPage) from the first
// page to the last, handing each row to add, which says whether the row
// had the expected shape.
func pages(ctx context.Context, tx driver.ManagedTransaction, q string, add func(row any) bool) error {
	after := int64(-1)
	for {
		res, err := tx.Run(ctx, q, map[string]any{"after": after, "page": int64(fullPage), "batch": int64(fullBatch)})
		if err != nil {
			return err
		}
		n := 0
		for res.Next(ctx) {
			r := res.Record()
			v, _ := r.Get("rows")
			rows, _ := v.([]any)
			for _, row := range rows {
				if !add(row) {
					return fmt.Errorf("reading the whole graph: a row after node %d is not what the query returns: %v", after, row)
				}
			}
			n += len(rows)
			if len(rows) > 0 {
				after = integer(r, "last")
			}
		}
		if err := res.Err(); err != nil {
			return err
		}
		if n < fullPage {
			return nil
		}
	}
}
