import PondCore
import PondEngine
import PondStore

/// The JSON shapes of consent, messages, decisions and sandbox deliveries.
enum DispatchJSON {
    static func render(_ consent: ConsentService.ProfileConsent) -> JSONValue {
        var summary: [String: JSONValue] = [:]
        for purpose in ConsentPurpose.allCases {
            let state = consent.summary[purpose].map { $0 ? "granted" : "denied" } ?? "unknown"
            summary[purpose.rawValue] = .string(state)
        }
        return ["profileId": .int(consent.profileID), "summary": .object(summary), "states": .array(consent.states.map(render))]
    }

    static func render(_ stored: StoredConsent) -> JSONValue {
        let entry = stored.record.entry
        return [
            "entryId": .int(stored.entryID), "profileId": .int(stored.profileID),
            "purpose": .string(stored.record.purpose.rawValue), "channel": .string(stored.record.channel.rawValue),
            "status": .string(ConsentState(latest: entry).status.rawValue), "action": .string(entry.action.rawValue),
            "at": entry.at.json, "noticeVersion": entry.noticeVersion.map(JSONValue.string) ?? .null,
            "source": .string(entry.source), "evidence": entry.evidence.map(JSONValue.string) ?? .null,
            "recordedAt": stored.recordedAt.json,
        ]
    }

    static func render(_ decision: DispatchDecision) -> JSONValue {
        switch decision {
        case .send: return ["decision": "send", "reason": .null, "until": .null]
        case .defer(let until, let reason): return ["decision": "defer", "reason": .string(reason.rawValue), "until": until.json]
        case .suppress(let reason): return ["decision": "suppress", "reason": .string(reason.rawValue), "until": .null]
        }
    }

    static func render(_ outcome: DispatchOutcome) -> JSONValue {
        [
            "idempotencyKey": .string(outcome.key), "profileId": outcome.profileID.map(JSONValue.int) ?? .null,
            "status": .string(outcome.status.rawValue), "duplicate": .bool(outcome.decision == nil),
            "decision": outcome.decision.map(render) ?? .null,
        ]
    }

    static func render(_ content: MessageContent) -> JSONValue {
        [
            "subject": content.subject.map(JSONValue.string) ?? .null, "text": .string(content.text),
            "html": content.html.map(JSONValue.string) ?? .null,
            "providerTemplate": content.providerTemplate.map(JSONValue.string) ?? .null,
            "parameters": .object(content.parameters.mapValues(JSONValue.string)),
        ]
    }

    static func render(_ message: StoredMessage) -> JSONValue {
        let ticket = message.ticket
        return [
            "idempotencyKey": .string(ticket.key), "profileId": .int(ticket.profileID), "channel": .string(ticket.channel.rawValue),
            "category": .string(ticket.category.rawValue), "origin": .string(ticket.origin),
            "originRef": ticket.originRef.map(JSONValue.string) ?? .null, "content": render(ticket.content),
            "status": .string(message.status.rawValue), "reason": message.reason.map { .string($0.rawValue) } ?? .null,
            "createdAt": ticket.createdAt.json, "expiresAt": ticket.expiresAt?.json ?? .null,
            "decidedAt": message.decidedAt?.json ?? .null, "dueAt": message.dueAt?.json ?? .null,
            "sentAt": message.sentAt?.json ?? .null, "finishedAt": message.finishedAt?.json ?? .null,
            "deferrals": .int(Int64(message.deferrals)), "providerId": message.providerID.map(JSONValue.string) ?? .null,
            "error": message.error.map(JSONValue.string) ?? .null, "receipt": message.receipt.map(JSONValue.string) ?? .null,
            "receiptAt": message.receiptAt?.json ?? .null,
        ]
    }

    static func render(_ record: DecisionRecord) -> JSONValue {
        render(record.decision).adding([
            "id": .int(record.id), "idempotencyKey": .string(record.key), "profileId": .int(record.profileID),
            "channel": .string(record.channel.rawValue), "category": .string(record.category.rawValue),
            "decidedAt": record.at.json,
        ])
    }

    static func render(_ delivery: SandboxDelivery) -> JSONValue {
        [
            "id": .int(delivery.id), "idempotencyKey": .string(delivery.key), "profileId": .int(delivery.profileID),
            "channel": .string(delivery.channel.rawValue), "category": .string(delivery.category.rawValue),
            "address": delivery.address.map(JSONValue.string) ?? .null, "content": render(delivery.content),
            "deliveredAt": delivery.deliveredAt.json,
        ]
    }
}
