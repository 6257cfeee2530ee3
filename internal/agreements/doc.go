// Package agreements owns the registry of agreements between bureaus,
// national agencies and international organisations: memoranda of
// understanding and other kinds, their parties, subject areas (a fixed
// vocabulary the catalogs translate), titles in several languages, the
// dates signed, in force and of expiry, their status and its history
// (expired is derived from the date, never recorded), the gathering and
// meeting where one was signed, and their documents in several languages.
//
// Every operation asks access (CanSeeAgreement, CanChangeAgreement) before
// it returns or changes anything. Writes append to the audit chain and
// the event stream in the same transaction as the change, and so does
// every read of an agreement not public to all bureaus (a parties-only
// one, or a draft): nothing is disclosed unaccounted for. It knows nothing
// of HTTP, decides nobody's access itself, and touches no record, notice
// or screening data: an agreement is not a police record and never enters
// the screening index. It reads gatherings and meeting requests only to
// check a reference to them, through access.Meeting.
package agreements
