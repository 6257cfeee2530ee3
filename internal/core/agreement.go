package core

import "time"

// Agreement kinds.
const (
	AgreementMoU            = "mou" // memorandum of understanding
	AgreementCooperation    = "agreement"
	AgreementProtocol       = "protocol"
	AgreementLetterOfIntent = "letter_of_intent"
	AgreementOtherKind      = "other"
)

// AgreementKinds lists the kinds.
var AgreementKinds = []string{AgreementMoU, AgreementCooperation, AgreementProtocol, AgreementLetterOfIntent, AgreementOtherKind}

// Agreement subject areas: a fixed vocabulary, translated by the catalogs
// (agreements.subject.<code>).
var AgreementSubjects = []string{"organised_crime", "cybercrime", "terrorism", "drugs", "human_trafficking", "migrant_smuggling",
	"financial_crime", "corruption", "firearms", "environmental_crime", "fugitives", "missing_persons", "border_security",
	"training", "information_exchange", "forensics", "other"}

// Agreement states, as recorded. AgreementExpired is never recorded: it
// is the status of a signed or in-force agreement whose expiry date has
// come (see Agreement.Derive).
const (
	AgreementDraft      = "draft"
	AgreementSigned     = "signed"
	AgreementInForce    = "in_force"
	AgreementExpired    = "expired"
	AgreementTerminated = "terminated"
)

// AgreementStatuses lists every status a reader may see, in lifecycle order.
var AgreementStatuses = []string{AgreementDraft, AgreementSigned, AgreementInForce, AgreementExpired, AgreementTerminated}

// Agreement visibilities.
const (
	// AgreementPublic: every member bureau sees it once it is signed.
	AgreementPublic = "public"
	// AgreementPartiesOnly: only its parties' bureaus (and the
	// secretariat's reviewers and administrators) see it.
	AgreementPartiesOnly = "parties"
)

// AgreementVisibilities lists the visibilities.
var AgreementVisibilities = []string{AgreementPublic, AgreementPartiesOnly}

// Agreement party kinds.
const (
	PartyBureau       = "bureau"       // a member country's National Central Bureau
	PartyAgency       = "agency"       // a national agency of a member country
	PartyOrganisation = "organisation" // an international or regional organisation
)

// AgreementPartyKinds lists the party kinds.
var AgreementPartyKinds = []string{PartyBureau, PartyAgency, PartyOrganisation}

// AgreementParty is one side of an agreement. A bureau is its country;
// an agency is a country and the agency's code; an organisation is its
// code only. The party's bureau (who sees a parties-only agreement) is
// Country; an organisation has none.
type AgreementParty struct {
	Kind    string `json:"kind"`
	Country string `json:"country,omitempty"`
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Key names the party in searches: "MA" for Morocco's bureau, "MA:DGSN"
// for a Moroccan agency, "AFRIPOL" for an organisation.
func (p AgreementParty) Key() string {
	switch p.Kind {
	case PartyBureau:
		return p.Country
	case PartyAgency:
		return p.Country + ":" + p.Code
	}
	return p.Code
}

// AgreementStatusChange is one entry of an agreement's status history.
type AgreementStatusChange struct {
	State string    `json:"state"`
	At    time.Time `json:"at"`
	By    string    `json:"by"`
	// On is the date the change took effect (signed on, in force from,
	// terminated on), YYYY-MM-DD.
	On   string `json:"on,omitempty"`
	Note string `json:"note,omitempty"`
}

// Agreement is a memorandum of understanding or another agreement between
// bureaus, national agencies and organisations. The bureau that registered
// it (Owner) changes it; its parties read it.
type Agreement struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Owner   string `json:"owner"`
	Kind    string `json:"kind"`
	// Reference is the parties' own reference, if any.
	Reference string `json:"reference,omitempty"`
	// Titles by language code (ar, en, fr, es…); at least one.
	Titles   map[string]string `json:"titles"`
	Summary  string            `json:"summary,omitempty"`
	Parties  []AgreementParty  `json:"parties"`
	Subjects []string          `json:"subjects"`
	// Dates, YYYY-MM-DD; empty while unknown.
	Signed  string `json:"signed,omitempty"`
	InForce string `json:"in_force,omitempty"`
	Expires string `json:"expires,omitempty"`
	// Where it was signed: a gathering (internal/meetings) and, at it, a
	// meeting request.
	Gathering      string `json:"gathering,omitempty"`
	MeetingRequest string `json:"meeting_request,omitempty"`
	Visibility     string `json:"visibility"`
	// State is what was recorded; Status is what a reader sees: the
	// state, or expired once a signed or in-force agreement's expiry date
	// has come. Status is derived on every read, never stored.
	State     string                  `json:"state"`
	Status    string                  `json:"status"`
	History   []AgreementStatusChange `json:"history"`
	Documents []AgreementDocument     `json:"documents"`
	CreatedBy string                  `json:"created_by"`
	CreatedAt time.Time               `json:"created_at"`
	UpdatedAt time.Time               `json:"updated_at"`
}

// Derive sets Status from State and the date today (YYYY-MM-DD).
func (a *Agreement) Derive(today string) {
	a.Status = a.State
	if (a.State == AgreementSigned || a.State == AgreementInForce) && a.Expires != "" && a.Expires <= today {
		a.Status = AgreementExpired
	}
}

// PartyCountries lists the countries of the agreement's bureau and agency
// parties, once each.
func (a *Agreement) PartyCountries() []string {
	var out []string
	for _, p := range a.Parties {
		if p.Country == "" {
			continue
		}
		seen := false
		for _, c := range out {
			seen = seen || c == p.Country
		}
		if !seen {
			out = append(out, p.Country)
		}
	}
	return out
}

// AgreementDocument is a text of an agreement in one language (the signed
// copy, a translation). Content is set only when reading one document.
type AgreementDocument struct {
	ID          string    `json:"id"`
	Agreement   string    `json:"agreement"`
	Lang        string    `json:"lang"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	Content     []byte    `json:"-"`
}

// AgreementScope is the access decision in a form a store evaluates over
// many rows: All, or the agreements Bureau may see (public and no longer
// a draft, registered by it, or with it among the parties). Stores only
// narrow with it; callers pass every row through the decision again.
type AgreementScope struct {
	All    bool
	Bureau string
}

// AgreementFilter selects agreements. Empty fields do not filter.
type AgreementFilter struct {
	Scope AgreementScope
	// Party is a party key (AgreementParty.Key); Country any party of
	// that country (its bureau or an agency).
	Party, Country, Subject, Kind, Gathering string
	// Status is a status as readers see it; Today decides expired.
	Status, Today string
	// Text is searched in the titles and the reference, case-insensitively.
	Text string
	// Signed and expiry date ranges, YYYY-MM-DD, inclusive.
	SignedFrom, SignedTo, ExpiresFrom, ExpiresTo string
	Limit, Offset                                int
}

// AgreementTx stores agreements and their documents. Updates are
// versioned: they write only over the version before (else ECONFLICT).
type AgreementTx interface {
	InsertAgreement(a *Agreement) error
	UpdateAgreement(a *Agreement) error
	// GetAgreement returns the agreement without its documents.
	GetAgreement(id string) (*Agreement, error)
	// ListAgreements lists by signature date (newest first, unsigned
	// last), then registration.
	ListAgreements(f AgreementFilter) ([]*Agreement, error)
	InsertAgreementDocument(d *AgreementDocument) error
	// AgreementDocuments lists an agreement's documents, without content.
	AgreementDocuments(agreement string) ([]AgreementDocument, error)
	// GetAgreementDocument returns one document with its content.
	GetAgreementDocument(agreement, id string) (*AgreementDocument, error)
}
