package api

import (
	"math"
	"net/http"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
)

// maxPostBytes bounds a message's JSON body: the most a message may hold
// (its text, every character escaped as \uXXXX, and its attachments in
// base64) and room for the rest of a new thread. The default body limit
// would refuse four attachments of the size a message takes.
const maxPostBytes = messages.MaxBody*6 + messages.MaxAttachments*(messages.MaxAttachmentBytes+2)/3*4 + 64<<10

type threadList struct {
	Items []*core.Thread `json:"items"`
}

func (s *Server) listThreads(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var fs []core.FieldError
	limit := intParam(r.URL.Query(), "limit", 50, 1, 200, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	ts, err := s.Messages.List(r.Context(), v, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, threadList{Items: ts})
	return nil
}

func (s *Server) openThread(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in messages.NewThread
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Messages.Open(r.Context(), v, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) getThread(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var fs []core.FieldError
	before := intParam(r.URL.Query(), "before", 0, 1, math.MaxInt32, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	t, err := s.Messages.Get(r.Context(), v, r.PathValue("id"), before)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in messages.Post
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Messages.Reply(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) readThread(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	t, err := s.Messages.MarkRead(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
