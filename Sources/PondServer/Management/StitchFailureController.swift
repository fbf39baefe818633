import Hummingbird
import PondCore
import PondEngine

/// Events stitching set aside (`/api/v1/stitch-failures`): what failed and why, and a retry once the cause is
/// fixed. The stitcher owns both; this only translates.
struct StitchFailureController: Sendable {
    let auth: AdminAuth
    let stitcher: StitchingService

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/stitch-failures") { request, _ in
            let key = try await auth.admin(request)
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let after = Int64(try request.intQuery("after", default: 0, range: 0...Int.max))
            let failures = try await stitcher.failures(workspaceID: key.workspaceID, after: after, limit: limit)
            return JSONResponse.make([
                "failures": .array(failures.map { failure in
                    [
                        "seq": .int(failure.seq), "messageId": .string(failure.messageID), "error": .string(failure.error),
                        "failedAt": .string(ISO8601.format(failure.failedAt)),
                    ]
                })
            ])
        }
        router.post("/api/v1/stitch-failures/retry") { request, _ in
            let key = try await auth.admin(request)
            return JSONResponse.make(["requeued": .int(Int64(try await stitcher.retry(workspaceID: key.workspaceID)))])
        }
    }
}
