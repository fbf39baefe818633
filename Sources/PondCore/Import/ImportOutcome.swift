/// What the converter made of one or more rows.
public enum ImportOutcome: Sendable, Equatable {
    /// A message ready for the ingestion pipeline, and the rows it was built from (several for an order spread over
    /// one row per item).
    case message(TrackingMessage, rows: [Int])
    case rejected(ImportRejection)
}

/// A data row that was not imported, with the row number a spreadsheet shows (the header is row 1).
public struct ImportRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var row: Int
    public var reason: String

    public init(row: Int, reason: String) {
        self.row = row
        self.reason = reason
    }

    public var description: String { "row \(row): \(reason)" }
}
