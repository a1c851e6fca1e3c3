import Testing
import XCTest

/// Records a failed expectation in whichever framework runs the test: Swift Testing's issue inside a `@Test`,
/// XCTest's failure otherwise, at the caller's file and line.
func recordFailure(_ message: String, file: StaticString, line: UInt) {
    if Test.current != nil {
        let path = String(describing: file)
        let location = SourceLocation(
            fileID: "SandboxTesting/\((path as NSString).lastPathComponent)",
            filePath: path,
            line: Int(line),
            column: 1
        )
        Issue.record(Comment(rawValue: message), sourceLocation: location)
    } else {
        XCTFail(message, file: file, line: line)
    }
}
