package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
)

// ballotRoute is the unauthenticated ballot route, whose requests are
// logged without their address.
const ballotRoute = "POST /api/v1/assembly/rounds/{id}/ballots"

// MaxBallotBytes bounds a ballot's body: a token, a signature and a
// choice are well under it.
const MaxBallotBytes = 8 << 10

var (
	pSessionID    = param{"id", "path", "The session's id."}
	pItemID       = param{"id", "path", "The agenda item's id."}
	pRoundID      = param{"id", "path", "The round's id."}
	pDelegationID = param{"id", "path", "The delegation's id."}
)

func (s *Server) assemblyRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/assembly/sessions", Summary: "General Assembly sessions, newest first", Resp: "AssemblySessionList", h: s.assemblySessions},
		{Method: "POST", Path: "/api/v1/assembly/sessions", Summary: "Create a General Assembly session, a draft (secretariat administrators)", Body: "AssemblySessionInput", Resp: "AssemblySession", Status: 201, h: s.createAssemblySession},
		{Method: "GET", Path: "/api/v1/assembly/sessions/{id}", Summary: "A session with its agenda, delegations and rounds (counts hidden while a round is open)", Resp: "AssemblySessionView", Params: []param{pSessionID}, h: s.assemblySession},
		{Method: "POST", Path: "/api/v1/assembly/sessions/{id}/state", Summary: "Move a session forward: draft, convened, open, closed (secretariat administrators)", Body: "AssemblySessionState", Resp: "AssemblySession", Params: []param{pSessionID}, h: s.assemblySessionState},
		{Method: "POST", Path: "/api/v1/assembly/sessions/{id}/items", Summary: "Add an agenda item; a member bureau may propose a resolution or amendment in its country's name", Body: "AgendaItemInput", Resp: "AgendaItem", Status: 201, Params: []param{pSessionID}, h: s.addAgendaItem},
		{Method: "POST", Path: "/api/v1/assembly/sessions/{id}/delegations", Summary: "Register a member's delegation (its bureau) or an observer (secretariat); credentials start pending", Body: "DelegationInput", Resp: "Delegation", Status: 201, Params: []param{pSessionID}, h: s.registerDelegation},
		{Method: "POST", Path: "/api/v1/assembly/delegations/{id}/credentials", Summary: "Accept or reject a delegation's credentials (secretariat administrators)", Body: "CredentialsDecision", Resp: "Delegation", Params: []param{pDelegationID}, h: s.examineCredentials},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/table", Summary: "Table a draft resolution or amendment (secretariat administrators)", Resp: "AgendaItem", Params: []param{pItemID}, h: s.tableItem},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/candidates", Summary: "Put forward a member country's candidate (its bureau)", Body: "CandidateInput", Resp: "AgendaItem", Status: 201, Params: []param{pItemID}, h: s.nominate},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/candidates/{cid}/withdraw", Summary: "Withdraw a candidacy (its country's bureau or the secretariat), between rounds", Resp: "AgendaItem",
			Params: []param{pItemID, {"cid", "path", "The candidate's id."}}, h: s.withdraw},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/request-vote", Summary: "Ask for a secret ballot on an election (an accredited delegation): no acclamation then", Body: "AssemblyCountry", Resp: "AgendaItem", Params: []param{pItemID}, h: s.requestVote},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/acclaim", Summary: "Declare the one remaining candidate elected by acclamation (secretariat administrators)", Resp: "AgendaItem", Params: []param{pItemID}, h: s.acclaim},
		{Method: "POST", Path: "/api/v1/assembly/items/{id}/rounds", Summary: "Open the next round of secret ballot on an item, quorum checked (secretariat administrators)", Body: "RoundInput", Resp: "Round", Status: 201, Params: []param{pItemID}, h: s.openRound},
		{Method: "GET", Path: "/api/v1/assembly/rounds/{id}", Summary: "A round: tokens taken and ballots cast; the count once closed", Public: true, Resp: "Round", Params: []param{pRoundID}, h: s.getRound},
		{Method: "POST", Path: "/api/v1/assembly/rounds/{id}/tokens", Summary: "Take the delegation's one blind-signed ballot token for the round (RFC 9474)", Body: "TokenRequest", Resp: "TokenAnswer", Params: []param{pRoundID}, h: s.issueToken},
		{Method: "GET", Path: "/api/v1/assembly/rounds/{id}/tokens", Summary: "Whether your delegation's token of the round (and that of the country whose proxy it holds) was taken, and when", Resp: "TokenStatusList", Params: []param{pRoundID}, h: s.roundTokens},
		{Method: "POST", Path: "/api/v1/assembly/rounds/{id}/ballots", Summary: "Cast a ballot with an unblinded token, unauthenticated; answers the receipt", Public: true, Body: "BallotInput", Resp: "Receipt", Status: 201, MaxBody: MaxBallotBytes, Params: []param{pRoundID}, h: s.castBallot},
		{Method: "POST", Path: "/api/v1/assembly/rounds/{id}/close", Summary: "Close a round now, count it from its board and publish the result (secretariat administrators)", Resp: "Round", Params: []param{pRoundID}, h: s.closeRound},
		{Method: "GET", Path: "/api/v1/assembly/rounds/{id}/board", Summary: "The round's bulletin board: size and root; every ballot once closed (what verify-tally reads)", Public: true, Resp: "Board", Params: []param{pRoundID}, h: s.roundBoard},
		{Method: "GET", Path: "/api/v1/assembly/rounds/{id}/proof", Summary: "The inclusion proof of the ballot at index in the board as it stands", Public: true, Resp: "Receipt",
			Params: []param{pRoundID, {"index", "query", "The ballot's index on the board (its receipt's index)."}}, h: s.roundProof},
	}
}

func (s *Server) assemblySessions(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	ss, err := s.Assembly.Sessions(r.Context(), v)
	if err != nil {
		return err
	}
	if ss == nil {
		ss = []*core.AssemblySession{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ss})
	return nil
}

func (s *Server) createAssemblySession(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.SessionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ss, err := s.Assembly.CreateSession(r.Context(), v, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assembly/sessions/"+ss.ID)
	writeJSON(w, http.StatusCreated, ss)
	return nil
}

func (s *Server) assemblySession(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	view, err := s.Assembly.Session(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if view.Items == nil {
		view.Items = []*core.AgendaItem{}
	}
	if view.Delegations == nil {
		view.Delegations = []*core.Delegation{}
	}
	if view.Rounds == nil {
		view.Rounds = []*core.Round{}
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}

// sessionStateIn moves a session forward.
type sessionStateIn struct {
	State   string `json:"state"`
	Version int64  `json:"version"`
}

func (s *Server) assemblySessionState(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in sessionStateIn
	if err := decode(r, &in); err != nil {
		return err
	}
	ss, err := s.Assembly.SetSessionState(r.Context(), v, r.PathValue("id"), in.State, in.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

func (s *Server) addAgendaItem(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.ItemInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := s.Assembly.AddItem(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, it)
	return nil
}

func (s *Server) registerDelegation(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.DelegationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.Assembly.RegisterDelegation(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) examineCredentials(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.CredentialsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.Assembly.ExamineCredentials(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) tableItem(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	it, err := s.Assembly.Table(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) nominate(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.CandidateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := s.Assembly.Nominate(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, it)
	return nil
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	it, err := s.Assembly.Withdraw(r.Context(), v, r.PathValue("id"), r.PathValue("cid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) requestVote(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.CountryInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := s.Assembly.RequestVote(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) acclaim(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	it, err := s.Assembly.Acclaim(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) openRound(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.RoundInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rd, err := s.Assembly.OpenRound(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assembly/rounds/"+rd.ID)
	writeJSON(w, http.StatusCreated, rd)
	return nil
}

func (s *Server) getRound(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	rd, err := s.Assembly.Round(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in assembly.TokenInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := s.Assembly.IssueToken(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) roundTokens(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	out, err := s.Assembly.Tokens(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// castBallot takes a ballot from anyone: the token is the credential.
// The viewer's address is not passed on (see assembly.CastBallot).
func (s *Server) castBallot(w http.ResponseWriter, r *http.Request, _ core.Viewer) error {
	var in assembly.BallotInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rc, err := s.Assembly.CastBallot(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rc)
	return nil
}

func (s *Server) closeRound(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	rd, err := s.Assembly.CloseRound(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rd)
	return nil
}

func (s *Server) roundBoard(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	f, err := s.Assembly.Board(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) roundProof(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	raw := strings.TrimSpace(r.URL.Query().Get("index"))
	index, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || index < 0 {
		return core.Invalid(core.FieldError{Field: "index", Reason: "is required: the ballot's index on the board, a whole number from 0"})
	}
	rc, err := s.Assembly.Proof(r.Context(), r.PathValue("id"), index)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}
