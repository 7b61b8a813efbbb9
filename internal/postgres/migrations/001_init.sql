-- 001_init: meetings, the global registry of their ids, access policies and
-- the token issuer's signing key.
--
-- Sharding: every table that holds a tenant's data leads its primary key and
-- unique indexes with tenant_id, so a Citus-style cluster can distribute them
-- by tenant_id and co-locate them. meeting_ids is the exception on purpose: it
-- is the global index that keeps a meeting's ids unique across tenants and
-- answers the public join page, which knows only a thread id; it would be
-- distributed by value. signing_keys is one row, a reference table.

CREATE TABLE meetings (
    tenant_id       text        NOT NULL,
    id              text        NOT NULL,
    organizer_id    text        NOT NULL,
    external_id     text        NOT NULL,   -- '' for a meeting from a plain create
    created_by      text        NOT NULL,   -- app id, for the monthly limit
    thread_id       text        NOT NULL,
    join_meeting_id text        NOT NULL,
    vtc_id          text        NOT NULL,   -- videoTeleconferenceId
    version         bigint      NOT NULL,
    created         timestamptz NOT NULL,   -- microseconds; the exact value is in data
    deleted_at      timestamptz,            -- soft delete: the ids stay taken
    data            jsonb       NOT NULL,   -- every other field (see record.go)
    PRIMARY KEY (tenant_id, id)
);

-- The createOrGet key. Live meetings only, so deleting a meeting frees its
-- external id.
CREATE UNIQUE INDEX meetings_key ON meetings (tenant_id, organizer_id, external_id)
    WHERE deleted_at IS NULL AND external_id <> '';
CREATE UNIQUE INDEX meetings_thread ON meetings (tenant_id, thread_id) WHERE thread_id <> '';
CREATE UNIQUE INDEX meetings_join ON meetings (tenant_id, join_meeting_id) WHERE join_meeting_id <> '';
CREATE UNIQUE INDEX meetings_vtc ON meetings (tenant_id, vtc_id) WHERE vtc_id <> '';
-- Listing an organizer's meetings and counting an app's meetings this month.
CREATE INDEX meetings_organizer ON meetings (tenant_id, organizer_id, created_by, created);

-- One row per id a meeting holds ('id', 'thread', 'join', 'vtc'), written in
-- the statement that writes the meeting: its primary key makes each id unique
-- across tenants, deleted meetings included.
CREATE TABLE meeting_ids (
    kind       text NOT NULL,
    value      text NOT NULL,
    tenant_id  text NOT NULL,
    meeting_id text NOT NULL,
    PRIMARY KEY (kind, value)
);

CREATE TABLE policies (
    tenant_id   text   NOT NULL,
    name        text   NOT NULL,
    app_ids     text[] NOT NULL,
    description text   NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- Who a policy is granted to: one policy per user, and one per tenant for the
-- global grant (user_id '').
CREATE TABLE policy_grants (
    tenant_id text NOT NULL,
    user_id   text NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, name) REFERENCES policies (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX policy_grants_policy ON policy_grants (tenant_id, name);

CREATE TABLE signing_keys (
    name    text        PRIMARY KEY,
    pem     text        NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);
