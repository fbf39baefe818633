import PondCore
import Testing

extension Segments {
    /// Segments built on segments: cycles are refused and evaluation follows the references.
    @Suite("Graph")
    struct GraphTests {
        static let leaf = SegmentRule.hasTag("x")

        @Test("two segments that read each other form a cycle named as a chain")
        func twoSegmentCycle() throws {
            let graph = SegmentGraph(["a": .inSegment("b"), "b": .all([Self.leaf, .inSegment("a")])])
            #expect(graph.cycle() == ["a", "b", "a"])
            let error = try #require(throws: SegmentGraphError.self) { try graph.evaluationOrder() }
            #expect(error.chain == ["a", "b", "a"])
            #expect(error.code == "segment_cycle")
            #expect(error.message == "segments reference each other in a cycle: a → b → a")
        }

        @Test("a segment that reads itself is a cycle of one")
        func selfReference() {
            #expect(SegmentGraph(["a": .not(.inSegment("a"))]).cycle() == ["a", "a"])
        }

        @Test("a longer cycle is reported from where the walk entered it")
        func longerCycle() {
            let graph = SegmentGraph([
                "root": .inSegment("x"), "x": .inSegment("y"), "y": .any([Self.leaf, .inSegment("z")]),
                "z": .inSegment("x"),
            ])
            #expect(graph.cycle() == ["x", "y", "z", "x"])
        }

        @Test("shared dependencies (a diamond) are not a cycle")
        func diamond() throws {
            let graph = SegmentGraph([
                "top": .all([.inSegment("left"), .inSegment("right")]), "left": .inSegment("base"),
                "right": .inSegment("base"), "base": Self.leaf,
            ])
            #expect(graph.cycle() == nil)
            #expect(try graph.evaluationOrder() == ["base", "left", "right", "top"])
        }

        @Test("every segment comes after the segments it reads; ties go to the smaller id")
        func dependencyOrder() throws {
            let graph = SegmentGraph([
                "vip": .all([.inSegment("high_value"), .hasTag("会员")]), "high_value": .inSegment("buyers"),
                "buyers": .performed("Order Completed"), "alpha": Self.leaf, "zeta": Self.leaf,
            ])
            #expect(try graph.evaluationOrder() == ["alpha", "buyers", "high_value", "vip", "zeta"])
        }

        @Test("references to undefined segments are listed and treated as inputs")
        func unknownReferences() throws {
            let graph = SegmentGraph([
                "a": .any([.inSegment("ghost"), .inSegment("b"), .inSegment("abyss")]), "b": Self.leaf,
            ])
            #expect(graph.unknownReferences == ["a": ["abyss", "ghost"]])
            #expect(try graph.evaluationOrder() == ["b", "a"])
        }

        @Test("dependents are found through chains of references")
        func dependents() {
            let graph = SegmentGraph([
                "a": Self.leaf, "b": .inSegment("a"), "c": .inSegment("b"), "d": Self.leaf,
            ])
            #expect(graph.dependents(of: "a") == ["b", "c"])
            #expect(graph.dependents(of: "d") == [])
        }

        @Test("a segment reading a time-dependent segment needs periodic re-evaluation too")
        func timeDependenceSpreads() {
            let graph = SegmentGraph([
                "recent": .performed("Order Completed", inDays: 30),
                "vip_recent": .all([.inSegment("recent"), Self.leaf]),
                "tagged": Self.leaf,
            ])
            #expect(graph.timeDependentSegments == ["recent", "vip_recent"])
        }
    }
}
