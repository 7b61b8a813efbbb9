// Package meetd holds the domain of a Microsoft Graph–compatible online meetings
// service: meetings, callers, application access policies, the errors the
// service speaks in, the Store it keeps meetings in, and the Service that holds
// Graph's rules (createOrGet's key, time defaults, permissions).
//
// It imports only the standard library and knows nothing of JSON or HTTP:
// Graph owns the wire, and internal/graph translates.
package meetd
