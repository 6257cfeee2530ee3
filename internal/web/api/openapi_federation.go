package api

import (
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
)

// federationSchemas describe the federation routes. They are merged into
// the document's schemas.
func federationSchemas() obj {
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	rel := obj{"type": "object", "properties": obj{"mode": enum([]string{core.ReleaseAll, core.ReleaseOnly, core.ReleaseExcept}), "countries": list(str("ISO alpha-2"))}}
	refusal := obj{"type": "object", "properties": obj{"id": str(""), "peer": str(""), "direction": enum([]string{"in", "out"}), "message_id": str(""),
		"type": str(""), "reason": str(""), "at": dateTime}}
	peer := obj{"type": "object", "properties": obj{"id": str("a node's bureau, or hub"), "role": enum([]string{core.FedRoleHub, core.FedRoleNode}),
		"bureau": str(""), "public_key": str("ed25519:base64"), "url": str(""), "state": enum([]string{core.PeerActive, core.PeerRevoked}),
		"offers_screening": boolean, "enrolled_at": dateTime, "last_contact": dateTime, "recv_seq": integer, "revoked_at": dateTime,
		"revoked_keys": list(str("ed25519:base64 of a key revoked: never taken back at enrolment")), "version": integer}}
	peerState := obj{"allOf": []any{peer, obj{"type": "object", "properties": obj{"pending": integer, "oldest_pending_since": dateTime, "refused": integer, "failed": integer, "last_error": str("why the oldest message waiting was not delivered yet"),
		"last_seq": integer, "lag_seconds": obj{"type": "number"}, "recent_refusals": list(refusal)}}}}
	return obj{
		"FederationTokenInput": object([]string{"bureau"}, obj{"bureau": str("the member country whose node will enrol"),
			"ttl_hours": obj{"type": "integer", "description": "1 to 720; default 24"},
			"url":       str("the node's base URL, http(s)://host[:port][/path]: the only one it may enrol with (unset: the node says where the hub delivers)")}),
		"FederationToken": obj{"type": "object", "properties": obj{"token": str("shown once: give it to the node's operator (manara serve --role node --enrol-token)"),
			"id": str(""), "bureau": str(""), "url": str("the only base URL the node may enrol with, when the token names one"), "created_at": dateTime, "expires_at": dateTime}},
		"FederationEnrolInput": object([]string{"token", "bureau", "public_key", "url"}, obj{"token": str("the one-time enrolment token"),
			"bureau": str("the node's bureau: must be the one the token was issued for"), "public_key": str("ed25519:base64 of the node's identity key"),
			"url": str("the node's base URL, http(s)://host[:port][/path], where the hub delivers: no user, query or fragment; the token's URL when it names one (403 otherwise)"), "offers_screening": boolean,
			"recv_seq": obj{"type": "integer", "description": "the last of the hub's messages the node applied (0 for a new node); a node behind what the hub delivered to it is refused (409: it lost its store)"},
			"sent_seq": obj{"type": "integer", "description": "the last message the node queued for the hub (0 for a new node); a node behind what the hub applied from it is refused (409)"}}),
		"FederationEnrolAnswer": obj{"type": "object", "properties": obj{"hub": str("hub"), "public_key": str("ed25519:base64 of the hub's identity key")}},
		"FederationEnvelope": object([]string{"bundle", "signature"}, obj{
			"bundle": obj{"type": "object", "description": "canonical JSON (keys sorted); always carries origin, to, message_id, seq, type, object_id, object_version, owner, releasability, caveats, created_at, payload; at most " + "2 MiB" + " bytes in all",
				"properties": obj{"protocol": integer, "origin": str(""), "to": str(""), "message_id": str(""), "seq": integer,
					"type":      enum([]string{federation.TypeNoticePut, federation.TypeNoticeWithdraw, federation.TypeNoticeRequest, federation.TypeNoticeCancel, federation.TypeReceipt, federation.TypeBatchReceipt, federation.TypeHitReport}),
					"object_id": str(""), "object_version": integer, "owner": str(""), "releasability": rel, "caveats": list(str("")), "caveat_text": str(""),
					"created_at": dateTime, "payload": obj{"type": "object"}}},
			"signature": str("base64 Ed25519 over the canonical bundle bytes, by the origin's enrolled key")}),
		"FederationBatch": object([]string{"envelopes"}, obj{"envelopes": obj{"type": "array", "minItems": 1, "maxItems": federation.MaxBatchMessages,
			"description": "envelopes of one origin, in sequence order, each {bundle, signature} as for one message", "items": ref("FederationEnvelope")}}),
		"FederationRemoteAnswer": obj{"type": "object", "description": "federation only (serve --role): one node's hit/no-hit answer; a node that did not answer in time is not_checked, never no_hit",
			"properties": obj{"node": str("the node (its bureau) or hub"), "outcome": enum([]string{federation.RemoteHit, federation.RemoteNoHit, federation.RemoteNotChecked}),
				"hits":   list(obj{"type": "object", "properties": obj{"reference": str("the hit's reference, to quote to the owner"), "contact_bureau": str("the owner bureau to contact")}}),
				"reason": str("why not checked")}},
		"FederationPeer":        peer,
		"FederationPeerList":    obj{"type": "object", "properties": obj{"role": str(""), "self": str(""), "public_key": str(""), "items": list(peerState), "count": integer}},
		"FederationVerifyInput": obj{"type": "object", "properties": obj{"skew_seconds": obj{"type": "integer", "description": "0 to 3600 (default 5): messages exchanged less than this before the peer made its checkpoint need not be in it"}}},
		"FederationVerification": obj{"type": "object", "properties": obj{"peer": str(""), "ok": boolean, "problems": list(str("a discrepancy: an entry not in the checkpoint, a message missing or with another outcome, a log truncated, rewritten or forked")),
			"checkpoint": obj{"type": "object", "description": "the peer's checkpoint held here (the signed note, its size and root)"}, "current_size": integer,
			"entries_proven": integer, "sent_checked": integer, "received_checked": integer}},
		"FederationRetryInput": obj{"type": "object", "properties": obj{"message_id": str("only this failed message (default: every failed message to the peer)")}},
		"FederationRetryAnswer": obj{"type": "object", "properties": obj{"count": integer, "items": list(obj{"type": "object", "properties": obj{
			"message_id": str(""), "seq": integer, "type": str(""), "outcome": enum([]string{federation.RetryQueued, federation.RetryRequeued, federation.RetrySuperseded}),
			"new_message_id": str("the message sealed anew (requeued)"), "new_seq": integer, "reason": str("why it was superseded")}})}},
		"FederationRevokeInput": object([]string{"reason"}, obj{"reason": str("why the key is no longer trusted (at most 500 bytes)")}),
	}
}
