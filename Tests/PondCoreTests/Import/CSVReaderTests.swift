import PondCore
import Testing

@Suite("CSV reader")
struct ImportCSVReaderTests {
    static func fields(_ text: String, delimiter: CSVDelimiter = .comma) throws -> [[String]] {
        try CSVReader.records(Array(text.utf8), delimiter: delimiter).map(\.fields)
    }

    static func failure(_ bytes: [UInt8], delimiter: CSVDelimiter = .comma) -> CSVError? {
        do {
            _ = try CSVReader.records(bytes, delimiter: delimiter)
            return nil
        } catch {
            return error
        }
    }

    // MARK: What RFC 4180 allows

    @Test("plain fields are split on the delimiter, one record per line")
    func plainFields() throws {
        #expect(try Self.fields("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test("empty fields are kept, including a trailing one")
    func emptyFields() throws {
        #expect(try Self.fields("a,,c\n,,\nx,\n") == [["a", "", "c"], ["", "", ""], ["x", ""]])
    }

    @Test("a quoted field may hold the delimiter, line breaks and doubled quotes")
    func quotedField() throws {
        let text = "name,note\n\"面霜, 50ml\",\"第一行\r\n第二行 \"\"正红\"\"\"\n"
        #expect(try Self.fields(text) == [["name", "note"], ["面霜, 50ml", "第一行\r\n第二行 \"正红\""]])
    }

    @Test("an empty quoted field is an empty string")
    func emptyQuoted() throws {
        #expect(try Self.fields("\"\",b\n") == [["", "b"]])
    }

    @Test("CRLF, LF and lone CR all end a record", arguments: ["a,b\r\n1,2\r\n", "a,b\n1,2\n", "a,b\r1,2\r", "a,b\r\n1,2"])
    func lineEndings(text: String) throws {
        #expect(try Self.fields(text) == [["a", "b"], ["1", "2"]])
    }

    @Test("the last record needs no line break")
    func noFinalLineBreak() throws {
        #expect(try Self.fields("a,b\n1,\"2\"") == [["a", "b"], ["1", "2"]])
    }

    @Test("tab and semicolon delimiters leave commas alone")
    func otherDelimiters() throws {
        #expect(try Self.fields("a\tb,c\n1\t2\n", delimiter: .tab) == [["a", "b,c"], ["1", "2"]])
        #expect(try Self.fields("a;b,c\n\"1;x\";2\n", delimiter: .semicolon) == [["a", "b,c"], ["1;x", "2"]])
    }

    @Test("a UTF-8 byte-order mark is not part of the first header")
    func byteOrderMark() throws {
        let records = try CSVReader.records([0xEF, 0xBB, 0xBF] + Array("订单编号,金额\n".utf8))
        #expect(records.map(\.fields) == [["订单编号", "金额"]])
    }

    @Test("Excel's =\"…\" text form is read as the text inside")
    func excelTextFormula() throws {
        #expect(try Self.fields("=\"3051234567890123\",=\"a\"\"b\",=SUM(A1),=\n")
            == [["3051234567890123", "a\"b", "=SUM(A1)", "="]])
    }

    // MARK: Row numbers

    @Test("rows count records, not lines: a quoted line break stays in its row")
    func rowsCountRecords() throws {
        let records = try CSVReader.records(Array("h1,h2\n\"x\ny\",1\nz,2\n".utf8))
        #expect(records.map(\.row) == [1, 2, 3])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test("blank lines are skipped but still count as rows, as in a spreadsheet")
    func blankLines() throws {
        let records = try CSVReader.records(Array("h\r\n\r\na\n\nb\n\n".utf8))
        #expect(records.map(\.fields) == [["h"], ["a"], ["b"]])
        #expect(records.map(\.row) == [1, 3, 5])
    }

    // MARK: Streaming

    @Test("feeding the bytes in any chunking gives the same records", arguments: [1, 2, 3, 5, 64])
    func chunkingDoesNotMatter(chunkSize: Int) throws {
        let text = "\u{FEFF}订单编号,备注\r\n=\"305\",\"a,\"\"b\"\"\r\nc\"\r\n\r\n306,\"\"\r\n307,x"
        let bytes = Array(text.utf8)
        let whole = try CSVReader.records(bytes)
        var reader = CSVReader()
        var streamed: [CSVRecord] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            streamed += try reader.read(bytes[start..<end])
            start = end
        }
        streamed += try reader.finish()
        #expect(streamed == whole)
        #expect(whole.map(\.fields) == [["订单编号", "备注"], ["305", "a,\"b\"\r\nc"], ["306", ""], ["307", "x"]])
        #expect(whole.map(\.row) == [1, 2, 4, 5])
    }

    @Test("a record is returned as soon as its line ends")
    func recordsAreReturnedEarly() throws {
        var reader = CSVReader()
        #expect(try reader.read(Array("a,b\n1,".utf8)).map(\.fields) == [["a", "b"]])
        #expect(try reader.read(Array("2\n".utf8)).map(\.fields) == [["1", "2"]])
        #expect(try reader.finish().isEmpty)
    }

    // MARK: What is refused

    @Test("a quote inside an unquoted field is an error naming the row and line")
    func quoteInUnquotedField() {
        let error = Self.failure(Array("a,b\n1,2\nx,ab\"c\n".utf8))
        #expect(error?.kind == .unexpectedQuote)
        #expect(error?.row == 3)
        #expect(error?.line == 3)
    }

    @Test("text after a closing quote is an error")
    func textAfterClosingQuote() {
        let error = Self.failure(Array("a,b\n\"1\"x,2\n".utf8))
        #expect(error?.kind == .textAfterClosingQuote)
        #expect(error?.row == 2)
    }

    @Test("a quote that is never closed is an error naming the line it opened on")
    func unterminatedQuote() {
        let error = Self.failure(Array("a,b\n1,2\n3,\"open\n4,5\n".utf8))
        #expect(error?.kind == .unterminatedQuote)
        #expect(error?.row == 3)
        #expect(error?.line == 3)
    }

    @Test("invalid UTF-8 (a GBK export) is refused with the row number")
    func invalidUTF8() {
        // "张三" in GBK.
        let error = Self.failure(Array("name,phone\nok,1\n".utf8) + [0xD5, 0xC5, 0xC8, 0xFD] + Array(",2\n".utf8))
        #expect(error?.kind == .invalidUTF8)
        #expect(error?.row == 3)
        #expect(error?.message.contains("GB18030") == true)
    }

    @Test("overlong encodings and UTF-16 surrogates are not UTF-8", arguments: [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]])
    func malformedSequences(bytes: [UInt8]) {
        #expect(Self.failure(Array("a\n".utf8) + bytes + [0x0A])?.kind == .invalidUTF8)
    }

    @Test("a NUL byte anywhere refuses the file, naming its row: no backend could store it", arguments: [
        Array("a,b\n1,\u{0}\n".utf8), Array("a,b\n\"x\u{0}y\",2\n".utf8), Array("a\u{0}\n".utf8),
    ])
    func nulRefused(bytes: [UInt8]) {
        let error = Self.failure(bytes)
        #expect(error?.kind == .nulCharacter)
        #expect(error?.row == (bytes.starts(with: Array("a\u{0}".utf8)) ? 1 : 2))
    }

    @Test("a UTF-16 file is refused with a hint", arguments: [[0xFF, 0xFE], [0xFE, 0xFF]] as [[UInt8]])
    func utf16(bom: [UInt8]) {
        let error = Self.failure(bom + [0x61, 0x00, 0x0A, 0x00])
        #expect(error?.kind == .unsupportedEncoding)
        #expect(error?.row == 1)
    }

    @Test("a field longer than the limit is refused instead of swallowing the file")
    func fieldTooLong() throws {
        var reader = CSVReader(maximumFieldBytes: 8)
        #expect(throws: CSVError.self) { _ = try reader.read(Array("a,\"0123456789\n".utf8)) }
        var ok = CSVReader(maximumFieldBytes: 8)
        #expect(try ok.read(Array("a,01234567\n".utf8)).map(\.fields) == [["a", "01234567"]])
    }
}
