package ingest_test

import (
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/lineagehq/lineage"
)

// memStore is a minimal in-memory lineage.GraphStore: the parts ingest uses
// (PutJobs, DeleteJob, Job, Jobs, PutOwners, Owner, Counts). It lets the
// ingest tests fail a store call on demand; graph/sqlite is the real store
// the other tests run on.
type memStore struct {
	mu     sync.Mutex
	jobs   map[string]lineage.JobInfo
	owners map[string]lineage.Owner
	puts   int
	// failPut, if set, is returned by PutJobs.
	failPut error
}

var _ lineage.GraphStore = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{jobs: map[string]lineage.JobInfo{}, owners: map[string]lineage.Owner{}}
}

func (m *memStore) PutJobs(ctx context.Context, jobs []lineage.JobPut) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failPut != nil {
		return m.failPut
	}
	m.puts++
	for _, j := range jobs {
		if j.Job.ID == "" {
			return lineage.FieldErrorf("id", "must not be empty")
		}
	}
	for _, j := range jobs {
		m.jobs[j.Job.ID] = lineage.JobInfo{Job: j.Job, Reads: slices.Clone(j.Reads), Writes: slices.Clone(j.Writes)}
		if j.Job.Owner != "" {
			if _, ok := m.owners[j.Job.Owner]; !ok || j.OwnerInfo.Handle == j.Job.Owner {
				o := j.OwnerInfo
				o.Handle = j.Job.Owner
				m.owners[o.Handle] = o
			}
		}
	}
	return nil
}

func (m *memStore) DeleteJob(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.jobs[id]; !ok {
		return lineage.Errorf(lineage.ENOTFOUND, "no job %s", id)
	}
	delete(m.jobs, id)
	return nil
}

func (m *memStore) Job(ctx context.Context, id string) (*lineage.JobInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return nil, lineage.Errorf(lineage.ENOTFOUND, "no job %s", id)
	}
	j.OwnerInfo = m.owners[j.Owner]
	return &j, nil
}

func (m *memStore) Jobs(ctx context.Context, f lineage.JobFilter) (*lineage.JobPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, j := range m.jobs {
		if (f.Source == "" || j.Source == f.Source) && id > f.After {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	n := f.First
	if n == 0 {
		n = lineage.DefaultPage
	}
	p := &lineage.JobPage{}
	if len(ids) > n {
		ids, p.HasNext = ids[:n], true
	}
	for _, id := range ids {
		p.Jobs = append(p.Jobs, m.jobs[id].Job)
		p.EndCursor = id
	}
	return p, nil
}

func (m *memStore) PutOwners(ctx context.Context, owners []lineage.Owner) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range owners {
		m.owners[o.Handle] = o
	}
	return nil
}

func (m *memStore) Owner(ctx context.Context, h string) (*lineage.OwnerInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.owners[h]
	if !ok {
		return nil, lineage.Errorf(lineage.ENOTFOUND, "no owner %s", h)
	}
	return &lineage.OwnerInfo{Owner: o}, nil
}

func (m *memStore) Counts(ctx context.Context) (lineage.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return lineage.Counts{Jobs: len(m.jobs), Owners: len(m.owners)}, nil
}

func (m *memStore) Table(ctx context.Context, name string) (*lineage.TableInfo, error) {
	return nil, lineage.Errorf(lineage.EUNAVAILABLE, "memStore: Table is not implemented")
}

func (m *memStore) Walk(ctx context.Context, f lineage.WalkFilter) (*lineage.Subgraph, error) {
	return nil, lineage.Errorf(lineage.EUNAVAILABLE, "memStore: Walk is not implemented")
}

func (m *memStore) Impact(ctx context.Context, table string, depth int) (*lineage.Impact, error) {
	return nil, lineage.Errorf(lineage.EUNAVAILABLE, "memStore: Impact is not implemented")
}

func (m *memStore) Search(ctx context.Context, f lineage.SearchFilter) (*lineage.SearchPage, error) {
	return nil, lineage.Errorf(lineage.EUNAVAILABLE, "memStore: Search is not implemented")
}

func (m *memStore) Ping(ctx context.Context) error { return nil }
func (m *memStore) Close() error                   { return nil }
