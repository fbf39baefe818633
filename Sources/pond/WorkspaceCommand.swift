import ArgumentParser
import Logging
import PondCore
import PondEngine
import PondStore

struct WorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace", abstract: "Manage workspaces directly in the database.",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a workspace and print its first admin and write keys.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The brand's name.") var name: String

        func run() async throws {
            let name = self.name
            let created = try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) { store in
                try await WorkspaceProvisioner(store: store, clock: SystemClock()).createWorkspace(name: name)
            }
            print("workspace  \(created.workspace.id)  \(created.workspace.name)")
            print("admin key  \(created.adminKey.secret)")
            print("write key  \(created.writeKey.secret)")
            print("(keys are shown only once)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workspaces.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let all = try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) { try await $0.workspaces() }
            for workspace in all { print("\(workspace.id)  \(workspace.name)") }
        }
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Bring the database schema up to date.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await DatabaseURL.withStore(db.database, logger: Logger(label: "pond")) { _ in }
        print("schema is up to date")
    }
}
