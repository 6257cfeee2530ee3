package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// Agreements keep their whole value as JSON in a body column (documents
// and the derived status left out), with the columns searches select on
// beside it, one row per party and one per subject area. Documents keep
// their bytes in agreement_documents.

// agreementSearchText is what a text search looks in: the titles in
// every language and the reference, lower-cased as likePattern is.
func agreementSearchText(a *core.Agreement) string {
	parts := []string{a.Reference}
	for _, t := range a.Titles {
		parts = append(parts, t)
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}

func agreementBody(a *core.Agreement) string {
	c := *a
	c.Documents, c.Status = nil, ""
	body, _ := json.Marshal(&c)
	return string(body)
}

func (t *tx) InsertAgreement(a *core.Agreement) error {
	_, err := t.exec(`INSERT INTO agreements (id, version, owner, visibility, state, kind, signed_on, expires_on, gathering_id, search_text, created_at, body)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.Version, a.Owner, a.Visibility, a.State, a.Kind, a.Signed, a.Expires, a.Gathering, agreementSearchText(a), t.time(a.CreatedAt), agreementBody(a))
	if err != nil {
		if t.d.IsUnique(err) {
			return core.Errorf(core.ECONFLICT, "an agreement with this id exists")
		}
		return err
	}
	return t.agreementRows(a)
}

// agreementRows writes the party and subject rows of a.
func (t *tx) agreementRows(a *core.Agreement) error {
	for _, p := range a.Parties {
		if _, err := t.exec(`INSERT INTO agreement_parties (agreement_id, party, country) VALUES (?,?,?)`, a.ID, p.Key(), p.Country); err != nil {
			if t.d.IsUnique(err) {
				return core.Invalid(core.FieldError{Field: "parties", Reason: "names " + p.Key() + " twice"})
			}
			return err
		}
	}
	for _, s := range a.Subjects {
		if _, err := t.exec(`INSERT INTO agreement_subjects (agreement_id, subject) VALUES (?,?)`, a.ID, s); err != nil {
			if t.d.IsUnique(err) {
				return core.Invalid(core.FieldError{Field: "subjects", Reason: "names " + s + " twice"})
			}
			return err
		}
	}
	return nil
}

func (t *tx) UpdateAgreement(a *core.Agreement) error {
	res, err := t.exec(`UPDATE agreements SET version = ?, visibility = ?, state = ?, kind = ?, signed_on = ?, expires_on = ?, gathering_id = ?, search_text = ?, body = ?
		WHERE id = ? AND version = ?`,
		a.Version, a.Visibility, a.State, a.Kind, a.Signed, a.Expires, a.Gathering, agreementSearchText(a), agreementBody(a), a.ID, a.Version-1)
	if err := versioned(res, err, "agreement", func() error { _, err := t.GetAgreement(a.ID); return err }); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM agreement_parties WHERE agreement_id = ?`, a.ID); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM agreement_subjects WHERE agreement_id = ?`, a.ID); err != nil {
		return err
	}
	return t.agreementRows(a)
}

func (t *tx) GetAgreement(id string) (*core.Agreement, error) {
	as, err := t.agreements(`SELECT body, version FROM agreements WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "agreement not found")
	}
	return as[0], nil
}

func (t *tx) ListAgreements(f core.AgreementFilter) ([]*core.Agreement, error) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if !f.Scope.All {
		if f.Scope.Bureau == "" {
			return nil, nil
		}
		add(`((visibility = ? AND state <> ?) OR owner = ? OR EXISTS (SELECT 1 FROM agreement_parties v WHERE v.agreement_id = agreements.id AND v.country = ?))`,
			core.AgreementPublic, core.AgreementDraft, f.Scope.Bureau, f.Scope.Bureau)
	}
	if f.Party != "" {
		add(`EXISTS (SELECT 1 FROM agreement_parties p WHERE p.agreement_id = agreements.id AND p.party = ?)`, f.Party)
	}
	if f.Country != "" {
		add(`EXISTS (SELECT 1 FROM agreement_parties c WHERE c.agreement_id = agreements.id AND c.country = ?)`, f.Country)
	}
	if f.Subject != "" {
		add(`EXISTS (SELECT 1 FROM agreement_subjects s WHERE s.agreement_id = agreements.id AND s.subject = ?)`, f.Subject)
	}
	if f.Kind != "" {
		add(`kind = ?`, f.Kind)
	}
	if f.Gathering != "" {
		add(`gathering_id = ?`, f.Gathering)
	}
	// The expired status is derived: a signed or in-force agreement whose
	// expiry date has come (Agreement.Derive says the same).
	live := `(expires_on = '' OR expires_on > ?)`
	switch f.Status {
	case "":
	case core.AgreementSigned, core.AgreementInForce:
		add(`state = ? AND `+live, f.Status, f.Today)
	case core.AgreementExpired:
		add(`state IN (?, ?) AND expires_on <> '' AND expires_on <= ?`, core.AgreementSigned, core.AgreementInForce, f.Today)
	default:
		add(`state = ?`, f.Status)
	}
	if f.Text != "" {
		add(`search_text LIKE ? ESCAPE '\'`, likePattern(f.Text))
	}
	if f.SignedFrom != "" {
		add(`signed_on <> '' AND signed_on >= ?`, f.SignedFrom)
	}
	if f.SignedTo != "" {
		add(`signed_on <> '' AND signed_on <= ?`, f.SignedTo)
	}
	if f.ExpiresFrom != "" {
		add(`expires_on <> '' AND expires_on >= ?`, f.ExpiresFrom)
	}
	if f.ExpiresTo != "" {
		add(`expires_on <> '' AND expires_on <= ?`, f.ExpiresTo)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	offset := max(f.Offset, 0)
	// Signed agreements first, newest signature first; unsigned ones
	// (signed_on '') sort last either way.
	q := `SELECT body, version FROM agreements` + where +
		` ORDER BY CASE WHEN signed_on = '' THEN 1 ELSE 0 END, signed_on DESC, created_at DESC, id DESC LIMIT ` + itoa(clampLimit(f.Limit)) + ` OFFSET ` + itoa(offset)
	return t.agreements(q, args...)
}

func (t *tx) agreements(q string, args ...any) ([]*core.Agreement, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Agreement
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		var a core.Agreement
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return nil, err
		}
		a.Version = version
		out = append(out, &a)
	}
	return out, rows.Err()
}

const agreementDocCols = `id, agreement_id, lang, name, content_type, size, sha256, created_by, created_at`

func (t *tx) InsertAgreementDocument(d *core.AgreementDocument) error {
	_, err := t.exec(`INSERT INTO agreement_documents (`+agreementDocCols+`, content) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		d.ID, d.Agreement, d.Lang, d.Name, d.ContentType, d.Size, d.SHA256, d.CreatedBy, t.time(d.CreatedAt), d.Content)
	return err
}

func scanAgreementDocument(s scanner, content bool) (core.AgreementDocument, error) {
	var d core.AgreementDocument
	var created timeCol
	dest := []any{&d.ID, &d.Agreement, &d.Lang, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.CreatedBy, &created}
	if content {
		dest = append(dest, &d.Content)
	}
	if err := s.Scan(dest...); err != nil {
		return d, err
	}
	d.CreatedAt = created.T
	return d, nil
}

func (t *tx) AgreementDocuments(agreement string) ([]core.AgreementDocument, error) {
	rows, err := t.query(`SELECT `+agreementDocCols+` FROM agreement_documents WHERE agreement_id = ? ORDER BY created_at, id`, agreement)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []core.AgreementDocument{}
	for rows.Next() {
		d, err := scanAgreementDocument(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tx) GetAgreementDocument(agreement, id string) (*core.AgreementDocument, error) {
	d, err := scanAgreementDocument(t.queryRow(`SELECT `+agreementDocCols+`, content FROM agreement_documents WHERE agreement_id = ? AND id = ?`, agreement, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "document not found")
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}
