import PondChannels
import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Channel settings: stored per workspace, shown without their secrets, changed without resending them.
@Suite("Channel settings")
struct ChannelServiceTests {
    typealias World = ChannelWorld
    static let workspace = ChannelWorld.workspace

    static let aliyun: JSONValue = [
        "type": "sms_aliyun", "accessKeyId": "LTAI5tExample", "accessKeySecret": "s3cr3t-不可外泄-0001", "signName": "池塘",
    ]

    static func with(_ configuration: JSONValue, _ changes: [String: JSONValue]) -> JSONValue {
        var members = configuration.objectValue!
        for (name, value) in changes { members[name] = value }
        return .object(members)
    }

    @Test("a saved configuration reads back redacted, with its rate, and lists by id", arguments: TestBackend.available)
    func roundTrip(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let saved = try await world.configure("sms", Self.aliyun, ratePerSecond: 50)
            #expect(saved.configuration.redacted()["accessKeySecret"] == "set")
            try await world.configure("webhook", ["type": "webhook", "url": "https://hooks.example.com/pond", "secret": "0123456789abcdef"])
            let read = try await world.channels.get(workspaceID: Self.workspace, id: "sms")
            #expect(read.ratePerSecond == 50)
            #expect(read.enabled)
            #expect(read.sendLimit == SendRate.Limit(perSecond: 50))
            #expect(read.configuration.redacted() == [
                "type": "sms_aliyun", "baseURL": .string(AliyunSMSConfiguration.defaultBaseURL), "accessKeyId": "LTAI5tExample",
                "accessKeySecret": "set", "signName": "池塘", "regionId": "cn-hangzhou",
            ])
            #expect(read.configuration.json["accessKeySecret"] == "s3cr3t-不可外泄-0001", "the store keeps the secret itself")
            #expect(try await world.channels.list(workspaceID: Self.workspace).map(\.id) == ["sms", "webhook"])
            #expect(!"\(read)".contains("s3cr3t"), "a logged configuration shows no secret")
        }
    }

    @Test("\"set\" keeps the stored secret while the other settings change", arguments: TestBackend.available)
    func keepingASecret(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.configure("sms", Self.aliyun)
            let shown = try await world.channels.get(workspaceID: Self.workspace, id: "sms").configuration.redacted()
            let changed = try await world.configure("sms", Self.with(shown, ["signName": "池塘旗舰店"]))
            #expect(changed.configuration.json["accessKeySecret"] == "s3cr3t-不可外泄-0001")
            #expect(changed.configuration.json["signName"] == "池塘旗舰店")
            let replaced = try await world.configure("sms", Self.with(shown, ["accessKeySecret": "rotated-0002"]))
            #expect(replaced.configuration.json["accessKeySecret"] == "rotated-0002", "a new value replaces the secret")
            let stored = try #require(try await world.store.channel(workspaceID: Self.workspace, id: "sms"))
            #expect(stored.configuration["accessKeySecret"] == "rotated-0002")
        }
    }

    @Test("\"set\" with no stored secret to keep is refused, so no secret becomes the literal \"set\"",
          arguments: TestBackend.available)
    func setWithoutAStoredSecret(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            let error = await #expect(throws: DefinitionError.self) {
                try await world.configure("sms", Self.with(Self.aliyun, ["accessKeySecret": "set"]))
            }
            #expect(error?.code == "channel_invalid_config")
            #expect(error?.details["path"] == "configuration.accessKeySecret")
            #expect(try await world.store.channel(workspaceID: Self.workspace, id: "sms") == nil, "nothing stored")

            // An SMTP relay without a password, then "set" for one: there is nothing to keep.
            let smtp: JSONValue = ["type": "smtp", "host": "smtp.example.com", "from": "noreply@example.com"]
            try await world.configure("email", smtp)
            await #expect(throws: DefinitionError.self) {
                try await world.configure("email", Self.with(smtp, ["username": "pond", "password": "set"]))
            }
            #expect(try await world.store.channel(workspaceID: Self.workspace, id: "email")?.configuration["password"] == .null)
        }
    }

    @Test("a secret is kept only from a stored configuration of the same type", arguments: TestBackend.available)
    func keepingAcrossTypes(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.configure("webhook", ["type": "webhook", "url": "https://hooks.example.com/a", "secret": "0123456789abcdef"])
            try await world.configure("webhook", ["type": "sandbox"])
            await #expect(throws: DefinitionError.self) {
                try await world.configure("webhook", ["type": "webhook", "url": "https://hooks.example.com/a", "secret": "set"])
            }
            let stored = try #require(try await world.store.channel(workspaceID: Self.workspace, id: "webhook"))
            #expect(stored.configuration == ["type": "sandbox"])
        }
    }

    @Test("a configuration serves its own kind's channel, the sandbox any; ids and rates are checked",
          arguments: TestBackend.available)
    func refusals(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            var error = await #expect(throws: DefinitionError.self) { try await world.configure("email", Self.aliyun) }
            #expect(error?.code == "channel_invalid_config")
            #expect(error?.details["path"] == "configuration.type")
            error = await #expect(throws: DefinitionError.self) { try await world.configure("sms", ["type": "fax"]) }
            #expect(error?.code == "channel_unknown_type")
            error = await #expect(throws: DefinitionError.self) {
                try await world.configure("sms", Self.with(Self.aliyun, ["acessKeySecret": "typo"]))
            }
            #expect(error?.details["path"] == "configuration.acessKeySecret")
            error = await #expect(throws: DefinitionError.self) { try await world.configure("sms", "sms_aliyun") }
            #expect(error?.details["path"] == "configuration")
            error = await #expect(throws: DefinitionError.self) { try await world.configure("SMS", Self.aliyun) }
            #expect(error?.code == "invalid_request")
            for rate in [0, -1, 10_001.0, .infinity, .nan] {
                await #expect(throws: DefinitionError.self, "rate \(rate)") {
                    try await world.configure("sms", Self.aliyun, ratePerSecond: rate)
                }
            }
            #expect(try await world.channels.list(workspaceID: Self.workspace).isEmpty)
            try await world.configure("sms", ["type": "sandbox"], ratePerSecond: 0.5)
            #expect(try await world.channels.get(workspaceID: Self.workspace, id: "sms").configuration == .sandbox(SandboxConfiguration()))
        }
    }

    @Test("a removed channel is gone; removing or reading one not configured is not found", arguments: TestBackend.available)
    func removal(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.configure("sms", Self.aliyun)
            try await world.channels.delete(workspaceID: Self.workspace, id: "sms")
            #expect(try await world.channels.list(workspaceID: Self.workspace).isEmpty)
            for attempt in [
                { try await world.channels.delete(workspaceID: Self.workspace, id: "sms") },
                { _ = try await world.channels.get(workspaceID: Self.workspace, id: "sms") },
            ] as [() async throws -> Void] {
                let error = await #expect(throws: DefinitionError.self) { try await attempt() }
                #expect(error?.kind == .notFound)
            }
        }
    }

    @Test("settings belong to their workspace", arguments: TestBackend.available)
    func workspaces(_ backend: TestBackend) async throws {
        try await World.with(backend) { world in
            try await world.store.createWorkspace(Workspace(id: "other", name: "other", createdAt: Instant(millisecondsSinceEpoch: 0)))
            try await world.configure("sms", Self.aliyun)
            #expect(try await world.channels.list(workspaceID: "other").isEmpty)
            await #expect(throws: DefinitionError.self) { try await world.channels.delete(workspaceID: "other", id: "sms") }
            #expect(try await world.channels.list(workspaceID: Self.workspace).count == 1)
        }
    }
}

/// The list of secret members is the one `ChannelConfiguration.redacted()` hides, for every kind.
@Suite struct ChannelSecretsTests {
    @Test func everySecretTheRedactedFormHidesIsKnown() throws {
        let samples: [JSONValue] = [
            ["type": "sandbox"],
            ["type": "webhook", "url": "https://hooks.example.com/pond", "secret": "0123456789abcdef"],
            ["type": "smtp", "host": "smtp.example.com", "username": "pond", "password": "pw-1", "from": "noreply@example.com"],
            ["type": "sms_aliyun", "accessKeyId": "LTAI", "accessKeySecret": "secret-1", "signName": "池塘"],
        ]
        #expect(Set(samples.compactMap { $0["type"]?.stringValue }) == Set(ChannelConfiguration.types))
        for sample in samples {
            let configuration = try ChannelConfiguration.parse(sample)
            let full = try #require(configuration.json.objectValue)
            let shown = try #require(configuration.redacted().objectValue)
            let hidden = Set(full.keys.filter { full[$0] != shown[$0] })
            #expect(hidden == ChannelSecrets.members[configuration.type], "\(configuration.type)")
            #expect(hidden.allSatisfy { shown[$0] == ChannelSecrets.placeholder })
        }
    }

    @Test func aRedactedConfigurationSentBackIsTheStoredOne() throws {
        let stored = try ChannelConfiguration.parse(
            ["type": "smtp", "host": "smtp.example.com", "username": "pond", "password": "pw-1", "from": "noreply@example.com"])
        #expect(try ChannelSecrets.merge(stored.redacted(), keeping: stored) == stored)
    }

    @Test func aNonSecretMemberMayBeTheWordSet() throws {
        let configuration = try ChannelSecrets.merge(
            ["type": "sms_aliyun", "accessKeyId": "set", "accessKeySecret": "secret-1", "signName": "set"], keeping: nil)
        #expect(configuration.json["signName"] == "set")
    }
}
