-- 002_changes: a change counter for each of 64 slots of meetings, bumped by
-- every UPDATE and DELETE of a meeting row (meetd's updates and soft deletes,
-- and SQL run by hand alike) and by TRUNCATE, in the same transaction.
--
-- A replica that has read a meeting keeps it with its slot's counter, read in
-- the same statement. While the counter is unchanged, no transaction has
-- changed or deleted that row since, so one read of the counters of a batch
-- of hits tells which of their meetings are current (readcache.go). Inserts
-- do not count: a new row cannot change a meeting already read, and a key
-- is taken again only after its meeting was deleted, which counts.
--
-- Slots spread the counters so that concurrent updates of different meetings
-- seldom wait for one another's counter row. A slot is a function of the
-- meeting id alone, with sha256 rather than hashtext, whose values may change
-- between PostgreSQL versions.

CREATE TABLE meeting_changes (
    slot integer PRIMARY KEY,
    n    bigint  NOT NULL
);
INSERT INTO meeting_changes (slot, n) SELECT g, 0 FROM generate_series(0, 63) AS g;

CREATE FUNCTION meeting_slot(id text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT get_byte(sha256(convert_to(id, 'UTF8')), 0) & 63 $$;

-- The trigger functions name tables without a schema: they keep the
-- migration's search_path, so that a session with another one still finds them.
CREATE FUNCTION meeting_changed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    UPDATE meeting_changes SET n = n + 1 WHERE slot = meeting_slot(OLD.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION meetings_truncated() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    UPDATE meeting_changes SET n = n + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER meetings_changed AFTER UPDATE OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION meeting_changed();
CREATE TRIGGER meetings_truncated AFTER TRUNCATE ON meetings
    FOR EACH STATEMENT EXECUTE FUNCTION meetings_truncated();
