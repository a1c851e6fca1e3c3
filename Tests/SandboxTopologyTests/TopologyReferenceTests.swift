import Foundation
import SandboxTopology
import XCTest
import Yams

/// docs/topology.md shows every key of the model, and only keys it has: its example decodes with no unknown key,
/// and every stored property of every model type is set in at least one place.
final class TopologyReferenceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testTheReferenceShowsEveryKeyOfTheModel() throws {
        let page = try String(contentsOf: Self.root.appendingPathComponent("docs/topology.md"), encoding: .utf8)
        let start = try XCTUnwrap(page.range(of: "```yaml\n"))
        let end = try XCTUnwrap(page.range(of: "\n```", range: start.upperBound..<page.endIndex))
        let example = String(page[start.upperBound..<end.lowerBound])
        let topology = try YAMLDecoder().decode(Topology.self, from: example)
        XCTAssertEqual(UnknownKeys.find(in: example, for: topology), [], "docs/topology.md shows keys the model lacks")
        var fields: [String: Bool] = [:]
        Self.collect(topology, into: &fields)
        let missing = fields.filter { !$0.value }.keys.sorted()
        XCTAssertEqual(missing, [], "docs/topology.md does not show these keys of the model; add them to its example")
        XCTAssertGreaterThan(fields.count, 100)
    }

    /// `Type.field` → whether some value of that type sets it (a non-empty list, a present optional).
    static func collect(_ value: Any, into fields: inout [String: Bool]) {
        if value is FreeFormYAML { return }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value { self.collect(wrapped, into: &fields) }
        case .collection:
            for child in mirror.children { self.collect(child.value, into: &fields) }
        case .dictionary:
            for pair in mirror.children {
                for child in Mirror(reflecting: pair.value).children.dropFirst() {
                    self.collect(child.value, into: &fields)
                }
            }
        case .struct:
            let type = String(reflecting: Swift.type(of: value))
            for child in mirror.children {
                guard let label = child.label else { continue }
                let key = "\(type).\(label)"
                fields[key] = (fields[key] ?? false) || Self.isSet(child.value)
                self.collect(child.value, into: &fields)
            }
        default:
            return
        }
    }

    private static func isSet(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.map { self.isSet($0.value) } ?? false
        case .collection, .dictionary: return !mirror.children.isEmpty
        default: return true
        }
    }
}
