import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on `127.0.0.1` at a port the system picks, for as long as `body` runs.
///
/// Simulators of outside services are started inside the test that uses them: no fixed port to collide with a
/// parallel test, nothing left running after the test.
public enum LocalHTTPServer {
    public static func run<T: Sendable>(
        _ router: Router<BasicRequestContext>, _ body: (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "pond.simulator")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw SimulatorError.didNotStart
            }
            do {
                let result = try await body("http://127.0.0.1:\(port)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

public enum SimulatorError: Error {
    case didNotStart
}

extension Response {
    static func json(_ status: Int, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json;charset=utf-8"
        return Response(
            status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
