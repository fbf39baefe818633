import Testing

/// Every segment test, gathered under one suite so that `swift test --filter Segments` selects exactly them.
@Suite("Segments")
enum Segments {}
