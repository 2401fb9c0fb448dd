package gql

import (
	"context"
	"sync"

	"github.com/lineagehq/lineage"
)

// Batch resolvers (gqlgen `batch: true`, see gqlgen.yml) receive every parent
// of a list at once: one call for the readers of all the tables in a list,
// not one per table. They fetch what they need through a loads value, which
// lives for one request and
//
//   - fetches each distinct key once per request, however many lists name it
//     (a job reached from three tables is read once);
//   - serves keys already known from an earlier answer without a store call
//     (a walk returns its owners, an impact its jobs' owners): prime;
//   - runs the fetches of one batch concurrently, at most fanout at a time;
//   - refuses, with EINVALID, a request that would fetch more than max objects,
//     so that no query can make the server read the whole graph item by item.
//
// lineage.GraphStore reads one table, job or owner per call, so a batch costs
// one store call per distinct key, not one per parent and never one per
// field; a batch read in GraphStore would bring that to one call per batch
// (see NOTES.md).

// fanout bounds the concurrent store calls of one batch.
const fanout = 8

type loadsKey struct{}

// loads is the per-request cache of objects read from the graph.
type loads struct {
	graph lineage.GraphStore
	max   int
	// maxNodes bounds the nodes the request's walks may return together;
	// nodes is what they have reserved.
	maxNodes int

	mu      sync.Mutex
	fetched int
	nodes   int
	visits  int // what the request's walks may visit together
	// scriptBytes counts the script text the request has returned.
	scriptBytes int
	tables      map[string]*entry[*lineage.TableInfo]
	jobs        map[string]*entry[*lineage.JobInfo]
	owners      map[string]*entry[*lineage.OwnerInfo]
	// details holds owner details known without their job list.
	details map[string]lineage.Owner
}

type entry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newLoads(g lineage.GraphStore, max, maxNodes int) *loads {
	return &loads{
		graph:    g,
		max:      max,
		maxNodes: maxNodes,
		tables:   map[string]*entry[*lineage.TableInfo]{},
		jobs:     map[string]*entry[*lineage.JobInfo]{},
		owners:   map[string]*entry[*lineage.OwnerInfo]{},
		details:  map[string]lineage.Owner{},
	}
}

func withLoads(ctx context.Context, l *loads) context.Context {
	return context.WithValue(ctx, loadsKey{}, l)
}

// loadsFrom returns the request's loads. Outside a request (a resolver called
// directly) it returns a fresh one, so resolvers never need a nil check.
func (r *Resolver) loads(ctx context.Context) *loads {
	if l, ok := ctx.Value(loadsKey{}).(*loads); ok {
		return l
	}
	return newLoads(r.graph, r.maxLoads, r.maxWalkNodes)
}

// getAll returns the values for keys in order, with one error per key (nil
// for success). Missing keys are fetched with fetch, once each, at most
// fanout at a time; a key already being fetched by another resolver is
// waited for.
func getAll[V any](ctx context.Context, l *loads, m map[string]*entry[V], keys []string, fetch func(context.Context, string) (V, error)) ([]V, []error) {
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	ents := make([]*entry[V], len(keys))
	var todo []*entry[V]
	var todoKeys []string

	l.mu.Lock()
	for i, k := range keys {
		e, ok := m[k]
		if !ok {
			e = &entry[V]{done: make(chan struct{})}
			m[k] = e
			todo = append(todo, e)
			todoKeys = append(todoKeys, k)
		}
		ents[i] = e
	}
	var budget error
	if l.max > 0 && l.fetched+len(todo) > l.max {
		budget = lineage.Errorf(lineage.EINVALID, "This query reads more than %d objects; select fewer nested lists or use smaller pages.", l.max)
	} else {
		l.fetched += len(todo)
	}
	l.mu.Unlock()

	if budget != nil {
		for _, e := range todo {
			e.err = budget
			close(e.done)
		}
	} else {
		sem := make(chan struct{}, fanout)
		var wg sync.WaitGroup
		for i, e := range todo {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				defer close(e.done)
				// gqlgen recovers panics only on its own goroutines.
				defer func() {
					if v := recover(); v != nil {
						e.err = recoverPanic(ctx, v)
					}
				}()
				e.v, e.err = fetch(ctx, todoKeys[i])
			}()
		}
		wg.Wait()
	}

	for i, e := range ents {
		select {
		case <-e.done:
			vals[i], errs[i] = e.v, e.err
		case <-ctx.Done():
			errs[i] = ctx.Err()
		}
	}
	return vals, errs
}

// reserveWalk reserves n nodes for a walk from the request's budget and
// adds the visits it may make to the request's; it returns the request's
// visits so far, this walk's included, or EINVALID when the request's walks
// would pass the node budget together.
func (l *loads) reserveWalk(visits, n int) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.maxNodes > 0 && l.nodes+n > l.maxNodes {
		return 0, lineage.Errorf(lineage.EINVALID, "The walks of this query may return more than %d nodes together (each counts its limit; an impact counts %d); ask for fewer walks or smaller limits.", l.maxNodes, lineage.MaxNodes)
	}
	l.nodes += n
	l.visits += visits
	return l.visits, nil
}

// Tables returns the tables' readers and writers.
func (l *loads) Tables(ctx context.Context, names []string) ([]*lineage.TableInfo, []error) {
	return getAll(ctx, l, l.tables, names, l.graph.Table)
}

// Jobs returns the jobs with their reads, writes and owner details.
func (l *loads) Jobs(ctx context.Context, ids []string) ([]*lineage.JobInfo, []error) {
	infos, errs := getAll(ctx, l, l.jobs, ids, l.graph.Job)
	for i, info := range infos {
		if errs[i] == nil && info.OwnerInfo.Handle != "" {
			l.primeOwner(info.OwnerInfo)
		}
	}
	return infos, errs
}

// OwnerInfos returns the owners with the ids of their jobs.
func (l *loads) OwnerInfos(ctx context.Context, handles []string) ([]*lineage.OwnerInfo, []error) {
	infos, errs := getAll(ctx, l, l.owners, handles, l.graph.Owner)
	for i, info := range infos {
		if errs[i] == nil {
			l.primeOwner(info.Owner)
		}
	}
	return infos, errs
}

// Owners returns the owners' details, from what earlier answers carried
// where possible. An owner the store does not know (a job may name an owner
// that has no details yet) is returned with its handle only.
func (l *loads) Owners(ctx context.Context, handles []string) ([]lineage.Owner, []error) {
	out := make([]lineage.Owner, len(handles))
	errs := make([]error, len(handles))
	var missing []string
	var at []int
	l.mu.Lock()
	for i, h := range handles {
		if o, ok := l.details[h]; ok {
			out[i] = o
			continue
		}
		missing = append(missing, h)
		at = append(at, i)
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return out, errs
	}
	infos, ferrs := l.OwnerInfos(ctx, missing)
	for j, i := range at {
		switch {
		case ferrs[j] == nil:
			out[i] = infos[j].Owner
		case lineage.ErrorCode(ferrs[j]) == lineage.ENOTFOUND:
			out[i] = lineage.Owner{Handle: missing[j]}
		default:
			errs[i] = ferrs[j]
		}
	}
	return out, errs
}

// maxScriptBytes bounds the script text one request returns: a list of
// jobs may name hundreds, each up to lineage.MaxScriptBytes long.
const maxScriptBytes = 16 << 20

// Scripts returns the jobs' script text, nil for a job without one. A
// script that would take the request past maxScriptBytes is EINVALID,
// and the scripts before it are returned.
func (l *loads) Scripts(ctx context.Context, ids []string) ([]*string, []error) {
	infos, errs := l.Jobs(ctx, ids)
	out := make([]*string, len(ids))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, j := range infos {
		if errs[i] != nil || j.Script == "" {
			continue
		}
		if l.scriptBytes+len(j.Script) > maxScriptBytes {
			errs[i] = lineage.Errorf(lineage.EINVALID, "This query returns more than %d MiB of script text; ask for the scripts of fewer jobs.", maxScriptBytes>>20)
			continue
		}
		l.scriptBytes += len(j.Script)
		out[i] = &j.Script
	}
	return out, errs
}

// primeOwner records owner details that an answer carried.
func (l *loads) primeOwner(o lineage.Owner) {
	if o.Handle == "" {
		return
	}
	l.mu.Lock()
	l.details[o.Handle] = o
	l.mu.Unlock()
}

// primeTable records a table read by a root query, so that its fields need no
// second read.
func (l *loads) primeTable(t *lineage.TableInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.tables[t.Name]; !ok {
		l.tables[t.Name] = doneEntry(t)
	}
}

func (l *loads) primeJob(j *lineage.JobInfo) {
	l.mu.Lock()
	if _, ok := l.jobs[j.ID]; !ok {
		l.jobs[j.ID] = doneEntry(j)
	}
	l.mu.Unlock()
	l.primeOwner(j.OwnerInfo)
}

func (l *loads) primeOwnerInfo(o *lineage.OwnerInfo) {
	l.mu.Lock()
	if _, ok := l.owners[o.Handle]; !ok {
		l.owners[o.Handle] = doneEntry(o)
	}
	l.mu.Unlock()
	l.primeOwner(o.Owner)
}

func doneEntry[V any](v V) *entry[V] {
	e := &entry[V]{done: make(chan struct{}), v: v}
	close(e.done)
	return e
}
