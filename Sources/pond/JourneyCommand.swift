import ArgumentParser
import Foundation
import Logging
import PondCore
import PondEngine
import PondServer
import PondStore

/// `pond journey`: journeys (SOP) from a shell, on the database a server uses. Every subcommand builds the same
/// application services `pond serve` builds and calls `JourneyService`; the runs it starts or enters are taken by
/// the job runner of whichever server shares the database.
struct JourneyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey", abstract: "Journeys (SOP): list, show, save, start, pause, enter profiles, statistics.",
        subcommands: [List.self, Show.self, Save.self, Start.self, Pause.self, Enter.self, Stats.self])

    /// The options every subcommand takes: where the database is and whose journeys.
    struct Target: ParsableArguments {
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The workspace id (see `pond workspace list`).") var workspace: String

        /// Runs `body` with the journey service over the database, translating a refusal into its code and message.
        func withJourneys<T: Sendable>(_ body: @escaping @Sendable (JourneyService) async throws -> T) async throws -> T {
            var configured = Logger(label: "pond")
            configured.logLevel = .warning
            let logger = configured
            return try await DatabaseURL.withStore(
                db.database, durability: db.sqliteDurability, settleMessageIDsEvery: db.settleMessageIdsEvery, logger: logger
            ) { store in
                let runtime = PondRuntime(store: store, sweepOnStart: false, logger: logger)
                do {
                    return try await body(runtime.services.journeys)
                } catch let error as DefinitionError {
                    throw Refused(error: error)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the workspace's journeys.")
        @OptionGroup var target: Target

        func run() async throws {
            let workspaceID = target.workspace
            let journeys = try await target.withJourneys { try await $0.list(workspaceID: workspaceID) }
            var table = TextTable(["id", "name", "status", "active", "latest"])
            for journey in journeys {
                table.add([
                    journey.id, journey.name, journey.status.rawValue, journey.activeVersion.map { "v\($0)" } ?? "—",
                    "v\(journey.latestVersion)",
                ])
            }
            print(journeys.isEmpty ? "no journeys" : table.rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a journey: its versions and a definition as JSON.")
        @OptionGroup var target: Target
        @Argument(help: "The journey id.") var id: String
        @Option(help: "The version whose definition to show (default: the latest).") var version: Int?

        func run() async throws {
            let (workspaceID, id, version) = (target.workspace, id, version)
            let (detail, definition) = try await target.withJourneys { journeys in
                let detail = try await journeys.detail(workspaceID: workspaceID, id: id)
                guard let version else { return (detail, detail.definition) }
                return (detail, try await journeys.definition(workspaceID: workspaceID, id: id, version: version))
            }
            print(JourneyCommand.headline(detail.journey))
            print("versions:")
            for entry in detail.versions { print("  v\(entry.version)  created \(ISO8601.format(entry.createdAt))") }
            print("definition (v\(version ?? detail.journey.latestVersion)):")
            print(PrettyJSON.string(definition.json))
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a definition from a JSON file as a new journey, or as a new version of one (--replacing).")
        @OptionGroup var target: Target
        @Option(help: "The definition's JSON file (- reads standard input).") var file: String
        @Option(help: "The new journey's id (default: the file's \"id\", else one made from its name).") var id: String?
        @Option(help: "Save as a new version of this journey; runs in progress finish on theirs.") var replacing: String?

        func validate() throws {
            if id != nil, replacing != nil { throw ValidationError("--id names a new journey; --replacing an existing one: give one") }
        }

        func run() async throws {
            var members = try JourneyCommand.definitionObject(file)
            let given = try members.removeValue(forKey: "id").map { value -> String in
                guard let text = value.stringValue else { throw ValidationError("\"id\" in \(file) must be a string") }
                return text
            }
            if let given, let other = replacing ?? id, given != other {
                throw ValidationError("\"id\" in \(file) is '\(given)', not '\(other)'")
            }
            let (workspaceID, id, replacing) = (target.workspace, replacing == nil ? id ?? given : nil, replacing)
            let definition = JSONValue.object(members)
            let detail = try await target.withJourneys { journeys in
                try await journeys.save(workspaceID: workspaceID, id: id, replacing: replacing, definition)
            }
            print("saved \(JourneyCommand.headline(detail.journey))")
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a journey on its latest version (or resume a paused one): profiles enter from now on.")
        @OptionGroup var target: Target
        @Argument(help: "The journey id.") var id: String

        func run() async throws {
            let (workspaceID, id) = (target.workspace, id)
            let journey = try await target.withJourneys { try await $0.start(workspaceID: workspaceID, id: id) }
            print(JourneyCommand.headline(journey))
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a journey: nobody enters any more; runs in progress go on to their end.")
        @OptionGroup var target: Target
        @Argument(help: "The journey id.") var id: String

        func run() async throws {
            let (workspaceID, id) = (target.workspace, id)
            let journey = try await target.withJourneys { try await $0.pause(workspaceID: workspaceID, id: id) }
            print(JourneyCommand.headline(journey))
        }
    }

    struct Enter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter profiles into an active journey, whatever its trigger; re-entry and the run cap apply.")
        @OptionGroup var target: Target
        @Argument(help: "The journey id.") var id: String
        @Option(name: .customLong("profile"), help: "A profile id (repeat for several).") var profiles: [Int64] = []
        @Option(help: "A file of profile ids, one a line (blank lines and lines starting with # are skipped).")
        var profilesFile: String?
        @Option(help: "Makes a repeated command enter nobody twice: pass the key an earlier run printed (default: a new one).")
        var requestKey: String?

        func validate() throws {
            if profiles.isEmpty, profilesFile == nil { throw ValidationError("give --profile ID (repeatable) or --profiles-file FILE") }
            if !profiles.isEmpty, profilesFile != nil { throw ValidationError("give --profile or --profiles-file, not both") }
            if let requestKey, requestKey.isEmpty || requestKey.count > 200 {
                throw ValidationError("--request-key must be 1 to 200 characters")
            }
        }

        func run() async throws {
            let ids = try profilesFile.map(JourneyCommand.profileIDs(inFile:)) ?? profiles
            guard !ids.isEmpty else { throw ValidationError("\(profilesFile ?? "the file") holds no profile ids") }
            let key = requestKey ?? "cli-\(UUID().uuidString.lowercased())"
            let (workspaceID, id) = (target.workspace, id)
            let report = try await target.withJourneys { journeys in
                // The service takes a bounded number per call; the key is per profile, so one key serves every call.
                var total = JourneyService.EntryReport()
                for start in stride(from: 0, to: ids.count, by: JourneyService.maximumProfilesPerEntry) {
                    let slice = Array(ids[start..<min(start + JourneyService.maximumProfilesPerEntry, ids.count)])
                    let report = try await journeys.enter(workspaceID: workspaceID, id: id, profileIDs: slice, requestKey: key)
                    total.entered += report.entered
                    total.alreadyEntered += report.alreadyEntered
                    total.atCapacity += report.atCapacity
                    total.duplicates += report.duplicates
                }
                return total
            }
            print("request key \(key)")
            print(
                "entered \(report.entered), already entered \(report.alreadyEntered), at capacity \(report.atCapacity), "
                    + "duplicates \(report.duplicates)")
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A journey's numbers per version: entered, in progress by node, exited by reason, conversions, split arms, messages.")
        @OptionGroup var target: Target
        @Argument(help: "The journey id.") var id: String

        func run() async throws {
            let (workspaceID, id) = (target.workspace, id)
            let (journey, stats) = try await target.withJourneys { journeys in
                (try await journeys.detail(workspaceID: workspaceID, id: id).journey, try await journeys.stats(workspaceID: workspaceID, id: id))
            }
            print(JourneyCommand.headline(journey))
            for version in stats.versions { print(JourneyCommand.describe(version)) }
        }
    }

    // MARK: Shared

    static func headline(_ journey: StoredJourney) -> String {
        let active = journey.activeVersion.map { "active version v\($0)" } ?? "never started"
        return "journey \(journey.id)  \(journey.name)  \(journey.status.rawValue), \(active), latest v\(journey.latestVersion)"
    }

    static func describe(_ version: JourneyService.Stats.Version) -> String {
        var lines = ["version \(version.version)"]
        var counts = TextTable(["", "runs"])
        counts.add(["entered", "\(version.entered)"])
        counts.add(["in progress", "\(version.inProgress)"])
        for (node, count) in version.atNode.sorted(by: { $0.key < $1.key }) { counts.add(["  at \(node)", "\(count)"]) }
        counts.add(["exited", "\(version.exited.values.reduce(0, +))"])
        for (reason, count) in version.exited.sorted(by: { $0.key < $1.key }) { counts.add(["  \(reason)", "\(count)"]) }
        counts.add(["converted", "\(version.converted)"])
        lines.append(counts.rendered(indent: 2))
        if let mean = version.meanMillisecondsToConvert {
            lines.append("  mean time to convert: \(Self.duration(milliseconds: mean))")
        }
        if !version.arms.isEmpty {
            var arms = TextTable(["split", "arm", "runs", "converted"])
            for arm in version.arms { arms.add([arm.node, arm.arm, "\(arm.runs)", "\(arm.converted)"]) }
            lines.append(arms.rendered(indent: 2))
        }
        if version.messages.isEmpty {
            lines.append("  no messages")
        } else {
            var messages = TextTable(["messages", "reason", "count"])
            for row in version.messages { messages.add([row.status.rawValue, row.reason?.rawValue ?? "—", "\(row.count)"]) }
            lines.append(messages.rendered(indent: 2))
        }
        return lines.joined(separator: "\n")
    }

    static func duration(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }

    /// The members of the JSON object in `path` (`-`: standard input).
    static func definitionObject(_ path: String) throws -> [String: JSONValue] {
        let bytes: [UInt8]
        if path == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            bytes = Array(data)
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw ValidationError("\(path) is not JSON: \(error)") }
        guard case .object(let members) = value else { throw ValidationError("\(path) must hold a JSON object (a journey definition)") }
        return members
    }

    static func profileIDs(inFile path: String) throws -> [Int64] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read \(path)")
        }
        var ids: [Int64] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let id = Int64(line), id > 0 else {
                throw ValidationError("\(path), line \(number + 1): \"\(line)\" is not a profile id")
            }
            ids.append(id)
        }
        return ids
    }
}

/// Columns padded to their widest cell, for the journey commands' tables.
struct TextTable {
    private var rows: [[String]]

    init(_ header: [String]) { rows = [header] }

    mutating func add(_ row: [String]) { rows.append(row) }

    var rendered: String { rendered(indent: 0) }

    func rendered(indent: Int) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? Self.width($0[column]) : 0 }.max() ?? 0 }
        let margin = String(repeating: " ", count: indent)
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - Self.width(cell))
            }
            return margin + cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Columns a terminal gives the text: two for CJK ideographs, kana, Hangul and full-width forms (journey
    /// and node names are often Chinese), one otherwise.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return total + 2
            default:
                return total + 1
            }
        }
    }
}

/// JSON for people: two-space indentation and members in name order (`JSONWriter` writes the compact form).
enum PrettyJSON {
    static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: "", into: &out)
        return out
    }

    private static func write(_ value: JSONValue, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let elements) where !elements.isEmpty:
            out += "[\n"
            for (index, element) in elements.enumerated() {
                out += inner
                write(element, indent: inner, into: &out)
                out += index == elements.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            let sorted = members.sorted { $0.key < $1.key }
            for (index, member) in sorted.enumerated() {
                out += inner + JSONWriter.string(.string(member.key)) + ": "
                write(member.value, indent: inner, into: &out)
                out += index == sorted.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        default:
            out += JSONWriter.string(value)
        }
    }
}
