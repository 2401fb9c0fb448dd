package gql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lineagehq/lineage"
)

// GraphQL error codes, sent in extensions.code. The first six translate the
// domain's codes; the last three are for queries refused before they run.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeConflict        = "CONFLICT"
	CodeUnavailable     = "UNAVAILABLE"
	CodeInternal        = "INTERNAL"

	CodeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	CodeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED" // set by gqlgen's extension.ComplexityLimit
	CodeTooLarge        = "REQUEST_TOO_LARGE"
	CodeBadRequest      = "BAD_REQUEST"       // the HTTP request itself is malformed (not JSON, unreadable)
	CodeTooManyRequests = "TOO_MANY_REQUESTS" // a walk refused because its client runs too many at once
)

// internalMessage is all users learn about an internal error; the chain goes
// to the log.
const internalMessage = "Internal error."

// codes maps domain error codes to GraphQL ones.
var codes = map[string]string{
	lineage.EINVALID:      CodeBadUserInput,
	lineage.ENOTFOUND:     CodeNotFound,
	lineage.EUNAUTHORIZED: CodeUnauthenticated,
	lineage.ECONFLICT:     CodeConflict,
	lineage.EUNAVAILABLE:  CodeUnavailable,
	lineage.EINTERNAL:     CodeInternal,
}

// presenter turns resolver errors into GraphQL errors (STYLE §4). It starts
// from gqlgen's default, which adds the path, then:
//
//   - a domain error (an *lineage.Error in the chain) gets its code in
//     extensions.code, its safe message, and extensions.field if it names one;
//   - an error gqlgen made itself (parse, validation, complexity) keeps its
//     message and code;
//   - anything else is internal: the whole chain is logged here, once, and
//     the user sees only "Internal error.".
//
// Errors the request's own deadline or cancellation caused are UNAVAILABLE
// (the store did not answer in time) and are not logged as internal.
type presenter struct {
	logger *slog.Logger
}

func (p presenter) present(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	// Build a fresh error rather than editing gerr: gqlgen may hand the same
	// *gqlerror.Error to the presenter more than once.
	out := &gqlerror.Error{
		Message:   gerr.Message,
		Path:      gerr.Path,
		Locations: gerr.Locations,
		Rule:      gerr.Rule,
	}
	ext := make(map[string]any, len(gerr.Extensions)+2)
	for k, v := range gerr.Extensions {
		ext[k] = v
	}
	out.Extensions = ext

	var le *lineage.Error
	var busy *busyError
	switch {
	case errors.As(err, &busy):
		ext["code"] = CodeTooManyRequests
		out.Message = busy.msg
	case errors.As(err, &le):
		code := lineage.ErrorCode(err)
		ext["code"] = codes[code]
		out.Message = lineage.ErrorMessage(err)
		if f := lineage.ErrorField(err); f != "" {
			ext["field"] = f
		}
		addPosition(err, ext)
		if code == lineage.EINTERNAL {
			p.logInternal(ctx, out, err)
		}
	case errors.Is(err, context.DeadlineExceeded):
		ext["code"] = CodeUnavailable
		out.Message = "The request took longer than the server allows; ask for less (smaller depth or limit) or retry later."
	case errors.Is(err, context.Canceled):
		ext["code"] = CodeUnavailable
		out.Message = "The request was cancelled."
	case gerr.Err == nil:
		// Made by gqlgen from a message of its own: safe to show. Without
		// a code and a path it is about the request (a body that is not
		// JSON); with a path, a field broke the schema's promises: a bug.
		if _, ok := ext["code"]; !ok {
			if len(gerr.Path) == 0 {
				ext["code"] = CodeBadRequest
			} else {
				ext["code"] = CodeInternal
				p.logInternal(ctx, out, err)
			}
		}
	default:
		ext["code"] = CodeInternal
		out.Message = internalMessage
		p.logInternal(ctx, out, err)
	}
	return out
}

func (p presenter) logInternal(ctx context.Context, gerr *gqlerror.Error, err error) {
	attrs := []any{"path", gerr.Path.String(), "err", err.Error()}
	var pe *panicError
	if errors.As(err, &pe) {
		attrs = append(attrs, "stack", string(pe.stack))
	}
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.OperationName != "" {
			attrs = append(attrs, "operation", oc.OperationName)
		}
	}
	p.logger.ErrorContext(ctx, "graphql: internal error", attrs...)
}

// panicError carries a recovered panic to the presenter, which logs it with
// its stack; the user sees "Internal error." like any internal error.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// recoverPanic is the gqlgen recover func: it does not log (the presenter
// does, once) but keeps the stack for the log.
func recoverPanic(ctx context.Context, v any) error {
	return &lineage.Error{Code: lineage.EINTERNAL, Message: internalMessage, Err: &panicError{value: v, stack: debug.Stack()}}
}
