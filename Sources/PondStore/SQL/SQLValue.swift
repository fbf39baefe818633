/// A value crossing the storage seam. Deliberately tiny: integers (ids, instants in ms), text (ids, JSON), reals
/// and null are all the schema uses, which keeps the SQLite and Postgres drivers symmetric.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    public var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int64(d)
        case .text(let s): return Int64(s)
        case .null: return nil
        }
    }

    public var text: String? {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .null: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .text(let s): return Double(s)
        case .null: return nil
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    public init(_ int: Int64?) { self = int.map(SQLValue.int) ?? .null }
}

/// One result row; columns by position, as written in the SELECT.
public struct SQLRow: Sendable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public subscript(_ index: Int) -> SQLValue { values[index] }

    public func int(_ index: Int) throws -> Int64 {
        guard let v = values[index].int else { throw StoreError.corrupt("column \(index) is not an integer") }
        return v
    }

    public func text(_ index: Int) throws -> String {
        guard let v = values[index].text else { throw StoreError.corrupt("column \(index) is not text") }
        return v
    }
}
