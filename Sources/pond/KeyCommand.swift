import ArgumentParser
import Logging
import PondCore
import PondEngine
import PondStore

/// `pond key`: keys managed directly in the database, for whoever holds it — the way back in when a workspace's
/// admin keys are lost, since the API needs one to issue another.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Issue, list and revoke a workspace's keys directly in the database.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a key and print its secret (shown only once).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The workspace id (see `pond workspace list`).") var workspace: String
        @Option(help: "admin or write") var kind: String
        @Option(help: "A name to recognise the key by.") var name: String = "issued from the command line"
        @Option(help: "Write keys: the source their events are recorded with.") var source: String = "api"
        @Option(help: "Write keys: the channel their events are recorded with.") var channel: String = "server"

        func validate() throws {
            guard APIKey.Kind(rawValue: kind) != nil else { throw ValidationError("--kind must be admin or write") }
        }

        func run() async throws {
            let (workspaceID, kind, name, source, channel) = (workspace, APIKey.Kind(rawValue: kind)!, name, source, channel)
            let issued = try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) { store in
                guard try await store.workspace(id: workspaceID) != nil else {
                    throw ValidationError("no workspace \(workspaceID) (see `pond workspace list`)")
                }
                return try await WorkspaceProvisioner(store: store, clock: SystemClock()).issueKey(
                    workspaceID: workspaceID, kind: kind, name: name, source: source, channel: channel)
            }
            print("\(issued.key.kind.rawValue) key  \(issued.key.id)  \(issued.secret)")
            print("(the secret is shown only once)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a workspace's keys (never their secrets).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The workspace id.") var workspace: String

        func run() async throws {
            let workspaceID = workspace
            let keys = try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) {
                try await $0.keys(workspaceID: workspaceID)
            }
            for key in keys {
                let state = key.revokedAt.map { "revoked \(ISO8601.format($0))" } ?? "live"
                print("\(key.id)  \(key.kind.rawValue)  \(key.prefix)…  \(state)  \(key.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key (a workspace's last admin key is kept: issue another first).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The workspace id.") var workspace: String
        @Argument(help: "The key id (key_…).") var id: String

        func run() async throws {
            let (workspaceID, keyID) = (workspace, id)
            try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) { store in
                do {
                    try await WorkspaceProvisioner(store: store, clock: SystemClock()).revokeKey(
                        workspaceID: workspaceID, keyID: keyID)
                } catch KeyRevocationError.notFound {
                    throw ValidationError("no live key \(keyID) in workspace \(workspaceID)")
                } catch KeyRevocationError.lastAdminKey {
                    throw ValidationError("\(keyID) is the workspace's last admin key; issue another with `pond key create` first")
                } catch KeyRevocationError.store(let error) {
                    throw error
                }
            }
            print("revoked \(keyID)")
        }
    }
}
