import PondCore
import PondEngine
import PondStore
import PondTestSupport
import Testing

/// Random changes to one channel against a model of the write-only rule: after every change the stored secret is the
/// last one sent as itself — never `"set"`, never one a refused change carried — and what is shown never holds it.
@Suite("Channel secrets, model-based")
struct ChannelSecretModelTests {
    enum Stored: Equatable {
        case none
        case sandbox
        case webhook(url: String, secret: String)
    }

    @Test("a sequence of changes keeps exactly the secrets it should", arguments: TestBackend.available)
    func randomChanges(_ backend: TestBackend) async throws {
        try await ChannelWorld.with(backend) { world in
            var random = SplitMix64(seed: 20_261_203)
            var model = Stored.none
            var kinds: Set<String> = []
            for step in 0..<60 {
                let url = "https://hooks.example.com/\(random.int(4))"
                let fresh = "secret-\(step)-\(random.next())"
                let change = random.int(5)
                let refused: Bool
                do {
                    switch change {
                    case 0, 1:
                        kinds.insert("new secret")
                        try await world.configure("webhook", ["type": "webhook", "url": .string(url), "secret": .string(fresh)])
                        model = .webhook(url: url, secret: fresh)
                    case 2:
                        kinds.insert("keep")
                        try await world.configure("webhook", ["type": "webhook", "url": .string(url), "secret": "set"])
                        guard case .webhook(_, let secret) = model else {
                            Issue.record("step \(step): \"set\" was accepted with no webhook secret stored")
                            return
                        }
                        model = .webhook(url: url, secret: secret)
                    case 3:
                        kinds.insert("sandbox")
                        try await world.configure("webhook", ["type": "sandbox"])
                        model = .sandbox
                    default:
                        kinds.insert("delete")
                        try await world.channels.delete(workspaceID: ChannelWorld.workspace, id: "webhook")
                        model = .none
                    }
                    refused = false
                } catch let error as DefinitionError {
                    refused = true
                    switch (change, model) {
                    case (2, .none), (2, .sandbox):
                        #expect(error.code == "channel_invalid_config", "step \(step)")
                        kinds.insert("keep refused")
                    case (4, .none):
                        #expect(error.kind == .notFound, "step \(step)")
                    default:
                        Issue.record("step \(step): change \(change) refused: \(error)")
                    }
                }
                let row = try await world.store.channel(workspaceID: ChannelWorld.workspace, id: "webhook")
                switch model {
                case .none: #expect(row == nil, "step \(step)")
                case .sandbox: #expect(row?.configuration == ["type": "sandbox"], "step \(step)")
                case .webhook(let url, let secret):
                    #expect(row?.configuration["secret"]?.stringValue == secret, "step \(step), refused: \(refused)")
                    #expect(row?.configuration["url"]?.stringValue == url, "step \(step)")
                    let shown = try await world.channels.get(workspaceID: ChannelWorld.workspace, id: "webhook")
                    #expect(shown.configuration.redacted()["secret"] == "set")
                }
                #expect(row?.configuration["secret"] != "set", "step \(step): a secret became the literal \"set\"")
            }
            #expect(kinds == ["new secret", "keep", "keep refused", "sandbox", "delete"], "every kind of change was tried")
        }
    }
}
