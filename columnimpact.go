package lineage

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ColumnRole says how a column change concerns an owner.
type ColumnRole string

// Column roles, from the most to the least concerned.
const (
	// MustAct: a job of the owner references a changed column by name.
	RoleMustAct ColumnRole = "MUST_ACT"
	// MayUse: a job of the owner reads the table, but whether it uses the
	// changed columns is unknown: a star over unknown columns, an ambiguous
	// unqualified name, or no column-level lineage for that job at all.
	RoleMayUse ColumnRole = "MAY_USE"
	// Informed: a job of the owner uses a column derived from a changed
	// column, further down.
	RoleInformed ColumnRole = "INFORMED"
)

func (r ColumnRole) rank() int {
	switch r {
	case RoleMustAct:
		return 0
	case RoleMayUse:
		return 1
	}
	return 2
}

// ColumnImpactResult is who is concerned when some columns of a table change.
type ColumnImpactResult struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Depth   int      `json:"depth"`
	// Owners are sorted by role, then hops, then handle.
	Owners []ColumnOwnerImpact `json:"owners"`
	// Spared are the owners whose jobs read the table but, by their column
	// lineage, use none of the changed columns: a table-wide campaign would
	// ticket them, a column-scoped one does not.
	Spared []Owner `json:"spared"`
	// Derived are the columns computed from the changed ones, hop by hop.
	Derived []ColumnName `json:"derived"`
}

// ColumnOwnerImpact is one owner's share of a column impact.
type ColumnOwnerImpact struct {
	Owner Owner             `json:"owner"`
	Role  ColumnRole        `json:"role"`
	Hops  int               `json:"hops"`
	Jobs  []ColumnImpactJob `json:"jobs"`
}

// ColumnImpactJob is one job concerned by a column change.
type ColumnImpactJob struct {
	Job  Job        `json:"job"`
	Role ColumnRole `json:"role"`
	Hops int        `json:"hops"`
	// Uses are the job's uses of the changed (or derived) columns, with kind
	// and line; a use with Unresolved set is a "may use". Empty for a job
	// that reads the table with no column lineage at all.
	Uses []ColumnRef `json:"uses"`
	// Reason says in words why the job is listed.
	Reason string `json:"reason"`
}

// ComputeColumnImpact answers "who is concerned if these columns of table
// change?" from a store's table-level and column-level lineage. Hop 1 are
// the jobs reading the table itself (must act or may use); further hops
// follow the column flow from the changed columns, up to depth table hops.
// Errors: EINVALID (no columns, bad depth, bad names), ENOTFOUND (unknown
// table), EUNAVAILABLE.
func ComputeColumnImpact(ctx context.Context, g GraphStore, cs ColumnStore, table string, columns []string, depth int) (*ColumnImpactResult, error) {
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
	res := &ColumnImpactResult{Table: table, Depth: depth, Owners: []ColumnOwnerImpact{}, Spared: []Owner{}, Derived: []ColumnName{}}
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
	jobs := map[string]*ColumnImpactJob{}
	add := func(j Job, role ColumnRole, hops int, use *ColumnRef, reason string) {
		ij := jobs[j.ID]
		if ij == nil {
			ij = &ColumnImpactJob{Job: j, Role: role, Hops: hops, Uses: []ColumnRef{}, Reason: reason}
			jobs[j.ID] = ij
		} else if role.rank() < ij.Role.rank() || (role == ij.Role && hops < ij.Hops) {
			ij.Role, ij.Hops, ij.Reason = role, hops, reason
		}
		if use != nil && !slices.Contains(ij.Uses, *use) {
			ij.Uses = append(ij.Uses, *use)
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
				add(u.Job, RoleMustAct, 1, &ref, fmt.Sprintf("uses %s (%s)", ref.ColumnName, strings.ToLower(string(u.Kind))))
			case changed[ci.Name]:
				add(u.Job, RoleMayUse, 1, &ref, fmt.Sprintf("may use %s: the name is ambiguous in its query", ref.ColumnName))
			case ci.Name == Star:
				add(u.Job, RoleMayUse, 1, &ref, fmt.Sprintf("may use %s: it reads %s.* and the table's columns are unknown", strings.Join(res.Columns, ", "), table))
			}
		}
	}
	for _, r := range ti.Readers {
		if !usesTable[r.ID] {
			add(r, RoleMayUse, 1, nil, "reads "+table+" but its column lineage is unknown")
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
		query := append([]ColumnName(nil), frontier...)
		for _, c := range frontier {
			query = append(query, ColumnName{Table: c.Table, Column: Star})
		}
		edges, err := cs.ColumnEdges(ctx, query, Downstream)
		if err != nil {
			return nil, err
		}
		inFrontier := map[ColumnName]bool{}
		for _, c := range frontier {
			inFrontier[c] = true
		}
		var next []ColumnName
		byTable := map[string][]string{}
		for _, e := range edges {
			var targets []ColumnName
			switch {
			case inFrontier[e.Source]:
				targets = append(targets, e.Target)
			case e.Source.Column == Star && e.Target.Column == Star:
				// SELECT * passes columns through under their own names.
				for _, c := range frontier {
					if c.Table == e.Source.Table {
						targets = append(targets, ColumnName{Table: e.Target.Table, Column: c.Column})
					}
				}
			}
			for _, t := range targets {
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
					add(u.Job, RoleInformed, hop, &ref, fmt.Sprintf("uses %s, derived from %s", ref.ColumnName, table))
				}
			}
		}
		frontier = next
	}
	slices.SortFunc(res.Derived, CompareColumns)

	// Group by owner.
	byOwner := map[string]*ColumnOwnerImpact{}
	for _, ij := range jobs {
		slices.SortFunc(ij.Uses, compareRefs)
		h := ij.Job.Owner
		oi := byOwner[h]
		if oi == nil {
			oi = &ColumnOwnerImpact{Owner: Owner{Handle: h}, Role: ij.Role, Hops: ij.Hops}
			byOwner[h] = oi
		}
		if ij.Role.rank() < oi.Role.rank() || (ij.Role == oi.Role && ij.Hops < oi.Hops) {
			oi.Role, oi.Hops = ij.Role, ij.Hops
		}
		oi.Jobs = append(oi.Jobs, *ij)
	}
	for h, oi := range byOwner {
		if h != "" {
			if info, err := g.Owner(ctx, h); err == nil {
				oi.Owner = info.Owner
			} else if ErrorCode(err) != ENOTFOUND {
				return nil, err
			}
		}
		slices.SortFunc(oi.Jobs, func(a, b ColumnImpactJob) int {
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
	slices.SortFunc(res.Owners, func(a, b ColumnOwnerImpact) int {
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
			if r.Owner != "" {
				if info, err := g.Owner(ctx, r.Owner); err == nil {
					o = info.Owner
				}
			}
			res.Spared = append(res.Spared, o)
		}
	}
	slices.SortFunc(res.Spared, func(a, b Owner) int { return strings.Compare(a.Handle, b.Handle) })
	return res, nil
}
