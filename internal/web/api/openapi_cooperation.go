package api

import (
	"github.com/manara-hub/manara/internal/core"
)

// cooperationSchemas describe hits, events, webhooks and messages. They
// are merged into the document's schemas.
func cooperationSchemas() obj {
	integer := obj{"type": "integer"}
	step := obj{"type": "object", "properties": obj{"at": dateTime, "side": enum([]string{"owner", "searcher"}), "bureau": str(""), "by": str(""),
		"from": enum(core.HitStates), "to": enum(core.HitStates), "action": enum(core.HitActions), "notes": str(""),
		"via": str("federation: the peer (hub, or a node's bureau) this step arrived from; absent where it was made")}}
	hit := obj{"type": "object", "description": "restricted: the record is not releasable to you; only the reference, the owner and your own context and side are shown (no version, no owner_state)",
		"properties": obj{"id": str(""), "reference": str("HIT-…; GET /api/v1/hits/{reference} finds the hit too"), "version": integer, "withheld": obj{"type": "boolean", "description": "owner only: the searcher was not told of this hit (probing)"}, "restricted": obj{"type": "boolean"}, "message": str("possible hit — contact bureau X"),
			"owner": str("owner bureau of the record"), "searcher": str("bureau that screened"), "searched_by": str("user:… or key:…"), "type": enum([]string{"person", "document", "identifier"}),
			"query": str("the search as given"), "context": ref("ScreenContext"), "record_id": str(""), "record_kind": enum(core.Kinds), "country": str("the record subject's country"),
			"query_fields": list(ref("QueryField")), "label_parts": ref("Label"), "explained": ref("Explanation"),
			"matched_written": str("the spelling, document number or identifier matched, as the record writes it"),
			"label":           str("the record in English (label_parts: as data)"), "score": obj{"type": "number"}, "matched": str(""), "explanation": list(str("why it scored what it scored, in English (explained: as data)")), "count": obj{"type": "integer", "description": "sightings folded into this hit"},
			"first_seen": dateTime, "last_seen": dateTime, "owner_state": enum(core.HitStates), "searcher_state": enum(core.HitStates), "history": list(step)}}
	counts := obj{"type": "object", "additionalProperties": integer}
	webhook := obj{"type": "object", "properties": obj{"id": str(""), "bureau": str(""), "url": str(""), "events": list(str("event type, family (hit.*) or *")),
		"created_by": str(""), "created_at": dateTime, "from_seq": obj{"type": "integer", "description": "events after this sequence number are delivered"},
		"previous_secret_until": obj{"type": "string", "format": "date-time", "description": "after a rotation: until then every delivery is signed with the previous secret too (a second v1)"},
		"failing_since":         obj{"type": "string", "format": "date-time", "description": "since when every delivery has failed (absent while they succeed)"},
		"disabled_at":           obj{"type": "string", "format": "date-time", "description": "when the dispatcher stopped delivering, its deliveries having failed for 3 days; POST …/enable delivers again"},
		"disabled_reason":       str("why it was disabled: since when it failed and the last error")}}
	delivery := obj{"type": "object", "properties": obj{"id": str("also sent as X-Manara-Delivery: deduplicate on it"), "webhook_id": str(""), "bureau": str(""),
		"event_seq": integer, "event_type": str(""), "status": enum([]string{core.DeliveryPending, core.DeliveryDelivered, core.DeliveryDead, core.DeliveryWithheld}),
		"attempts": integer, "last_error": str("why the last attempt failed"), "last_status": integer, "created_at": dateTime, "deadline": dateTime,
		"next_attempt": dateTime, "delivered_at": dateTime}}
	reads := obj{"type": "object", "additionalProperties": obj{"type": "object", "properties": obj{"through": integer, "at": dateTime, "by": str("")}}}
	thread := obj{"type": "object", "properties": obj{"id": str(""), "subject": str(""), "hit_id": str(""), "record_id": str(""), "participants": list(str("bureau")),
		"created_by": str(""), "bureau": str("the bureau that opened it"), "created_at": dateTime, "updated_at": dateTime, "messages": integer, "reads": reads}}
	attachment := obj{"type": "object", "properties": obj{"name": str(""), "content_type": str("sniffed from the bytes"), "size": integer, "data": str("base64")}}
	message := obj{"type": "object", "properties": obj{"id": str(""), "thread_id": str(""), "number": integer, "bureau": str(""), "author": str(""),
		"type": enum(core.MessageTypes), "body": str(""), "attachments": list(attachment), "at": dateTime}}
	threadView := obj{"type": "object", "properties": obj{"items": list(ref("Message")),
		"next_before": obj{"type": "integer", "description": "set while older messages remain: pass as before for the page of them"}}}
	for k, v := range thread["properties"].(obj) {
		threadView["properties"].(obj)[k] = v
	}
	post := object([]string{"type", "body"}, obj{"type": enum(core.MessageTypes), "body": str("at most 20000 characters"),
		"attachments": list(object([]string{"name", "data"}, obj{"name": str("file name"), "data": str("base64, at most 196608 bytes")}))})
	return obj{
		"Hit": obj{"type": "object", "properties": obj{"score": obj{"type": "number"}, "restricted": obj{"type": "boolean", "description": "true: the record is not releasable to you; contact the owner bureau with the reference"},
			"owner": str("owner bureau"), "reference": str("the hit record's reference (a REF-… of its own where the match made no hit record): quote it to the owner; different for every query"), "message": str("possible hit — contact bureau X"), "record_id": str(""), "kind": str(""), "label": str(""),
			"matched": str("the indexed spelling that matched"), "matched_written": str("the spelling, document number or identifier matched, as the record writes it"),
			"date_of_birth": str("the matched person's (a document's or identifier's holder's) date of birth: YYYY-MM-DD, YYYY or YYYY..YYYY"),
			"nationalities": list(str("ISO 3166 alpha-2")), "explanation": list(str("why it scored what it scored, one English line each (explained: the same as data)")),
			"label_parts": ref("Label"), "explained": ref("Explanation"),
			"hit_id": str("the hit record this match made (at or above the alert threshold): GET /api/v1/hits/{id}")}},
		"HitRecord": hit,
		"Label": obj{"type": "object", "description": "the record a hit found, as data (label is this in English); which fields are set depends on kind",
			"properties": obj{"kind": enum(core.Kinds), "notice_type": str("a notice's type: red, yellow…"), "reference": str("a notice's reference"),
				"name": str("the subject's first spelling, as the record writes it"), "document_type": str("a travel document's type as the record writes it"),
				"number": str("a document's number, a vehicle's VIN or plate, an asset's or indicator's value"), "country": str("a document's issuing country"),
				"make": str("a vehicle's make"), "asset_type": str("an asset's type, when it has no value")}},
		"Explanation": obj{"type": "object", "description": "why a hit scored what it scored, as data: the name's parts, then the other reasons (explanation is this in English, one line each, in the same order)",
			"properties": obj{"parts": list(ref("ScorePart")), "reasons": list(ref("ScoreReason"))}},
		"ScorePart": obj{"type": "object", "description": "one part of a name's score", "properties": obj{
			"query": str("the query's part (empty: none)"), "matched": str("the record's part it was aligned with (empty: none)"),
			"score": obj{"type": "number", "description": "their similarity, 0..1"}, "weight": obj{"type": "number", "description": "how much the part counts (rarer names count more)"},
			"note": enum([]string{core.PartMatch, core.PartTypo, core.PartConflict, core.PartMissing, core.PartUnread})}},
		"ScoreReason": obj{"type": "object", "description": "what else moved the score, or why an exact key matched; params by code: spelling {name, similarity, factor}; dob_agrees (+0.02), dob_close (×0.95), dob_differs (×0.80) and sex_differs (×0.90) {query, record}; nationality_agrees {nationality}; nationality_differs {nationality, record} (no penalty); document_exact {number, country, type}; identifier_exact {type, value}",
			"properties": obj{"code": enum([]string{core.ReasonSpelling, core.ReasonDOBAgrees, core.ReasonDOBClose, core.ReasonDOBDiffers, core.ReasonSexDiffers,
				core.ReasonNationalityAgrees, core.ReasonNationalityDiffers, core.ReasonDocumentExact, core.ReasonIdentifierExact}),
				"params": obj{"type": "object", "additionalProperties": obj{"type": "string"}}}},
		"QueryField": obj{"type": "object", "description": "one field of the screening's query as the searcher gave it (query is the whole in English)", "properties": obj{
			"field": enum([]string{core.QueryName, core.QueryDateOfBirth, core.QuerySex, core.QueryNationality, core.QueryDocumentType, core.QueryCountry, core.QueryNumber, core.QueryMRZ, core.QueryIdentifierType, core.QueryValue}),
			"value": str("as given (mrz: none, the zone is not kept)")}},
		"HitPage": obj{"type": "object", "properties": obj{"items": list(ref("HitRecord")), "next_cursor": str("pass as cursor for the next page")}},
		"HitChange": object(nil, obj{"state": enum([]string{core.HitBeingChecked, core.HitConfirmed, core.HitFalsePositive, core.HitActionTaken}),
			"action": enum(core.HitActions), "notes": str("at most 2000 characters"), "version": obj{"type": "integer", "description": "if set, the hit's current version"}}),
		"HitStats": obj{"type": "object", "properties": obj{"from": dateTime, "to": dateTime, "bucket": enum([]string{"hour", "day", "week", "month"}),
			"hits": integer, "sightings": integer, "as_owner": integer, "as_searcher": integer, "by_type": counts, "by_country": counts, "by_outcome": counts, "by_action": counts,
			"over_time": list(obj{"type": "object", "properties": obj{"start": dateTime, "hits": integer}}), "truncated": obj{"type": "boolean"}}},
		"Event": obj{"type": "object", "description": "each SSE message: id = seq, event = type, data = this object", "properties": obj{
			"seq": integer, "at": dateTime, "type": str("hit.created, hit.repeated, hit.updated, hit.probing (owner only), message.posted, notice.*"), "subject": str("id of the hit, thread or notice (hit.probing: the record)"),
			"record_id": str("set when the event is about a record you may see"), "data": obj{"type": "object"}}},
		"Webhook":        webhook,
		"WebhookList":    obj{"type": "object", "properties": obj{"items": list(ref("Webhook"))}},
		"NewWebhook":     object([]string{"url", "events"}, obj{"url": str("http(s) URL on the administrator's allow list"), "events": list(str("hit.created, hit.*, message.posted, * …"))}),
		"CreatedWebhook": obj{"type": "object", "properties": obj{"webhook": ref("Webhook"), "secret": str("signing secret, shown once"), "note": str("")}},
		"Delivery":       delivery,
		"DeliveryList":   obj{"type": "object", "properties": obj{"items": list(ref("Delivery"))}},
		"Thread":         thread,
		"ThreadList":     obj{"type": "object", "properties": obj{"items": list(ref("Thread"))}},
		"ThreadView":     threadView,
		"Message":        message,
		"MessagePost":    post,
		"NewThread": object([]string{"subject", "message"}, obj{"subject": str(""), "hit_id": str("attach to a hit: participants are its two sides"),
			"record_id": str("attach to a record (a notice): every participant must be able to see it"), "participants": list(str("bureaus besides yours")), "message": ref("MessagePost")}),
	}
}
