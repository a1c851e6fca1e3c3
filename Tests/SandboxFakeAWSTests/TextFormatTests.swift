import Foundation
import SandboxAWSCore
import XCTest

/// The request path's number formatting writes what `String(format:)` writes.
final class TextFormatTests: XCTestCase {
    func testPaddedAndFixedMatchPrintf() {
        for (value, width) in [(0, 2), (7, 3), (42, 2), (2026, 4), (123, 2), (-5, 3)] {
            XCTAssertEqual(
                TextFormat.padded(value, width),
                String(format: "%0\(width)d", value),
                "\(value) in \(width)"
            )
        }
        for value in [0, 0.004, 0.005, 1.5, 3.14159, 12.999, 1234.5678, 0.1 + 0.2, -2.25, 900] {
            XCTAssertEqual(TextFormat.fixed(value), String(format: "%.2f", value), "\(value)")
        }
    }
}
