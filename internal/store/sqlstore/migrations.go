package sqlstore

import "strings"

// Types names the column types a dialect uses where SQLite and PostgreSQL
// differ. Times are fixed-width UTC text on SQLite so they sort as text.
type Types struct {
	Time, JSON, Bool string
	// Blob holds bytes: BLOB on SQLite, BYTEA on PostgreSQL.
	Blob string
	// RowidTables says the database keeps a hidden rowid B-tree beside
	// every table whose key is not INTEGER PRIMARY KEY (SQLite): a table
	// keyed by a BIGINT is then two B-trees, each written on every insert.
	RowidTables bool
}

// Migrations returns the ordered schema steps, written once for both
// databases with the dialect's column types substituted.
func Migrations(ty Types) []Migration {
	r := strings.NewReplacer("{TIME}", ty.Time, "{JSON}", ty.JSON, "{BOOL}", ty.Bool, "{BLOB}", ty.Blob)
	sub := func(stmts ...string) []string {
		for i := range stmts {
			stmts[i] = r.Replace(stmts[i])
		}
		return stmts
	}
	return []Migration{
		{Version: 1, Name: "records, users, keys, sessions, audit", SQL: sub(
			`CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
			`INSERT INTO counters (name, value) VALUES ('changes', 0)`,
			`CREATE TABLE records (
				id TEXT PRIMARY KEY,
				kind TEXT NOT NULL,
				owner TEXT NOT NULL,
				status TEXT NOT NULL,
				version BIGINT NOT NULL,
				rel_mode TEXT NOT NULL,
				rel_countries TEXT NOT NULL,
				caveats TEXT NOT NULL,
				caveat_text TEXT NOT NULL,
				review_date {TIME} NOT NULL,
				retain_until {TIME} NOT NULL,
				data {JSON} NOT NULL,
				created_at {TIME} NOT NULL,
				created_by TEXT NOT NULL,
				updated_at {TIME} NOT NULL,
				updated_by TEXT NOT NULL,
				status_reason TEXT NOT NULL,
				search_text TEXT NOT NULL)`,
			`CREATE INDEX records_owner ON records (owner, id)`,
			`CREATE INDEX records_kind ON records (kind, id)`,
			`CREATE INDEX records_retention ON records (status, retain_until)`,
			`CREATE INDEX records_review ON records (owner, review_date)`,
			`CREATE TABLE record_release (record_id TEXT NOT NULL, country TEXT NOT NULL, PRIMARY KEY (record_id, country))`,
			`CREATE TABLE record_changes (seq BIGINT PRIMARY KEY, record_id TEXT NOT NULL, version BIGINT NOT NULL, op TEXT NOT NULL, at {TIME} NOT NULL)`,
			`CREATE TABLE users (
				id TEXT PRIMARY KEY,
				username TEXT NOT NULL UNIQUE,
				display_name TEXT NOT NULL,
				bureau TEXT NOT NULL,
				role TEXT NOT NULL,
				lang TEXT NOT NULL,
				disabled {BOOL} NOT NULL,
				created_at {TIME} NOT NULL,
				password_hash TEXT NOT NULL,
				failed_logins INTEGER NOT NULL,
				locked_until {TIME})`,
			`CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id),
				created_at {TIME} NOT NULL, expires_at {TIME} NOT NULL, remote TEXT NOT NULL)`,
			`CREATE TABLE api_keys (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				bureau TEXT NOT NULL,
				permissions TEXT NOT NULL,
				secret_hash TEXT NOT NULL,
				created_by TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				expires_at {TIME},
				revoked_at {TIME},
				last_used_at {TIME})`,
			`CREATE TABLE audit_log (
				seq BIGINT PRIMARY KEY,
				at {TIME} NOT NULL,
				actor_type TEXT NOT NULL,
				actor_id TEXT NOT NULL,
				bureau TEXT NOT NULL,
				action TEXT NOT NULL,
				record_ids TEXT NOT NULL,
				query TEXT NOT NULL,
				remote TEXT NOT NULL,
				outcome TEXT NOT NULL,
				prev_hash TEXT NOT NULL,
				hash TEXT NOT NULL)`,
			`CREATE TABLE audit_records (record_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (record_id, seq))`,
			`CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)`,
			`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')`,
		)},
		{Version: 2, Name: "event stream", SQL: sub(
			`INSERT INTO counters (name, value) VALUES ('events', 0)`,
			`CREATE TABLE events (
				seq BIGINT PRIMARY KEY,
				at {TIME} NOT NULL,
				type TEXT NOT NULL,
				subject TEXT NOT NULL,
				audience TEXT NOT NULL,
				record_id TEXT NOT NULL,
				data TEXT NOT NULL)`,
			`CREATE TABLE event_audience (bureau TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (bureau, seq))`,
		)},
		// Notices: the workflow of each notice record (its envelope and data
		// stay in records), every version of its data, and its attachments.
		// countries is " MA FR " so that one LIKE finds a country of interest.
		{Version: 3, Name: "notices, versions, attachments", SQL: sub(
			`CREATE TABLE notice_state (
				id TEXT PRIMARY KEY,
				type TEXT NOT NULL,
				diffusion {BOOL} NOT NULL,
				state TEXT NOT NULL,
				entity_id TEXT NOT NULL,
				public_extract {BOOL} NOT NULL,
				countries TEXT NOT NULL,
				revision INTEGER NOT NULL,
				submitted_at {TIME},
				reviewer TEXT NOT NULL,
				review_started_at {TIME},
				decided_at {TIME},
				decision TEXT NOT NULL,
				reason_category TEXT NOT NULL,
				reason TEXT NOT NULL,
				published_at {TIME},
				expires_at {TIME},
				expiring_sent {BOOL} NOT NULL,
				end_reason TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				updated_at {TIME} NOT NULL)`,
			`CREATE INDEX notice_state_queue ON notice_state (state, submitted_at)`,
			`CREATE INDEX notice_state_expiry ON notice_state (state, expires_at)`,
			`CREATE INDEX notice_state_type ON notice_state (type, id)`,
			`CREATE INDEX notice_state_entity ON notice_state (entity_id)`,
			`CREATE TABLE notice_versions (
				notice_id TEXT NOT NULL,
				revision INTEGER NOT NULL,
				at {TIME} NOT NULL,
				by_actor TEXT NOT NULL,
				bureau TEXT NOT NULL,
				reason TEXT NOT NULL,
				state TEXT NOT NULL,
				rel_mode TEXT NOT NULL,
				rel_countries TEXT NOT NULL,
				data {JSON} NOT NULL,
				PRIMARY KEY (notice_id, revision))`,
			`CREATE TABLE notice_attachments (
				id TEXT PRIMARY KEY,
				notice_id TEXT NOT NULL,
				name TEXT NOT NULL,
				content_type TEXT NOT NULL,
				size BIGINT NOT NULL,
				sha256 TEXT NOT NULL,
				role TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				created_by TEXT NOT NULL,
				content {BLOB} NOT NULL)`,
			`CREATE INDEX notice_attachments_notice ON notice_attachments (notice_id, id)`,
		)},
		{Version: 4, Name: "hits, webhooks and outbox, message threads", SQL: sub(
			`CREATE TABLE hits (
				id TEXT PRIMARY KEY,
				version BIGINT NOT NULL,
				dedup_key TEXT NOT NULL,
				owner TEXT NOT NULL,
				searcher TEXT NOT NULL,
				record_id TEXT NOT NULL,
				owner_state TEXT NOT NULL,
				searcher_state TEXT NOT NULL,
				first_seen {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX hits_dedup ON hits (dedup_key, first_seen)`,
			`CREATE INDEX hits_owner ON hits (owner, first_seen)`,
			`CREATE INDEX hits_searcher ON hits (searcher, first_seen)`,
			`CREATE TABLE webhooks (id TEXT PRIMARY KEY, bureau TEXT NOT NULL, created_at {TIME} NOT NULL, body TEXT NOT NULL, secret TEXT NOT NULL)`,
			`CREATE INDEX webhooks_bureau ON webhooks (bureau, id)`,
			`CREATE TABLE deliveries (
				id TEXT PRIMARY KEY,
				webhook_id TEXT NOT NULL,
				status TEXT NOT NULL,
				next_attempt {TIME} NOT NULL,
				lease_until {TIME} NOT NULL,
				created_at {TIME} NOT NULL,
				event_body TEXT NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX deliveries_due ON deliveries (status, next_attempt)`,
			`CREATE INDEX deliveries_webhook ON deliveries (webhook_id, created_at)`,
			`CREATE TABLE cursors (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
			`INSERT INTO cursors (name, value) VALUES ('webhooks', 0)`,
			`CREATE TABLE threads (id TEXT PRIMARY KEY, updated_at {TIME} NOT NULL, body TEXT NOT NULL)`,
			`CREATE TABLE thread_participants (bureau TEXT NOT NULL, thread_id TEXT NOT NULL, PRIMARY KEY (bureau, thread_id))`,
			`CREATE TABLE messages (id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, number INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (thread_id, number))`,
		)},
		// Citizen reports and their campaigns. Correlation keeps one posting
		// list per canonical value (report_postings, headed by
		// indicator_values with its count and state), never a table of pairs.
		{Version: 5, Name: "citizen reports, campaigns, posting lists, proof-of-work nonces", SQL: sub(
			`CREATE TABLE reports (
				id TEXT PRIMARY KEY,
				receipt TEXT NOT NULL UNIQUE,
				secret_hash TEXT NOT NULL,
				version BIGINT NOT NULL,
				bureau TEXT NOT NULL,
				status TEXT NOT NULL,
				urgency INTEGER NOT NULL,
				loss_cents BIGINT NOT NULL,
				campaign_id TEXT NOT NULL,
				assignee TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX reports_queue ON reports (bureau, status, urgency, loss_cents)`,
			`CREATE INDEX reports_campaign ON reports (campaign_id, created_at)`,
			`CREATE TABLE report_files (
				id TEXT PRIMARY KEY,
				report_id TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				body TEXT NOT NULL,
				content {BLOB} NOT NULL)`,
			`CREATE INDEX report_files_report ON report_files (report_id)`,
			`CREATE TABLE indicator_values (
				bureau TEXT NOT NULL,
				ikey TEXT NOT NULL,
				count INTEGER NOT NULL,
				state TEXT NOT NULL,
				PRIMARY KEY (bureau, ikey))`,
			`CREATE TABLE report_postings (
				bureau TEXT NOT NULL,
				ikey TEXT NOT NULL,
				report_id TEXT NOT NULL,
				PRIMARY KEY (bureau, ikey, report_id))`,
			`CREATE INDEX report_postings_report ON report_postings (report_id)`,
			`CREATE TABLE campaigns (
				id TEXT PRIMARY KEY,
				version BIGINT NOT NULL,
				bureau TEXT NOT NULL,
				reports INTEGER NOT NULL,
				merged_into TEXT NOT NULL,
				updated_at {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX campaigns_bureau ON campaigns (bureau, merged_into, reports)`,
			`CREATE TABLE pow_nonces (nonce TEXT PRIMARY KEY, expires_at {TIME} NOT NULL)`,
			`CREATE INDEX pow_nonces_expiry ON pow_nonces (expires_at)`,
		)},
		{Version: 6, Name: "second factor (TOTP) and recovery codes", SQL: sub(
			`CREATE TABLE user_totp (
				user_id TEXT PRIMARY KEY,
				secret TEXT NOT NULL,
				enabled {BOOL} NOT NULL,
				last_step BIGINT NOT NULL,
				recovery TEXT NOT NULL,
				updated_at {TIME} NOT NULL)`,
		)},
		{Version: 7, Name: "audit log Merkle tree, per-record index by entry", SQL: sub(
			// The tree's stored hashes in golang.org/x/mod/sumdb/tlog's
			// layout; tree_size is how many entries they cover (entries
			// written before this step are added by the next append).
			`CREATE TABLE audit_tree (idx BIGINT PRIMARY KEY, hash {BLOB} NOT NULL)`,
			`ALTER TABLE audit_head ADD COLUMN tree_size BIGINT NOT NULL DEFAULT 0`,
			// Verification compares the index with the entries page by page.
			`CREATE INDEX audit_records_seq ON audit_records (seq, record_id)`,
		)},
		// A hit is found by its reference (what a searcher quotes to the
		// owner); the variants of a restricted record one bureau screened
		// are counted to detect probing; the server's own keys (the
		// fallback reference key) are the same on every replica.
		{Version: 8, Name: "hit references, probing counts, server keys", SQL: sub(
			`ALTER TABLE hits ADD COLUMN reference TEXT NOT NULL DEFAULT ''`,
			`CREATE INDEX hits_reference ON hits (reference)`,
			`CREATE TABLE hit_probes (
				searcher TEXT NOT NULL,
				record_id TEXT NOT NULL,
				variant TEXT NOT NULL,
				first_seen {TIME} NOT NULL,
				PRIMARY KEY (searcher, record_id, variant))`,
			`CREATE TABLE server_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
		)},
		// The General Assembly. Nothing links a token or a ballot to the
		// country that took it: assembly_tokens_issued says only that a
		// country took its token of a round; assembly_board holds the
		// ballots, unsigned by anyone, in the order they came.
		{Version: 11, Name: "general assembly: sessions, delegations, agenda, rounds, bulletin boards", SQL: sub(
			`CREATE TABLE assembly_sessions (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, version BIGINT NOT NULL, body TEXT NOT NULL)`,
			`CREATE TABLE assembly_delegations (
				id TEXT PRIMARY KEY,
				session_id TEXT NOT NULL,
				seat TEXT NOT NULL,
				version BIGINT NOT NULL,
				body TEXT NOT NULL,
				UNIQUE (session_id, seat))`,
			`CREATE TABLE assembly_items (
				id TEXT PRIMARY KEY,
				session_id TEXT NOT NULL,
				number INTEGER NOT NULL,
				version BIGINT NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX assembly_items_session ON assembly_items (session_id, number)`,
			`CREATE TABLE assembly_rounds (
				id TEXT PRIMARY KEY,
				session_id TEXT NOT NULL,
				item_id TEXT NOT NULL,
				number INTEGER NOT NULL,
				state TEXT NOT NULL,
				closes_at {TIME} NOT NULL,
				version BIGINT NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX assembly_rounds_session ON assembly_rounds (session_id, item_id, number)`,
			`CREATE INDEX assembly_rounds_due ON assembly_rounds (state, closes_at)`,
			`CREATE TABLE assembly_round_keys (round_id TEXT PRIMARY KEY, signing_key {BLOB} NOT NULL)`,
			`CREATE TABLE assembly_tokens_issued (round_id TEXT NOT NULL, country TEXT NOT NULL, PRIMARY KEY (round_id, country))`,
			`CREATE TABLE assembly_board (
				round_id TEXT NOT NULL,
				idx BIGINT NOT NULL,
				token_hash TEXT NOT NULL,
				entry TEXT NOT NULL,
				PRIMARY KEY (round_id, idx),
				UNIQUE (round_id, token_hash))`,
		)},
		// Bilateral meetings at gatherings (the meetings package): the
		// whole value as JSON, with what lists select on beside it.
		{Version: 12, Name: "gatherings and bilateral meeting requests", SQL: sub(
			`CREATE TABLE gatherings (
				id TEXT PRIMARY KEY,
				version BIGINT NOT NULL,
				host TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE TABLE meeting_requests (
				id TEXT PRIMARY KEY,
				gathering_id TEXT NOT NULL,
				version BIGINT NOT NULL,
				from_party TEXT NOT NULL,
				to_party TEXT NOT NULL,
				state TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX meeting_requests_gathering ON meeting_requests (gathering_id, created_at, id)`,
		)},
		// A round's signing key is now stored sealed under a key kept
		// outside the store (see assembly.KEK): the keys stored in clear
		// before are deleted, so that none stays readable; a round open
		// across the upgrade issues no more tokens and is closed. Each
		// issued token keeps its time, shown to its delegation.
		{Version: 13, Name: "general assembly: round signing keys sealed, token issuance times", SQL: sub(
			`DELETE FROM assembly_round_keys`,
			`ALTER TABLE assembly_tokens_issued ADD COLUMN issued_at {TIME}`,
		)},
		// Agreements between bureaus, agencies and organisations (the
		// agreements package): the whole value as JSON, with what searches
		// select on beside it; one row per party and per subject area; the
		// documents' bytes in the store, like notice attachments.
		{Version: 14, Name: "agreements, their parties, subject areas and documents", SQL: sub(
			`CREATE TABLE agreements (
				id TEXT PRIMARY KEY,
				version BIGINT NOT NULL,
				owner TEXT NOT NULL,
				visibility TEXT NOT NULL,
				state TEXT NOT NULL,
				kind TEXT NOT NULL,
				signed_on TEXT NOT NULL,
				expires_on TEXT NOT NULL,
				gathering_id TEXT NOT NULL,
				search_text TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				body TEXT NOT NULL)`,
			`CREATE INDEX agreements_signed ON agreements (signed_on, created_at, id)`,
			`CREATE TABLE agreement_parties (
				agreement_id TEXT NOT NULL,
				party TEXT NOT NULL,
				country TEXT NOT NULL,
				PRIMARY KEY (agreement_id, party))`,
			`CREATE INDEX agreement_parties_party ON agreement_parties (party, agreement_id)`,
			`CREATE INDEX agreement_parties_country ON agreement_parties (country, agreement_id)`,
			`CREATE TABLE agreement_subjects (
				agreement_id TEXT NOT NULL,
				subject TEXT NOT NULL,
				PRIMARY KEY (agreement_id, subject))`,
			`CREATE INDEX agreement_subjects_subject ON agreement_subjects (subject, agreement_id)`,
			`CREATE TABLE agreement_documents (
				id TEXT PRIMARY KEY,
				agreement_id TEXT NOT NULL,
				lang TEXT NOT NULL,
				name TEXT NOT NULL,
				content_type TEXT NOT NULL,
				size BIGINT NOT NULL,
				sha256 TEXT NOT NULL,
				created_by TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				content {BLOB} NOT NULL)`,
			`CREATE INDEX agreement_documents_agreement ON agreement_documents (agreement_id, created_at, id)`,
		)},
		// Accreditation lists of gatherings (the accreditation package):
		// each attendee's whole value as JSON, with what the security
		// unit's queue selects on beside it. Continuous screening reads
		// the change feed from the cursor "accreditation".
		{Version: 15, Name: "accreditation: attendees of gatherings and their screening", SQL: sub(
			`CREATE TABLE attendees (
				id TEXT PRIMARY KEY,
				gathering_id TEXT NOT NULL,
				version BIGINT NOT NULL,
				ref TEXT NOT NULL,
				category TEXT NOT NULL,
				status TEXT NOT NULL,
				body TEXT NOT NULL,
				UNIQUE (gathering_id, ref))`,
			`CREATE INDEX attendees_queue ON attendees (gathering_id, status, id)`,
			`INSERT INTO cursors (name, value) VALUES ('accreditation', 0)`,
		)},
		// Federation (the federation package): the peers (at the hub, one
		// per enrolled node; at a node, its hub) with their public keys,
		// one-time enrolment tokens (hashes only), one outbox per peer
		// numbered 1, 2, 3… with no gaps, the messages already applied
		// (id and object version, so a replay changes nothing), and
		// refused messages with their reasons.
		{Version: 16, Name: "federation: peers, enrolment tokens, outboxes, applied messages, refusals", SQL: sub(
			`CREATE TABLE fed_peers (id TEXT PRIMARY KEY, version BIGINT NOT NULL, body TEXT NOT NULL)`,
			`CREATE TABLE fed_tokens (
				id TEXT PRIMARY KEY,
				bureau TEXT NOT NULL,
				secret_hash TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				expires_at {TIME} NOT NULL,
				used_at {TIME})`,
			`CREATE TABLE fed_outbox (
				peer TEXT NOT NULL,
				seq BIGINT NOT NULL,
				message_id TEXT NOT NULL,
				object_id TEXT NOT NULL,
				object_version BIGINT NOT NULL,
				type TEXT NOT NULL,
				body {BLOB} NOT NULL,
				state TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				attempts INTEGER NOT NULL,
				next_attempt {TIME} NOT NULL,
				last_error TEXT NOT NULL,
				delivered_at {TIME},
				PRIMARY KEY (peer, seq),
				UNIQUE (peer, message_id))`,
			`CREATE INDEX fed_outbox_pending ON fed_outbox (peer, state, seq)`,
			`CREATE INDEX fed_outbox_object ON fed_outbox (peer, object_id)`,
			`CREATE TABLE fed_outbox_seq (peer TEXT PRIMARY KEY, last_seq BIGINT NOT NULL)`,
			`CREATE TABLE fed_applied (
				origin TEXT NOT NULL,
				message_id TEXT NOT NULL,
				object_version BIGINT NOT NULL,
				seq BIGINT NOT NULL,
				applied_at {TIME} NOT NULL,
				PRIMARY KEY (origin, message_id, object_version))`,
			`CREATE TABLE fed_refusals (
				id TEXT PRIMARY KEY,
				peer TEXT NOT NULL,
				direction TEXT NOT NULL,
				message_id TEXT NOT NULL,
				type TEXT NOT NULL,
				reason TEXT NOT NULL,
				at {TIME} NOT NULL)`,
			`CREATE INDEX fed_refusals_peer ON fed_refusals (peer, at)`,
		)},
		// Each peer's signed audit checkpoints, as received and checked
		// (the signature, and consistency with the one held before): with
		// them a side proves the peer has not rewritten what it sent or
		// received. An index to list the messages applied from a peer in
		// sequence order.
		{Version: 17, Name: "federation: the peers' audit checkpoints", SQL: sub(
			`CREATE TABLE fed_checkpoints (
				peer TEXT NOT NULL,
				size BIGINT NOT NULL,
				origin TEXT NOT NULL,
				root_hash TEXT NOT NULL,
				note TEXT NOT NULL,
				verifier_keys TEXT NOT NULL,
				message_id TEXT NOT NULL,
				created_at {TIME} NOT NULL,
				received_at {TIME} NOT NULL,
				PRIMARY KEY (peer, size))`,
			`CREATE INDEX fed_applied_seq ON fed_applied (origin, seq)`,
		)},
		// The append-only tables every hit and audited change writes to are
		// keyed by their sequence: on SQLite, one B-tree each rather than a
		// table and an index (INTEGER PRIMARY KEY is the rowid; a table keyed
		// by two columns is stored in its key, WITHOUT ROWID). A new hit then
		// writes five B-trees fewer in its commit. PostgreSQL already stores
		// them so: nothing to do there.
		{Version: 18, Name: "audit log and event stream stored in their keys (SQLite)", SQL: rekey(ty.RowidTables, sub,
			rekeyed{"audit_log", `CREATE TABLE audit_log_new (
				seq INTEGER PRIMARY KEY,
				at {TIME} NOT NULL,
				actor_type TEXT NOT NULL,
				actor_id TEXT NOT NULL,
				bureau TEXT NOT NULL,
				action TEXT NOT NULL,
				record_ids TEXT NOT NULL,
				query TEXT NOT NULL,
				remote TEXT NOT NULL,
				outcome TEXT NOT NULL,
				prev_hash TEXT NOT NULL,
				hash TEXT NOT NULL)`, "seq, at, actor_type, actor_id, bureau, action, record_ids, query, remote, outcome, prev_hash, hash", nil},
			rekeyed{"audit_records", `CREATE TABLE audit_records_new (record_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (record_id, seq)) WITHOUT ROWID`,
				"record_id, seq", []string{`CREATE INDEX audit_records_seq ON audit_records (seq, record_id)`}},
			rekeyed{"audit_tree", `CREATE TABLE audit_tree_new (idx INTEGER PRIMARY KEY, hash {BLOB} NOT NULL)`, "idx, hash", nil},
			rekeyed{"events", `CREATE TABLE events_new (
				seq INTEGER PRIMARY KEY,
				at {TIME} NOT NULL,
				type TEXT NOT NULL,
				subject TEXT NOT NULL,
				audience TEXT NOT NULL,
				record_id TEXT NOT NULL,
				data TEXT NOT NULL)`, "seq, at, type, subject, audience, record_id, data", nil},
			rekeyed{"event_audience", `CREATE TABLE event_audience_new (bureau TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (bureau, seq)) WITHOUT ROWID`,
				"bureau, seq", nil},
		)},
		{Version: 19, Name: "federation: an enrolment token may name the node's URL", SQL: sub(
			`ALTER TABLE fed_tokens ADD COLUMN url TEXT NOT NULL DEFAULT ''`,
		)},
		{Version: 20, Name: "hits: no machine-readable zone in a document hit's subject", Data: scrubZones},
		{Version: 21, Name: "webhooks: the previous secret, which signs beside the new one after a rotation", SQL: sub(
			`ALTER TABLE webhooks ADD COLUMN previous_secret TEXT NOT NULL DEFAULT ''`,
		)},
	}
}

// rekeyed is a table rebuilt with another key: the new table's statement
// (named table_new), the columns copied, and the indexes to make again.
type rekeyed struct {
	table, create, columns string
	indexes                []string
}

// rekey returns the statements that rebuild each table under its new key
// where the database needs it (rowid tables), none elsewhere. The rows are
// copied as they are, in key order; the migration runs in one transaction.
func rekey(rowidTables bool, sub func(...string) []string, tables ...rekeyed) []string {
	if !rowidTables {
		return nil
	}
	var out []string
	for _, t := range tables {
		out = append(out, sub(t.create)...)
		out = append(out,
			"INSERT INTO "+t.table+"_new ("+t.columns+") SELECT "+t.columns+" FROM "+t.table,
			"DROP TABLE "+t.table,
			"ALTER TABLE "+t.table+"_new RENAME TO "+t.table)
		out = append(out, t.indexes...)
	}
	return out
}
