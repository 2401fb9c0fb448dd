package lineage

import (
	"errors"
	"fmt"
)

// Application error codes. Every error that crosses a package boundary either
// carries one of these (through an *Error somewhere in its chain) or counts as
// EINTERNAL.
const (
	ECONFLICT     = "conflict"     // the object exists already, or changed under us
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, not shown
	EINVALID      = "invalid"      // the caller's input is wrong; the message says what and where
	ENOTFOUND     = "not_found"    // the named object does not exist
	EUNAUTHORIZED = "unauthorized" // a token is missing or not allowed to do this
	EUNAVAILABLE  = "unavailable"  // a dependency (Neo4j, Jira) cannot be reached now; retry later
)

// Error is the application error. Its Message is safe to show to users; the
// wrapped Err, if any, is for logs.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is a sentence for users: what is wrong and, where it helps, how to fix it.
	Message string
	// Field names the input field at fault, if any (for example "depth" or "events[0].job.name").
	Field string
	// Err is the underlying cause, kept for errors.Is/As and logs.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		if msg == "" {
			return e.Err.Error()
		}
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID *Error naming the input field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message that keeps err as its cause.
func WrapError(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil,
// and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain (with its field, if any), "" for nil, and a generic sentence for any
// other error so that internals never reach users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Code == EINTERNAL {
			return "Internal error."
		}
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by the first *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
