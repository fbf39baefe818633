import Foundation
import PondCore

/// A real SMTP server for the email channel's tests: `aiosmtpd` (from PyPI) run by `smtp_sink.py` next to this file,
/// with the Python of `POND_TEST_PYTHON` (`scripts/test` makes that venv before `swift test`).
///
/// Without `POND_TEST_PYTHON` the SMTP tests are left out — unless `POND_REQUIRE_POSTGRES=1` (CI) says every
/// real-server test must run, in which case they fail with `MissingPython`.
public struct SMTPSink: Sendable {
    public static let python = ProcessInfo.processInfo.environment["POND_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    public static let required = ProcessInfo.processInfo.environment["POND_REQUIRE_POSTGRES"] == "1"
    /// Whether the SMTP tests run: a Python to run the server, or a configuration that demands them.
    public static var configured: Bool { python != nil || required }

    public struct MissingPython: Error, CustomStringConvertible {
        public var description: String {
            "POND_REQUIRE_POSTGRES=1 but POND_TEST_PYTHON is not set: the SMTP tests need aiosmtpd (scripts/test sets it)"
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// One message as the server received it.
    public struct Received: Sendable {
        public var mailFrom: String
        public var recipients: [String]
        public var authenticated: Bool
        public var overTLS: Bool
        /// The bytes after `DATA`, as they arrived (dot-stuffing undone by the server).
        public var raw: [UInt8]
        public var path: String
    }

    public let port: Int
    public let directory: String
    private let python: String

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("smtp_sink.py").path

    /// Starts the server for the duration of `body`.
    /// - Parameters:
    ///   - auth: `user:password` the server requires, or nil for none.
    ///   - tls: certificate and key files: the server then offers and requires `STARTTLS` or, with `implicitTLS`,
    ///     speaks TLS from the first byte.
    public static func run<T: Sendable>(
        auth: String? = nil, tls: (certificate: String, key: String)? = nil, implicitTLS: Bool = false,
        _ body: (SMTPSink) async throws -> T
    ) async throws -> T {
        guard let python else { throw MissingPython() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pond-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var arguments = [script, "serve", directory.path]
        if let auth { arguments += ["--auth", auth] }
        if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        if implicitTLS { arguments += ["--implicit-tls", "yes"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let line = await readLine(output.fileHandleForReading)
        guard let line, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw Failed(description: "smtp_sink.py did not start (is aiosmtpd installed in POND_TEST_PYTHON?)")
        }
        return try await body(SMTPSink(port: port, directory: directory.path, python: python))
    }

    /// The first line the server prints, read off the test's threads.
    private static func readLine(_ handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first else { break }
                    if byte == 0x0A { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// A self-signed certificate for `127.0.0.1` and its key, made with the `openssl` command line for one test and
    /// removed afterwards; `body` gets the two file paths and the certificate's PEM text.
    public static func withCertificate<T: Sendable>(
        _ body: (_ files: (certificate: String, key: String), _ pem: String) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pond-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "2", "-subj", "/CN=sink.pond.test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(description: "openssl could not make a certificate") }
        let pem = try String(contentsOfFile: certificate, encoding: .utf8)
        return try await body((certificate, key), pem)
    }

    /// Every message received so far, in order.
    public func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let numbers = names.filter { $0.hasSuffix(".eml") }.compactMap { Int($0.dropLast(4)) }.sorted()
        return try numbers.map { number in
            let base = directory + "/\(number)"
            let envelope = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: base + ".json"))))
            return Received(
                mailFrom: envelope["mail_from"]?.stringValue ?? "",
                recipients: envelope["rcpt_tos"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                authenticated: envelope["authenticated"] == .bool(true), overTLS: envelope["tls"] == .bool(true),
                raw: Array(try Data(contentsOf: URL(fileURLWithPath: base + ".eml"))), path: base + ".eml")
        }
    }

    /// The message parsed by Python's `email` package (policy `default`): `headers` decoded (RFC 2047 words
    /// included), `parts` with each part's `type`, `charset`, `transfer_encoding` and decoded `content`, and any
    /// `defects` the parser found.
    public func parse(_ message: Received) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, "parse", message.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(description: "smtp_sink.py parse failed") }
        return try JSONParser.parse(Array(data))
    }
}
