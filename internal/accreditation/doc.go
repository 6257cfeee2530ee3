// Package accreditation owns the security screening of a gathering's
// participants (attendees): the host's security unit imports the
// accreditation list (CSV or JSON, all or nothing), every attendee is
// screened in batch through the same screening path as a person at a
// border (the screening index, the access decision, hit records its
// owners hear of), and, until the gathering ends, continuous screening
// re-checks the attendees a published notice, a changed record or a
// document reported stolen could concern, and alerts the unit (an event
// on the stream, so SSE and webhooks carry it, and the queue). The unit
// clears, confirms or escalates, each decision audited with its reason.
//
// It knows nothing of HTTP: screening is asked of a Screener (the API
// server's screening path), access of the access package.
package accreditation
