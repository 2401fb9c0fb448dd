package lineage_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lineagehq/lineage"
)

func ExampleErrorCode() {
	// Adapters wrap their failures with context; the code survives the chain.
	err := fmt.Errorf("sqlite: table %s: %w", "sales.orders", lineage.Errorf(lineage.ENOTFOUND, "Table %q is not in the graph.", "sales.orders"))
	fmt.Println(lineage.ErrorCode(err))
	fmt.Println(lineage.ErrorMessage(err))

	// Anything without an *Error in its chain is internal, and its text never reaches users.
	fmt.Println(lineage.ErrorCode(errors.New("disk on fire")), lineage.ErrorMessage(errors.New("disk on fire")))
	// Output:
	// not_found
	// Table "sales.orders" is not in the graph.
	// internal Internal error.
}

func TestError(t *testing.T) {
	cause := errors.New("connection refused")
	tests := []struct {
		name             string
		err              error
		code, msg, field string
		text             string
		isCause          bool
	}{
		{"Nil", nil, "", "", "", "", false},
		{"Plain", errors.New("x"), lineage.EINTERNAL, "Internal error.", "", "x", false},
		{"Field", lineage.FieldErrorf("depth", "must be between 1 and 50, got 99"), lineage.EINVALID, "depth: must be between 1 and 50, got 99", "depth", "depth: must be between 1 and 50, got 99", false},
		{"Wrapped", fmt.Errorf("neo4j: ping: %w", lineage.WrapError(lineage.EUNAVAILABLE, cause, "Neo4j cannot be reached.")), lineage.EUNAVAILABLE, "Neo4j cannot be reached.", "", "neo4j: ping: Neo4j cannot be reached.: connection refused", true},
		{"InternalHidesMessage", lineage.Errorf(lineage.EINTERNAL, "secret detail"), lineage.EINTERNAL, "Internal error.", "", "secret detail", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineage.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := lineage.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
			if got := lineage.ErrorField(tt.err); got != tt.field {
				t.Errorf("ErrorField = %q, want %q", got, tt.field)
			}
			if tt.err != nil && tt.err.Error() != tt.text {
				t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.text)
			}
			if got := errors.Is(tt.err, cause); got != tt.isCause {
				t.Errorf("errors.Is(cause) = %v, want %v", got, tt.isCause)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	long := make([]byte, lineage.MaxNameLen+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name, in string
		lower    bool
		want     string
		wantErr  bool
	}{
		{"LowerTrim", "  Sales.Orders ", true, "sales.orders", false},
		{"KeepCase", "repo/Jobs/A.sql", false, "repo/Jobs/A.sql", false},
		{"Empty", "   ", true, "", true},
		{"TooLong", string(long), true, "", true},
		{"Newline", "a\nb", true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lineage.NormalizeName("table", tt.in, tt.lower)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if lineage.ErrorCode(err) != lineage.EINVALID || lineage.ErrorField(err) != "table" {
					t.Errorf("err = %v (code %s, field %q), want EINVALID on field table", err, lineage.ErrorCode(err), lineage.ErrorField(err))
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckDepthAndLimit(t *testing.T) {
	for _, tt := range []struct {
		in, want int
		ok       bool
	}{{0, lineage.DefaultDepth, true}, {1, 1, true}, {lineage.MaxDepth, lineage.MaxDepth, true}, {-1, 0, false}, {lineage.MaxDepth + 1, 0, false}} {
		got, err := lineage.CheckDepth(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CheckDepth(%d) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && lineage.ErrorField(err) != "depth" {
			t.Errorf("CheckDepth(%d) field = %q, want depth", tt.in, lineage.ErrorField(err))
		}
	}
	for _, tt := range []struct {
		in, want int
		ok       bool
	}{{0, 7, true}, {5, 5, true}, {10, 10, true}, {11, 0, false}, {-3, 0, false}} {
		got, err := lineage.CheckLimit("first", tt.in, 7, 10)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("CheckLimit(%d) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
