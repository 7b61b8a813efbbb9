// Package graph is meetd's Microsoft Graph wire contract: it turns meetd's
// domain values into onlineMeeting JSON and request bodies back into domain
// input, and holds the one table from domain error codes to an HTTP status
// and a Graph error body.
//
// What Graph clients see is decided here and nowhere else: property names and
// order, enum casing (with evolvable members hidden as unknownFutureValue
// unless the client prefers include-unknown-enum-members), DateTimeOffset
// format, @odata.context, $select, $filter and the error envelope. The
// encoder appends to a caller's buffer and copies parts rendered once by
// NewRenderer, because a meeting is rendered on every request; request bodies
// are read by a small JSON scanner for the same reason.
//
// There is no HTTP routing here: internal/server calls these functions.
package graph
