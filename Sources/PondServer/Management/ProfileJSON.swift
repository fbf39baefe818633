import PondCore
import PondStore

/// How profiles and their history look in the API.
enum ProfileJSON {
    static func render(_ view: ProfileView) -> JSONValue {
        var traits: [String: JSONValue] = [:]
        for trait in view.traits { traits[trait.key] = trait.value }
        return [
            "id": .int(view.id),
            "createdAt": view.createdAt.json,
            "firstSeen": view.firstSeen?.json ?? .null,
            "lastSeen": view.lastSeen?.json ?? .null,
            "mergedProfileIds": .array(view.mergedProfileIDs.map { .int($0) }),
            "identities": .array(view.identities.map {
                ["type": .string($0.identity.type), "value": .string($0.identity.value), "profileId": .int($0.profileID),
                 "firstSeen": $0.firstSeen.json]
            }),
            "traits": .object(traits),
            "channels": .object(view.channels.mapValues { .int(Int64($0)) }),
            "eventCount": .int(Int64(view.eventCount)),
        ]
    }

    /// The stored message as the client sent it, plus where Pond filed it.
    static func render(_ event: StoredEvent) -> JSONValue {
        var payload = event.message.payload
        payload["seq"] = .int(event.seq)
        payload["profileId"] = event.profileID.map { .int($0) } ?? .null
        payload["source"] = .string(event.source)
        payload["channel"] = .string(event.channel)
        return .object(payload)
    }

    static func render(_ change: TraitChange) -> JSONValue {
        ["profileId": .int(change.profileID), "key": .string(change.key), "value": change.value, "at": change.at.json,
         "messageId": .string(change.messageID)]
    }

    static func render(_ merge: MergeRecord) -> JSONValue {
        [
            "id": .int(merge.id), "survivorId": .int(merge.survivorID), "mergedId": .int(merge.mergedID),
            "identity": ["type": .string(merge.identity.type), "value": .string(merge.identity.value)],
            "actor": .string(merge.actor), "reason": .string(merge.reason), "messageId": merge.messageID.map(JSONValue.string) ?? .null,
            "at": merge.at.json, "undoneAt": merge.undoneAt?.json ?? .null, "undoneBy": merge.undoneBy.map(JSONValue.string) ?? .null,
        ]
    }

    static func render(_ conflict: ConflictRecord) -> JSONValue {
        [
            "id": .int(conflict.id), "kind": .string(conflict.kind), "profileId": .int(conflict.profileID),
            "otherProfileId": conflict.otherProfileID.map { .int($0) } ?? .null,
            "identity": ["type": .string(conflict.identity.type), "value": .string(conflict.identity.value)],
            "reason": .string(conflict.reason), "messageId": .string(conflict.messageID), "at": conflict.at.json,
            "firstAt": conflict.firstAt.json, "occurrences": .int(Int64(conflict.occurrences)),
        ]
    }
}
