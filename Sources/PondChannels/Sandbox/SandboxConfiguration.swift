/// The sandbox needs no settings: where it records is the engine's `SandboxSink`. The type exists so every channel
/// kind has a configuration of its own, and so a later setting has a place.
public struct SandboxConfiguration: Sendable, Hashable, Codable {
    public init() {}
}
