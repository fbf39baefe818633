import CZlib

/// Decompresses `Content-Encoding: gzip` (and zlib `deflate`) request bodies.
///
/// The output is capped: a few KB of gzip can expand to gigabytes, so inflation stops as soon as the result
/// passes the same limit an uncompressed body has.
enum Inflate {
    enum Failure: Error {
        case tooLarge
        case corrupt(String)
    }

    static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            var rc: Int32 = Z_OK
            repeat {
                rc = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit { return -100 }
                output.append(contentsOf: chunk[0..<produced])
            } while rc == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
            return rc
        }
        switch status {
        case Z_STREAM_END: return output
        case -100: throw .tooLarge
        case Z_OK, Z_BUF_ERROR: throw .corrupt("truncated compressed body")
        default: throw .corrupt("invalid compressed body")
        }
    }
}
