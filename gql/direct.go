package gql

import (
	"bytes"
	"context"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql/model"
)

// direct executes the commonest read, one lineage walk whose selections are
// plain fields of the walk's tables, jobs, owners and edges, by writing the
// answer itself instead of through gqlgen's executor. gqlgen spends a field
// context, a field set and a marshaler on each of a depth-2 answer's ~500
// fields, and a goroutine on each job of a list with a batch field: two
// thirds of the query's CPU, where the walk is a tenth (issue 18,
// BENCHMARKS.md "GraphQL with the index").
//
// It only replaces execution. gqlgen still reads the request, parses,
// validates and limits the operation (depth, complexity), coerces its
// variables and writes the response; direct calls the same resolvers
// (Query.lineage, Job.owner) and writes what gqlgen would write, byte for
// byte (TestDirectSameAsGqlgen). Anything it cannot answer that way goes to
// gqlgen's executor untouched: fragments, directives, duplicate response
// keys, any field with a resolver of its own (Table.readers, Job.script,
// Lineage.nodes, ...), and any error or panic from a resolver, which gqlgen
// then reports the usual way (running the resolver again).
type direct struct {
	r   *Resolver
	cfg *Config

	mu    sync.Mutex
	plans map[*ast.OperationDefinition]*plan // nil value: not direct

	served atomic.Int64 // operations answered here, for tests
}

// maxPlans bounds the plan cache; past it the cache starts over. gqlgen's
// query cache keeps 1,000 documents, so the operations it hands over are
// mostly the same few pointers.
const maxPlans = 2000

func newDirect(r *Resolver, cfg *Config) *direct {
	return &direct{r: r, cfg: cfg, plans: map[*ast.OperationDefinition]*plan{}}
}

// intercept is a gqlgen operation interceptor (Server.AroundOperations).
func (d *direct) intercept(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	p := d.plan(oc.Operation)
	if p == nil {
		return next(ctx)
	}
	data, ok := d.execute(ctx, oc, p)
	if !ok {
		return next(ctx)
	}
	d.served.Add(1)
	return graphql.OneShot(&graphql.Response{Data: data})
}

// plan returns op's plan, or nil when op is not for direct.
func (d *direct) plan(op *ast.OperationDefinition) *plan {
	if op == nil {
		return nil
	}
	d.mu.Lock()
	p, ok := d.plans[op]
	d.mu.Unlock()
	if ok {
		return p
	}
	p = compile(op)
	d.mu.Lock()
	if len(d.plans) >= maxPlans {
		clear(d.plans)
	}
	d.plans[op] = p
	d.mu.Unlock()
	return p
}

// field is what a selected field reads.
type field uint8

const (
	fTypename field = iota

	fLineageRoot
	fLineageDirection
	fLineageDepth
	fLineageTables
	fLineageJobs
	fLineageOwners
	fLineageEdges
	fLineageTruncated

	fTableName

	fJobID
	fJobSource
	fJobPath
	fJobDialect
	fJobHash
	fJobOwner

	fOwnerHandle
	fOwnerEmail
	fOwnerJiraUser
	fOwnerTeam

	fEdgeJob
	fEdgeTable
	fEdgeKind
)

// directFields are the fields of each type that direct answers: those that
// read nothing beyond the walk and the owners of its jobs.
var directFields = map[string]map[string]field{
	"Lineage": {
		"root": fLineageRoot, "direction": fLineageDirection, "depth": fLineageDepth,
		"tables": fLineageTables, "jobs": fLineageJobs, "owners": fLineageOwners,
		"edges": fLineageEdges, "truncated": fLineageTruncated,
	},
	"Table": {"name": fTableName},
	"Job": {
		"id": fJobID, "source": fJobSource, "path": fJobPath, "dialect": fJobDialect,
		"hash": fJobHash, "owner": fJobOwner,
	},
	"Owner": {"handle": fOwnerHandle, "email": fOwnerEmail, "jiraUser": fOwnerJiraUser, "team": fOwnerTeam},
	"Edge":  {"job": fEdgeJob, "table": fEdgeTable, "kind": fEdgeKind},
}

// objectOf is the type of the object fields among directFields.
var objectOf = map[field]string{
	fLineageRoot: "Table", fLineageTables: "Table", fLineageJobs: "Job",
	fLineageOwners: "Owner", fLineageEdges: "Edge", fJobOwner: "Owner",
}

// plan is a lineage operation compiled for direct.
type plan struct {
	root *ast.Field // the lineage field, for its arguments
	key  []byte     // `{"alias":`, opening the data
	sel  []sel      // the selection of Lineage
}

// sel is one selected field: its key as written (`"alias":`, after a comma
// for all but the first), what it reads, and the selection of its object.
type sel struct {
	key      []byte
	field    field
	typename string
	sub      []sel
}

// compile returns the plan of op, or nil when op is not a query of just
// lineage with plain selections.
func compile(op *ast.OperationDefinition) *plan {
	if op.Operation != ast.Query || len(op.Directives) > 0 || len(op.SelectionSet) != 1 {
		return nil
	}
	f, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || f.Name != "lineage" || len(f.Directives) > 0 || f.Definition == nil {
		return nil
	}
	s, ok := compileSet(f.SelectionSet, "Lineage")
	if !ok {
		return nil
	}
	var key bytes.Buffer
	key.WriteByte('{')
	writeString(&key, responseKey(f))
	key.WriteByte(':')
	return &plan{root: f, key: key.Bytes(), sel: s}
}

func compileSet(set ast.SelectionSet, typ string) ([]sel, bool) {
	if len(set) == 0 {
		return nil, false
	}
	fields := directFields[typ]
	out := make([]sel, 0, len(set))
	seen := map[string]bool{}
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok || len(f.Directives) > 0 || len(f.Arguments) > 0 {
			return nil, false
		}
		k := responseKey(f)
		if seen[k] {
			return nil, false
		}
		seen[k] = true
		var x sel
		if f.Name == "__typename" {
			x.field, x.typename = fTypename, typ
		} else if x.field, ok = fields[f.Name]; !ok {
			return nil, false
		}
		if obj, ok := objectOf[x.field]; ok {
			if x.sub, ok = compileSet(f.SelectionSet, obj); !ok {
				return nil, false
			}
		} else if len(f.SelectionSet) > 0 {
			return nil, false
		}
		var key bytes.Buffer
		if len(out) > 0 {
			key.WriteByte(',')
		}
		writeString(&key, k)
		key.WriteByte(':')
		x.key = key.Bytes()
		out = append(out, x)
	}
	return out, true
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// execute runs p as gqlgen would run oc's operation and returns the data.
// ok is false when a resolver failed or panicked: gqlgen must answer.
func (d *direct) execute(ctx context.Context, oc *graphql.OperationContext, p *plan) (data []byte, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			// gqlgen runs the resolvers again and reports a panic of
			// theirs; one of direct's own would go unseen but for this.
			d.r.logger.Error("gql: direct execution panicked; answering through gqlgen", "panic", v, "stack", string(debug.Stack()))
			data, ok = nil, false
		}
	}()
	args := p.root.ArgumentMap(oc.Variables)
	table, err := graphql.UnmarshalString(args["table"])
	if err != nil {
		return nil, false
	}
	var dir *lineage.Direction
	if v := args["direction"]; v != nil {
		s, err := graphql.UnmarshalString(v)
		if err != nil {
			return nil, false
		}
		dd := lineage.Direction(s)
		dir = &dd
	}
	depth, err := optionalInt(args["depth"])
	if err != nil {
		return nil, false
	}
	limit, err := optionalInt(args["limit"])
	if err != nil {
		return nil, false
	}
	// Loads of its own, so that a walk that fails here has not used up
	// the request's walk budget when gqlgen runs it again.
	ctx = withLoads(ctx, newLoads(d.cfg.Graph, d.cfg.MaxLoads, d.cfg.MaxWalkNodes))
	l, err := d.r.Query().Lineage(ctx, table, dir, depth, limit)
	if err != nil {
		return nil, false
	}
	w := writer{ctx: ctx, r: d.r}
	if l == nil {
		w.buf.Write(p.key)
		w.buf.WriteString("null")
	} else {
		w.buf.Grow(256 + 48*(len(l.Tables)+len(l.Owners)) + 96*len(l.Jobs) + 64*len(l.Edges))
		w.buf.Write(p.key)
		w.lineage(p.sel, l)
	}
	w.buf.WriteByte('}')
	if w.failed {
		return nil, false
	}
	return w.buf.Bytes(), true
}

func optionalInt(v any) (*int, error) {
	if v == nil {
		return nil, nil
	}
	n, err := graphql.UnmarshalInt(v)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// writer writes an answer as gqlgen's marshalers do (graphql.FieldSet,
// graphql.Array, graphql.MarshalString): compact, keys in selection order,
// strings escaped the same way, so that the response after
// transport.writeJson is the same bytes.
type writer struct {
	ctx    context.Context
	r      *Resolver
	buf    bytes.Buffer
	failed bool // a resolver returned an error
}

// object writes one object of the selection set: each key, then __typename
// or what value writes for the field.
func (w *writer) object(set []sel, value func(s *sel)) {
	w.buf.WriteByte('{')
	for i := range set {
		s := &set[i]
		w.buf.Write(s.key)
		if s.field == fTypename {
			w.str(s.typename)
		} else {
			value(s)
		}
	}
	w.buf.WriteByte('}')
}

// list writes a list of n objects, the i-th by item.
func (w *writer) list(n int, item func(i int)) {
	w.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		item(i)
	}
	w.buf.WriteByte(']')
}

func (w *writer) str(s string) { writeString(&w.buf, s) }

func (w *writer) lineage(set []sel, l *model.Lineage) {
	w.object(set, func(s *sel) {
		switch s.field {
		case fLineageRoot:
			w.table(s.sub, l.Root)
		case fLineageDirection:
			w.str(string(l.Direction))
		case fLineageDepth:
			w.buf.WriteString(strconv.Itoa(l.Depth))
		case fLineageTables:
			w.list(len(l.Tables), func(i int) { w.table(s.sub, &l.Tables[i]) })
		case fLineageJobs:
			w.jobs(s.sub, l.Jobs)
		case fLineageOwners:
			w.list(len(l.Owners), func(i int) { w.owner(s.sub, &l.Owners[i]) })
		case fLineageEdges:
			w.list(len(l.Edges), func(i int) { w.edge(s.sub, &l.Edges[i]) })
		case fLineageTruncated:
			w.buf.WriteString(strconv.FormatBool(l.Truncated))
		}
	})
}

func (w *writer) table(set []sel, t *lineage.Table) {
	w.object(set, func(s *sel) {
		if s.field == fTableName {
			w.str(t.Name)
		}
	})
}

// jobs writes a job list; the owners, when selected, come from one call of
// the Job.owner batch resolver for the whole list, as gqlgen makes it.
func (w *writer) jobs(set []sel, jobs []lineage.Job) {
	var owners []*lineage.Owner
	if slices.ContainsFunc(set, func(s sel) bool { return s.field == fJobOwner }) {
		objs := make([]*lineage.Job, len(jobs))
		for j := range jobs {
			objs[j] = &jobs[j]
		}
		var err error
		if owners, err = w.r.Job().Owner(w.ctx, objs); err != nil || len(owners) != len(jobs) {
			w.failed = true
			return
		}
	}
	w.list(len(jobs), func(j int) {
		job := &jobs[j]
		w.object(set, func(s *sel) {
			switch s.field {
			case fJobID:
				w.str(job.ID)
			case fJobSource:
				w.str(job.Source)
			case fJobPath:
				w.str(job.Path)
			case fJobDialect:
				w.str(job.Dialect)
			case fJobHash:
				w.str(job.Hash)
			case fJobOwner:
				if owners[j] == nil {
					w.buf.WriteString("null")
				} else {
					w.owner(s.sub, owners[j])
				}
			}
		})
	})
}

func (w *writer) owner(set []sel, o *lineage.Owner) {
	w.object(set, func(s *sel) {
		switch s.field {
		case fOwnerHandle:
			w.str(o.Handle)
		case fOwnerEmail:
			w.str(o.Email)
		case fOwnerJiraUser:
			w.str(o.JiraUser)
		case fOwnerTeam:
			w.str(o.Team)
		}
	})
}

func (w *writer) edge(set []sel, e *lineage.Edge) {
	w.object(set, func(s *sel) {
		switch s.field {
		case fEdgeJob:
			w.str(e.Job)
		case fEdgeTable:
			w.str(e.Table)
		case fEdgeKind:
			w.str(string(e.Kind))
		}
	})
}

const hexDigits = "0123456789ABCDEF"

// writeString writes s quoted as graphql.MarshalString does: control
// characters, backslash and quote escaped, everything else (invalid UTF-8
// too) as it is. transport.writeJson escapes <, >, & and U+2028/9 after.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
