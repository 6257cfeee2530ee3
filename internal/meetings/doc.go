// Package meetings owns bilateral meetings at gatherings (a General
// Assembly session or any conference): the gathering's days, slots,
// venues, rooms, interpreters and the host's agenda; delegations'
// meeting requests and the other party's answer (accept, decline,
// propose other times); the scheduler that places accepted requests and
// re-plans incrementally; each delegation's schedule and its iCalendar
// export; and the host's grid of rooms × slots.
//
// Every operation asks access (MeetingAccess) before it returns or changes
// anything, and appends to the audit chain and to the event stream (to the
// two parties only) in the same transaction as the change: writes are
// all-or-nothing. It knows nothing of HTTP, must not decide who sees what
// itself (access does), and touches no record, notice or screening data:
// a meeting request is not a police record and never enters the
// screening index.
package meetings
