import Foundation

/// RFC 2047 encoded words, the way a header carries text that is not ASCII: `=?UTF-8?B?<base64>?=`.
///
/// Each word is 60 characters at most, so that a header line holding one stays within RFC 2047's 76 characters
/// even after `Subject: ` (and within RFC 5322's recommended 78), and it holds whole characters only — a Chinese character is three
/// UTF-8 bytes, and a word that split one would decode to garbage — so a long subject becomes several words, which
/// the caller folds onto continuation lines; decoders join adjacent encoded words without the space between them.
enum EncodedWord {
    /// 36 bytes of text are 48 of base64, plus the 12 of `=?UTF-8?B?` and `?=`.
    static let bytesPerWord = 36

    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > bytesPerWord, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Whether `text` may go into a header as it is: printable ASCII and nothing a decoder would take for an
    /// encoded word.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?") && text.utf8.count <= 900
    }
}
