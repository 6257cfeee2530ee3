package console

import (
	"net/http"
	"net/url"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
)

// Accreditation pages: a gathering's queue for the host's security unit
// (participants by status, with the counts) and one participant's page
// (identity, findings as the host was shown them, history, decision).
// Everything comes from the accreditation service, which asks access.

type queueData struct {
	G        *core.Gathering
	Q        *accreditation.Queue
	Status   string
	Statuses []string
}

type participantData struct {
	G         *core.Gathering
	A         *core.Attendee
	Decisions []string
	CanDecide bool
}

func (c *Console) accreditationQueue(q *req) error {
	ctx, gid := q.r.Context(), q.r.PathValue("id")
	g, err := c.API.Meetings.Gathering(ctx, q.V, gid)
	if err != nil {
		return err
	}
	status := q.r.URL.Query().Get("status")
	qu, err := c.API.Accreditation.List(ctx, q.V, gid, accreditation.ListFilter{Status: status, After: q.r.URL.Query().Get("after"), Limit: 200})
	if err != nil {
		return err
	}
	p := c.newPage(q, "meetings", queueData{G: g, Q: qu, Status: status, Statuses: core.AttendeeStatuses})
	p.Title = q.L.T("accred.queue_title")
	return c.render(q, "accreditation", http.StatusOK, p)
}

func (c *Console) participantPage(q *req) error {
	return c.renderParticipant(q, http.StatusOK, nil, nil)
}

func (c *Console) renderParticipant(q *req, status int, form url.Values, errs map[string]string) error {
	ctx, gid := q.r.Context(), q.r.PathValue("id")
	g, err := c.API.Meetings.Gathering(ctx, q.V, gid)
	if err != nil {
		return err
	}
	a, err := c.API.Accreditation.Get(ctx, q.V, gid, q.r.PathValue("pid"))
	if err != nil {
		return err
	}
	d := participantData{G: g, A: a, Decisions: accreditation.Decisions, CanDecide: q.V.Bureau == g.Host && q.V.Can(core.PermRecordsWrite) && a.Status != core.AttendeePending}
	p := c.newPage(q, "meetings", d)
	p.dataTitle(a.Name, "")
	if form != nil {
		p.Form = form
	}
	if errs != nil {
		p.Errors = errs
	}
	return c.render(q, "participant", status, p)
}

func (c *Console) participantDecision(q *req) error {
	f := q.r.PostForm
	in := accreditation.DecisionInput{Decision: f.Get("decision"), Reason: f.Get("reason")}
	_, err := c.API.Accreditation.Decide(q.r.Context(), q.V, q.r.PathValue("id"), q.r.PathValue("pid"), in)
	if err == nil {
		return c.redirect(q, "/meetings/"+q.r.PathValue("id")+"/participants/"+q.r.PathValue("pid"))
	}
	ce, ok := err.(*core.Error)
	if !ok || ce.Code != core.EINVALID {
		return err
	}
	errs := map[string]string{}
	for _, fe := range ce.Fields {
		switch fe.Field {
		case "decision":
			errs["decision"] = q.L.T("accred.err_decision")
		case "reason":
			errs["reason"] = q.L.T("accred.err_reason")
		}
	}
	return c.renderParticipant(q, http.StatusBadRequest, f, errs)
}
