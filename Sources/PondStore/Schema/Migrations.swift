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
    ]

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
    ]
}
