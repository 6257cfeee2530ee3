package core

import "time"

// General Assembly session states, in order.
const (
	SessionDraft    = "draft"
	SessionConvened = "convened"
	SessionOpen     = "open"
	SessionClosed   = "closed"
)

// SessionStates lists the states of a session in life-cycle order.
var SessionStates = []string{SessionDraft, SessionConvened, SessionOpen, SessionClosed}

// Credentials states of a delegation.
const (
	CredentialsPending  = "pending"
	CredentialsAccepted = "accepted"
	CredentialsRejected = "rejected"
)

// Agenda item kinds.
const (
	ItemPlain      = "item"       // a report or debate, not voted
	ItemResolution = "resolution" // voted: adopted or rejected
	ItemAmendment  = "amendment"  // an amendment to a resolution, voted before it
	ItemElection   = "election"   // a post, or the host of a future session
)

// ItemKinds lists the agenda item kinds.
var ItemKinds = []string{ItemPlain, ItemResolution, ItemAmendment, ItemElection}

// Agenda item states. A resolution or amendment goes draft → tabled →
// voting → adopted or rejected; an election goes candidacies → voting
// (between rounds too) → decided.
const (
	ItemDraft       = "draft"
	ItemTabled      = "tabled"
	ItemVoting      = "voting"
	ItemAdopted     = "adopted"
	ItemRejected    = "rejected"
	ItemCandidacies = "candidacies"
	ItemDecided     = "decided"
	ItemNoted       = "noted" // a plain item
)

// Round states.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// AssemblySession is one annual session of the General Assembly.
type AssemblySession struct {
	ID        string   `json:"id"`
	Number    int      `json:"number"` // 93 for the 93rd session
	Place     string   `json:"place"`
	StartsOn  string   `json:"starts_on"` // YYYY-MM-DD
	EndsOn    string   `json:"ends_on"`
	Languages []string `json:"languages"`
	State     string   `json:"state"`
	// Quorum is how many member countries must be present (accredited,
	// in person or by proxy) for a vote; 0 means a majority of the
	// member countries.
	Quorum       int       `json:"quorum"`
	AllowProxies bool      `json:"allow_proxies"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Person is a member of a delegation (or a candidate for a post).
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
}

// Delegation is a member country's delegation to a session, or an
// observer (an international organisation), which attends and speaks but
// never votes.
type Delegation struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	// Country is the member's ISO alpha-2 code; empty for an observer.
	Country      string   `json:"country,omitempty"`
	Observer     bool     `json:"observer"`
	Organisation string   `json:"organisation,omitempty"` // an observer's name
	Head         Person   `json:"head"`
	Delegates    []Person `json:"delegates"`
	Advisers     []Person `json:"advisers"`
	// ProxyFor is the member country whose proxy the delegation holds, if
	// the session allows proxies (never more than one).
	ProxyFor          string     `json:"proxy_for,omitempty"`
	Credentials       string     `json:"credentials"`
	CredentialsReason string     `json:"credentials_reason,omitempty"`
	ExaminedBy        string     `json:"examined_by,omitempty"`
	ExaminedAt        *time.Time `json:"examined_at,omitempty"`
	RegisteredBy      string     `json:"registered_by"`
	Version           int64      `json:"version"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Seat is what makes a delegation unique in its session: the country, or
// the observer organisation's name.
func (d *Delegation) Seat() string {
	if d.Observer {
		return "observer:" + d.Organisation
	}
	return d.Country
}

// AgendaDocument is a document of an agenda item in one language.
type AgendaDocument struct {
	Lang  string `json:"lang"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Candidate is a candidacy for a post or to host a session, put forward
// by a member country.
type Candidate struct {
	ID          string     `json:"id"`
	Country     string     `json:"country"`
	Name        string     `json:"name"` // the person; or the city, for a host
	Withdrawn   bool       `json:"withdrawn"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	// DroppedAfter is the round after which the candidate was dropped
	// (fewest votes); 0 while in the running.
	DroppedAfter int `json:"dropped_after,omitempty"`
}

// Running reports whether the candidate can still be voted for.
func (c Candidate) Running() bool { return !c.Withdrawn && c.DroppedAfter == 0 }

// Outcome is how an item was decided.
type Outcome struct {
	Method    string    `json:"method"` // ballot or acclamation
	Result    string    `json:"result"` // adopted, rejected or elected
	Winner    string    `json:"winner,omitempty"`
	RoundID   string    `json:"round_id,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
}

// AgendaItem is one item of a session's agenda: a plain item, a
// resolution or amendment, or an election.
type AgendaItem struct {
	ID         string           `json:"id"`
	SessionID  string           `json:"session_id"`
	Number     int              `json:"number"` // order on the agenda
	Kind       string           `json:"kind"`
	Title      string           `json:"title"`
	Text       string           `json:"text,omitempty"`
	Documents  []AgendaDocument `json:"documents"`
	ProposedBy string           `json:"proposed_by"` // a member country or the secretariat
	State      string           `json:"state"`
	// Subject decides the majority of a resolution: ordinary (simple
	// majority), constitution or admission (two-thirds).
	Subject string `json:"subject,omitempty"`
	Amends  string `json:"amends,omitempty"` // an amendment's resolution
	// Position is an election's post: president, vice_president,
	// delegate or host; Region a Vice-President's region.
	Position      string      `json:"position,omitempty"`
	Region        string      `json:"region,omitempty"`
	TermYears     int         `json:"term_years,omitempty"`
	Candidates    []Candidate `json:"candidates"`
	VoteRequested []string    `json:"vote_requested"` // countries that asked for a ballot
	Rounds        int         `json:"rounds"`
	Outcome       *Outcome    `json:"outcome,omitempty"`
	Version       int64       `json:"version"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// Quorum is the quorum as checked before a vote.
type Quorum struct {
	Required int  `json:"required"`
	Present  int  `json:"present"`
	Met      bool `json:"met"`
}

// Tally is a round's count, computed from its bulletin board.
type Tally struct {
	Counts  map[string]int `json:"counts"` // by option
	Blank   int            `json:"blank"`
	Invalid int            `json:"invalid"`
	Abstain int            `json:"abstain"`
	// Cast is the votes cast: ballots for an option other than abstain;
	// blank, invalid and abstentions are not votes cast.
	Cast    int    `json:"cast"`
	Ballots int    `json:"ballots"`
	Rule    string `json:"rule"`
	// Outcome is adopted, rejected, elected or no_decision.
	Outcome string `json:"outcome"`
	Winner  string `json:"winner,omitempty"`
	// Dropped lists the candidates dropped before the next round.
	Dropped []string `json:"dropped,omitempty"`
}

// Round is one secret ballot on an item.
type Round struct {
	ID        string   `json:"id"`
	SessionID string   `json:"session_id"`
	ItemID    string   `json:"item_id"`
	Number    int      `json:"number"`
	Kind      string   `json:"kind"` // resolution (amendments too) or election
	State     string   `json:"state"`
	Question  string   `json:"question"`
	Options   []string `json:"options"`
	Rule      string   `json:"rule"` // simple or two_thirds
	// DropLowest: without a winner, the candidate with the fewest votes
	// is dropped before the next round.
	DropLowest bool `json:"drop_lowest"`
	// PublicKey is the round's RSA blind-signature verification key
	// (PKIX DER, base64), RSABSSA-SHA384-PSSZERO-Deterministic.
	PublicKey string `json:"public_key"`
	// Eligible are the member countries that may vote (in person or by
	// proxy); TokensIssued how many have taken their token.
	Eligible     []string   `json:"eligible"`
	TokensIssued int        `json:"tokens_issued"`
	Quorum       Quorum     `json:"quorum"`
	OpenedAt     time.Time  `json:"opened_at"`
	ClosesAt     time.Time  `json:"closes_at"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	BoardSize    int64      `json:"board_size"`
	BoardRoot    string     `json:"board_root"` // hex, RFC 6962
	Result       *Tally     `json:"result,omitempty"`
	Version      int64      `json:"version"`
}

// BoardEntry is one accepted ballot on a round's bulletin board. It holds
// nothing that names who cast it.
type BoardEntry struct {
	RoundID   string `json:"round_id"`
	Index     int64  `json:"index"`
	Token     string `json:"token"`     // the unblinded token, base64url
	Signature string `json:"signature"` // the server's signature on it, base64url
	Choice    string `json:"choice"`
	TokenHash string `json:"-"` // hex SHA-256 of the token: one ballot per token
}

// AssemblyTx stores the General Assembly: sessions, delegations, agenda
// items, ballot rounds, the rounds' signing keys, which countries took a
// token, and the bulletin boards.
type AssemblyTx interface {
	InsertAssemblySession(s *AssemblySession) error
	// UpdateAssemblySession writes s if the stored version is
	// s.Version-1; otherwise ECONFLICT (and so for the other updates).
	UpdateAssemblySession(s *AssemblySession) error
	GetAssemblySession(id string) (*AssemblySession, error)
	// LockAssemblySession reads a session and keeps its row locked until
	// the transaction ends: the checks that span a session's delegations,
	// agenda and rounds (one proxy per country, one delegation per person,
	// one seat per country, no round opening as the session closes) run
	// one at a time. SQLite's single writer serialises them already.
	LockAssemblySession(id string) (*AssemblySession, error)
	ListAssemblySessions(limit int) ([]*AssemblySession, error)

	// InsertDelegation: ECONFLICT if the seat is taken in the session.
	InsertDelegation(d *Delegation) error
	UpdateDelegation(d *Delegation) error
	GetDelegation(id string) (*Delegation, error)
	ListDelegations(sessionID string) ([]*Delegation, error)

	InsertAgendaItem(it *AgendaItem) error
	UpdateAgendaItem(it *AgendaItem) error
	GetAgendaItem(id string) (*AgendaItem, error)
	ListAgendaItems(sessionID string) ([]*AgendaItem, error)

	// InsertRound stores a round and its private signing key, sealed by
	// the caller under a key the store never sees.
	InsertRound(r *Round, sealedKey []byte) error
	UpdateRound(r *Round) error
	// GetRound reads a round; with lock, its row stays locked until the
	// transaction ends (ballots append one at a time).
	GetRound(id string, lock bool) (*Round, error)
	ListRounds(sessionID string) ([]*Round, error)
	// RoundsDue lists open rounds whose closing time is before t.
	RoundsDue(t time.Time, limit int) ([]*Round, error)
	// RoundKey is the round's sealed private signing key (ENOTFOUND once
	// the round closed and it was deleted).
	RoundKey(roundID string) ([]byte, error)
	DeleteRoundKey(roundID string) error

	// MarkTokenIssued records that country took its token of the round
	// at a time; ECONFLICT if it already did. Nothing about the token is
	// stored.
	MarkTokenIssued(roundID, country string, at time.Time) error
	// TokenIssued says whether country's token of the round was taken,
	// and when (nil for a token taken before the time was kept).
	TokenIssued(roundID, country string) (taken bool, at *time.Time, err error)
	// InsertBallot appends to the round's board; ECONFLICT if the token
	// was spent.
	InsertBallot(b *BoardEntry) error
	Board(roundID string) ([]BoardEntry, error)
}
