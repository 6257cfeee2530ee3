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
	// Unit: the viewer is of the host's security unit, which has the queue.
	Unit bool
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
	// A cleared or confirmed participant is decided for good: nothing is
	// offered; an escalated one waits for a clearance or a confirmation.
	d := participantData{G: g, A: a, Decisions: accreditation.Decisions,
		CanDecide: q.V.Bureau == g.Host && q.V.Can(core.PermRecordsWrite) && a.Status != core.AttendeePending && !accreditation.Settled(a.Decision),
		Unit:      q.V.Bureau == g.Host && q.V.Can(core.PermRecordsRead)}
	if a.Decision != nil && a.Decision.Decision == accreditation.DecideEscalate {
		d.Decisions = []string{accreditation.DecideClear, accreditation.DecideConfirm}
	}
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
	if ok && ce.Code == core.ECONFLICT {
		return c.decidedAlready(q, err)
	}
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

// decidedAlready shows the participant as it now stands when a decision
// is refused as a conflict (another member of the unit decided, or the
// page was left open), naming the decision taken in the reader's
// language; any other conflict is the error page's.
func (c *Console) decidedAlready(q *req, err error) error {
	a, gerr := c.API.Accreditation.Get(q.r.Context(), q.V, q.r.PathValue("id"), q.r.PathValue("pid"))
	if gerr != nil || a.Decision == nil {
		return err
	}
	label := q.L.T("accred.decision_" + a.Decision.Decision)
	msg := q.L.T("accred.err_decided", label, q.L.DateTime(a.Decision.At))
	if !accreditation.Settled(a.Decision) {
		msg = q.L.T("accred.err_escalated", label)
	}
	return c.renderParticipant(q, http.StatusConflict, nil, map[string]string{"decision": msg})
}
