import PondCore
import PondEngine
import PondStore

/// How tags, auto-tag rules, segments, RFM scores and lifecycle stages look in the API.
enum IntelligenceJSON {
    static func render(_ group: TagGroup) -> JSONValue {
        ["name": .string(group.name), "description": .string(group.description), "createdAt": group.createdAt.json]
    }

    static func render(_ tag: TagDefinition) -> JSONValue {
        [
            "name": .string(tag.name), "group": tag.group.map(JSONValue.string) ?? .null,
            "description": .string(tag.description), "createdAt": tag.createdAt.json,
            "profileCount": .int(Int64(tag.profileCount)),
        ]
    }

    static func render(_ tags: TaggingService.ProfileTags) -> JSONValue {
        [
            "profileId": .int(tags.profileID),
            "tags": .array(tags.tags.map { render($0.tag).adding(["group": $0.group.map(JSONValue.string) ?? .null]) }),
        ]
    }

    static func render(_ tag: ProfileTag) -> JSONValue {
        [
            "tag": .string(tag.tag), "source": .string(tag.source.rawValue), "sourceRef": tag.sourceRef.map(JSONValue.string) ?? .null,
            "taggedAt": tag.taggedAt.json,
        ]
    }

    static func render(_ rule: TagRule) -> JSONValue {
        [
            "id": .string(rule.id), "name": .string(rule.name), "tag": .string(rule.tag),
            "action": .string(rule.action.rawValue), "enabled": .bool(rule.enabled), "rule": rule.rule.json,
            "ruleText": .string(rule.rule.text), "timeDependent": .bool(rule.rule.isTimeDependent),
            "createdAt": rule.createdAt.json, "updatedAt": rule.updatedAt.json,
        ]
    }

    static func render(_ segment: SegmentDefinition) -> JSONValue {
        [
            "id": .string(segment.id), "name": .string(segment.name), "description": .string(segment.description),
            "kind": .string(segment.kind.rawValue), "rule": segment.rule?.json ?? .null,
            "ruleText": segment.rule.map { .string($0.text) } ?? .null,
            "timeDependent": .bool(segment.rule?.isTimeDependent ?? false),
            "memberCount": .int(Int64(segment.memberCount)), "createdAt": segment.createdAt.json,
            "updatedAt": segment.updatedAt.json, "evaluatedAt": segment.evaluatedAt?.json ?? .null,
        ]
    }

    static func render(_ change: SegmentChange) -> JSONValue {
        [
            "seq": .int(change.seq), "segmentId": .string(change.segmentID), "profileId": .int(change.profileID),
            "change": .string(change.entered ? "enter" : "exit"), "at": change.at.json, "reason": .string(change.reason),
        ]
    }

    /// A short form of a profile for lists and previews: who it is, not its history.
    static func summary(_ view: ProfileView) -> JSONValue {
        var traits: [String: JSONValue] = [:]
        for trait in view.traits { traits[trait.key] = trait.value }
        return [
            "id": .int(view.id),
            "identities": .array(view.identities.map { ["type": .string($0.identity.type), "value": .string($0.identity.value)] }),
            "traits": .object(traits), "firstSeen": view.firstSeen?.json ?? .null, "lastSeen": view.lastSeen?.json ?? .null,
        ]
    }

    static func render(_ layer: RFMLayer) -> JSONValue {
        ["id": .string(layer.id), "chineseName": .string(layer.chineseName), "englishName": .string(layer.englishName)]
    }

    static func render(_ stage: LifecycleStage) -> JSONValue {
        ["id": .string(stage.rawValue), "chineseName": .string(stage.chineseName)]
    }
}
