import Hummingbird
import PondCore
import PondEngine

/// Events stitching set aside (`/api/v1/stitch-failures`): what failed and why, and a retry once the cause is
/// fixed. The stitcher owns both; this only translates.
struct StitchFailureController: Sendable {
    let stitcher: StitchingService

    func register(on api: RouterGroup<APIRequestContext>) {
        api.get("stitch-failures") { request, context in
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let after = Int64(try request.intQuery("after", default: 0, range: 0...Int.max))
            let failures = try await stitcher.failures(workspaceID: try context.workspaceID, after: after, limit: limit)
            return JSONResponse.make([
                "failures": .array(failures.map { failure in
                    [
                        "seq": .int(failure.seq), "messageId": .string(failure.messageID), "error": .string(failure.error),
                        "failedAt": .string(ISO8601.format(failure.failedAt)),
                    ]
                })
            ])
        }
        api.post("stitch-failures/retry") { _, context in
            JSONResponse.make(["requeued": .int(Int64(try await stitcher.retry(workspaceID: try context.workspaceID)))])
        }
    }
}
