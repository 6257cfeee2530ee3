package api

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// intParam reads the whole-number query parameter name: def when it is
// absent, else a number from lo to hi; anything else adds a precise field
// error to fs (and gives def), so that a list never quietly answers
// another question than the one asked.
func intParam(q url.Values, name string, def, lo, hi int, fs *[]core.FieldError) int {
	x := q.Get(name)
	if x == "" {
		return def
	}
	n, err := strconv.Atoi(x)
	if err != nil || n < lo || n > hi {
		reason := fmt.Sprintf("must be a whole number from %d to %d", lo, hi)
		if hi == noMax {
			reason = fmt.Sprintf("must be a whole number from %d", lo)
		}
		*fs = append(*fs, core.FieldError{Field: name, Reason: reason})
		return def
	}
	return n
}

// periodOrder adds to fs the error of a period whose end, to (excluded),
// is not after its start, from, when both are given: nothing of what
// lists take can fall in it, and an empty page would answer as if there
// were none. what names the items ("hits", "notices") for the reason.
func periodOrder(from, to time.Time, what string, fs *[]core.FieldError) {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		*fs = append(*fs, core.FieldError{Field: "to", Code: "period_order",
			Reason: "must be after from: to is excluded, so for the " + what + " of one day give to as the next day"})
	}
}

// noMax is intParam's hi where the service behind the list sets the most
// (and audits its refusal).
const noMax = math.MaxInt

// maxPage is the most items a list's page may ask for, where the list
// says no other.
const maxPage = 500

// invalid is the refusal of the fields in fs, or nil when there are none.
func invalid(fs []core.FieldError) error {
	if len(fs) == 0 {
		return nil
	}
	return core.Invalid(fs...)
}
