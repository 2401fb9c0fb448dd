package gql

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql/model"
)

// Helpers shared by the resolvers in *.resolvers.go, which gqlgen rewrites.

// deref returns *p, or def when p is nil (an argument given as null).
func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// tables turns table names into Table values.
func tables(names []string) []lineage.Table {
	out := make([]lineage.Table, len(names))
	for i, n := range names {
		out[i] = lineage.Table{Name: n}
	}
	return out
}

// batchErr returns the per-item errors of a batch resolver as gqlgen wants
// them: nil if there are none, so that successes are not reported as errors.
func batchErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return graphql.BatchErrorList(errs)
		}
	}
	return nil
}

// pageInfo makes a PageInfo from a domain page's cursor.
func pageInfo(endCursor string, hasNext bool) *model.PageInfo {
	p := &model.PageInfo{HasNextPage: hasNext}
	if endCursor != "" {
		p.EndCursor = &endCursor
	}
	return p
}

// walk validates a walk's arguments, naming them as the schema does, runs it
// and keeps the owners it returns for the request's later fields.
func (r *Resolver) walk(ctx context.Context, table string, dir lineage.Direction, depth, limit *int) (*model.Lineage, error) {
	name, err := lineage.NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	if !dir.Valid() {
		return nil, lineage.FieldErrorf("direction", "must be UPSTREAM, DOWNSTREAM or BOTH")
	}
	d, err := lineage.CheckDepth(deref(depth, 0))
	if err != nil {
		return nil, err
	}
	n, err := lineage.CheckLimit("limit", deref(limit, 0), lineage.DefaultNodes, lineage.MaxNodes)
	if err != nil {
		return nil, err
	}
	release, err := r.guardWalk(ctx, visits(d, n), n)
	if err != nil {
		return nil, err
	}
	sub, err := r.graph.Walk(ctx, lineage.WalkFilter{Table: name, Direction: dir, Depth: d, MaxNodes: n})
	release()
	if err != nil {
		return nil, err
	}
	l := r.loads(ctx)
	for _, o := range sub.Owners {
		l.primeOwner(o)
	}
	return &model.Lineage{
		Root:      &lineage.Table{Name: name},
		Direction: dir,
		Depth:     d,
		Tables:    sub.Tables,
		Jobs:      sub.Jobs,
		Owners:    sub.Owners,
		Edges:     sub.Edges,
		Truncated: sub.Truncated,
	}, nil
}

// ownerImpacts returns the owners of an impact that do (direct) or do not
// read the table themselves.
func ownerImpacts(im *lineage.Impact, role lineage.ImpactRole) []lineage.OwnerImpact {
	out := []lineage.OwnerImpact{}
	for _, o := range im.Owners {
		if o.RoleOf() == role {
			out = append(out, o)
		}
	}
	return out
}

// page returns the page of xs that first and offset ask for: all from
// offset when first is nil. Errors: EINVALID naming "first" (outside
// 1..lineage.MaxPage) or "offset" (negative).
func page[T any](xs []T, first, offset *int) ([]T, error) {
	off := deref(offset, 0)
	if off < 0 {
		return nil, lineage.FieldErrorf("offset", "must not be negative, got %d", off)
	}
	end := len(xs)
	if first != nil {
		n, err := lineage.CheckLimit("first", *first, lineage.DefaultPage, lineage.MaxPage)
		if err != nil || *first == 0 {
			if err == nil {
				err = lineage.FieldErrorf("first", "must be between 1 and %d, got 0", lineage.MaxPage)
			}
			return nil, err
		}
		end = min(end, off+n)
	}
	if off >= end {
		return []T{}, nil
	}
	return xs[off:end], nil
}

// impactTables returns the distinct impacted tables an owner's jobs read.
func impactTables(o *lineage.OwnerImpact) []lineage.Table {
	var names []string
	for _, j := range o.Jobs {
		names = append(names, j.Reads...)
	}
	slices.Sort(names)
	return tables(slices.Compact(names))
}

// tableOwners returns the handles of the owners of a table's writers,
// sorted and without repeats.
func tableOwners(t *lineage.TableInfo) []string {
	var hs []string
	for _, j := range t.Writers {
		if j.Owner != "" {
			hs = append(hs, j.Owner)
		}
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

// searchNodes turns search hits into nodes, reading the jobs and owners
// named in one batch each.
func (r *Resolver) searchNodes(ctx context.Context, hits []lineage.SearchHit) ([]model.Node, error) {
	var jobIDs, handles []string
	for _, h := range hits {
		switch h.Kind {
		case lineage.KindJob:
			jobIDs = append(jobIDs, h.Name)
		case lineage.KindOwner:
			handles = append(handles, h.Name)
		}
	}
	l := r.loads(ctx)
	jobs, jerrs := l.Jobs(ctx, jobIDs)
	owners, oerrs := l.Owners(ctx, handles)
	out := make([]model.Node, len(hits))
	var ji, oi int
	for i, h := range hits {
		switch h.Kind {
		case lineage.KindTable:
			out[i] = lineage.Table{Name: h.Name}
		case lineage.KindJob:
			if jerrs[ji] != nil {
				return nil, jerrs[ji]
			}
			out[i] = jobs[ji].Job
			ji++
		case lineage.KindOwner:
			if oerrs[oi] != nil {
				return nil, oerrs[oi]
			}
			out[i] = owners[oi]
			oi++
		default:
			return nil, lineage.Errorf(lineage.EINTERNAL, "search hit %q has unknown kind %q", h.Name, h.Kind)
		}
	}
	return out, nil
}

func jobIDs(objs []*lineage.Job) []string {
	ids := make([]string, len(objs))
	for i, j := range objs {
		ids[i] = j.ID
	}
	return ids
}

func tableNames(objs []*lineage.Table) []string {
	names := make([]string, len(objs))
	for i, t := range objs {
		names[i] = t.Name
	}
	return names
}
