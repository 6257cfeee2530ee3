package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
)

// The OpenAPI document is built from the route table, so a route cannot
// exist without being described. Schemas are written here by hand.

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func enum(vals []string) obj { return obj{"type": "string", "enum": vals} }

func list(items obj) obj { return obj{"type": "array", "items": items} }

func object(required []string, props obj) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var dateTime = obj{"type": "string", "format": "date-time"}

func schemas() obj {
	releasability := object([]string{"mode"}, obj{
		"mode":      enum([]string{core.ReleaseAll, core.ReleaseOnly, core.ReleaseExcept}),
		"countries": list(str("ISO 3166 alpha-2 or alpha-3 code of a member country")),
	})
	record := obj{"type": "object", "properties": obj{
		"id": str("UUIDv7"), "kind": enum(core.Kinds), "owner": str("owner bureau, ISO alpha-2"),
		"status":  enum([]string{core.StatusActive, core.StatusExpired, core.StatusCancelled, core.StatusPending}),
		"version": obj{"type": "integer"}, "releasability": ref("Releasability"), "caveats": list(enum(core.Caveats)),
		"caveat_text": str("free-text handling caveat"), "review_date": dateTime, "retain_until": dateTime,
		"data": obj{"type": "object", "description": "the kind's body"}, "created_at": dateTime, "created_by": str(""),
		"updated_at": dateTime, "updated_by": str(""), "status_reason": str("why it was cancelled, expired or extended"),
		"flags": list(enum([]string{"review_due"})),
	}}
	audit := obj{"type": "object", "properties": obj{
		"seq": obj{"type": "integer"}, "at": dateTime, "actor_type": enum([]string{"user", "key", "system", "anonymous"}),
		"actor_id": str(""), "bureau": str(""), "action": str("e.g. record.read"), "record_ids": list(str("")),
		"query": str("summary of what was asked"), "remote": str("client address"), "outcome": str("ok, denied, invalid, conflict, not_found or failed"),
		"prev_hash": str("hex SHA-256"), "hash": str("hex SHA-256"),
	}}
	user := obj{"type": "object", "properties": obj{"id": str(""), "username": str(""), "display_name": str(""), "bureau": str(""),
		"role": enum(core.Roles), "lang": enum(lang.Supported), "disabled": obj{"type": "boolean"}, "created_at": dateTime}}
	key := obj{"type": "object", "properties": obj{"id": str(""), "name": str(""), "bureau": str(""), "permissions": list(enum(core.Permissions)),
		"created_by": str(""), "created_at": dateTime, "expires_at": dateTime, "revoked_at": dateTime, "last_used_at": dateTime}}
	perLanguage := obj{}
	for _, l := range lang.Supported {
		perLanguage[l] = str("")
	}
	country := obj{"type": "object", "properties": obj{"alpha2": str(""), "alpha3": str(""), "region": enum([]string{"Africa", "Americas", "Asia", "Europe"}),
		"names":  obj{"type": "object", "properties": perLanguage},
		"bureau": obj{"type": "object", "properties": perLanguage}}}
	return obj{
		"Problem": obj{"type": "object", "description": "RFC 9457 problem details", "properties": obj{
			"type": str(""), "title": str(""), "status": obj{"type": "integer"}, "detail": str(""), "instance": str(""), "code": str("machine-readable error code"),
			"errors": list(object([]string{"field", "reason"}, obj{"field": str("the field at fault"), "reason": str("what was expected")})),
		}},
		"OpenAPI":       obj{"type": "object"},
		"Login":         object([]string{"username", "password"}, obj{"username": str(""), "password": str(""), "totp": str("the second factor of a user who enrolled one: the current 6-digit code or an unused recovery code")}),
		"Me":            obj{"type": "object", "properties": obj{"kind": enum([]string{"user", "key"}), "id": str(""), "username": str(""), "display_name": str(""), "bureau": str(""), "bureau_name": str(""), "role": str(""), "lang": str(""), "permissions": list(str(""))}},
		"Country":       country,
		"CountryList":   obj{"type": "object", "properties": obj{"items": list(ref("Country")), "count": obj{"type": "integer"}}},
		"Releasability": releasability,
		"RecordInput": object(nil, obj{
			"kind": enum(core.Kinds), "releasability": ref("Releasability"), "caveats": list(enum(core.Caveats)),
			"caveat_text": str("at most 2000 characters; on PUT, absent keeps the text and \"\" removes it"), "review_date": str("YYYY-MM-DD or RFC 3339; on or before the end of retention"),
			"data":    obj{"type": "object", "description": "person: family_name/given_names/name_original, sex, date_of_birth, nationalities; travel_document: number, issuing_country; vehicle: vin or plate; asset: asset_type; cyber_indicator: type, value; notice: notice_type"},
			"version": obj{"type": "integer", "description": "for changes: the version the change is based on"},
		}),
		"Record":     record,
		"RecordPage": obj{"type": "object", "properties": obj{"items": list(ref("Record")), "next_cursor": str("pass as cursor for the next page")}},
		"Reason":     object([]string{"reason"}, obj{"reason": str("why; at most 2000 characters"), "version": obj{"type": "integer"}}),
		"AuditEntry": audit,
		"AuditPage":  obj{"type": "object", "properties": obj{"items": list(ref("AuditEntry")), "next_after": str("pass as after for the next page")}},
		"User":       user,
		"UserList":   obj{"type": "object", "properties": obj{"items": list(ref("User"))}},
		"NewUser": object([]string{"username", "bureau", "role", "password"}, obj{"username": str("3 to 64 of a-z 0-9 . _ -"), "display_name": str(""),
			"bureau": str("ISO code, or IPSG for the secretariat"), "role": enum(core.Roles), "lang": enum(lang.Supported), "password": str("at least 10 characters")}),
		"Key":        key,
		"KeyList":    obj{"type": "object", "properties": obj{"items": list(ref("Key"))}},
		"NewKey":     object([]string{"name", "permissions"}, obj{"name": str(""), "bureau": str("defaults to yours"), "permissions": list(enum(core.Permissions)), "expires_at": str("YYYY-MM-DD or RFC 3339")}),
		"CreatedKey": obj{"type": "object", "properties": obj{"key": ref("Key"), "secret": str("the key, shown once"), "note": str("")}},
		"ScreenPerson": object([]string{"name"}, obj{"name": str("in any script; at most 300 characters"), "date_of_birth": str("YYYY-MM-DD, YYYY-MM, YYYY or YYYY..YYYY"),
			"sex": enum([]string{"M", "F", "U"}), "nationality": str("ISO 3166 code"), "threshold": obj{"type": "number", "description": "0..1, default 0.85"},
			"limit":   obj{"type": "integer", "description": "1..100, default 10"},
			"kinds":   obj{"type": "array", "items": enum(core.Kinds), "maxItems": len(core.Kinds), "description": "the kinds of record that may answer (person, entity, notice…); none: every kind. A record not releasable to you is told whatever the filter"},
			"context": ref("ScreenContext")}),
		"ScreenDocument":   object(nil, obj{"number": str("document number"), "country": str("issuing country, ISO 3166"), "type": str("passport, id_card…"), "mrz": str("a raw MRZ (TD1, TD2 or TD3) instead of number and country"), "context": ref("ScreenContext")}),
		"ScreenIdentifier": object([]string{"value"}, obj{"type": str("iban, phone, email, url, domain, btc, eth, trx, vin, imei, plate; detected when empty"), "value": str(""), "context": ref("ScreenContext")}),
		"ScreenContext":    obj{"type": "object", "description": "where and why: border post, flight… (at most 10 entries)", "additionalProperties": obj{"type": "string"}},
		"Hit": obj{"type": "object", "properties": obj{"score": obj{"type": "number"}, "restricted": obj{"type": "boolean", "description": "true: the record is not releasable to you; contact the owner bureau with the reference"},
			"owner": str("owner bureau"), "reference": str("hit reference"), "message": str("possible hit — contact bureau X"), "record_id": str(""), "kind": str(""), "label": str(""),
			"matched": str("the indexed spelling that matched"), "matched_written": str("the spelling, document number or identifier matched, as the record writes it"),
			"date_of_birth": str("the matched person's (a document's or identifier's holder's) date of birth: YYYY-MM-DD, YYYY or YYYY..YYYY"),
			"nationalities": list(str("ISO 3166 alpha-2")), "explanation": list(str("why it scored what it scored, one English line each")),
			"label_parts": ref("Label"), "explained": ref("Explanation")}},
		"ScreenAnswer": obj{"type": "object", "properties": obj{"hits": list(ref("Hit")), "count": obj{"type": "integer"}, "screened_at": dateTime,
			"remote": list(ref("FederationRemoteAnswer"))}},
		"BatchLine":   obj{"type": "object", "description": "one JSON object per line: {\"id\", \"type\": person|document|identifier, and that type's fields (person: name, date_of_birth…; document: number, country, document_type or mrz; identifier: identifier_type, value)}"},
		"BatchAnswer": obj{"type": "object", "properties": obj{"line": obj{"type": "integer"}, "id": str(""), "hits": list(ref("Hit")), "count": obj{"type": "integer"}, "error": ref("Problem")}},
	}
}

// Document returns the OpenAPI 3.1 document for the server's routes.
func (s *Server) Document() obj {
	paths := obj{}
	problem := obj{"description": "Problem", "content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}
	for _, rt := range s.routes {
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		op := obj{"summary": rt.Summary, "operationId": operationID(rt)}
		var params []obj
		for _, p := range rt.Params {
			params = append(params, obj{"name": p.Name, "in": p.In, "description": p.Description, "required": p.In == "path", "schema": obj{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			media := "application/json"
			if rt.StreamIn != "" {
				media = rt.StreamIn
			}
			op["requestBody"] = obj{"required": true, "content": obj{media: obj{"schema": ref(rt.Body)}}}
		}
		ok := obj{"description": "Success"}
		switch {
		case rt.Stream != "":
			schema := "Record"
			if rt.StreamSchema != "" {
				schema = rt.StreamSchema
			}
			ok["content"] = obj{rt.Stream: obj{"schema": ref(schema)}}
		case rt.Resp != "":
			ok["content"] = obj{"application/json": obj{"schema": ref(rt.Resp)}}
		}
		responses := obj{strconv.Itoa(status): ok, "default": problem}
		for st, desc := range rt.Problems {
			responses[strconv.Itoa(st)] = obj{"description": desc, "content": obj{"application/problem+json": obj{"schema": ref("Problem")}}}
		}
		op["responses"] = responses
		if rt.Description != "" {
			op["description"] = rt.Description
		}
		if rt.Public {
			op["security"] = []obj{}
		}
		p, _ := paths[rt.Path].(obj)
		if p == nil {
			p = obj{}
			paths[rt.Path] = p
		}
		p[strings.ToLower(rt.Method)] = op
	}
	plain := func(summary string) obj {
		return obj{"get": obj{"summary": summary, "security": []obj{}, "responses": obj{"200": obj{"description": "Success"}, "default": problem}}}
	}
	paths["/healthz"] = plain("Liveness: the process answers")
	paths["/readyz"] = plain("Readiness: the store answers and its schema is current")
	paths["/metrics"] = plain("Prometheus metrics: process metrics for anyone; with Authorization: Bearer <metrics token or API key with admin>, the data metrics too")
	return obj{
		"openapi": "3.1.0",
		"info": obj{"title": "Manara API", "version": s.Config.Version,
			"description": "International police cooperation hub. Every record carries its owner and releasability; every call is audited. Errors are RFC 9457 problem+json naming the field and the reason."},
		"servers": []obj{{"url": "/"}},
		"paths":   paths,
		"components": obj{
			"schemas": merge(merge(merge(merge(merge(merge(merge(merge(merge(schemas(), noticeSchemas()), cooperationSchemas()), reportSchemas()), auditSchemas()), assemblySchemas()), meetingSchemas()), agreementSchemas()), accreditationSchemas()), federationSchemas()),
			"securitySchemes": obj{
				"apiKey":  obj{"type": "http", "scheme": "bearer", "description": "An API key from POST /api/v1/keys or `manara key create`"},
				"session": obj{"type": "apiKey", "in": "cookie", "name": CookieName},
			},
		},
		"security": []obj{{"apiKey": []string{}}, {"session": []string{}}},
	}
}

// merge adds b's schemas to a's, b's winning.
func merge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func operationID(rt route) string {
	parts := strings.FieldsFunc(strings.TrimPrefix(rt.Path, "/api/v1/"), func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' })
	return strings.ToLower(rt.Method) + "_" + strings.Join(parts, "_")
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	writeJSON(w, http.StatusOK, s.Document())
	return nil
}
