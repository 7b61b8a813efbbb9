package server

import (
	"net/http"
	"strings"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/graph"
)

// createOrGet serves POST …/onlineMeetings/createOrGet: 201 when it created
// the meeting, 200 with the stored one when the external id exists.
func (s *Server) createOrGet(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, c)
	if !ok {
		return
	}
	body, release, err := s.readBody(r)
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	defer release()
	var b graph.CreateOrGetBody
	if err := graph.ReadCreateOrGet(body, &b); err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	user := r.PathValue("userId")
	// The hit: Graph returns the stored meeting and ignores the rest of the
	// body, so the rest is decoded only when there is none.
	m, err := s.cfg.Service.MeetingByExternalID(r.Context(), c, user, b.ExternalID)
	if err == nil {
		s.writeMeeting(w, http.StatusOK, m, o)
		return
	}
	if meetd.ErrorCode(err) != meetd.ENOTFOUND {
		s.writeError(w, r, err)
		return
	}
	in, err := b.Input()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	m, created, err := s.cfg.Service.CreateAfterMiss(r.Context(), c, user, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.writeMeeting(w, status, m, o)
}

// create serves POST …/onlineMeetings.
func (s *Server) create(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, c)
	if !ok {
		return
	}
	body, release, err := s.readBody(r)
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	in, err := graph.DecodeMeetingInput(body)
	release()
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	m, err := s.cfg.Service.Create(r.Context(), c, r.PathValue("userId"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeMeeting(w, http.StatusCreated, m, o)
}

// get serves GET …/onlineMeetings/{meetingId}.
func (s *Server) get(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, c)
	if !ok {
		return
	}
	m, err := s.cfg.Service.Get(r.Context(), c, r.PathValue("userId"), r.PathValue("meetingId"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeMeeting(w, http.StatusOK, m, o)
}

// find serves GET …/onlineMeetings?$filter=…: Graph supports only equality
// on JoinWebUrl and joinMeetingIdSettings/joinMeetingId there.
func (s *Server) find(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, c)
	if !ok {
		return
	}
	f, err := parseFilter(r)
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	l, err := f.Lookup()
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	ms, err := s.cfg.Service.Find(r.Context(), c, r.PathValue("userId"), l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeCollection(w, ms, o)
}

// parseFilter parses the request's $filter.
func parseFilter(r *http.Request) (graph.Filter, error) {
	v, err := queryOption(r, "filter")
	if err != nil {
		return graph.Filter{}, err
	}
	return graph.ParseFilter(v)
}

// findByVTC serves GET /communications/onlineMeetings?$filter=VideoTeleconferenceId eq '…'.
func (s *Server) findByVTC(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, nil)
	if !ok {
		return
	}
	f, err := parseFilter(r)
	if err == nil && f.Property != graph.FilterVideoTeleconferenceID {
		err = meetd.Errorf(meetd.EFILTER, "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'.")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ms, err := s.cfg.Service.FindByVideoTeleconferenceID(r.Context(), c, f.Value)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeCollection(w, ms, o)
}

// update serves PATCH …/onlineMeetings/{meetingId}: 200 with the whole
// updated meeting.
func (s *Server) update(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	o, ok := s.options(w, r, c)
	if !ok {
		return
	}
	body, release, err := s.readBody(r)
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	p, err := graph.DecodeMeetingPatch(body)
	release()
	if err != nil {
		s.writeError(w, r, s.authFirst(r, c, err))
		return
	}
	m, err := s.cfg.Service.Update(r.Context(), c, r.PathValue("userId"), r.PathValue("meetingId"), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeMeeting(w, http.StatusOK, m, o)
}

// delete serves DELETE …/onlineMeetings/{meetingId}: 204, no body.
func (s *Server) delete(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	if err := s.cfg.Service.Delete(r.Context(), c, r.PathValue("userId"), r.PathValue("meetingId")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// notSupported answers methods and paths under /onlineMeetings that Graph
// does not serve.
func (s *Server) notSupported(w http.ResponseWriter, r *http.Request, c *meetd.Caller) {
	s.writeError(w, r, meetd.Errorf(meetd.EINVALID, "The %s method is not supported on %s.", r.Method, r.URL.Path))
}

// unknownSegment answers any other path under a Graph version as Graph does.
func (s *Server) unknownSegment(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, meetd.Errorf(meetd.EINVALID, "Resource not found for the segment '%s'.", unknownSegmentOf(r.URL.Path)))
}

// unknownSegmentOf names the first segment of an API path that meetd does
// not route, as Graph's error does: "events" in /v1.0/me/events.
func unknownSegmentOf(path string) string {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	i := 1 // after the version
	if i >= len(segs) {
		return segs[0]
	}
	switch segs[i] {
	case "me", "communications":
		i++
	case "users":
		i += 2 // and the user's id
	default:
		return segs[i]
	}
	if i < len(segs) && segs[i] == "onlineMeetings" {
		i += 2 // and the meeting's id, or createOrGet
	}
	if i < len(segs) {
		return segs[i]
	}
	return segs[len(segs)-1]
}

// options reads the request's render options (renderOptions) before the
// handler does anything else, or answers with why it cannot: a permission
// error first, as for a bad body.
func (s *Server) options(w http.ResponseWriter, r *http.Request, c *meetd.Caller) (graph.Options, bool) {
	o, err := renderOptions(r, c)
	if err != nil {
		if c != nil { // nil: the /communications collection, which checks its token itself
			err = s.authFirst(r, c, err)
		}
		s.writeError(w, r, err)
		return o, false
	}
	return o, true
}

// authFirst lets a permission error win over a body error, as on Graph,
// which checks who is calling before it reads what they sent.
func (s *Server) authFirst(r *http.Request, c *meetd.Caller, bodyErr error) error {
	if err := s.cfg.Service.Authorize(r.Context(), c, r.PathValue("userId"), r.Method != http.MethodGet); err != nil {
		return err
	}
	return bodyErr
}
