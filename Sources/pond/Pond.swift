import ArgumentParser
import PondStore

@main
struct Pond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pond",
        abstract: "Pond: private-domain (私域) customer operations — CDP, identity graph and tracking API in one binary.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, WorkspaceCommand.self, KeyCommand.self, ImportCommand.self, MigrateCommand.self,
            BroadcastCommand.self, JourneyCommand.self, BenchCommand.self,
        ])
}

/// Options shared by every command that touches the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH (default sqlite:pond.sqlite) or postgres://user[:password]@host[:port]/db")
    var database: String = DatabaseURLDefault.value

    @Option(name: .long, help: "SQLite commit durability: full (fsync every commit; a 200 survives power loss) or normal (survives a process crash).")
    var durability: DurabilityOption = .full

    @Option(name: .long, help: "SQLite: recent message ids kept in memory for deduplication before they are sorted into the message_ids table (more: fewer pages written, more memory and a longer read at start).")
    var settleMessageIdsEvery: Int = SQLiteDatabase.defaultSettleThreshold

    var sqliteDurability: SQLiteDatabase.Durability { durability == .full ? .full : .normal }

    func validate() throws {
        guard settleMessageIdsEvery >= 1 else { throw ValidationError("--settle-message-ids-every must be at least 1") }
    }
}

enum DurabilityOption: String, ExpressibleByArgument, Sendable {
    case full, normal
}

enum DatabaseURLDefault {
    static var value: String {
        ProcessInfoEnvironment.value("POND_DATABASE") ?? "sqlite:pond.sqlite"
    }
}
