package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lineagehq/lineage"
)

// TestTranslate checks the error translation at the store's boundary
// without a server: each driver error becomes the application code callers
// rely on, and the cause stays in the chain.
func TestTranslate(t *testing.T) {
	deadlock := &driver.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"Nil", nil, ""},
		{"Connectivity", &driver.ConnectivityError{Inner: syscall.ECONNREFUSED}, lineage.EUNAVAILABLE},
		{"RetriesExhausted", &driver.TransactionExecutionLimit{Cause: "timeout", Errors: []error{&driver.ConnectivityError{Inner: io.EOF}}}, lineage.EUNAVAILABLE},
		{"Transient", deadlock, lineage.EUNAVAILABLE},
		{"DatabaseUnavailable", &driver.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, lineage.EUNAVAILABLE},
		{"Unauthorized", &driver.Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, lineage.EUNAVAILABLE},
		{"NoDatabase", &driver.Neo4jError{Code: "Neo.ClientError.Database.DatabaseNotFound"}, lineage.EUNAVAILABLE},
		{"Constraint", &driver.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed"}, lineage.ECONFLICT},
		{"Syntax", &driver.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, lineage.EINTERNAL},
		{"Deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), lineage.EUNAVAILABLE},
		{"Cancelled", context.Canceled, lineage.EUNAVAILABLE},
		{"EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), lineage.EUNAVAILABLE},
		{"AppErrorPasses", lineage.Errorf(lineage.ENOTFOUND, "Job %q not found.", "x"), lineage.ENOTFOUND},
		{"Other", errors.New("boom"), lineage.EINTERNAL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := translate("op", c.err)
			if code := lineage.ErrorCode(got); code != c.code {
				t.Errorf("translate(%v) = %v (code %q), want code %q", c.err, got, code, c.code)
			}
			if c.err != nil && !errors.Is(got, c.err) {
				t.Errorf("translate(%v) = %v lost the cause", c.err, got)
			}
		})
	}
}

func TestContended(t *testing.T) {
	deadlock := &driver.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"Deadlock", deadlock, true},
		{"DeadlockAfterRetries", &driver.TransactionExecutionLimit{Errors: []error{deadlock}}, true},
		{"ServerDown", &driver.TransactionExecutionLimit{Errors: []error{&driver.ConnectivityError{Inner: io.EOF}}}, false},
		{"Syntax", &driver.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, false},
	}
	for _, c := range cases {
		if got := contended(c.err); got != c.want {
			t.Errorf("%s: contended(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
