import PondCore
import PondStore

/// A CSV list of customers uploaded by an operator — a tag list, an offline event's guest list — read into cluster
/// roots, with every row that cannot be used listed by its row number and reason.
///
/// The file is UTF-8 with a header row. Each row names its customer in one of these columns (the first that finds a profile wins, in this order):
/// - `profile_id`: a Pond profile id (any id of a merged cluster works);
/// - `identity`: `type:value`, e.g. `phone:13800138000`, `wechat_openid:wx123:o-abc`;
/// - a column named after an identity type — the built-in ones (`phone`, `email`, `member_id`, `user_id`,
///   `wechat_unionid`, `wecom_external_userid`, `anonymous_id`, `wechat_openid:APPID`) and the workspace's unique
///   types — or `手机`/`手机号`/`邮箱`/`会员号`. Values are normalised as everywhere else (`138 0013 8000` finds
///   `+8613800138000`).
/// Other columns are ignored, so an export with names and notes can be uploaded as it is. When tags are read, a
/// `tags` (or `标签`) column holds `|`-separated tags for its row, added to the tags given for every row.
public struct ProfileList: Sendable {
    public struct Row: Sendable {
        public var row: Int
        public var profileID: Int64
        public var tags: [String]
    }

    public struct Rejection: Sendable {
        public var row: Int
        public var reason: String
    }

    /// Data rows read (the header and blank lines excluded).
    public var rows = 0
    public var accepted: [Row] = []
    public var rejected: [Rejection] = []

    /// What to read about tags: the tags every row gets, and the tags that exist.
    struct TagColumn {
        var everyRow: [String]
        var known: Set<String>
    }

    public static let maximumBytes = 20 << 20
    public static let maximumRows = 100_000
    public static let maximumReportedRejections = 1000

    /// Headers people use for identity columns in Chinese exports.
    static let headerAliases: [String: String] = [
        "手机": IdentityType.phone, "手机号": IdentityType.phone, "手机号码": IdentityType.phone,
        "邮箱": IdentityType.email, "会员号": IdentityType.memberID, "会员卡号": IdentityType.memberID,
    ]
    static let tagHeaders: Set<String> = ["tags", "标签"]

    public var distinctProfiles: Int { Set(accepted.map(\.profileID)).count }

    /// The report of a list: rows read, accepted, and the rejected ones (the first 1000).
    public var report: [String: JSONValue] {
        [
            "rows": .int(Int64(rows)), "acceptedRows": .int(Int64(accepted.count)),
            "profiles": .int(Int64(distinctProfiles)), "rejectedCount": .int(Int64(rejected.count)),
            "rejected": .array(rejected.prefix(Self.maximumReportedRejections).map {
                ["row": .int(Int64($0.row)), "reason": .string($0.reason)]
            }),
            "rejectedTruncated": .bool(rejected.count > Self.maximumReportedRejections),
        ]
    }

    private enum Key {
        case profileID
        case identity
        case type(String)
    }

    private enum Candidate {
        case profile(Int64)
        case identity(Identity)

        var description: String {
            switch self {
            case .profile(let id): "no profile \(id)"
            case .identity(let identity): "no profile with \(identity)"
            }
        }
    }

    /// Reads the file and resolves its customers to cluster roots. A file that cannot be parsed or names no customer
    /// column is refused (`invalid_csv`); rows that cannot be used are rejected with their reason.
    static func read(_ bytes: [UInt8], delimiter: CSVDelimiter, store: Store, workspaceID: String, tags: TagColumn?)
        async throws -> ProfileList
    {
        let records: [CSVRecord]
        do {
            records = try CSVReader.records(bytes, delimiter: delimiter)
        } catch {
            throw DefinitionError(
                .invalid, .invalidCSV, error.description,
                details: ["row": .int(Int64(error.row)), "line": .int(Int64(error.line)), "reason": .string(error.kind.rawValue)])
        }
        guard let header = records.first else { throw DefinitionError(.invalid, .invalidCSV, "the file is empty") }
        guard records.count - 1 <= maximumRows else {
            throw DefinitionError(.tooLarge, .payloadTooLarge, "at most \(maximumRows) rows per upload; split the file")
        }
        let workspace = try await store.workspace(id: workspaceID)
        let uniqueTypes = Set(workspace?.settings.uniqueIdentityTypes ?? [])
        var keys: [(index: Int, key: Key)] = []
        var tagColumn: Int?
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingASCIIWhitespace()
            let colon = name.firstIndex(of: ":")
            let base = String(name[..<(colon ?? name.endIndex)]).lowercased()
            let qualified = base + String(name[(colon ?? name.endIndex)...])
            if base == "profile_id" {
                keys.append((index, .profileID))
            } else if base == "identity" {
                keys.append((index, .identity))
            } else if let type = headerAliases[name] {
                keys.append((index, .type(type)))
            } else if IdentityRules.isValidType(qualified),
                IdentityType.builtInPriority.contains(base) || base == IdentityType.anonymousID
                    || uniqueTypes.contains(qualified) || uniqueTypes.contains(base)
            {
                if base == IdentityType.wechatOpenID && colon == nil {
                    throw DefinitionError(.invalid, .invalidCSV, "openids are per app: name the column wechat_openid:APPID")
                }
                keys.append((index, .type(qualified)))
            } else if tags != nil, tagHeaders.contains(name.lowercased()) {
                tagColumn = index
            }
        }
        keys.sort { rank($0.key) < rank($1.key) }
        if let tags, tags.everyRow.isEmpty, tagColumn == nil {
            throw DefinitionError.invalid("no tags to apply: pass ?tag= or add a tags column")
        }
        guard !keys.isEmpty else {
            throw DefinitionError(
                .invalid, .invalidCSV,
                "the header names no customer column: use profile_id, identity (type:value) or an identity type such as phone, email or member_id")
        }

        var upload = ProfileList()
        var pending: [(row: Int, candidates: [Candidate], problems: [String], tags: [String])] = []
        for record in records.dropFirst() {
            upload.rows += 1
            var candidates: [Candidate] = []
            var problems: [String] = []
            for (index, key) in keys {
                guard index < record.fields.count else { continue }
                let cell = record.fields[index].trimmingASCIIWhitespace()
                guard !cell.isEmpty else { continue }
                switch key {
                case .profileID:
                    if let id = Int64(cell) { candidates.append(.profile(id)) } else {
                        problems.append("profile_id '\(cell)' is not a number")
                    }
                case .identity:
                    do {
                        candidates.append(.identity(try Identity.parse(cell)))
                    } catch {
                        problems.append("identity '\(cell)': \(error.message)")
                    }
                case .type(let type):
                    do {
                        candidates.append(.identity(try IdentityRules.make(type: type, value: cell)))
                    } catch {
                        problems.append("\(error)")
                    }
                }
            }
            if candidates.isEmpty && problems.isEmpty {
                upload.rejected.append(Rejection(row: record.row, reason: "no profile_id or identity in this row"))
                continue
            }
            var rowTags: [String] = []
            if let tags {
                rowTags = tags.everyRow
                if let tagColumn, tagColumn < record.fields.count {
                    for part in record.fields[tagColumn].split(separator: "|") {
                        let tag = String(part).trimmingASCIIWhitespace()
                        if !tag.isEmpty, !rowTags.contains(tag) { rowTags.append(tag) }
                    }
                }
                if let unknown = rowTags.first(where: { !tags.known.contains($0) }) {
                    upload.rejected.append(Rejection(row: record.row, reason: "unknown tag \"\(unknown)\""))
                    continue
                }
                if rowTags.isEmpty {
                    upload.rejected.append(
                        Rejection(row: record.row, reason: "no tags for this row: fill its tags column or pass ?tag="))
                    continue
                }
            }
            pending.append((record.row, candidates, problems, rowTags))
        }

        var identities: [Identity] = []
        var ids: [Int64] = []
        for entry in pending {
            for candidate in entry.candidates {
                switch candidate {
                case .profile(let id): ids.append(id)
                case .identity(let identity): identities.append(identity)
                }
            }
        }
        let byIdentity = try await store.rootProfileIDs(workspaceID: workspaceID, identities: identities)
        let byID = try await store.rootProfileIDs(workspaceID: workspaceID, profileIDs: ids)
        for entry in pending {
            let root = entry.candidates.lazy.compactMap { candidate -> Int64? in
                switch candidate {
                case .profile(let id): byID[id]
                case .identity(let identity): byIdentity[identity]
                }
            }.first
            if let root {
                upload.accepted.append(Row(row: entry.row, profileID: root, tags: entry.tags))
            } else {
                let reasons = entry.problems + entry.candidates.map(\.description)
                upload.rejected.append(Rejection(row: entry.row, reason: reasons.joined(separator: "; ")))
            }
        }
        upload.rejected.sort { $0.row < $1.row }
        return upload
    }

    private static func rank(_ key: Key) -> Int {
        switch key {
        case .profileID: 0
        case .identity: 1
        case .type: 2
        }
    }
}
