/// Names the member a byte offset of a JSON document falls in, as a path (`batch[3].properties.revenue`), for error
/// messages: "byte 4711" tells a client nothing about which of its 500 messages to fix.
///
/// Run only when a document has already failed, over the bytes before the failure, which the parser had accepted:
/// nothing on the success path pays for knowing where it is.
public enum JSONPathLocator {
    private enum Frame {
        /// An object; `name` is the member being read, nil while a name is expected.
        case object(name: String?)
        case array(index: Int)
    }

    /// The path of the innermost member or element containing `offset`; empty at the top level.
    public static func path(to offset: Int, in bytes: [UInt8]) -> String {
        var frames: [Frame] = []
        var parser = JSONParser(bytes: Array(bytes.prefix(offset)))
        while parser.index < parser.bytes.count {
            let byte = parser.bytes[parser.index]
            switch byte {
            case UInt8(ascii: "{"): frames.append(.object(name: nil))
            case UInt8(ascii: "["): frames.append(.array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = frames.popLast()
            case UInt8(ascii: ","):
                switch frames.last {
                case .array(let index)?: frames[frames.count - 1] = .array(index: index + 1)
                case .object?: frames[frames.count - 1] = .object(name: nil)
                case nil: break
                }
            case UInt8(ascii: "\""):
                // A string the prefix cuts short holds the failure: a value names its member, a name its object.
                guard let text = try? parser.parseString() else { return render(frames) }
                if case .object(nil)? = frames.last { frames[frames.count - 1] = .object(name: text) }
                continue
            default: break
            }
            parser.index += 1
        }
        return render(frames)
    }

    private static func render(_ frames: [Frame]) -> String {
        var path = ""
        for frame in frames {
            switch frame {
            case .object(let name?):
                let plain = !name.isEmpty && name.unicodeScalars.allSatisfy {
                    $0 == "_" || $0 == "$" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
                }
                if plain {
                    path += path.isEmpty ? name : ".\(name)"
                } else {
                    path += "[\(JSONWriter.string(.string(name)))]"
                }
            case .object(nil): break
            case .array(let index): path += "[\(index)]"
            }
        }
        return path
    }
}
