package model

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/lineagehq/lineage"
)

// Node is a table, a job or an owner: lineage.Table, lineage.Job or
// lineage.Owner (values or pointers). It is the Go side of the GraphQL union
// Node, which gqlgen dispatches by type switch; the root types cannot carry
// the marker method a generated interface would need.
type Node any

// MarshalTime writes t in RFC 3339 with nanoseconds, and the zero time as
// null: the domain uses the zero time for "none" (no deadline).
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 string; null and "" give the zero time.
// Anything else is EINVALID, so the caller learns what to send.
func UnmarshalTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case string:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, lineage.Errorf(lineage.EINVALID, "Time must be RFC 3339, such as 2026-03-01T00:00:00Z; got %q.", v)
		}
		return t, nil
	default:
		return time.Time{}, lineage.Errorf(lineage.EINVALID, "Time must be an RFC 3339 string, such as \"2026-03-01T00:00:00Z\"; got %T.", v)
	}
}

// MarshalVars writes script variables as a JSON object.
func MarshalVars(m map[string]string) graphql.Marshaler {
	if m == nil {
		return graphql.Null
	}
	return graphql.MarshalMap(toAny(m))
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// MaxVars bounds the number of script variables in one request.
const MaxVars = 256

// UnmarshalVars reads script variables from a JSON object whose values are
// strings; numbers and booleans are accepted and written as JSON writes them.
func UnmarshalVars(v any) (map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	in, ok := v.(map[string]any)
	if !ok {
		return nil, lineage.FieldErrorf("vars", "must be an object of strings, such as {\"env\": \"prod\"}; got %T", v)
	}
	if len(in) > MaxVars {
		return nil, lineage.FieldErrorf("vars", "has %d entries; the limit is %d", len(in), MaxVars)
	}
	out := make(map[string]string, len(in))
	for k, val := range in {
		switch val := val.(type) {
		case string:
			out[k] = val
		case bool, int, int64, float64:
			out[k] = fmt.Sprint(val)
		default:
			if n, ok := val.(interface{ String() string }); ok { // json.Number
				out[k] = n.String()
				continue
			}
			return nil, lineage.FieldErrorf("vars."+k, "must be a string, got %T", val)
		}
	}
	return out, nil
}
