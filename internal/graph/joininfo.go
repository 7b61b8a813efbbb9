package graph

import "github.com/meetd/meetd"

// passcode returns the passcode Graph shows: only when one is required, as
// createOrGet's isPasscodeRequired:false meetings show passcode:null.
func (r *Renderer) passcode(m *meetd.Meeting) string {
	if !m.PasscodeRequired {
		return ""
	}
	return m.Passcode
}

// The markup of joinInformation, form-encoded once; the per-meeting values
// are escaped and encoded between these parts.
var (
	joinInfoStart   = `{"content":"data:text/html,` + string(appendFormEncoded(nil, `<div style="width:100%;"><div style="font-size:24px;">Online meeting</div><div style="margin-top:12px;"><a href="`))
	joinInfoLink    = string(appendFormEncoded(nil, `" target="_blank" rel="noreferrer noopener">Join the meeting now</a></div><div style="margin-top:12px;">Meeting ID: `))
	joinInfoPass    = string(appendFormEncoded(nil, `</div><div>Passcode: `))
	joinInfoEndDiv  = string(appendFormEncoded(nil, `</div>`))
	joinInfoConfID  = string(appendFormEncoded(nil, `<div>Phone conference ID: `))
	joinInfoConfEnd = string(appendFormEncoded(nil, `#</div>`))
	joinInfoEnd     = string(appendFormEncoded(nil, `</div>`)) + `","contentType":"html"}`
)

// joinInformation writes the itemBody with the meeting's join details as a
// data: URL of form-encoded HTML, the shape Graph returns.
func (r *Renderer) joinInformation(dst []byte, m *meetd.Meeting) []byte {
	dst = append(dst, joinInfoStart...)
	dst = append(dst, r.joinInfoURL...)
	// The join URL tail is unreserved characters and %xx: nothing to
	// HTML-escape, and form encoding turns % into %25.
	var buf [256]byte
	dst = appendFormEncoded(dst, appendJoinTail(buf[:0], m))
	dst = append(dst, joinInfoLink...)
	dst = appendHTMLFormEncoded(dst, m.JoinMeetingID)
	if p := r.passcode(m); p != "" {
		dst = append(dst, joinInfoPass...)
		dst = appendHTMLFormEncoded(dst, p)
	}
	dst = append(dst, joinInfoEndDiv...)
	if r.joinInfoTail != "" {
		dst = append(dst, r.joinInfoTail...)
		if m.ConferenceID != "" {
			dst = append(dst, joinInfoConfID...)
			dst = appendHTMLFormEncoded(dst, m.ConferenceID)
			dst = append(dst, joinInfoConfEnd...)
		}
	}
	return append(dst, joinInfoEnd...)
}
