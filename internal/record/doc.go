// Package record is the stored form of a meeting's fields that have no
// column of their own: the JSON document both stores keep in their data
// column (SQLite's TEXT, PostgreSQL's jsonb). It is this package's own shape,
// so that the domain has no JSON tags and a rename there cannot silently
// change stored data; it changes only with a migration that rewrites the
// column.
//
// Both directions are written by hand: every create pays for Encode and
// every read that misses the stores' caches pays for Decode, and
// encoding/json's reflection cost several times as much (bench_test.go).
//
// The document, members in this order (Decode takes any order):
//
//	subject, start, end, created, modified, passcode, passcodeRequired,
//	conferenceId, chatInfo {threadId, messageId, replyChainMessageId},
//	organizer {kind, id, displayName, tenantId, upn, role}, attendees [...],
//	settings {allowedPresenters, allowedLobbyAdmitters, lobbyBypassScope,
//	dialInBypass, isEntryExitAnnounced, allowMeetingChat, allowLiveShare,
//	allowTeamworkReactions, allowAttendeeToEnableCamera,
//	allowAttendeeToEnableMic, allowBreakoutRooms,
//	allowCopyingAndSharingMeetingContent, allowPowerPointSharing,
//	allowRecording, allowTranscription, allowWhiteboard,
//	recordAutomatically, allowParticipantsToChangeName,
//	isEndToEndEncryptionEnabled, shareMeetingChatHistoryDefault,
//	anonymizeIdentityForRoles [...], watermark {forContentSharing,
//	forVideo}, chatRestrictions {allowTextOnly}}
//
// Empty strings and false are left out, except in watermark and
// chatRestrictions, which is left out when nil (rows written before it
// existed have none); the four times
// are always written (RFC 3339 in UTC with nanoseconds); attendees,
// anonymizeIdentityForRoles and watermark are written as null when nil, so
// that nil and empty read back as they were. Rows the PostgreSQL store wrote
// before this package hold every member, empty or not, and jsonb hands
// documents back in its own member order and spacing: Decode reads them
// all.
package record
