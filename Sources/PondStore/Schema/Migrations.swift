/// The schema as history: an ordered list of named migrations per dialect, never edited after they ship.
///
/// Every table leads with `workspace_id` so the Postgres schema can be distributed by workspace later
/// (Citus-compatible) without rewriting keys. Instants are integer milliseconds (see `Instant`); JSON is text.
///
/// SQLite plans without statistics on a fresh file and then takes any index led by `workspace_id` to be selective,
/// scanning a whole workspace where a key lookup was meant. Its indexes therefore avoid a leading `workspace_id`
/// where a global key exists (profile ids are global rowids there); queries still filter by workspace.
struct Migration: Sendable {
    let name: String
    let sql: String
}

enum Migrations {
    static let sqlite: [Migration] = [
        Migration(name: "001_data_spine", sql: """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, settings TEXT NOT NULL, created_at INTEGER NOT NULL);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), kind TEXT NOT NULL,
                name TEXT NOT NULL, source TEXT NOT NULL, channel TEXT NOT NULL, prefix TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);
            CREATE INDEX api_keys_workspace ON api_keys(workspace_id);
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL,
                event TEXT, user_id TEXT, anonymous_id TEXT, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
                source TEXT NOT NULL, channel TEXT NOT NULL, profile_id INTEGER, payload TEXT NOT NULL);
            CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);
            CREATE INDEX events_pending ON events(seq) WHERE profile_id IS NULL;
            CREATE INDEX events_profile ON events(workspace_id, profile_id, ts);
            CREATE TABLE profiles (
                id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, canonical_id INTEGER NOT NULL, merged_into INTEGER,
                created_at INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
            CREATE INDEX profiles_canonical ON profiles(canonical_id);
            CREATE TABLE identities (
                workspace_id TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, profile_id INTEGER NOT NULL,
                first_seen INTEGER NOT NULL, message_id TEXT, PRIMARY KEY (workspace_id, type, value));
            CREATE INDEX identities_profile ON identities(workspace_id, profile_id);
            CREATE TABLE profile_traits (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                ts INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_id, key));
            CREATE TABLE trait_history (
                id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, key TEXT NOT NULL,
                value TEXT NOT NULL, ts INTEGER NOT NULL, message_id TEXT NOT NULL);
            CREATE INDEX trait_history_profile ON trait_history(workspace_id, profile_id, key, ts);
            CREATE TABLE merges (
                id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, survivor_id INTEGER NOT NULL,
                merged_id INTEGER NOT NULL, identity_type TEXT NOT NULL, identity_value TEXT NOT NULL,
                actor TEXT NOT NULL, reason TEXT NOT NULL, message_id TEXT, created_at INTEGER NOT NULL,
                undone_at INTEGER, undone_by TEXT);
            CREATE INDEX merges_survivor ON merges(workspace_id, survivor_id);
            CREATE INDEX merges_merged ON merges(workspace_id, merged_id);
            CREATE TABLE merge_blocks (
                workspace_id TEXT NOT NULL, profile_a INTEGER NOT NULL, profile_b INTEGER NOT NULL,
                created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_a, profile_b));
            CREATE TABLE identity_conflicts (
                id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL, profile_id INTEGER NOT NULL,
                other_profile_id INTEGER, identity_type TEXT NOT NULL, identity_value TEXT NOT NULL,
                reason TEXT NOT NULL, message_id TEXT NOT NULL, created_at INTEGER NOT NULL,
                last_at INTEGER NOT NULL, occurrences INTEGER NOT NULL DEFAULT 1);
            CREATE UNIQUE INDEX identity_conflicts_key
                ON identity_conflicts(workspace_id, profile_id, kind, identity_type, identity_value);
            """),
        Migration(name: "002_customer_intelligence", sql: """
            CREATE TABLE tag_groups (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
                created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE tags (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, group_name TEXT, description TEXT NOT NULL,
                created_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE profile_tags (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, tag TEXT NOT NULL, source TEXT NOT NULL,
                source_ref TEXT, tagged_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_id, tag));
            CREATE INDEX profile_tags_tag ON profile_tags(workspace_id, tag);
            CREATE TABLE tag_rules (
                workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, tag TEXT NOT NULL,
                action TEXT NOT NULL, rule TEXT NOT NULL, enabled INTEGER NOT NULL, time_dependent INTEGER NOT NULL,
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, id));
            CREATE TABLE segments (
                workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
                kind TEXT NOT NULL, rule TEXT, time_dependent INTEGER NOT NULL, created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL, evaluated_at INTEGER, PRIMARY KEY (workspace_id, id));
            CREATE TABLE segment_members (
                workspace_id TEXT NOT NULL, segment_id TEXT NOT NULL, profile_id INTEGER NOT NULL, since INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, segment_id, profile_id));
            CREATE INDEX segment_members_profile ON segment_members(workspace_id, profile_id);
            CREATE TABLE segment_changes (
                seq INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, segment_id TEXT NOT NULL, profile_id INTEGER NOT NULL,
                change TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL);
            CREATE INDEX segment_changes_segment ON segment_changes(workspace_id, segment_id, seq);
            CREATE TABLE rfm_scores (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, r INTEGER NOT NULL, f INTEGER NOT NULL, m INTEGER NOT NULL,
                layer TEXT NOT NULL, order_count INTEGER NOT NULL, total_amount REAL NOT NULL, last_order_at INTEGER NOT NULL,
                scored_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX rfm_scores_layer ON rfm_scores(workspace_id, layer);
            CREATE TABLE profile_stages (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, stage TEXT NOT NULL, since INTEGER NOT NULL,
                rule TEXT NOT NULL, reason TEXT NOT NULL, churn_risk REAL, evaluated_at INTEGER NOT NULL,
                first_seen INTEGER NOT NULL, last_activity_at INTEGER, last_other_activity_at INTEGER, activated_at INTEGER,
                order_count INTEGER NOT NULL, first_order_at INTEGER, previous_order_at INTEGER, last_order_at INTEGER,
                PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX profile_stages_stage ON profile_stages(workspace_id, stage);
            CREATE TABLE profile_consents (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, purpose TEXT NOT NULL, granted INTEGER NOT NULL,
                updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_id, purpose));
            CREATE TABLE workspace_models (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL, state TEXT,
                updated_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE profile_work (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, queued_at INTEGER NOT NULL,
                PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX events_name ON events(event, ts) WHERE type = 'track';
            """),
        // `event_facts`: the `track` events of stitched profiles (not parked ones, `Store.parkedProfileID` = 0)
        // with only their `properties`, clustered by (workspace, event, time). Full segment evaluations and RFM
        // runs ask for "this event in this window": on `events` that is one random row read and one parse of a
        // whole payload per event, here a run of narrow rows in key order. Triggers keep it in step with every
        // write to `events` (stitching attaches profile ids; events never move), so no write path can forget it.
        // (003 is Postgres' SQL functions; SQLite defines them in Swift.)
        Migration(name: "004_event_facts", sql: """
            CREATE TABLE event_facts (
                workspace_id TEXT NOT NULL, event TEXT NOT NULL, ts INTEGER NOT NULL, seq INTEGER NOT NULL,
                profile_id INTEGER NOT NULL, properties TEXT, PRIMARY KEY (workspace_id, event, ts, seq)) WITHOUT ROWID;
            \(sqliteEventFactsBackfill);
            CREATE TRIGGER event_facts_insert AFTER INSERT ON events
            WHEN NEW.type = 'track' AND NEW.event IS NOT NULL AND NEW.profile_id IS NOT NULL AND NEW.profile_id <> 0 BEGIN
                INSERT INTO event_facts VALUES (NEW.workspace_id, NEW.event, NEW.ts, NEW.seq, NEW.profile_id,
                    CASE WHEN json_valid(NEW.payload) THEN NEW.payload -> '$.properties' END);
            END;
            CREATE TRIGGER event_facts_attach AFTER UPDATE OF profile_id ON events
            WHEN NEW.type = 'track' AND NEW.event IS NOT NULL AND NEW.profile_id IS NOT NULL AND NEW.profile_id <> 0
                AND OLD.profile_id IS NOT NEW.profile_id BEGIN
                INSERT INTO event_facts VALUES (NEW.workspace_id, NEW.event, NEW.ts, NEW.seq, NEW.profile_id,
                    CASE WHEN json_valid(NEW.payload) THEN NEW.payload -> '$.properties' END)
                ON CONFLICT (workspace_id, event, ts, seq) DO UPDATE SET profile_id = excluded.profile_id;
            END;
            CREATE TRIGGER event_facts_delete AFTER DELETE ON events
            WHEN OLD.type = 'track' AND OLD.event IS NOT NULL BEGIN
                DELETE FROM event_facts
                WHERE workspace_id = OLD.workspace_id AND event = OLD.event AND ts = OLD.ts AND seq = OLD.seq;
            END;
            """),
        // `rfm_scores` clustered by its key: a full RFM run reads every score of a workspace, which on a rowid table
        // is a walk of the key index plus one table look-up per score.
        Migration(name: "005_rfm_scores_clustered", sql: """
            CREATE TABLE rfm_scores_clustered (
                workspace_id TEXT NOT NULL, profile_id INTEGER NOT NULL, r INTEGER NOT NULL, f INTEGER NOT NULL, m INTEGER NOT NULL,
                layer TEXT NOT NULL, order_count INTEGER NOT NULL, total_amount REAL NOT NULL, last_order_at INTEGER NOT NULL,
                scored_at INTEGER NOT NULL, PRIMARY KEY (workspace_id, profile_id)) WITHOUT ROWID;
            INSERT INTO rfm_scores_clustered SELECT workspace_id, profile_id, r, f, m, layer, order_count, total_amount,
                last_order_at, scored_at FROM rfm_scores;
            DROP TABLE rfm_scores;
            ALTER TABLE rfm_scores_clustered RENAME TO rfm_scores;
            CREATE INDEX rfm_scores_layer ON rfm_scores(workspace_id, layer);
            \(mergedProfilesIndex)
            """),
        // What ingestion pays per event, kept to what it needs: `events_name` is superseded by `event_facts` (with
        // `among`, SQLite plans are driven by the profile index instead); `events_profile` holds only attached
        // events, so a pending event costs no entry there until stitching gives it a profile; and the insert
        // trigger is gone because SQLite runs a trigger's `WHEN` inside the trigger program, a frame set up per
        // inserted row — about a fifth of an ingested event's insert cost, for a condition that is false for every
        // event ingestion writes (they arrive unattached). Rows inserted already attached get their facts from
        // `Store.insertAttachedEvents`.
        Migration(name: "006_lean_event_log", sql: """
            DROP TRIGGER event_facts_insert;
            DROP INDEX events_name;
            DROP INDEX events_profile;
            CREATE INDEX events_profile ON events(workspace_id, profile_id, ts) WHERE profile_id IS NOT NULL;
            """),
        // Message ids leave the per-event unique index for `MessageIDLedger`: the ids there now are settled in key
        // order (the index being dropped gives that order), and deletes are refused because the ledger finds the
        // events it has not settled by `seq`.
        Migration(name: "007_message_id_ledger", sql: """
            CREATE TABLE message_ids (
                workspace_id TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (workspace_id, message_id)) WITHOUT ROWID;
            CREATE TABLE message_id_watermark (seq INTEGER NOT NULL);
            INSERT INTO message_ids (workspace_id, message_id)
            SELECT workspace_id, message_id FROM events ORDER BY workspace_id, message_id;
            INSERT INTO message_id_watermark (seq) SELECT COALESCE(MAX(seq), 0) FROM events;
            DROP INDEX events_message;
            CREATE TRIGGER events_append_only BEFORE DELETE ON events
            BEGIN
                SELECT RAISE(ABORT, 'events are append-only: the message-id ledger finds unsettled events by seq');
            END;
            """),
        Migration(name: "008_stitch_failures", sql: stitchFailures(integer: "INTEGER")),
        Migration(name: "009_jobs", sql: jobs(id: "INTEGER PRIMARY KEY", integer: "INTEGER")),
        Migration(name: "010_consent_and_dispatch", sql: consentAndDispatch(id: "INTEGER PRIMARY KEY", integer: "INTEGER")),
        Migration(name: "011_templates_and_broadcasts", sql: templatesAndBroadcasts(id: "INTEGER PRIMARY KEY", integer: "INTEGER")),
        Migration(name: "012_journeys", sql: journeys(id: "INTEGER PRIMARY KEY", integer: "INTEGER")),
        Migration(name: "013_channels", sql: channels(integer: "INTEGER")),
        Migration(name: "014_delivery_receipts", sql: deliveryReceipts(integer: "INTEGER")),
    ]

    /// Events stitching set aside because a pass including them failed on their data (see
    /// `Store.setAsideFromStitching`): parked (`profile_id` 0) so the rest of the log moves on, with the error kept
    /// until an operator retries them.
    /// The durable job and timer queue (`Store+Jobs`): one row per piece of work due at a time, claimed under a lease.
    /// Claims read `jobs_due` from its start, so millions of timers far in the future cost nothing until they are due.
    static func jobs(id: String, integer: String) -> String {
        """
        CREATE TABLE jobs (
            id \(id), workspace_id TEXT NOT NULL, kind TEXT NOT NULL, job_key TEXT NOT NULL, due_at \(integer) NOT NULL,
            payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until \(integer),
            last_error TEXT, created_at \(integer) NOT NULL, UNIQUE (workspace_id, kind, job_key));
        CREATE INDEX jobs_due ON jobs (due_at, id);
        """
    }

    static func stitchFailures(integer: String) -> String {
        """
        CREATE TABLE stitch_failures (
            workspace_id TEXT NOT NULL, seq \(integer) NOT NULL, message_id TEXT NOT NULL, error TEXT NOT NULL,
            failed_at \(integer) NOT NULL, PRIMARY KEY (workspace_id, seq));
        """
    }

    /// The few profiles merged into another, which whole-workspace passes fold into their roots: without it,
    /// finding them is a scan of every profile.
    static let mergedProfilesIndex = "CREATE INDEX profiles_merged ON profiles(canonical_id) WHERE canonical_id <> id;"

    static let postgres: [Migration] = [
        Migration(name: "001_data_spine", sql: """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, settings TEXT NOT NULL, created_at BIGINT NOT NULL);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), kind TEXT NOT NULL,
                name TEXT NOT NULL, source TEXT NOT NULL, channel TEXT NOT NULL, prefix TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked_at BIGINT);
            CREATE INDEX api_keys_workspace ON api_keys(workspace_id);
            CREATE TABLE events (
                seq BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, message_id TEXT NOT NULL,
                type TEXT NOT NULL, event TEXT, user_id TEXT, anonymous_id TEXT, ts BIGINT NOT NULL,
                received_at BIGINT NOT NULL, source TEXT NOT NULL, channel TEXT NOT NULL, profile_id BIGINT,
                payload TEXT NOT NULL, PRIMARY KEY (workspace_id, seq));
            CREATE UNIQUE INDEX events_message ON events(workspace_id, message_id);
            CREATE INDEX events_pending ON events(seq) WHERE profile_id IS NULL;
            CREATE INDEX events_profile ON events(workspace_id, profile_id, ts);
            CREATE TABLE profiles (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, canonical_id BIGINT NOT NULL,
                merged_into BIGINT, created_at BIGINT NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, id));
            CREATE INDEX profiles_canonical ON profiles(workspace_id, canonical_id);
            CREATE TABLE identities (
                workspace_id TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, profile_id BIGINT NOT NULL,
                first_seen BIGINT NOT NULL, message_id TEXT, PRIMARY KEY (workspace_id, type, value));
            CREATE INDEX identities_profile ON identities(workspace_id, profile_id);
            CREATE TABLE profile_traits (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                ts BIGINT NOT NULL, PRIMARY KEY (workspace_id, profile_id, key));
            CREATE TABLE trait_history (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL,
                key TEXT NOT NULL, value TEXT NOT NULL, ts BIGINT NOT NULL, message_id TEXT NOT NULL,
                PRIMARY KEY (workspace_id, id));
            CREATE INDEX trait_history_profile ON trait_history(workspace_id, profile_id, key, ts);
            CREATE TABLE merges (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, survivor_id BIGINT NOT NULL,
                merged_id BIGINT NOT NULL, identity_type TEXT NOT NULL, identity_value TEXT NOT NULL,
                actor TEXT NOT NULL, reason TEXT NOT NULL, message_id TEXT, created_at BIGINT NOT NULL,
                undone_at BIGINT, undone_by TEXT, PRIMARY KEY (workspace_id, id));
            CREATE INDEX merges_survivor ON merges(workspace_id, survivor_id);
            CREATE INDEX merges_merged ON merges(workspace_id, merged_id);
            CREATE TABLE merge_blocks (
                workspace_id TEXT NOT NULL, profile_a BIGINT NOT NULL, profile_b BIGINT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, profile_a, profile_b));
            CREATE TABLE identity_conflicts (
                id BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, kind TEXT NOT NULL,
                profile_id BIGINT NOT NULL, other_profile_id BIGINT, identity_type TEXT NOT NULL,
                identity_value TEXT NOT NULL, reason TEXT NOT NULL, message_id TEXT NOT NULL,
                created_at BIGINT NOT NULL, last_at BIGINT NOT NULL, occurrences BIGINT NOT NULL DEFAULT 1,
                PRIMARY KEY (workspace_id, id));
            CREATE UNIQUE INDEX identity_conflicts_key
                ON identity_conflicts(workspace_id, profile_id, kind, identity_type, identity_value);
            """),
        Migration(name: "002_customer_intelligence", sql: """
            CREATE TABLE tag_groups (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE tags (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, group_name TEXT, description TEXT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE profile_tags (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, tag TEXT NOT NULL, source TEXT NOT NULL,
                source_ref TEXT, tagged_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, profile_id, tag));
            CREATE INDEX profile_tags_tag ON profile_tags(workspace_id, tag);
            CREATE TABLE tag_rules (
                workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, tag TEXT NOT NULL,
                action TEXT NOT NULL, rule TEXT NOT NULL, enabled BIGINT NOT NULL, time_dependent BIGINT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, id));
            CREATE TABLE segments (
                workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
                kind TEXT NOT NULL, rule TEXT, time_dependent BIGINT NOT NULL, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, evaluated_at BIGINT, PRIMARY KEY (workspace_id, id));
            CREATE TABLE segment_members (
                workspace_id TEXT NOT NULL, segment_id TEXT NOT NULL, profile_id BIGINT NOT NULL, since BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, segment_id, profile_id));
            CREATE INDEX segment_members_profile ON segment_members(workspace_id, profile_id);
            CREATE TABLE segment_changes (
                seq BIGINT GENERATED BY DEFAULT AS IDENTITY, workspace_id TEXT NOT NULL, segment_id TEXT NOT NULL, profile_id BIGINT NOT NULL,
                change TEXT NOT NULL, at BIGINT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (workspace_id, seq));
            CREATE INDEX segment_changes_segment ON segment_changes(workspace_id, segment_id, seq);
            CREATE TABLE rfm_scores (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, r BIGINT NOT NULL, f BIGINT NOT NULL, m BIGINT NOT NULL,
                layer TEXT NOT NULL, order_count BIGINT NOT NULL, total_amount DOUBLE PRECISION NOT NULL, last_order_at BIGINT NOT NULL,
                scored_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX rfm_scores_layer ON rfm_scores(workspace_id, layer);
            CREATE TABLE profile_stages (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, stage TEXT NOT NULL, since BIGINT NOT NULL,
                rule TEXT NOT NULL, reason TEXT NOT NULL, churn_risk DOUBLE PRECISION, evaluated_at BIGINT NOT NULL,
                first_seen BIGINT NOT NULL, last_activity_at BIGINT, last_other_activity_at BIGINT, activated_at BIGINT,
                order_count BIGINT NOT NULL, first_order_at BIGINT, previous_order_at BIGINT, last_order_at BIGINT,
                PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX profile_stages_stage ON profile_stages(workspace_id, stage);
            CREATE TABLE profile_consents (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, purpose TEXT NOT NULL, granted BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, profile_id, purpose));
            CREATE TABLE workspace_models (
                workspace_id TEXT NOT NULL, name TEXT NOT NULL, config TEXT NOT NULL, state TEXT,
                updated_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, name));
            CREATE TABLE profile_work (
                workspace_id TEXT NOT NULL, profile_id BIGINT NOT NULL, queued_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, profile_id));
            CREATE INDEX events_name ON events(workspace_id, event, ts) WHERE type = 'track';
            """),
        Migration(name: "003_segment_functions", sql: segmentFunctionsPostgres),
        Migration(name: "004_event_facts", sql: """
            CREATE TABLE event_facts (
                workspace_id TEXT NOT NULL, event TEXT NOT NULL, ts BIGINT NOT NULL, seq BIGINT NOT NULL,
                profile_id BIGINT NOT NULL, properties TEXT, PRIMARY KEY (workspace_id, event, ts, seq));
            -- A payload that is not JSON (Pond writes none, but rows may come from elsewhere) has no properties
            -- rather than failing the write that attaches it. The block's subtransaction writes nothing, so it
            -- takes no transaction id.
            CREATE FUNCTION pond_properties(payload text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
            BEGIN
                RETURN (pond_json(payload) -> 'properties')::text;
            EXCEPTION WHEN invalid_text_representation THEN
                RETURN NULL;
            END
            $$;
            INSERT INTO event_facts
                SELECT workspace_id, event, ts, seq, profile_id, pond_properties(payload)
                FROM events WHERE type = 'track' AND event IS NOT NULL AND profile_id IS NOT NULL AND profile_id <> 0;
            CREATE FUNCTION pond_event_facts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    DELETE FROM event_facts
                    WHERE workspace_id = OLD.workspace_id AND event = OLD.event AND ts = OLD.ts AND seq = OLD.seq;
                    RETURN OLD;
                END IF;
                INSERT INTO event_facts VALUES (NEW.workspace_id, NEW.event, NEW.ts, NEW.seq, NEW.profile_id,
                    pond_properties(NEW.payload))
                ON CONFLICT (workspace_id, event, ts, seq) DO UPDATE SET profile_id = EXCLUDED.profile_id;
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER event_facts_insert AFTER INSERT ON events FOR EACH ROW
                WHEN (NEW.type = 'track' AND NEW.event IS NOT NULL AND NEW.profile_id IS NOT NULL AND NEW.profile_id <> 0)
                EXECUTE FUNCTION pond_event_facts();
            CREATE TRIGGER event_facts_attach AFTER UPDATE OF profile_id ON events FOR EACH ROW
                WHEN (NEW.type = 'track' AND NEW.event IS NOT NULL AND NEW.profile_id IS NOT NULL AND NEW.profile_id <> 0
                    AND OLD.profile_id IS DISTINCT FROM NEW.profile_id)
                EXECUTE FUNCTION pond_event_facts();
            CREATE TRIGGER event_facts_delete AFTER DELETE ON events FOR EACH ROW
                WHEN (OLD.type = 'track' AND OLD.event IS NOT NULL)
                EXECUTE FUNCTION pond_event_facts();
            """),
        // (`rfm_scores` is a heap with a key index here either way; only the index of merged profiles is new.)
        Migration(name: "005_profiles_merged", sql: mergedProfilesIndex),
        Migration(name: "006_stitch_failures", sql: stitchFailures(integer: "BIGINT")),
        Migration(name: "007_jobs", sql: jobs(id: "BIGSERIAL PRIMARY KEY", integer: "BIGINT")),
        Migration(name: "008_consent_and_dispatch", sql: consentAndDispatch(id: "BIGSERIAL PRIMARY KEY", integer: "BIGINT")),
        Migration(name: "009_templates_and_broadcasts", sql: templatesAndBroadcasts(id: "BIGSERIAL PRIMARY KEY", integer: "BIGINT")),
        Migration(name: "010_journeys", sql: journeys(id: "BIGSERIAL PRIMARY KEY", integer: "BIGINT")),
        Migration(name: "011_channels", sql: channels(integer: "BIGINT")),
        Migration(name: "012_delivery_receipts", sql: deliveryReceipts(integer: "BIGINT")),
    ]

    /// The facts of `events` rows, for `INSERT INTO event_facts`.
    static let sqliteEventFactsSelect = """
        SELECT workspace_id, event, ts, seq, profile_id,
            CASE WHEN json_valid(payload) THEN payload -> '$.properties' END
        FROM events WHERE type = 'track' AND event IS NOT NULL AND profile_id IS NOT NULL AND profile_id <> 0
        """

    /// Fills `event_facts` from `events`, in key order (also after a bulk load, see `Store.bulkLoad`).
    static let sqliteEventFactsBackfill = """
        INSERT INTO event_facts \(sqliteEventFactsSelect)
            ORDER BY workspace_id, event, ts, seq
        ON CONFLICT DO NOTHING
        """

    /// Fills `event_facts` for the rows inserted after `seq` `?` (see `Store.insertAttachedEvents`).
    static let sqliteEventFactsAfter = "INSERT INTO event_facts \(sqliteEventFactsSelect) AND seq > ?"

    /// The functions compiled segment SQL (`SegmentSQL`) calls, in SQL. SQLite gets the same names from Swift
    /// (`SQLiteSegmentFunctions`), where they call `ISO8601.parse` and `JSONParser` directly; these are
    /// translations of that code, and the segment agreement tests hold the two together.
    ///
    /// - `pond_json(text)`: stored JSON text as `json`. Postgres text cannot hold U+0000, so `->` and `->>` fail on
    ///   a `\u0000` escape, which Pond's parser accepts; such escapes are read as U+FFFF (a noncharacter) instead,
    ///   only for the rare text that contains one, so a query never fails on a stored document.
    /// - `pond_json_int(json)` / `pond_json_real(json)`: a JSON number as `JSONParser` reads it — an integer literal
    ///   (no fraction, no exponent) that fits Int64 is an integer, anything else the nearest double
    ///   (`float8in` rounds correctly, as Swift does). `json`, not `jsonb`, keeps the literal's spelling.
    /// - `pond_instant(text, default offset seconds)`: `ISO8601.parse`, in ms; NULL where it returns nil. One
    ///   regular expression checks the shape (a plain match; capturing groups make Postgres' regex engine ten
    ///   times slower), then fields are read at their positions.
    static let segmentFunctionsPostgres = #"""
        CREATE FUNCTION pond_json(doc text) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN strpos(doc, '\u0000') = 0 THEN doc::json
                ELSE regexp_replace(doc, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\uffff', 'g')::json END
        $$;
        CREATE FUNCTION pond_json_int(j json) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN json_typeof(j) <> 'number' THEN NULL
                WHEN j::text !~ '^\s*-?[0-9]{1,19}\s*$' THEN NULL
                WHEN j::text::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN j::text::bigint END
        $$;
        CREATE FUNCTION pond_json_real(j json) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN json_typeof(j) = 'number' AND pond_json_int(j) IS NULL THEN j::text::double precision END
        $$;
        CREATE FUNCTION pond_days_in_month(yr bigint, mo bigint) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN mo = 2 THEN CASE WHEN (yr % 4 = 0 AND yr % 100 <> 0) OR yr % 400 = 0 THEN 29 ELSE 28 END
                WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END
        $$;
        -- Days since 1970-01-01 in the proleptic Gregorian calendar, for years 0…9999 (Postgres counts 1 BC, not
        -- year 0, before 1 AD).
        CREATE FUNCTION pond_days_from_civil(yr bigint, mo bigint, dy bigint) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT (make_date((CASE WHEN yr <= 0 THEN yr - 1 ELSE yr END)::int, mo::int, dy::int) - DATE '1970-01-01')::bigint
        $$;
        CREATE FUNCTION pond_instant(s text, default_offset bigint) RETURNS bigint
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
        DECLARE
            t text := btrim(s, ' ');
            p int;
            run int;
            secs bigint;
            ms bigint := 0;
            z text;
        BEGIN
            IF t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:?(?:[0-9]{2})?)?)?$'
                OR substr(t, 6, 2)::int NOT BETWEEN 1 AND 12 OR substr(t, 9, 2)::int < 1
                OR substr(t, 9, 2)::int > pond_days_in_month(substr(t, 1, 4)::int, substr(t, 6, 2)::int) THEN
                RETURN NULL;
            END IF;
            secs := pond_days_from_civil(substr(t, 1, 4)::int, substr(t, 6, 2)::int, substr(t, 9, 2)::int) * 86400;
            IF length(t) = 10 THEN RETURN (secs - default_offset) * 1000; END IF;
            -- hh:mm at 12, then :ss at 17 or not.
            p := CASE WHEN substr(t, 17, 1) = ':' THEN 20 ELSE 17 END;
            IF substr(t, 12, 2)::int >= 24 OR substr(t, 15, 2)::int >= 60 OR (p = 20 AND substr(t, 18, 2)::int >= 61)
            THEN
                RETURN NULL;
            END IF;
            secs := secs + substr(t, 12, 2)::int * 3600 + substr(t, 15, 2)::int * 60
                + CASE WHEN p = 20 THEN substr(t, 18, 2)::int ELSE 0 END;
            -- A fraction: its first three digits are the milliseconds; the rest are cut off, not rounded.
            IF substr(t, p, 1) IN ('.', ',') THEN
                z := substr(t, p + 1);
                run := length(z) - length(ltrim(z, '0123456789'));
                ms := rpad(left(z, least(run, 3)), 3, '0')::bigint;
                p := p + 1 + run;
            END IF;
            -- The zone: none, Z, or ±hh, ±hh:, ±hhmm, ±hh:mm.
            z := substr(t, p);
            IF z = '' THEN RETURN (secs - default_offset) * 1000 + ms; END IF;
            IF z IN ('Z', 'z') THEN RETURN secs * 1000 + ms; END IF;
            IF substr(z, 2, 2)::int >= 24 OR (length(z) >= 5 AND right(z, 2)::int >= 60) THEN RETURN NULL; END IF;
            RETURN (secs - (substr(z, 2, 2)::int * 3600 + CASE WHEN length(z) >= 5 THEN right(z, 2)::int * 60 ELSE 0 END)
                * CASE WHEN left(z, 1) = '-' THEN -1 ELSE 1 END) * 1000 + ms;
        END
        $$
        """#
}
