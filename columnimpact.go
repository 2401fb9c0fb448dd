package lineage

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ImpactRole says how a column change concerns an owner.
type ImpactRole string

// Column roles, from the most to the least concerned.
const (
	// MustAct: a job of the owner references a changed column by name.
	ImpactMustAct ImpactRole = "MUST_ACT"
	// MayUse: a job of the owner reads the table, but whether it uses the
	// changed columns is unknown: a star over unknown columns, an ambiguous
	// unqualified name, or no column-level lineage for that job at all.
	ImpactMayUse ImpactRole = "MAY_USE"
	// Informed: a job of the owner uses a column derived from a changed
	// column, further down.
	ImpactInformed ImpactRole = "INFORMED"
)

func (r ImpactRole) rank() int {
	switch r {
	case ImpactMustAct:
		return 0
	case ImpactMayUse:
		return 1
	}
	return 2
}

// ComputeColumnImpact answers "who is concerned if these columns of table
// change?" from a store's table-level and column-level lineage. Hop 1 are
// the jobs reading the table itself (must act or may use); further hops
// follow the column flow from the changed columns, up to depth table hops.
// Errors: EINVALID (no columns, bad depth, bad names), ENOTFOUND (unknown
// table), EUNAVAILABLE.
func ComputeColumnImpact(ctx context.Context, g GraphStore, cs ColumnStore, table string, columns []string, depth int) (*Impact, error) {
	table, err := NormalizeName("table", table, true)
	if err != nil {
		return nil, err
	}
	if depth, err = CheckDepth(depth); err != nil {
		return nil, err
	}
	if len(columns) == 0 {
		return nil, FieldErrorf("columns", "must name at least one column")
	}
	changed := map[string]bool{}
	res := &Impact{Table: table, Depth: depth, Owners: []OwnerImpact{}, Spared: []Owner{}, Derived: []ColumnName{}}
	for i, c := range columns {
		c, err := NormalizeName(fmt.Sprintf("columns[%d]", i), c, true)
		if err != nil {
			return nil, err
		}
		if c == Star {
			return nil, FieldErrorf(fmt.Sprintf("columns[%d]", i), "must name a column, not *")
		}
		if !changed[c] {
			changed[c] = true
			res.Columns = append(res.Columns, c)
		}
	}
	slices.Sort(res.Columns)
	ti, err := g.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	jobs := map[string]*ImpactedJob{}
	add := func(j Job, role ImpactRole, hops int, use *ColumnRef, reason string) {
		ij := jobs[j.ID]
		if ij == nil {
			ij = &ImpactedJob{Job: j, Role: role, Hops: hops, Uses: []ColumnRef{}, Reason: reason, Reads: []string{}, Writes: []string{}}
			jobs[j.ID] = ij
		} else if role.rank() < ij.Role.rank() || (role == ij.Role && hops < ij.Hops) {
			ij.Role, ij.Hops, ij.Reason = role, hops, reason
		}
		if use != nil && !slices.Contains(ij.Uses, *use) {
			ij.Uses = append(ij.Uses, *use)
		}
		read := table
		if use != nil {
			read = use.Table
		}
		if !slices.Contains(ij.Reads, read) {
			ij.Reads = append(ij.Reads, read)
			slices.Sort(ij.Reads)
		}
	}

	// Hop 1: the table's readers.
	cols, err := cs.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	usesTable := map[string]bool{}
	for _, ci := range cols {
		for _, u := range ci.Uses {
			usesTable[u.Job.ID] = true
			ref := ColumnRef{ColumnName: ColumnName{Table: table, Column: ci.Name}, Kind: u.Kind, Line: u.Line, Unresolved: u.Unresolved}
			switch {
			case changed[ci.Name] && !u.Unresolved:
				add(u.Job, ImpactMustAct, 1, &ref, fmt.Sprintf("uses %s (%s)", ref.ColumnName, strings.ToLower(string(u.Kind))))
			case changed[ci.Name]:
				add(u.Job, ImpactMayUse, 1, &ref, fmt.Sprintf("may use %s: the name is ambiguous in its query", ref.ColumnName))
			case ci.Name == Star:
				add(u.Job, ImpactMayUse, 1, &ref, fmt.Sprintf("may use %s: it reads %s.* and the table's columns are unknown", strings.Join(res.Columns, ", "), table))
			}
		}
	}
	for _, r := range ti.Readers {
		if !usesTable[r.ID] {
			add(r, ImpactMayUse, 1, nil, "reads "+table+" but its column lineage is unknown")
		}
	}

	// Further hops: follow the column flow from the changed columns.
	seen := map[ColumnName]bool{}
	var frontier []ColumnName
	for _, c := range res.Columns {
		n := ColumnName{Table: table, Column: c}
		seen[n] = true
		frontier = append(frontier, n)
	}
	for hop := 2; hop <= depth && len(frontier) > 0; hop++ {
		steps, err := columnHop(ctx, cs, frontier, Downstream)
		if err != nil {
			return nil, err
		}
		var next []ColumnName
		byTable := map[string][]string{}
		for _, st := range steps {
			for _, t := range st.reach {
				if !seen[t] {
					seen[t] = true
					next = append(next, t)
					res.Derived = append(res.Derived, t)
					byTable[t.Table] = append(byTable[t.Table], t.Column)
				}
			}
		}
		tables := make([]string, 0, len(byTable))
		for t := range byTable {
			tables = append(tables, t)
		}
		slices.Sort(tables)
		for _, t := range tables {
			want := map[string]bool{}
			for _, c := range byTable[t] {
				want[c] = true
			}
			cols, err := cs.Columns(ctx, t)
			if err != nil {
				return nil, err
			}
			for _, ci := range cols {
				if !want[ci.Name] && ci.Name != Star {
					continue
				}
				for _, u := range ci.Uses {
					ref := ColumnRef{ColumnName: ColumnName{Table: t, Column: ci.Name}, Kind: u.Kind, Line: u.Line, Unresolved: u.Unresolved}
					add(u.Job, ImpactInformed, hop, &ref, fmt.Sprintf("uses %s, derived from %s", ref.ColumnName, table))
				}
			}
		}
		frontier = next
	}
	slices.SortFunc(res.Derived, CompareColumns)
	derivedTables := map[string]bool{}
	for _, c := range res.Derived {
		derivedTables[c.Table] = true
	}
	res.Jobs, res.Tables = len(jobs), len(derivedTables)

	// Group by owner.
	byOwner := map[string]*OwnerImpact{}
	for _, ij := range jobs {
		slices.SortFunc(ij.Uses, compareRefs)
		h := ij.Job.Owner
		oi := byOwner[h]
		if oi == nil {
			oi = &OwnerImpact{Owner: Owner{Handle: h}, Role: ij.Role, Hops: ij.Hops}
			byOwner[h] = oi
		}
		if ij.Role.rank() < oi.Role.rank() || (ij.Role == oi.Role && ij.Hops < oi.Hops) {
			oi.Role, oi.Hops = ij.Role, ij.Hops
		}
		oi.Jobs = append(oi.Jobs, *ij)
	}
	var handles []string
	for h := range byOwner {
		if h != "" {
			handles = append(handles, h)
		}
	}
	for _, r := range ti.Readers {
		if r.Owner != "" {
			handles = append(handles, r.Owner)
		}
	}
	details, err := cs.OwnerDetails(ctx, handles)
	if err != nil {
		return nil, err
	}
	for h, oi := range byOwner {
		if d, ok := details[h]; ok {
			oi.Owner = d
		}
		slices.SortFunc(oi.Jobs, func(a, b ImpactedJob) int {
			if c := a.Role.rank() - b.Role.rank(); c != 0 {
				return c
			}
			if a.Hops != b.Hops {
				return a.Hops - b.Hops
			}
			return strings.Compare(a.Job.ID, b.Job.ID)
		})
		res.Owners = append(res.Owners, *oi)
	}
	slices.SortFunc(res.Owners, func(a, b OwnerImpact) int {
		if c := a.Role.rank() - b.Role.rank(); c != 0 {
			return c
		}
		if a.Hops != b.Hops {
			return a.Hops - b.Hops
		}
		return strings.Compare(a.Owner.Handle, b.Owner.Handle)
	})

	// Spared: readers' owners with no job concerned.
	spared := map[string]bool{}
	for _, r := range ti.Readers {
		if _, ok := byOwner[r.Owner]; !ok && !spared[r.Owner] {
			spared[r.Owner] = true
			o := Owner{Handle: r.Owner}
			if d, ok := details[r.Owner]; ok {
				o = d
			}
			res.Spared = append(res.Spared, o)
		}
	}
	slices.SortFunc(res.Spared, func(a, b Owner) int { return strings.Compare(a.Handle, b.Handle) })
	return res, nil
}

// ColumnLineage is the result of a column walk: the columns reached and the
// flow edges between them.
type ColumnLineage struct {
	Start   ColumnName   `json:"start"`
	Columns []ColumnName `json:"columns"`
	Edges   []ColumnEdge `json:"edges"`
	// Truncated is set when maxEdges cut the walk.
	Truncated bool `json:"truncated"`
}

// WalkColumns follows the column flow from start, upstream (where its data
// comes from), downstream (where it goes) or both, up to depth hops and at
// most maxEdges edges (0: DefaultNodes). A star flow (t.* ← s.*) carries a
// named column through under its own name.
// Errors: EINVALID (bad names, direction, depth or cap), EUNAVAILABLE.
func WalkColumns(ctx context.Context, cs ColumnStore, start ColumnName, dir Direction, depth, maxEdges int) (*ColumnLineage, error) {
	cols, err := CheckColumnEdges([]ColumnName{start}, dir)
	if err != nil {
		return nil, err
	}
	if depth, err = CheckDepth(depth); err != nil {
		return nil, err
	}
	if maxEdges, err = CheckLimit("limit", maxEdges, DefaultNodes, MaxNodes); err != nil {
		return nil, err
	}
	start = cols[0]
	res := &ColumnLineage{Start: start, Columns: []ColumnName{start}, Edges: []ColumnEdge{}}
	seen := map[ColumnName]bool{start: true}
	seenEdge := map[ColumnEdge]bool{}
	walk := func(d Direction) error {
		frontier := []ColumnName{start}
		for hop := 1; hop <= depth && len(frontier) > 0; hop++ {
			steps, err := columnHop(ctx, cs, frontier, d)
			if err != nil {
				return err
			}
			var next []ColumnName
			for _, st := range steps {
				if seenEdge[st.edge] {
					continue
				}
				if len(res.Edges) >= maxEdges {
					res.Truncated = true
					return nil
				}
				seenEdge[st.edge] = true
				res.Edges = append(res.Edges, st.edge)
				for _, f := range st.reach {
					if !seen[f] {
						seen[f] = true
						res.Columns = append(res.Columns, f)
						next = append(next, f)
					}
				}
			}
			frontier = next
		}
		return nil
	}
	if dir == Downstream || dir == Both {
		if err := walk(Downstream); err != nil {
			return nil, err
		}
	}
	if dir == Upstream || dir == Both {
		if err := walk(Upstream); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(res.Columns, CompareColumns)
	slices.SortFunc(res.Edges, CompareColumnEdges)
	return res, nil
}

// hopStep is one column flow edge taken by columnHop and the columns it
// reaches at its far end.
type hopStep struct {
	edge  ColumnEdge
	reach []ColumnName
}

// columnHop follows the column flow one hop from frontier, Downstream (to
// the columns computed from it) or Upstream (to those it is computed
// from), in the store's edge order. A star edge (t.* from s.*, SELECT *)
// carries each named frontier column of its near table across under its
// own name; an edge that reaches nothing is left out.
func columnHop(ctx context.Context, cs ColumnStore, frontier []ColumnName, d Direction) ([]hopStep, error) {
	query := slices.Clone(frontier)
	named := map[ColumnName]bool{}
	for _, c := range frontier {
		named[c] = true
		if c.Column != Star {
			query = append(query, ColumnName{Table: c.Table, Column: Star})
		}
	}
	edges, err := cs.ColumnEdges(ctx, query, d)
	if err != nil {
		return nil, err
	}
	var out []hopStep
	for _, e := range edges {
		far, near := e.Target, e.Source
		if d == Upstream {
			far, near = e.Source, e.Target
		}
		st := hopStep{edge: e}
		switch {
		case named[near]:
			st.reach = []ColumnName{far}
		case near.Column == Star && far.Column == Star:
			for _, c := range frontier {
				if c.Table == near.Table && c.Column != Star {
					st.reach = append(st.reach, ColumnName{Table: far.Table, Column: c.Column})
				}
			}
		}
		if len(st.reach) > 0 {
			out = append(out, st)
		}
	}
	return out, nil
}
