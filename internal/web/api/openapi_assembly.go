package api

import (
	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
)

// assemblySchemas describe the General Assembly. They are merged into the
// document's schemas.
func assemblySchemas() obj {
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	date := obj{"type": "string", "format": "date"}
	person := object([]string{"name"}, obj{"name": str("at most 200 characters"), "title": str("at most 200 characters")})
	document := object([]string{"lang", "title", "url"}, obj{"lang": str("ISO 639-1, e.g. ar, en, es, fr"), "title": str(""), "url": str("http(s) URL")})
	candidate := obj{"type": "object", "properties": obj{"id": str(""), "country": str("ISO alpha-2"), "name": str("the person, or the city for a host"),
		"withdrawn": boolean, "withdrawn_at": dateTime, "dropped_after": obj{"type": "integer", "description": "the round after which the candidate was dropped (fewest votes)"}}}
	outcome := obj{"type": "object", "properties": obj{"method": enum([]string{"ballot", "acclamation"}), "result": enum([]string{core.ItemAdopted, core.ItemRejected, "elected"}),
		"winner": str("the candidate's id"), "round_id": str(""), "decided_at": dateTime}}
	quorum := obj{"type": "object", "properties": obj{"required": integer, "present": integer, "met": boolean}}
	tally := obj{"type": "object", "description": "computed from the board; votes cast exclude blank, invalid and abstentions", "properties": obj{
		"counts": obj{"type": "object", "additionalProperties": integer}, "blank": integer, "invalid": integer, "abstain": integer, "cast": integer, "ballots": integer,
		"rule": enum([]string{assembly.RuleSimple, assembly.RuleTwoThirds, assembly.RuleTwoThirdsOfMembers}), "outcome": enum([]string{core.ItemAdopted, core.ItemRejected, "elected", "no_decision"}),
		"winner": str("the elected candidate's id"), "dropped": list(str("candidate dropped before the next round"))}}
	return obj{
		"AssemblySessionInput": object([]string{"number", "place", "starts_on", "ends_on"}, obj{
			"number": integer, "place": str(""), "starts_on": date, "ends_on": date, "languages": list(str("ISO 639-1; default ar, en, es, fr")),
			"quorum":        obj{"type": "integer", "description": "member countries that must be present for a vote; 0: a majority of the member countries"},
			"allow_proxies": obj{"type": "boolean", "description": "whether a delegation may hold one other member's proxy (default false)"}}),
		"AssemblySession": obj{"type": "object", "properties": obj{"id": str(""), "number": integer, "place": str(""), "starts_on": date, "ends_on": date,
			"languages": list(str("")), "state": enum(core.SessionStates), "quorum": integer, "allow_proxies": boolean, "version": integer, "created_at": dateTime, "updated_at": dateTime}},
		"AssemblySessionList":  obj{"type": "object", "properties": obj{"items": list(ref("AssemblySession"))}},
		"AssemblySessionState": object([]string{"state"}, obj{"state": enum(core.SessionStates), "version": obj{"type": "integer", "description": "the version the change starts from (optional)"}}),
		"AssemblySessionView": obj{"type": "object", "properties": obj{"session": ref("AssemblySession"), "items": list(ref("AgendaItem")),
			"delegations": list(ref("Delegation")), "rounds": list(ref("Round"))}},
		"AgendaItemInput": object([]string{"kind", "title"}, obj{"kind": enum(core.ItemKinds), "title": str("at most 500 characters"), "text": str("at most 20000 characters"),
			"documents": list(document), "proposed_by": str("a member country's ISO code, or IPSG; default the caller's bureau"),
			"subject": enum(assembly.Subjects), "amends": str("an amendment's resolution id"), "position": enum(assembly.Positions), "region": enum(regionNames)}),
		"AgendaItem": obj{"type": "object", "properties": obj{"id": str(""), "session_id": str(""), "number": integer, "kind": enum(core.ItemKinds), "title": str(""),
			"text": str(""), "documents": list(document), "proposed_by": str(""), "state": str("draft, tabled, voting, adopted, rejected, candidacies, decided or noted"),
			"subject": enum(assembly.Subjects), "amends": str(""), "position": enum(assembly.Positions), "region": str(""), "term_years": integer,
			"candidates": list(candidate), "vote_requested": list(str("country that asked for a ballot")), "rounds": integer, "outcome": outcome,
			"version": integer, "created_at": dateTime, "updated_at": dateTime}},
		"DelegationInput": object([]string{"head"}, obj{"country": str("the member's ISO code; empty for an observer"), "observer": boolean,
			"organisation": str("an observer's name"), "head": person, "delegates": list(person), "advisers": list(person),
			"proxy_for": str("the member whose proxy the delegation holds, if the session allows proxies")}),
		"Delegation": obj{"type": "object", "properties": obj{"id": str(""), "session_id": str(""), "country": str(""), "observer": boolean, "organisation": str(""),
			"head": person, "delegates": list(person), "advisers": list(person), "proxy_for": str(""),
			"credentials": enum([]string{core.CredentialsPending, core.CredentialsAccepted, core.CredentialsRejected}), "credentials_reason": str(""),
			"examined_by": str(""), "examined_at": dateTime, "registered_by": str(""), "version": integer, "created_at": dateTime, "updated_at": dateTime}},
		"CredentialsDecision": object([]string{"decision"}, obj{"decision": enum([]string{"accept", "reject"}), "reason": str("required to reject")}),
		"CandidateInput":      object([]string{"country", "name"}, obj{"country": str("the candidate's member country"), "name": str("the person, or the city for a host")}),
		"AssemblyCountry":     object(nil, obj{"country": str("the country the bureau acts for (default its own)")}),
		"RoundInput":          object(nil, obj{"closes_in_minutes": obj{"type": "integer", "description": "1 to 1440, default 30; the round closes earlier once every eligible country voted"}}),
		"Round": obj{"type": "object", "properties": obj{"id": str(""), "session_id": str(""), "item_id": str(""), "number": integer,
			"kind": enum([]string{core.ItemResolution, core.ItemElection}), "state": enum([]string{core.RoundOpen, core.RoundClosed}), "question": str(""),
			"options": list(str("yes, no, abstain; or the candidates' ids")), "rule": enum([]string{assembly.RuleSimple, assembly.RuleTwoThirds, assembly.RuleTwoThirdsOfMembers}), "drop_lowest": boolean,
			"public_key": str("RSA verification key, PKIX DER, base64 (RSABSSA-SHA384-PSSZERO-Deterministic)"), "eligible": list(str("member country")),
			"tokens_issued": integer, "quorum": quorum, "opened_at": dateTime, "closes_at": dateTime, "closed_at": dateTime,
			"board_size": integer, "board_root": str("hex RFC 6962 root"), "result": tally, "version": integer}},
		"TokenRequest": object([]string{"blinded"}, obj{"country": str("the member the token votes for: your own (default) or the one whose proxy you hold"),
			"blinded": str("the blinded token (RFC 9474 Blind), base64")}),
		"TokenAnswer": obj{"type": "object", "properties": obj{"round_id": str(""), "country": str(""), "blind_signature": str("base64; unblind it (RFC 9474 Finalize)")}},
		"TokenStatus": obj{"type": "object", "properties": obj{"round_id": str(""), "country": str("your delegation's country, or the one whose proxy it holds"),
			"taken": boolean, "taken_at": dateTime}},
		"TokenStatusList": obj{"type": "object", "properties": obj{"items": list(ref("TokenStatus"))}},
		"BallotInput": object([]string{"token", "signature", "choice"}, obj{"token": str("the unblinded token, base64url"), "signature": str("its unblinded signature, base64url"),
			"choice": str("an option of the round, blank, or invalid (a spoilt ballot)")}),
		"Receipt": obj{"type": "object", "properties": obj{"round_id": str(""), "index": integer, "ballot_hash": str("hex leaf hash of the ballot"), "tree_size": integer,
			"root": str("hex root of the board of tree_size ballots"), "proof": list(str("hex RFC 6962 audit path"))}},
		"BoardEntry": obj{"type": "object", "properties": obj{"round_id": str(""), "index": integer, "token": str("base64url"), "signature": str("base64url"), "choice": str("")}},
		"Board": obj{"type": "object", "properties": obj{"format": str(assembly.BoardFormat), "round": ref("Round"), "entries": list(ref("BoardEntry")),
			"size": integer, "root": str("hex RFC 6962 root")}},
	}
}

var regionNames = []string{"Africa", "Americas", "Asia", "Europe"}
