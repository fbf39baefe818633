/// The schema of acting on customers: consent and the dispatcher, templates and broadcasts, journeys, channel
/// settings. Listed, like every migration, in `Migrations`.
extension Migrations {
    /// The consent ledger and the dispatcher's records (`Store+Consent`, `Store+Dispatch`):
    /// - `consent_entries`: every answer ever recorded, never changed (the audit trail PIPL asks for), against the
    ///   profile it was given through; `import_key` makes a bulk import idempotent;
    /// - `consent_states`: per profile, purpose and channel, the latest answer (`ConsentLedger`); a cluster's state
    ///   is read over its members, so merges and unmerges rewrite nothing here. `profile_consents` keeps the
    ///   per-purpose summary that segment conditions read, for the cluster root;
    /// - `messages`: one row per message asked for, keyed by its idempotency key, so a retried request never sends
    ///   twice; `sent_at` (set when the dispatcher lets it go) is the history caps and the marketing share count,
    ///   read by `messages_history` for one cluster's recent window;
    /// - `dispatch_decisions`: every decision with its reason, in order (the decision log);
    /// - `sandbox_deliveries`: what the sandbox channel delivered, for the API to list;
    /// - `workspace_secrets`: secrets Pond generates for a workspace itself (the key unsubscribe links are signed with).
    static func consentAndDispatch(id: String, integer: String) -> String {
        """
        CREATE TABLE consent_entries (
            id \(id), workspace_id TEXT NOT NULL, profile_id \(integer) NOT NULL, purpose TEXT NOT NULL,
            channel TEXT NOT NULL, action TEXT NOT NULL, at \(integer) NOT NULL, notice_version TEXT, source TEXT NOT NULL,
            evidence TEXT, recorded_at \(integer) NOT NULL, import_key TEXT);
        CREATE INDEX consent_entries_profile ON consent_entries (workspace_id, profile_id, id);
        CREATE UNIQUE INDEX consent_entries_import ON consent_entries (workspace_id, import_key) WHERE import_key IS NOT NULL;
        CREATE TABLE consent_states (
            workspace_id TEXT NOT NULL, profile_id \(integer) NOT NULL, purpose TEXT NOT NULL, channel TEXT NOT NULL,
            entry_id \(integer) NOT NULL, action TEXT NOT NULL, at \(integer) NOT NULL, notice_version TEXT,
            source TEXT NOT NULL, evidence TEXT, PRIMARY KEY (workspace_id, profile_id, purpose, channel));
        CREATE TABLE messages (
            workspace_id TEXT NOT NULL, message_key TEXT NOT NULL, profile_id \(integer) NOT NULL, channel TEXT NOT NULL,
            category TEXT NOT NULL, origin TEXT NOT NULL, origin_ref TEXT, content TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT, created_at \(integer) NOT NULL, expires_at \(integer), decided_at \(integer), due_at \(integer),
            sent_at \(integer), finished_at \(integer), deferrals INTEGER NOT NULL DEFAULT 0, address TEXT, provider_id TEXT,
            error TEXT,
            PRIMARY KEY (workspace_id, message_key));
        CREATE INDEX messages_history ON messages (workspace_id, profile_id, sent_at) WHERE sent_at IS NOT NULL;
        CREATE INDEX messages_origin ON messages (workspace_id, origin, origin_ref);
        CREATE TABLE dispatch_decisions (
            id \(id), workspace_id TEXT NOT NULL, message_key TEXT NOT NULL, profile_id \(integer) NOT NULL,
            channel TEXT NOT NULL, category TEXT NOT NULL, decision TEXT NOT NULL, reason TEXT, until \(integer),
            decided_at \(integer) NOT NULL);
        CREATE INDEX dispatch_decisions_workspace ON dispatch_decisions (workspace_id, id);
        CREATE INDEX dispatch_decisions_profile ON dispatch_decisions (workspace_id, profile_id, id);
        CREATE TABLE sandbox_deliveries (
            id \(id), workspace_id TEXT NOT NULL, message_key TEXT NOT NULL, profile_id \(integer) NOT NULL,
            channel TEXT NOT NULL, category TEXT NOT NULL, address TEXT, content TEXT NOT NULL,
            delivered_at \(integer) NOT NULL, UNIQUE (workspace_id, message_key));
        CREATE TABLE workspace_secrets (
            workspace_id TEXT NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL, created_at \(integer) NOT NULL,
            PRIMARY KEY (workspace_id, name));
        """
    }

    /// Journeys (`Store+Journeys`, `Store+JourneyRuns`):
    /// - `journeys` and `journey_versions`: a definition is never edited, a change is a new version; runs keep the
    ///   version they entered;
    /// - `journey_listeners`: the event names and segment transitions some journey of the workspace waits for, so the
    ///   stitcher and the intelligence service copy only those into `journey_inbox` — in the transaction that made
    ///   them, so nothing is missed whatever order transactions commit in — for the trigger processor to consume;
    /// - `journey_runs`: one row per profile's run, its node, step number and wait; `entry_key` unique per journey
    ///   makes entering idempotent (`once:<profile>` for once-ever journeys, the trigger's reference otherwise), and
    ///   `dedupe_key` keeps one run per dedupe value (one abandoned cart, one run). Timers are jobs;
    /// - `journey_run_arms`: the arm each run took at each split, for comparing arms.
    static func journeys(id: String, integer: String) -> String {
        """
        CREATE TABLE journeys (
            workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
            latest_version INTEGER NOT NULL, active_version INTEGER, created_at \(integer) NOT NULL,
            updated_at \(integer) NOT NULL, PRIMARY KEY (workspace_id, id));
        CREATE TABLE journey_versions (
            workspace_id TEXT NOT NULL, journey_id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL,
            created_at \(integer) NOT NULL, PRIMARY KEY (workspace_id, journey_id, version));
        CREATE TABLE journey_listeners (
            workspace_id TEXT NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL, journey_id TEXT NOT NULL,
            PRIMARY KEY (workspace_id, source, name, journey_id));
        CREATE TABLE journey_inbox (
            id \(id), workspace_id TEXT NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL, profile_id \(integer) NOT NULL,
            ref \(integer) NOT NULL, at \(integer) NOT NULL);
        CREATE TABLE journey_runs (
            id \(id), workspace_id TEXT NOT NULL, journey_id TEXT NOT NULL, version INTEGER NOT NULL,
            profile_id \(integer) NOT NULL, entry_key TEXT NOT NULL, dedupe_key TEXT, trigger_seq \(integer),
            node TEXT NOT NULL, step INTEGER NOT NULL, status TEXT NOT NULL, entered_at \(integer) NOT NULL,
            updated_at \(integer) NOT NULL, wait_event TEXT, wait_since \(integer), exited_at \(integer), exit_reason TEXT,
            converted_after \(integer), UNIQUE (workspace_id, journey_id, entry_key));
        CREATE UNIQUE INDEX journey_runs_dedupe ON journey_runs (workspace_id, journey_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
        CREATE INDEX journey_runs_profile ON journey_runs (workspace_id, profile_id, journey_id);
        CREATE INDEX journey_runs_stats ON journey_runs (workspace_id, journey_id, version, status);
        CREATE TABLE journey_run_arms (
            workspace_id TEXT NOT NULL, run_id \(integer) NOT NULL, node TEXT NOT NULL, arm TEXT NOT NULL,
            PRIMARY KEY (workspace_id, run_id, node));
        """
    }

    /// The channels a workspace delivers through (`Store+Channels`): one row per channel id, with its configuration
    /// as JSON — secrets included, which is why nothing but the engine's channel directory reads `configuration`
    /// whole — the send rate the dispatcher holds it to (messages a second; NULL for none) and whether it is on.
    static func channels(integer: String) -> String {
        """
        CREATE TABLE workspace_channels (
            workspace_id TEXT NOT NULL, channel_id TEXT NOT NULL, configuration TEXT NOT NULL,
            rate_per_second DOUBLE PRECISION, enabled \(integer) NOT NULL, updated_at \(integer) NOT NULL,
            PRIMARY KEY (workspace_id, channel_id));
        """
    }

    /// Message templates and broadcasts (`Store+Templates`, `Store+Broadcasts`):
    /// - `message_templates`: a workspace's templates, the whole template as its JSON form in `definition` (name and
    ///   category beside it for lists), `version` counting its saves;
    /// - `broadcasts`: one row per broadcast (群发) with its progress — the audience cursor (`after_profile`, the
    ///   last segment member read), slices run, render failures — written in the transaction that completes each
    ///   slice's job, so a crash resumes at the last committed slice. `template` is the template as it was when the
    ///   broadcast started: a later edit does not change a broadcast half-way. `broadcasts_active` finds the
    ///   broadcasts a template is still needed by without reading finished ones; `seq` orders the list, newest first.
    /// What providers report later of the messages they accepted (an SMS operator's 回执): `receipt` is
    /// `delivered`, `failed:<code>` or `unknown`, learnt at `receipt_at`.
    static func deliveryReceipts(integer: String) -> String {
        """
        ALTER TABLE messages ADD COLUMN receipt TEXT;
        ALTER TABLE messages ADD COLUMN receipt_at \(integer);
        """
    }

    static func templatesAndBroadcasts(id: String, integer: String) -> String {
        """
        CREATE TABLE message_templates (
            workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL,
            definition TEXT NOT NULL, version \(integer) NOT NULL, created_at \(integer) NOT NULL,
            updated_at \(integer) NOT NULL, PRIMARY KEY (workspace_id, id));
        CREATE TABLE broadcasts (
            seq \(id), workspace_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, segment_id TEXT NOT NULL,
            template_id TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
            scheduled_at \(integer), expires_at \(integer), created_at \(integer) NOT NULL, created_by TEXT NOT NULL,
            started_at \(integer), finished_at \(integer), cancelled_at \(integer), template TEXT,
            template_version \(integer), audience_estimate \(integer), after_profile \(integer),
            audience_read \(integer) NOT NULL DEFAULT 0, slices \(integer) NOT NULL DEFAULT 0,
            render_failures \(integer) NOT NULL DEFAULT 0, refused \(integer) NOT NULL DEFAULT 0,
            missing_variables TEXT NOT NULL DEFAULT '{}', failed_sample TEXT NOT NULL DEFAULT '[]',
            UNIQUE (workspace_id, id));
        CREATE INDEX broadcasts_list ON broadcasts (workspace_id, seq);
        CREATE INDEX broadcasts_active ON broadcasts (workspace_id, template_id) WHERE status IN ('scheduled', 'running');
        """
    }
}
