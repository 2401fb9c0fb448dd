package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

var _ lineage.GraphFeed = (*Store)(nil)

// Change kinds in graph_changes.
const (
	changeTable = 0
	changeJob   = 1
	changeOwner = 2
)

// Queries of the change feed.
var (
	qGraphVersion = hot(`SELECT COALESCE(max(version), 0) FROM graph_changes`)
	qChangesSince = hot(`SELECT json_group_array(kind), json_group_array(name) FROM graph_changes WHERE version > ?`)
	qOldestChange = hot(`SELECT COALESCE(min(version), 0) FROM graph_changes`)
	qAllTables    = `SELECT json_group_array(id), json_group_array(name) FROM tables`
	qJobIDsNamed  = `SELECT json_group_array(id) FROM jobs WHERE name IN (SELECT value FROM json_each(?))`
	qAllOwners    = `SELECT json_group_array(handle) FROM owners`
)

// GraphVersion returns the version of the latest change to the graph.
func (s *Store) GraphVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.read(ctx, "graph version", func(tx queryer) error {
		return tx.QueryRowContext(ctx, qGraphVersion).Scan(&v)
	})
	return v, err
}

// GraphDelta returns the graph's changes after version since, read from the
// change log in one read transaction, or the whole graph.
func (s *Store) GraphDelta(ctx context.Context, since int64) (*lineage.GraphDelta, error) {
	d := &lineage.GraphDelta{}
	err := s.read(ctx, "graph delta", func(tx queryer) error {
		*d = lineage.GraphDelta{}
		if err := tx.QueryRowContext(ctx, qGraphVersion).Scan(&d.Version); err != nil {
			return err
		}
		if since == d.Version && since != 0 {
			return nil
		}
		var oldest int64
		if err := tx.QueryRowContext(ctx, qOldestChange).Scan(&oldest); err != nil {
			return err
		}
		// The log holds every change after since when its oldest entry
		// is at most since+1 (versions have no gaps but those pruned).
		if since == 0 || since > d.Version || oldest > since+1 {
			return s.fullDelta(ctx, tx, d)
		}
		var kinds []int
		var names []string
		if err := queryArrays(ctx, tx, qChangesSince, []any{since}, &kinds, &names); err != nil {
			return err
		}
		if len(kinds) != len(names) {
			return fmt.Errorf("%d change kinds but %d names", len(kinds), len(names))
		}
		seen := map[[2]string]bool{}
		var tables, jobs, owners []string
		for i, k := range kinds {
			key := [2]string{fmt.Sprint(k), names[i]}
			if seen[key] {
				continue
			}
			seen[key] = true
			switch k {
			case changeTable:
				tables = append(tables, names[i])
			case changeJob:
				jobs = append(jobs, names[i])
			case changeOwner:
				owners = append(owners, names[i])
			}
		}
		d.Tables = tables
		if len(owners) > 0 {
			o, err := loadOwners(ctx, tx, owners)
			if err != nil {
				return err
			}
			for _, h := range owners {
				if oo, ok := o[h]; ok {
					d.Owners = append(d.Owners, oo)
				}
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		ids, err := queryIDs(ctx, tx, qJobIDsNamed, stringList(jobs))
		if err != nil {
			return err
		}
		if err := deltaJobs(ctx, tx, d, ids, nil); err != nil {
			return err
		}
		present := make(map[string]bool, len(d.Jobs))
		for _, j := range d.Jobs {
			present[j.ID] = true
		}
		for _, n := range jobs {
			if !present[n] {
				d.Deleted = append(d.Deleted, n)
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
func (s *Store) fullDelta(ctx context.Context, tx queryer, d *lineage.GraphDelta) error {
	d.Full = true
	var tids []int64
	var tnames []string
	if err := queryArrays(ctx, tx, qAllTables, nil, &tids, &tnames); err != nil {
		return err
	}
	if len(tids) != len(tnames) {
		return fmt.Errorf("%d table ids but %d names", len(tids), len(tnames))
	}
	names := make(map[int64]string, len(tids))
	for i, id := range tids {
		names[id] = tnames[i]
	}
	d.Tables = tnames
	var handles []string
	if err := queryArrays(ctx, tx, qAllOwners, nil, &handles); err != nil {
		return err
	}
	owners, err := loadOwners(ctx, tx, handles)
	if err != nil {
		return err
	}
	for _, h := range handles {
		d.Owners = append(d.Owners, owners[h])
	}
	return allJobs(ctx, tx, d, names)
}

// qAllJobs returns every job with its edges as "kind:tbl,kind:tbl", like
// qJobRows without the id list.
var qAllJobs = `SELECT json_group_array(j.name), json_group_array(j.source),
	json_group_array(j.path), json_group_array(j.dialect), json_group_array(j.hash),
	json_group_array(COALESCE(j.owner, '')),
	json_group_array(COALESCE((SELECT group_concat(e.kind || ':' || e.tbl) FROM edges e WHERE e.job = j.id), ''))
	FROM jobs j`

// allJobs appends every job, with its reads and writes, to d.
func allJobs(ctx context.Context, tx queryer, d *lineage.GraphDelta, names map[int64]string) error {
	var ids, sources, paths, dialects, hashes, owners, edgeLists []string
	if err := queryArrays(ctx, tx, qAllJobs, nil, &ids, &sources, &paths, &dialects, &hashes, &owners, &edgeLists); err != nil {
		return err
	}
	for _, col := range [][]string{sources, paths, dialects, hashes, owners, edgeLists} {
		if len(col) != len(ids) {
			return fmt.Errorf("job columns of different lengths")
		}
	}
	d.Jobs = make([]lineage.JobInfo, len(ids))
	for i, id := range ids {
		ji := &d.Jobs[i]
		ji.Job = lineage.Job{ID: id, Source: sources[i], Path: paths[i], Dialect: dialects[i], Hash: hashes[i], Owner: owners[i]}
		for l := edgeLists[i]; l != ""; {
			var item string
			item, l, _ = strings.Cut(l, ",")
			k, t, ok := strings.Cut(item, ":")
			tbl, err := strconv.ParseInt(t, 10, 64)
			name, known := names[tbl]
			if !ok || err != nil || !known || (k != "0" && k != "1") {
				return fmt.Errorf("job %s: bad edge %q", id, item)
			}
			if k == "1" {
				ji.Writes = append(ji.Writes, name)
			} else {
				ji.Reads = append(ji.Reads, name)
			}
		}
	}
	return nil
}

// deltaJobs appends the jobs with the given row ids, with their reads and
// writes, to d. names maps table ids to names when the caller has them all.
func deltaJobs(ctx context.Context, tx queryer, d *lineage.GraphDelta, ids []int64, names map[int64]string) error {
	if len(ids) == 0 {
		return nil
	}
	jobs, edges, err := loadJobs(ctx, tx, ids)
	if err != nil {
		return err
	}
	if names == nil {
		tids := make([]int64, 0, len(edges))
		for _, e := range edges {
			tids = append(tids, e.tbl)
		}
		slices.Sort(tids)
		if names, err = queryNames(ctx, tx, qTableNames, slices.Compact(tids)); err != nil {
			return err
		}
	}
	byID := make(map[int64]int, len(jobs))
	d.Jobs = slices.Grow(d.Jobs, len(jobs))
	for _, id := range ids {
		j, ok := jobs[id]
		if !ok {
			continue
		}
		byID[id] = len(d.Jobs)
		d.Jobs = append(d.Jobs, lineage.JobInfo{Job: j})
	}
	for _, e := range edges {
		ji := &d.Jobs[byID[e.job]]
		if e.kind == kindWrites {
			ji.Writes = append(ji.Writes, names[e.tbl])
		} else {
			ji.Reads = append(ji.Reads, names[e.tbl])
		}
	}
	return nil
}
