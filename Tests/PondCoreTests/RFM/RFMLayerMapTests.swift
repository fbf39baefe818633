import Foundation
import Testing

@testable import PondCore

@Suite("RFM layer map")
struct RFMLayerMapTests {
    let map = RFMLayerMap.standard

    @Test("every one of the 125 cells of the standard map gets exactly one layer")
    func standardMapCoversEveryCell() {
        var cellsPerLayer: [String: Int] = [:]
        for r in 1...5 {
            for f in 1...5 {
                for m in 1...5 {
                    let layer = map.layer(r: r, f: f, m: m)
                    #expect(layer != nil, "cell \(r)\(f)\(m) has no layer")
                    if let layer { cellsPerLayer[layer.id, default: 0] += 1 }
                }
            }
        }
        #expect(cellsPerLayer.values.reduce(0, +) == 125)
        #expect(map.uncoveredCells(scale: 5).isEmpty)
    }

    @Test("every rule of the standard map wins some cell, so all eight layers occur")
    func standardMapHasNoDeadRules() {
        #expect(map.unreachableRules(scale: 5).isEmpty)
        let layers = Set(RFMLayerMap.cells(scale: 5).compactMap { map.layer(r: $0.r, f: $0.f, m: $0.m) })
        #expect(layers == [.champions, .loyal, .new, .potential, .needAttention, .atRisk, .hibernating, .lost])
    }

    @Test("the standard map reads as its documented grid")
    func standardGrid() {
        let expected: [String: RFMLayer] = [
            "555": .champions, "444": .champions, "553": .loyal, "351": .loyal, "511": .new, "515": .new,
            "411": .potential, "535": .potential, "333": .needAttention, "315": .needAttention, "255": .atRisk,
            "131": .atRisk, "222": .hibernating, "215": .hibernating, "111": .lost, "125": .lost,
        ]
        for (cell, layer) in expected {
            let digits = cell.compactMap(\.wholeNumberValue)
            #expect(map.layer(r: digits[0], f: digits[1], m: digits[2]) == layer, "cell \(cell)")
        }
    }

    @Test("the standard layers carry Chinese and English names")
    func layerNames() {
        #expect(RFMLayer.champions.chineseName == "超级用户")
        #expect(RFMLayer.needAttention.englishName == "Need attention")
        #expect(RFMLayer.lost.chineseName == "已流失")
    }

    @Test("the first matching rule wins, so a brand can carve an exception out of a broad rule")
    func firstMatchWins() {
        let whales = RFMLayer(id: "whales", chineseName: "大客户", englishName: "Whales")
        var custom = map
        custom.rules.insert(RFMLayerRule(whales, r: 1...5, f: 1...5, m: 5...5), at: 0)
        #expect(custom.layer(r: 1, f: 1, m: 5) == whales)
        #expect(custom.layer(r: 1, f: 1, m: 4) == .lost)
        #expect(custom.unreachableRules(scale: 5).isEmpty)
    }

    @Test("a map that leaves cells without a layer is refused, naming the cells")
    func incompleteMapRefused() {
        var configuration = RFMConfiguration()
        configuration.layers.rules.removeAll { $0.layer == .lost }
        #expect(
            configuration.layers.uncoveredCells(scale: 5)
                == ["111", "112", "113", "114", "115", "121", "122", "123", "124", "125"])
        let error = #expect(throws: RFMConfigurationError.self) { try RFMScorer(configuration: configuration) }
        #expect(error?.code == .incompleteLayers)
        #expect(error?.message.hasPrefix("10 RFM cells match no layer rule: 111, 112") == true)
    }

    @Test("a rule that earlier rules shadow completely is refused")
    func shadowedRuleRefused() {
        var configuration = RFMConfiguration()
        configuration.layers.rules.append(RFMLayerRule(.champions, r: 5...5, f: 5...5, m: 5...5))
        #expect(configuration.layers.unreachableRules(scale: 5) == [8])
        let error = #expect(throws: RFMConfigurationError.self) { try configuration.validate() }
        #expect(error?.code == .unreachableLayerRule)
    }

    @Test("rules encode with short r, f, m ranges, and a rule without m matches every monetary score")
    func ruleJSON() throws {
        let json = #"{"layer":{"id":"vip","chineseName":"贵宾","englishName":"VIP"},"r":[4,5],"f":[3,5]}"#
        let rule = try JSONDecoder().decode(RFMLayerRule.self, from: Data(json.utf8))
        #expect(rule == RFMLayerRule(RFMLayer(id: "vip", chineseName: "贵宾", englishName: "VIP"), r: 4...5, f: 3...5))
        #expect(rule.matches(r: 4, f: 3, m: 1) && rule.matches(r: 5, f: 5, m: 9))
        let encoded = try JSONDecoder().decode(RFMLayerRule.self, from: JSONEncoder().encode(rule))
        #expect(encoded == rule)
    }
}
