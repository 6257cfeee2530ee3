package console

import (
	"encoding/hex"
	"slices"
	"strconv"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// The General Assembly's pages: the sessions, a session's agenda,
// delegations and results, printable minutes, and the voting booth of a
// delegation's head. The booth does the blind-signature arithmetic in the
// browser (assets/booth.js): the server never sees the token it signs.

type asmBar struct {
	Label string
	Count int
	Pct   int // of the ballots, 0–100
}

type asmRound struct {
	*core.Round
	Open   bool
	Bars   []asmBar
	Others []asmBar // blank, invalid, abstain
	Winner string
}

type asmItem struct {
	*core.AgendaItem
	Rounds []asmRound
	Winner string // the elected candidate, described
	Labels map[string]string
}

type asmSession struct {
	Session     *core.AssemblySession
	Items       []asmItem
	Delegations []*core.Delegation
	Quorum      int
	Present     int
	CanVote     bool // the viewer acts for an accredited delegation
	Country     string
}

// candidateLabel describes a candidate: the person (or city) and country.
func candidateLabel(l *Lang, c core.Candidate) string {
	name := c.Country
	if m, ok := members.Lookup(c.Country); ok {
		name = m.Name(l.Code)
	}
	return c.Name + " (" + name + ")"
}

func optionLabels(l *Lang, it *core.AgendaItem) map[string]string {
	out := map[string]string{}
	for _, o := range []string{assembly.ChoiceYes, assembly.ChoiceNo, assembly.ChoiceAbstain, assembly.ChoiceBlank, assembly.ChoiceInvalid} {
		out[o] = l.T("assembly.choice." + o)
	}
	for _, c := range it.Candidates {
		out[c.ID] = candidateLabel(l, c)
	}
	return out
}

func roundView(l *Lang, r *core.Round, labels map[string]string) asmRound {
	v := asmRound{Round: r, Open: r.State == core.RoundOpen}
	t := r.Result
	if t == nil {
		return v
	}
	pct := func(n int) int {
		if t.Ballots == 0 {
			return 0
		}
		return n * 100 / t.Ballots
	}
	for _, o := range r.Options {
		if o == assembly.ChoiceAbstain {
			continue
		}
		v.Bars = append(v.Bars, asmBar{Label: labels[o], Count: t.Counts[o], Pct: pct(t.Counts[o])})
	}
	if r.Kind != core.ItemElection {
		v.Others = append(v.Others, asmBar{Label: labels[assembly.ChoiceAbstain], Count: t.Abstain, Pct: pct(t.Abstain)})
	}
	v.Others = append(v.Others, asmBar{Label: labels[assembly.ChoiceBlank], Count: t.Blank, Pct: pct(t.Blank)},
		asmBar{Label: labels[assembly.ChoiceInvalid], Count: t.Invalid, Pct: pct(t.Invalid)})
	v.Winner = labels[t.Winner]
	return v
}

func (c *Console) assemblyData(q *req, id string) (*asmSession, error) {
	view, err := c.API.Assembly.Session(q.r.Context(), q.V, id)
	if err != nil {
		return nil, err
	}
	out := &asmSession{Session: view.Session, Delegations: view.Delegations, Quorum: assembly.QuorumRequired(view.Session), Country: q.V.Bureau}
	for _, d := range view.Delegations {
		if !d.Observer && d.Credentials == core.CredentialsAccepted {
			out.Present++
			if d.ProxyFor != "" && view.Session.AllowProxies {
				out.Present++
			}
			if d.Country == q.V.Bureau && access.CanRegisterDelegation(q.V, d.Country) {
				out.CanVote = true
			}
		}
	}
	for _, it := range view.Items {
		labels := optionLabels(q.L, it)
		iv := asmItem{AgendaItem: it, Labels: labels}
		for _, r := range view.Rounds {
			if r.ItemID == it.ID {
				iv.Rounds = append(iv.Rounds, roundView(q.L, r, labels))
			}
		}
		if it.Outcome != nil && it.Outcome.Winner != "" {
			iv.Winner = labels[it.Outcome.Winner]
		}
		out.Items = append(out.Items, iv)
	}
	return out, nil
}

func (c *Console) assemblyPage(q *req) error {
	ss, err := c.API.Assembly.Sessions(q.r.Context(), q.V)
	if err != nil {
		return err
	}
	return c.show(q, "assembly", "assembly", "assembly.title", ss)
}

func (c *Console) assemblySessionPage(q *req) error {
	d, err := c.assemblyData(q, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := c.newPage(q, "assembly", d)
	p.Title = q.L.T("assembly.session_title", d.Session.Number, d.Session.Place)
	return c.render(q, "assembly_session", 200, p)
}

func (c *Console) assemblyMinutesPage(q *req) error {
	d, err := c.assemblyData(q, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	p := c.newPage(q, "assembly", d)
	p.Title = q.L.T("assembly.minutes_title", d.Session.Number, d.Session.Place)
	return c.render(q, "assembly_minutes", 200, p)
}

type boothOption struct{ ID, Label string }

type boothData struct {
	Round    *core.Round
	Item     *core.AgendaItem
	Options  []boothOption
	Modulus  string // hex
	Exponent string
	Country  string
	CanVote  bool
	// NoDelay skips the random wait before casting (?delay=0): the
	// voter's own choice, for a test or a demonstration.
	NoDelay bool
}

// boothPage shows the ballot of an open round. Taking the token needs the
// delegation's session (same origin); casting sends no credentials.
func (c *Console) boothPage(q *req) error {
	r, err := c.API.Assembly.Round(q.r.Context(), q.r.PathValue("id"))
	if err != nil {
		return err
	}
	view, err := c.API.Assembly.Session(q.r.Context(), q.V, r.SessionID)
	if err != nil {
		return err
	}
	var it *core.AgendaItem
	for _, x := range view.Items {
		if x.ID == r.ItemID {
			it = x
		}
	}
	if it == nil {
		return core.Errorf(core.ENOTFOUND, "agenda item not found")
	}
	pk, err := assembly.PublicKey(r.PublicKey)
	if err != nil {
		return err
	}
	labels := optionLabels(q.L, it)
	d := boothData{Round: r, Item: it, Modulus: hex.EncodeToString(pk.N.Bytes()), Exponent: strconv.Itoa(pk.E), Country: q.V.Bureau,
		CanVote: access.CanRegisterDelegation(q.V, q.V.Bureau) && slices.Contains(r.Eligible, q.V.Bureau), NoDelay: q.r.URL.Query().Get("delay") == "0"}
	for _, o := range append(slices.Clone(r.Options), assembly.ChoiceBlank) {
		d.Options = append(d.Options, boothOption{ID: o, Label: labels[o]})
	}
	p := c.newPage(q, "assembly", d)
	p.Title = q.L.T("assembly.booth_title", r.Number, it.Title)
	return c.render(q, "assembly_booth", 200, p)
}
