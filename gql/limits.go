package gql

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lineagehq/lineage"
	"github.com/lineagehq/lineage/gql/generated"
)

// Complexity weights. gqlgen counts each field as 1 plus its selection; a
// list that reads from the store per item counts listFactor times its
// selection, so nesting such lists grows the cost geometrically. A walk
// costs walkCost on top, plus one point per visitsPerPoint nodes it may
// visit (depth × limit; an impact counts lineage.MaxNodes as its limit):
// the default walk (depth 3, limit 500) adds 1, the largest (depth 50,
// limit 100,000) 2,500, so a request holds at most one of those, and 230
// aliased ones, which once scored 4,830 at a flat 20 each, score 580,000.
const (
	listFactor     = 10
	walkCost       = 20
	visitsPerPoint = 2000
)

// walkComplexity is the complexity of a walk with the given arguments (nil
// for the schema default) and selection cost child.
func walkComplexity(child int, depth, limit *int, defLimit int) int {
	d, n := lineage.DefaultDepth, defLimit
	if depth != nil && *depth > 0 {
		d = min(*depth, lineage.MaxDepth)
	}
	if limit != nil && *limit > 0 {
		n = min(*limit, lineage.MaxNodes)
	}
	v := visits(d, n)
	return walkCost + child + (v+visitsPerPoint-1)/visitsPerPoint
}

func setComplexity(c *generated.ComplexityRoot) {
	list := func(child int) int { return 1 + listFactor*child }
	c.Table.Readers = list
	c.Table.Writers = list
	c.Table.Owners = list
	c.Job.Reads = list
	c.Job.Writes = list
	c.Owner.Jobs = list
	c.SearchConnection.Nodes = list
	c.Campaign.Events = list

	walk := func(child int, depth, limit *int) int {
		return walkComplexity(child, depth, limit, lineage.DefaultNodes)
	}
	c.Table.Upstream = walk
	c.Table.Downstream = walk
	c.Query.Lineage = func(child int, _ string, _ *lineage.Direction, depth, limit *int) int {
		return walkComplexity(child, depth, limit, lineage.DefaultNodes)
	}
	c.Query.Impact = func(child int, _ string, depth *int, _ []string) int {
		return walkComplexity(child, depth, nil, lineage.MaxNodes)
	}
	c.Query.ColumnLineage = func(child int, _, _ string, _ *lineage.Direction, depth, limit *int) int {
		return walkComplexity(child, depth, limit, lineage.DefaultNodes)
	}
	c.Table.Columns = list
}

// depthLimit refuses operations whose selections nest deeper than max,
// counting through fragments. Introspection (__schema, __type) is not
// counted: GraphiQL's own schema query nests deeply and reads no data.
type depthLimit struct {
	max int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string { return "DepthLimit" }

func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, d.max); depth > d.max {
		return &gqlerror.Error{
			Message:    "The query nests deeper than the limit of " + strconv.Itoa(d.max) + " levels; ask for less at once.",
			Extensions: map[string]any{"code": CodeDepthLimit},
		}
	}
	return nil
}

// selectionDepth returns the depth of set below a field at depth, stopping
// once it exceeds max (so that cyclic fragments, which validation rejects
// anyway, cannot loop).
func selectionDepth(set ast.SelectionSet, depth, max int) int {
	if depth > max {
		return depth
	}
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = depth + 1
			if len(s.SelectionSet) > 0 {
				d = selectionDepth(s.SelectionSet, depth+1, max)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, max)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, depth, max)
			}
		}
		if d > deepest {
			deepest = d
		}
	}
	return deepest
}
