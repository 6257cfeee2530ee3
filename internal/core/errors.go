package core

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, mapped to HTTP statuses in one place (the api package).
const (
	EINVALID      = "invalid"      // bad input: 400/422
	EUNAUTHORIZED = "unauthorized" // no or bad credentials: 401
	// ESECONDFACTOR: the password was right, and the account's second
	// factor is missing from the request: 401. Told only after a right
	// password, so it says nothing about a wrong one.
	ESECONDFACTOR = "second_factor_required"
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed: 403
	ENOTFOUND     = "not_found"    // 404; also what a hidden record looks like
	ECONFLICT     = "conflict"     // stale version or duplicate: 409
	ETOOLARGE     = "too_large"    // 413
	ERATELIMIT    = "rate_limited" // 429
	EUNAVAILABLE  = "unavailable"  // 503
	EINTERNAL     = "internal"     // 500
)

// FieldError names one field of the input and why it was refused.
// Reason is English, for developers and the API. Code, when set, names
// the reason for people: an interface shows its catalog's "reason.<Code>"
// in the user's language, filled with Params (the reason's numbers and
// words, in order). The API never shows Code or Params.
type FieldError struct {
	Field  string   `json:"field"`
	Reason string   `json:"reason"`
	Code   string   `json:"-"`
	Params []string `json:"-"`
}

// Error is an application error with a code, a message safe to show the
// caller, and optionally the fields that were wrong.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter, on ERATELIMIT, is how long the caller should wait (sent
	// as the Retry-After header); zero when unknown.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Reason)
	}
	return e.Code + ": " + e.Message
}

// Errorf builds an Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error from field errors.
func Invalid(fields ...FieldError) *Error {
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Reason
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error, or a generic
// one: internal details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
