-- Meetings. The columns are what the store looks meetings up by and what
-- must be unique; the rest of a meeting is in data, a JSON document private
-- to the store (internal/sqlite/meeting.go).
CREATE TABLE meetings (
	seq             INTEGER PRIMARY KEY,      -- creation order
	id              TEXT    NOT NULL,         -- Graph id; unique with thread_id (below)
	tenant_id       TEXT    NOT NULL,
	organizer_id    TEXT    NOT NULL,
	external_id     TEXT    NOT NULL,         -- '' when made by a plain create
	thread_id       TEXT    NOT NULL UNIQUE,
	join_meeting_id TEXT    NOT NULL UNIQUE,
	vtc_id          TEXT    NOT NULL UNIQUE,
	created_by      TEXT    NOT NULL,         -- app id (monthly limit)
	created_at      INTEGER NOT NULL,         -- unix microseconds, rounded down
	deleted_at      INTEGER,                  -- unix microseconds; NULL while live
	version         INTEGER NOT NULL,
	data            TEXT    NOT NULL
) STRICT;

-- A meeting's id is meetd.MeetingID(organizer_id, thread_id), checked on
-- insert, so the unique thread_id makes it unique too, and a meeting is
-- found by id through its thread: one random index fewer to write on every
-- create.

-- The createOrGet key. Only live meetings with an external id hold it, so a
-- deleted meeting frees its external id. This index, not a read before the
-- write, settles two creates racing for one key.
CREATE UNIQUE INDEX meetings_key ON meetings (tenant_id, organizer_id, external_id)
	WHERE deleted_at IS NULL AND external_id <> '';

-- Listing an organizer's meetings and counting an app's creations; with
-- external_id it also covers the scan that loads the key filter
-- (keyfilter.go) without reading the meetings themselves.
CREATE INDEX meetings_organizer ON meetings (tenant_id, organizer_id, created_by, created_at, external_id);

-- Application access policies, as Teams models them.
CREATE TABLE policies (
	tenant_id   TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	app_ids     TEXT NOT NULL,                -- JSON array of app ids
	PRIMARY KEY (tenant_id, name)
) STRICT, WITHOUT ROWID;

-- One grant per user and tenant; user_id '' is the tenant's global grant.
CREATE TABLE policy_grants (
	tenant_id   TEXT NOT NULL,
	user_id     TEXT NOT NULL,
	policy_name TEXT NOT NULL,
	PRIMARY KEY (tenant_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX policy_grants_policy ON policy_grants (tenant_id, policy_name);
